package tests

import (
	"testing"

	"ginrest/apitest"
	"ginrest/models"
	"ginrest/settings"
)

// A refresh reads its user from the request-user cache, and its rotation commits only
// while the user's row matches the copy it was judged by (models.UserUnchanged). So a
// change made behind the cache's back — by Django or another instance on the same database
// — is seen by the next refresh at once, as it is with no cache: for each change, a
// refresh whose user is cached stale answers exactly what a server with no cache answers,
// and a refused one writes nothing. The protected view, which may serve the stale copy
// for up to USER_CACHE_TTL, shows that the copy was indeed cached and stale.
func TestRefreshWithStaleCachedUserAnswersAsTheDatabase(t *testing.T) {
	changes := []struct {
		name   string
		change string // SQL, with the user's id as its one argument
		status int
	}{
		{"deactivated", `UPDATE "auth_user" SET "is_active" = false WHERE "id" = ?`, 401},
		{"password changed by Django", `UPDATE "auth_user" SET "password" = 'pbkdf2_sha256$1000000$changed$Lq3kVxj1nOq9p1d0bq8xw2pT7xPzZq3c1f8Wn6Yt3oE=' WHERE "id" = ?`, 401},
		{"logged out everywhere by another instance", `UPDATE "ginrest_token_version" SET "version" = "version" + 1, "reason" = 'token_revoked', "changed_at" = CURRENT_TIMESTAMP WHERE "user_id" = ?`, 401},
		{"deleted", `DELETE FROM "auth_user" WHERE "id" = ?`, 401},
		{"renamed (nothing a token depends on)", `UPDATE "auth_user" SET "first_name" = 'Alicia' WHERE "id" = ?`, 200},
	}
	type outcome struct {
		status      int
		body        string
		outstanding int64
		blacklisted int64
	}
	run := func(t *testing.T, change string, cached bool) outcome {
		srv := apitest.NewServer(t, func(s *settings.Settings) {
			if !cached {
				s.UserCacheTTL = 0
			}
		})
		u := srv.CreateUser("alice", "wonderland-42")
		c := srv.Client()
		access, refresh := obtainPair(t, c, "alice", "wonderland-42")
		// A refresh and a protected request cache the user (the first refresh is not the
		// one under test: its token is spent).
		var pair struct{ Access, Refresh string }
		res := c.Post("/api/token/refresh/", map[string]string{"refresh": refresh})
		if res.Status != 200 {
			t.Fatalf("first refresh: %d %s", res.Status, res)
		}
		res.JSON(&pair)
		if res := c.Get("/api/protected/", bearer(access)); res.Status != 200 {
			t.Fatalf("protected before the change: %d %s", res.Status, res)
		}
		if change == `DELETE FROM "auth_user" WHERE "id" = ?` {
			// Django's cascade: the user's tokens go first.
			srv.App.DB.Exec(`DELETE FROM "token_blacklist_blacklistedtoken"`)
			srv.App.DB.Exec(`DELETE FROM "token_blacklist_outstandingtoken"`)
		}
		if err := srv.App.DB.Exec(change, u.ID).Error; err != nil {
			t.Fatalf("change: %v", err)
		}
		if cached {
			// The change bypassed the cache: the protected view still serves the old copy.
			if res := c.Get("/api/protected/", bearer(access)); res.Status != 200 {
				t.Fatalf("the cache did not hold the user: protected answered %d %s", res.Status, res)
			}
		}
		var o outcome
		srv.App.DB.Model(&models.OutstandingToken{}).Count(&o.outstanding)
		srv.App.DB.Model(&models.BlacklistedToken{}).Count(&o.blacklisted)
		res = c.Post("/api/token/refresh/", map[string]string{"refresh": pair.Refresh})
		o.status, o.body = res.Status, res.String()
		var after outcome
		srv.App.DB.Model(&models.OutstandingToken{}).Count(&after.outstanding)
		srv.App.DB.Model(&models.BlacklistedToken{}).Count(&after.blacklisted)
		if res.Status != 200 && (after.outstanding != o.outstanding || after.blacklisted != o.blacklisted) {
			t.Errorf("the refused refresh wrote: outstanding %d → %d, blacklisted %d → %d",
				o.outstanding, after.outstanding, o.blacklisted, after.blacklisted)
		}
		if res.Status == 200 {
			o.body = "a new pair" // the tokens differ from run to run
		}
		return o
	}
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			cached := run(t, tc.change, true)
			uncached := run(t, tc.change, false)
			if cached.status != tc.status {
				t.Errorf("with the user cached: %d %s, want %d", cached.status, cached.body, tc.status)
			}
			if cached.status != uncached.status || cached.body != uncached.body {
				t.Errorf("with the user cached: %d %s\nwith no cache:        %d %s", cached.status, cached.body, uncached.status, uncached.body)
			}
		})
	}
}
