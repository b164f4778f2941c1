package rest

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"time"
)

// Request is DRF's Request: the HTTP request plus who made it. Views, permissions and
// authenticators see this, never the router's context, so they can be tested with httptest
// alone.
type Request struct {
	HTTP *http.Request
	// User is AnonymousUser until an authenticator succeeds.
	User User
	// Auth is what the successful authenticator vouched with (a validated token).
	Auth any
	// Authenticator is the one that succeeded, nil if none did (DRF's
	// successful_authenticator); the 401-or-403 rule reads it.
	Authenticator Authenticator
	// Params are the path parameters of the matched route.
	Params []Param
	// Version is DRF's request.version: what the view's Versioning determined, "" (DRF's
	// None) when it has none.
	Version string
	// VersioningScheme is DRF's request.versioning_scheme: the Versioning that determined
	// Version, nil when none did.
	VersioningScheme Versioning

	authenticators []Authenticator
	permissions    []Permission
	parsers        *Parsers
	proxySSL       ProxySSLHeader
	urls           *URLConf
	data           any
	form           url.Values
	files          map[string][]*UploadedFile
	dataErr        error
	parsed         bool
	page           bool // content negotiation chose the browsable API (text/html)
	// indent is the indent=N of Accept: application/json; indent=N, 0 to 8: a byte, which
	// keeps the Request, allocated per request, within 288 bytes.
	indent int8
	ctx    requestContext
	// contentLength is the response's Content-Length header value, kept here so that the
	// header costs no allocation of its own (the Request is allocated anyway).
	contentLength [1]string
}

// Param is one path parameter.
type Param struct{ Key, Value string }

// Context is the request's context: pass it to every database call. It carries the
// Request itself (RequestFrom), as DRF puts the request in serializer.context, so code
// that is given only a context (serializer hooks, the token serializers recording a
// session's client) finds who is asking without a second context value.
func (r *Request) Context() context.Context {
	if r.ctx.r == nil { // a Request built by hand, not by NewRequest or the dispatcher
		return r.HTTP.Context()
	}
	return &r.ctx
}

// RequestFrom is the Request whose Context ctx is, or derives from; nil if none.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

type requestKey struct{}

// requestContext is the HTTP request's context answering requestKey with its Request. It
// lives inside the Request, so carrying the request costs no allocation per request, and
// it reads r.HTTP's context at each call, so a request whose HTTP is replaced keeps its
// deadline and cancellation. Contexts derived from it find the parent's cancellation
// through Value, as the standard library's own do, without a goroutine.
type requestContext struct{ r *Request }

func (c *requestContext) Deadline() (time.Time, bool) { return c.r.HTTP.Context().Deadline() }
func (c *requestContext) Done() <-chan struct{}       { return c.r.HTTP.Context().Done() }
func (c *requestContext) Err() error                  { return c.r.HTTP.Context().Err() }
func (c *requestContext) Value(key any) any {
	if key == (requestKey{}) {
		return c.r
	}
	return c.r.HTTP.Context().Value(key)
}

// WithContext is a shallow copy of r whose Context is ctx, which derives from r.Context():
// how a view hands code it calls a context carrying more (a transaction, a deadline).
func (r *Request) WithContext(ctx context.Context) *Request {
	c := *r
	c.HTTP = r.HTTP.WithContext(ctx)
	c.ctx.r = &c
	return &c
}

// Param returns the path parameter named key, or "".
func (r *Request) Param(key string) string {
	for _, p := range r.Params {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}

// Data is DRF's request.data: the parsed body, read on first use. A JSON body gives what it
// holds (an object is map[string]any, numbers are json.Number); a form gives
// map[string]any of strings. No body gives an empty map, as DRF does; a body without a
// Content-Type is DRF's 415 (Unsupported media type "").
func (r *Request) Data() (any, error) {
	if !r.parsed {
		r.parsed = true
		r.data, r.form, r.files, r.dataErr = r.parsers.parseForm(r.HTTP)
	}
	return r.data, r.dataErr
}

// Form is the form body's fields with every value of a repeated key (DRF's QueryDict,
// whose getlist lists them) when data is what Data returned for a form body; nil for any
// other data (JSON, no body, a map built by the view). Serializers read form input
// through it as DRF reads HTML input: an unchecked box is false, a repeated key a list.
func (r *Request) Form(data any) url.Values {
	if r.form == nil || !r.parsed {
		return nil
	}
	m, ok := data.(map[string]any)
	own, _ := r.data.(map[string]any)
	if !ok || own == nil || reflect.ValueOf(m).UnsafePointer() != reflect.ValueOf(own).UnsafePointer() {
		return nil
	}
	return r.form
}

// IsSecure is Django's request.is_secure(): whether the client's connection was https,
// by SECURE_PROXY_SSL_HEADER when it is configured and the proxy set it, otherwise by the
// connection itself (ProxySSLHeader.Secure).
func (r *Request) IsSecure() bool { return r.proxySSL.Secure(r.HTTP) }

// Scheme is Django's request.scheme: "https" or "http", as IsSecure says.
func (r *Request) Scheme() string {
	if r.IsSecure() {
		return "https"
	}
	return "http"
}

// NewRequest wraps an HTTP request for a view; the dispatcher does this for every request,
// tests of a single permission or authenticator can too.
func NewRequest(req *http.Request) *Request {
	r := &Request{HTTP: req, User: AnonymousUser{}, parsers: &defaultParsers}
	r.ctx.r = r
	return r
}
