package rest

// User is what permissions need to know about whoever made the request, Django's
// user protocol reduced to what DRF's permission classes read. Views that need the full
// record assert it to their own model type.
type User interface {
	IsAuthenticated() bool
	// IsAdmin is Django's is_staff: what IsAdminUser checks.
	IsAdmin() bool
}

// AnonymousUser is the user of a request that no authenticator claimed.
type AnonymousUser struct{}

func (AnonymousUser) IsAuthenticated() bool { return false }
func (AnonymousUser) IsAdmin() bool         { return false }
