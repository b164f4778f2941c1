package tokenserializers

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"ginrest/audit"
	"ginrest/models"
	"ginrest/tokens"
)

// The token serializers' hooks for token versions and sessions (token families): each is
// simplejwt's behaviour when the feature is off.

// stampVersion writes the user's token version on a token a login issues.
func (s *JWT) stampVersion(t *tokens.Token, user *models.User) {
	if s.Versions != nil {
		s.Versions.Stamp(t, user)
	}
}

// checkVersion refuses a token whose version is not its user's.
func (s *JWT) checkVersion(ctx context.Context, t *tokens.Token, user *models.User) error {
	if s.Versions == nil {
		return nil
	}
	return s.Versions.Check(ctx, t, user)
}

// checkVersionOf is checkVersion for a token whose user is not loaded otherwise: a token
// naming no user has no version to check. Refresh's refusals read the user from the
// database (cached false). Verify reads it as an authenticated request does (cached true),
// so that verifying an access token costs no query: a revocation through another process
// is seen within USER_CACHE_TTL, the bound JWTAuthentication has too, and one through this
// process at once (Users forgets its copy); a token newer than the cached copy (issued
// after a revocation elsewhere) reads the user again rather than being refused.
func (s *JWT) checkVersionOf(ctx context.Context, t *tokens.Token, cached bool) error {
	if s.Versions == nil {
		return nil
	}
	claim, ok := s.Tokens.UserID(t)
	if !ok {
		return nil
	}
	var user *models.User
	var err error
	if cached {
		user, err = s.Users.ForRequest(ctx, s.UserIDField, claim)
		if err == nil && s.Versions.Newer(t, user) {
			user, err = s.Users.ReloadForRequest(ctx, s.UserIDField, claim)
		}
	} else {
		user, err = s.Users.ByClaim(ctx, s.UserIDField, claim)
	}
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Versions.Check(ctx, t, user)
}

// recordLogin records a login's refresh token as outstanding, in a new session.
func (s *JWT) recordLogin(ctx context.Context, refresh *tokens.Token, user *models.User) error {
	switch {
	case s.Families != nil:
		return s.Families.Start(ctx, refresh, user.ID)
	case s.Blacklist != nil:
		return s.Blacklist.Record(ctx, refresh, &user.ID, nil)
	}
	return nil
}

// rotate records next in old's place: old blacklisted with BLACKLIST_AFTER_ROTATION, next
// outstanding, in old's session.
//
// A guard is the user, from the cache, that the refresh was judged by: with one, the
// rotation commits only while the user's row still matches it, and fails with
// models.ErrUserChanged, as it is, otherwise.
func (s *JWT) rotate(ctx context.Context, old, next *tokens.Token, user, guard *models.User) error {
	var err error
	switch {
	case s.Families != nil:
		err = s.Families.Rotate(ctx, old, next, user.ID, s.BlacklistAfterRotation, guard)
	case s.Blacklist != nil && s.BlacklistAfterRotation:
		err = s.Blacklist.Rotate(ctx, old, next, &user.ID, guard)
	case s.Blacklist != nil:
		err = s.Blacklist.Record(ctx, next, &user.ID, guard)
	}
	if errors.Is(err, models.ErrUserChanged) {
		return err
	}
	if err != nil {
		return s.refused(ctx, old, err)
	}
	return nil
}

// rotationGuarded says whether a refresh's rotation writes to the database, and so can
// guard its commit on the user (see rotate): then the refresh reads its user from the cache.
func (s *JWT) rotationGuarded() bool {
	return s.RotateRefreshTokens && (s.Families != nil || s.Blacklist != nil)
}

// logout blacklists a refresh token, and the rest of its session.
func (s *JWT) logout(ctx context.Context, refresh *tokens.Token) error {
	if s.Families != nil {
		return s.Families.Logout(ctx, refresh)
	}
	return s.Blacklist.Add(ctx, refresh)
}

// refused is the answer to a refresh token the blacklist refused. A blacklisted refresh
// token presented again is a reuse (RFC 9700 §4.14.2): its session is revoked, the client
// is told only what simplejwt tells it. A token blacklisted because its user's tokens were
// revoked (log out everywhere, a password change) is told why instead.
//
// A reuse within REFRESH_TOKEN_REUSE_INTERVAL of the rotation leaves the session alive and
// says so with ErrReusedInGrace beside the client's error: cookie mode then leaves the
// browser's cookie alone, which may already hold the token the rotation issued.
func (s *JWT) refused(ctx context.Context, t *tokens.Token, err error) error {
	te, ok := tokens.AsError(err)
	if !ok || te.Message != tokens.MsgBlacklisted {
		return invalidToken(err)
	}
	var reuse tokens.Reuse
	if s.Families != nil {
		var rerr error
		if reuse, rerr = s.Families.Reused(ctx, t); rerr != nil {
			return rerr
		}
	}
	if reuse.Revoked {
		// The session's owner or a thief holds a copy of a spent token: worth a look.
		s.Audit.Event(ctx, audit.TokenReuseDetected, "refresh token reuse: session revoked",
			slog.String("user_id", strconv.FormatInt(reuse.UserID, 10)), slog.String("session_id", reuse.SessionID))
	}
	if err := s.checkVersionOf(ctx, t, false); err != nil {
		return err
	}
	if reuse.Graced {
		return errors.Join(invalidToken(err), ErrReusedInGrace)
	}
	return invalidToken(err)
}

// ErrReusedInGrace marks the refusal of a refresh token presented again within
// REFRESH_TOKEN_REUSE_INTERVAL of its rotation: refused, but its session lives.
var ErrReusedInGrace = errors.New("refresh token reused within the reuse interval")
