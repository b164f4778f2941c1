package middleware

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// slogLine is what slog's own TextHandler writes for SlogAccess's record of e.
func slogLine(t testing.TB, at time.Time, level slog.Level, e Entry) string {
	var buf bytes.Buffer
	attrs := []slog.Attr{slog.String("method", e.Method), slog.String("path", e.Path), slog.Int("status", e.Status),
		slog.Duration("duration", e.Duration), slog.Int64("bytes", e.Bytes)}
	if e.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", e.RequestID))
	}
	if e.UserID != "" {
		attrs = append(attrs, slog.String("user_id", e.UserID))
	}
	r := slog.NewRecord(at, level, "request", 0)
	r.AddAttrs(attrs...)
	if err := slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The fast access line is byte for byte slog's, whatever the path and ids hold.
func TestAccessLineIsSlogs(t *testing.T) {
	at := time.Date(2026, 12, 6, 8, 42, 8, 148_000_000, time.UTC)
	cases := []Entry{
		{Method: "GET", Path: "/api/protected/", Status: 200, Duration: 1234567 * time.Nanosecond, Bytes: 52, RequestID: "6EEDA7QDH72PIJV3L6FVNETZKF", UserID: "7"},
		{Method: "POST", Path: "/api/token/", Status: 401, Duration: 16 * time.Millisecond, Bytes: 0},
		{Method: "GET", Path: "/a b=c/\"q\"/\\/é/\u00a0/\x7f/\x01", Status: 404, Duration: 0, Bytes: -1, RequestID: "id with space"},
		{Method: "", Path: "", Status: 0, Duration: -time.Second, UserID: "=\xff"},
	}
	for _, e := range cases {
		for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
			// Times within one second, across seconds, zones and years, in this order:
			// the stamps kept from one line must not leak into the next.
			var st stamps
			for _, when := range []time.Time{at, at.Add(999_999_999 - 148_000_000), at.Add(999_999_999), at.In(time.FixedZone("X", 5*3600+1800)),
				at.Add(time.Millisecond).In(time.FixedZone("X", 5*3600+1800)), at.Add(2 * time.Millisecond).In(time.FixedZone("Y", -7*3600)),
				time.Time{}.AddDate(2000, 0, 0), time.Date(12345, 1, 2, 3, 4, 5, 6_000_000, time.UTC), at} {
				want := slogLine(t, when, level, e)
				if got := string(appendAccess(nil, nil, when, level, &e)); got != want {
					t.Errorf("got  %q\nwant %q", got, want)
				}
				if got := string(appendAccess(nil, &st, when, level, &e)); got != want {
					t.Errorf("with stamps: got  %q\nwant %q", got, want)
				}
			}
		}
	}
}

func FuzzAccessLine(f *testing.F) {
	f.Add("GET", "/api/notes/", "REQ", "1", int64(1_500_000), int64(12), 200, int64(0))
	f.Add("", "/x y", "", "=", int64(-5), int64(-1), 0, int64(1<<40))
	f.Fuzz(func(t *testing.T, method, path, requestID, userID string, d, bytes int64, status int, unixMilli int64) {
		e := Entry{Method: method, Path: path, RequestID: requestID, UserID: userID, Duration: time.Duration(d), Bytes: bytes, Status: status}
		at := time.UnixMilli(unixMilli % (1 << 45)).UTC()
		want := slogLine(t, at, slog.LevelInfo, e)
		if got := string(appendAccess(nil, nil, at, slog.LevelInfo, &e)); got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
		// Stamps kept from a time in the same second, or in another, change nothing.
		for _, before := range []time.Time{at.Truncate(time.Second), at.Add(-time.Second), at.Add(time.Hour)} {
			var st stamps
			appendAccess(nil, &st, before, slog.LevelInfo, &e)
			if got := string(appendAccess(nil, &st, at, slog.LevelInfo, &e)); got != want {
				t.Errorf("after %v: got  %q\nwant %q", before, got, want)
			}
		}
	})
}

// Through SlogAccess: a TextHandler's lines, an INFO level that drops DEBUG (the quiet
// paths), and a handler derived with WithAttrs, which logs through slog.
func TestSlogAccessThroughTextHandler(t *testing.T) {
	var buf bytes.Buffer
	h := NewTextHandler(&buf)
	log := SlogAccess(slog.New(LogContext(h)), "/healthz")
	log(context.Background(), Entry{Method: "GET", Path: "/api/", Status: 200, RequestID: "R1"})
	log(context.Background(), Entry{Method: "GET", Path: "/healthz", Status: 200})
	SlogAccess(slog.New(h.WithAttrs([]slog.Attr{slog.String("app", "demo")})))(context.Background(), Entry{Method: "GET", Path: "/b", Status: 200})
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (no DEBUG line):\n%s", len(lines), buf.String())
	}
	for i, want := range []string{" level=INFO msg=request method=GET path=/api/ status=200 duration=0s bytes=0 request_id=R1",
		" level=INFO msg=request app=demo method=GET path=/b status=200 duration=0s bytes=0"} {
		if _, rest, _ := bytes.Cut(lines[i], []byte(" ")); string(rest) != want[1:] {
			t.Errorf("line %d: %s\nwant the end: %s", i, lines[i], want)
		}
	}
}
