package models

import (
	"context"
	"sync"
	"testing"
	"time"
)

// cacheClock is a settable clock.
type cacheClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *cacheClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *cacheClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// cachedUser is a Users with a request cache of ttl over a fresh database holding one
// active user, and that user's id.
func cachedUser(t *testing.T, ttl time.Duration) (*Users, *cacheClock, int64) {
	t.Helper()
	clock := &cacheClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	u := &Users{DB: queueDB(t), CacheTTL: ttl, Now: clock.Now}
	alice := &User{Username: "alice", IsActive: true}
	if err := u.Create(context.Background(), alice, ""); err != nil {
		t.Fatal(err)
	}
	return u, clock, alice.ID
}

// deactivate changes the user in the database behind the cache's back, as another
// instance (or Django) would.
func deactivate(t *testing.T, u *Users, id int64) {
	t.Helper()
	if err := u.DB.Model(&User{}).Where("id = ?", id).Update("is_active", false).Error; err != nil {
		t.Fatal(err)
	}
}

func hookLoaded(t *testing.T, f func()) {
	t.Helper()
	testHookLoaded = f
	t.Cleanup(func() { testHookLoaded = nil })
}

func activeForRequest(t *testing.T, u *Users, id int64) bool {
	t.Helper()
	user, err := u.ForRequest(context.Background(), "id", id)
	if err != nil {
		t.Fatal(err)
	}
	return user.IsActive
}

// A copy of a user expires CacheTTL after its read began, however long the read and the
// store took: a change committed elsewhere after the read is seen by every request that
// begins CacheTTL after the commit.
func TestRequestCacheExpiresFromTheRead(t *testing.T) {
	u, clock, id := cachedUser(t, time.Second)
	hookLoaded(t, func() { clock.Advance(600 * time.Millisecond) }) // a slow read, a descheduled goroutine
	if !activeForRequest(t, u, id) {
		t.Fatal("alice is not active")
	}
	testHookLoaded = nil
	deactivate(t, u, id)
	clock.Advance(399 * time.Millisecond)
	if !activeForRequest(t, u, id) {
		t.Fatal("the copy was not cached at all")
	}
	clock.Advance(time.Millisecond) // CacheTTL after the read began
	if activeForRequest(t, u, id) {
		t.Error("a copy served CacheTTL after its read began")
	}
}

// A forget while a read is in flight keeps that read out of the cache: the read may
// predate the change the forget is for.
func TestRequestCacheForgetDuringALoad(t *testing.T) {
	u, _, id := cachedUser(t, time.Minute)
	hookLoaded(t, func() {
		deactivate(t, u, id) // committed after the read, before the store
		u.Forget(id)
	})
	if !activeForRequest(t, u, id) {
		t.Fatal("the read was expected to see alice active")
	}
	testHookLoaded = nil
	if activeForRequest(t, u, id) {
		t.Error("a copy read before a forget was served after it")
	}
}

// ReloadForRequest reads the database whatever the cache holds, and caches what it read.
func TestReloadForRequest(t *testing.T) {
	u, _, id := cachedUser(t, time.Minute)
	if !activeForRequest(t, u, id) {
		t.Fatal("alice is not active")
	}
	deactivate(t, u, id)
	if !activeForRequest(t, u, id) {
		t.Fatal("the copy was not cached")
	}
	user, err := u.ReloadForRequest(context.Background(), "id", id)
	if err != nil || user.IsActive {
		t.Fatalf("ReloadForRequest = %+v, %v; want alice inactive", user, err)
	}
	if activeForRequest(t, u, id) {
		t.Error("the reloaded copy was not cached")
	}
}
