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
		{Path: "/api/token/", Name: "token_obtain_pair", View: views.NewTokenObtainPair(a.JWT, a.LoginThrottles...)},
		{Path: "/api/token/refresh/", Name: "token_refresh", View: views.NewTokenRefresh(a.JWT)},
		{Path: "/api/token/verify/", Name: "token_verify", View: views.NewTokenVerify(a.JWT)},
		{Path: "/api/token/sliding/", Name: "token_obtain_sliding", View: views.NewTokenObtainSliding(a.JWT, a.LoginThrottles...)},
		{Path: "/api/token/sliding/refresh/", Name: "token_refresh_sliding", View: views.NewTokenRefreshSliding(a.JWT)},
		{Path: "/api/protected/", Name: "protected", View: views.NewProtected()},
	}
	if a.Blacklist != nil {
		routes = append(routes, Route{Path: "/api/token/blacklist/", Name: "token_blacklist", View: views.NewTokenBlacklist(a.JWT)})
	}
	if len(a.Tokens.JWKS().Keys) > 0 { // an asymmetric ALGORITHM; an HS secret is never published
		// A fixed well-known name (RFC 8615), so no trailing slash.
		routes = append(routes, Route{Path: "/.well-known/jwks.json", Name: "jwks", View: views.NewJWKS(a.Tokens)})
	}
	routes = append(routes, a.apiRoutes()...) // the router's viewsets and API root: api.go
	return a.sessionRoutes(routes)
}
