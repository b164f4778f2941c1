package models

import "ginrest/rest"

// StoredUser is the request's user as stored, for a view that declares
// rest.APIView.StoredUser (and so authenticates with the app's JWTAuthentication). Any
// other user (a stateless TokenUser, reaching a view that forgot the declaration) is
// refused with a 403 rather than trusted.
func StoredUser(r *rest.Request) (*User, error) {
	user, ok := r.User.(*User)
	if !ok {
		return nil, rest.PermissionDenied("")
	}
	return user, nil
}
