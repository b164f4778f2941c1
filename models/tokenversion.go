package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// TokenVersion is a user's token version, ginrest's side table ginrest_token_version:
// every token ginrest issues carries the version its user had then, and a token whose
// version is not the user's current one is refused. Bumping the version ("log out
// everywhere", a password change) thus revokes every token issued before, access tokens
// included. A user without a row is at version 0, as is a token without the claim, so
// simplejwt's tokens keep working until the first bump. Reason is why the version was
// last bumped, and chooses what a refused client is told.
type TokenVersion struct {
	UserID    int64     `gorm:"column:user_id;primaryKey"`
	Version   int64     `gorm:"column:version"`
	Reason    string    `gorm:"column:reason"`
	ChangedAt time.Time `gorm:"column:changed_at"`
	// PasswordMD5 is the fingerprint of the user's password hash as ginrest last knew it
	// (PasswordFingerprint); nil until ginrest first read or wrote it. RehashedFromMD5 is
	// the fingerprint of the hash a login's re-hash replaced, whose tokens stay valid.
	PasswordMD5     *string `gorm:"column:password_md5"`
	RehashedFromMD5 *string `gorm:"column:rehashed_from_md5"`
}

func (TokenVersion) TableName() string { return "ginrest_token_version" }

// BumpTokenVersion raises the user's token version by one, in tx, and records why. The
// increment happens in the database (one upsert), so concurrent bumps never collapse into
// one. Call Users.Forget once tx has committed.
func BumpTokenVersion(tx *gorm.DB, userID int64, reason string, now time.Time) error {
	return tx.Exec(`INSERT INTO "ginrest_token_version" ("user_id", "version", "reason", "changed_at") VALUES (?, 1, ?, ?)
		ON CONFLICT ("user_id") DO UPDATE SET "version" = "ginrest_token_version"."version" + 1, "reason" = excluded."reason", "changed_at" = excluded."changed_at"`,
		userID, reason, now.UTC()).Error
}

// TokenRevocationReason is why the user's token version was last bumped, "" if never.
// Only a refused token needs it, so the hot path never reads it.
func (u *Users) TokenRevocationReason(ctx context.Context, userID int64) (string, error) {
	var v TokenVersion
	err := u.DB.WithContext(ctx).Where("user_id = ?", userID).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	return v.Reason, err
}

// Forget drops a user from this process's request-user cache: call it after changing the
// user (or its token version) other than through Users' own methods. Other instances see
// the change within CacheTTL.
func (u *Users) Forget(id int64) { u.forget(id) }
