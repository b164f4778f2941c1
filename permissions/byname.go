package permissions

import (
	"fmt"

	"ginrest/rest"
)

// ByName resolves the names used in settings (DEFAULT_PERMISSION_CLASSES) to values: the
// names are DRF's class names, so a Django settings file reads the same.
func ByName(names []string) ([]rest.Permission, error) {
	ps := make([]rest.Permission, 0, len(names))
	for _, name := range names {
		p, ok := named[name]
		if !ok {
			return nil, fmt.Errorf("unknown permission class %q (known: AllowAny, IsAuthenticated, IsAdminUser, IsAuthenticatedOrReadOnly)", name)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

var named = map[string]rest.Permission{
	"AllowAny":                  AllowAny,
	"IsAuthenticated":           IsAuthenticated,
	"IsAdminUser":               IsAdminUser,
	"IsAuthenticatedOrReadOnly": IsAuthenticatedOrReadOnly,
}
