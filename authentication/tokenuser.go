package authentication

import (
	"fmt"

	"ginrest/tokens"
)

// TokenUser is simplejwt's TokenUser: the user a token describes, made without the
// database. It is authenticated and never staff: a token says who its holder is, not what
// the user table says of them now. A project that puts roles in its tokens (GetToken) reads
// them from Token in its own permissions.
type TokenUser struct {
	// ID is the user claim (USER_ID_CLAIM) as the token carries it: a json.Number or a
	// string. models.ClaimID reads it as a numeric id.
	ID any
	// Username is the token's "username" claim, "" without one, as simplejwt's.
	Username string
	// Token is the validated token the user was made from.
	Token *tokens.Token
}

func (*TokenUser) IsAuthenticated() bool { return true }
func (*TokenUser) IsAdmin() bool         { return false }

// GetUsername is the username claim (simplejwt's TokenUser.username), as Django's
// get_username(): what the browsable API shows as signed in.
func (u *TokenUser) GetUsername() string { return u.Username }

// PK is the user claim as text ("" without one): the stored user's id, which it names.
func (u *TokenUser) PK() string {
	if u.ID == nil {
		return ""
	}
	return fmt.Sprint(u.ID)
}
