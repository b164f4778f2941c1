package tests

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"ginrest/models"
)

// The Django database of the captures has no authtoken app: migrating it creates
// authtoken_token in Django's layout, and a Django user's token then authenticates.
func TestAuthTokenTableOnDjangoDatabase(t *testing.T) {
	ctx := context.Background()
	db, _ := openDjangoCopy(t)
	if db.Migrator().HasTable("authtoken_token") {
		t.Fatal("the Django database already has authtoken_token: this test needs one without")
	}
	if _, err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	var cols []struct {
		Name, Type string
		NotNull    int `gorm:"column:notnull"`
		PK         int `gorm:"column:pk"`
	}
	if err := db.Raw(`SELECT name, type, "notnull", pk FROM pragma_table_info('authtoken_token') ORDER BY cid`).Scan(&cols).Error; err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cols); !strings.EqualFold(got, "[{key varchar(40) 1 1} {created datetime 1 0} {user_id integer 1 0}]") {
		t.Errorf("authtoken_token columns = %s", got)
	}
	s := newServerOn(t, db, referenceSettings, authClasses("TokenAuthentication"))
	s.withViews(whoAmIProtected())
	alice, err := s.App.Users.ByUsername(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.App.AuthTokens.GetOrCreate(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	rec := s.do(req{Method: "GET", Path: "/api/whoami/", Header: map[string]string{"Authorization": "Token " + token.Key}})
	assertJSON(t, rec, 200, fmt.Sprintf(`{"kind":"stored","id":%d,"username":"alice"}`, alice.ID))
}

// A table Django's authtoken migrations made (no ON DELETE CASCADE) is left as it is,
// rows and all, and its keys authenticate.
func TestAuthTokenTableDjangoMade(t *testing.T) {
	ctx := context.Background()
	db, _ := openDjangoCopy(t)
	const djangoDDL = `CREATE TABLE "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, "created" datetime NOT NULL, "user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED)`
	const key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b" // DRF's documentation's example
	for _, q := range []string{djangoDDL,
		`INSERT INTO "authtoken_token" ("key", "created", "user_id") VALUES ('` + key + `', '2024-05-01 10:00:00.123456', 1)`} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	var ddl string
	db.Raw(`SELECT sql FROM sqlite_master WHERE name = 'authtoken_token'`).Scan(&ddl)
	if ddl != djangoDDL {
		t.Errorf("migrate changed Django's authtoken_token:\n%s", ddl)
	}
	token, err := (&models.AuthTokens{DB: db}).ByKey(ctx, key)
	if err != nil || token.UserID != 1 || !token.Created.Equal(time.Date(2024, 5, 1, 10, 0, 0, 123456000, time.UTC)) {
		t.Errorf("Django's token read as %+v, %v", token, err)
	}
	s := newServerOn(t, db, referenceSettings, authClasses("TokenAuthentication"))
	s.withViews(whoAmIProtected())
	rec := s.do(req{Method: "GET", Path: "/api/whoami/", Header: map[string]string{"Authorization": "Token " + key}})
	assertJSON(t, rec, 200, `{"kind":"stored","id":1,"username":"alice"}`)
}
