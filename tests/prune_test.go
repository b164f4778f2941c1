package tests

import (
	"context"
	"testing"
	"time"

	"ginrest/models"
	"ginrest/settings"
)

// The background pruner deletes expired outstanding and blacklisted tokens, expired
// sessions and their family rows, and leaves what is live. It is fed ticks by hand: the
// second tick is taken only once the first pass has finished.
func TestPrunerDeletesWhatExpired(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.Sessions.PruneInterval = time.Hour })
	s.createUser("alice", "wonderland-42")
	_, old := s.login("alice", "wonderland-42")
	sessPair(t, s.sessRefresh(old)) // one session: a blacklisted token and an outstanding one
	s.Clock.Advance(24*time.Hour + time.Second)
	_, live := s.login("alice", "wonderland-42")

	count := func(model any) int64 {
		var n int64
		if err := s.App.DB.Model(model).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := []int64{count(&models.OutstandingToken{}), count(&models.BlacklistedToken{}), count(&models.Session{}), count(&models.TokenFamily{})}
	// No family rows: each token's jti names its session (tokens.Families).
	if before[0] != 3 || before[1] != 1 || before[2] != 2 || before[3] != 0 {
		t.Fatalf("before pruning: outstanding, blacklisted, sessions, families = %v", before)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ticks := make(chan time.Time)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.App.Sessions.Pruner.Run(ctx, ticks)
	}()
	ticks <- time.Time{}
	ticks <- time.Time{}
	cancel()
	<-done // Run returns once its context ends

	after := []int64{count(&models.OutstandingToken{}), count(&models.BlacklistedToken{}), count(&models.Session{}), count(&models.TokenFamily{})}
	if after[0] != 1 || after[1] != 0 || after[2] != 1 || after[3] != 0 {
		t.Errorf("after pruning: outstanding, blacklisted, sessions, families = %v, want [1 0 1 0]", after)
	}
	sessPair(t, s.sessRefresh(live))
}

// App.RunPruner, what runserver starts: nothing with TOKEN_PRUNE_INTERVAL=0, and a pruner
// that stops with its context otherwise.
func TestRunPrunerWiring(t *testing.T) {
	off := newServer(t)
	off.App.RunPruner(context.Background()) // returns at once: pruning is off

	on := newServer(t, func(st *settings.Settings) { st.Sessions.PruneInterval = time.Hour })
	if on.App.Sessions.Pruner == nil {
		t.Fatal("no pruner with the blacklist on")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	on.App.RunPruner(ctx) // returns: its context has ended

	noBlacklist := newServer(t, func(st *settings.Settings) {
		st.JWT.BlacklistEnabled, st.JWT.BlacklistAfterRotation, st.Sessions.PruneInterval = false, false, time.Hour
	})
	if noBlacklist.App.Sessions.Pruner != nil {
		t.Error("a pruner without the blacklist")
	}
	noBlacklist.App.RunPruner(context.Background())
}
