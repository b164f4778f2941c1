package middleware

import "net/http"

// Chain wraps h in the middleware given, the first outermost: Chain(h, a, b) is a(b(h)),
// the order of Django's MIDDLEWARE list.
func Chain(h http.Handler, middleware ...func(http.Handler) http.Handler) http.Handler {
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	return h
}
