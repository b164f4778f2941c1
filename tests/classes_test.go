package tests

import (
	"net/http"
	"strings"
	"testing"

	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/throttling"
	"ginrest/urls"
)

// Every class name in the settings is resolved in one place, urls.Classes: an unknown one,
// or one whose rate is missing, stops NewApp naming the setting and the known classes.
func TestUnknownClassesStopTheApp(t *testing.T) {
	cases := []struct {
		name   string
		change func(*settings.Settings)
		want   []string
	}{
		{"authentication", func(s *settings.Settings) { s.REST.DefaultAuthenticationClasses = []string{"SessionAuthentication"} },
			[]string{`DEFAULT_AUTHENTICATION_CLASSES has unknown class "SessionAuthentication"`, "JWTAuthentication, JWTStatelessUserAuthentication"}},
		{"permission", func(s *settings.Settings) { s.REST.DefaultPermissionClasses = []string{"IsOwner"} },
			[]string{`DEFAULT_PERMISSION_CLASSES has unknown class "IsOwner"`, "AllowAny, IsAdminUser"}},
		{"throttle", func(s *settings.Settings) { s.REST.DefaultThrottleClasses = []string{"BurstRateThrottle"} },
			[]string{`DEFAULT_THROTTLE_CLASSES has unknown class "BurstRateThrottle"`, "AnonRateThrottle"}},
		{"throttle without its rate", func(s *settings.Settings) { s.REST.DefaultThrottleClasses = []string{"AnonRateThrottle"} },
			[]string{`DEFAULT_THROTTLE_CLASSES has AnonRateThrottle: THROTTLE_RATES has no rate for scope "anon"`}},
		{"paginator", func(s *settings.Settings) { s.REST.DefaultPaginationClass = "myapp.pagination.Custom" },
			[]string{`DEFAULT_PAGINATION_CLASS has unknown class "myapp.pagination.Custom"`, "CursorPagination"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := testSettings()
			c.change(st)
			_, err := urls.NewApp(st, testDB(t), urls.Options{Logger: discardLogger()})
			for _, w := range c.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("NewApp error = %v, want one containing %q", err, w)
				}
			}
		})
	}
}

// An application registers its own classes by name, as DRF imports any dotted path, and
// names them in the settings like DRF's own.
func TestApplicationClassesByName(t *testing.T) {
	classes := urls.DefaultClasses()
	classes.Permissions["IsStaffOrReadOnly"] = permissions.Or(permissions.IsAdminUser, rest.PermissionFunc(
		func(r *rest.Request, _ any) bool { return r.HTTP.Method == http.MethodGet }))
	classes.Throttles["BurstRateThrottle"] = func(b *throttling.Backend) (rest.Throttle, error) {
		t := b.User()
		t.Scope = "burst"
		return t, nil
	}
	st := testSettings()
	st.REST.DefaultPermissionClasses = []string{"IsStaffOrReadOnly"}
	st.REST.DefaultThrottleClasses = []string{"BurstRateThrottle"}
	st.ThrottleRates = map[string]string{"burst": "2/min"}
	app, err := urls.NewApp(st, testDB(t), urls.Options{Logger: discardLogger(), Classes: classes})
	if err != nil {
		t.Fatalf("NewApp with application classes: %v", err)
	}
	t.Cleanup(func() { app.Close() })
	s := &server{t: t, App: app, Handler: app.Handler()}
	s.createUser("alice", "wonderland-42")
	access, _ := s.login("alice", "wonderland-42")
	// IsStaffOrReadOnly: a user reads the protected view, two times a minute (burst).
	for i, want := range []int{200, 200, 429} {
		if rec := s.getWith("/api/protected/", access); rec.Code != want {
			t.Errorf("GET %d: %d %s, want %d", i+1, rec.Code, rec.Body, want)
		}
	}
}
