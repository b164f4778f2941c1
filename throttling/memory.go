package throttling

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"
)

// DefaultMaxKeys bounds a Memory store made with NewMemory(0). A key holds at most its
// rate's Limit timestamps (8 bytes each).
const DefaultMaxKeys = 100_000

// Memory is a Store in this process's memory: right for one instance. It holds at most
// maxKeys keys; when full, keys whose hits have all left their window go first, then
// arbitrary ones (an eighth at a time), so memory stays bounded whatever the traffic.
type Memory struct {
	mu      sync.Mutex
	logs    map[string]*hitLog
	maxKeys int
}

// hitLog is one key's hits, oldest first, in Unix nanoseconds; never more than the rate's
// Limit, the most that a decision needs.
type hitLog struct {
	hits    []int64
	expires int64 // when every hit has left the window
}

// NewMemory makes a store of at most maxKeys keys; 0 means DefaultMaxKeys.
func NewMemory(maxKeys int) *Memory {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Memory{logs: map[string]*hitLog{}, maxKeys: maxKeys}
}

func (m *Memory) Hit(_ context.Context, keys []string, rate Rate, now time.Time) (Result, error) {
	t, period := now.UnixNano(), int64(rate.Period)
	m.mu.Lock()
	defer m.mu.Unlock()
	res := Result{Allowed: true}
	for _, key := range keys {
		l := m.logs[key]
		if l == nil {
			continue
		}
		l.dropUntil(t - period)
		if n := len(l.hits); n >= rate.Limit {
			res.Allowed = false
			res.Wait = max(res.Wait, time.Duration(l.hits[n-rate.Limit]+period-t))
		}
	}
	if !res.Allowed {
		return res, nil
	}
	for _, key := range keys {
		l := m.logs[key]
		if l == nil {
			if len(m.logs) >= m.maxKeys {
				m.evict(t)
			}
			l = &hitLog{}
			m.logs[key] = l
		}
		l.hits = append(l.hits, t)
		if extra := len(l.hits) - rate.Limit; extra > 0 {
			l.hits = l.hits[:copy(l.hits, l.hits[extra:])]
		}
		l.expires = max(l.expires, t+period)
	}
	res.ID = strconv.FormatInt(t, 10)
	return res, nil
}

// Forget removes the newest hit at the time id: hits at the same instant are alike.
func (m *Memory) Forget(_ context.Context, key, id string) error {
	t, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil // not an id of this store: nothing of it to forget
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.logs[key]
	if l == nil {
		return nil
	}
	for i := len(l.hits) - 1; i >= 0; i-- {
		if l.hits[i] == t {
			l.hits = slices.Delete(l.hits, i, i+1)
			break
		}
	}
	if len(l.hits) == 0 {
		delete(m.logs, key)
	}
	return nil
}

func (m *Memory) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	delete(m.logs, key)
	m.mu.Unlock()
	return nil
}

// Len is the number of keys held.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.logs)
}

// dropUntil forgets the hits at or before cutoff: DRF's `while history[-1] <= now -
// duration: pop()`, oldest first.
func (l *hitLog) dropUntil(cutoff int64) {
	i := 0
	for i < len(l.hits) && l.hits[i] <= cutoff {
		i++
	}
	if i > 0 {
		l.hits = l.hits[:copy(l.hits, l.hits[i:])]
	}
}

// evict makes room: every key whose hits have all expired, and if that was not enough, an
// eighth of the keys (Go's map order is random, so which ones is arbitrary).
func (m *Memory) evict(now int64) {
	for k, l := range m.logs {
		if l.expires <= now {
			delete(m.logs, k)
		}
	}
	for k := range m.logs {
		if len(m.logs) < m.maxKeys-m.maxKeys/8 {
			break
		}
		delete(m.logs, k)
	}
}
