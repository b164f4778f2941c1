package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// migration is one schema step in each dialect. The tables are Django's own DDL (Django 3.2
// and simplejwt 5.2.2, after all their migrations), created only where missing, so a
// database Django made is used as it is.
type migration struct {
	name             string
	sqlite, postgres []string
}

var migrations = []migration{
	{
		name:     "0001_auth_user",
		sqlite:   []string{`CREATE TABLE IF NOT EXISTS "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "first_name" varchar(150) NOT NULL)`},
		postgres: []string{`CREATE TABLE IF NOT EXISTS "auth_user" ("id" serial NOT NULL PRIMARY KEY, "password" varchar(128) NOT NULL, "last_login" timestamp with time zone NULL, "is_superuser" boolean NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "first_name" varchar(150) NOT NULL, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" boolean NOT NULL, "is_active" boolean NOT NULL, "date_joined" timestamp with time zone NOT NULL)`},
	},
	{
		name: "0002_token_blacklist",
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS "token_blacklist_outstandingtoken" ("token" text NOT NULL, "created_at" datetime NULL, "expires_at" datetime NOT NULL, "user_id" integer NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "jti" varchar(255) NOT NULL UNIQUE, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT)`,
			`CREATE INDEX IF NOT EXISTS "token_blacklist_outstandingtoken_user_id_83bc629a" ON "token_blacklist_outstandingtoken" ("user_id")`,
			`CREATE TABLE IF NOT EXISTS "token_blacklist_blacklistedtoken" ("blacklisted_at" datetime NOT NULL, "token_id" bigint NOT NULL UNIQUE REFERENCES "token_blacklist_outstandingtoken" ("id") DEFERRABLE INITIALLY DEFERRED, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT)`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS "token_blacklist_outstandingtoken" ("id" bigserial NOT NULL PRIMARY KEY, "token" text NOT NULL, "created_at" timestamp with time zone NULL, "expires_at" timestamp with time zone NOT NULL, "user_id" integer NULL REFERENCES "auth_user" ("id") ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED, "jti" varchar(255) NOT NULL UNIQUE)`,
			`CREATE INDEX IF NOT EXISTS "token_blacklist_outstandingtoken_user_id_83bc629a" ON "token_blacklist_outstandingtoken" ("user_id")`,
			`CREATE TABLE IF NOT EXISTS "token_blacklist_blacklistedtoken" ("id" bigserial NOT NULL PRIMARY KEY, "blacklisted_at" timestamp with time zone NOT NULL, "token_id" bigint NOT NULL UNIQUE REFERENCES "token_blacklist_outstandingtoken" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED)`,
		},
	},
	{
		// ginrest's side tables for token versions (log out everywhere) and sessions (token
		// families); Django's tables are left as they are.
		name: "0300_token_versions_and_sessions",
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS "ginrest_token_version" ("user_id" integer NOT NULL PRIMARY KEY REFERENCES "auth_user" ("id") ON DELETE CASCADE, "version" bigint NOT NULL, "reason" varchar(32) NOT NULL, "changed_at" datetime NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS "ginrest_session" ("id" varchar(32) NOT NULL PRIMARY KEY, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE, "created_at" datetime NOT NULL, "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime NULL, "user_agent" varchar(512) NOT NULL, "ip_address" varchar(45) NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_session_user_id" ON "ginrest_session" ("user_id")`,
			`CREATE INDEX IF NOT EXISTS "ginrest_session_expires_at" ON "ginrest_session" ("expires_at")`,
			`CREATE TABLE IF NOT EXISTS "ginrest_token_family" ("jti" varchar(255) NOT NULL PRIMARY KEY REFERENCES "token_blacklist_outstandingtoken" ("jti") ON DELETE CASCADE, "session_id" varchar(32) NOT NULL REFERENCES "ginrest_session" ("id") ON DELETE CASCADE)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_token_family_session_id" ON "ginrest_token_family" ("session_id")`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS "ginrest_token_version" ("user_id" integer NOT NULL PRIMARY KEY REFERENCES "auth_user" ("id") ON DELETE CASCADE, "version" bigint NOT NULL, "reason" varchar(32) NOT NULL, "changed_at" timestamp with time zone NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS "ginrest_session" ("id" varchar(32) NOT NULL PRIMARY KEY, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE, "created_at" timestamp with time zone NOT NULL, "last_used_at" timestamp with time zone NOT NULL, "expires_at" timestamp with time zone NOT NULL, "revoked_at" timestamp with time zone NULL, "user_agent" varchar(512) NOT NULL, "ip_address" varchar(45) NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_session_user_id" ON "ginrest_session" ("user_id")`,
			`CREATE INDEX IF NOT EXISTS "ginrest_session_expires_at" ON "ginrest_session" ("expires_at")`,
			`CREATE TABLE IF NOT EXISTS "ginrest_token_family" ("jti" varchar(255) NOT NULL PRIMARY KEY REFERENCES "token_blacklist_outstandingtoken" ("jti") ON DELETE CASCADE, "session_id" varchar(32) NOT NULL REFERENCES "ginrest_session" ("id") ON DELETE CASCADE)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_token_family_session_id" ON "ginrest_token_family" ("session_id")`,
		},
	},
	{
		// The fingerprint of each user's password hash as ginrest last knew it, so that a
		// password changed by a Django service on the same database is noticed
		// (Users.watch), and that of the hash a login's re-hash replaced.
		name: "0400_password_fingerprints",
		sqlite: []string{
			`ALTER TABLE "ginrest_token_version" ADD COLUMN "password_md5" varchar(32) NULL`,
			`ALTER TABLE "ginrest_token_version" ADD COLUMN "rehashed_from_md5" varchar(32) NULL`,
		},
		postgres: []string{
			`ALTER TABLE "ginrest_token_version" ADD COLUMN IF NOT EXISTS "password_md5" varchar(32) NULL`,
			`ALTER TABLE "ginrest_token_version" ADD COLUMN IF NOT EXISTS "rehashed_from_md5" varchar(32) NULL`,
		},
	},
	{
		// DRF's rest_framework.authtoken (TokenAuthentication), Django's DDL but for ON
		// DELETE CASCADE: Django's ORM deletes a user's token before the user, ginrest
		// leaves it to the database. A database where Django made the table keeps its own.
		name:     "0700_authtoken_token",
		sqlite:   []string{`CREATE TABLE IF NOT EXISTS "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, "created" datetime NOT NULL, "user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED)`},
		postgres: []string{`CREATE TABLE IF NOT EXISTS "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, "created" timestamp with time zone NOT NULL, "user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED)`},
	},
	{
		// The demo resource (models.Note, /api/notes/), laid out as Django would make an
		// app "notes" with a Note model whose owner is a ForeignKey(User, CASCADE).
		name: "0600_notes",
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS "notes_note" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(100) NOT NULL, "body" text NOT NULL, "done" bool NOT NULL, "created" datetime NOT NULL, "owner_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED)`,
			`CREATE INDEX IF NOT EXISTS "notes_note_owner_id" ON "notes_note" ("owner_id")`,
			`CREATE INDEX IF NOT EXISTS "notes_note_created" ON "notes_note" ("created", "id")`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS "notes_note" ("id" bigserial NOT NULL PRIMARY KEY, "title" varchar(100) NOT NULL, "body" text NOT NULL, "done" boolean NOT NULL, "created" timestamp with time zone NOT NULL, "owner_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED)`,
			`CREATE INDEX IF NOT EXISTS "notes_note_owner_id" ON "notes_note" ("owner_id")`,
			`CREATE INDEX IF NOT EXISTS "notes_note_created" ON "notes_note" ("created", "id")`,
		},
	},
	{
		// The second factor (package mfa): a TOTP device per user, its recovery codes, and
		// the mfa tokens already exchanged. Deleting a user deletes their device and codes.
		name: "0800_totp_devices",
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS "ginrest_totp_device" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" ("id") ON DELETE CASCADE, "secret" varchar(255) NOT NULL, "confirmed" bool NOT NULL, "created_at" datetime NOT NULL, "last_used_step" bigint NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS "ginrest_totp_recovery_code" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "device_id" integer NOT NULL REFERENCES "ginrest_totp_device" ("id") ON DELETE CASCADE, "code_hash" varchar(128) NOT NULL, "used_at" datetime NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_totp_recovery_code_device_id" ON "ginrest_totp_recovery_code" ("device_id")`,
			`CREATE TABLE IF NOT EXISTS "ginrest_mfa_token_use" ("jti" varchar(255) NOT NULL PRIMARY KEY, "expires_at" datetime NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_mfa_token_use_expires_at" ON "ginrest_mfa_token_use" ("expires_at")`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS "ginrest_totp_device" ("id" bigserial NOT NULL PRIMARY KEY, "user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "secret" varchar(255) NOT NULL, "confirmed" boolean NOT NULL, "created_at" timestamp with time zone NOT NULL, "last_used_step" bigint NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS "ginrest_totp_recovery_code" ("id" bigserial NOT NULL PRIMARY KEY, "device_id" bigint NOT NULL REFERENCES "ginrest_totp_device" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "code_hash" varchar(128) NOT NULL, "used_at" timestamp with time zone NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_totp_recovery_code_device_id" ON "ginrest_totp_recovery_code" ("device_id")`,
			`CREATE TABLE IF NOT EXISTS "ginrest_mfa_token_use" ("jti" varchar(255) NOT NULL PRIMARY KEY, "expires_at" timestamp with time zone NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_mfa_token_use_expires_at" ON "ginrest_mfa_token_use" ("expires_at")`,
		},
	},
	{
		// django-allauth's SocialAccount (socialaccount 0001 to 0006: provider widened to
		// 200, extra_data a JSONField), so a Django service with allauth on the same
		// database sees the same links; deleting a user deletes their links.
		name: "0900_socialaccount",
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS "socialaccount_socialaccount" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "provider" varchar(200) NOT NULL, "uid" varchar(191) NOT NULL, "last_login" datetime NOT NULL, "date_joined" datetime NOT NULL, "extra_data" text NOT NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)), "user_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "socialaccount_socialaccount_provider_uid_fc810c6e_uniq" UNIQUE ("provider", "uid"))`,
			`CREATE INDEX IF NOT EXISTS "socialaccount_socialaccount_user_id_8146e70c" ON "socialaccount_socialaccount" ("user_id")`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS "socialaccount_socialaccount" ("id" serial NOT NULL PRIMARY KEY, "provider" varchar(200) NOT NULL, "uid" varchar(191) NOT NULL, "last_login" timestamp with time zone NOT NULL, "date_joined" timestamp with time zone NOT NULL, "extra_data" jsonb NOT NULL, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "socialaccount_socialaccount_provider_uid_fc810c6e_uniq" UNIQUE ("provider", "uid"))`,
			`CREATE INDEX IF NOT EXISTS "socialaccount_socialaccount_user_id_8146e70c" ON "socialaccount_socialaccount" ("user_id")`,
		},
	},
	{
		// The demo's tags (models.Tag, each user's own: a slug once per user) and the notes'
		// ManyToManyField(Tag) through Django's join table, with a due date and an estimate:
		// DateField(null=True) and DecimalField(max_digits=5, decimal_places=2, null=True).
		name: "1000_notes_tags_due_estimate",
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS "notes_tag" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL, "slug" varchar(50) NOT NULL, "owner_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "notes_tag_owner_id_slug_uniq" UNIQUE ("owner_id", "slug"))`,
			`CREATE TABLE IF NOT EXISTS "notes_note_tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "note_id" bigint NOT NULL REFERENCES "notes_note" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "tag_id" bigint NOT NULL REFERENCES "notes_tag" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED)`,
			`CREATE UNIQUE INDEX IF NOT EXISTS "notes_note_tags_note_id_tag_id_uniq" ON "notes_note_tags" ("note_id", "tag_id")`,
			`CREATE INDEX IF NOT EXISTS "notes_note_tags_tag_id" ON "notes_note_tags" ("tag_id")`,
			`ALTER TABLE "notes_note" ADD COLUMN "due" date NULL`,
			`ALTER TABLE "notes_note" ADD COLUMN "estimate" decimal NULL`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS "notes_tag" ("id" bigserial NOT NULL PRIMARY KEY, "name" varchar(50) NOT NULL, "slug" varchar(50) NOT NULL, "owner_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "notes_tag_owner_id_slug_uniq" UNIQUE ("owner_id", "slug"))`,
			`CREATE TABLE IF NOT EXISTS "notes_note_tags" ("id" bigserial NOT NULL PRIMARY KEY, "note_id" bigint NOT NULL REFERENCES "notes_note" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "tag_id" bigint NOT NULL REFERENCES "notes_tag" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "notes_note_tags_note_id_tag_id_uniq" UNIQUE ("note_id", "tag_id"))`,
			`CREATE INDEX IF NOT EXISTS "notes_note_tags_tag_id" ON "notes_note_tags" ("tag_id")`,
			`ALTER TABLE "notes_note" ADD COLUMN IF NOT EXISTS "due" date NULL`,
			`ALTER TABLE "notes_note" ADD COLUMN IF NOT EXISTS "estimate" numeric(5, 2) NULL`,
		},
	},
	{
		// The demo notes' optional attachment (models.Note.Attachment): a FileField's name,
		// "" for none, as Django's FileField(blank=True) stores it.
		name:     "1100_notes_attachment",
		sqlite:   []string{`ALTER TABLE "notes_note" ADD COLUMN "attachment" varchar(100) NOT NULL DEFAULT ''`},
		postgres: []string{`ALTER TABLE "notes_note" ADD COLUMN IF NOT EXISTS "attachment" varchar(100) NOT NULL DEFAULT ''`},
	},
	{
		// WebAuthn credentials (passkeys, security keys) and the ceremonies' spent states
		// (docs/mfa.md); deleting a user deletes their credentials.
		name: "1200_webauthn_credentials",
		sqlite: []string{
			`CREATE TABLE IF NOT EXISTS "ginrest_webauthn_credential" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "credential_id" varchar(1400) NOT NULL UNIQUE, "public_key" blob NOT NULL, "sign_count" bigint NOT NULL, "transports" varchar(255) NOT NULL, "aaguid" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "backup_eligible" bool NOT NULL, "attestation_format" varchar(32) NOT NULL, "created" datetime NOT NULL, "last_used" datetime NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_webauthn_credential_user_id" ON "ginrest_webauthn_credential" ("user_id")`,
			`CREATE TABLE IF NOT EXISTS "ginrest_webauthn_state_use" ("state_id" varchar(64) NOT NULL PRIMARY KEY, "expires_at" datetime NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_webauthn_state_use_expires_at" ON "ginrest_webauthn_state_use" ("expires_at")`,
		},
		postgres: []string{
			`CREATE TABLE IF NOT EXISTS "ginrest_webauthn_credential" ("id" bigserial NOT NULL PRIMARY KEY, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "credential_id" varchar(1400) NOT NULL UNIQUE, "public_key" bytea NOT NULL, "sign_count" bigint NOT NULL, "transports" varchar(255) NOT NULL, "aaguid" varchar(36) NOT NULL, "name" varchar(100) NOT NULL, "backup_eligible" boolean NOT NULL, "attestation_format" varchar(32) NOT NULL, "created" timestamp with time zone NOT NULL, "last_used" timestamp with time zone NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_webauthn_credential_user_id" ON "ginrest_webauthn_credential" ("user_id")`,
			`CREATE TABLE IF NOT EXISTS "ginrest_webauthn_state_use" ("state_id" varchar(64) NOT NULL PRIMARY KEY, "expires_at" timestamp with time zone NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS "ginrest_webauthn_state_use_expires_at" ON "ginrest_webauthn_state_use" ("expires_at")`,
		},
	},
	{
		// A session's newest refresh token, so that rotating it writes no family row: the
		// session's id is the tail of its tokens' jti (tokens.Families).
		name:     "1300_session_newest_jti",
		sqlite:   []string{`ALTER TABLE "ginrest_session" ADD COLUMN "newest_jti" varchar(255) NULL`},
		postgres: []string{`ALTER TABLE "ginrest_session" ADD COLUMN IF NOT EXISTS "newest_jti" varchar(255) NULL`},
	},
}

// migrationsTable records which of ginrest's migrations have run; Django's own
// django_migrations is left alone.
const migrationsTable = "ginrest_migrations"

// Migrate applies the migrations not yet applied, in one transaction (PostgreSQL's DDL is
// transactional; SQLite's write lock is taken at BEGIN), and returns their names. Two
// processes migrating at once queue on a lock instead of racing.
func Migrate(ctx context.Context, db *gorm.DB) ([]string, error) {
	var ran []string
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		postgres := IsPostgres(tx)
		if postgres {
			// Serialises concurrent migrators; released at commit.
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7224061)").Error; err != nil {
				return err
			}
		}
		if err := tx.Exec(`CREATE TABLE IF NOT EXISTS "` + migrationsTable + `" ("name" varchar(255) NOT NULL PRIMARY KEY, "applied_at" varchar(64) NOT NULL)`).Error; err != nil {
			return err
		}
		var done []string
		if err := tx.Table(migrationsTable).Pluck("name", &done).Error; err != nil {
			return err
		}
		applied := map[string]bool{}
		for _, name := range done {
			applied[name] = true
		}
		// The resources `ginrest startapp` made come after the project's own (apps.go).
		for _, m := range slices.Concat(migrations, appMigrations()) {
			if applied[m.name] {
				continue
			}
			stmts := m.sqlite
			if postgres {
				stmts = m.postgres
			}
			for _, stmt := range stmts {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%s: %w", m.name, err)
				}
			}
			if err := tx.Exec(`INSERT INTO "`+migrationsTable+`" ("name", "applied_at") VALUES (?, ?)`, m.name, time.Now().UTC().Format(time.RFC3339)).Error; err != nil {
				return err
			}
			ran = append(ran, m.name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return ran, nil
}
