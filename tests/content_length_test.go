package tests

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// Through the app's middleware, on the wire: DRF's answers carry Content-Length and none is
// chunked, small ones (declared by net/http) and large ones (declared by the view) alike.
func TestContentLengthThroughTheApp(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	access, _ := s.login("alice", "wonderland-42")
	for i := range 20 { // a page of notes over 2 kB
		if rec := s.sessCall(http.MethodPost, "/api/notes/", access, map[string]string{"title": strings.Repeat("n", 90) + strconv.Itoa(i)}); rec.Code != http.StatusCreated {
			t.Fatalf("note: %d %s", rec.Code, rec.Body)
		}
	}
	srv := httptest.NewServer(s.Handler)
	defer srv.Close()
	cases := []struct {
		name, method, path, body string
		large                    bool // 2 kB or more: the view declares the length
	}{
		{"protected", http.MethodGet, "/api/protected/", "", false},
		{"protected HEAD", http.MethodHead, "/api/protected/", "", false},
		{"verify", http.MethodPost, "/api/token/verify/", `{"token":"` + access + `"}`, false},
		{"verify refused", http.MethodPost, "/api/token/verify/", `{"token":"x"}`, false},
		{"notes", http.MethodGet, "/api/notes/", "", true},
		{"notes HEAD", http.MethodHead, "/api/notes/", "", true},
	}
	lengths := map[string]int{} // GET's, for HEAD
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			req.Header.Set("Authorization", "Bearer "+access)
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			want := len(body)
			if c.method == http.MethodHead {
				want = lengths[c.path]
			}
			lengths[c.path] = len(body)
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(want) || want == 0 {
				t.Errorf("Content-Length %q, body of %d bytes (GET's %d)", got, len(body), want)
			}
			if len(resp.TransferEncoding) != 0 {
				t.Errorf("Transfer-Encoding %q", resp.TransferEncoding)
			}
			if large := len(body) >= 2048; large != c.large && c.method != http.MethodHead {
				t.Errorf("a body of %d bytes: the case is meant to be on the other side of 2 kB", len(body))
			}
		})
	}
}
