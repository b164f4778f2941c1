package views

import (
	"context"
	"errors"
	"strconv"

	"ginrest/models"
	"ginrest/rest"
)

// The views that act on the caller's own account share two steps, here once.

// validateOwn gives the caller's stored user and the request's data to validate: a
// serializer of the account's own (password change, TOTP confirm and disable, a passkey's
// registration).
func validateOwn[T any](r *rest.Request, validate func(context.Context, *models.User, any) (T, error)) (T, error) {
	var zero T
	user, err := models.StoredUser(r)
	if err != nil {
		return zero, err
	}
	data, err := r.Data()
	if err != nil {
		return zero, err
	}
	return validate(r.Context(), user, data)
}

// deleteOwn deletes one of the caller's own rows, the route's id, with remove: a malformed
// id, and gone (another user's row, or none), are 404. It changes how the user signs in,
// so in cookie mode it is a CSRF-checked write.
func deleteOwn(r *rest.Request, cookies *Cookies, gone error, remove func(ctx context.Context, userID, id int64) error) (*rest.Response, error) {
	if err := cookies.Check(r); err != nil {
		return nil, err
	}
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(r.Param("id"), 10, 64)
	if err != nil {
		return nil, rest.NotFound()
	}
	err = remove(r.Context(), user.ID, id)
	if errors.Is(err, gone) {
		return nil, rest.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return rest.NoContent(), nil
}
