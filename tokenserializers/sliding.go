package tokenserializers

import (
	"context"
	"errors"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/tokens"
)

// Sliding is the body of a sliding login or refresh.
type Sliding struct {
	Token string `json:"token"`
}

// TokenObtainSliding is simplejwt's TokenObtainSlidingSerializer: a login that returns one
// sliding token, recorded as outstanding when the blacklist is on.
type TokenObtainSliding struct{ *JWT }

func (s TokenObtainSliding) Describe() rest.Fields {
	return rest.Fields{usernameField.Describe(), passwordField.Describe()}
}

// Validate logs the user in and issues a sliding token with the claims of the GetToken
// hook (a *Sliding), or the first step of the login (an *MFAStep) as TokenObtainPair does.
func (s TokenObtainSliding) Validate(ctx context.Context, data any) (any, error) {
	user, err := s.authenticate(ctx, data)
	if err != nil {
		return nil, err
	}
	if step, err := s.mfaStep(ctx, user, loginSliding); err != nil || step != nil {
		return step, err
	}
	return s.slidingLogin(ctx, user)
}

// slidingLogin is a sliding login once the user has proven who they are.
func (s *JWT) slidingLogin(ctx context.Context, user *models.User) (*Sliding, error) {
	token := s.Tokens.SlidingFrom(s.tokenFor(user))
	if _, err := s.Tokens.Encode(token); err != nil {
		return nil, err
	}
	if s.Blacklist != nil {
		if err := s.Blacklist.Record(ctx, token, &user.ID, nil); err != nil {
			return nil, err
		}
	}
	if s.UpdateLastLogin {
		if err := s.Users.UpdateLastLogin(ctx, user); err != nil {
			return nil, err
		}
	}
	return &Sliding{Token: token.Raw}, nil
}

// TokenRefreshSliding is simplejwt's TokenRefreshSlidingSerializer: a sliding token whose
// refresh_exp has not passed comes back with a new exp and iat, the same jti and the same
// refresh_exp. Like TokenRefresh, it also refuses a token whose user was deleted or
// deactivated (simplejwt 5.4's fix of CVE-2024-22513, which simplejwt applies to refresh
// tokens only).
type TokenRefreshSliding struct{ *JWT }

func (s TokenRefreshSliding) Describe() rest.Fields { return rest.Fields{tokenField.Describe()} }

func (s TokenRefreshSliding) Validate(ctx context.Context, data any) (*Sliding, error) {
	raw, err := readOne(data, tokenField)
	if err != nil {
		return nil, err
	}
	token, err := s.Tokens.Parse(raw, tokens.Sliding)
	if err != nil {
		return nil, invalidToken(err)
	}
	if s.Blacklist != nil {
		if err := s.Blacklist.Check(ctx, token); err != nil {
			return nil, invalidToken(err)
		}
	}
	if err := s.Tokens.CheckExp(token, s.Tokens.RefreshExpClaim()); err != nil {
		return nil, invalidToken(err)
	}
	claim, _ := s.Tokens.UserID(token)
	user, err := s.Users.ByClaim(ctx, s.UserIDField, claim)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !user.IsActive) {
		return nil, rest.AuthenticationFailed(MsgNoActiveAccountForToken)
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkVersion(ctx, token, user); err != nil {
		return nil, err
	}
	s.Tokens.Slide(token)
	if _, err := s.Tokens.Encode(token); err != nil {
		return nil, err
	}
	return &Sliding{Token: token.Raw}, nil
}
