package apitest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"ginrest/models"
)

// Client is DRF's APIClient: it sends requests to a handler in memory and keeps what a
// client keeps between them — credentials, a forced user, cookies. Requests carry JSON
// bodies unless told otherwise (Form, Multipart, Raw). Failures to build a request fail the
// test, so call it from the test's goroutine, or from goroutines the test waits for with
// valid bodies only. A client is safe for concurrent use.
type Client struct {
	t       testing.TB
	handler http.Handler

	mu          sync.Mutex
	credentials http.Header
	forced      *models.User
	cookies     map[string]*http.Cookie
}

// An Authenticator is a handler that can authenticate a request as any user: what
// ForceAuthenticate needs. A *Server is one.
type Authenticator interface {
	http.Handler
	// Authenticate returns the headers that make a request the user's.
	Authenticate(ctx context.Context, user *models.User) (http.Header, error)
}

// NewClient is a client of h that reports to t. h is the real router (Server, or
// urls.App.Handler()); nothing listens on a port.
func NewClient(t testing.TB, h http.Handler) *Client {
	return &Client{t: t, handler: h, cookies: map[string]*http.Cookie{}}
}

// Credentials sets headers sent with every later request, as DRF's
// client.credentials(HTTP_AUTHORIZATION="Bearer ..."): name, value pairs, replacing the
// credentials set before; no arguments clears them.
//
//	c.Credentials("Authorization", "Bearer "+access)
func (c *Client) Credentials(headers ...string) {
	c.t.Helper()
	if len(headers)%2 != 0 {
		c.t.Fatalf("apitest: Credentials takes name, value pairs; got %d strings", len(headers))
	}
	h := http.Header{}
	for i := 0; i < len(headers); i += 2 {
		h.Add(headers[i], headers[i+1])
	}
	c.mu.Lock()
	c.credentials = h
	c.mu.Unlock()
}

// ForceAuthenticate makes every later request the user's, as DRF's force_authenticate,
// without the test logging in; nil stops it. Unlike DRF, the app's authentication still
// runs: each request carries a token the handler (an Authenticator, such as *Server) signs
// for the user at that moment, so it never expires, the user must be stored, and a user
// deleted or deactivated since is refused as with a real token. Nothing is recorded:
// no outstanding token, no session. A view whose authenticators do not read the app's
// token header is not affected; use Credentials for it.
func (c *Client) ForceAuthenticate(user *models.User) {
	c.t.Helper()
	if _, ok := c.handler.(Authenticator); !ok && user != nil {
		c.t.Fatalf("apitest: ForceAuthenticate needs a handler that can authenticate users, such as *apitest.Server; this client's is a %T", c.handler)
	}
	c.mu.Lock()
	c.forced = user
	c.mu.Unlock()
}

// Logout forgets the credentials, the forced user and the cookies, as DRF's client.logout.
func (c *Client) Logout() {
	c.mu.Lock()
	c.credentials, c.forced = nil, nil
	clear(c.cookies)
	c.mu.Unlock()
}

// Get sends a GET. Put a query in the path: "/api/notes/?page=2".
func (c *Client) Get(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil, opts...)
}

// Head sends a HEAD; the response has no body, as a real client sees it.
func (c *Client) Head(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.Do(http.MethodHead, path, nil, opts...)
}

// Options sends an OPTIONS, which DRF answers with the view's metadata.
func (c *Client) Options(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.Do(http.MethodOptions, path, nil, opts...)
}

// Delete sends a DELETE without a body (Do sends one with a body).
func (c *Client) Delete(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.Do(http.MethodDelete, path, nil, opts...)
}

// Post sends a POST with body encoded as JSON, or as the options say.
func (c *Client) Post(path string, body any, opts ...Option) *Response {
	c.t.Helper()
	return c.Do(http.MethodPost, path, body, opts...)
}

// Put sends a PUT with body encoded as JSON, or as the options say.
func (c *Client) Put(path string, body any, opts ...Option) *Response {
	c.t.Helper()
	return c.Do(http.MethodPut, path, body, opts...)
}

// Patch sends a PATCH with body encoded as JSON, or as the options say.
func (c *Client) Patch(path string, body any, opts ...Option) *Response {
	c.t.Helper()
	return c.Do(http.MethodPatch, path, body, opts...)
}

// Do sends any request. A nil body sends none; otherwise body is JSON-encoded (a string
// becomes a JSON string: use json.RawMessage or Raw for bytes of your own), or encoded as
// Form or Multipart says. Headers are, in increasing precedence: the cookies, Credentials,
// ForceAuthenticate's, the body's Content-Type, and the Header options.
func (c *Client) Do(method, path string, body any, opts ...Option) *Response {
	c.t.Helper()
	var o call
	for _, opt := range opts {
		opt.apply(&o)
	}
	if !strings.HasPrefix(path, "/") {
		c.t.Fatalf("apitest: %s %q: the path must start with /", method, path)
	}
	payload, contentType, err := encode(body, o)
	if err != nil {
		c.t.Fatalf("apitest: %s %s: %v", method, path, err)
	}
	var reader io.Reader = http.NoBody
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req := httptest.NewRequest(method, path, reader)

	c.mu.Lock()
	for _, cookie := range sortedCookies(c.cookies) {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	for name, values := range c.credentials {
		req.Header[name] = append([]string(nil), values...)
	}
	forced := c.forced
	c.mu.Unlock()
	if forced != nil {
		h, err := c.handler.(Authenticator).Authenticate(req.Context(), forced)
		if err != nil {
			c.t.Fatalf("apitest: ForceAuthenticate(%q): %v", forced.Username, err)
		}
		for name, values := range h {
			req.Header[name] = values
		}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, h := range o.headers {
		req.Header.Set(h[0], h[1])
	}
	for _, f := range o.modify {
		f(req)
	}

	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	res := rec.Result()
	got, _ := io.ReadAll(res.Body) // a recorder's body cannot fail
	if method == http.MethodHead {
		got = nil // net/http drops it on the wire
	}
	c.keepCookies(res.Cookies())
	return &Response{Status: res.StatusCode, Header: res.Header, Body: got, t: c.t}
}
