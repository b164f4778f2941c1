package tokens_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"ginrest/apitest"
	"ginrest/models"
	"ginrest/tokens"
)

// On PostgreSQL the usual rotation runs in one round trip, and does all of its work or
// none: a token blacklisted already, or a user changed since the guard's copy, leaves
// everything as it was, for Rotate's transaction to decide.
func TestPostgresRotatePipelined(t *testing.T) {
	if !strings.HasPrefix(os.Getenv("DATABASE_URL"), "postgres") {
		t.Skip("DATABASE_URL is not PostgreSQL: set DATABASE_URL=postgres://... to run this test")
	}
	ctx := context.Background()
	db := apitest.DB(t)
	c := newClock()
	backend := newBackend(t, c, nil)
	families := &tokens.Families{Blacklist: &tokens.Blacklist{DB: db, Backend: backend}, ReuseDetection: true}
	user := models.User{Username: "alice", Password: "pbkdf2_sha256$1$salt$hash", IsActive: true, DateJoined: c.Now()}
	if err := db.Create(&user).Error; err != nil {
		t.Fatal(err)
	}
	login := backend.ForUser(user.ID)
	if _, err := backend.Encode(login); err != nil {
		t.Fatal(err)
	}
	if err := families.Start(ctx, login, user.ID); err != nil {
		t.Fatal(err)
	}
	rotated := func(old *tokens.Token) *tokens.Token {
		next := &tokens.Token{Type: tokens.Refresh, Claims: map[string]any{}}
		for k, v := range old.Claims {
			next.Claims[k] = v
		}
		backend.Renew(next)
		families.Continue(old, next)
		if _, err := backend.Encode(next); err != nil {
			t.Fatal(err)
		}
		return next
	}
	state := func() (newest string, outstanding, blacklisted int64) {
		t.Helper()
		if err := db.Raw(`SELECT "newest_jti" FROM "ginrest_session"`).Scan(&newest).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Raw(`SELECT COUNT(*) FROM "token_blacklist_outstandingtoken"`).Scan(&outstanding).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Raw(`SELECT COUNT(*) FROM "token_blacklist_blacklistedtoken"`).Scan(&blacklisted).Error; err != nil {
			t.Fatal(err)
		}
		return newest, outstanding, blacklisted
	}

	// The usual rotation, guarded by an up-to-date copy of the user.
	next := rotated(login)
	if done, err := families.RotatePipelined(ctx, login, next, user.ID, &user); !done || err != nil {
		t.Fatalf("the usual rotation: done %v, %v", done, err)
	}
	if newest, outstanding, blacklisted := state(); newest != backend.JTI(next) || outstanding != 2 || blacklisted != 1 {
		t.Fatalf("after it: newest %q (want next's), %d outstanding (want 2), %d blacklisted (want 1)", newest, outstanding, blacklisted)
	}
	if err := families.Blacklist.Check(ctx, login); err == nil {
		t.Error("the rotated token is not blacklisted")
	}

	for _, tc := range []struct {
		name  string
		old   *tokens.Token
		guard *models.User
	}{
		{"a token rotated already", login, nil},
		{"a user changed since the guard's copy", next, &models.User{ID: user.ID, Password: "another hash", IsActive: true}},
		{"a deactivated user", next, &models.User{ID: user.ID, Password: user.Password, IsActive: true}},
	} {
		if tc.name == "a deactivated user" {
			if err := db.Exec(`UPDATE "auth_user" SET "is_active" = false`).Error; err != nil {
				t.Fatal(err)
			}
		}
		t.Run(tc.name, func(t *testing.T) {
			if done, err := families.RotatePipelined(ctx, tc.old, rotated(tc.old), user.ID, tc.guard); done || err != nil {
				t.Fatalf("done %v, %v; want not done, and no error", done, err)
			}
			if newest, outstanding, blacklisted := state(); newest != backend.JTI(next) || outstanding != 2 || blacklisted != 1 {
				t.Errorf("something was written: newest %q, %d outstanding, %d blacklisted", newest, outstanding, blacklisted)
			}
		})
	}

	// A recorded token of the session that is not its newest (as a session from before
	// ginrest recorded its newest token has): nothing is written, the check answers 0 and
	// the implicit transaction commits, so no statement may have written on its own.
	other := rotated(next)
	if err := families.Blacklist.Record(ctx, other, &user.ID, nil); err != nil {
		t.Fatal(err)
	}
	if done, err := families.RotatePipelined(ctx, other, rotated(other), user.ID, nil); done || err != nil {
		t.Fatalf("a token that is not the newest: done %v, %v; want not done, and no error", done, err)
	}
	if newest, outstanding, blacklisted := state(); newest != backend.JTI(next) || outstanding != 3 || blacklisted != 1 {
		t.Errorf("a token that is not the newest: newest %q, %d outstanding, %d blacklisted; want next's, 3, 1", newest, outstanding, blacklisted)
	}

	// The session's newest token, blacklisted by another writer (a Django service, say)
	// after it was read: the session's update happens, the blacklist's insert does not,
	// and the check undoes the update.
	if err := db.Exec(`UPDATE "auth_user" SET "is_active" = true`).Error; err != nil {
		t.Fatal(err)
	}
	if err := families.Blacklist.Add(ctx, next); err != nil {
		t.Fatal(err)
	}
	if done, err := families.RotatePipelined(ctx, next, rotated(next), user.ID, nil); done || err != nil {
		t.Fatalf("a token blacklisted elsewhere: done %v, %v; want not done, and no error", done, err)
	}
	if newest, outstanding, blacklisted := state(); newest != backend.JTI(next) || outstanding != 3 || blacklisted != 2 {
		t.Errorf("a token blacklisted elsewhere: newest %q, %d outstanding, %d blacklisted; want next's, 3, 2", newest, outstanding, blacklisted)
	}
}
