package tokenserializers

import (
	"context"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/serializers"
)

// authenticate is TokenObtainSerializer.validate, what every login shares: the username
// and password fields, then the user they name, who must be active.
func (j *JWT) authenticate(ctx context.Context, data any) (*models.User, error) {
	obj, err := serializers.Object(data)
	if err != nil {
		return nil, err
	}
	errs := serializers.Errors{}
	username, _ := usernameField.Read(obj, errs)
	password, _ := passwordField.Read(obj, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	user, err := j.Users.Authenticate(ctx, username, password)
	if err != nil {
		return nil, err
	}
	if user == nil {
		return nil, rest.AuthenticationFailed(MsgNoActiveAccount)
	}
	return user, nil
}
