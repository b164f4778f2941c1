package middleware

import (
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// TextHandler is slog's TextHandler at its defaults (INFO and up, no source) with a fast
// path for the access log: SlogAccess writes each request's line itself, byte for byte
// what slog would write, without a slog.Record (formatting the record took a quarter of
// the protected view's CPU). Handlers derived from it (WithAttrs, WithGroup) are slog's
// own, and SlogAccess logs through them as through any other.
type TextHandler struct {
	*slog.TextHandler
	out    *lockedWriter
	stamps stamps
}

// NewTextHandler writes records to w, one Write per line.
func NewTextHandler(w io.Writer) *TextHandler {
	out := &lockedWriter{w: w}
	return &TextHandler{TextHandler: slog.NewTextHandler(out, nil), out: out}
}

// lockedWriter serializes the lines of slog's handler and of the fast path, as slog's
// handler serializes its own.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// writeAccess writes the access record of e, logged at t.
func (h *TextHandler) writeAccess(t time.Time, level slog.Level, e *Entry) {
	buf := linePool.Get().(*[]byte)
	*buf = appendAccess((*buf)[:0], &h.stamps, t, level, e)
	_, _ = h.out.Write(*buf)
	if cap(*buf) <= 4<<10 {
		linePool.Put(buf)
	}
}

// appendAccess appends the line slog.TextHandler writes for SlogAccess's record, its time
// through st (nil: formatted in full).
func appendAccess(b []byte, st *stamps, t time.Time, level slog.Level, e *Entry) []byte {
	b = append(b, "time="...)
	b = st.append(b, t.Round(0))
	b = append(b, " level="...)
	b = appendTextString(b, level.String())
	b = append(b, " msg=request method="...)
	b = appendTextString(b, e.Method)
	b = append(b, " path="...)
	b = appendTextString(b, e.Path)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, " duration="...)
	b = append(b, e.Duration.String()...)
	b = append(b, " bytes="...)
	b = strconv.AppendInt(b, e.Bytes, 10)
	if e.RequestID != "" {
		b = append(b, " request_id="...)
		b = appendTextString(b, e.RequestID)
	}
	if e.UserID != "" {
		b = append(b, " user_id="...)
		b = appendTextString(b, e.UserID)
	}
	return append(b, '\n')
}

// stamps formats a log line's time, keeping what changes once a second: formatting the
// date and clock was a third of the access line, written once per request.
type stamps struct{ last atomic.Pointer[stamp] }

// stamp is the time of one second in one location, around its milliseconds.
type stamp struct {
	unix       int64
	loc        *time.Location
	head, zone string // "2006-01-02T15:04:05" and "Z" or "-07:00"
}

// append appends t as appendRFC3339Millis does (with a nil s, by calling it).
func (s *stamps) append(b []byte, t time.Time) []byte {
	// Years 1 to 9999 (a day inside, for zones), where the format is the fixed one below.
	const first, last = -62135596800 + 86400, 253402300799 - 86400
	sec := t.Unix()
	if s == nil || sec < first || sec > last {
		return appendRFC3339Millis(b, t)
	}
	st := s.last.Load()
	if st == nil || st.unix != sec || st.loc != t.Location() {
		full := string(appendRFC3339Millis(nil, t))
		dot := strings.LastIndexByte(full, '.') // the zone has none
		st = &stamp{unix: sec, loc: t.Location(), head: full[:dot], zone: full[dot+4:]}
		s.last.Store(st)
	}
	ms := t.Nanosecond() / int(time.Millisecond)
	b = append(b, st.head...)
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, st.zone...)
}

// appendRFC3339Millis is slog's time format: RFC 3339 with exactly three decimals.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10) // keeps AppendFormat from trimming zeros
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drops the fourth decimal
}

// appendTextString is slog's text value: quoted (strconv.Quote) when empty, or holding a
// space, '=', a character JSON would escape (but a backslash) or an unprintable rune.
func appendTextString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func needsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c != '\\' && (c == ' ' || c == '=' || c == '"' || c < 0x20) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// Handle, Enabled, WithAttrs and WithGroup are slog's TextHandler's.
var _ slog.Handler = (*TextHandler)(nil)
