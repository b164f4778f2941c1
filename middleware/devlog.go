package middleware

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// DevAccess writes each request as Django's runserver does, for a person watching a
// terminal: [06/Dec/2026 03:11:39] "GET /api/ HTTP/1.1" 200 52 (local time, the request
// line, the status and the body's size).
func DevAccess(w io.Writer) func(context.Context, Entry) {
	var mu sync.Mutex // one line at a time, whatever w is
	return func(_ context.Context, e Entry) {
		target := e.RequestURI
		if target == "" {
			target = e.Path
		}
		// The target is the client's text: no line breaks or quotes of its own in ours.
		target = strings.NewReplacer("\n", "%0A", "\r", "%0D", `"`, "%22").Replace(target)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "[%s] \"%s %s %s\" %d %d\n", e.Start.Format("02/Jan/2006 15:04:05"), e.Method, target, e.Proto, e.Status, e.Bytes)
	}
}
