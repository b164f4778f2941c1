package tokens

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/settings"
)

// VersionClaim carries the token version of the user a token was issued to. ginrest
// writes it once the user's version is above 0; simplejwt never does. A token without it
// is judged by when it was issued instead: refused if its iat is before the user's last
// bump (to the second, the bump's own second included), so the tokens a Django service on
// the same database issues after a ginrest logout-all keep working there and here.
const VersionClaim = "token_version"

// Why a user's token version was bumped: each is the code of the 401 that a token issued
// before the bump gets.
const (
	ReasonPasswordChanged = "password_changed"
	ReasonRevoked         = "token_revoked"
)

var revokedDetails = map[string]string{
	ReasonPasswordChanged: "The user's password has been changed.",
	ReasonRevoked:         "Token has been revoked.",
}

// Revoked is the 401 of a token issued before its user's tokens were revoked, worded
// after the reason: {"detail": "The user's password has been changed.", "code":
// "password_changed"} or {"detail": "Token has been revoked.", "code": "token_revoked"}.
func Revoked(reason string) *rest.Error {
	detail, ok := revokedDetails[reason]
	if !ok {
		reason, detail = ReasonRevoked, revokedDetails[ReasonRevoked]
	}
	return &rest.Error{Status: http.StatusUnauthorized, Detail: detail, Code: reason}
}

// Versions is the token-version check (TOKEN_VERSION_CHECK): tokens carry their user's
// version, and a token whose version is not the user's current one is refused. The user's
// version is loaded with the user (models.User.TokenVersion), so the check itself costs no
// query; only a refused token costs one, to say why.
type Versions struct {
	Users *models.Users
	// PasswordClaim, when set (CHECK_REVOKE_TOKEN), is REVOKE_TOKEN_CLAIM: Stamp writes the
	// fingerprint of the user's password hash there, and Check refuses a token whose
	// fingerprint names another hash, as simplejwt ≥ 5.4 does — except the hash a login's
	// re-hash replaced (the same password). A token without the claim (simplejwt ≤ 5.3's)
	// is judged as any other, by version or issue time: simplejwt ≥ 5.4 refuses it.
	PasswordClaim string
}

// VersionsFor is the token-version check the settings ask for: nil without
// TOKEN_VERSION_CHECK.
func VersionsFor(s *settings.Settings, users *models.Users) *Versions {
	if !s.Sessions.TokenVersionCheck {
		return nil
	}
	v := &Versions{Users: users}
	if s.JWT.CheckRevokeToken {
		v.PasswordClaim = s.JWT.RevokeTokenClaim
	}
	return v
}

// Stamp writes the user's token version into a token about to be issued; at version 0 it
// writes nothing, and the token's claims are exactly simplejwt's.
func (v *Versions) Stamp(t *Token, user *models.User) {
	if v.PasswordClaim != "" {
		t.Claims[v.PasswordClaim] = models.PasswordFingerprint(user.Password)
	}
	if user.TokenVersion == 0 {
		delete(t.Claims, VersionClaim)
		return
	}
	t.Claims[VersionClaim] = user.TokenVersion
}

// Check refuses a token issued before its user's tokens were last revoked: one whose
// version claim is not the user's version (a claim that is not a whole number matches
// none), or, without the claim, whose iat is not after the second of the last bump.
func (v *Versions) Check(ctx context.Context, t *Token, user *models.User) error {
	if !v.samePassword(t, user) {
		return Revoked(ReasonPasswordChanged)
	}
	if current(t, user) {
		return nil
	}
	reason, err := v.Users.TokenRevocationReason(ctx, user.ID)
	if err != nil {
		return err
	}
	return Revoked(reason)
}

// Accepts reports whether Check would pass the token, without the query that says why
// when it would not.
func (v *Versions) Accepts(t *Token, user *models.User) bool {
	return v.samePassword(t, user) && current(t, user)
}

// Newer reports whether the token was issued at a version the user has not reached: the
// user is a copy read before a bump that the token comes after (another instance's
// logout-all, its cached copy of the user), and must be read again before Check.
func (v *Versions) Newer(t *Token, user *models.User) bool {
	got, ok := TokenVersion(t)
	return ok && got > user.TokenVersion
}

// samePassword is simplejwt's CHECK_REVOKE_TOKEN comparison, for a token that carries
// the claim.
func (v *Versions) samePassword(t *Token, user *models.User) bool {
	if v.PasswordClaim == "" {
		return true
	}
	raw, present := t.Claims[v.PasswordClaim]
	if !present {
		return true
	}
	got, ok := raw.(string)
	if !ok {
		return false
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(models.PasswordFingerprint(user.Password))) == 1 {
		return true
	}
	return user.RehashedFrom != nil && subtle.ConstantTimeCompare([]byte(got), []byte(*user.RehashedFrom)) == 1
}

func current(t *Token, user *models.User) bool {
	if _, claimed := t.Claims[VersionClaim]; claimed {
		got, ok := TokenVersion(t)
		return ok && got == user.TokenVersion
	}
	if user.TokenVersion == 0 || user.TokensRevokedAt == nil {
		return true // never revoked
	}
	// iat has whole seconds: a token of the bump's own second may come from before it,
	// so it is refused; a client that logged in within that second logs in again.
	issued, ok := t.Time("iat")
	return ok && issued.Unix() > user.TokensRevokedAt.Unix()
}

// TokenVersion reads a token's version claim: 0 when absent, false when not a whole number.
func TokenVersion(t *Token) (int64, bool) {
	switch v := t.Claims[VersionClaim].(type) {
	case nil:
		_, present := t.Claims[VersionClaim]
		return 0, !present
	case int64:
		return v, true
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}
