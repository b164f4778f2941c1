package tokens

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/models"
)

// Blacklist is simplejwt's token_blacklist app: every refresh token issued is recorded as
// outstanding, and a blacklisted one is refused by refresh, blacklist and verify. It keys
// on jti, so a token re-encoded with the same claims is still refused.
type Blacklist struct {
	DB      *gorm.DB
	Backend *Backend

	check models.ReadStmt
}

// Record stores a newly issued refresh token as outstanding (RefreshToken.for_user). With
// a guard (the user the token was issued by, from a cache), it stores nothing and fails
// with models.ErrUserChanged unless the user's row still matches it (models.UserUnchanged).
func (bl *Blacklist) Record(ctx context.Context, t *Token, userID *int64, guard *models.User) error {
	return bl.record(bl.DB.WithContext(ctx), t, userID, guard)
}

var (
	insertOutstanding = models.NewRaw(`INSERT INTO "token_blacklist_outstandingtoken"
	("user_id", "jti", "token", "created_at", "expires_at") VALUES (?, ?, ?, ?, ?)`)
	insertOutstandingGuarded = models.NewRaw(`INSERT INTO "token_blacklist_outstandingtoken"
	("user_id", "jti", "token", "created_at", "expires_at") SELECT ?, ?, ?, ?, ? WHERE ` + models.UserUnchanged)
)

// record stores t as outstanding, with a guard only if the user still matches it. A raw
// statement, not gorm's Create: refresh runs it in the writer's serial batch (models.Raw),
// and the guard is a condition of that one statement rather than a query of its own.
func (bl *Blacklist) record(db *gorm.DB, t *Token, userID *int64, guard *models.User) error {
	now := bl.Backend.Now().UTC()
	if guard == nil {
		_, err := insertOutstanding.Exec(db, userID, bl.Backend.JTI(t), t.Raw, now, bl.Backend.ExpiresAt(t).UTC())
		return err
	}
	args := append([]any{userID, bl.Backend.JTI(t), t.Raw, now, bl.Backend.ExpiresAt(t).UTC()}, models.UserUnchangedArgs(guard)...)
	n, err := insertOutstandingGuarded.Exec(db, args...)
	if err == nil && n == 0 {
		err = models.ErrUserChanged
	}
	return err
}

// Check refuses a blacklisted token: BlacklistMixin.check_blacklist. Refresh and sliding
// tokens are looked up on every use, so the lookup is one statement prepared once.
func (bl *Blacklist) Check(ctx context.Context, t *Token) error {
	var one int
	err := bl.check.QueryRow(ctx, bl.DB, isBlacklisted, bl.Backend.JTI(t)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return &Error{Message: MsgBlacklisted}
}

var isBlacklisted = models.NewRaw(`SELECT 1 FROM "token_blacklist_blacklistedtoken"
	JOIN "token_blacklist_outstandingtoken" ON "token_blacklist_outstandingtoken"."id" = "token_blacklist_blacklistedtoken"."token_id"
	WHERE "token_blacklist_outstandingtoken"."jti" = ? LIMIT 1`)

// Add blacklists a token: BlacklistMixin.blacklist, which records it as outstanding first
// if it was never recorded. Of two concurrent calls for one token exactly one succeeds; the
// other gets "Token is blacklisted".
func (bl *Blacklist) Add(ctx context.Context, t *Token) error {
	return models.Transaction(ctx, bl.DB, func(tx *gorm.DB) error { return bl.add(tx, t) })
}

// Rotate blacklists the old refresh token and records its replacement in one transaction:
// either both happen or neither, so no refresh succeeds unless its blacklist write committed.
// A guard is Record's.
func (bl *Blacklist) Rotate(ctx context.Context, old, replacement *Token, userID *int64, guard *models.User) error {
	return models.Transaction(ctx, bl.DB, func(tx *gorm.DB) error {
		if err := bl.add(tx, old); err != nil {
			return err
		}
		return bl.record(tx, replacement, userID, guard)
	})
}

func (bl *Blacklist) add(tx *gorm.DB, t *Token) error {
	jti := bl.Backend.JTI(t)
	now := bl.Backend.Now().UTC()
	// The usual case, a token on record, is one statement: refresh runs it inside the
	// writer's serial batch, where every statement counts.
	blacklisted, err := bl.blacklistRecorded(tx, jti, now)
	if err != nil || blacklisted {
		return err
	}
	// Not blacklisted by that: the token was never recorded (issued before the blacklist
	// app, or by another service), or it was blacklisted already.
	exp := bl.Backend.ExpiresAt(t)
	outstanding := models.OutstandingToken{JTI: jti, Token: t.Raw, CreatedAt: &now, ExpiresAt: exp.UTC()}
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "jti"}}, DoNothing: true}).Create(&outstanding)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		if blacklisted, err = bl.blacklistRecorded(tx, jti, now); err != nil || blacklisted {
			return err
		}
	}
	return &Error{Message: MsgBlacklisted}
}

// blacklistRecorded blacklists the recorded token jti; false if there is none, or it was
// blacklisted already.
func (bl *Blacklist) blacklistRecorded(tx *gorm.DB, jti string, now time.Time) (bool, error) {
	n, err := blacklistByJTI.Exec(tx, now, jti)
	return n == 1, err
}

var blacklistByJTI = models.NewRaw(`INSERT INTO "token_blacklist_blacklistedtoken" ("token_id", "blacklisted_at")
	SELECT "id", ? FROM "token_blacklist_outstandingtoken" WHERE "jti" = ?
	ON CONFLICT ("token_id") DO NOTHING`)

// FlushExpired deletes the outstanding tokens that have expired and their blacklist
// entries: simplejwt's flushexpiredtokens. It returns how many tokens went.
func (bl *Blacklist) FlushExpired(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := models.Transaction(ctx, bl.DB, func(tx *gorm.DB) error {
		expired := tx.Model(&models.OutstandingToken{}).Select("id").Where("expires_at <= ?", now.UTC())
		if err := tx.Where("token_id IN (?)", expired).Delete(&models.BlacklistedToken{}).Error; err != nil {
			return err
		}
		res := tx.Where("expires_at <= ?", now.UTC()).Delete(&models.OutstandingToken{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
