package throttling

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store that instances share: each key's log is a sorted set of hits scored by
// their time in microseconds, and each Hit is one Lua script, so concurrent requests on
// several instances count exactly. Times come from the caller's clock: keep the instances'
// clocks in sync (NTP), as for JWT expiry.
type Redis struct {
	Client redis.UniversalClient
	// Prefix is put before every key, so that several applications or tests can share a
	// database.
	Prefix string

	instance string        // makes members unique across instances
	seq      atomic.Uint64 // and within this one
}

// NewRedis makes a store on client.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &Redis{Client: client, Prefix: prefix, instance: hex.EncodeToString(b[:])}
}

// redisBufferSize sizes each pooled connection's read and write buffers. A longer reply
// still arrives whole: go-redis reads past a full buffer.
const redisBufferSize = 4 << 10

// OpenRedis connects to REDIS_URL (redis://, rediss:// or unix://). Timeouts the URL
// leaves unset are short, because a throttle waits for Redis on the request path.
func OpenRedis(url, prefix string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("settings: REDIS_URL is not valid: %w", err)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = time.Second
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = 500 * time.Millisecond
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 500 * time.Millisecond
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 1
	}
	if opts.DialerRetries == 0 {
		opts.DialerRetries = 1 // go-redis dials 5 times, 100ms apart, before failing a command
	}
	// A throttle's command and its answer are a few hundred bytes; go-redis's 32 KiB
	// buffers, two per pooled connection, were over 1 MB of a loaded server's live heap.
	if opts.ReadBufferSize == 0 {
		opts.ReadBufferSize = redisBufferSize
	}
	if opts.WriteBufferSize == 0 {
		opts.WriteBufferSize = redisBufferSize
	}
	opts.ContextTimeoutEnabled = true
	return NewRedis(redis.NewClient(opts), prefix), nil
}

// Close closes the client.
func (s *Redis) Close() error { return s.Client.Close() }

// Ping checks that Redis answers (readiness).
func (s *Redis) Ping(ctx context.Context) error { return s.Client.Ping(ctx).Err() }

// hitScript is Hit for every key at once. Times are passed as strings and compared by
// Redis, never turned into Lua numbers and back (which keeps only 14 digits).
// KEYS: the logs. ARGV: cutoff, now (µs), limit, member, ttl (ms).
var hitScript = redis.NewScript(`
local limit = tonumber(ARGV[3])
local oldest = nil
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local o = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')[2]
    if oldest == nil or tonumber(o) > tonumber(oldest) then oldest = o end
  end
end
if oldest ~= nil then return {0, oldest} end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[2], ARGV[4])
  redis.call('ZREMRANGEBYRANK', key, 0, -limit - 1)
  redis.call('PEXPIRE', key, ARGV[5])
end
return {1, ''}
`)

func (s *Redis) Hit(ctx context.Context, keys []string, rate Rate, now time.Time) (Result, error) {
	t, period := now.UnixMicro(), rate.Period.Microseconds()
	member := strconv.FormatInt(t, 10) + "-" + s.instance + "-" + strconv.FormatUint(s.seq.Add(1), 10)
	ttl := max(rate.Period.Milliseconds(), 1)
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.Prefix + k
	}
	reply, err := hitScript.Run(ctx, s.Client, full,
		strconv.FormatInt(t-period, 10), strconv.FormatInt(t, 10), rate.Limit, member, ttl).Slice()
	if err != nil {
		return Result{}, err
	}
	if len(reply) != 2 {
		return Result{}, errors.New("throttling: unexpected reply from Redis")
	}
	if allowed, _ := reply[0].(int64); allowed == 1 {
		return Result{Allowed: true, ID: member}, nil
	}
	oldest, err := strconv.ParseFloat(fmt.Sprint(reply[1]), 64)
	if err != nil {
		return Result{}, fmt.Errorf("throttling: unexpected score from Redis: %w", err)
	}
	return Result{Wait: time.Duration(int64(oldest)+period-t) * time.Microsecond}, nil
}

func (s *Redis) Forget(ctx context.Context, key, id string) error {
	return s.Client.ZRem(ctx, s.Prefix+key, id).Err()
}

func (s *Redis) Reset(ctx context.Context, key string) error {
	return s.Client.Del(ctx, s.Prefix+key).Err()
}
