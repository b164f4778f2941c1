package tests

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ginrest/apitest"
	"ginrest/models"
)

// A client that announces a body over the limit and asks first (Expect: 100-continue) is
// told 413 at once: it is never invited to send the body. Within the limit it is.
func TestExpectContinueOverTheLimit(t *testing.T) {
	srv := apitest.NewServer(t)
	srv.CreateUser("alice", "wonderland-42")
	ts := httptest.NewServer(srv)
	defer ts.Close()

	cases := []struct {
		name, path, contentType string
		length                  int
		wantLine                string
	}{
		{"JSON over the limit", "/api/token/", "application/json", 1<<20 + 1, "HTTP/1.1 413 Request Entity Too Large"},
		{"far over the limit", "/api/token/", "application/json", 1 << 40, "HTTP/1.1 413 Request Entity Too Large"},
		{"a form over the limit", "/api/token/", "application/x-www-form-urlencoded", 1<<20 + 1, "HTTP/1.1 413 Request Entity Too Large"},
		// Files have their own limit, FILE_UPLOAD_MAX_SIZE (10 MiB).
		{"multipart over the upload limit", "/api/token/", "multipart/form-data; boundary=b", 10<<20 + 1, "HTTP/1.1 413 Request Entity Too Large"},
		{"at the limit, the client is asked for the body", "/api/token/", "application/json", 1 << 20, "HTTP/1.1 100 Continue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
				tc.path, ts.Listener.Addr(), tc.contentType, tc.length)
			r := bufio.NewReader(conn)
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("first line: %v", err)
			}
			if got := strings.TrimRight(line, "\r\n"); got != tc.wantLine {
				t.Fatalf("first line %q, want %q", got, tc.wantLine)
			}
			if !strings.Contains(tc.wantLine, "413") {
				return
			}
			res, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader(line), r)), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if got := string(body); got != `{"detail":"Request body is too large."}` {
				t.Errorf("body %s", got)
			}
			if !res.Close {
				t.Errorf("the connection is kept open, with the body unsent: %v", res.Header)
			}
		})
	}
	if n := countRows(t, srv, &models.OutstandingToken{}); n != 0 {
		t.Errorf("%d tokens issued, want none", n)
	}
}
