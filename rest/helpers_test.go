package rest_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"ginrest/rest"
)

// user is a fake rest.User.
type user struct {
	name  string
	admin bool
}

func (user) IsAuthenticated() bool { return true }
func (u user) IsAdmin() bool       { return u.admin }

// schemeAuth is a fake authenticator: it claims "Authorization: <scheme> <credential>",
// where "good" is alice, "admin" is an admin, anything else is refused.
type schemeAuth struct {
	scheme    string
	challenge string
}

func (a schemeAuth) Authenticate(r *rest.Request) (rest.User, any, error) {
	scheme, cred, _ := strings.Cut(r.HTTP.Header.Get("Authorization"), " ")
	if scheme != a.scheme {
		return nil, nil, nil
	}
	switch cred {
	case "good":
		return user{name: "alice"}, "token-of-alice", nil
	case "admin":
		return user{name: "root", admin: true}, "token-of-root", nil
	}
	return nil, nil, rest.AuthenticationFailed("bad credentials for " + a.scheme)
}

func (a schemeAuth) AuthenticateHeader(*rest.Request) string { return a.challenge }

var bearer = schemeAuth{scheme: "Bearer", challenge: `Bearer realm="api"`}

// Permissions, written here so that rest's tests do not depend on package permissions.
var (
	allowAny        = rest.PermissionFunc(func(*rest.Request, any) bool { return true })
	isAuthenticated = rest.PermissionFunc(func(r *rest.Request, _ any) bool { return r.User.IsAuthenticated() })
	isAdmin         = rest.PermissionFunc(func(r *rest.Request, _ any) bool { return r.User.IsAdmin() })
	readOnlyOrAuth  = rest.PermissionFunc(func(r *rest.Request, _ any) bool {
		m := r.HTTP.Method
		return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || r.User.IsAuthenticated()
	})
)

// explained denies with its own message (DRF's permission.message).
type explained struct{ msg string }

func (explained) HasPermission(*rest.Request, any) bool            { return false }
func (explained) HasObjectPermission(*rest.Request, any, any) bool { return true }
func (e explained) Message() string                                { return e.msg }

// ownerOnly allows every request, and an object (a user name) only to its owner.
type ownerOnly struct{}

func (ownerOnly) HasPermission(*rest.Request, any) bool { return true }
func (ownerOnly) HasObjectPermission(r *rest.Request, _ any, obj any) bool {
	u, ok := r.User.(user)
	return ok && u.name == obj
}
func (ownerOnly) Message() string { return "Not yours." }

// perms and auths build policy lists; with no arguments they give an empty, non-nil list
// (DRF's `permission_classes = ()`), not nil (the settings default).
func perms(ps ...rest.Permission) []rest.Permission {
	return append([]rest.Permission{}, ps...)
}

func auths(as ...rest.Authenticator) []rest.Authenticator {
	return append([]rest.Authenticator{}, as...)
}

// Views. Their type names matter: OPTIONS derives the view name from them.

// Protected answers GET only, as the reference's /api/protected/.
type Protected struct {
	rest.APIView
	calls atomic.Int32
}

var _ rest.Getter = (*Protected)(nil)

func (v *Protected) Get(r *rest.Request) (*rest.Response, error) {
	v.calls.Add(1)
	return rest.OK(map[string]string{"message": "Hello, authenticated user!"}), nil
}

// Calls is how many times Get ran.
func (v *Protected) Calls() int32 { return v.calls.Load() }

// GetPostView answers GET and POST; POST echoes the parsed body.
type GetPostView struct{ rest.APIView }

var (
	_ rest.Getter = (*GetPostView)(nil)
	_ rest.Poster = (*GetPostView)(nil)
)

func (*GetPostView) Get(*rest.Request) (*rest.Response, error) {
	return rest.OK(map[string]int{"n": 1}), nil
}

func (*GetPostView) Post(r *rest.Request) (*rest.Response, error) {
	data, err := r.Data()
	if err != nil {
		return nil, err
	}
	return rest.Created(data), nil
}

// Everything answers every method, each with its name.
type Everything struct{ rest.APIView }

var (
	_ rest.Getter  = (*Everything)(nil)
	_ rest.Poster  = (*Everything)(nil)
	_ rest.Putter  = (*Everything)(nil)
	_ rest.Patcher = (*Everything)(nil)
	_ rest.Deleter = (*Everything)(nil)
)

func (*Everything) Get(*rest.Request) (*rest.Response, error)    { return rest.OK("GET"), nil }
func (*Everything) Post(*rest.Request) (*rest.Response, error)   { return rest.OK("POST"), nil }
func (*Everything) Put(*rest.Request) (*rest.Response, error)    { return rest.OK("PUT"), nil }
func (*Everything) Patch(*rest.Request) (*rest.Response, error)  { return rest.OK("PATCH"), nil }
func (*Everything) Delete(*rest.Request) (*rest.Response, error) { return rest.NoContent(), nil }

// PutDeleteView answers PUT and DELETE only.
type PutDeleteView struct{ rest.APIView }

func (*PutDeleteView) Put(*rest.Request) (*rest.Response, error)    { return rest.OK("PUT"), nil }
func (*PutDeleteView) Delete(*rest.Request) (*rest.Response, error) { return rest.NoContent(), nil }

// Nothing answers no method but OPTIONS.
type Nothing struct{ rest.APIView }

// funcView answers GET with whatever its function returns.
type funcView struct {
	rest.APIView
	get func(r *rest.Request) (*rest.Response, error)
}

func (v *funcView) Get(r *rest.Request) (*rest.Response, error) { return v.get(r) }

func getter(fn func(r *rest.Request) (*rest.Response, error)) *funcView {
	return &funcView{get: fn}
}

// call serves one request through h and returns the recorded response.
func call(t testing.TB, h http.Handler, method, target string, header http.Header, body string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// hdr builds a header from pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// quietLogger records what the dispatcher logs, so tests can check it and output stays clean.
func quietLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

// PostOnly answers POST only, as simplejwt's token views.
type PostOnly struct{ rest.APIView }

var _ rest.Poster = (*PostOnly)(nil)

func (*PostOnly) Post(*rest.Request) (*rest.Response, error) { return rest.OK(map[string]any{}), nil }
