package tokens_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"ginrest/tokens"
)

// logBuffer collects a backend's log records as JSON objects.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) records(t *testing.T) (records []map[string]any, raw string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	raw = l.buf.String()
	for _, line := range strings.Split(strings.TrimSpace(raw), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		records = append(records, r)
	}
	return records, raw
}

// jwkURLBackend verifies with JWK_URL at url, logging into a buffer; issue signs a token
// with the key the test JWK Sets publish as "ext-1".
func jwkURLBackend(t *testing.T, url string) (b *tokens.Backend, logs *logBuffer, issue func() string) {
	t.Helper()
	c := newClock()
	logs = &logBuffer{}
	b = newBackend(t, c, asymmetric("RS256", privatePEM(t, keyFor(t, "RS256", false)), func(cfg *tokens.Config) {
		cfg.JWKURL = url
		cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	}))
	issuer := newBackend(t, c, asymmetric("RS256", privatePEM(t, keyFor(t, "RS256", true)), func(cfg *tokens.Config) { cfg.KeyID = "ext-1" }))
	return b, logs, func() string {
		raw, err := issuer.Encode(issuer.New(tokens.Access))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
}

// checkFailureLogged: the token of the set's key is refused, and the fetch left one
// warning naming the URL and the error, and nothing of the key.
func checkFailureLogged(t *testing.T, b *tokens.Backend, logs *logBuffer, token, wantURL, wantError, keyMaterial string) {
	t.Helper()
	if _, err := b.Parse(token, tokens.Access); err == nil {
		t.Error("a token verified after a failed fetch")
	}
	records, raw := logs.records(t)
	if len(records) != 1 {
		t.Fatalf("%d log records, want 1: %s", len(records), raw)
	}
	r := records[0]
	if r["level"] != "WARN" || r["msg"] != "JWK_URL fetch failed; keeping the keys fetched before" || r["url"] != wantURL || r["event"] != "jwks_fetch_failed" {
		t.Errorf("record %v, want a warning for %s", r, wantURL)
	}
	if msg, _ := r["error"].(string); !strings.Contains(msg, wantError) {
		t.Errorf("error %q, want it to say %q", msg, wantError)
	}
	if keyMaterial != "" && strings.Contains(raw, keyMaterial) {
		t.Errorf("the log holds key material: %s", raw)
	}
}

// A redirect from JWK_URL is a failed fetch: its target is never asked, the token of a
// key published there is refused, and the redirect is logged.
func TestJWKURLDoesNotFollowRedirects(t *testing.T) {
	target := newKeyServer(t, jwksDoc(jwkOf(t, "RS256", "ext-1", true)))
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			redirector := httptest.NewServer(http.RedirectHandler(target.URL+"/jwks.json", status))
			t.Cleanup(redirector.Close)
			b, logs, issue := jwkURLBackend(t, redirector.URL)
			checkFailureLogged(t, b, logs, issue(), redirector.URL, "a redirect to \""+target.URL+"/jwks.json\": redirects are not followed", "")
			if n := target.fetches.Load(); n != 0 {
				t.Errorf("the redirect's target was fetched %d times", n)
			}
		})
	}
}

// Every failed fetch is logged once, with the URL (its password hidden) and the error,
// never with the document: a failing server's body may hold keys.
func TestJWKURLFailedFetchesAreLogged(t *testing.T) {
	jwk := jwkOf(t, "RS256", "ext-1", true)
	modulus := jwk["n"].(string)
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	for _, c := range []struct {
		name, doc string
		status    int
		url       func(server string) (fetch, logged string)
		wantError string
	}{
		{"an error status, keys in the body", jwksDoc(jwk), http.StatusInternalServerError, nil, "JWK_URL answered 500"},
		{"not a JWK Set, key members in it", `{"keys":"none","n":"` + modulus + `"}`, http.StatusOK, nil, `no "keys" array`},
		{"not JSON", `<html>` + modulus, http.StatusOK, nil, "not a JSON object"},
		{"a password in the URL", `oops`, http.StatusBadGateway, func(server string) (string, string) {
			rest := strings.TrimPrefix(server, "http://")
			return "http://reader:s3cret@" + rest, "http://reader:xxxxx@" + rest
		}, "JWK_URL answered 502"},
		{"nobody listening", "", 0, func(string) (string, string) { return downURL, downURL }, "connection refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ks := newKeyServer(t, c.doc)
			ks.serve(c.doc, c.status)
			fetchURL, loggedURL := ks.URL, ks.URL
			if c.url != nil {
				fetchURL, loggedURL = c.url(ks.URL)
			}
			b, logs, issue := jwkURLBackend(t, fetchURL)
			checkFailureLogged(t, b, logs, issue(), loggedURL, c.wantError, modulus)
			if _, raw := logs.records(t); strings.Contains(raw, "s3cret") {
				t.Errorf("the log holds the URL's password: %s", raw)
			}
		})
	}
}
