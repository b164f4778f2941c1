package rest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"ginrest/rest"
)

// Every answer declares its Content-Length, as DRF's does, and none is chunked: below
// net/http's buffer the server declares it, above it the view does; HEAD declares GET's.
// Checked on the wire, since an httptest.ResponseRecorder sees only what the view set.
func TestContentLength(t *testing.T) {
	sizes := []int{0, 2, 100, 2046, 2047, 2048, 2049, 10_000} // of the rendered body
	for _, size := range sizes {
		view := getter(func(*rest.Request) (*rest.Response, error) {
			if size == 0 {
				return rest.OK(nil), nil // DRF renders no data as an empty body
			}
			return rest.OK(strings.Repeat("x", size-2)), nil // a JSON string: size bytes with its quotes
		})
		view.Permissions = perms()
		srv := httptest.NewServer(rest.NewHandler(view, rest.Defaults{}))
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			t.Run(method+" "+strconv.Itoa(size), func(t *testing.T) {
				req, _ := http.NewRequest(method, srv.URL, nil)
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(size) {
					t.Errorf("Content-Length %q, want %d", got, size)
				}
				if len(resp.TransferEncoding) != 0 {
					t.Errorf("Transfer-Encoding %q", resp.TransferEncoding)
				}
				want := size
				if method == http.MethodHead {
					want = 0
				}
				if len(body) != want {
					t.Errorf("%d bytes of body, want %d", len(body), want)
				}
			})
		}
		srv.Close()
	}
}
