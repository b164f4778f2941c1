package rest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"ginrest/rest"
)

// boundView is a router-made view: its handlers come from a table, its permissions are
// chosen per method (DRF's viewsets: as_view(actions) and get_permissions by action).
type boundView struct {
	rest.APIView
	handlers map[string]func(*rest.Request) (*rest.Response, error)
	byMethod map[string][]rest.Permission
}

func (v *boundView) Handlers() map[string]func(*rest.Request) (*rest.Response, error) {
	return v.handlers
}

func (v *boundView) PermissionsFor(r *rest.Request) []rest.Permission {
	return v.byMethod[r.HTTP.Method]
}

func (v *boundView) Describe(string) rest.Fields { return rest.Fields{{Name: "title", Type: "string"}} }

var (
	_ rest.Bound             = (*boundView)(nil)
	_ rest.PermissionChooser = (*boundView)(nil)
)

func answer(s string) func(*rest.Request) (*rest.Response, error) {
	return func(*rest.Request) (*rest.Response, error) { return rest.OK(s), nil }
}

func TestBoundViewsAnswerTheirTable(t *testing.T) {
	tests := []struct {
		handlers map[string]func(*rest.Request) (*rest.Response, error)
		allow    string
	}{
		{map[string]func(*rest.Request) (*rest.Response, error){"POST": answer("create"), "GET": answer("list")}, "GET, POST, HEAD, OPTIONS"},
		{map[string]func(*rest.Request) (*rest.Response, error){"DELETE": answer("destroy"), "PATCH": answer("partial"), "GET": answer("retrieve"), "PUT": answer("update")}, "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"},
		{map[string]func(*rest.Request) (*rest.Response, error){"POST": answer("toggle")}, "POST, OPTIONS"},
		{map[string]func(*rest.Request) (*rest.Response, error){"TRACE": answer("x"), "GET": nil}, "OPTIONS"},
	}
	for _, tt := range tests {
		h := rest.NewHandler(&boundView{handlers: tt.handlers}, rest.Defaults{Permissions: perms()})
		if h.Allow() != tt.allow {
			t.Errorf("Allow = %q, want %q", h.Allow(), tt.allow)
		}
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "TRACE"} {
			rec := call(t, h, method, "/x/", nil, "")
			allowed := strings.Contains(tt.allow, method)
			if allowed && rec.Code != 200 || !allowed && rec.Code != 405 {
				t.Errorf("%s with Allow %q: %d %s", method, tt.allow, rec.Code, rec.Body)
			}
		}
	}
	// HEAD answers with GET's handler and no body.
	h := rest.NewHandler(&boundView{handlers: tests[0].handlers}, rest.Defaults{Permissions: perms()})
	if rec := call(t, h, "GET", "/x/", nil, ""); rec.Body.String() != `"list"` {
		t.Errorf("GET: %s", rec.Body)
	}
	if rec := call(t, h, "HEAD", "/x/", nil, ""); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d %q", rec.Code, rec.Body)
	}
}

func TestPermissionsChosenPerRequest(t *testing.T) {
	var checked []string
	objectCheck := func(r *rest.Request) (*rest.Response, error) {
		checked = append(checked, r.HTTP.Method)
		if err := r.CheckObjectPermissions(nil, "alice"); err != nil {
			return nil, err
		}
		return rest.OK("ok"), nil
	}
	v := &boundView{
		APIView:  rest.APIView{Permissions: perms(isAuthenticated)},
		handlers: map[string]func(*rest.Request) (*rest.Response, error){"GET": objectCheck, "POST": objectCheck, "DELETE": objectCheck},
		// GET is open; DELETE is the owner's; POST keeps the view's (nil: not chosen).
		byMethod: map[string][]rest.Permission{"GET": perms(allowAny), "DELETE": perms(isAuthenticated, ownerOnly{}), "OPTIONS": perms(allowAny)},
	}
	h := rest.NewHandler(v, rest.Defaults{Authenticators: auths(bearer)})
	tests := []struct {
		method, auth string
		status       int
	}{
		{"GET", "", 200},
		{"POST", "", 401},
		{"POST", "Bearer good", 200},
		{"DELETE", "", 401},
		{"DELETE", "Bearer admin", 403}, // CheckObjectPermissions runs the chosen ownerOnly
		{"DELETE", "Bearer good", 200},
	}
	for _, tt := range tests {
		rec := call(t, h, tt.method, "/x/", hdr("Authorization", tt.auth), "")
		if rec.Code != tt.status {
			t.Errorf("%s %q: %d %s, want %d", tt.method, tt.auth, rec.Code, rec.Body, tt.status)
		}
	}
	if rec := call(t, h, "DELETE", "/x/", hdr("Authorization", "Bearer admin"), ""); !strings.Contains(rec.Body.String(), "Not yours.") {
		t.Errorf("the chosen permission's message: %s", rec.Body)
	}
	// OPTIONS is allowed by its own choice, and describes POST only to whom POST's
	// permissions would let in.
	for auth, want := range map[string]bool{"": false, "Bearer good": true} {
		rec := call(t, h, "OPTIONS", "/x/", hdr("Authorization", auth), "")
		var md struct{ Actions map[string]any }
		if err := json.Unmarshal(rec.Body.Bytes(), &md); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("OPTIONS %q: %d %s", auth, rec.Code, rec.Body)
		}
		if _, has := md.Actions["POST"]; has != want {
			t.Errorf("OPTIONS %q describes POST: %v, want %v", auth, has, want)
		}
	}
}
