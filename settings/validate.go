package settings

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MinSecretKeyBytes is the shortest SECRET_KEY accepted with DEBUG off.
const MinSecretKeyBytes = 32

// Validate refuses settings that cannot work or are unsafe: in production (DEBUG off) a
// missing, short or development SECRET_KEY or signing key.
func (s *Settings) Validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("settings: %s %s", name, fmt.Sprintf(format, args...)))
	}
	if !s.Debug {
		switch {
		case s.SecretKey == "":
			bad("SECRET_KEY", "must be set when DEBUG is false")
		case s.SecretKey == DevelopmentSecretKey:
			bad("SECRET_KEY", "is the public development key; set your own when DEBUG is false")
		case len(s.SecretKey) < MinSecretKeyBytes:
			bad("SECRET_KEY", "must be at least %d bytes when DEBUG is false", MinSecretKeyBytes)
		}
		for _, k := range s.SecretKeyFallbacks {
			if k == DevelopmentSecretKey {
				bad("SECRET_KEY_FALLBACKS", "has the public development key: what it sealed anyone could have sealed")
			}
		}
		if s.JWT.SigningKey == DevelopmentSecretKey {
			bad("SIGNING_KEY", "is the public development key; set your own when DEBUG is false")
		}
	}
	if s.DatabaseURL == "" {
		bad("DATABASE_URL", "must be set")
	}
	if s.DatabaseBusyTimeout < 0 {
		bad("DATABASE_BUSY_TIMEOUT", "must not be negative")
	}
	if s.DatabaseMaxConns < 1 {
		bad("DATABASE_MAX_CONNS", "must be at least 1")
	}
	if s.RequestTimeout <= 0 {
		bad("REQUEST_TIMEOUT", "must be positive")
	} else if s.RequestTimeout <= s.PasswordHashingQueueTimeout {
		// A login admitted to the hashing queue would be cut off by its own deadline.
		bad("REQUEST_TIMEOUT", "(%v) must be longer than PASSWORD_HASHING_QUEUE_TIMEOUT (%v)", s.RequestTimeout, s.PasswordHashingQueueTimeout)
	}
	if s.PasswordIterations < 1 {
		bad("PASSWORD_ITERATIONS", "must be at least 1")
	}
	if s.PasswordRehashBelow < 0 {
		bad("PASSWORD_REHASH_BELOW", "must not be negative (0 re-hashes every hash weaker than PASSWORD_ITERATIONS)")
	}
	if s.PasswordHashingQueueTimeout <= 0 {
		bad("PASSWORD_HASHING_QUEUE_TIMEOUT", "must be positive")
	}
	if s.MaxBodyBytes < 1 {
		bad("DATA_UPLOAD_MAX_MEMORY_SIZE", "must be at least 1")
	}
	if s.UserCacheTTL < 0 {
		bad("USER_CACHE_TTL", "must not be negative")
	}
	for scope, rate := range s.ThrottleRates {
		if _, _, err := ParseRate(rate); err != nil {
			bad("THROTTLE_RATES", "has %s=%q: %v", scope, rate, err)
		}
	}
	errs = append(errs, s.validateThrottling()...)
	errs = append(errs, s.validateHosts()...)
	errs = append(errs, s.validateCORS()...)
	errs = append(errs, s.validateOperations()...)
	errs = append(errs, s.validatePagination()...)
	errs = append(errs, s.validateVersioning()...)
	errs = append(errs, s.validateMedia()...)
	j := s.JWT
	if j.AccessTokenLifetime <= 0 {
		bad("ACCESS_TOKEN_LIFETIME", "must be positive")
	}
	if j.RefreshTokenLifetime <= 0 {
		bad("REFRESH_TOKEN_LIFETIME", "must be positive")
	}
	if j.Leeway < 0 {
		bad("LEEWAY", "must not be negative")
	}
	errs = append(errs, s.validateKeys()...)
	if len(j.AuthHeaderTypes) == 0 {
		bad("AUTH_HEADER_TYPES", "must name at least one type")
	}
	for _, typ := range j.AuthHeaderTypes {
		// The type is the header's first word: one with a space, or none, never matches.
		if typ == "" || strings.ContainsAny(typ, " \t\r\n") {
			bad("AUTH_HEADER_TYPES", "has %q: a type is one word, such as Bearer or JWT", typ)
		}
	}
	if !strings.HasPrefix(j.AuthHeaderName, "HTTP_") {
		bad("AUTH_HEADER_NAME", "must be a Django META header name such as HTTP_AUTHORIZATION")
	}
	for name, v := range map[string]string{"USER_ID_FIELD": j.UserIDField, "USER_ID_CLAIM": j.UserIDClaim, "TOKEN_TYPE_CLAIM": j.TokenTypeClaim, "JTI_CLAIM": j.JTIClaim} {
		if v == "" {
			bad(name, "must be set")
		}
	}
	if j.CheckRevokeToken {
		if j.RevokeTokenClaim == "" {
			bad("REVOKE_TOKEN_CLAIM", "must be set when CHECK_REVOKE_TOKEN is true")
		}
		if !s.Sessions.TokenVersionCheck {
			bad("CHECK_REVOKE_TOKEN", "needs TOKEN_VERSION_CHECK, whose checks it joins")
		}
	}
	errs = append(errs, j.validateClaimNames()...)
	if j.UserIDField != "id" && j.UserIDField != "username" {
		bad("USER_ID_FIELD", "%q is not a unique field of auth_user (id or username)", j.UserIDField)
	}
	if j.BlacklistAfterRotation && !j.BlacklistEnabled {
		bad("BLACKLIST_AFTER_ROTATION", "needs TOKEN_BLACKLIST_ENABLED")
	}
	errs = append(errs, j.validateSliding()...)
	errs = append(errs, s.validateSessions()...)
	errs = append(errs, s.validateMFA()...)
	errs = append(errs, s.validateOIDC()...)
	errs = append(errs, s.validateWebAuthn()...)
	return errors.Join(errs...)
}

// ParseRate reads a DRF rate string such as "10/min" or "100/day": DRF looks only at the
// first letter of the period.
func ParseRate(rate string) (int, time.Duration, error) {
	num, period, ok := strings.Cut(rate, "/")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || period == "" {
		return 0, 0, errors.New("want N/period such as 10/min")
	}
	switch period[0] {
	case 's':
		return n, time.Second, nil
	case 'm':
		return n, time.Minute, nil
	case 'h':
		return n, time.Hour, nil
	case 'd':
		return n, 24 * time.Hour, nil
	}
	return 0, 0, errors.New("period must be s, m, h or d (sec, min, hour, day)")
}

// HeaderName turns AUTH_HEADER_NAME (Django's META key, HTTP_AUTHORIZATION) into the
// HTTP header name (Authorization).
func (j SimpleJWT) HeaderName() string {
	name := strings.TrimPrefix(j.AuthHeaderName, "HTTP_")
	return strings.ReplaceAll(name, "_", "-")
}
