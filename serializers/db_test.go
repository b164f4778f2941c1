package serializers_test

import (
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

// testDB is an empty database of the test's own: a SQLite file, or, where DATABASE_URL
// names PostgreSQL, a schema of the test's own (as tests.DatabaseURL does), with ddl run
// in the dialect's form.
func testDB(t *testing.T, sqliteDDL, postgresDDL string) *gorm.DB {
	t.Helper()
	dbURL := "sqlite:///" + filepath.Join(t.TempDir(), "test.sqlite3")
	ddl := sqliteDDL
	if base := os.Getenv("DATABASE_URL"); strings.HasPrefix(base, "postgres") {
		dbURL, ddl = postgresSchema(t, base), postgresDDL
	}
	db, err := models.Open(dbURL)
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	if err := db.Exec(ddl).Error; err != nil {
		t.Fatalf("create table: %v", err)
	}
	return db
}

func postgresSchema(t *testing.T, base string) string {
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
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
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
