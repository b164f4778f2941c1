package apitest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/models"
)

// DB opens a fresh, migrated database for one test and closes it when the test ends: a
// SQLite file of the test's own, or, where the DATABASE_URL environment variable names
// PostgreSQL, a schema of the test's own in that database.
func DB(t testing.TB) *gorm.DB {
	t.Helper()
	dbURL := DatabaseURL(t)
	db, err := models.Open(dbURL)
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() { models.Close(db) })
	if _, err := models.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// DatabaseURL is the URL of an empty database for one test, not yet migrated (see DB): for
// tests that open the database themselves, or hand it to a subprocess. A PostgreSQL schema
// is dropped when the test ends.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DATABASE_URL")
	if !strings.HasPrefix(base, "postgres") {
		return "sqlite:///" + filepath.Join(t.TempDir(), "test.sqlite3")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := models.Open(base)
	if err != nil {
		t.Fatalf("DATABASE_URL=%s: %v", base, err)
	}
	if err := admin.Exec(`CREATE SCHEMA "` + schema + `"`).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA "` + schema + `" CASCADE`)
		models.Close(admin)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
