package tests

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/filters"
	"ginrest/generics"
	"ginrest/models"
	"ginrest/pagination"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/urls"
)

// mounted is the server with routes of a test's own mounted by the app, as urls.Patterns'
// are (defaults, checks); users still log in through s.
func (s *server) mounted(routes ...urls.Route) *server {
	s.t.Helper()
	m := *s
	m.Handler = s.App.Mount(routes)
	return &m
}

// noteView is a GenericAPIView of notes over the app's database.
func noteView(s *server) generics.GenericAPIView[models.Note] {
	return generics.GenericAPIView[models.Note]{DB: s.App.DB, Serializer: serializers.NewModel[models.Note](s.App.DB),
		PerformCreate: func(r *rest.Request, v *serializers.Validated[models.Note]) (*models.Note, error) {
			v.Value.OwnerID = r.User.(*models.User).ID
			v.Value.Created = s.Clock.Now().UTC()
			return serializers.NewModel[models.Note](s.App.DB).Create(r.Context(), v)
		}}
}

func TestGenericViewsAnswerTheirMethods(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	const list, detail = "/g/notes/", "/g/notes/:pk/"
	tests := []struct {
		name  string
		path  string
		view  func() rest.View
		allow string
	}{
		{"ListCreate", list, func() rest.View { return &generics.ListCreate[models.Note]{GenericAPIView: noteView(s)} }, "GET, POST, HEAD, OPTIONS"},
		{"List", list, func() rest.View { return &generics.List[models.Note]{GenericAPIView: noteView(s)} }, "GET, HEAD, OPTIONS"},
		{"Create", list, func() rest.View { return &generics.Create[models.Note]{GenericAPIView: noteView(s)} }, "POST, OPTIONS"},
		{"Retrieve", detail, func() rest.View { return &generics.Retrieve[models.Note]{GenericAPIView: noteView(s)} }, "GET, HEAD, OPTIONS"},
		{"Update", detail, func() rest.View { return &generics.Update[models.Note]{GenericAPIView: noteView(s)} }, "PUT, PATCH, OPTIONS"},
		{"Destroy", detail, func() rest.View { return &generics.Destroy[models.Note]{GenericAPIView: noteView(s)} }, "DELETE, OPTIONS"},
		{"RetrieveUpdate", detail, func() rest.View { return &generics.RetrieveUpdate[models.Note]{GenericAPIView: noteView(s)} }, "GET, PUT, PATCH, HEAD, OPTIONS"},
		{"RetrieveDestroy", detail, func() rest.View { return &generics.RetrieveDestroy[models.Note]{GenericAPIView: noteView(s)} }, "GET, DELETE, HEAD, OPTIONS"},
		{"RetrieveUpdateDestroy", detail, func() rest.View {
			return &generics.RetrieveUpdateDestroy[models.Note]{GenericAPIView: noteView(s)}
		}, "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"},
	}
	// What each method answers when the view has it.
	success := map[string]int{"GET": 200, "POST": 201, "PUT": 200, "PATCH": 200, "DELETE": 204, "HEAD": 200}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := s.mounted(urls.Route{Path: tt.path, Name: "g", View: tt.view()})
			for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} {
				path := strings.Replace(tt.path, ":pk", fmt.Sprint(s.addNote(alice.User, "n", "", false).ID), 1)
				rec := m.send(alice, method, path, `{"title": "written"}`)
				if got := rec.Header().Get("Allow"); got != tt.allow {
					t.Errorf("%s: Allow = %q, want %q", method, got, tt.allow)
				}
				want := http.StatusMethodNotAllowed
				if strings.Contains(tt.allow, method) {
					want = success[method]
				}
				if rec.Code != want {
					t.Errorf("%s %s: %d %s, want %d", method, path, rec.Code, rec.Body, want)
				}
				if want == 405 && method != "HEAD" {
					assertJSON(t, rec, 405, fmt.Sprintf(`{"detail": "Method \"%s\" not allowed."}`, method))
				}
			}
		})
	}
}

func TestGenericLookupFieldAndParam(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	s.addNote(alice.User, "by-title", "found", false)
	byTitle := noteView(s)
	byTitle.LookupField = "title"
	bySlug := noteView(s)
	bySlug.LookupField, bySlug.LookupURLKwarg = "title", "slug"
	m := s.mounted(
		urls.Route{Path: "/t/:title/", Name: "t", View: &generics.Retrieve[models.Note]{GenericAPIView: byTitle}},
		urls.Route{Path: "/s/:slug/", Name: "s", View: &generics.Retrieve[models.Note]{GenericAPIView: bySlug}},
	)
	for _, path := range []string{"/t/by-title/", "/s/by-title/"} {
		if rec := m.get(alice, path); rec.Code != 200 || bodyMap(t, rec)["body"] != "found" {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	for _, path := range []string{"/t/nope/", "/s/%27%20OR%201%3D1%20--/", "/s/%00/", "/t/%FF/"} {
		assertJSON(t, m.get(alice, path), 404, `{"detail": "Not found."}`)
	}
	if got := bySlug.LookupParam(); got != "slug" {
		t.Errorf("LookupParam = %q", got)
	}
}

func TestGenericQuerysetNarrowsListsAndLookups(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	mineOnly := noteView(s)
	mineOnly.Queryset = func(r *rest.Request, q *gorm.DB) *gorm.DB {
		return q.Where("owner_id = ?", r.User.(*models.User).ID)
	}
	mineOnly.Permissions = []rest.Permission{permissions.IsAuthenticated}
	m := s.mounted(
		urls.Route{Path: "/mine/", Name: "l", View: &generics.ListCreate[models.Note]{GenericAPIView: mineOnly}},
		urls.Route{Path: "/mine/:pk/", Name: "d", View: &generics.RetrieveUpdateDestroy[models.Note]{GenericAPIView: mineOnly}},
	)
	a := s.addNote(alice.User, "alice's", "", false)
	s.addNote(bob.User, "bob's", "", false)
	if p := pageOf(t, m.get(alice, "/mine/")); strings.Join(titles(p.Results), ",") != "alice's" {
		t.Errorf("alice's list: %v", titles(p.Results))
	}
	path := fmt.Sprintf("/mine/%d/", a.ID)
	for _, method := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		assertJSON(t, m.send(bob, method, path, `{"title": "stolen"}`), 404, `{"detail": "Not found."}`)
	}
	if rec := m.get(alice, path); rec.Code != 200 {
		t.Errorf("alice reads hers: %d", rec.Code)
	}
}

func TestGenericHooksReplaceTheWrites(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	var calls []string
	v := noteView(s)
	create := v.PerformCreate
	v.PerformCreate = func(r *rest.Request, val *serializers.Validated[models.Note]) (*models.Note, error) {
		calls = append(calls, "create")
		val.Value.Body = "set by the view"
		return create(r, val)
	}
	v.PerformUpdate = func(r *rest.Request, obj *models.Note, val *serializers.Validated[models.Note]) error {
		calls = append(calls, "update")
		if val.Value.Title == "refuse" {
			return rest.ValidationError(map[string]any{"title": []string{"Not this one."}})
		}
		return v.Serializer.Update(r.Context(), obj, val)
	}
	v.PerformDestroy = func(r *rest.Request, obj *models.Note) error { // a soft delete
		calls = append(calls, "destroy")
		return s.App.DB.Model(obj).Update("done", true).Error
	}
	m := s.mounted(
		urls.Route{Path: "/h/", Name: "l", View: &generics.ListCreate[models.Note]{GenericAPIView: v}},
		urls.Route{Path: "/h/:pk/", Name: "d", View: &generics.RetrieveUpdateDestroy[models.Note]{GenericAPIView: v}},
	)
	rec := m.send(alice, http.MethodPost, "/h/", `{"title": "t", "body": "from the client"}`)
	if got := bodyMap(t, rec); rec.Code != 201 || got["body"] != "set by the view" {
		t.Errorf("create: %d %v", rec.Code, got)
	}
	assertJSON(t, m.send(alice, http.MethodPatch, "/h/1/", `{"title": "refuse"}`), 400, `{"title": ["Not this one."]}`)
	if rec := m.send(alice, http.MethodDelete, "/h/1/", ""); rec.Code != 204 {
		t.Errorf("destroy: %d", rec.Code)
	}
	if rec := m.get(alice, "/h/1/"); rec.Code != 200 || bodyMap(t, rec)["done"] != true {
		t.Errorf("after the soft delete: %d %s", rec.Code, rec.Body)
	}
	if got := strings.Join(calls, ","); got != "create,update,destroy" {
		t.Errorf("hooks called: %s", got)
	}
}

// ownerOnly refuses every object but the caller's, with a message of its own.
type ownerOnly struct{}

func (ownerOnly) HasPermission(*rest.Request, any) bool { return true }
func (ownerOnly) HasObjectPermission(r *rest.Request, _ any, obj any) bool {
	return obj.(*models.Note).IsOwnedBy(r.User)
}
func (ownerOnly) Message() string { return "Only the author may see this note." }

func TestGenericObjectPermissions401Or403(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	n := s.addNote(alice.User, "private", "", false)
	withAuth := noteView(s)
	withAuth.Permissions = []rest.Permission{ownerOnly{}}
	withoutAuth := withAuth
	withoutAuth.Authenticators = []rest.Authenticator{}
	m := s.mounted(
		urls.Route{Path: "/a/:pk/", Name: "a", View: &generics.Retrieve[models.Note]{GenericAPIView: withAuth}},
		urls.Route{Path: "/n/:pk/", Name: "n", View: &generics.Retrieve[models.Note]{GenericAPIView: withoutAuth}},
	)
	id := fmt.Sprint(n.ID)
	assertJSON(t, m.get(bob, "/a/"+id+"/"), 403, `{"detail": "Only the author may see this note."}`)
	rec := m.get(nil, "/a/"+id+"/")
	assertJSON(t, rec, 401, `{"detail": "Authentication credentials were not provided."}`)
	if rec.Header().Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	// No authenticators: nobody could have authenticated, so a refusal is 403 (DRF's rule).
	assertJSON(t, m.get(nil, "/n/"+id+"/"), 403, `{"detail": "Only the author may see this note."}`)
	if rec := m.get(alice, "/a/"+id+"/"); rec.Code != 200 {
		t.Errorf("the author: %d", rec.Code)
	}
}

func TestGenericPaginationNoneListsEverything(t *testing.T) {
	s := newServer(t) // PageNumberPagination by default
	alice := s.apiUser("alice")
	for i := range 3 {
		s.addNote(alice.User, fmt.Sprint("n", i), "", false)
	}
	v := noteView(s)
	v.Pagination = pagination.None
	v.Filters = []filters.Backend{filters.Ordering{Fields: []string{"title"}, Default: []string{"-title"}}}
	m := s.mounted(urls.Route{Path: "/all/", Name: "all", View: &generics.List[models.Note]{GenericAPIView: v}})
	rec := m.get(alice, "/all/")
	var items []map[string]any
	mustJSON(t, rec.Body.Bytes(), &items)
	if got := strings.Join(titles(items), ","); rec.Code != 200 || got != "n2,n1,n0" {
		t.Errorf("unpaginated: %d %s", rec.Code, rec.Body)
	}
	// An empty list is [], not null.
	s.App.DB.Where("1 = 1").Delete(&models.Note{})
	if rec := m.get(alice, "/all/"); rec.Body.String() != "[]" {
		t.Errorf("empty: %s", rec.Body)
	}
}

func TestGenericDeclarationMistakesStopAtMount(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name   string
		change func(v *generics.GenericAPIView[models.Note])
		want   string
	}{
		{"no database", func(v *generics.GenericAPIView[models.Note]) { v.DB = nil }, "DB is nil"},
		{"no serializer", func(v *generics.GenericAPIView[models.Note]) { v.Serializer = nil }, "Serializer is nil"},
		{"unknown lookup", func(v *generics.GenericAPIView[models.Note]) { v.LookupField = "slug" }, `LookupField "slug"`},
		{"exact on a field the serializer lacks", func(v *generics.GenericAPIView[models.Note]) {
			v.Filters = []filters.Backend{filters.Exact{Fields: []string{"owner_id"}}}
		}, `no field "owner_id"`},
		{"search with @", func(v *generics.GenericAPIView[models.Note]) {
			v.Filters = []filters.Backend{filters.Search{Fields: []string{"@body"}}}
		}, "not supported"},
		{"ordering default unknown", func(v *generics.GenericAPIView[models.Note]) {
			v.Filters = []filters.Backend{filters.Ordering{Fields: []string{"title"}, Default: []string{"-updated"}}}
		}, `Default "-updated"`},
		{"cursor ordering unknown", func(v *generics.GenericAPIView[models.Note]) {
			v.Pagination = &pagination.Cursor{PageSize: 2, Ordering: "-updated"}
		}, `Ordering "-updated"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := noteView(s)
			tt.change(&v)
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = errors.New(fmt.Sprint(p))
					}
				}()
				s.App.Mount([]urls.Route{{Path: "/x/", Name: "x", View: &generics.List[models.Note]{GenericAPIView: v}}})
				return nil
			}()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Mount: %v, want a panic containing %q", err, tt.want)
			}
		})
	}
}

// A generic view served by rest.NewHandler with the app's defaults, without the router,
// gets the default paginator too: NewHandler is the one place defaults are applied.
func TestNewHandlerAppliesEveryDefault(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	s.addNote(alice.User, "n", "", false)
	h := rest.NewHandler(&generics.List[models.Note]{GenericAPIView: noteView(s)}, s.App.Defaults)
	m := *s
	m.Handler = h
	rec := m.get(alice, "/anywhere/")
	if p := pageOf(t, rec); rec.Code != 200 || p.Count == nil || *p.Count != 1 {
		t.Errorf("%d %s: want a page of one note (PageNumberPagination, the default)", rec.Code, rec.Body)
	}
}

// mineNote is a note with a SerializerMethodField that needs the request.
type mineNote struct {
	models.Note
	Mine bool `json:"mine" gorm:"-" drf:"method"`
}

func (n *mineNote) GetMine(c *serializers.Context) (any, error) {
	u, ok := c.Request.User.(*models.User)
	return ok && u.ID == n.OwnerID, nil
}

// TestGenericMethodFieldsSeeTheRequest: generic views render with the request's context,
// so a method field (DRF's get_<field> reading self.context["request"]) sees who asks.
func TestGenericMethodFieldsSeeTheRequest(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	v := generics.GenericAPIView[mineNote]{DB: s.App.DB, Serializer: serializers.NewModel[mineNote](s.App.DB),
		PerformCreate: func(r *rest.Request, val *serializers.Validated[mineNote]) (*mineNote, error) {
			val.Value.OwnerID = r.User.(*models.User).ID
			val.Value.Created = s.Clock.Now().UTC()
			return serializers.NewModel[mineNote](s.App.DB).Create(r.Context(), val)
		}}
	m := s.mounted(
		urls.Route{Path: "/m/", Name: "l", View: &generics.ListCreate[mineNote]{GenericAPIView: v}},
		urls.Route{Path: "/m/:pk/", Name: "d", View: &generics.Retrieve[mineNote]{GenericAPIView: v}},
	)
	rec := m.send(alice, http.MethodPost, "/m/", `{"title": "t", "mine": false}`)
	if got := bodyMap(t, rec); rec.Code != 201 || got["mine"] != true {
		t.Fatalf("create: %d %v", rec.Code, got)
	}
	if got := bodyMap(t, m.get(alice, "/m/1/")); got["mine"] != true {
		t.Errorf("alice: %v", got)
	}
	if got := bodyMap(t, m.get(bob, "/m/1/")); got["mine"] != false {
		t.Errorf("bob: %v", got)
	}
}
