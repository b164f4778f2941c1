package models

import "time"

// OutstandingToken is simplejwt's token_blacklist.OutstandingToken: every refresh token
// issued, keyed by jti. UserID is nil for a token blacklisted without having been issued
// here (simplejwt creates the row on demand).
type OutstandingToken struct {
	ID        int64      `gorm:"column:id;primaryKey"`
	UserID    *int64     `gorm:"column:user_id"`
	JTI       string     `gorm:"column:jti"`
	Token     string     `gorm:"column:token"`
	CreatedAt *time.Time `gorm:"column:created_at;autoCreateTime:false"`
	ExpiresAt time.Time  `gorm:"column:expires_at"`
}

func (OutstandingToken) TableName() string { return "token_blacklist_outstandingtoken" }

// BlacklistedToken is simplejwt's token_blacklist.BlacklistedToken. TokenID is unique: the
// database, not a read before the write, decides which of two concurrent blacklistings of
// one token wins.
type BlacklistedToken struct {
	ID            int64     `gorm:"column:id;primaryKey"`
	TokenID       int64     `gorm:"column:token_id"`
	BlacklistedAt time.Time `gorm:"column:blacklisted_at"`
}

func (BlacklistedToken) TableName() string { return "token_blacklist_blacklistedtoken" }
