package tests

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"ginrest/apitest"
	"ginrest/models"
	"ginrest/settings"
)

// With rotation and blacklisting, many clients refreshing one refresh token at once get
// exactly one new pair between them. The losers present a token that was just rotated: with
// reuse detection (the default) that is a reuse, forgiven within REFRESH_TOKEN_REUSE_INTERVAL
// (the default, 10s), so the winner's token lives; with no interval the session is revoked,
// the winner's new token with it; without reuse detection, the winner's token lives. Run
// with DATABASE_URL=postgres://… for PostgreSQL.
func TestConcurrentRefreshExactlyOneWins(t *testing.T) {
	for _, c := range []struct {
		reuseDetection  bool
		reuseInterval   time.Duration
		blacklisted     int64 // rows after the race
		winnerRefreshes bool
	}{
		{reuseDetection: true, reuseInterval: 10 * time.Second, blacklisted: 1, winnerRefreshes: true},
		{reuseDetection: true, reuseInterval: 0, blacklisted: 2, winnerRefreshes: false},
		{reuseDetection: false, reuseInterval: 10 * time.Second, blacklisted: 1, winnerRefreshes: true},
	} {
		t.Run(fmt.Sprint("REFRESH_TOKEN_REUSE_DETECTION=", c.reuseDetection, "/REFRESH_TOKEN_REUSE_INTERVAL=", c.reuseInterval), func(t *testing.T) {
			srv := apitest.NewServer(t, func(st *settings.Settings) {
				st.Sessions.ReuseDetection, st.Sessions.ReuseInterval = c.reuseDetection, c.reuseInterval
			})
			srv.CreateUser("alice", "wonderland-42")
			client := apitest.NewClient(t, srv) // one client, shared by the racing goroutines
			_, refresh := obtainPair(t, client, "alice", "wonderland-42")

			const clients = 24
			codes := make([]int, clients)
			bodies := make([]string, clients)
			var start, done sync.WaitGroup
			start.Add(1)
			for i := range clients {
				done.Add(1)
				go func() {
					defer done.Done()
					start.Wait()
					res := client.Post("/api/token/refresh/", map[string]string{"refresh": refresh})
					codes[i], bodies[i] = res.Status, res.String()
				}()
			}
			start.Done()
			done.Wait()

			won, winner := 0, ""
			for i, code := range codes {
				switch {
				case code == http.StatusOK:
					won++
					winner = bodies[i]
				case code == http.StatusUnauthorized && bodies[i] == `{"detail":"Token is blacklisted","code":"token_not_valid"}`:
				default:
					t.Errorf("client %d: %d %s", i, code, bodies[i])
				}
			}
			if won != 1 {
				t.Fatalf("%d clients refreshed the same token; want exactly 1", won)
			}
			// The old token blacklisted (and, revoked with its session, the winner's), and one
			// new outstanding token besides the first.
			var blacklisted, outstanding int64
			srv.App.DB.Model(&models.BlacklistedToken{}).Count(&blacklisted)
			srv.App.DB.Model(&models.OutstandingToken{}).Count(&outstanding)
			if blacklisted != c.blacklisted || outstanding != 2 {
				t.Errorf("blacklisted=%d outstanding=%d, want %d and 2", blacklisted, outstanding, c.blacklisted)
			}
			var pair struct{ Refresh string }
			mustJSON(t, []byte(winner), &pair)
			if res := client.Post("/api/token/refresh/", map[string]string{"refresh": pair.Refresh}); (res.Status == http.StatusOK) != c.winnerRefreshes {
				t.Errorf("the winner's token refreshes: %d %s; want success %v", res.Status, res, c.winnerRefreshes)
			}
		})
	}
}

// The PostgreSQL pass of .ci/run must really run on PostgreSQL.
func TestDatabaseBackend(t *testing.T) {
	if !strings.HasPrefix(os.Getenv("DATABASE_URL"), "postgres") {
		t.Skip("DATABASE_URL is not a postgres:// URL: tests ran on SQLite; .ci/run repeats them with DATABASE_URL=postgres://…@127.0.0.1:5432/test")
	}
	if db := apitest.DB(t); !models.IsPostgres(db) {
		t.Fatalf("DATABASE_URL is PostgreSQL but the tests opened %s", db.Dialector.Name())
	}
}
