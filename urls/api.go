package urls

import (
	"ginrest/generics"
	"ginrest/rest"
	"ginrest/routers"
	"ginrest/serializers"
	"ginrest/views"
)

// apiRouter is the REST framework's router (DRF's DefaultRouter, with its API root at
// /api/) and the viewsets registered on it. Register your viewsets here.
func (a *App) apiRouter() *routers.Router {
	router := routers.NewDefault("/api/")
	router.Register("notes", views.NewNotes(a.DB, a.Tokens.Now, a.Storage), "")
	router.Register("tags", views.NewTags(a.DB), "")
	a.registerApps(router) // the resources `ginrest startapp` made: apps.go
	return router
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
// leaves nil (DEFAULT_PAGINATION_CLASS with PAGE_SIZE), the settings' formats to its
// serializer (DATETIME_FORMAT, COERCE_DECIMAL_TO_STRING...), and has it check its
// declaration.
// It is the app's rest.Defaults.Prepare, so every view mounted with the app's defaults
// gets it, whether through Mount or rest.NewHandler.
func (a *App) useDefaults(v rest.View) {
	if d, ok := v.(generics.DefaultsUser); ok {
		formats := serializers.FormatsFrom(a.Settings.REST)
		d.UseDefaults(generics.Defaults{Pagination: a.Pagination, Formats: &formats})
	}
}
