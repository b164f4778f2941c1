// Package middleware is Django's middleware for the app: what wraps every request, routed
// or not, outside the views. Each is a func(http.Handler) http.Handler, in chi's style,
// one concept per file:
//
//   - RequestID names each request (X-Request-ID) and puts the name in its context;
//   - AccessLog writes one line per finished request;
//   - Metrics reports each finished request to an observer (Prometheus counters);
//   - LogContext makes any slog.Handler add the request's id and user to every record
//     logged with the request's context.
//
// They know nothing of gin: urls mounts them around the router.
package middleware
