package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
)

// AccessLog hands log each request once it is served, Django's django.server log.
// SlogAccess and DevAccess are the two ways ginrest writes it.
func AccessLog(log func(context.Context, Entry)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			observe(next, w, r, log)
		})
	}
}

// SlogAccess writes each request as one structured record, "request", at INFO; requests
// to the quiet paths (the health probes, which a load balancer sends every few seconds)
// at DEBUG. request_id and user_id come from the context (LogContext wraps the logger's
// handler if it does not already).
func SlogAccess(logger *slog.Logger, quiet ...string) func(context.Context, Entry) {
	logger = slog.New(LogContext(logger.Handler()))
	return func(ctx context.Context, e Entry) {
		level := slog.LevelInfo
		if slices.Contains(quiet, e.Path) {
			level = slog.LevelDebug
		}
		logger.LogAttrs(ctx, level, "request",
			slog.String("method", e.Method),
			slog.String("path", e.Path),
			slog.Int("status", e.Status),
			slog.Duration("duration", e.Duration),
			slog.Int64("bytes", e.Bytes))
	}
}
