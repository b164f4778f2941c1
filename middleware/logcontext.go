package middleware

import (
	"context"
	"log/slog"

	"ginrest/rest"
)

// LogContext wraps h so that every record logged with a request's context
// (logger.InfoContext(ctx, ...), ErrorContext, LogAttrs) carries request_id and, once an
// authenticator has vouched for the user, user_id: the dispatcher's errors, the throttles'
// warnings and the access log alike. Records logged without one are left as they are.
// Wrapping a handler LogContext made returns it unchanged.
//
// Attributes added through a group (logger.WithGroup) put the two inside the group.
func LogContext(h slog.Handler) slog.Handler {
	if _, ok := h.(contextHandler); ok {
		return h
	}
	return contextHandler{h}
}

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestIDFrom(ctx); id != "" {
		r = r.Clone() // the caller's record may share storage with other copies
		r.AddAttrs(slog.String("request_id", id))
		// A record that names its user itself (a security event about the user a token
		// names, on a request no one authenticated) keeps it: one user_id, never two.
		if uid := UserID(rest.InfoFrom(ctx).User()); uid != "" && !hasAttr(r, "user_id") {
			r.AddAttrs(slog.String("user_id", uid))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

// hasAttr reports whether the record has a top-level attribute named key.
func hasAttr(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}
