package permissions

import "ginrest/rest"

// Owned is implemented by a model whose objects belong to a user: IsOwnerOrReadOnly asks
// it whether the request's user is the owner.
type Owned interface {
	IsOwnedBy(u rest.User) bool
}

// IsOwnerOrReadOnly is the object permission of DRF's tutorial: anyone the other
// permissions let in may read an object, only its owner may change or delete it. Objects
// that are not Owned are read-only. It allows every request; combine it:
// And(IsAuthenticated, Or(IsAdminUser, IsOwnerOrReadOnly)).
var IsOwnerOrReadOnly rest.Permission = ownerOrReadOnly{}

type ownerOrReadOnly struct{}

func (ownerOrReadOnly) HasPermission(*rest.Request, any) bool { return true }

func (ownerOrReadOnly) HasObjectPermission(r *rest.Request, _ any, obj any) bool {
	if IsSafeMethod(r.HTTP.Method) {
		return true
	}
	o, ok := obj.(Owned)
	return ok && r.User != nil && o.IsOwnedBy(r.User)
}
