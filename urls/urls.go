package urls

import (
	"ginrest/rest"
	"ginrest/views"
)

// Route is one urlpatterns entry. Paths end in a slash, as Django's do; the router
// redirects the slashless form.
type Route struct {
	Path string
	Name string
	View rest.View
}

// Patterns is the URL table: add your views here.
func Patterns(a *App) []Route {
	routes := []Route{
		{Path: "/api/token/", Name: "token_obtain_pair", View: views.NewTokenObtainPair(a.JWT)},
		{Path: "/api/token/refresh/", Name: "token_refresh", View: views.NewTokenRefresh(a.JWT)},
		{Path: "/api/token/verify/", Name: "token_verify", View: views.NewTokenVerify(a.JWT)},
		{Path: "/api/protected/", Name: "protected", View: views.NewProtected()},
	}
	if a.Blacklist != nil {
		routes = append(routes, Route{Path: "/api/token/blacklist/", Name: "token_blacklist", View: views.NewTokenBlacklist(a.JWT)})
	}
	return routes
}
