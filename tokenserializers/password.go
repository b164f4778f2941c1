package tokenserializers

import (
	"context"

	"ginrest/models"
	"ginrest/passwords"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/tokens"
)

// PasswordChange is Django's PasswordChangeForm as an API: the user's old password and a
// new one. The new password ends every session of the user (REVOKE_ON_PASSWORD_CHANGE) and
// the caller gets a new pair in a new session, so that only the caller stays logged in.
type PasswordChange struct {
	*JWT
	Revoker *tokens.Revoker
	// Validators are AUTH_PASSWORD_VALIDATORS: a new password they refuse is a 400 under
	// new_password, as Django's SetPasswordForm shows them under its field.
	Validators passwords.Validators
}

var (
	oldPasswordField = serializers.CharField{Name: "old_password", Label: "Old password"}
	newPasswordField = serializers.CharField{Name: "new_password", Label: "New password"}
)

// MsgPasswordIncorrect is Django's PasswordChangeForm's password_incorrect.
const MsgPasswordIncorrect = "Your old password was entered incorrectly. Please enter it again."

func (s PasswordChange) Describe() rest.Fields {
	return rest.Fields{oldPasswordField.Describe(), newPasswordField.Describe()}
}

// Validate changes the password of user, who must have given the current one.
func (s PasswordChange) Validate(ctx context.Context, user *models.User, data any) (*Pair, error) {
	obj, err := serializers.Object(data)
	if err != nil {
		return nil, err
	}
	errs := serializers.Errors{}
	oldPassword, _ := oldPasswordField.Read(obj, errs)
	newPassword, _ := newPasswordField.Read(obj, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	// The request's user may come from the request cache: the password is checked against
	// the database's.
	stored, err := s.Users.ByID(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	ok, err := s.Users.CheckPassword(ctx, stored, oldPassword)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, rest.ValidationError(map[string]any{oldPasswordField.Name: []string{MsgPasswordIncorrect}})
	}
	if err := s.Validators.ValidateField(newPasswordField.Name, newPassword, stored); err != nil {
		return nil, err
	}
	if err := s.Revoker.SetPassword(ctx, stored, newPassword); err != nil {
		return nil, err
	}
	if stored, err = s.Users.ByID(ctx, user.ID); err != nil { // its new token version
		return nil, err
	}
	return s.PairFor(ctx, stored)
}
