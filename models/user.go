// Package models holds the database tables, named and laid out as Django names them, so
// that ginrest can open a database Django created and run beside a Django service.
package models

import (
	"strconv"
	"time"
)

// User is django.contrib.auth's User, table auth_user.
type User struct {
	ID          int64      `gorm:"column:id;primaryKey"`
	Password    string     `gorm:"column:password"`
	LastLogin   *time.Time `gorm:"column:last_login"`
	IsSuperuser bool       `gorm:"column:is_superuser"`
	Username    string     `gorm:"column:username"`
	FirstName   string     `gorm:"column:first_name"`
	LastName    string     `gorm:"column:last_name"`
	Email       string     `gorm:"column:email"`
	IsStaff     bool       `gorm:"column:is_staff"`
	IsActive    bool       `gorm:"column:is_active"`
	DateJoined  time.Time  `gorm:"column:date_joined"`
	// TokenVersion is not a column of auth_user: it is read with the user from
	// ginrest_token_version (0 without a row), so checking a token's version costs the
	// request no query of its own. See TokenVersion.
	TokenVersion int64 `gorm:"column:token_version;->"`
	// TokensRevokedAt is when the version was last bumped (nil: never), read with it: a
	// token without a version claim (simplejwt's, from a Django service on the same
	// database) is judged by its iat against it instead.
	TokensRevokedAt *time.Time `gorm:"column:tokens_revoked_at;->"`
	// PasswordSeen and RehashedFrom are TokenVersion.PasswordMD5 and RehashedFromMD5, read
	// with it: Users.watch compares the first with the stored hash.
	PasswordSeen *string `gorm:"column:password_seen;->"`
	RehashedFrom *string `gorm:"column:rehashed_from;->"`
}

func (User) TableName() string { return "auth_user" }

// IsAuthenticated is true for every stored user, as in Django; AnonymousUser is the other kind.
func (*User) IsAuthenticated() bool { return true }

// IsAdmin is is_staff, what DRF's IsAdminUser checks.
func (u *User) IsAdmin() bool { return u.IsStaff }

// PK is Django's user.pk as text: what logs and throttles name the user by.
func (u *User) PK() string { return strconv.FormatInt(u.ID, 10) }

// GetUsername is Django's user.get_username(): what the browsable API shows as signed in.
func (u *User) GetUsername() string { return u.Username }
