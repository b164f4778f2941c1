package settings

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// LookupFunc reads one environment variable; os.LookupEnv is one.
type LookupFunc func(name string) (string, bool)

// Load returns the defaults overridden by the environment, validated. Errors name the
// variable at fault.
func Load(lookup LookupFunc) (*Settings, error) {
	s := Default()
	if err := s.FromEnv(lookup); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// FromEnv overrides the settings that have an environment variable set.
func (s *Settings) FromEnv(lookup LookupFunc) error {
	e := envReader{lookup: lookup}
	e.bool("DEBUG", &s.Debug)
	e.string("SECRET_KEY", &s.SecretKey)
	e.list("SECRET_KEY_FALLBACKS", &s.SecretKeyFallbacks)
	e.string("DATABASE_URL", &s.DatabaseURL)
	e.duration("DATABASE_BUSY_TIMEOUT", &s.DatabaseBusyTimeout)
	e.int("DATABASE_MAX_CONNS", &s.DatabaseMaxConns)
	e.duration("REQUEST_TIMEOUT", &s.RequestTimeout)
	e.int("PASSWORD_ITERATIONS", &s.PasswordIterations)
	e.int("PASSWORD_REHASH_BELOW", &s.PasswordRehashBelow)
	e.duration("PASSWORD_HASHING_QUEUE_TIMEOUT", &s.PasswordHashingQueueTimeout)
	e.list("AUTH_PASSWORD_VALIDATORS", &s.AuthPasswordValidators)
	e.int64("DATA_UPLOAD_MAX_MEMORY_SIZE", &s.MaxBodyBytes)
	s.Media.fromEnv(&e)
	e.bool("SERVE_SCHEMA", &s.ServeSchema)
	e.bool("BROWSABLE_API", &s.BrowsableAPI)
	e.duration("USER_CACHE_TTL", &s.UserCacheTTL)
	e.rates("THROTTLE_RATES", &s.ThrottleRates)
	e.list("TRUSTED_PROXIES", &s.TrustedProxies)
	e.list("ALLOWED_HOSTS", &s.AllowedHosts)
	e.proxySSLHeader("SECURE_PROXY_SSL_HEADER", &s.SecureProxySSLHeader)
	e.string("REDIS_URL", &s.RedisURL)
	e.string("METRICS_ADDR", &s.MetricsAddr)
	c := &s.CORS
	e.list("CORS_ALLOWED_ORIGINS", &c.AllowedOrigins)
	e.list("CORS_ALLOWED_ORIGIN_REGEXES", &c.AllowedOriginRegexes)
	e.bool("CORS_ALLOW_ALL_ORIGINS", &c.AllowAllOrigins)
	e.bool("CORS_ALLOW_CREDENTIALS", &c.AllowCredentials)
	e.list("CORS_ALLOW_HEADERS", &c.AllowHeaders)
	e.list("CORS_ALLOW_METHODS", &c.AllowMethods)
	e.list("CORS_EXPOSE_HEADERS", &c.ExposeHeaders)
	e.int("CORS_PREFLIGHT_MAX_AGE", &c.PreflightMaxAge)
	e.list("DEFAULT_AUTHENTICATION_CLASSES", &s.REST.DefaultAuthenticationClasses)
	e.list("DEFAULT_PERMISSION_CLASSES", &s.REST.DefaultPermissionClasses)
	e.list("DEFAULT_THROTTLE_CLASSES", &s.REST.DefaultThrottleClasses)
	e.string("DEFAULT_PAGINATION_CLASS", &s.REST.DefaultPaginationClass)
	e.int("PAGE_SIZE", &s.REST.PageSize)
	e.string("DEFAULT_VERSIONING_CLASS", &s.REST.DefaultVersioningClass)
	e.string("DEFAULT_VERSION", &s.REST.DefaultVersion)
	e.list("ALLOWED_VERSIONS", &s.REST.AllowedVersions)
	e.string("VERSION_PARAM", &s.REST.VersionParam)
	e.string("DATETIME_FORMAT", &s.REST.DateTimeFormat)
	e.list("DATETIME_INPUT_FORMATS", &s.REST.DateTimeInputFormats)
	e.string("DATE_FORMAT", &s.REST.DateFormat)
	e.list("DATE_INPUT_FORMATS", &s.REST.DateInputFormats)
	e.string("TIME_FORMAT", &s.REST.TimeFormat)
	e.list("TIME_INPUT_FORMATS", &s.REST.TimeInputFormats)
	e.bool("COERCE_DECIMAL_TO_STRING", &s.REST.CoerceDecimalToString)
	j := &s.JWT
	e.duration("ACCESS_TOKEN_LIFETIME", &j.AccessTokenLifetime)
	e.duration("REFRESH_TOKEN_LIFETIME", &j.RefreshTokenLifetime)
	e.bool("ROTATE_REFRESH_TOKENS", &j.RotateRefreshTokens)
	e.bool("BLACKLIST_AFTER_ROTATION", &j.BlacklistAfterRotation)
	e.bool("UPDATE_LAST_LOGIN", &j.UpdateLastLogin)
	e.string("ALGORITHM", &j.Algorithm)
	e.string("SIGNING_KEY", &j.SigningKey)
	e.string("VERIFYING_KEY", &j.VerifyingKey)
	e.string("SIGNING_KEY_ID", &j.SigningKeyID)
	e.stringMap("VERIFYING_KEYS", &j.VerifyingKeys)
	e.string("JWK_URL", &j.JWKURL)
	e.duration("JWKS_REFRESH_INTERVAL", &j.JWKSRefreshInterval)
	e.duration("JWKS_MIN_REFETCH_INTERVAL", &j.JWKSMinRefetchInterval)
	e.duration("JWKS_FETCH_TIMEOUT", &j.JWKSFetchTimeout)
	e.string("AUDIENCE", &j.Audience)
	e.string("ISSUER", &j.Issuer)
	e.duration("LEEWAY", &j.Leeway)
	e.list("AUTH_HEADER_TYPES", &j.AuthHeaderTypes)
	e.string("AUTH_HEADER_NAME", &j.AuthHeaderName)
	e.string("USER_ID_FIELD", &j.UserIDField)
	e.string("USER_ID_CLAIM", &j.UserIDClaim)
	e.string("TOKEN_TYPE_CLAIM", &j.TokenTypeClaim)
	e.string("JTI_CLAIM", &j.JTIClaim)
	e.bool("CHECK_REVOKE_TOKEN", &j.CheckRevokeToken)
	e.string("REVOKE_TOKEN_CLAIM", &j.RevokeTokenClaim)
	e.bool("TOKEN_BLACKLIST_ENABLED", &j.BlacklistEnabled)
	e.list("AUTH_TOKEN_CLASSES", &j.AuthTokenClasses)
	e.duration("SLIDING_TOKEN_LIFETIME", &j.SlidingTokenLifetime)
	e.duration("SLIDING_TOKEN_REFRESH_LIFETIME", &j.SlidingTokenRefreshLifetime)
	e.string("SLIDING_TOKEN_REFRESH_EXP_CLAIM", &j.SlidingTokenRefreshExpClaim)
	e.bool("CHECK_USER_IS_ACTIVE", &j.CheckUserIsActive)
	ss := &s.Sessions
	e.bool("TOKEN_VERSION_CHECK", &ss.TokenVersionCheck)
	e.bool("REVOKE_ON_PASSWORD_CHANGE", &ss.RevokeOnPasswordChange)
	e.bool("REFRESH_TOKEN_REUSE_DETECTION", &ss.ReuseDetection)
	e.duration("REFRESH_TOKEN_REUSE_INTERVAL", &ss.ReuseInterval)
	e.duration("TOKEN_PRUNE_INTERVAL", &ss.PruneInterval)
	e.bool("AUTH_COOKIE", &ss.Cookie.Enabled)
	e.string("AUTH_COOKIE_NAME", &ss.Cookie.Name)
	e.bool("AUTH_COOKIE_SECURE", &ss.Cookie.Secure)
	e.string("AUTH_COOKIE_SAMESITE", &ss.Cookie.SameSite)
	e.string("AUTH_COOKIE_PATH", &ss.Cookie.Path)
	e.string("AUTH_COOKIE_DOMAIN", &ss.Cookie.Domain)
	e.string("AUTH_COOKIE_CSRF_NAME", &ss.Cookie.CSRFName)
	e.bool("AUTH_COOKIE_INSECURE_OK", &ss.Cookie.InsecureOK)
	e.list("CSRF_TRUSTED_ORIGINS", &ss.Cookie.TrustedOrigins)
	e.string("MFA_ISSUER", &s.MFA.Issuer)
	e.duration("MFA_TOKEN_LIFETIME", &s.MFA.TokenLifetime)
	e.int("MFA_RECOVERY_CODES", &s.MFA.RecoveryCodes)
	e.oidc(&s.OIDC)
	e.string("WEBAUTHN_RP_ID", &s.WebAuthn.RPID)
	e.string("WEBAUTHN_RP_NAME", &s.WebAuthn.RPName)
	e.list("WEBAUTHN_RP_ORIGINS", &s.WebAuthn.RPOrigins)
	e.duration("WEBAUTHN_STATE_LIFETIME", &s.WebAuthn.StateLifetime)
	return e.err
}

// envReader keeps the first error so that FromEnv reads as a table.
type envReader struct {
	lookup LookupFunc
	err    error
}

func (e *envReader) get(name string) (string, bool) {
	if e.err != nil || e.lookup == nil {
		return "", false
	}
	return e.lookup(name)
}

func (e *envReader) fail(name, value, want string) {
	e.err = fmt.Errorf("settings: %s=%q is not valid: want %s", name, value, want)
}

func (e *envReader) string(name string, dst *string) {
	if v, ok := e.get(name); ok {
		*dst = v
	}
}

func (e *envReader) bool(name string, dst *bool) {
	v, ok := e.get(name)
	if !ok {
		return
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		*dst = true
	case "false", "0":
		*dst = false
	default:
		e.fail(name, v, "true or false")
	}
}

func (e *envReader) int(name string, dst *int) {
	if v, ok := e.get(name); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			e.fail(name, v, "a whole number")
			return
		}
		*dst = n
	}
}

func (e *envReader) int64(name string, dst *int64) {
	if v, ok := e.get(name); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			e.fail(name, v, "a whole number")
			return
		}
		*dst = n
	}
}

func (e *envReader) duration(name string, dst *time.Duration) {
	if v, ok := e.get(name); ok {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			e.fail(name, v, "a Go duration such as 15m or 24h")
			return
		}
		*dst = d
	}
}

func (e *envReader) list(name string, dst *[]string) {
	if v, ok := e.get(name); ok {
		var items []string
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		*dst = items
	}
}

func (e *envReader) rates(name string, dst *map[string]string) {
	v, ok := e.get(name)
	if !ok {
		return
	}
	rates := map[string]string{}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		scope, rate, found := strings.Cut(item, "=")
		if !found || strings.TrimSpace(scope) == "" {
			e.fail(name, v, "scope=rate pairs such as login=10/min,anon=100/day")
			return
		}
		rates[strings.TrimSpace(scope)] = strings.TrimSpace(rate)
	}
	*dst = rates
}
