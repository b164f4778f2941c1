package urls

import (
	"context"
	"time"

	"ginrest/tokens"
	"ginrest/tokenserializers"
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
func (a *App) setUpSessions() error {
	s := a.Settings
	ss := &a.Sessions
	ss.Versions = tokens.VersionsFor(s, a.Users)
	if a.Blacklist != nil {
		ss.Families = &tokens.Families{Blacklist: a.Blacklist, ReuseDetection: s.Sessions.ReuseDetection, ReuseInterval: s.Sessions.ReuseInterval, Proxies: a.Proxies}
		ss.Pruner = &tokens.Pruner{Blacklist: a.Blacklist, Families: ss.Families, Logger: a.Logger}
	}
	ss.Revoker = tokens.NewRevoker(s, a.DB, a.Users, a.Tokens.Now)
	if s.Sessions.Cookie.Enabled {
		var err error
		if ss.Cookies, err = views.NewCookies(s.Sessions.Cookie, s.JWT.RefreshTokenLifetime, []byte(s.SecretKey)); err != nil {
			return err
		}
		ss.Cookies.Audit = a.Audit
	}
	a.JWT.Versions = ss.Versions
	a.JWT.Families = ss.Families
	return nil
}

// passwordChange is the password change the session views run (revoking the user's
// earlier tokens with REVOKE_ON_PASSWORD_CHANGE), checking new passwords with
// AUTH_PASSWORD_VALIDATORS.
func (a *App) passwordChange() tokenserializers.PasswordChange {
	return tokenserializers.PasswordChange{JWT: a.JWT, Revoker: a.Sessions.Revoker, Validators: a.PasswordValidators}
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
