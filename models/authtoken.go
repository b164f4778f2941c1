package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"
)

// AuthToken is DRF's rest_framework.authtoken Token, in Django's authtoken_token table: one
// key per user, valid until deleted. TokenAuthentication reads it.
type AuthToken struct {
	Key     string    `gorm:"column:key;primaryKey"`
	Created time.Time `gorm:"column:created"`
	UserID  int64     `gorm:"column:user_id"`
}

func (AuthToken) TableName() string { return "authtoken_token" }

// ErrNoAuthToken is returned for a key no token has.
var ErrNoAuthToken = errors.New("auth token not found")

// NewAuthTokenKey is DRF's Token.generate_key: binascii.hexlify(os.urandom(20)), 40
// lower-case hex characters from the system's random source.
func NewAuthTokenKey() (string, error) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// AuthTokens is DRF's Token.objects over one database.
type AuthTokens struct {
	DB *gorm.DB
	// Now stamps created; nil means time.Now.
	Now func() time.Time
}

// ByKey is the token whose key is key, found by the primary key's index. The key is not
// compared in constant time, as DRF does not compare it either: an index lookup's timing
// tells an attacker next to nothing of a key, and 160 random bits leave nothing to guess
// piecewise.
func (t *AuthTokens) ByKey(ctx context.Context, key string) (*AuthToken, error) {
	var token AuthToken
	err := t.DB.WithContext(ctx).Where(`"key" = ?`, key).Take(&token).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNoAuthToken
	}
	if err != nil {
		return nil, err
	}
	return &token, nil
}

// GetOrCreate is Token.objects.get_or_create(user=user): the user's token, made with a
// new key if they have none. Of two concurrent calls for one user, the unique user_id
// decides which creates; the other reads what it made.
func (t *AuthTokens) GetOrCreate(ctx context.Context, user *User) (*AuthToken, bool, error) {
	db := t.DB.WithContext(ctx)
	var token AuthToken
	err := db.Where(`"user_id" = ?`, user.ID).Take(&token).Error
	if err == nil {
		return &token, false, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, err
	}
	key, err := NewAuthTokenKey()
	if err != nil {
		return nil, false, err
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	token = AuthToken{Key: key, Created: now().UTC(), UserID: user.ID}
	if err := db.Create(&token).Error; err != nil {
		// Another call created it meanwhile: return that one.
		var existing AuthToken
		if db.Where(`"user_id" = ?`, user.ID).Take(&existing).Error == nil {
			return &existing, false, nil
		}
		return nil, false, err
	}
	return &token, true, nil
}

// DeleteFor deletes the user's token, if any: Token.objects.filter(user=user).delete().
func (t *AuthTokens) DeleteFor(ctx context.Context, user *User) error {
	return t.DB.WithContext(ctx).Where(`"user_id" = ?`, user.ID).Delete(&AuthToken{}).Error
}
