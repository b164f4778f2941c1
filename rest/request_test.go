package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"ginrest/rest"
)

// requestSeer answers with what code given only a context derived from the request's
// Context finds: the request itself, and the HTTP request's deadline and values.
type requestSeer struct {
	rest.APIView
	found, sameHTTP, deadline, value bool
}

type probeKey struct{}

func (v *requestSeer) Get(r *rest.Request) (*rest.Response, error) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Hour) // as a database call would
	defer cancel()
	got := rest.RequestFrom(ctx)
	v.found, v.sameHTTP = got == r, got != nil && got.HTTP == r.HTTP
	_, v.deadline = ctx.Deadline()
	v.value = ctx.Value(probeKey{}) == "probe"
	return rest.OK(map[string]bool{"found": v.found}), nil
}

// The request travels in its own Context: one lookup, whatever was derived from it.
func TestRequestFromContext(t *testing.T) {
	v := &requestSeer{}
	h := rest.NewHandler(v, rest.Defaults{Permissions: []rest.Permission{}})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req = req.WithContext(context.WithValue(req.Context(), probeKey{}, "probe"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK || !v.found || !v.sameHTTP || !v.deadline || !v.value {
		t.Errorf("status %d: found %t, same HTTP %t, deadline %t, value %t; want 200 and all true",
			w.Code, v.found, v.sameHTTP, v.deadline, v.value)
	}
	if rest.RequestFrom(context.Background()) != nil {
		t.Error("RequestFrom(Background) is not nil")
	}
	// A request's Context is cancelled with its HTTP request's.
	parent, cancel := context.WithCancel(context.Background())
	r := rest.NewRequest(httptest.NewRequest(http.MethodGet, "/", nil).WithContext(parent))
	child, stop := context.WithCancel(r.Context())
	defer stop()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(10 * time.Second): // a bound on a hang, not a timing assertion
		t.Fatal("a context derived from the request's was not cancelled with it")
	}
}

// A view that declares StoredUser authenticates with the defaults' StoredUserAuthenticators,
// not DEFAULT_AUTHENTICATION_CLASSES; one mounted without them stops the server at start.
func TestStoredUserViewsUseTheirAuthenticators(t *testing.T) {
	stored := schemeAuth{scheme: "Stored", challenge: `Stored realm="api"`}
	defaults := rest.Defaults{Authenticators: auths(bearer), StoredUserAuthenticators: auths(stored), Permissions: perms(isAuthenticated)}
	for _, c := range []struct {
		name       string
		storedUser bool
		header     string
		status     int
	}{
		{"stored-user view, its authenticator", true, "Stored good", http.StatusOK},
		{"stored-user view, the default authenticator", true, "Bearer good", http.StatusUnauthorized},
		{"other view, the default authenticator", false, "Bearer good", http.StatusOK},
		{"other view, the stored-user authenticator", false, "Stored good", http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := &Protected{}
			v.StoredUser = c.storedUser
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Authorization", c.header)
			w := httptest.NewRecorder()
			rest.NewHandler(v, defaults).ServeHTTP(w, req)
			if w.Code != c.status {
				t.Errorf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("a StoredUser view mounted without StoredUserAuthenticators did not panic")
		}
	}()
	rest.NewHandler(&Protected{APIView: rest.APIView{StoredUser: true}}, rest.Defaults{Authenticators: auths(bearer)})
}

// TestForm: a form body's every value by key, for the data Data returned and no other.
func TestForm(t *testing.T) {
	for _, tt := range []struct {
		name, contentType, body string
		want                    map[string][]string
	}{
		{"urlencoded", "application/x-www-form-urlencoded", "a=1&a=2&b=3", map[string][]string{"a": {"1", "2"}, "b": {"3"}}},
		{"multipart", "multipart/form-data; boundary=X",
			"--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--X--\r\n",
			map[string][]string{"a": {"1", "2"}}},
		{"json", "application/json", `{"a": "1"}`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			r := rest.NewRequest(req)
			if r.Form(nil) != nil {
				t.Error("a form before the body is read")
			}
			data, err := r.Data()
			if err != nil {
				t.Fatal(err)
			}
			got := r.Form(data)
			if (got == nil) != (tt.want == nil) || (got != nil && !reflect.DeepEqual(map[string][]string(got), tt.want)) {
				t.Errorf("Form = %v, want %v", got, tt.want)
			}
			if r.Form(map[string]any{"a": "1"}) != nil {
				t.Error("a form for a map the request did not parse")
			}
			last := "1"
			if tt.want != nil {
				last = "2" // Data has a repeated key's last value, as QueryDict's []
			}
			if data.(map[string]any)["a"] != last {
				t.Errorf("Data: %v", data)
			}
		})
	}
}
