package permissions

import "ginrest/rest"

// Classes are the permissions that settings name (DEFAULT_PERMISSION_CLASSES), by DRF's
// class names; urls.Classes holds them beside the application's own.
func Classes() map[string]rest.Permission {
	return map[string]rest.Permission{
		"AllowAny":                  AllowAny,
		"IsAuthenticated":           IsAuthenticated,
		"IsAdminUser":               IsAdminUser,
		"IsAuthenticatedOrReadOnly": IsAuthenticatedOrReadOnly,
	}
}
