package urls

import (
	"context"
	"time"

	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/settings"
	"ginrest/tokens"
	"ginrest/views"
)

// Sessions are the services behind log out everywhere, password changes, sessions
// (token families), cookie mode and pruning. A nil field is a feature that is off.
type Sessions struct {
	Versions *tokens.Versions // TOKEN_VERSION_CHECK
	Families *tokens.Families // with TOKEN_BLACKLIST_ENABLED
	Revoker  *tokens.Revoker
	Cookies  *views.Cookies // AUTH_COOKIE
	Pruner   *tokens.Pruner // with TOKEN_BLACKLIST_ENABLED; runs when TOKEN_PRUNE_INTERVAL > 0
}

// setUpSessions builds the Sessions services and hooks them into the token serializers.
func (a *App) setUpSessions() {
	s := a.Settings
	ss := &a.Sessions
	if s.Sessions.TokenVersionCheck {
		ss.Versions = &tokens.Versions{Users: a.Users}
	}
	if a.Blacklist != nil {
		proxies, _ := settings.ParseTrustedProxies(s.TrustedProxies) // Validate has checked them
		ss.Families = &tokens.Families{Blacklist: a.Blacklist, ReuseDetection: s.Sessions.ReuseDetection, ReuseInterval: s.Sessions.ReuseInterval, Proxies: proxies}
		ss.Pruner = &tokens.Pruner{Blacklist: a.Blacklist, Families: ss.Families, Logger: a.Logger}
	}
	ss.Revoker = tokens.NewRevoker(s, a.DB, a.Users, a.Tokens.Now)
	if s.Sessions.Cookie.Enabled {
		ss.Cookies = &views.Cookies{AuthCookie: s.Sessions.Cookie, MaxAge: s.JWT.RefreshTokenLifetime, Key: []byte(s.SecretKey)}
	}
	a.JWT.Versions = ss.Versions
	a.JWT.Families = ss.Families
}

// sessionRoutes puts the token views in cookie mode when it is on, and adds the session
// endpoints.
func (a *App) sessionRoutes(routes []Route) []Route {
	ss := a.Sessions
	if c := ss.Cookies; c != nil {
		for i, r := range routes {
			switch r.Name {
			case "token_obtain_pair":
				routes[i].View = c.Obtain(r.View)
			case "token_refresh":
				routes[i].View = c.Refresh(r.View)
			case "token_blacklist":
				routes[i].View = c.Logout(r.View)
			}
		}
	}
	// These views need the stored user, whatever DEFAULT_AUTHENTICATION_CLASSES says.
	auth := []rest.Authenticator{a.JWTAuthentication()}
	password := serializers.PasswordChange{JWT: a.JWT, Revoker: ss.Revoker}
	routes = append(routes, Route{Path: "/api/auth/password/", Name: "password_change", View: views.NewPassword(password, ss.Cookies, auth)})
	if ss.Versions != nil || ss.Families != nil {
		routes = append(routes, Route{Path: "/api/token/logout-all/", Name: "token_logout_all", View: views.NewLogoutAll(ss.Revoker, ss.Cookies, auth)})
	}
	if ss.Families != nil {
		routes = append(routes,
			Route{Path: "/api/token/sessions/", Name: "token_sessions", View: views.NewSessions(ss.Families, auth)},
			Route{Path: "/api/token/sessions/:id/", Name: "token_session", View: views.NewSession(ss.Families, auth)})
	}
	return routes
}

// RunPruner deletes expired tokens and sessions every TOKEN_PRUNE_INTERVAL until ctx
// ends; it returns at once when pruning is off. runserver runs it beside the server.
func (a *App) RunPruner(ctx context.Context) {
	interval := a.Settings.Sessions.PruneInterval
	if a.Sessions.Pruner == nil || interval <= 0 {
		return
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	a.Sessions.Pruner.Run(ctx, ticker.C)
}
