package permissions_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"ginrest/permissions"
	"ginrest/rest"
)

// user is a fake rest.User; the zero value is an authenticated non-staff user.
type user struct {
	anonymous bool
	staff     bool
}

func (u user) IsAuthenticated() bool { return !u.anonymous }
func (u user) IsAdmin() bool         { return u.staff }

var users = []struct {
	name string
	user rest.User
}{
	{"anonymous", rest.AnonymousUser{}},
	{"nil user", nil},
	{"user", user{}},
	{"staff", user{staff: true}},
	// Django's AnonymousUser is never staff; a user type that says so is still refused by
	// IsAdminUser unless authenticated.
	{"unauthenticated staff", user{anonymous: true, staff: true}},
}

var methods = []string{
	http.MethodGet, http.MethodHead, http.MethodOptions,
	http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
}

func request(method string, u rest.User) *rest.Request {
	r := rest.NewRequest(httptest.NewRequest(method, "/", nil))
	r.User = u
	return r
}

func TestBuiltins(t *testing.T) {
	safe := map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodOptions: true}
	tests := []struct {
		name string
		perm rest.Permission
		want func(userName, method string) bool
	}{
		{"AllowAny", permissions.AllowAny, func(string, string) bool { return true }},
		{"IsAuthenticated", permissions.IsAuthenticated, func(u, _ string) bool { return u == "user" || u == "staff" }},
		{"IsAdminUser", permissions.IsAdminUser, func(u, _ string) bool { return u == "staff" }},
		{"IsAuthenticatedOrReadOnly", permissions.IsAuthenticatedOrReadOnly, func(u, m string) bool {
			return safe[m] || u == "user" || u == "staff"
		}},
	}
	for _, tt := range tests {
		for _, u := range users {
			for _, m := range methods {
				t.Run(tt.name+"/"+u.name+"/"+m, func(t *testing.T) {
					r := request(m, u.user)
					if got, want := tt.perm.HasPermission(r, nil), tt.want(u.name, m); got != want {
						t.Errorf("HasPermission = %v, want %v", got, want)
					}
					// DRF's BasePermission.has_object_permission: every object is allowed.
					if !tt.perm.HasObjectPermission(r, nil, "obj") {
						t.Errorf("HasObjectPermission = false, want true")
					}
				})
			}
		}
	}
}

func TestIsSafeMethod(t *testing.T) {
	for _, tt := range []struct {
		method string
		want   bool
	}{
		{"GET", true}, {"HEAD", true}, {"OPTIONS", true},
		{"POST", false}, {"PUT", false}, {"PATCH", false}, {"DELETE", false}, {"TRACE", false},
		{"get", false}, {"", false},
	} {
		if got := permissions.IsSafeMethod(tt.method); got != tt.want {
			t.Errorf("IsSafeMethod(%q) = %v, want %v", tt.method, got, tt.want)
		}
	}
}

// fixed answers the request and object checks with fixed values.
type fixed struct{ req, obj bool }

func (f fixed) HasPermission(*rest.Request, any) bool            { return f.req }
func (f fixed) HasObjectPermission(*rest.Request, any, any) bool { return f.obj }

func (f fixed) String() string {
	b := func(v bool) string {
		if v {
			return "T"
		}
		return "F"
	}
	return b(f.req) + b(f.obj)
}

var all = []fixed{{false, false}, {false, true}, {true, false}, {true, true}}

// TestComposition checks the truth tables of DRF's &, | and ~ (DRF 3.14's OR: for an
// object, an operand counts only if it allowed both the request and the object).
func TestComposition(t *testing.T) {
	r := request(http.MethodGet, user{})
	for _, a := range all {
		t.Run("Not/"+a.String(), func(t *testing.T) {
			p := permissions.Not(a)
			if got := p.HasPermission(r, nil); got != !a.req {
				t.Errorf("HasPermission = %v, want %v", got, !a.req)
			}
			if got := p.HasObjectPermission(r, nil, nil); got != !a.obj {
				t.Errorf("HasObjectPermission = %v, want %v", got, !a.obj)
			}
		})
		for _, b := range all {
			name := a.String() + "," + b.String()
			t.Run("And/"+name, func(t *testing.T) {
				p := permissions.And(a, b)
				if got, want := p.HasPermission(r, nil), a.req && b.req; got != want {
					t.Errorf("HasPermission = %v, want %v", got, want)
				}
				if got, want := p.HasObjectPermission(r, nil, nil), a.obj && b.obj; got != want {
					t.Errorf("HasObjectPermission = %v, want %v", got, want)
				}
			})
			t.Run("Or/"+name, func(t *testing.T) {
				p := permissions.Or(a, b)
				if got, want := p.HasPermission(r, nil), a.req || b.req; got != want {
					t.Errorf("HasPermission = %v, want %v", got, want)
				}
				if got, want := p.HasObjectPermission(r, nil, nil), (a.req && a.obj) || (b.req && b.obj); got != want {
					t.Errorf("HasObjectPermission = %v, want %v", got, want)
				}
			})
		}
	}
	t.Run("three operands", func(t *testing.T) {
		for _, a := range all {
			for _, b := range all {
				for _, c := range all {
					and := permissions.And(a, b, c)
					or := permissions.Or(a, b, c)
					if got, want := and.HasPermission(r, nil), a.req && b.req && c.req; got != want {
						t.Errorf("And(%v,%v,%v).HasPermission = %v", a, b, c, got)
					}
					if got, want := or.HasObjectPermission(r, nil, nil), (a.req && a.obj) || (b.req && b.obj) || (c.req && c.obj); got != want {
						t.Errorf("Or(%v,%v,%v).HasObjectPermission = %v", a, b, c, got)
					}
				}
			}
		}
	})
	t.Run("built-ins composed", func(t *testing.T) {
		// ~IsAuthenticated: only the anonymous; and, as in DRF, no object (the base object
		// check allows everything, so its negation allows nothing).
		notAuth := permissions.Not(permissions.IsAuthenticated)
		if !notAuth.HasPermission(request(http.MethodGet, rest.AnonymousUser{}), nil) ||
			notAuth.HasPermission(request(http.MethodGet, user{}), nil) {
			t.Errorf("Not(IsAuthenticated) wrong")
		}
		if notAuth.HasObjectPermission(request(http.MethodGet, rest.AnonymousUser{}), nil, nil) {
			t.Errorf("Not(IsAuthenticated).HasObjectPermission = true, want false as in DRF")
		}
		// Staff, or anyone reading.
		p := permissions.Or(permissions.IsAdminUser, permissions.And(permissions.Not(permissions.IsAuthenticated), readOnly))
		for _, tt := range []struct {
			method string
			user   rest.User
			want   bool
		}{
			{http.MethodPost, user{staff: true}, true},
			{http.MethodGet, rest.AnonymousUser{}, true},
			{http.MethodPost, rest.AnonymousUser{}, false},
			{http.MethodGet, user{}, false},
		} {
			if got := p.HasPermission(request(tt.method, tt.user), nil); got != tt.want {
				t.Errorf("%s by %#v: %v, want %v", tt.method, tt.user, got, tt.want)
			}
		}
	})
}

var readOnly = rest.PermissionFunc(func(r *rest.Request, _ any) bool { return permissions.IsSafeMethod(r.HTTP.Method) })

// Thing is a view for the dispatch test below.
type Thing struct{ rest.APIView }

func (*Thing) Get(*rest.Request) (*rest.Response, error)  { return rest.OK("read"), nil }
func (*Thing) Post(*rest.Request) (*rest.Response, error) { return rest.OK("written"), nil }

// staffAuth authenticates "X-User: staff" and "X-User: user".
type staffAuth struct{}

func (staffAuth) Authenticate(r *rest.Request) (rest.User, any, error) {
	switch r.HTTP.Header.Get("X-User") {
	case "staff":
		return user{staff: true}, nil, nil
	case "user":
		return user{}, nil, nil
	}
	return nil, nil, nil
}
func (staffAuth) AuthenticateHeader(*rest.Request) string { return "X-User" }

// TestThroughDispatch checks the built-ins as a view's policy: the 401-or-403 rule applies
// to composed permissions as to any other.
func TestThroughDispatch(t *testing.T) {
	tests := []struct {
		name   string
		perm   rest.Permission
		method string
		user   string
		want   int
	}{
		{"IsAuthenticatedOrReadOnly: anonymous GET", permissions.IsAuthenticatedOrReadOnly, http.MethodGet, "", 200},
		{"IsAuthenticatedOrReadOnly: anonymous POST", permissions.IsAuthenticatedOrReadOnly, http.MethodPost, "", 401},
		{"IsAuthenticatedOrReadOnly: user POST", permissions.IsAuthenticatedOrReadOnly, http.MethodPost, "user", 200},
		{"IsAdminUser: anonymous", permissions.IsAdminUser, http.MethodGet, "", 401},
		{"IsAdminUser: user", permissions.IsAdminUser, http.MethodGet, "user", 403},
		{"IsAdminUser: staff", permissions.IsAdminUser, http.MethodGet, "staff", 200},
		{"Or(IsAdminUser, read-only): user POST", permissions.Or(permissions.IsAdminUser, readOnly), http.MethodPost, "user", 403},
		{"Or(IsAdminUser, read-only): anonymous POST", permissions.Or(permissions.IsAdminUser, readOnly), http.MethodPost, "", 401},
		{"Not(IsAuthenticated): user", permissions.Not(permissions.IsAuthenticated), http.MethodGet, "user", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := &Thing{APIView: rest.APIView{Authenticators: []rest.Authenticator{staffAuth{}}, Permissions: []rest.Permission{tt.perm}}}
			req := httptest.NewRequest(tt.method, "/", nil)
			if tt.user != "" {
				req.Header.Set("X-User", tt.user)
			}
			rec := httptest.NewRecorder()
			rest.NewHandler(view, rest.Defaults{}).ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d (body %s)", rec.Code, tt.want, rec.Body)
			}
		})
	}
}

// Classes are the permissions DEFAULT_PERMISSION_CLASSES may name, by DRF's class names
// (case and module path as DRF's: urls.Classes reports any other name as unknown).
func TestClasses(t *testing.T) {
	classes := permissions.Classes()
	// Identify each by its behaviour: anonymous GET, anonymous POST, user POST, staff POST.
	type sig [4]bool
	of := func(p rest.Permission) sig {
		return sig{
			p.HasPermission(request(http.MethodGet, rest.AnonymousUser{}), nil),
			p.HasPermission(request(http.MethodPost, rest.AnonymousUser{}), nil),
			p.HasPermission(request(http.MethodPost, user{}), nil),
			p.HasPermission(request(http.MethodPost, user{staff: true}), nil),
		}
	}
	want := map[string]sig{
		"IsAuthenticatedOrReadOnly": {true, false, true, true},
		"IsAdminUser":               {false, false, false, true},
		"AllowAny":                  {true, true, true, true},
		"IsAuthenticated":           {false, false, true, true},
	}
	if len(classes) != len(want) {
		t.Errorf("%d classes, want %d", len(classes), len(want))
	}
	for name, w := range want {
		p, ok := classes[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if of(p) != w {
			t.Errorf("%s behaves as %v, want %v", name, of(p), w)
		}
	}
	for _, name := range []string{"isauthenticated", "rest_framework.permissions.IsAuthenticated", ""} {
		if _, ok := classes[name]; ok {
			t.Errorf("%q is a class", name)
		}
	}
	classes["IsOwner"] = permissions.IsAdminUser
	if _, ok := permissions.Classes()["IsOwner"]; ok {
		t.Error("Classes returned a shared map: an application's additions leak")
	}
}
