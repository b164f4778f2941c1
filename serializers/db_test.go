package serializers_test

import (
	"os"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/apitest"
	"ginrest/models"
)

// testDB is an empty database of the test's own (apitest.DatabaseURL: a SQLite file, or a
// PostgreSQL schema where DATABASE_URL names PostgreSQL), with ddl (statements separated by ";") run in the dialect's form.
func testDB(t *testing.T, sqliteDDL, postgresDDL string) *gorm.DB {
	t.Helper()
	dbURL := apitest.DatabaseURL(t)
	ddl := sqliteDDL
	if strings.HasPrefix(os.Getenv("DATABASE_URL"), "postgres") {
		ddl = postgresDDL
	}
	db, err := models.Open(dbURL)
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() {
		models.Close(db)
	})
	// One statement at a time: SQLite's driver runs the first of several.
	for _, stmt := range strings.Split(ddl, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if err := db.Exec(stmt).Error; err != nil {
			t.Fatalf("create table: %v", err)
		}
	}
	return db
}
