package models

import "time"

// SocialAccount is django-allauth's SocialAccount (table socialaccount_socialaccount): a
// user's identity at an OpenID Connect provider. ginrest keys it by the ID token's issuer
// (Provider) and subject (UID), the pair OpenID Connect Core §2 says is unique and never
// reassigned, so two client ids of one provider (a web and a mobile app) find one user.
type SocialAccount struct {
	ID         int64     `gorm:"column:id;primaryKey"`
	Provider   string    `gorm:"column:provider"`
	UID        string    `gorm:"column:uid"`
	LastLogin  time.Time `gorm:"column:last_login"`
	DateJoined time.Time `gorm:"column:date_joined"`
	// ExtraData is the ID token's claims as JSON, as allauth keeps them.
	ExtraData string `gorm:"column:extra_data"`
	UserID    int64  `gorm:"column:user_id"`
}

func (SocialAccount) TableName() string { return "socialaccount_socialaccount" }
