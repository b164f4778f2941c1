package commands

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"
)

// Shutdown waits for every connection that sent a request, idle between two or not, and
// for a silent one only until silentPatience after it was accepted.
func TestOpenConnsWait(t *testing.T) {
	type step struct {
		state http.ConnState
		age   time.Duration // how long ago the connection was accepted (StateNew only)
	}
	for _, tc := range []struct {
		name  string
		steps []step
		holds bool // wait lasts until its context ends
	}{
		{"just accepted, silent", []step{{state: http.StateNew}}, true},
		{"silent past the patience", []step{{state: http.StateNew, age: silentPatience + time.Second}}, false},
		{"serving a request", []step{{state: http.StateNew}, {state: http.StateActive}}, true},
		{"idle between requests", []step{{state: http.StateNew}, {state: http.StateActive}, {state: http.StateIdle}}, true},
		{"old, idle between requests", []step{{state: http.StateNew, age: silentPatience + time.Second}, {state: http.StateActive}, {state: http.StateIdle}}, true},
		{"closed", []step{{state: http.StateNew}, {state: http.StateActive}, {state: http.StateIdle}, {state: http.StateClosed}}, false},
		{"hijacked", []step{{state: http.StateNew}, {state: http.StateActive}, {state: http.StateHijacked}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, peer := net.Pipe()
			defer c.Close()
			defer peer.Close()
			o := &openConns{}
			for _, s := range tc.steps {
				o.track(c, s.state)
				if s.age > 0 {
					cs := o.conns[c]
					cs.since = cs.since.Add(-s.age)
					o.conns[c] = cs
				}
			}
			timeout := 30 * time.Millisecond
			if !tc.holds {
				timeout = time.Minute // returns long before, or the test times out
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			o.wait(ctx)
			if held := ctx.Err() != nil; held != tc.holds {
				t.Errorf("wait held until its context ended: %v, want %v (conns %v)", held, tc.holds, o.conns)
			}
		})
	}
}
