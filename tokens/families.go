package tokens

import (
	"cmp"
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/models"
	"ginrest/rest"
)

// Families keeps refresh tokens in sessions, one per login: the token families of RFC 9700
// §4.14.2. Rotation keeps a token's family; a login starts one. When a refresh token that
// was already rotated comes back, someone holds a copy of it — the client after a thief
// refreshed, or a thief after the client did — and, with ReuseDetection, the whole family
// is revoked, so that neither can refresh again.
//
// Except within ReuseInterval of the rotation, as Auth0's reuse interval and Okta's grace
// period: the losers of concurrent refreshes of one token (two tabs, a retry after a
// timeout) present a token that has just been rotated, and the server cannot tell a client
// racing itself from a thief racing the client. Such a token is refused, but the session
// lives, and the winner's new token with it. A copy presented later ends the session.
type Families struct {
	Blacklist *Blacklist
	// ReuseDetection is REFRESH_TOKEN_REUSE_DETECTION.
	ReuseDetection bool
	// ReuseInterval is REFRESH_TOKEN_REUSE_INTERVAL: how long after a refresh token was
	// blacklisted its reuse is refused without revoking its family; 0 is no grace.
	ReuseInterval time.Duration
	// Proxies are TRUSTED_PROXIES: the client's address a session records is the peer's,
	// or what trusted proxies say in X-Forwarded-For.
	Proxies rest.TrustedProxies
}

// Client is who asked for a token, as a session records it.
type Client struct {
	UserAgent string
	IP        string // "" when the peer's address is not an IP (a Unix socket)
}

// clientFrom is the client of the request whose context ctx is (rest.RequestFrom), cut to
// what the columns hold: the session a refresh token is recorded in records its client.
func (f *Families) clientFrom(ctx context.Context) Client {
	req := rest.RequestFrom(ctx)
	if req == nil {
		return Client{}
	}
	r := req.HTTP
	c := Client{UserAgent: truncate(r.UserAgent(), models.MaxUserAgent)}
	if addr := f.Proxies.ClientIP(r); addr.IsValid() {
		c.IP = truncate(addr.String(), models.MaxIPAddress)
	}
	return c
}

// truncate cuts s to at most n bytes, on a character boundary, and mends invalid UTF-8,
// which PostgreSQL would refuse.
func truncate(s string, n int) string {
	s = string([]rune(s)) // invalid bytes become U+FFFD
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (f *Families) db(ctx context.Context) *gorm.DB { return f.Blacklist.DB.WithContext(ctx) }

func (f *Families) now() time.Time { return f.Blacklist.Backend.Now().UTC() }

// Start records a login's refresh token as outstanding and opens its session, in one
// transaction.
func (f *Families) Start(ctx context.Context, t *Token, userID int64) error {
	now, c := f.now(), f.clientFrom(ctx)
	return models.Transaction(ctx, f.Blacklist.DB, func(tx *gorm.DB) error {
		id, named, err := f.open(tx, t, userID, now, c)
		if err != nil {
			return err
		}
		if err := f.Blacklist.record(tx, t, &userID, nil); err != nil {
			return err
		}
		if named {
			return nil
		}
		return keep(tx, f.Blacklist.Backend.JTI(t), id)
	})
}

// A session's tokens say which session they are in by the tail of their jti, which is the
// session's id: a login's refresh token has a random tail (newJTI), its session takes it
// as id, and rotation gives each new token its own head (time and randomness, so that the
// jti index still grows at its end) and the old token's tail (Continue). So rotating a
// session's newest token finds the session by its primary key and writes no row but the
// session's and the tokens' (Rotate); the family table holds only what the tail does not
// say (keep).
const tailLen = 10 // 40 bits

// sessionTail is the tail of a jti of 32 lowercase hex digits (ginrest's; simplejwt's
// uuid4().hex too), which names the token's session if any does. A tail names a session
// only for that session's user's tokens: a jti ginrest did not make may end like one of
// its sessions by chance, so lookups by tail check the user.
func sessionTail(jti string) (string, bool) {
	if len(jti) != 32 {
		return "", false
	}
	for i := 0; i < len(jti); i++ {
		if c := jti[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false
		}
	}
	return jti[len(jti)-tailLen:], true
}

// Continue gives next, the token about to replace old by rotation, a jti in old's session:
// next's own head and old's tail. Call it after Backend.Renew and before encoding next.
func (f *Families) Continue(old, next *Token) {
	tail, ok := sessionTail(f.Blacklist.Backend.JTI(old))
	jti := f.Blacklist.Backend.JTI(next)
	if ok && len(jti) == 32 {
		next.Claims[f.Blacklist.Backend.cfg.JTIClaim] = jti[:32-tailLen] + tail
	}
}

// open creates a session whose newest token is t, with t's tail as its id (named: t names
// it), or, if that is not free or t has none, a random id (t is then kept by a family row).
func (f *Families) open(tx *gorm.DB, t *Token, userID int64, now time.Time, c Client) (id string, named bool, err error) {
	jti := f.Blacklist.Backend.JTI(t)
	s := models.Session{UserID: userID, CreatedAt: now, LastUsedAt: now, NewestJTI: &jti,
		ExpiresAt: f.Blacklist.Backend.ExpiresAt(t).UTC(), UserAgent: c.UserAgent, IPAddress: c.IP}
	if tail, ok := sessionTail(jti); ok {
		s.ID = tail
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&s)
		if res.Error != nil || res.RowsAffected == 1 {
			return tail, res.Error == nil, res.Error
		}
	}
	s.ID = newJTI()
	return s.ID, false, tx.Create(&s).Error
}

// Rotate replaces old with next in old's session, in one transaction: with blacklistOld
// (BLACKLIST_AFTER_ROTATION) old is blacklisted, and refused with "Token is blacklisted" if
// it already was (see Blacklist.Rotate); next is recorded as outstanding and becomes the
// session's newest token; the session records the client and its new expiry. A token in
// no session (issued by simplejwt, or before sessions) starts one. next should have been
// given old's tail (Continue).
//
// The session's row is updated first, which locks it: refreshes, logouts and revocations
// of one session are serialised, so none of them misses a token another is adding.
//
// A guard is Blacklist.Record's: the rotation commits only while the user's row matches it.
func (f *Families) Rotate(ctx context.Context, old, next *Token, userID int64, blacklistOld bool, guard *models.User) error {
	now := f.now()
	c := f.clientFrom(ctx)
	bl := f.Blacklist
	oldJTI, nextJTI := bl.Backend.JTI(old), bl.Backend.JTI(next)
	tail, inSession := sessionTail(oldJTI)
	if inSession && blacklistOld && models.IsPostgres(bl.DB) {
		if done, err := f.rotatePipelined(ctx, old, next, tail, userID, guard, now, c); done || err != nil {
			return err
		}
	}
	return models.Transaction(ctx, f.Blacklist.DB, func(tx *gorm.DB) error {
		// The usual rotation: old is the newest token of the session its tail names.
		if inSession {
			n, err := rotateNewest.Exec(tx, now, bl.Backend.ExpiresAt(next).UTC(), c.UserAgent, c.IP, nextJTI, tail, userID, oldJTI)
			if err != nil {
				return err
			}
			if n == 1 {
				if err := f.retire(tx, old, tail, blacklistOld); err != nil {
					return err
				}
				return bl.record(tx, next, &userID, guard)
			}
		}
		return f.rotateOther(tx, old, next, userID, blacklistOld, guard, now, c)
	})
}

// rotateOther is Rotate for a token that is not the newest of a session its tail names: a
// token its session has moved past (the loser of concurrent refreshes, a copy presented
// again, one kept live with BLACKLIST_AFTER_ROTATION off), a token of a session from
// before sessions recorded their newest token, or a token in no session.
func (f *Families) rotateOther(tx *gorm.DB, old, next *Token, userID int64, blacklistOld bool, guard *models.User, now time.Time, c Client) error {
	bl := f.Blacklist
	oldJTI, nextJTI := bl.Backend.JTI(old), bl.Backend.JTI(next)
	id, err := f.sessionOf(tx, old)
	if err != nil {
		return err
	}
	if id != "" {
		// The session's row first, as in the usual rotation and in logouts: it locks the
		// row, so the newest token read below is not replaced by a rotation in flight.
		if _, err := touchSession.Exec(tx, now, bl.Backend.ExpiresAt(next).UTC(), c.UserAgent, c.IP, id); err != nil {
			return err
		}
		if err := f.retire(tx, old, id, blacklistOld); err != nil {
			return err
		}
		// The newest token stays findable by a family row; next becomes the newest.
		if _, err := keepNewest.Exec(tx, id); err != nil {
			return err
		}
		if _, err := setNewest.Exec(tx, nextJTI, id); err != nil {
			return err
		}
		if err := bl.record(tx, next, &userID, guard); err != nil {
			return err
		}
		if tail, _ := sessionTail(nextJTI); tail != id {
			return keep(tx, nextJTI, id)
		}
		return nil
	}
	if blacklistOld {
		if err := bl.add(tx, old); err != nil {
			return err
		}
	}
	// In no session: next starts one. The session refers to the user: check the guard
	// before, not only with the token's record, lest a deleted user fail the insert.
	if guard != nil {
		if ok, err := models.UserUnchangedIn(tx, guard); err != nil || !ok {
			return cmp.Or(err, models.ErrUserChanged)
		}
	}
	id, named, err := f.open(tx, next, userID, now, c)
	if err != nil {
		return err
	}
	if err := bl.record(tx, next, &userID, guard); err != nil {
		return err
	}
	if !named {
		if err := keep(tx, nextJTI, id); err != nil {
			return err
		}
	}
	// The old token joins the session too, if it is on record, so that its reuse revokes
	// the session it started.
	return keep(tx, oldJTI, id)
}

// retire is what a rotation does with the token it replaces, old, of the session id: with
// blacklistOld it blacklists it (refused with "Token is blacklisted" if it already was);
// otherwise old stays live, so a family row keeps it findable.
func (f *Families) retire(tx *gorm.DB, old *Token, id string, blacklistOld bool) error {
	if blacklistOld {
		return f.Blacklist.add(tx, old)
	}
	return keep(tx, f.Blacklist.Backend.JTI(old), id)
}

// keep puts the token jti, if it is on record, in the session id by a family row.
func keep(tx *gorm.DB, jti, id string) error {
	_, err := keepToken.Exec(tx, id, jti)
	return err
}

// The statements of a rotation, raw (models.Raw): the SQLite writer runs every rotation's
// in series. rotateNewest updates the session whose newest token old is, which also locks
// its row on PostgreSQL. (A RETURNING clause would tell more, but on SQLite a statement
// that returns rows goes through database/sql's and the driver's row reading, which cost
// more than the statement: 20 µs against 8.5 µs for the same UPDATE run as an Exec.)
var (
	rotateNewest = models.NewRaw(`UPDATE "ginrest_session" SET "last_used_at" = ?, "expires_at" = ?, "user_agent" = ?, "ip_address" = ?, "newest_jti" = ?
	WHERE "id" = ? AND "user_id" = ? AND "newest_jti" = ?`)
	touchSession = models.NewRaw(`UPDATE "ginrest_session" SET "last_used_at" = ?, "expires_at" = ?, "user_agent" = ?, "ip_address" = ?
	WHERE "id" = ?`)
	setNewest = models.NewRaw(`UPDATE "ginrest_session" SET "newest_jti" = ? WHERE "id" = ?`)
	keepToken = models.NewRaw(`INSERT INTO "ginrest_token_family" ("jti", "session_id")
	SELECT "jti", ? FROM "token_blacklist_outstandingtoken" WHERE "jti" = ?
	ON CONFLICT ("jti") DO NOTHING`)
	keepNewest = models.NewRaw(`INSERT INTO "ginrest_token_family" ("jti", "session_id")
	SELECT "token_blacklist_outstandingtoken"."jti", "ginrest_session"."id" FROM "ginrest_session"
	JOIN "token_blacklist_outstandingtoken" ON "token_blacklist_outstandingtoken"."jti" = "ginrest_session"."newest_jti"
	WHERE "ginrest_session"."id" = ?
	ON CONFLICT ("jti") DO NOTHING`)
)

// sessionOf is the session of a token, "" if it has none: the session its tail names, if
// that is its user's, or the one a family row puts it in.
func (f *Families) sessionOf(tx *gorm.DB, t *Token) (string, error) {
	jti := f.Blacklist.Backend.JTI(t)
	var ids []string
	if tail, ok := sessionTail(jti); ok {
		err := tx.Raw(`SELECT "ginrest_session"."id" FROM "ginrest_session"
			JOIN "token_blacklist_outstandingtoken" ON "token_blacklist_outstandingtoken"."user_id" = "ginrest_session"."user_id"
			WHERE "ginrest_session"."id" = ? AND "token_blacklist_outstandingtoken"."jti" = ? LIMIT 1`, tail, jti).Scan(&ids).Error
		if err != nil || len(ids) > 0 {
			return cmp.Or(ids...), err
		}
	}
	err := tx.Model(&models.TokenFamily{}).Where("jti = ?", jti).Limit(1).Pluck("session_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// Reuse is what Reused did about a refresh token presented again.
type Reuse struct {
	// Graced: the token was blacklisted less than ReuseInterval ago; its session lives on.
	Graced bool
	// Revoked: the token's session, SessionID of user UserID, was revoked.
	Revoked   bool
	SessionID string
	UserID    int64
}

// Reused is called when a refresh token that is already blacklisted is presented: with
// ReuseDetection, it revokes the token's whole family, unless the token was blacklisted
// less than ReuseInterval ago, which it reports (Graced): the session lives on. The time
// is the blacklist row's blacklisted_at, in the database, so the grace period holds across
// processes.
func (f *Families) Reused(ctx context.Context, t *Token) (Reuse, error) {
	var reuse Reuse
	if !f.ReuseDetection {
		return reuse, nil
	}
	now := f.now()
	err := models.Transaction(ctx, f.Blacklist.DB, func(tx *gorm.DB) error {
		reuse = Reuse{} // a retried transaction starts afresh
		id, err := f.sessionOf(tx, t)
		if err != nil || id == "" {
			return err
		}
		if reuse.Graced, err = f.inGrace(tx, id, t, now); err != nil || reuse.Graced {
			return err
		}
		if err := f.revoke(tx, id, now); err != nil {
			return err
		}
		// Who was revoked, for the security event the caller logs.
		var users []int64
		if err := tx.Model(&models.Session{}).Where(`"id" = ?`, id).Limit(1).Pluck("user_id", &users).Error; err != nil {
			return err
		}
		reuse.Revoked, reuse.SessionID = true, id
		if len(users) > 0 {
			reuse.UserID = users[0]
		}
		return nil
	})
	if err != nil {
		return Reuse{}, err
	}
	return reuse, nil
}

// inGrace reports whether t, of the session id, was blacklisted less than ReuseInterval
// before now while its session lives on: a rotation, not a logout or a revocation. A token
// whose blacklist row is gone (flushed since) is not.
func (f *Families) inGrace(tx *gorm.DB, id string, t *Token, now time.Time) (bool, error) {
	if f.ReuseInterval <= 0 {
		return false, nil
	}
	var live int64
	if err := tx.Model(&models.Session{}).Where(`"id" = ? AND "revoked_at" IS NULL`, id).Count(&live).Error; err != nil || live == 0 {
		return false, err
	}
	var rows []models.BlacklistedToken
	err := tx.Select(`"token_blacklist_blacklistedtoken"."blacklisted_at"`).
		Joins(`JOIN "token_blacklist_outstandingtoken" ON "token_blacklist_outstandingtoken"."id" = "token_blacklist_blacklistedtoken"."token_id"`).
		Where(`"token_blacklist_outstandingtoken"."jti" = ?`, f.Blacklist.Backend.JTI(t)).
		Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return false, err
	}
	return now.Before(rows[0].BlacklistedAt.Add(f.ReuseInterval)), nil
}

// Logout blacklists a refresh token and every other token of its session: the session
// ends. Like Blacklist.Add, it refuses a token already blacklisted with "Token is
// blacklisted", and then changes nothing.
func (f *Families) Logout(ctx context.Context, t *Token) error {
	return models.Transaction(ctx, f.Blacklist.DB, func(tx *gorm.DB) error {
		id, err := f.sessionOf(tx, t)
		if err != nil {
			return err
		}
		now := f.now()
		if id != "" {
			if err := f.lock(tx, id, now); err != nil {
				return err
			}
		}
		if err := f.Blacklist.add(tx, t); err != nil {
			return err
		}
		if id == "" {
			return nil
		}
		return f.blacklistFamily(tx, id, now)
	})
}

// ErrNoSession is End's answer for a session that is not one of the user's live sessions.
var ErrNoSession = errors.New("tokens: no such session")

// End revokes one of the user's live sessions (see Live); any other id, another user's
// included, is ErrNoSession.
func (f *Families) End(ctx context.Context, userID int64, sessionID string) error {
	now := f.now()
	return models.Transaction(ctx, f.Blacklist.DB, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE "ginrest_session" SET "revoked_at" = ? WHERE "id" = ? AND "user_id" = ? AND `+liveSession,
			now, sessionID, userID, now, now, now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNoSession
		}
		return f.blacklistFamily(tx, sessionID, now)
	})
}

// liveSession is the condition on a ginrest_session row (and three arguments, now thrice)
// that it is live: not ended by ginrest, not expired, and with a token that may be live
// (its newest, or one a family row keeps) outstanding, unexpired and not blacklisted (by
// ginrest or by a Django service on the same database).
const liveSession = `"ginrest_session"."revoked_at" IS NULL AND "ginrest_session"."expires_at" > ? AND (EXISTS (
	SELECT 1 FROM "token_blacklist_outstandingtoken"
	WHERE "token_blacklist_outstandingtoken"."jti" = "ginrest_session"."newest_jti" AND ` + liveToken + `) OR EXISTS (
	SELECT 1 FROM "ginrest_token_family"
	JOIN "token_blacklist_outstandingtoken" ON "token_blacklist_outstandingtoken"."jti" = "ginrest_token_family"."jti"
	WHERE "ginrest_token_family"."session_id" = "ginrest_session"."id" AND ` + liveToken + `))`

// liveToken is the condition on a token_blacklist_outstandingtoken row (and one argument,
// now) that it is unexpired and not blacklisted.
const liveToken = `"token_blacklist_outstandingtoken"."expires_at" > ?
	AND NOT EXISTS (SELECT 1 FROM "token_blacklist_blacklistedtoken" WHERE "token_blacklist_blacklistedtoken"."token_id" = "token_blacklist_outstandingtoken"."id")`

// Live lists the user's live sessions, the most recently used first.
func (f *Families) Live(ctx context.Context, userID int64) ([]models.Session, error) {
	now := f.now()
	var sessions []models.Session
	err := f.db(ctx).Where(`"ginrest_session"."user_id" = ? AND `+liveSession, userID, now, now, now).
		Order(`"last_used_at" DESC, "id"`).Find(&sessions).Error
	return sessions, err
}

// revoke ends a session: its row is marked and every token of it blacklisted.
func (f *Families) revoke(tx *gorm.DB, id string, now time.Time) error {
	if err := f.lock(tx, id, now); err != nil {
		return err
	}
	return f.blacklistFamily(tx, id, now)
}

// lock marks a session ended, which also locks its row until the transaction ends.
func (f *Families) lock(tx *gorm.DB, id string, now time.Time) error {
	return tx.Exec(`UPDATE "ginrest_session" SET "revoked_at" = COALESCE("revoked_at", ?) WHERE "id" = ?`, now, id).Error
}

// blacklistFamily blacklists every token of the session id that may be live: its newest,
// and those family rows keep (every other token of it was blacklisted when rotated).
func (f *Families) blacklistFamily(tx *gorm.DB, id string, now time.Time) error {
	return tx.Exec(`INSERT INTO "token_blacklist_blacklistedtoken" ("blacklisted_at", "token_id")
		SELECT ?, "id" FROM "token_blacklist_outstandingtoken" WHERE "jti" IN (
			SELECT "newest_jti" FROM "ginrest_session" WHERE "id" = ? AND "newest_jti" IS NOT NULL
			UNION ALL SELECT "jti" FROM "ginrest_token_family" WHERE "session_id" = ?)
		ON CONFLICT ("token_id") DO NOTHING`, now, id, id).Error
}

// PruneSessions deletes the sessions that have expired (their tokens' family rows go with
// them); Blacklist.FlushExpired deletes the tokens.
func (f *Families) PruneSessions(ctx context.Context, now time.Time) (int64, error) {
	res := f.db(ctx).Where("expires_at <= ?", now.UTC()).Delete(&models.Session{})
	return res.RowsAffected, res.Error
}
