package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"ginrest/rest"
	"ginrest/schema"
	"ginrest/settings"
	"ginrest/urls"
	"ginrest/versioning"
)

// whatVersion tells the request's version and the scheme that found it, as a DRF view
// reads request.version and request.versioning_scheme.
type whatVersion struct{ rest.APIView }

var _ rest.Getter = (*whatVersion)(nil)

func (*whatVersion) Get(r *rest.Request) (*rest.Response, error) {
	scheme := "none"
	switch r.VersioningScheme.(type) {
	case versioning.URLPath:
		scheme = "URLPathVersioning"
	case versioning.AcceptHeader:
		scheme = "AcceptHeaderVersioning"
	}
	return rest.OK(map[string]string{"version": r.Version, "scheme": scheme}), nil
}

// versionRoutes mount whatVersion with and without the version in the path.
func versionRoutes(param string) []urls.Route {
	return []urls.Route{
		{Path: "/api/:" + param + "/whatversion/", Name: "whatversion", View: &whatVersion{}},
		{Path: "/api/whatversion/", Name: "whatversion-unversioned", View: &whatVersion{}},
	}
}

func versioningSettings(class, def string, allowed ...string) func(*settings.Settings) {
	return func(s *settings.Settings) {
		s.REST.DefaultVersioningClass = class
		s.REST.DefaultVersion = def
		s.REST.AllowedVersions = allowed
	}
}

// DRF's URLPathVersioning and AcceptHeaderVersioning, selected by
// DEFAULT_VERSIONING_CLASS: the version a view sees, DRF's refusals of a version not in
// ALLOWED_VERSIONS, and the views that name none.
func TestVersioning(t *testing.T) {
	const (
		urlPath = "URLPathVersioning"
		accept  = "AcceptHeaderVersioning"
	)
	cases := []struct {
		name   string
		change func(*settings.Settings)
		param  string
		path   string
		accept string
		status int
		body   string
	}{
		{"URL path: a version", versioningSettings(urlPath, "1.0", "1.0", "2.0"), "version", "/api/2.0/whatversion/", "", 200,
			`{"version":"2.0","scheme":"URLPathVersioning"}`},
		{"URL path: DRF's module path", versioningSettings("rest_framework.versioning.URLPathVersioning", "1.0", "1.0", "2.0"), "version", "/api/1.0/whatversion/", "", 200,
			`{"version":"1.0","scheme":"URLPathVersioning"}`},
		{"URL path: a version not allowed", versioningSettings(urlPath, "1.0", "1.0", "2.0"), "version", "/api/3.0/whatversion/", "", 404,
			`{"detail":"Invalid version in URL path."}`},
		{"URL path: none in the route gives the default", versioningSettings(urlPath, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", "", 200,
			`{"version":"1.0","scheme":"URLPathVersioning"}`},
		{"URL path: the default need not be listed", versioningSettings(urlPath, "0.9", "1.0"), "version", "/api/0.9/whatversion/", "", 200,
			`{"version":"0.9","scheme":"URLPathVersioning"}`},
		{"URL path: no default and none in the route", versioningSettings(urlPath, "", "1.0"), "version", "/api/whatversion/", "", 404,
			`{"detail":"Invalid version in URL path."}`},
		{"URL path: any version when none are listed", versioningSettings(urlPath, ""), "version", "/api/v7/whatversion/", "", 200,
			`{"version":"v7","scheme":"URLPathVersioning"}`},
		{"URL path: VERSION_PARAM", func(s *settings.Settings) { versioningSettings(urlPath, "", "1.0")(s); s.REST.VersionParam = "v" },
			"v", "/api/1.0/whatversion/", "", 200, `{"version":"1.0","scheme":"URLPathVersioning"}`},
		{"Accept: a version", versioningSettings(accept, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", "application/json; version=2.0", 200,
			`{"version":"2.0","scheme":"AcceptHeaderVersioning"}`},
		{"Accept: quoted, any case", versioningSettings(accept, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", `Application/JSON;Version="2.0"`, 200,
			`{"version":"2.0","scheme":"AcceptHeaderVersioning"}`},
		{"Accept: none gives the default", versioningSettings(accept, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", "", 200,
			`{"version":"1.0","scheme":"AcceptHeaderVersioning"}`},
		{"Accept: */* gives the default", versioningSettings(accept, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", "*/*", 200,
			`{"version":"1.0","scheme":"AcceptHeaderVersioning"}`},
		{"Accept: the most specific range decides", versioningSettings(accept, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", "*/*; version=1.0, application/json; version=2.0", 200,
			`{"version":"2.0","scheme":"AcceptHeaderVersioning"}`},
		{"Accept: a version not allowed", versioningSettings(accept, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", "application/json; version=3.0", 406,
			`{"detail":"Invalid version in \"Accept\" header."}`},
		{"Accept: negotiation comes first", versioningSettings(accept, "1.0", "1.0", "2.0"), "version", "/api/whatversion/", "application/xml; version=3.0", 406,
			`{"detail":"Could not satisfy the request Accept header."}`},
		{"no versioning: no version", nil, "version", "/api/2.0/whatversion/", "application/json; version=2.0", 200,
			`{"version":"","scheme":"none"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var change []func(*settings.Settings)
			if c.change != nil {
				change = append(change, c.change)
			}
			s := newServer(t, change...)
			s.withViews(versionRoutes(c.param)...)
			r := req{Method: "GET", Path: c.path}
			if c.accept != "" {
				r.Header = map[string]string{"Accept": c.accept}
			}
			assertJSON(t, s.do(r), c.status, c.body)
			// The probes name no version, whatever the settings.
			if rec := s.do(req{Method: "GET", Path: "/healthz"}); rec.Code != 200 {
				t.Errorf("/healthz: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// A view's own Versioning overrides DEFAULT_VERSIONING_CLASS, as DRF's versioning_class;
// rest.NoVersioning opts out.
func TestVersioningPerView(t *testing.T) {
	s := newServer(t, versioningSettings("AcceptHeaderVersioning", "", "1.0"))
	s.withViews(
		urls.Route{Path: "/api/:version/path/", Name: "path", View: &whatVersion{rest.APIView{
			Versioning: versioning.URLPath{Options: versioning.Options{Allowed: []string{"2.0"}, Param: "version"}}}}},
		urls.Route{Path: "/api/none/", Name: "none", View: &whatVersion{rest.APIView{Versioning: rest.NoVersioning{}}}},
	)
	assertJSON(t, s.do(req{Method: "GET", Path: "/api/2.0/path/", Header: map[string]string{"Accept": "application/json; version=9"}}), 200,
		`{"version":"2.0","scheme":"URLPathVersioning"}`)
	assertJSON(t, s.do(req{Method: "GET", Path: "/api/1.0/path/"}), 404, `{"detail":"Invalid version in URL path."}`)
	assertJSON(t, s.do(req{Method: "GET", Path: "/api/none/", Header: map[string]string{"Accept": "application/json; version=9"}}), 200,
		`{"version":"","scheme":"none"}`)
	// The other views get the setting's: version 9 is not allowed.
	assertJSON(t, s.do(req{Method: "GET", Path: "/api/protected/", Header: map[string]string{"Accept": "application/json; version=9"}}), 406,
		`{"detail":"Invalid version in \"Accept\" header."}`)
}

// DEFAULT_VERSIONING_CLASS is resolved in urls.Classes with the others.
func TestVersioningSettings(t *testing.T) {
	st := testSettings()
	st.REST.DefaultVersioningClass = "NamespaceVersioning"
	_, err := urls.NewApp(st, testDB(t), urls.Options{Logger: discardLogger()})
	if err == nil || !strings.Contains(err.Error(), `DEFAULT_VERSIONING_CLASS has unknown class "NamespaceVersioning"`) ||
		!strings.Contains(err.Error(), "AcceptHeaderVersioning, URLPathVersioning") {
		t.Errorf("NewApp error = %v", err)
	}
	env := map[string]string{"DEFAULT_VERSIONING_CLASS": "URLPathVersioning", "DEFAULT_VERSION": "1.0", "ALLOWED_VERSIONS": "1.0,2.0", "VERSION_PARAM": "v"}
	s, err := settings.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if r := s.REST; r.VersioningClass() != "URLPathVersioning" || r.DefaultVersion != "1.0" || strings.Join(r.AllowedVersions, ",") != "1.0,2.0" || r.VersionParam != "v" {
		t.Errorf("REST = %+v", r)
	}
	env["VERSION_PARAM"] = ""
	if _, err := settings.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err == nil || !strings.Contains(err.Error(), "VERSION_PARAM") {
		t.Errorf("empty VERSION_PARAM: %v", err)
	}
}

// The schema shows each version, as drf-spectacular does: URLPathVersioning's path
// parameter is one of the allowed versions, the default first; AcceptHeaderVersioning's
// bodies are also under application/json; version=V.
func TestVersionsInSchema(t *testing.T) {
	t.Run("URLPathVersioning", func(t *testing.T) {
		d := rest.Defaults{Versioning: versioning.URLPath{Options: versioning.Options{Default: "1.0", Allowed: []string{"2.0"}}}}
		doc, err := schema.Generate(schema.Info{Title: "t", Version: "1"},
			[]schema.Endpoint{{Path: "/api/:version/whatversion/", Name: "whatversion", View: &whatVersion{}}}, d)
		if err != nil {
			t.Fatal(err)
		}
		op := doc.Paths.Value("/api/{version}/whatversion/").Get
		p := op.Parameters.GetByInAndName("path", "version")
		if p == nil {
			t.Fatalf("no version parameter: %+v", op.Parameters)
		}
		if got := fmt.Sprintln(p.Schema.Value.Enum, p.Schema.Value.Default); got != "[1.0 2.0] 1.0\n" {
			t.Errorf("version parameter: enum and default %s, want [1.0 2.0] 1.0", got)
		}
	})
	t.Run("AcceptHeaderVersioning", func(t *testing.T) {
		s := newServer(t, versioningSettings("AcceptHeaderVersioning", "1.0", "1.0", "2.0"))
		rec := s.do(req{Method: "GET", Path: "/api/schema/"})
		if rec.Code != 200 {
			t.Fatalf("GET /api/schema/: %d %s", rec.Code, rec.Body)
		}
		doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		notes := doc.Paths.Value("/api/notes/")
		list := notes.Get.Responses.Value("200").Value.Content
		create := notes.Post.RequestBody.Value.Content
		for _, media := range []string{"application/json", "application/json; version=1.0", "application/json; version=2.0"} {
			if list[media] == nil || create[media] == nil {
				t.Errorf("%s: in the list's response %v, in the create's body %v", media, list[media] != nil, create[media] != nil)
			}
		}
		if len(doc.Paths.Value("/api/token/").Post.Responses.Value("401").Value.Content) != 1 {
			t.Error("a shared error response was given version media types")
		}
	})
}
