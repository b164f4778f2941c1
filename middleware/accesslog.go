package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"
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
// at DEBUG. request_id and user_id come from the Entry, which has them already: the
// record goes to the handler under LogContext, which would look them up again and copy
// the record to add them. A TextHandler's lines are written without a record.
func SlogAccess(logger *slog.Logger, quiet ...string) func(context.Context, Entry) {
	h := logger.Handler()
	if c, ok := h.(contextHandler); ok {
		h = c.Handler
	}
	logger = slog.New(h)
	text, _ := h.(*TextHandler)
	return func(ctx context.Context, e Entry) {
		level := slog.LevelInfo
		if slices.Contains(quiet, e.Path) {
			level = slog.LevelDebug
		}
		if !logger.Enabled(ctx, level) {
			return
		}
		if text != nil {
			// The record's time: the instant observe measured the duration at, which saves
			// reading the clock again a few instructions later. An Entry made elsewhere,
			// without a Start, is logged at the time it is logged.
			t := e.Start.Add(e.Duration)
			if e.Start.IsZero() {
				t = time.Now()
			}
			text.writeAccess(t, level, &e)
			return
		}
		attrs := [7]slog.Attr{
			slog.String("method", e.Method),
			slog.String("path", e.Path),
			slog.Int("status", e.Status),
			slog.Duration("duration", e.Duration),
			slog.Int64("bytes", e.Bytes),
		}
		n := 5
		if e.RequestID != "" {
			attrs[n] = slog.String("request_id", e.RequestID)
			n++
		}
		if e.UserID != "" {
			attrs[n] = slog.String("user_id", e.UserID)
			n++
		}
		logger.LogAttrs(ctx, level, "request", attrs[:n]...)
	}
}
