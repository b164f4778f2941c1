package tests

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"ginrest/generics"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/routers"
	"ginrest/serializers"
	"ginrest/settings"
	"ginrest/urls"
	"ginrest/viewsets"
)

// noteViewSet is a ModelViewSet of notes over the app's database.
func noteViewSet(s *server) *viewsets.Model[models.Note] {
	return &viewsets.Model[models.Note]{GenericAPIView: noteView(s)}
}

func routeTable(routes []routers.Route) string {
	var b strings.Builder
	for _, r := range routes {
		fmt.Fprintf(&b, "%s %s\n", r.Path, r.Name)
	}
	return b.String()
}

func TestRouterPathsAndNames(t *testing.T) {
	s := newServer(t)
	handle := func(*rest.Request, *generics.GenericAPIView[models.Note]) (*rest.Response, error) {
		return rest.OK(nil), nil
	}
	vs := noteViewSet(s)
	vs.ExtraActions = []viewsets.ExtraAction[models.Note]{
		{Name: "set_done", Detail: true, Methods: []string{"post"}, Handle: handle},
		{Name: "recent_ones", Handle: handle},
		{Name: "export", URLPath: "export/csv", URLName: "csv", Handle: handle},
	}
	readOnly := noteViewSet(s)
	readOnly.Actions = []viewsets.Action{viewsets.List, viewsets.Retrieve}
	readOnly.LookupURLKwarg = "note_id"
	detailOnly := noteViewSet(s)
	detailOnly.Actions = []viewsets.Action{viewsets.Retrieve}

	router := routers.NewDefault("api")
	router.Register("/notes/", vs, "")
	router.Register("archive", readOnly, "archived-note")
	router.Register("single", detailOnly, "single")
	want := `/api/notes/ note-list
/api/notes/recent_ones/ note-recent-ones
/api/notes/export/csv/ note-csv
/api/notes/:pk/ note-detail
/api/notes/:pk/set_done/ note-set-done
/api/archive/ archived-note-list
/api/archive/:note_id/ archived-note-detail
/api/single/:pk/ single-detail
/api/ api-root
`
	if got := routeTable(router.URLs()); got != want {
		t.Errorf("DefaultRouter:\n%s\nwant\n%s", got, want)
	}
	simple := routers.NewSimple("/v1/")
	simple.Register("notes", readOnly, "")
	if got := routeTable(simple.URLs()); got != "/v1/notes/ note-list\n/v1/notes/:note_id/ note-detail\n" {
		t.Errorf("SimpleRouter:\n%s", got)
	}

	// The app's table has the demo's routes.
	var table []string
	for _, r := range s.App.Routes {
		table = append(table, r.Path+" "+r.Name)
	}
	for _, want := range []string{"/api/notes/ note-list", "/api/notes/mine/ note-mine", "/api/notes/:pk/ note-detail",
		"/api/notes/:pk/toggle/ note-toggle", "/api/ api-root"} {
		if !strings.Contains(strings.Join(table, "\n"), want) {
			t.Errorf("urls.Patterns lacks %q", want)
		}
	}
}

func TestRouterRefusesMistakes(t *testing.T) {
	s := newServer(t)
	panics := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	panics("a basename twice", func() {
		r := routers.NewDefault("/api/")
		r.Register("notes", noteViewSet(s), "")
		r.Register("others", noteViewSet(s), "")
	})
	panics("an extra action without a handler", func() {
		vs := noteViewSet(s)
		vs.ExtraActions = []viewsets.ExtraAction[models.Note]{{Name: "nothing"}}
		vs.Routes()
	})
	panics("an extra action with a method no handler can have", func() {
		vs := noteViewSet(s)
		vs.ExtraActions = []viewsets.ExtraAction[models.Note]{{Name: "trace", Methods: []string{"TRACE"},
			Handle: func(*rest.Request, *generics.GenericAPIView[models.Note]) (*rest.Response, error) { return nil, nil }}}
		vs.Routes()
	})
}

func TestAPIRoot(t *testing.T) {
	// api.example.org is allowed too, for the links of a request to another host.
	s := newServer(t, func(st *settings.Settings) { st.AllowedHosts = append(st.AllowedHosts, "api.example.org") })
	// The project's root lists notes, and whatever `startapp` adds after it: only the notes
	// entry is checked here; the exact listing is checked on a router of the test's own below.
	root := s.get(nil, "/api/")
	if root.Code != 200 || bodyMap(t, root)["notes"] != "http://example.com/api/notes/" {
		t.Errorf("/api/: %d %s", root.Code, root.Body)
	}
	// The links are the host and scheme the request came to.
	r := httptest.NewRequest(http.MethodGet, "https://api.example.org:8443/api/", nil)
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, r)
	if rec.Code != 200 || bodyMap(t, rec)["notes"] != "https://api.example.org:8443/api/notes/" {
		t.Errorf("/api/ over https: %d %s", rec.Code, rec.Body)
	}
	// /api redirects to /api/, as Django's APPEND_SLASH does.
	if rec := s.get(nil, "/api"); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/api/" {
		t.Errorf("/api: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	rec = s.send(nil, http.MethodPost, "/api/", "{}")
	assertJSON(t, rec, 405, `{"detail": "Method \"POST\" not allowed."}`)
	if rec.Header().Get("Allow") != "GET, HEAD, OPTIONS" {
		t.Errorf("Allow = %q", rec.Header().Get("Allow"))
	}
	if got := bodyMap(t, s.send(nil, http.MethodOptions, "/api/", ""))["name"]; got != "Api Root" {
		t.Errorf("OPTIONS name = %v", got)
	}

	// Only viewsets with a list are listed, in registration order.
	detailOnly := noteViewSet(s)
	detailOnly.Actions = []viewsets.Action{viewsets.Retrieve}
	router := routers.NewDefault("/v2/")
	router.Register("zebras", noteViewSet(s), "zebra")
	router.Register("single", detailOnly, "single")
	router.Register("apples", noteViewSet(s), "apple")
	m := s.mounted(urls.Include(router.URLs())...)
	rec = m.get(nil, "/v2/")
	if rec.Body.String() != `{"zebras":"http://example.com/v2/zebras/","apples":"http://example.com/v2/apples/"}` {
		t.Errorf("root: %s", rec.Body)
	}
}

func TestViewSetAllowHeaders(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	n := s.addNote(alice.User, "n", "", false)
	readOnly := noteViewSet(s)
	readOnly.Actions = []viewsets.Action{viewsets.List, viewsets.Retrieve}
	writeOnly := noteViewSet(s)
	writeOnly.Actions = []viewsets.Action{viewsets.Create, viewsets.PartialUpdate, viewsets.Destroy}
	router := routers.NewSimple("/")
	router.Register("all", noteViewSet(s), "all")
	router.Register("ro", readOnly, "ro")
	router.Register("wo", writeOnly, "wo")
	m := s.mounted(urls.Include(router.URLs())...)
	id := fmt.Sprint(n.ID)
	tests := []struct {
		path, allow string
		refused     string // a method it must refuse
	}{
		{"/all/", "GET, POST, HEAD, OPTIONS", "PUT"},
		{"/all/" + id + "/", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS", "POST"},
		{"/ro/", "GET, HEAD, OPTIONS", "POST"},
		{"/ro/" + id + "/", "GET, HEAD, OPTIONS", "DELETE"},
		{"/wo/", "POST, OPTIONS", "GET"},
		{"/wo/" + id + "/", "PATCH, DELETE, OPTIONS", "PUT"},
	}
	for _, tt := range tests {
		rec := m.send(alice, tt.refused, tt.path, `{"title": "x"}`)
		assertJSON(t, rec, 405, fmt.Sprintf(`{"detail": "Method \"%s\" not allowed."}`, tt.refused))
		if got := rec.Header().Get("Allow"); got != tt.allow {
			t.Errorf("%s: Allow %q, want %q", tt.path, got, tt.allow)
		}
		if got := m.send(alice, http.MethodOptions, tt.path, "").Header().Get("Allow"); got != tt.allow {
			t.Errorf("%s OPTIONS: Allow %q, want %q", tt.path, got, tt.allow)
		}
	}
}

// summary renders notes without their body: a list's serializer.
type summary struct {
	*serializers.Serializer[models.Note]
}

func (s summary) Represent(n *models.Note) serializers.Data {
	d := s.Serializer.Represent(n)
	d.Delete("body")
	return d
}

// actionRecorder is a permission that records the action of each request it sees.
type actionRecorder struct {
	mu      *sync.Mutex
	actions *[]string
}

func (p actionRecorder) HasPermission(r *rest.Request, view any) bool {
	if v, ok := view.(interface {
		Action(*rest.Request) viewsets.Action
	}); ok {
		p.mu.Lock()
		*p.actions = append(*p.actions, r.HTTP.Method+"="+string(v.Action(r)))
		p.mu.Unlock()
	}
	return true
}
func (actionRecorder) HasObjectPermission(*rest.Request, any, any) bool { return true }

func TestViewSetPerActionPermissionsAndSerializers(t *testing.T) {
	s := newServer(t)
	alice, admin := s.apiUser("alice"), s.apiUser("admin", staff)
	n := s.addNote(alice.User, "n", "the body", false)
	var seen []string
	recorder := actionRecorder{mu: &sync.Mutex{}, actions: &seen}
	vs := noteViewSet(s)
	vs.Permissions = []rest.Permission{recorder, permissions.IsAuthenticated}
	vs.ActionPermissions = func(a viewsets.Action) []rest.Permission {
		switch a {
		case viewsets.Destroy:
			return []rest.Permission{recorder, permissions.IsAdminUser}
		case viewsets.Metadata:
			return []rest.Permission{recorder, permissions.AllowAny}
		}
		return nil
	}
	vs.ActionSerializer = func(a viewsets.Action) generics.Serializer[models.Note] {
		if a == viewsets.List {
			return summary{serializers.NewModel[models.Note](s.App.DB)}
		}
		return nil
	}
	vs.ExtraActions = []viewsets.ExtraAction[models.Note]{{
		Name: "count", Permissions: []rest.Permission{recorder, permissions.AllowAny},
		Handle: func(r *rest.Request, v *generics.GenericAPIView[models.Note]) (*rest.Response, error) {
			var count int64
			if err := v.Query(r).Count(&count).Error; err != nil {
				return nil, err
			}
			return rest.OK(map[string]int64{"count": count}), nil
		},
	}}
	router := routers.NewSimple("/vs/")
	router.Register("notes", vs, "")
	m := s.mounted(urls.Include(router.URLs())...)
	detail := fmt.Sprintf("/vs/notes/%d/", n.ID)

	// The list's serializer has no body; retrieve's does.
	p := pageOf(t, m.get(alice, "/vs/notes/"))
	if _, has := p.Results[0]["body"]; has || p.Results[0]["title"] != "n" {
		t.Errorf("list item: %v", p.Results[0])
	}
	if got := bodyMap(t, m.get(alice, detail)); got["body"] != "the body" {
		t.Errorf("retrieve: %v", got)
	}
	// destroy is for staff; the other actions for any signed-in user.
	assertJSON(t, m.send(alice, http.MethodDelete, detail, ""), 403, `{"detail": "You do not have permission to perform this action."}`)
	assertJSON(t, m.get(nil, "/vs/notes/"), 401, `{"detail": "Authentication credentials were not provided."}`)
	// The extra action's own permissions let anyone count.
	assertJSON(t, m.get(nil, "/vs/notes/count/"), 200, `{"count": 1}`)
	// OPTIONS (metadata) is open, and describes only what the caller may do.
	if got := bodyMap(t, m.send(nil, http.MethodOptions, "/vs/notes/", "")); got["actions"] != nil {
		t.Errorf("anonymous OPTIONS lists actions: %v", got["actions"])
	}
	if got := bodyMap(t, m.send(alice, http.MethodOptions, "/vs/notes/", "")); got["actions"] == nil {
		t.Errorf("alice's OPTIONS lists no actions: %v", got)
	}
	if rec := m.send(admin, http.MethodDelete, detail, ""); rec.Code != 204 {
		t.Errorf("admin destroy: %d %s", rec.Code, rec.Body)
	}
	// OPTIONS is checked as metadata, then each method it describes as that method's action.
	want := []string{"GET=list", "GET=retrieve", "DELETE=destroy", "GET=list", "GET=count",
		"OPTIONS=metadata", "POST=create", "OPTIONS=metadata", "POST=create", "DELETE=destroy"}
	if got := strings.Join(seen, " "); got != strings.Join(want, " ") {
		t.Errorf("actions seen by permissions: %s\nwant %s", got, strings.Join(want, " "))
	}
}
