// Package urls is the project's urls.py: the URL table as data, and the wiring that builds
// every view's dependencies once, from settings and a database, and mounts them on gin.
package urls

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"gorm.io/gorm"

	"ginrest/audit"
	"ginrest/authentication"
	"ginrest/files"
	"ginrest/metrics"
	"ginrest/mfa"
	"ginrest/middleware"
	"ginrest/models"
	"ginrest/pagination"
	"ginrest/passkeys"
	"ginrest/passwords"
	"ginrest/rest"
	"ginrest/schema"
	"ginrest/seal"
	"ginrest/settings"
	"ginrest/socialaccount"
	"ginrest/throttling"
	"ginrest/tokens"
	"ginrest/tokenserializers"
)

// App is the project wired together. Build it with NewApp; every field is set.
type App struct {
	Settings  *settings.Settings
	DB        *gorm.DB
	Tokens    *tokens.Backend
	Users     *models.Users
	Blacklist *tokens.Blacklist // nil when TOKEN_BLACKLIST_ENABLED is false
	// AuthTokens are DRF's authtoken keys (TokenAuthentication, drf_create_token).
	AuthTokens *models.AuthTokens
	JWT        *tokenserializers.JWT
	Defaults   rest.Defaults
	Logger     *slog.Logger
	// Throttling makes throttles over the app's store, rates and clock:
	// a.Throttling.Scoped(), a.Throttling.User(), ...
	Throttling *throttling.Backend
	// LoginThrottles are the token obtain views' throttles: the defaults plus the login
	// throttle; nil (the defaults) when THROTTLE_RATES has no "login" rate.
	LoginThrottles []rest.Throttle
	// PasswordChangeThrottles are the password change's: the defaults plus its throttle of
	// wrong old passwords; nil (the defaults) without a "password_change" or "login" rate.
	PasswordChangeThrottles []rest.Throttle
	// MFA are the users' TOTP devices (docs/mfa.md); MFAThrottles the throttles of the
	// views that take their codes: the defaults plus the count of wrong codes; nil (the
	// defaults) without an "mfa" or "login" rate.
	MFA          *mfa.Devices
	MFAThrottles []rest.Throttle
	// OIDC are the OpenID Connect providers of OIDC_PROVIDERS (docs/oidc.md), none by
	// default; SocialAccounts the users' links to them.
	OIDC           []*socialaccount.Provider
	SocialAccounts *socialaccount.Accounts
	// OIDCBrowsers are the browser logins of OIDC, in its order: their state cookies are
	// sealed under SECRET_KEY (with SECRET_KEY_FALLBACKS).
	OIDCBrowsers []*socialaccount.Browser
	// WebAuthn is the relying party of passkeys and security keys (docs/mfa.md); nil when
	// WEBAUTHN_RP_ID is unset outside DEBUG (webauthn.go).
	WebAuthn *passkeys.RP
	// Sessions are log out everywhere, sessions, cookie mode and pruning (sessions.go).
	Sessions Sessions
	// PasswordValidators are AUTH_PASSWORD_VALIDATORS, resolved once: what the password
	// change endpoint checks a new password with.
	PasswordValidators passwords.Validators
	// Pagination is DEFAULT_PAGINATION_CLASS with PAGE_SIZE (nil: none), built once: the
	// paginator of the generic views and viewsets that set none.
	Pagination pagination.Paginator
	// Proxies are TRUSTED_PROXIES, parsed once: whose X-Forwarded-For and X-Request-ID
	// are believed.
	Proxies rest.TrustedProxies
	// Storage holds uploaded files: MEDIA_ROOT, served at MEDIA_URL (DEBUG serves it).
	Storage files.Storage
	// Routes is the URL table (Patterns), built once: Handler mounts it.
	Routes []Route
	// Audit logs the security events (CSRF failures, refresh token reuse, throttled
	// logins) to Logger, with the client's address as TRUSTED_PROXIES say.
	Audit *audit.Log
	// Metrics count requests, logins, hashes and connections (operations.go); nil when
	// METRICS_ADDR is unset.
	Metrics *metrics.Metrics
	// SchemaInfo titles the OpenAPI document at /api/schema/ (schema.go).
	SchemaInfo schema.Info

	accessLog func(context.Context, middleware.Entry) // operations.go
	cors      func(http.Handler) http.Handler         // CORS_*: nil when no origin is allowed
	closers   []io.Closer                             // what NewApp opened: Close closes it
	classes   *Classes                                // what the settings' class names mean
}

// Options are the parts of an App that are not settings.
type Options struct {
	// Now is the clock of tokens and timestamps; nil means time.Now. Tests set it.
	Now func() time.Time
	// Logger receives the app's logs; NewApp wraps its handler so that every record logged
	// with a request's context carries request_id and user_id. nil means slog.Default().
	Logger *slog.Logger
	// DevAccessLog, when set, receives each request as runserver's one line in DEBUG
	// ([06/Dec/2026 03:11:39] "GET /api/ HTTP/1.1" 200 52) instead of a record in Logger.
	DevAccessLog io.Writer
	// ThrottleStore is where throttles count; nil means Redis when REDIS_URL is set,
	// otherwise this process's memory.
	ThrottleStore throttling.Store
	// Classes are the classes settings may name (classes.go); nil means DefaultClasses().
	Classes *Classes
	// SchemaInfo titles the OpenAPI document; the zero value means DefaultSchemaInfo().
	SchemaInfo schema.Info
}

// NewApp builds the services every view shares, once.
func NewApp(s *settings.Settings, db *gorm.DB, opts Options) (*App, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger = slog.New(middleware.LogContext(logger.Handler()))
	cfg := tokens.ConfigFrom(s)
	cfg.Now = opts.Now
	cfg.Logger = logger // JWK_URL's failed fetches
	backend, err := tokens.NewBackend(cfg)
	if err != nil {
		return nil, err
	}
	proxies, err := settings.ParseTrustedProxies(s.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("settings: TRUSTED_PROXIES %w", err)
	}
	a := &App{Settings: s, DB: db, Tokens: backend, Logger: logger, Proxies: proxies, Audit: &audit.Log{Logger: logger, Proxies: proxies},
		Users: &models.Users{DB: db, Iterations: s.PasswordIterations, RehashBelow: s.PasswordRehashBelow, WatchPasswords: s.Sessions.TokenVersionCheck, HashingTimeout: s.PasswordHashingQueueTimeout, Now: opts.Now, CacheTTL: s.UserCacheTTL}}
	a.AuthTokens = &models.AuthTokens{DB: db, Now: opts.Now}
	if s.JWT.BlacklistEnabled {
		a.Blacklist = &tokens.Blacklist{DB: db, Backend: backend}
	}
	a.JWT = &tokenserializers.JWT{
		Tokens: backend, Users: a.Users, Blacklist: a.Blacklist, UserIDField: s.JWT.UserIDField,
		RotateRefreshTokens: s.JWT.RotateRefreshTokens, BlacklistAfterRotation: s.JWT.BlacklistAfterRotation,
		UpdateLastLogin: s.JWT.UpdateLastLogin, Audit: a.Audit,
	}
	sealer, err := mfa.NewSealer(s.SecretKey, s.SecretKeyFallbacks...)
	if err != nil {
		return nil, err
	}
	// TOTP codes are checked against the tokens' clock, which tests set.
	a.MFA = &mfa.Devices{DB: db, Sealer: sealer, Issuer: s.MFA.Issuer, RecoveryCodes: s.MFA.RecoveryCodes, Now: backend.Now, Logger: logger}
	a.JWT.MFA = a.MFA
	// No request to any provider here: discovery waits for the first login.
	a.SocialAccounts = &socialaccount.Accounts{DB: db, Users: a.Users, Now: backend.Now}
	states, err := seal.New(socialaccount.StateInfo, s.SecretKey, s.SecretKeyFallbacks...)
	if err != nil {
		return nil, err
	}
	nextOrigins, err := settings.ParseTrustedOrigins(s.OIDC.RedirectOrigins)
	if err != nil {
		return nil, fmt.Errorf("settings: OIDC_REDIRECT_ORIGINS %w", err)
	}
	for _, p := range s.OIDC.Providers {
		provider := socialaccount.NewProvider(p, s.OIDC.Timeout, backend.Now)
		a.OIDC = append(a.OIDC, provider)
		a.OIDCBrowsers = append(a.OIDCBrowsers, &socialaccount.Browser{Provider: provider, Sealer: states,
			Lifetime: s.OIDC.StateLifetime, Origins: nextOrigins, Now: backend.Now})
	}
	if err := a.setUpWebAuthn(); err != nil {
		return nil, err
	}
	// The project's customisation (simplejwt's get_token override): every token a login
	// issues names the user's username too. Change or remove it to choose your claims.
	a.JWT.GetToken = a.tokenWithUsername
	classes := opts.Classes
	if classes == nil {
		classes = DefaultClasses()
	}
	a.classes = classes
	a.SchemaInfo = opts.SchemaInfo
	if a.SchemaInfo == (schema.Info{}) {
		a.SchemaInfo = DefaultSchemaInfo()
	}
	if a.PasswordValidators, err = passwords.FromNames(s.AuthPasswordValidators, classes.PasswordValidators); err != nil {
		return nil, err
	}
	if err := a.setUpSessions(); err != nil {
		return nil, err
	}
	perms, err := classes.permissions(s.REST.DefaultPermissionClasses)
	if err != nil {
		return nil, err
	}
	auths, err := classes.authenticators(a, s.REST.DefaultAuthenticationClasses)
	if err != nil {
		return nil, err
	}
	a.Defaults = rest.Defaults{Authenticators: auths, Permissions: perms,
		StoredUserAuthenticators: []rest.Authenticator{a.JWTAuthentication()},
		Parsers: &rest.Parsers{MaxBytes: s.MaxBodyBytes, MaxUploadBytes: s.Media.FileUploadMaxSize,
			FileMemoryBytes: s.Media.FileUploadMaxMemorySize, TempDir: s.Media.FileUploadTempDir},
		Logger: logger,
		// A locked or unreachable database is a 503 with Retry-After, not a 500.
		ExceptionHandler: models.Unavailable,
		// SECURE_PROXY_SSL_HEADER: when a request is https (links, Request.IsSecure).
		SecureProxySSLHeader: rest.ProxySSLHeader{Name: s.SecureProxySSLHeader.Name, Value: s.SecureProxySSLHeader.Value},
		Prepare:              a.useDefaults}
	if a.Pagination, err = classes.paginator(s.REST.PaginationClass(), s.REST.PageSize); err != nil {
		return nil, err
	}
	if a.Defaults.Versioning, err = classes.versioning(s.REST); err != nil {
		return nil, err
	}
	if err := a.setUpThrottling(opts); err != nil {
		_ = a.Close()
		return nil, err
	}
	a.Storage = &files.FileSystem{Root: s.Media.Root, BaseURL: s.Media.URL}
	// Keep this last: the views of the URL table need everything above.
	a.Routes = Patterns(a)
	if err := errors.Join(a.checkThrottles(a.Routes), a.checkCookiePath(a.Routes)); err != nil {
		_ = a.Close()
		return nil, err
	}
	a.setUpOperations(opts) // the access log and the metrics: operations.go
	a.setUpBrowsableAPI()   // the pages of text/html clients: browsable.go
	if s.CORS.Enabled() {
		if a.cors, err = middleware.CORS(s.CORS); err != nil {
			_ = a.Close()
			return nil, fmt.Errorf("settings: CORS_ALLOWED_ORIGIN_REGEXES %w", err)
		}
	}
	return a, nil
}

// checkCookiePath refuses an AUTH_COOKIE_PATH under which the browser would never send the
// refresh cookie to the endpoints that read it: every refresh would fail at the client's
// first try instead of at start.
func (a *App) checkCookiePath(routes []Route) error {
	if a.Sessions.Cookies == nil {
		return nil
	}
	path := a.Settings.Sessions.Cookie.Path
	var errs []error
	for _, r := range routes {
		if r.Name != "token_refresh" && r.Name != "token_blacklist" {
			continue
		}
		// RFC 6265 §5.1.4 path-match: a prefix that ends at a slash or at the path's end.
		if !strings.HasPrefix(r.Path, path) || (len(r.Path) > len(path) && !strings.HasSuffix(path, "/") && r.Path[len(path)] != '/') {
			errs = append(errs, fmt.Errorf("settings: AUTH_COOKIE_PATH %q does not cover %s (%s): the browser would never send the refresh cookie there", path, r.Path, r.Name))
		}
	}
	return errors.Join(errs...)
}

// JWTAuthentication is simplejwt's JWTAuthentication wired to the app: the user is loaded
// from the database on each request (within USER_CACHE_TTL).
func (a *App) JWTAuthentication() *authentication.JWT {
	auth := authentication.NewJWT(a.Settings, a.Tokens, a.Users)
	auth.Blacklist = a.Blacklist
	return auth
}

// JWTStatelessAuthentication is simplejwt's JWTStatelessUserAuthentication wired to the
// app: the user is an authentication.TokenUser made from the token, with no query. A view
// selects it with rest.APIView{Authenticators: []rest.Authenticator{a.JWTStatelessAuthentication()}}.
func (a *App) JWTStatelessAuthentication() authentication.JWTStateless {
	auth := authentication.NewJWTStateless(a.Settings, a.Tokens)
	auth.Blacklist = a.Blacklist
	return auth
}

// BasicAuthentication is DRF's BasicAuthentication wired to the app's user store: the
// password is checked as a login's, in the hashing queue.
func (a *App) BasicAuthentication() *authentication.Basic {
	return authentication.NewBasic(a.Users)
}

// TokenAuthentication is DRF's TokenAuthentication on the authtoken_token table; its user
// is loaded as JWTAuthentication's (within USER_CACHE_TTL).
func (a *App) TokenAuthentication() *authentication.Token {
	return authentication.NewToken(a.AuthTokens, a.Users)
}

// tokenWithUsername is the demo's get_token(user): the default token (RefreshToken.for_user)
// plus a username claim, which a TokenUser reads and every derived token copies.
func (a *App) tokenWithUsername(user *models.User) *tokens.Token {
	token := tokenserializers.DefaultToken(a.Tokens, a.Settings.JWT.UserIDField, user)
	token.Set("username", user.Username)
	return token
}
