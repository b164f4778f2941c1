package urls

import (
	"ginrest/generics"
	"ginrest/pagination"
	"ginrest/rest"
	"ginrest/routers"
	"ginrest/views"
)

// apiRoutes are the REST framework's routes: the viewsets registered on the router
// (DRF's DefaultRouter) and its API root at /api/. Register your viewsets here.
func (a *App) apiRoutes() []Route {
	router := routers.NewDefault("/api/")
	// Notes need the stored user (their owner), whatever DEFAULT_AUTHENTICATION_CLASSES says.
	auth := []rest.Authenticator{a.JWTAuthentication()}
	router.Register("notes", views.NewNotes(a.DB, a.Tokens.Now, auth), "")
	a.registerApps(router) // the resources `ginrest startapp` made: apps.go
	return Include(router.URLs())
}

// Include makes a router's URLs routes of the table, as Django's include(router.urls).
func Include(urls []routers.Route) []Route {
	routes := make([]Route, len(urls))
	for i, u := range urls {
		routes[i] = Route{Path: u.Path, Name: u.Name, View: u.View}
	}
	return routes
}

// useDefaults gives a generic view or viewset route the settings' defaults for what it
// leaves nil (DEFAULT_PAGINATION_CLASS with PAGE_SIZE), and has it check its declaration,
// as rest.NewHandler resolves the authentication and permission defaults.
func (a *App) useDefaults(v rest.View) {
	d, ok := v.(generics.DefaultsUser)
	if !ok {
		return
	}
	p, _ := pagination.FromSettings(a.Settings) // NewApp has validated the settings
	d.UseDefaults(generics.Defaults{Pagination: p})
}
