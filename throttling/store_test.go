package throttling_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"ginrest/throttling"
)

// storeKinds are the stores every store test runs against. The Redis ones need REDIS_URL
// (redis://127.0.0.1:6379/0 in CI) and skip without it.
var storeKinds = []struct {
	name string
	open func(t *testing.T) throttling.Store
}{
	{"memory", func(*testing.T) throttling.Store { return throttling.NewMemory(0) }},
	{"redis", func(t *testing.T) throttling.Store { return openRedis(t, uniquePrefix(t)) }},
}

// openRedis connects to REDIS_URL with the given key prefix, skipping the test when it
// is not set; the test's keys are deleted at its end.
func openRedis(t *testing.T, prefix string) *throttling.Redis {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL is not set: the Redis throttle store is not tested (REDIS_URL=redis://127.0.0.1:6379/0 go test ./throttling/)")
	}
	s, err := throttling.OpenRedis(url, prefix)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	if err := s.Client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("REDIS_URL=%s does not answer: %v", url, err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, err := s.Client.Keys(ctx, prefix+"*").Result(); err == nil && len(keys) > 0 {
			s.Client.Del(ctx, keys...)
		}
		s.Close()
	})
	return s
}

// uniquePrefix keeps one test's keys apart from every other test's, and from other runs.
func uniquePrefix(t *testing.T) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "test:" + hex.EncodeToString(b[:]) + ":"
}

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func at(seconds float64) time.Time { return t0.Add(time.Duration(seconds * float64(time.Second))) }

// step is one hit of a sliding-log scenario: when, under which keys, and what the store
// must answer.
type step struct {
	at       float64
	keys     []string
	allowed  bool
	wait     time.Duration
	describe string
}

func TestThrottleStoreSlidingLog(t *testing.T) {
	rate := throttling.Rate{Limit: 3, Period: time.Minute}
	a, b := []string{"a"}, []string{"b"}
	steps := []step{
		{0, a, true, 0, "first of three"},
		{10, a, true, 0, "second"},
		{20, a, true, 0, "third"},
		{30, a, false, 30 * time.Second, "fourth within the minute: until the first leaves"},
		{30, b, true, 0, "another key is counted apart"},
		{59.5, a, false, 500 * time.Millisecond, "still full half a second before"},
		{60, a, true, 0, "the first hit left the window exactly a period later (DRF's <=)"},
		{61, a, false, 9 * time.Second, "now 10, 20 and 60: until 10 leaves"},
		{70, a, true, 0, "10 left"},
		{80, a, true, 0, "20 left"},
		{81, a, false, 39 * time.Second, "60, 70, 80: until 60 leaves at 120"},
		{200, a, true, 0, "a quiet period empties the log"},
	}
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			store := kind.open(t)
			for _, s := range steps {
				res, err := store.Hit(context.Background(), s.keys, rate, at(s.at))
				if err != nil {
					t.Fatalf("at %vs: %v", s.at, err)
				}
				if res.Allowed != s.allowed || res.Wait != s.wait {
					t.Errorf("at %vs %v (%s): allowed %v wait %v, want %v %v", s.at, s.keys, s.describe, res.Allowed, res.Wait, s.allowed, s.wait)
				}
				if res.Allowed == (res.ID == "") {
					t.Errorf("at %vs: allowed %v with id %q", s.at, res.Allowed, res.ID)
				}
			}
		})
	}
}

// Several keys at once are counted together or not at all: a refusal by one key counts
// nothing on the other, and the longest wait is reported.
func TestThrottleStoreSeveralKeys(t *testing.T) {
	rate := throttling.Rate{Limit: 2, Period: time.Minute}
	ip, alice, bob := "ip", "user_alice", "user_bob"
	steps := []step{
		{0, []string{ip, alice}, true, 0, "1st failure from ip, on alice"},
		{10, []string{ip, alice}, true, 0, "2nd: both full"},
		{20, []string{"ip2", alice}, false, 40 * time.Second, "alice is full from another ip"},
		{25, []string{ip, bob}, false, 35 * time.Second, "ip is full for bob"},
		{30, []string{"ip2", bob}, true, 0, "ip2 and bob were not counted by the refusals"},
		{31, []string{"ip2", bob}, true, 0, "their second"},
		{32, []string{"ip2", bob}, false, 58 * time.Second, "so they are full only now"},
		{60, []string{ip, "user_carol"}, true, 0, "ip's first failure left"},
		{61, []string{"ip3", alice}, true, 0, "alice's first left too"},
	}
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			store := kind.open(t)
			for _, s := range steps {
				res, err := store.Hit(context.Background(), s.keys, rate, at(s.at))
				if err != nil {
					t.Fatal(err)
				}
				if res.Allowed != s.allowed || res.Wait != s.wait {
					t.Errorf("at %vs %v (%s): allowed %v wait %v, want %v %v", s.at, s.keys, s.describe, res.Allowed, res.Wait, s.allowed, s.wait)
				}
			}
			// The longest wait wins when both keys are full.
			ctx := context.Background()
			for _, h := range []struct {
				key string
				at  float64
			}{{"x", 100}, {"x", 101}, {"y", 120}, {"y", 130}} {
				store.Hit(ctx, []string{h.key}, rate, at(h.at))
			}
			res, _ := store.Hit(ctx, []string{"x", "y"}, rate, at(140))
			if res.Allowed || res.Wait != 40*time.Second {
				t.Errorf("x full until 160, y until 180: allowed %v wait %v, want false 40s", res.Allowed, res.Wait)
			}
		})
	}
}

func TestThrottleStoreForgetAndReset(t *testing.T) {
	rate := throttling.Rate{Limit: 2, Period: time.Minute}
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			store, ctx := kind.open(t), context.Background()
			hit := func(sec float64, keys ...string) throttling.Result {
				t.Helper()
				res, err := store.Hit(ctx, keys, rate, at(sec))
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			first := hit(0, "k", "u")
			hit(1, "k", "u")
			if hit(2, "k").Allowed {
				t.Fatal("third hit allowed")
			}
			if err := store.Forget(ctx, "k", first.ID); err != nil {
				t.Fatal(err)
			}
			if !hit(3, "k").Allowed {
				t.Error("a forgotten hit still counts")
			}
			if hit(4, "u").Allowed {
				t.Error("forgetting under k forgot under u too")
			}
			if err := store.Reset(ctx, "u"); err != nil {
				t.Fatal(err)
			}
			if !hit(5, "u").Allowed || !hit(6, "u").Allowed || hit(7, "u").Allowed {
				t.Error("after Reset the key should hold exactly the limit again")
			}
			// Forgetting what is not there changes nothing and is no error.
			if err := store.Forget(ctx, "nothing", first.ID); err != nil {
				t.Error(err)
			}
			if err := store.Forget(ctx, "u", "not-an-id"); err != nil {
				t.Error(err)
			}
			if hit(8, "u").Allowed {
				t.Error("a bad id forgot something")
			}
		})
	}
}

// Concurrent hits on one key, at one instant, let exactly the limit through. For Redis the
// goroutines use two clients, as two instances would.
func TestThrottleStoreConcurrentHits(t *testing.T) {
	const limit, goroutines = 25, 200
	rate := throttling.Rate{Limit: limit, Period: time.Hour}
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			stores := []throttling.Store{kind.open(t)}
			if r, ok := stores[0].(*throttling.Redis); ok {
				stores = append(stores, openRedis(t, r.Prefix))
			}
			var allowed atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range goroutines {
				wg.Go(func() {
					<-start
					keys := []string{"shared"}
					if i%2 == 0 {
						keys = append(keys, "also")
					}
					res, err := stores[i%len(stores)].Hit(context.Background(), keys, rate, t0)
					if err != nil {
						t.Error(err)
						return
					}
					if res.Allowed {
						allowed.Add(1)
					}
				})
			}
			close(start)
			wg.Wait()
			if got := allowed.Load(); got != limit {
				t.Errorf("%d of %d concurrent hits allowed, want exactly %d", got, goroutines, limit)
			}
		})
	}
}

// The memory store never holds more keys than its bound; keys whose hits have all left
// their window are evicted before live ones.
func TestThrottleMemoryIsBounded(t *testing.T) {
	const maxKeys = 64
	store := throttling.NewMemory(maxKeys)
	ctx := context.Background()
	rate := throttling.Rate{Limit: 1, Period: time.Minute}
	if _, err := store.Hit(ctx, []string{"live"}, rate, at(100)); err != nil {
		t.Fatal(err)
	}
	for i := range maxKeys - 1 {
		store.Hit(ctx, []string{"old" + string(rune('A'+i))}, rate, at(0))
	}
	if store.Len() != maxKeys {
		t.Fatalf("Len = %d, want %d", store.Len(), maxKeys)
	}
	// Full: the next key evicts the expired ones and keeps the live one.
	store.Hit(ctx, []string{"new"}, rate, at(101))
	if store.Len() != 2 {
		t.Errorf("Len = %d after evicting the expired keys, want 2 (live, new)", store.Len())
	}
	if res, _ := store.Hit(ctx, []string{"live"}, rate, at(102)); res.Allowed {
		t.Error("the live key was evicted instead of the expired ones")
	}
	// With nothing expired, it still stays within its bound.
	for i := range 10 * maxKeys {
		store.Hit(ctx, []string{"k" + strconv.Itoa(i)}, rate, at(103))
		if store.Len() > maxKeys {
			t.Fatalf("Len = %d > %d", store.Len(), maxKeys)
		}
	}
}

// A Redis that does not answer is an error from the store (the throttles then let the
// request through), quickly: the request path does not hang on it.
func TestThrottleRedisDownIsAnError(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1, DialerRetries: 1})
	defer client.Close()
	store := throttling.NewRedis(client, "test:")
	_, err := store.Hit(context.Background(), []string{"k"}, throttling.Rate{Limit: 1, Period: time.Minute}, t0)
	if err == nil {
		t.Fatal("Hit on a closed port succeeded")
	}
}

// OpenRedis gives each pooled connection small buffers (a throttle's traffic is small),
// and a reply far longer than a buffer still arrives whole.
func TestRedisSmallBuffersReadLongReplies(t *testing.T) {
	prefix := uniquePrefix(t)
	s := openRedis(t, prefix)
	client, ok := s.Client.(*redis.Client)
	if !ok {
		t.Fatalf("OpenRedis made a %T; want *redis.Client", s.Client)
	}
	if o := client.Options(); o.ReadBufferSize != 4096 || o.WriteBufferSize != 4096 {
		t.Errorf("buffers: read %d, write %d bytes; want 4096 each", o.ReadBufferSize, o.WriteBufferSize)
	}
	ctx := context.Background()
	long := make([]byte, 100_000)
	for i := range long {
		long[i] = byte('a' + i%26)
	}
	if err := client.Set(ctx, prefix+"long", long, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := client.Get(ctx, prefix+"long").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(long) {
		t.Errorf("read back %d bytes, not the %d written", len(got), len(long))
	}
}
