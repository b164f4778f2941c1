package cache_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"ginrest/cache"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestExpiry(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	c := cache.New[string, int](10, clk.now)
	c.Set("a", 1, clk.t.Add(time.Second))
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("Get = %v, %v", v, ok)
	}
	clk.t = clk.t.Add(999 * time.Millisecond)
	if _, ok := c.Get("a"); !ok {
		t.Fatal("expired early")
	}
	clk.t = clk.t.Add(time.Millisecond)
	if _, ok := c.Get("a"); ok {
		t.Fatal("served at its expiry")
	}
	c.Set("b", 2, clk.t.Add(time.Hour))
	c.Delete("b")
	if _, ok := c.Get("b"); ok {
		t.Fatal("served after Delete")
	}
}

func TestBounded(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	c := cache.New[int, int](100, clk.now)
	for i := range 1000 {
		c.Set(i, i, clk.t.Add(time.Hour))
		if c.Len() > 100 {
			t.Fatalf("holds %d entries, max 100", c.Len())
		}
	}
	if v, ok := c.Get(999); !ok || v != 999 {
		t.Fatal("the newest entry was evicted")
	}
	// Expired entries are evicted before live ones.
	c = cache.New[int, int](10, clk.now)
	for i := range 5 {
		c.Set(i, i, clk.t.Add(time.Second))
	}
	for i := 5; i < 10; i++ {
		c.Set(i, i, clk.t.Add(time.Hour))
	}
	clk.t = clk.t.Add(2 * time.Second)
	c.Set(10, 10, clk.t.Add(time.Hour))
	for i := 5; i <= 10; i++ {
		if _, ok := c.Get(i); !ok {
			t.Errorf("live entry %d evicted while expired ones were there", i)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	c := cache.New[string, int](64, nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				key := fmt.Sprint(g, i%100)
				c.Set(key, i, time.Now().Add(time.Minute))
				c.Get(key)
				if i%10 == 0 {
					c.Delete(key)
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() > 64 {
		t.Fatalf("holds %d entries, max 64", c.Len())
	}
}
