package tokens

import (
	"context"
	"time"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/settings"
)

// Revoker ends every session of a user at once: "log out everywhere", and what a password
// change does. What it does depends on what is on; both are by default.
type Revoker struct {
	DB    *gorm.DB
	Users *models.Users
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BumpVersion bumps the user's token version (TOKEN_VERSION_CHECK): every token issued
	// before, access tokens included, is refused from the next request on (other instances:
	// within USER_CACHE_TTL).
	BumpVersion bool
	// Blacklist blacklists the user's outstanding refresh tokens (TOKEN_BLACKLIST_ENABLED),
	// which a Django service sharing the database honours too, and marks the user's sessions
	// ended.
	Blacklist bool
	// OnPasswordChange is REVOKE_ON_PASSWORD_CHANGE: SetPassword revokes.
	OnPasswordChange bool
}

// NewRevoker is the Revoker the settings ask for; now nil means time.Now.
func NewRevoker(s *settings.Settings, db *gorm.DB, users *models.Users, now func() time.Time) *Revoker {
	return &Revoker{DB: db, Users: users, Now: now, BumpVersion: s.Sessions.TokenVersionCheck,
		Blacklist: s.JWT.BlacklistEnabled, OnPasswordChange: s.Sessions.RevokeOnPasswordChange}
}

func (r *Revoker) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// RevokeAll ends every session of the user, for the given reason (ReasonRevoked,
// ReasonPasswordChanged). change, when not nil, runs first in the same transaction, so
// that a new password and the revocation happen together or not at all.
func (r *Revoker) RevokeAll(ctx context.Context, userID int64, reason string, change func(tx *gorm.DB) error) error {
	now := r.now().UTC()
	err := models.Transaction(ctx, r.DB, func(tx *gorm.DB) error {
		if change != nil {
			if err := change(tx); err != nil {
				return err
			}
		}
		if r.BumpVersion {
			if err := models.BumpTokenVersion(tx, userID, reason, now); err != nil {
				return err
			}
		}
		if r.Blacklist {
			// Sessions first: the update locks their rows, so a refresh of one of them in
			// flight commits before the blacklisting below reads the user's tokens, and one
			// that comes after finds its token blacklisted (see Families.Rotate).
			if err := tx.Exec(`UPDATE "ginrest_session" SET "revoked_at" = ? WHERE "user_id" = ? AND "revoked_at" IS NULL`, now, userID).Error; err != nil {
				return err
			}
			if err := tx.Exec(`INSERT INTO "token_blacklist_blacklistedtoken" ("blacklisted_at", "token_id")
				SELECT ?, "id" FROM "token_blacklist_outstandingtoken" WHERE "user_id" = ? AND "expires_at" > ?
				ON CONFLICT ("token_id") DO NOTHING`, now, userID, now).Error; err != nil {
				return err
			}
		}
		return nil
	})
	r.Users.Forget(userID) // whatever happened, the cached user may be stale
	return err
}

// SetPassword stores a new password for the user and, with OnPasswordChange, revokes
// every token issued before, in one transaction. The hash is made before the transaction
// begins: it takes a while, and SQLite's write lock would be held meanwhile.
func (r *Revoker) SetPassword(ctx context.Context, user *models.User, password string) error {
	// Hashed before the transaction and in the hashing queue: see Users.MakePassword.
	encoded, err := r.Users.MakePassword(ctx, password)
	if err != nil {
		return err
	}
	set := func(tx *gorm.DB) error { return models.RecordPassword(tx, user.ID, encoded, "", r.now()) }
	if r.OnPasswordChange && (r.BumpVersion || r.Blacklist) {
		err = r.RevokeAll(ctx, user.ID, ReasonPasswordChanged, set)
	} else {
		err = set(r.DB.WithContext(ctx))
		r.Users.Forget(user.ID)
	}
	if err != nil {
		return err
	}
	user.Password = encoded
	return nil
}
