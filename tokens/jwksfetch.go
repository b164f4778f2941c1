package tokens

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"ginrest/audit"
)

// Defaults of the JWK_URL fetch, used where the Config leaves them zero.
const (
	DefaultJWKSRefresh    = 5 * time.Minute // PyJWKClient's lifespan
	DefaultJWKSMinRefetch = 30 * time.Second
	DefaultJWKSTimeout    = 5 * time.Second
)

// maxJWKSBytes bounds a fetched JWK Set document.
const maxJWKSBytes = 1 << 20

// jwksFetch is simplejwt's PyJWKClient: the keys of JWK_URL, fetched when first needed and
// again when older than refresh. Only that configured URL is ever fetched, never one named
// by a token. A kid it does not know makes it fetch again, but no two fetches (failed or
// not) are closer than minRefetch: a stream of tokens with made-up kids costs at most one
// request to the key server per minRefetch. A failed fetch keeps the keys it had, and is
// logged as a warning (the URL and the error; never a key).
//
// Redirects are not followed: a redirect is a failed fetch. The keys that verify tokens
// come from the configured URL and from nowhere else, and an open redirect or a
// compromised path on the key server must not be able to point the fetch at another host
// (PyJWKClient's urllib follows redirects; this is stricter on purpose).
type jwksFetch struct {
	url        string
	alg        string
	client     *http.Client
	refresh    time.Duration
	minRefetch time.Duration
	now        func() time.Time
	logger     *slog.Logger

	mu    sync.Mutex // held for a fetch: one at a time; readers go on with the current state
	state atomic.Pointer[jwksState]
}

type jwksState struct {
	keys      map[string]crypto.PublicKey
	fetched   time.Time // the last successful fetch
	attempted time.Time // the last fetch, successful or not; zero before the first
}

func newJWKSFetch(cfg Config) *jwksFetch {
	orDefault := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	f := &jwksFetch{
		url: cfg.JWKURL, alg: cfg.Algorithm,
		client: &http.Client{Timeout: orDefault(cfg.JWKSTimeout, DefaultJWKSTimeout),
			// The redirect itself is the answer, which fetch refuses.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		refresh:    orDefault(cfg.JWKSRefresh, DefaultJWKSRefresh),
		minRefetch: orDefault(cfg.JWKSMinRefetch, DefaultJWKSMinRefetch),
		now:        cfg.Now,
		logger:     logger,
	}
	f.state.Store(&jwksState{})
	return f
}

// key is the verifying key of kid.
func (f *jwksFetch) key(kid string) (crypto.PublicKey, bool) {
	s := f.state.Load()
	if key, ok := s.keys[kid]; ok && f.now().Sub(s.fetched) < f.refresh {
		return key, true
	}
	s = f.fetchIfDue()
	key, ok := s.keys[kid]
	return key, ok
}

// refreshAt is when the keys held are due again: a token verified with a fetched key is
// remembered no longer, so a key withdrawn from the set stops verifying within the refresh
// interval (while the key server fails, such tokens are verified again on every use).
func (f *jwksFetch) refreshAt() time.Time { return f.state.Load().fetched.Add(f.refresh) }

// fetchIfDue fetches the set unless the last fetch was under minRefetch ago.
func (f *jwksFetch) fetchIfDue() *jwksState {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.state.Load()
	now := f.now()
	if !s.attempted.IsZero() && now.Sub(s.attempted) < f.minRefetch {
		return s
	}
	next := &jwksState{keys: s.keys, fetched: s.fetched, attempted: now}
	if keys, err := f.fetch(); err == nil {
		next.keys, next.fetched = keys, now
	} else {
		// The error names what went wrong (a status, a redirect's target, "not a JSON
		// object"), never the document: nothing of a key reaches the log.
		f.logger.Warn("JWK_URL fetch failed; keeping the keys fetched before", "event", audit.JWKSFetchFailed, "url", redactedURL(f.url), "error", err.Error(),
			"keys_kept", len(s.keys))
	}
	f.state.Store(next)
	return next
}

func (f *jwksFetch) fetch() (map[string]crypto.PublicKey, error) {
	req, err := http.NewRequest(http.MethodGet, f.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return nil, fmt.Errorf("JWK_URL answered %d, a redirect to %q: redirects are not followed", resp.StatusCode, redactedURL(resp.Header.Get("Location")))
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWK_URL answered %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSBytes {
		return nil, errors.New("JWK_URL sent more than 1 MiB")
	}
	return ParseJWKS(body, f.alg)
}

// redactedURL is a URL fit for a log: a password in it is replaced by "xxxxx".
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	return u.Redacted()
}
