package tokens

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"ginrest/models"
	"ginrest/rest"
)

// VersionClaim carries the token version of the user a token was issued to. A token
// without it is at version 0, so simplejwt's tokens, and ginrest's issued before a user's
// first bump (which carry no claim at version 0), keep working until that bump.
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
}

// Stamp writes the user's token version into a token about to be issued; at version 0 it
// writes nothing, and the token's claims are exactly simplejwt's.
func (v *Versions) Stamp(t *Token, user *models.User) {
	if user.TokenVersion == 0 {
		delete(t.Claims, VersionClaim)
		return
	}
	t.Claims[VersionClaim] = user.TokenVersion
}

// Check refuses a token whose version is not its user's (a missing claim is version 0; a
// claim that is not a whole number matches no version).
func (v *Versions) Check(ctx context.Context, t *Token, user *models.User) error {
	if got, ok := TokenVersion(t); ok && got == user.TokenVersion {
		return nil
	}
	reason, err := v.Users.TokenRevocationReason(ctx, user.ID)
	if err != nil {
		return err
	}
	return Revoked(reason)
}

// Newer reports whether the token was issued at a version the user has not reached: the
// user is a copy read before a bump that the token comes after (another instance's
// logout-all, its cached copy of the user), and must be read again before Check.
func (v *Versions) Newer(t *Token, user *models.User) bool {
	got, ok := TokenVersion(t)
	return ok && got > user.TokenVersion
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
