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
	Debug       bool   // DEBUG
	SecretKey   string // SECRET_KEY
	DatabaseURL string // DATABASE_URL: sqlite:///relative.db, sqlite:////abs/path.db, postgres://…
	// DatabaseBusyTimeout is how long a SQLite write waits for another writer's lock
	// before failing (DATABASE_BUSY_TIMEOUT; Django's OPTIONS["timeout"]).
	DatabaseBusyTimeout time.Duration
	// PasswordIterations is Django's PBKDF2PasswordHasher.iterations (PASSWORD_ITERATIONS).
	// Hashes with another count still verify and are re-hashed at the next login.
	PasswordIterations int
	// MaxBodyBytes bounds a request body (DATA_UPLOAD_MAX_MEMORY_SIZE).
	MaxBodyBytes int64
	// UserCacheTTL is how long an authenticated request's user may be served from memory
	// (USER_CACHE_TTL): a user deactivated elsewhere loses access within it. 0 loads the
	// user from the database on every request, as simplejwt does.
	UserCacheTTL time.Duration
	// ThrottleRates are DRF's DEFAULT_THROTTLE_RATES (THROTTLE_RATES=login=10/min,anon=100/day).
	ThrottleRates map[string]string

	REST RESTFramework
	JWT  SimpleJWT
}

// RESTFramework is DRF's REST_FRAMEWORK setting.
type RESTFramework struct {
	// DefaultAuthenticationClasses names the authenticators of views that set none
	// (DEFAULT_AUTHENTICATION_CLASSES), by DRF class name.
	DefaultAuthenticationClasses []string
	// DefaultPermissionClasses names the permissions of views that set none
	// (DEFAULT_PERMISSION_CLASSES), by DRF class name.
	DefaultPermissionClasses []string
}

// SimpleJWT is simplejwt's SIMPLE_JWT setting.
type SimpleJWT struct {
	AccessTokenLifetime    time.Duration // ACCESS_TOKEN_LIFETIME
	RefreshTokenLifetime   time.Duration // REFRESH_TOKEN_LIFETIME
	RotateRefreshTokens    bool          // ROTATE_REFRESH_TOKENS
	BlacklistAfterRotation bool          // BLACKLIST_AFTER_ROTATION
	UpdateLastLogin        bool          // UPDATE_LAST_LOGIN
	Algorithm              string        // ALGORITHM
	// SigningKey defaults to SecretKey, as in simplejwt (SIGNING_KEY).
	SigningKey      string
	VerifyingKey    string        // VERIFYING_KEY
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
	// BlacklistEnabled is simplejwt's token_blacklist app being installed
	// (TOKEN_BLACKLIST_ENABLED): refresh tokens are recorded and can be blacklisted.
	BlacklistEnabled bool
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
		PasswordIterations:  1_000_000, // Django 5.2
		MaxBodyBytes:        1 << 20,
		UserCacheTTL:        time.Second,
		ThrottleRates:       map[string]string{"login": "10/min"},
		REST: RESTFramework{
			DefaultAuthenticationClasses: []string{"JWTAuthentication"},
			DefaultPermissionClasses:     []string{"AllowAny"},
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
			TokenTypeClaim:         "token_type",
			JTIClaim:               "jti",
			BlacklistEnabled:       true,
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
