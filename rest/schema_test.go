package rest_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"ginrest/rest"
)

// yamlView renders a body of its own, in a media type beside JSON.
type yamlView struct{ rest.APIView }

func (*yamlView) Get(*rest.Request) (*rest.Response, error) {
	return &rest.Response{Status: http.StatusOK, Body: []byte("a: 1\n"), ContentType: "application/yaml",
		Header: http.Header{"Cache-Control": {"max-age=60"}}}, nil
}

func (*yamlView) Post(*rest.Request) (*rest.Response, error) {
	return rest.OK(map[string]int{"a": 1}), nil
}

// TestSelfRenderedBody: a view's Renders pass negotiation, and its Body is sent as it is
// with its content type (not on HEAD); JSON answers stay JSON.
func TestSelfRenderedBody(t *testing.T) {
	h := rest.NewHandler(&yamlView{rest.APIView{Renders: []string{"application/yaml"},
		Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{}}}, rest.Defaults{})
	tests := []struct {
		method, accept string
		status         int
		contentType    string
		body           string
	}{
		{"GET", "application/yaml", 200, "application/yaml", "a: 1\n"},
		{"GET", "", 200, "application/yaml", "a: 1\n"},
		{"HEAD", "application/yaml", 200, "application/yaml", ""},
		{"GET", "application/xml", 406, "application/json", `{"detail":"Could not satisfy the request Accept header."}`},
		{"POST", "application/json", 200, "application/json", `{"a":1}`},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "/", http.NoBody)
		if tt.accept != "" {
			r.Header.Set("Accept", tt.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.contentType || rec.Body.String() != tt.body {
			t.Errorf("%s Accept %q: %d %q %q, want %d %q %q", tt.method, tt.accept, rec.Code,
				rec.Header().Get("Content-Type"), rec.Body, tt.status, tt.contentType, tt.body)
		}
	}
	// No Accept: anything goes, as before. A view without Renders refuses YAML.
	plain := rest.NewHandler(&yamlView{}, rest.Defaults{})
	r := httptest.NewRequest("GET", "/", http.NoBody)
	r.Header.Set("Accept", "application/yaml")
	rec := httptest.NewRecorder()
	plain.ServeHTTP(rec, r)
	if rec.Code != http.StatusNotAcceptable {
		t.Errorf("a view without Renders: %d", rec.Code)
	}
}

// TestHandlerPolicies: what the schema generator reads of a mounted view.
func TestHandlerPolicies(t *testing.T) {
	d := rest.Defaults{Authenticators: []rest.Authenticator{bearer}, Permissions: []rest.Permission{isAuthenticated}}
	tests := []struct {
		name      string
		view      rest.View
		anonymous map[string]bool
		auths     int
	}{
		{"defaults", &yamlView{}, map[string]bool{"GET": false, "POST": false}, 1},
		{"allow any, no authenticators", &yamlView{rest.APIView{Permissions: []rest.Permission{allowAny}, Authenticators: []rest.Authenticator{}}},
			map[string]bool{"GET": true, "POST": true}, 0},
		{"read only or authenticated", &yamlView{rest.APIView{Permissions: []rest.Permission{readOnlyOrAuth}}},
			map[string]bool{"GET": true, "POST": false}, 1},
		{"a permission that panics without a real request", &yamlView{rest.APIView{Permissions: []rest.Permission{
			rest.PermissionFunc(func(r *rest.Request, _ any) bool { return r.Params[0].Value == "x" })}}},
			map[string]bool{"GET": false}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := rest.NewHandler(tt.view, d)
			if got := h.Methods(); !slices.Equal(got, []string{"GET", "POST"}) {
				t.Errorf("Methods %v", got)
			}
			if got := len(h.Authenticators()); got != tt.auths {
				t.Errorf("%d authenticators, want %d", got, tt.auths)
			}
			for method, want := range tt.anonymous {
				if got := h.AllowsAnonymous(method); got != want {
					t.Errorf("AllowsAnonymous(%s) = %v, want %v", method, got, want)
				}
			}
		})
	}
}

// TestOperationOverlay: a declared field replaces the inferred one; a zero one leaves it.
func TestOperationOverlay(t *testing.T) {
	inferred := rest.Operation{Summary: "inferred", List: true, Component: "Note"}
	got := inferred.Overlay(rest.Operation{Summary: "declared", NoRequest: true})
	if got.Summary != "declared" || !got.List || got.Component != "Note" || !got.NoRequest {
		t.Errorf("%+v", got)
	}
}
