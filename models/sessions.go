package models

import "time"

// Session is a login and the refresh tokens rotated from it (a token family, RFC 9700
// §4.14.2), ginrest's side table ginrest_session. Its id is random, never a count of
// logins. ExpiresAt is that of the family's newest refresh token, NewestJTI its jti (nil
// for a session from before ginrest recorded it); RevokedAt is set when ginrest ends the
// session (logout, reuse of a rotated token, log out everywhere). A session is live while
// one of its tokens is outstanding, unexpired and not blacklisted: the blacklist stays the
// one authority, shared with a Django service on the same database.
type Session struct {
	ID         string     `gorm:"column:id;primaryKey"`
	UserID     int64      `gorm:"column:user_id"`
	CreatedAt  time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	LastUsedAt time.Time  `gorm:"column:last_used_at"`
	ExpiresAt  time.Time  `gorm:"column:expires_at"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
	UserAgent  string     `gorm:"column:user_agent"`
	IPAddress  string     `gorm:"column:ip_address"`
	NewestJTI  *string    `gorm:"column:newest_jti"`
}

func (Session) TableName() string { return "ginrest_session" }

// TokenFamily maps an outstanding refresh token, by jti, to its session, where the jti does
// not say it: a session's tokens that outlive their rotation (BLACKLIST_AFTER_ROTATION
// off), and every token of a session from before sessions had a newest token
// (tokens.Families). The rows go with the outstanding token (flushexpiredtokens) or the
// session, by ON DELETE CASCADE.
type TokenFamily struct {
	JTI       string `gorm:"column:jti;primaryKey"`
	SessionID string `gorm:"column:session_id"`
}

func (TokenFamily) TableName() string { return "ginrest_token_family" }

// Bounds of what a session records of its client: untrusted input, stored cut short.
const (
	MaxUserAgent = 512
	MaxIPAddress = 45 // an IPv6 address in text
)
