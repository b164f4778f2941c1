package rest

import (
	"context"
	"net/http"
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

	authenticators []Authenticator
	permissions    []Permission
	parsers        *Parsers
	data           any
	dataErr        error
	parsed         bool
}

// Param is one path parameter.
type Param struct{ Key, Value string }

// Context is the request's context: pass it to every database call.
func (r *Request) Context() context.Context { return r.HTTP.Context() }

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
// map[string]any of strings. No body, or a body without a Content-Type, gives an empty map,
// as DRF does.
func (r *Request) Data() (any, error) {
	if !r.parsed {
		r.parsed = true
		r.data, r.dataErr = r.parsers.parse(r.HTTP)
	}
	return r.data, r.dataErr
}

// NewRequest wraps an HTTP request for a view; the dispatcher does this for every request,
// tests of a single permission or authenticator can too.
func NewRequest(req *http.Request) *Request {
	return &Request{HTTP: req, User: AnonymousUser{}, parsers: &defaultParsers}
}
