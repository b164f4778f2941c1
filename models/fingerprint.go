package models

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ReasonPasswordChanged is the reason recorded with a token-version bump that a password
// change made (tokens.ReasonPasswordChanged).
const ReasonPasswordChanged = "password_changed"

// PasswordFingerprint is simplejwt's get_md5_hash_password (simplejwt ≥ 5.4's
// hash_password claim): the upper-case hex MD5 of a stored password hash. It names a hash,
// not a password: equal fingerprints mean the same stored hash.
func PasswordFingerprint(encoded string) string {
	sum := md5.Sum([]byte(encoded)) // simplejwt's format, not a security boundary: the input is already a slow hash
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// RecordPassword stores a hash ginrest made as the user's password, in tx, and records its
// fingerprint as the one ginrest knows, so that watching passwords (WatchPasswords) does
// not take ginrest's own writes for a change made elsewhere. rehashedFrom is the hash a
// login's re-hash replaced ("" for a new password): the tokens that name that hash by
// fingerprint stay valid, since the password is the same.
func RecordPassword(tx *gorm.DB, userID int64, encoded, rehashedFrom string, now time.Time) error {
	if err := tx.Exec(`UPDATE "auth_user" SET "password" = ? WHERE "id" = ?`, encoded, userID).Error; err != nil {
		return err
	}
	var from *string
	if rehashedFrom != "" {
		fp := PasswordFingerprint(rehashedFrom)
		from = &fp
	}
	return tx.Exec(`INSERT INTO "ginrest_token_version" ("user_id", "version", "reason", "changed_at", "password_md5", "rehashed_from_md5") VALUES (?, 0, '', ?, ?, ?)
		ON CONFLICT ("user_id") DO UPDATE SET "password_md5" = excluded."password_md5", "rehashed_from_md5" = excluded."rehashed_from_md5"`,
		userID, now.UTC(), PasswordFingerprint(encoded), from).Error
}

// watch notices a password changed outside ginrest — by a Django service on the same
// database, which writes auth_user.password and nothing of ginrest's — on a user just read
// from the database: the stored hash is not the one ginrest last knew. It then revokes the
// user's earlier tokens as ginrest's own password change does (a token-version bump with
// reason password_changed: tokens issued before now are refused), once, whichever process
// notices first, and updates user to match. A user seen for the first time has their
// hash recorded. Only with WatchPasswords (TOKEN_VERSION_CHECK).
func (u *Users) watch(ctx context.Context, user *User) error {
	if !u.WatchPasswords {
		return nil
	}
	fp := PasswordFingerprint(user.Password)
	if user.PasswordSeen != nil && *user.PasswordSeen == fp {
		return nil
	}
	// Plain database/sql, not gorm's prepared statements: preparing a new statement takes
	// gorm's statement lock and then waits for a connection, and transactions that hold
	// every connection of a small pool wait for that lock — a deadlock under a login burst.
	writer, err := writePool(u.DB)
	if err != nil {
		return err
	}
	now := u.now().UTC()
	if user.PasswordSeen == nil { // first sight (or a row from before fingerprints)
		_, err := writer.ExecContext(ctx, u.sql(`INSERT INTO "ginrest_token_version" ("user_id", "version", "reason", "changed_at", "password_md5") VALUES (?, 0, '', ?, ?)
			ON CONFLICT ("user_id") DO UPDATE SET "password_md5" = excluded."password_md5" WHERE "ginrest_token_version"."password_md5" IS NULL`),
			user.ID, now, fp)
		if err != nil {
			return err
		}
		return u.reread(ctx, writer, user)
	}
	_, err = writer.ExecContext(ctx, u.sql(`UPDATE "ginrest_token_version" SET "version" = "version" + 1, "reason" = ?, "changed_at" = ?, "password_md5" = ?, "rehashed_from_md5" = NULL
		WHERE "user_id" = ? AND "password_md5" = ?`), ReasonPasswordChanged, now, fp, user.ID, *user.PasswordSeen)
	if err != nil {
		return err
	}
	u.forget(user.ID)
	return u.reread(ctx, writer, user) // ours, or another process's bump
}

// reread refreshes user's token-version fields from the database, reading where it just
// wrote (on SQLite the writer: a reader may not see the write yet).
func (u *Users) reread(ctx context.Context, db *sql.DB, user *User) error {
	var version int64
	var changed time.Time
	var seen, from sql.NullString
	err := db.QueryRowContext(ctx, u.sql(`SELECT "version", "changed_at", "password_md5", "rehashed_from_md5" FROM "ginrest_token_version" WHERE "user_id" = ?`),
		user.ID).Scan(&version, &changed, &seen, &from)
	if err != nil {
		return err
	}
	user.TokenVersion, user.PasswordSeen, user.RehashedFrom = version, nullable(seen), nullable(from)
	if version > 0 {
		user.TokensRevokedAt = &changed
	}
	return nil
}

func nullable(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// sql is query with PostgreSQL's numbered placeholders when the database is PostgreSQL
// ("?" is SQLite's, and gorm's).
func (u *Users) sql(query string) string {
	if !IsPostgres(u.DB) {
		return query
	}
	var b strings.Builder
	n := 0
	for _, part := range strings.Split(query, "?") {
		if n > 0 {
			b.WriteString("$" + strconv.Itoa(n))
		}
		b.WriteString(part)
		n++
	}
	return b.String()
}
