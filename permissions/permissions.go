// Package permissions holds DRF's permission classes as values. A view lists them in its
// APIView.Permissions; each is stateless and shared by every request.
package permissions

import (
	"net/http"

	"ginrest/rest"
)

// AllowAny allows every request, DRF's default.
var AllowAny rest.Permission = rest.PermissionFunc(func(*rest.Request, any) bool { return true })

// IsAuthenticated allows requests from an authenticated user.
var IsAuthenticated rest.Permission = rest.PermissionFunc(func(r *rest.Request, _ any) bool {
	return r.User != nil && r.User.IsAuthenticated()
})

// IsAdminUser allows requests from a staff user (Django's is_staff).
var IsAdminUser rest.Permission = rest.PermissionFunc(func(r *rest.Request, _ any) bool {
	return r.User != nil && r.User.IsAuthenticated() && r.User.IsAdmin()
})

// IsAuthenticatedOrReadOnly allows safe methods to anyone and the rest to authenticated users.
var IsAuthenticatedOrReadOnly rest.Permission = rest.PermissionFunc(func(r *rest.Request, _ any) bool {
	return IsSafeMethod(r.HTTP.Method) || (r.User != nil && r.User.IsAuthenticated())
})

// IsSafeMethod reports whether a method only reads: DRF's SAFE_METHODS.
func IsSafeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}
