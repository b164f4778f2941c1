package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"ginrest/rest"
)

const (
	bodyNotAuthenticated = `{"detail":"Authentication credentials were not provided."}`
	bodyForbidden        = `{"detail":"You do not have permission to perform this action."}`
	bodyNotAcceptable    = `{"detail":"Could not satisfy the request Accept header."}`
	bodyServerError      = `{"detail":"A server error occurred."}`
	bodyHello            = `{"message":"Hello, authenticated user!"}`
	challenge            = `Bearer realm="api"`
)

// TestDispatchOrder checks DRF's initial(): negotiation, then authentication, then
// permissions, and only then the method, with the 401-or-403 rule of permission_denied
// and handle_exception.
func TestDispatchOrder(t *testing.T) {
	jsonCT := hdr("Content-Type", "application/json")
	tests := []struct {
		name      string
		view      rest.APIView
		defaults  rest.Defaults
		method    string
		header    http.Header
		body      string
		wantCode  int
		wantBody  string
		wantWWW   string
		wantCalls int32
	}{
		{
			name:   "anonymous POST to a GET-only protected view is 401, not 405",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			method: http.MethodPost, header: jsonCT, body: `{}`,
			wantCode: 401, wantBody: bodyNotAuthenticated, wantWWW: challenge,
		},
		{
			name:   "authenticated POST to a GET-only view is 405",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			method: http.MethodPost, header: hdr("Authorization", "Bearer good", "Content-Type", "application/json"), body: `{}`,
			wantCode: 405, wantBody: `{"detail":"Method \"POST\" not allowed."}`,
		},
		{
			name:   "PUT to a GET-only view is 405 in DRF's words",
			view:   rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)},
			method: http.MethodPut, header: jsonCT, body: `{}`,
			wantCode: 405, wantBody: `{"detail":"Method \"PUT\" not allowed."}`,
		},
		{
			name:     "a method no view has is 405 too",
			view:     rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)},
			method:   "TRACE",
			wantCode: 405, wantBody: `{"detail":"Method \"TRACE\" not allowed."}`,
		},
		{
			name:     "anonymous GET with authenticators is 401 with the first authenticator's challenge",
			view:     rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			method:   http.MethodGet,
			wantCode: 401, wantBody: bodyNotAuthenticated, wantWWW: challenge,
		},
		{
			name:   "authenticated GET reaches the handler",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			method: http.MethodGet, header: hdr("Authorization", "Bearer good"),
			wantCode: 200, wantBody: bodyHello, wantCalls: 1,
		},
		{
			name:     "no authenticators: a denied permission is 403",
			view:     rest.APIView{Authenticators: auths(), Permissions: perms(isAuthenticated)},
			method:   http.MethodGet,
			wantCode: 403, wantBody: bodyForbidden,
		},
		{
			name:   "authenticated but not allowed is 403",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAdmin)},
			method: http.MethodGet, header: hdr("Authorization", "Bearer good"),
			wantCode: 403, wantBody: bodyForbidden,
		},
		{
			name:   "admin allowed",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAdmin)},
			method: http.MethodGet, header: hdr("Authorization", "Bearer admin"),
			wantCode: 200, wantBody: bodyHello, wantCalls: 1,
		},
		{
			name: "the challenge comes from the first authenticator, not the one that matched the scheme",
			view: rest.APIView{Authenticators: auths(schemeAuth{scheme: "Token", challenge: "Token"}, bearer),
				Permissions: perms(isAuthenticated)},
			method: http.MethodGet, header: hdr("Authorization", "Basic x"),
			wantCode: 401, wantBody: bodyNotAuthenticated, wantWWW: "Token",
		},
		{
			name: "the second authenticator may succeed",
			view: rest.APIView{Authenticators: auths(schemeAuth{scheme: "Token", challenge: "Token"}, bearer),
				Permissions: perms(isAuthenticated)},
			method: http.MethodGet, header: hdr("Authorization", "Bearer good"),
			wantCode: 200, wantBody: bodyHello, wantCalls: 1,
		},
		{
			name: "APIView.WWWAuthenticate is used when the first authenticator gives no header",
			view: rest.APIView{Authenticators: auths(schemeAuth{scheme: "Token"}), Permissions: perms(isAuthenticated),
				WWWAuthenticate: challenge},
			method:   http.MethodGet,
			wantCode: 401, wantBody: bodyNotAuthenticated, wantWWW: challenge,
		},
		{
			name:     "a 401 with no header to send becomes a 403 that keeps its words",
			view:     rest.APIView{Authenticators: auths(schemeAuth{scheme: "Token"}), Permissions: perms(isAuthenticated)},
			method:   http.MethodGet,
			wantCode: 403, wantBody: bodyNotAuthenticated,
		},
		{
			name:   "an authenticator error is 401 even on an AllowAny view",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(allowAny)},
			method: http.MethodGet, header: hdr("Authorization", "Bearer wrong"),
			wantCode: 401, wantBody: `{"detail":"bad credentials for Bearer"}`, wantWWW: challenge,
		},
		{
			name:   "an authenticator error with no challenge anywhere is 403",
			view:   rest.APIView{Authenticators: auths(schemeAuth{scheme: "Bearer"}), Permissions: perms(allowAny)},
			method: http.MethodGet, header: hdr("Authorization", "Bearer wrong"),
			wantCode: 403, wantBody: `{"detail":"bad credentials for Bearer"}`,
		},
		{
			name:   "an authenticator error stops the chain: the next authenticator is not tried",
			view:   rest.APIView{Authenticators: auths(bearer, schemeAuth{scheme: "Bearer", challenge: "Second"}), Permissions: perms(allowAny)},
			method: http.MethodGet, header: hdr("Authorization", "Bearer wrong"),
			wantCode: 401, wantBody: `{"detail":"bad credentials for Bearer"}`, wantWWW: challenge,
		},
		{
			name:   "authentication runs before permissions",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(explained{"Go away."})},
			method: http.MethodGet, header: hdr("Authorization", "Bearer wrong"),
			wantCode: 401, wantBody: `{"detail":"bad credentials for Bearer"}`, wantWWW: challenge,
		},
		{
			name:   "authentication runs before the method check",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(allowAny)},
			method: http.MethodDelete, header: hdr("Authorization", "Bearer wrong"),
			wantCode: 401, wantBody: `{"detail":"bad credentials for Bearer"}`, wantWWW: challenge,
		},
		{
			name:   "negotiation runs before authentication",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			method: http.MethodGet, header: hdr("Accept", "application/xml", "Authorization", "Bearer wrong"),
			wantCode: 406, wantBody: bodyNotAcceptable,
		},
		{
			name:   "negotiation runs before the method check",
			view:   rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)},
			method: http.MethodPut, header: hdr("Accept", "application/xml"),
			wantCode: 406, wantBody: bodyNotAcceptable,
		},
		{
			name:   "a permission's message is the 403's detail",
			view:   rest.APIView{Authenticators: auths(bearer), Permissions: perms(explained{"Go away."})},
			method: http.MethodGet, header: hdr("Authorization", "Bearer good"),
			wantCode: 403, wantBody: `{"detail":"Go away."}`,
		},
		{
			name:     "an anonymous caller is told to authenticate, not the permission's message",
			view:     rest.APIView{Authenticators: auths(bearer), Permissions: perms(explained{"Go away."})},
			method:   http.MethodGet,
			wantCode: 401, wantBody: bodyNotAuthenticated, wantWWW: challenge,
		},
		{
			name:     "permissions are checked in order: the first to deny speaks",
			view:     rest.APIView{Authenticators: auths(), Permissions: perms(allowAny, explained{"first"}, explained{"second"})},
			method:   http.MethodGet,
			wantCode: 403, wantBody: `{"detail":"first"}`,
		},
		{
			name:     "nil fields take the defaults",
			defaults: rest.Defaults{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			method:   http.MethodGet,
			wantCode: 401, wantBody: bodyNotAuthenticated, wantWWW: challenge,
		},
		{
			name:     "empty slices override the defaults: no authenticators, no permissions",
			view:     rest.APIView{Authenticators: auths(), Permissions: perms()},
			defaults: rest.Defaults{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			method:   http.MethodGet, header: hdr("Authorization", "Bearer wrong"),
			wantCode: 200, wantBody: bodyHello, wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := &Protected{APIView: tt.view}
			tt.defaults.Logger, _ = quietLogger()
			rec := call(t, rest.NewHandler(view, tt.defaults), tt.method, "/api/protected/", tt.header, tt.body)
			if rec.Code != tt.wantCode {
				t.Errorf("status = %d, want %d (body %s)", rec.Code, tt.wantCode, rec.Body)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body = %s, want %s", got, tt.wantBody)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.wantWWW {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.wantWWW)
			}
			if got := view.Calls(); got != tt.wantCalls {
				t.Errorf("handler called %d times, want %d", got, tt.wantCalls)
			}
		})
	}
}

// TestRequestIdentity checks what the handler sees of the authentication: DRF's
// request.user, request.auth and successful_authenticator.
func TestRequestIdentity(t *testing.T) {
	tests := []struct {
		name       string
		header     http.Header
		wantUser   rest.User
		wantAuth   any
		wantAuthor rest.Authenticator
	}{
		{"anonymous", nil, rest.AnonymousUser{}, nil, nil},
		{"other scheme", hdr("Authorization", "Basic abc"), rest.AnonymousUser{}, nil, nil},
		{"authenticated", hdr("Authorization", "Bearer good"), user{name: "alice"}, "token-of-alice", bearer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen *rest.Request
			view := getter(func(r *rest.Request) (*rest.Response, error) {
				seen = r
				return rest.OK(nil), nil
			})
			view.Authenticators = auths(schemeAuth{scheme: "Token"}, bearer)
			view.Permissions = perms(allowAny)
			rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, "/", tt.header, "")
			if rec.Code != 200 || seen == nil {
				t.Fatalf("status = %d, handler ran: %v", rec.Code, seen != nil)
			}
			if seen.User != tt.wantUser {
				t.Errorf("User = %#v, want %#v", seen.User, tt.wantUser)
			}
			if seen.Auth != tt.wantAuth {
				t.Errorf("Auth = %#v, want %#v", seen.Auth, tt.wantAuth)
			}
			if seen.Authenticator != tt.wantAuthor {
				t.Errorf("Authenticator = %#v, want %#v", seen.Authenticator, tt.wantAuthor)
			}
		})
	}
}

// TestAllowHeader checks the Allow header, in DRF's order (Django's http_method_names:
// get, post, put, patch, delete, head, options), on every response of a view.
func TestAllowHeader(t *testing.T) {
	tests := []struct {
		name string
		view rest.View
		want string
	}{
		{"GET only", &Protected{}, "GET, HEAD, OPTIONS"},
		{"POST only", &PostOnly{}, "POST, OPTIONS"},
		{"GET and POST", &GetPostView{}, "GET, POST, HEAD, OPTIONS"},
		{"every method", &Everything{}, "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"},
		{"PUT and DELETE: no HEAD without GET", &PutDeleteView{}, "PUT, DELETE, OPTIONS"},
		{"nothing but OPTIONS", &Nothing{}, "OPTIONS"},
	}
	requests := []struct {
		name   string
		method string
		header http.Header
		body   string
	}{
		{"OPTIONS", http.MethodOptions, nil, ""},
		{"GET", http.MethodGet, nil, ""},
		{"POST with a bad body", http.MethodPost, hdr("Content-Type", "application/json"), "{"},
		{"unknown method", "PROPFIND", nil, ""},
		{"not acceptable", http.MethodGet, hdr("Accept", "image/png"), ""},
		{"failed authentication", http.MethodGet, hdr("Authorization", "Bearer wrong"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.view.Base().Authenticators = auths(bearer)
			tt.view.Base().Permissions = perms(allowAny)
			h := rest.NewHandler(tt.view, rest.Defaults{})
			if h.Allow() != tt.want {
				t.Errorf("Allow() = %q, want %q", h.Allow(), tt.want)
			}
			for _, rq := range requests {
				rec := call(t, h, rq.method, "/", rq.header, rq.body)
				if got := rec.Header().Values("Allow"); len(got) != 1 || got[0] != tt.want {
					t.Errorf("%s: status %d, Allow = %q, want %q", rq.name, rec.Code, got, tt.want)
				}
			}
		})
	}
}

// TestCommonHeaders checks the headers every view response carries, whatever its status.
func TestCommonHeaders(t *testing.T) {
	logger, _ := quietLogger()
	view := &GetPostView{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(readOnlyOrAuth)}}
	h := rest.NewHandler(view, rest.Defaults{Logger: logger})
	requests := []struct {
		name     string
		method   string
		header   http.Header
		body     string
		wantCode int
	}{
		{"200", http.MethodGet, nil, "", 200},
		{"201", http.MethodPost, hdr("Authorization", "Bearer good", "Content-Type", "application/json"), `{"a":1}`, 201},
		{"OPTIONS", http.MethodOptions, nil, "", 200},
		{"HEAD", http.MethodHead, nil, "", 200},
		{"400", http.MethodPost, hdr("Authorization", "Bearer good", "Content-Type", "application/json"), `{`, 400},
		{"401", http.MethodPost, nil, "", 401},
		{"405", http.MethodDelete, hdr("Authorization", "Bearer good"), "", 405},
		{"406", http.MethodGet, hdr("Accept", "application/xml"), "", 406},
		{"415", http.MethodPost, hdr("Authorization", "Bearer good", "Content-Type", "text/plain"), "x", 415},
	}
	for _, rq := range requests {
		t.Run(rq.name, func(t *testing.T) {
			rec := call(t, h, rq.method, "/", rq.header, rq.body)
			if rec.Code != rq.wantCode {
				t.Fatalf("status = %d, want %d (body %s)", rec.Code, rq.wantCode, rec.Body)
			}
			want := map[string]string{
				"Vary":         "Accept",
				"Allow":        "GET, POST, HEAD, OPTIONS",
				"Content-Type": "application/json",
			}
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			// Content-Length: on the wire, in TestContentLength (net/http declares it for
			// a small body, which a recorder does not show).
		})
	}
}

// TestHead checks that HEAD is answered by Get, as Django's View does, with headers and
// no body.
func TestHead(t *testing.T) {
	newView := func() *Protected {
		return &Protected{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)}}
	}
	t.Run("authenticated", func(t *testing.T) {
		view := newView()
		h := rest.NewHandler(view, rest.Defaults{})
		rec := call(t, h, http.MethodHead, "/", hdr("Authorization", "Bearer good"), "")
		if rec.Code != 200 || rec.Body.Len() != 0 {
			t.Fatalf("status = %d, body %q; want 200 and no body", rec.Code, rec.Body)
		}
		if view.Calls() != 1 {
			t.Errorf("Get called %d times, want 1", view.Calls())
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q", got)
		}
		if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(len(bodyHello)); got != want {
			t.Errorf("Content-Length = %q, want GET's %q", got, want)
		}
	})
	t.Run("anonymous is 401 with no body", func(t *testing.T) {
		view := newView()
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodHead, "/", nil, "")
		if rec.Code != 401 || rec.Body.Len() != 0 || rec.Header().Get("WWW-Authenticate") != challenge {
			t.Errorf("status = %d, body %q, WWW-Authenticate %q", rec.Code, rec.Body, rec.Header().Get("WWW-Authenticate"))
		}
		if view.Calls() != 0 {
			t.Errorf("Get called %d times, want 0", view.Calls())
		}
	})
	t.Run("no GET, no HEAD", func(t *testing.T) {
		view := &PostOnly{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)}}
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodHead, "/", nil, "")
		if rec.Code != 405 || rec.Body.Len() != 0 {
			t.Errorf("status = %d, body %q; want 405 and no body", rec.Code, rec.Body)
		}
	})
}

// TestNegotiation checks DRF's content negotiation: a media range matches a renderer
// (application/json or text/html) whatever its parameters; otherwise 406.
func TestNegotiation(t *testing.T) {
	tests := []struct {
		name   string
		accept []string // nil: no Accept header
		want   int
	}{
		{"no Accept header", nil, 200},
		{"*/*", []string{"*/*"}, 200},
		{"application/*", []string{"application/*"}, 200},
		{"application/json", []string{"application/json"}, 200},
		{"parameters do not decide", []string{"application/json; charset=utf-8"}, 200},
		{"q=0 does not refuse, as in DRF", []string{"application/json;q=0"}, 200},
		{"text/html (browsable API)", []string{"text/html"}, 200},
		{"text/*", []string{"text/*"}, 200},
		{"a browser's Accept", []string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, 200},
		{"one acceptable range among others", []string{"application/xml, application/json;q=0.1"}, 200},
		{"acceptable range in a second Accept line", []string{"application/xml", "application/json"}, 200},
		{"case-insensitive", []string{"Application/JSON"}, 200},
		{"application/xml", []string{"application/xml"}, 406},
		{"text/plain", []string{"text/plain"}, 406},
		{"image/*", []string{"image/*"}, 406},
		{"no slash", []string{"application"}, 406},
		{"a bare *", []string{"*"}, 406},
		{"only commas", []string{" , ,"}, 406},
		// DRF splits the header on commas and matches '' against nothing: an Accept header
		// that is present but empty is 406 there too (an absent one means */*).
		{"present but empty", []string{""}, 406},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)}}
			h := rest.NewHandler(view, rest.Defaults{})
			header := http.Header{}
			if tt.accept != nil {
				header["Accept"] = tt.accept
			}
			rec := call(t, h, http.MethodGet, "/", header, "")
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d", rec.Code, tt.want)
			}
			wantBody, wantCalls := bodyHello, int32(1)
			if tt.want == 406 {
				wantBody, wantCalls = bodyNotAcceptable, 0
			}
			if rec.Body.String() != wantBody {
				t.Errorf("body = %s, want %s", rec.Body, wantBody)
			}
			if view.Calls() != wantCalls {
				t.Errorf("handler called %d times, want %d", view.Calls(), wantCalls)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
		})
	}
}

// TestParams checks the path parameters the router passes to Serve.
func TestParams(t *testing.T) {
	var got [3]string
	view := getter(func(r *rest.Request) (*rest.Response, error) {
		got = [3]string{r.Param("id"), r.Param("slug"), r.Param("missing")}
		return rest.OK(nil), nil
	})
	h := rest.NewHandler(view, rest.Defaults{Authenticators: auths(), Permissions: perms()})
	rec := httptest.NewRecorder()
	h.Serve(rec, httptest.NewRequest(http.MethodGet, "/things/42/x/", nil), []rest.Param{{Key: "id", Value: "42"}, {Key: "slug", Value: "x"}})
	if rec.Code != 200 {
		t.Fatalf("status = %d", rec.Code)
	}
	if got != [3]string{"42", "x", ""} {
		t.Errorf("params = %q, want [42 x \"\"]", got)
	}
}
