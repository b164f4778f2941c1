package rest

import (
	"context"
	"sync"
)

// Info is what the router and the dispatcher learn about a request that the middleware
// around them reads afterwards: Django's middleware sees request.user once the view has
// run, because the request object is shared; here the middleware puts an Info in the
// request's context and the inner layers fill it in. rest only records; what is logged or
// counted is the middleware's business.
//
// Its methods are safe for concurrent use (a log line may read it from any goroutine of
// the request), and do nothing on a nil *Info, so that a request served without the
// middleware costs nothing.
type Info struct {
	mu        sync.Mutex
	route     string
	user      User
	requestID string
	abandoned bool
}

type infoKey struct{}

// WithInfo returns ctx carrying info.
func WithInfo(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoValue is what a context carrying info answers to Value(key): a middleware whose
// own context type carries the Info (middleware.Begin's) answers WithInfo's key with it,
// and saves the context.WithValue layer and its allocation. ok is false for any other key.
func InfoValue(key any, info *Info) (v any, ok bool) {
	if _, ok := key.(infoKey); ok {
		return info, true
	}
	return nil, false
}

// InfoFrom is the Info of the request whose context is ctx, nil when it has none.
func InfoFrom(ctx context.Context) *Info {
	info, _ := ctx.Value(infoKey{}).(*Info)
	return info
}

// SetRoute records the URL table's path that matched ("/api/notes/:pk/"), which, unlike
// the raw path, names a bounded set of things to count requests by.
func (i *Info) SetRoute(route string) {
	if i == nil {
		return
	}
	i.mu.Lock()
	i.route = route
	i.mu.Unlock()
}

// Route is the matched route's path, "" when no route matched.
func (i *Info) Route() string {
	if i == nil {
		return ""
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.route
}

// SetRequestID records the request's id (the middleware's X-Request-Id), so that the id
// rides in the Info the request carries anyway instead of a context value of its own.
func (i *Info) SetRequestID(id string) {
	if i == nil {
		return
	}
	i.mu.Lock()
	i.requestID = id
	i.mu.Unlock()
}

// RequestID is the request's id, "" when none was recorded.
func (i *Info) RequestID() string {
	if i == nil {
		return ""
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.requestID
}

// SetUser records the user an authenticator vouched for.
func (i *Info) SetUser(u User) {
	if i == nil {
		return
	}
	i.mu.Lock()
	i.user = u
	i.mu.Unlock()
}

// User is the authenticated user, nil until an authenticator succeeds.
func (i *Info) User() User {
	if i == nil {
		return nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.user
}

// SetAbandoned records that the request was given up because its client had gone: the
// answer written reached nobody.
func (i *Info) SetAbandoned() {
	if i == nil {
		return
	}
	i.mu.Lock()
	i.abandoned = true
	i.mu.Unlock()
}

// Abandoned reports whether the request was given up because its client had gone.
func (i *Info) Abandoned() bool {
	if i == nil {
		return false
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.abandoned
}
