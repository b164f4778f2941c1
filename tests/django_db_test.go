package tests

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/tokens"
)

// djangoTable is what must survive ginrest's migrations of a table Django made.
type djangoTable struct {
	SQL  string
	Rows int64
}

func djangoTables(t *testing.T, db *gorm.DB) map[string]djangoTable {
	t.Helper()
	var schema []struct{ Name, SQL string }
	if err := db.Raw(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	tables := map[string]djangoTable{}
	for _, s := range schema {
		var n int64
		if err := db.Table(s.Name).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", s.Name, err)
		}
		tables[s.Name] = djangoTable{SQL: s.SQL, Rows: n}
	}
	return tables
}

// TestDjangoDatabase points ginrest at the database the reference Django server made and
// used for the captures: what a team moving from Django would do. It is SQLite by nature,
// whatever DATABASE_URL says.
func TestDjangoDatabase(t *testing.T) {
	ctx := context.Background()
	c := loadCapture(t)
	now := captureTime(t, c)
	db, _ := openDjangoCopy(t)

	before := djangoTables(t, db)
	// The fixture as the captures left it; a different one would make the checks below
	// meaningless.
	for name, rows := range map[string]int64{"auth_user": 3, "token_blacklist_outstandingtoken": 1299, "token_blacklist_blacklistedtoken": 10} {
		if before[name].Rows != rows {
			t.Fatalf("the Django database has %d rows in %s, want %d", before[name].Rows, name, rows)
		}
	}
	if _, err := models.Migrate(ctx, db); err != nil {
		t.Fatalf("migrate a Django database: %v", err)
	}
	after := djangoTables(t, db)
	for name, b := range before {
		if a, ok := after[name]; !ok {
			t.Errorf("migrate dropped Django's table %s", name)
		} else if a != b {
			t.Errorf("migrate changed Django's table %s:\n%+v\nwas\n%+v", name, a, b)
		}
	}
	if ran, err := models.Migrate(ctx, db); err != nil || len(ran) != 0 {
		t.Errorf("second migrate ran %v, %v; want nothing", ran, err)
	}
	// The last token Django issued: the tests below issue more.
	var lastDjangoToken int64
	if err := db.Model(&models.OutstandingToken{}).Select("MAX(id)").Scan(&lastDjangoToken).Error; err != nil {
		t.Fatal(err)
	}

	srv := newServerOn(t, db, referenceSettings)
	srv.Clock.Set(now)
	const alicePassword = "wonderland-42"
	// login is server.login reporting to the subtest: the server's own t is the parent's.
	login := func(t *testing.T, username, password string) (access, refresh string) {
		t.Helper()
		rec := srv.postJSON("/api/token/", map[string]string{"username": username, "password": password})
		if rec.Code != http.StatusOK {
			t.Fatalf("login %s: %d %s", username, rec.Code, rec.Body)
		}
		var pair struct{ Access, Refresh string }
		mustJSON(t, rec.Body.Bytes(), &pair)
		return pair.Access, pair.Refresh
	}

	t.Run("alice logs in with her Django password", func(t *testing.T) {
		old, err := srv.App.Users.ByUsername(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		access, refresh := login(t, "alice", alicePassword)
		for _, tok := range []string{access, refresh} {
			if id := claimsOf(t, tok)["user_id"]; id != json.Number("1") {
				t.Errorf("user_id = %v, want 1", id)
			}
		}
		// Django's blacklist app sees the token as one of alice's.
		var outstanding models.OutstandingToken
		if err := db.Where("jti = ?", claimsOf(t, refresh)["jti"]).Take(&outstanding).Error; err != nil {
			t.Errorf("refresh token not recorded as outstanding: %v", err)
		} else if outstanding.UserID == nil || *outstanding.UserID != 1 {
			t.Errorf("outstanding user_id = %v, want 1", outstanding.UserID)
		}

		// Django 3.2 hashed it at 260,000 iterations, and re-hashes at its login any count
		// not its own: ginrest leaves it as it is (PASSWORD_REHASH_BELOW), so the two
		// services never rewrite it back and forth, and Django's sessions, whose auth hash
		// derives from it, survive a ginrest login.
		user, err := srv.App.Users.ByUsername(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(old.Password, "pbkdf2_sha256$260000$") || user.Password != old.Password {
			t.Fatalf("hash after login = %q, want Django's %q unchanged", user.Password, old.Password)
		}
		login(t, "alice", alicePassword)
	})

	t.Run("bob is inactive", func(t *testing.T) {
		rec := srv.postJSON("/api/token/", map[string]string{"username": "bob", "password": "bob-secret-42"})
		assertJSON(t, rec, http.StatusUnauthorized, `{"detail":"No active account found with the given credentials"}`)
	})

	t.Run("a token Django blacklisted is refused", func(t *testing.T) {
		refresh := c.Tokens["obtain.refresh"]
		const jti = "08dae77d98fa4a38b8c6eaaad8d07ecf"
		if got := claimsOf(t, refresh.Token)["jti"]; got != jti {
			t.Fatalf("obtain.refresh jti = %v, want %s", got, jti)
		}
		var n int64
		db.Model(&models.BlacklistedToken{}).
			Joins(`JOIN "token_blacklist_outstandingtoken" o ON o."id" = "token_blacklist_blacklistedtoken"."token_id"`).
			Where(`o."jti" = ?`, jti).Count(&n)
		if n != 1 {
			t.Fatalf("Django did not blacklist %s in the fixture", jti)
		}
		for _, tc := range []struct {
			name, path, field string
			status            int
			want              string
		}{
			{"refresh", "/api/token/refresh/", "refresh", http.StatusUnauthorized, `{"detail":"Token is blacklisted","code":"token_not_valid"}`},
			{"verify", "/api/token/verify/", "token", http.StatusBadRequest, `{"non_field_errors":["Token is blacklisted"]}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				assertJSON(t, srv.postJSON(tc.path, map[string]string{tc.field: refresh.Token}), tc.status, tc.want)
			})
		}
	})

	t.Run("a token Django issued refreshes and is then blacklisted", func(t *testing.T) {
		var candidates []models.OutstandingToken
		err := db.Where("id <= ? AND user_id IN ? AND id NOT IN (?)", lastDjangoToken, []int64{1, 3},
			db.Model(&models.BlacklistedToken{}).Select("token_id")).Order("id").Find(&candidates).Error
		if err != nil {
			t.Fatal(err)
		}
		// Django issued tokens after the capture instant too; those are not valid yet.
		var issued *models.OutstandingToken
		for i := range candidates {
			if _, err := srv.App.Tokens.Parse(candidates[i].Token, tokens.Refresh); err == nil {
				issued = &candidates[i]
				break
			}
		}
		if issued == nil {
			t.Fatalf("no outstanding, unblacklisted, valid refresh token of alice or admin among %d", len(candidates))
		}
		t.Logf("refreshing outstanding token %d (jti %s, user %d)", issued.ID, issued.JTI, *issued.UserID)

		rec := srv.postJSON("/api/token/refresh/", map[string]string{"refresh": issued.Token})
		if rec.Code != http.StatusOK {
			t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
		}
		var pair struct{ Access, Refresh string }
		mustJSON(t, rec.Body.Bytes(), &pair)
		for _, tok := range []string{pair.Access, pair.Refresh} {
			if id := claimsOf(t, tok)["user_id"]; id != json.Number(strconv.FormatInt(*issued.UserID, 10)) {
				t.Errorf("user_id = %v, want %d", id, *issued.UserID)
			}
		}
		var n int64
		if err := db.Model(&models.BlacklistedToken{}).Where("token_id = ?", issued.ID).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("outstanding token %d blacklisted %d times (%v), want once", issued.ID, n, err)
		}
		assertJSON(t, srv.postJSON("/api/token/refresh/", map[string]string{"refresh": issued.Token}),
			http.StatusUnauthorized, `{"detail":"Token is blacklisted","code":"token_not_valid"}`)
	})
}
