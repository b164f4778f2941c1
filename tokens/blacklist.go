package tokens

import (
	"context"
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
}

// Record stores a newly issued refresh token as outstanding (RefreshToken.for_user).
func (bl *Blacklist) Record(ctx context.Context, t *Token, userID *int64) error {
	return bl.record(bl.DB.WithContext(ctx), t, userID)
}

func (bl *Blacklist) record(db *gorm.DB, t *Token, userID *int64) error {
	now := bl.Backend.Now().UTC()
	exp := bl.Backend.ExpiresAt(t)
	return db.Create(&models.OutstandingToken{
		UserID: userID, JTI: bl.Backend.JTI(t), Token: t.Raw, CreatedAt: &now, ExpiresAt: exp.UTC(),
	}).Error
}

// Check refuses a blacklisted token: BlacklistMixin.check_blacklist.
func (bl *Blacklist) Check(ctx context.Context, t *Token) error {
	var n int64
	err := bl.DB.WithContext(ctx).Model(&models.BlacklistedToken{}).
		Joins(`JOIN "token_blacklist_outstandingtoken" ON "token_blacklist_outstandingtoken"."id" = "token_blacklist_blacklistedtoken"."token_id"`).
		Where(`"token_blacklist_outstandingtoken"."jti" = ?`, bl.Backend.JTI(t)).
		Limit(1).Count(&n).Error
	if err != nil {
		return err
	}
	if n > 0 {
		return &Error{Message: MsgBlacklisted}
	}
	return nil
}

// Add blacklists a token: BlacklistMixin.blacklist, which records it as outstanding first
// if it was never recorded. Of two concurrent calls for one token exactly one succeeds; the
// other gets "Token is blacklisted".
func (bl *Blacklist) Add(ctx context.Context, t *Token) error {
	return models.Transaction(ctx, bl.DB, func(tx *gorm.DB) error { return bl.add(tx, t) })
}

// Rotate blacklists the old refresh token and records its replacement in one transaction:
// either both happen or neither, so no refresh succeeds unless its blacklist write committed.
func (bl *Blacklist) Rotate(ctx context.Context, old, replacement *Token, userID *int64) error {
	return models.Transaction(ctx, bl.DB, func(tx *gorm.DB) error {
		if err := bl.add(tx, old); err != nil {
			return err
		}
		return bl.record(tx, replacement, userID)
	})
}

func (bl *Blacklist) add(tx *gorm.DB, t *Token) error {
	jti := bl.Backend.JTI(t)
	exp := bl.Backend.ExpiresAt(t)
	now := bl.Backend.Now().UTC()
	outstanding := models.OutstandingToken{JTI: jti, Token: t.Raw, CreatedAt: &now, ExpiresAt: exp.UTC()}
	if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "jti"}}, DoNothing: true}).Create(&outstanding).Error; err != nil {
		return err
	}
	var id int64
	if err := tx.Model(&models.OutstandingToken{}).Where("jti = ?", jti).Pluck("id", &id).Error; err != nil {
		return err
	}
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "token_id"}}, DoNothing: true}).
		Create(&models.BlacklistedToken{TokenID: id, BlacklistedAt: now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return &Error{Message: MsgBlacklisted}
	}
	return nil
}

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
