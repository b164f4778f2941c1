package tokens

import (
	"fmt"
	"time"
)

// A sliding token is simplejwt's SlidingToken: one token that both authenticates (for
// SLIDING_TOKEN_LIFETIME) and is refreshed (until its refresh_exp claim,
// SLIDING_TOKEN_REFRESH_LIFETIME after login). A refresh keeps its jti and refresh_exp and
// moves exp and iat, so the blacklist still knows it and the session cannot outlive
// refresh_exp.

// SlidingFrom is SlidingToken.for_user for a login: a new sliding token carrying every claim
// of base (the token the get_token hook made: the user's id and any custom claim) but the
// claims a sliding token sets itself.
func (b *Backend) SlidingFrom(base *Token) *Token {
	sliding := b.New(Sliding)
	for k, v := range base.Claims {
		if _, own := sliding.Claims[k]; own || k == "jti" {
			continue
		}
		sliding.Claims[k] = v
	}
	return sliding
}

// RefreshExpClaim is the claim that bounds a sliding token's refreshes
// (SLIDING_TOKEN_REFRESH_EXP_CLAIM).
func (b *Backend) RefreshExpClaim() string { return b.cfg.SlidingRefreshExpClaim }

// CheckExp is simplejwt's Token.check_exp: the time in claim must not have passed, with the
// leeway. A claim that is not a number is invalid (simplejwt: a 500).
func (b *Backend) CheckExp(t *Token, claim string) error {
	v, ok := t.Claims[claim]
	if !ok {
		return &Error{Message: fmt.Sprintf("Token has no '%s' claim", claim)}
	}
	exp, ok := numeric(v)
	if !ok {
		return errInvalid
	}
	if exp <= b.Now().Add(-b.cfg.Leeway).Unix() {
		return &Error{Message: fmt.Sprintf("Token '%s' claim has expired", claim)}
	}
	return nil
}

// Slide is the sliding refresh's set_exp and set_iat: the token authenticates for another
// SLIDING_TOKEN_LIFETIME from now, under the same jti and refresh_exp.
func (b *Backend) Slide(t *Token) {
	now := b.Now()
	t.Claims["exp"] = now.Add(b.Lifetime(Sliding)).Unix()
	t.Claims["iat"] = now.Unix()
	t.Raw = ""
}

// ExpiresAt is when a token stops being usable: exp, or for a sliding token the later
// refresh_exp, until which it can still be refreshed. The blacklist keeps a token's row
// until then.
func (b *Backend) ExpiresAt(t *Token) time.Time {
	exp, _ := t.Time("exp")
	if t.Type == Sliding {
		if refreshExp, ok := t.Time(b.cfg.SlidingRefreshExpClaim); ok && refreshExp.After(exp) {
			return refreshExp
		}
	}
	return exp
}
