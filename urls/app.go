// Package urls is the project's urls.py: the URL table as data, and the wiring that builds
// every view's dependencies once, from settings and a database, and mounts them on gin.
package urls

import (
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"ginrest/authentication"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/settings"
	"ginrest/tokens"
)

// App is the project wired together. Build it with NewApp; every field is set.
type App struct {
	Settings  *settings.Settings
	DB        *gorm.DB
	Tokens    *tokens.Backend
	Users     *models.Users
	Blacklist *tokens.Blacklist // nil when TOKEN_BLACKLIST_ENABLED is false
	JWT       *serializers.JWT
	Defaults  rest.Defaults
	Logger    *slog.Logger
}

// Options are the parts of an App that are not settings.
type Options struct {
	// Now is the clock of tokens and timestamps; nil means time.Now. Tests set it.
	Now    func() time.Time
	Logger *slog.Logger
}

// NewApp builds the services every view shares, once.
func NewApp(s *settings.Settings, db *gorm.DB, opts Options) (*App, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	cfg := tokens.ConfigFrom(s)
	cfg.Now = opts.Now
	backend, err := tokens.NewBackend(cfg)
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	a := &App{Settings: s, DB: db, Tokens: backend, Logger: logger,
		Users: &models.Users{DB: db, Iterations: s.PasswordIterations, Now: opts.Now, CacheTTL: s.UserCacheTTL}}
	if s.JWT.BlacklistEnabled {
		a.Blacklist = &tokens.Blacklist{DB: db, Backend: backend}
	}
	a.JWT = &serializers.JWT{
		Tokens: backend, Users: a.Users, Blacklist: a.Blacklist, UserIDField: s.JWT.UserIDField,
		RotateRefreshTokens: s.JWT.RotateRefreshTokens, BlacklistAfterRotation: s.JWT.BlacklistAfterRotation,
		UpdateLastLogin: s.JWT.UpdateLastLogin,
	}
	perms, err := permissions.ByName(s.REST.DefaultPermissionClasses)
	if err != nil {
		return nil, fmt.Errorf("settings: DEFAULT_PERMISSION_CLASSES: %w", err)
	}
	auths, err := a.authenticators(s.REST.DefaultAuthenticationClasses)
	if err != nil {
		return nil, err
	}
	a.Defaults = rest.Defaults{Authenticators: auths, Permissions: perms,
		Parsers: &rest.Parsers{MaxBytes: s.MaxBodyBytes}, Logger: logger}
	return a, nil
}

// authenticators resolves DEFAULT_AUTHENTICATION_CLASSES by DRF class name.
func (a *App) authenticators(names []string) ([]rest.Authenticator, error) {
	var auths []rest.Authenticator
	for _, name := range names {
		switch name {
		case "JWTAuthentication":
			auths = append(auths, authentication.NewJWT(a.Settings, a.Tokens, a.Users))
		default:
			return nil, fmt.Errorf("settings: DEFAULT_AUTHENTICATION_CLASSES: unknown class %q (known: JWTAuthentication)", name)
		}
	}
	return auths, nil
}
