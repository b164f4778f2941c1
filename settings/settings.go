// Package settings is Django's settings.py for ginrest: every default in Default(), and
// Load() = defaults → environment → Validate(). Nothing here is global; the program loads
// one Settings and passes it to whatever needs it, and tests build their own.
package settings

import "time"

// DevelopmentSecretKey is the SECRET_KEY used when none is set. It is public, so the
// server refuses to start with it when DEBUG is false.
const DevelopmentSecretKey = "django-insecure-ginrest-development-key-not-for-production-use-0000"

// Settings holds Django's, DRF's and simplejwt's settings under their Django names
// (the environment variable of each field is its name in the comment).
type Settings struct {
	Debug     bool   // DEBUG
	SecretKey string // SECRET_KEY
	// SecretKeyFallbacks are Django 4.1's SECRET_KEY_FALLBACKS (comma-separated): earlier
	// keys that still open what was sealed under them (TOTP secrets, a login's state
	// cookie), while new values are sealed under SECRET_KEY. Rotate by moving the old key
	// here; remove it once nothing sealed under it is left (docs/mfa.md).
	SecretKeyFallbacks []string
	DatabaseURL        string // DATABASE_URL: sqlite:///relative.db, sqlite:////abs/path.db, postgres://…
	// DatabaseBusyTimeout is how long a SQLite write waits for another writer's lock
	// before failing (DATABASE_BUSY_TIMEOUT; Django's OPTIONS["timeout"]).
	DatabaseBusyTimeout time.Duration
	// DatabaseMaxConns caps this process's open connections (DATABASE_MAX_CONNS): PostgreSQL's
	// pool, or SQLite's readers (SQLite writes through one connection). With N processes on
	// one PostgreSQL, keep N × DATABASE_MAX_CONNS below max_connections − 3.
	DatabaseMaxConns int
	// RequestTimeout is every request's deadline (REQUEST_TIMEOUT): a request still waiting
	// then (for a database connection, a lock) is answered 503 with Retry-After. It is
	// longer than PASSWORD_HASHING_QUEUE_TIMEOUT, so a queued login is answered, not cut.
	RequestTimeout time.Duration
	// PasswordIterations is Django's PBKDF2PasswordHasher.iterations (PASSWORD_ITERATIONS).
	// Hashes with another count still verify and are re-hashed at the next login.
	PasswordIterations int
	// PasswordRehashBelow is PASSWORD_REHASH_BELOW: a login re-hashes (at
	// PasswordIterations) only a hash with fewer iterations than this; stronger hashes are
	// left as they are. Its default is Django 3.2's count, so hashes a Django service on the
	// same database writes at its own count are never rewritten back and forth.
	PasswordRehashBelow int
	// PasswordHashingQueueTimeout bounds the wait for a password hash
	// (PASSWORD_HASHING_QUEUE_TIMEOUT): hashes run a few at a time, as many as the CPUs,
	// in arrival order, and a login whose estimated wait is longer is refused at once with
	// a 503 and Retry-After rather than answered after the client has given up.
	PasswordHashingQueueTimeout time.Duration
	// AuthPasswordValidators are Django's AUTH_PASSWORD_VALIDATORS by class name
	// (AUTH_PASSWORD_VALIDATORS=MinimumLengthValidator,NumericPasswordValidator; Django's
	// module path may be given; empty for none): what a new password set by the password
	// change endpoint or the user commands must pass. Package passwords resolves them.
	AuthPasswordValidators []string
	// MaxBodyBytes bounds a request body (DATA_UPLOAD_MAX_MEMORY_SIZE).
	MaxBodyBytes int64
	// ServeSchema serves the OpenAPI document at /api/schema/ and its docs pages, in
	// production too, as drf-spectacular's views do once mounted (SERVE_SCHEMA). Off, the
	// routes are gone; `spectacular` still writes the document.
	ServeSchema bool
	// BrowsableAPI renders the API as DRF's browsable API for clients that ask for HTML (a
	// browser's Accept, or ?format=api), in production too, as DRF's default renderers do
	// (BROWSABLE_API). Off, every client gets JSON and the page's assets are not served.
	BrowsableAPI bool
	// UserCacheTTL is how long an authenticated request's user may be served from memory
	// (USER_CACHE_TTL): a user deactivated elsewhere loses access within it. 0 loads the
	// user from the database on every request, as simplejwt does.
	UserCacheTTL time.Duration
	// ThrottleRates are DRF's DEFAULT_THROTTLE_RATES (THROTTLE_RATES=login=10/min,anon=100/day).
	// The "login" rate throttles failed logins; without it logins are not throttled.
	ThrottleRates map[string]string
	// TrustedProxies are the proxies whose X-Forwarded-For is believed when finding a
	// client's address, as IPs or CIDRs (TRUSTED_PROXIES=10.0.0.0/8,::1). None by default.
	TrustedProxies []string
	// AllowedHosts are the host names this server answers to (ALLOWED_HOSTS=example.com,
	// .example.com): "example.com" exactly, ".example.com" it and its subdomains, "*" any.
	// A request whose Host (port aside) matches none is refused with 400 before any view
	// runs, so that no link is built from a Host a client made up. Empty with DEBUG on
	// allows .localhost, 127.0.0.1 and [::1], as Django; empty with DEBUG off allows none,
	// and runserver refuses to start.
	AllowedHosts []string
	// SecureProxySSLHeader makes a request https when a proxy that terminates TLS says so
	// (SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto,https): then, and only then, links are
	// built with https. Set it only behind a proxy that always sets or strips that header.
	SecureProxySSLHeader ProxySSLHeader
	// RedisURL is where throttles count when several instances share the load
	// (REDIS_URL=redis://127.0.0.1:6379/0); empty counts in this process's memory.
	RedisURL string
	// MetricsAddr is where runserver serves Prometheus's /metrics, a listener apart from
	// the API's (METRICS_ADDR=127.0.0.1:9100); empty serves none and counts nothing.
	MetricsAddr string

	// Media is MEDIA_ROOT, MEDIA_URL and the upload limits (media.go).
	Media Media
	// CORS is django-cors-headers' CORS_* settings: which browser origins may call the API.
	CORS CORS

	REST RESTFramework
	JWT  SimpleJWT
	// Sessions: log out everywhere, reuse detection, sessions, cookie mode, pruning.
	Sessions Sessions
	// MFA: TOTP devices and the login's second step.
	MFA MFA
	// OIDC: login with OpenID Connect providers; none by default.
	OIDC OIDC
	// WebAuthn: passkeys and security keys; off unless WEBAUTHN_RP_ID (or DEBUG).
	WebAuthn WebAuthn
}

// RESTFramework is DRF's REST_FRAMEWORK setting.
type RESTFramework struct {
	// DefaultAuthenticationClasses names the authenticators of views that set none
	// (DEFAULT_AUTHENTICATION_CLASSES), by DRF class name.
	DefaultAuthenticationClasses []string
	// DefaultPermissionClasses names the permissions of views that set none
	// (DEFAULT_PERMISSION_CLASSES), by DRF class name.
	DefaultPermissionClasses []string
	// DefaultThrottleClasses names the throttles of views that set none
	// (DEFAULT_THROTTLE_CLASSES): AnonRateThrottle, UserRateThrottle, ScopedRateThrottle.
	// None by default, as in DRF.
	DefaultThrottleClasses []string
	// DefaultPaginationClass pages the lists of the generic views and viewsets that set no
	// Pagination (DEFAULT_PAGINATION_CLASS): PageNumberPagination, LimitOffsetPagination,
	// CursorPagination, or "" for none. DRF's module path may be given
	// (rest_framework.pagination.PageNumberPagination); "None" is "".
	DefaultPaginationClass string
	// PageSize is the page size of that paginator (PAGE_SIZE): at least 1 when a class is
	// set. The page_size and limit query parameters go up to max(100, PageSize).
	PageSize int
	// DefaultVersioningClass is how views that set no Versioning find the API version a
	// request asks for (DEFAULT_VERSIONING_CLASS): URLPathVersioning,
	// AcceptHeaderVersioning, or "" for none, as in DRF. DRF's module path may be given
	// (rest_framework.versioning.URLPathVersioning); "None" is "".
	DefaultVersioningClass string
	// DefaultVersion is the version of a request that names none (DEFAULT_VERSION; "" is
	// DRF's None).
	DefaultVersion string
	// AllowedVersions are the versions accepted besides DefaultVersion (ALLOWED_VERSIONS);
	// none means any.
	AllowedVersions []string
	// VersionParam names the version: the path parameter, or the Accept header's media
	// type parameter (VERSION_PARAM).
	VersionParam string
	// Date and time formats of serializers (serializers.FormatsFrom): "iso-8601", DRF's
	// default, or a Python strftime format such as %d/%m/%Y. DATETIME_FORMAT, DATE_FORMAT
	// and TIME_FORMAT render; the *_INPUT_FORMATS lists are tried in order on input.
	DateTimeFormat       string   // DATETIME_FORMAT
	DateTimeInputFormats []string // DATETIME_INPUT_FORMATS
	DateFormat           string   // DATE_FORMAT
	DateInputFormats     []string // DATE_INPUT_FORMATS
	TimeFormat           string   // TIME_FORMAT
	TimeInputFormats     []string // TIME_INPUT_FORMATS
	// CoerceDecimalToString renders decimals as strings, "12.50" (COERCE_DECIMAL_TO_STRING);
	// false renders JSON numbers.
	CoerceDecimalToString bool
}

// SimpleJWT is simplejwt's SIMPLE_JWT setting.
type SimpleJWT struct {
	AccessTokenLifetime    time.Duration // ACCESS_TOKEN_LIFETIME
	RefreshTokenLifetime   time.Duration // REFRESH_TOKEN_LIFETIME
	RotateRefreshTokens    bool          // ROTATE_REFRESH_TOKENS
	BlacklistAfterRotation bool          // BLACKLIST_AFTER_ROTATION
	UpdateLastLogin        bool          // UPDATE_LAST_LOGIN
	Algorithm              string        // ALGORITHM
	// SigningKey is the HMAC secret for HS* and defaults to SecretKey, as in simplejwt; for
	// RS*, ES*, PS* and EdDSA it is the private key: PEM text, or a PEM file's path
	// (SIGNING_KEY).
	SigningKey string
	// VerifyingKey is the public key of an asymmetric SigningKey, PEM text or a file path;
	// unset, it is derived from SigningKey (VERIFYING_KEY).
	VerifyingKey string
	// SigningKeyID is the kid written in every token's header and naming the signing key
	// in the JWK Set (SIGNING_KEY_ID). Unset: none for HS*, the key's RFC 7638 thumbprint
	// for the others.
	SigningKeyID string
	// VerifyingKeys are keys that verify but never sign, by kid: the previous key during a
	// rotation (VERIFYING_KEYS, a JSON object {"kid": "PEM text or file path"}; for HS*
	// the values are secrets).
	VerifyingKeys map[string]string
	// JWKURL is simplejwt's JWK_URL: a JWK Set whose keys, selected by a token's kid, also
	// verify tokens. It is fetched when first needed, again when older than
	// JWKSRefreshInterval (JWKS_REFRESH_INTERVAL) or on an unknown kid, but never twice
	// within JWKSMinRefetchInterval (JWKS_MIN_REFETCH_INTERVAL); a fetch gives up after
	// JWKSFetchTimeout (JWKS_FETCH_TIMEOUT).
	JWKURL                 string
	JWKSRefreshInterval    time.Duration
	JWKSMinRefetchInterval time.Duration
	JWKSFetchTimeout       time.Duration

	Audience        string        // AUDIENCE
	Issuer          string        // ISSUER
	Leeway          time.Duration // LEEWAY
	AuthHeaderTypes []string      // AUTH_HEADER_TYPES
	// AuthHeaderName is Django's META key of the header (AUTH_HEADER_NAME).
	AuthHeaderName string
	UserIDField    string // USER_ID_FIELD
	UserIDClaim    string // USER_ID_CLAIM
	TokenTypeClaim string // TOKEN_TYPE_CLAIM
	JTIClaim       string // JTI_CLAIM
	// CheckRevokeToken is simplejwt ≥ 5.4's CHECK_REVOKE_TOKEN: tokens carry the
	// fingerprint of their user's password hash in RevokeTokenClaim (REVOKE_TOKEN_CLAIM,
	// "hash_password"), and one whose fingerprint is not the current hash's is refused, so a
	// Django service on that simplejwt and ginrest revoke each other's tokens on a password
	// change the same way. It needs TOKEN_VERSION_CHECK, whose checks it joins.
	CheckRevokeToken bool
	RevokeTokenClaim string
	// BlacklistEnabled is simplejwt's token_blacklist app being installed
	// (TOKEN_BLACKLIST_ENABLED): refresh tokens are recorded and can be blacklisted.
	BlacklistEnabled bool
	// AuthTokenClasses are the token classes JWTAuthentication accepts, tried in order
	// (AUTH_TOKEN_CLASSES=AccessToken,SlidingToken).
	AuthTokenClasses []string
	// SlidingTokenLifetime is how long a sliding token authenticates
	// (SLIDING_TOKEN_LIFETIME); SlidingTokenRefreshLifetime how long after its first
	// issue it can be refreshed (SLIDING_TOKEN_REFRESH_LIFETIME), a limit kept in the
	// SlidingTokenRefreshExpClaim claim (SLIDING_TOKEN_REFRESH_EXP_CLAIM).
	SlidingTokenLifetime        time.Duration
	SlidingTokenRefreshLifetime time.Duration
	SlidingTokenRefreshExpClaim string
	// CheckUserIsActive refuses the tokens of inactive users at authentication
	// (CHECK_USER_IS_ACTIVE, simplejwt 5.3).
	CheckUserIsActive bool
}

// Default returns every default in one place. Where DRF and simplejwt have a default,
// it is theirs; ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION are on, as in the
// reference configuration, so a refresh token works once.
func Default() *Settings {
	return &Settings{
		Debug:               true,
		SecretKey:           DevelopmentSecretKey,
		DatabaseURL:         "sqlite:///db.sqlite3",
		DatabaseBusyTimeout: 5 * time.Second,
		DatabaseMaxConns:    10, // models.DefaultMaxConns: 9 processes fit PostgreSQL's default 100
		RequestTimeout:      60 * time.Second,
		PasswordIterations:  1_000_000, // Django 5.2
		PasswordRehashBelow: 260_000,   // Django 3.2
		MaxBodyBytes:        1 << 20,
		Media:               DefaultMedia(),
		ServeSchema:         true,
		BrowsableAPI:        true,
		UserCacheTTL:        time.Second,
		ThrottleRates:       map[string]string{"login": "10/min"},
		TrustedProxies:      nil, // X-Forwarded-For is ignored
		AllowedHosts:        nil, // Django's []: the local hosts in DEBUG, none otherwise
		RedisURL:            "",  // throttles count in memory
		MetricsAddr:         "",  // no metrics: monitoring is opted into, on an address of its own
		// A burst of logins is answered in arrival order; a hash that would wait longer than
		// this is refused at once (503), since the client would have gone meanwhile.
		PasswordHashingQueueTimeout: 30 * time.Second,
		// Those of every project Django's startproject makes (global_settings has none).
		AuthPasswordValidators: []string{"UserAttributeSimilarityValidator", "MinimumLengthValidator",
			"CommonPasswordValidator", "NumericPasswordValidator"},
		// No header makes a request https: only a TLS connection does, as in Django.
		SecureProxySSLHeader: ProxySSLHeader{},
		CORS: CORS{ // django-cors-headers' defaults: no origin allowed
			AllowHeaders:    []string{"accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"},
			AllowMethods:    []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"},
			PreflightMaxAge: 86400, // a day
		},
		REST: RESTFramework{
			DefaultAuthenticationClasses: []string{"JWTAuthentication"},
			DefaultPermissionClasses:     []string{"AllowAny"},
			DefaultThrottleClasses:       nil, // none, as in DRF
			// DRF has neither by default; a starter's lists are paged from the start.
			DefaultPaginationClass: "PageNumberPagination",
			PageSize:               20,
			// DRF's: no versioning, no default version, any version, "version".
			DefaultVersioningClass: "",
			DefaultVersion:         "",
			AllowedVersions:        nil,
			VersionParam:           "version",
			DateTimeFormat:         "iso-8601",
			DateTimeInputFormats:   []string{"iso-8601"},
			DateFormat:             "iso-8601",
			DateInputFormats:       []string{"iso-8601"},
			TimeFormat:             "iso-8601",
			TimeInputFormats:       []string{"iso-8601"},
			CoerceDecimalToString:  true,
		},
		JWT: SimpleJWT{
			AccessTokenLifetime:    5 * time.Minute,
			RefreshTokenLifetime:   24 * time.Hour,
			RotateRefreshTokens:    true,
			BlacklistAfterRotation: true,
			UpdateLastLogin:        false,
			Algorithm:              "HS256",
			AuthHeaderTypes:        []string{"Bearer"},
			AuthHeaderName:         "HTTP_AUTHORIZATION",
			UserIDField:            "id",
			UserIDClaim:            "user_id",
			RevokeTokenClaim:       "hash_password",
			TokenTypeClaim:         "token_type",
			JTIClaim:               "jti",
			BlacklistEnabled:       true,

			JWKSRefreshInterval:    5 * time.Minute, // PyJWKClient's lifespan
			JWKSMinRefetchInterval: 30 * time.Second,
			JWKSFetchTimeout:       5 * time.Second,

			AuthTokenClasses:            []string{"AccessToken"},
			SlidingTokenLifetime:        5 * time.Minute,
			SlidingTokenRefreshLifetime: 24 * time.Hour,
			SlidingTokenRefreshExpClaim: "refresh_exp",
			CheckUserIsActive:           true,
		},
		Sessions: Sessions{
			TokenVersionCheck:      true,
			RevokeOnPasswordChange: true,
			ReuseDetection:         true,             // RFC 9700 §4.14.2
			ReuseInterval:          10 * time.Second, // racing tabs, a retry: see Sessions.ReuseInterval
			PruneInterval:          0,                // never: flushexpiredtokens does it
			Cookie: AuthCookie{
				Enabled:        false, // tokens in JSON bodies, as simplejwt
				Name:           "refresh_token",
				Secure:         true,
				SameSite:       "Lax", // Django's SESSION_COOKIE_SAMESITE
				Path:           "/api/token/",
				Domain:         "",
				CSRFName:       "csrftoken", // Django's CSRF_COOKIE_NAME
				InsecureOK:     false,
				TrustedOrigins: nil, // the request's own origin only, as Django's CSRF_TRUSTED_ORIGINS
			},
		},
		MFA: MFA{
			Issuer:        "ginrest",
			TokenLifetime: 5 * time.Minute,
			RecoveryCodes: 10,
		},
		OIDC: OIDC{
			Providers:     nil, // off: OIDC_PROVIDERS names them
			Timeout:       10 * time.Second,
			StateLifetime: 10 * time.Minute,
		},
		WebAuthn: WebAuthn{
			RPID:          "", // off; in DEBUG, localhost (WebAuthnRP)
			RPName:        "ginrest",
			RPOrigins:     nil, // in DEBUG, http://localhost:8000
			StateLifetime: 5 * time.Minute,
		},
	}
}

// JWTSigningKey is SIGNING_KEY, or SECRET_KEY where it is unset.
func (s *Settings) JWTSigningKey() string {
	if s.JWT.SigningKey != "" {
		return s.JWT.SigningKey
	}
	return s.SecretKey
}
