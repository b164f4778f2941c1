package urls

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"ginrest/pagination"
	"ginrest/passwords"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/throttling"
	"ginrest/versioning"
)

// Classes are the classes that settings name, by DRF's class names, so that a Django
// settings file reads the same: DEFAULT_AUTHENTICATION_CLASSES, DEFAULT_PERMISSION_CLASSES,
// DEFAULT_THROTTLE_CLASSES, DEFAULT_PAGINATION_CLASS and DEFAULT_VERSIONING_CLASS are looked
// up here, and nowhere else. NewApp resolves them against Options.Classes (DefaultClasses when nil); an
// application registers its own there, as DRF imports any dotted path:
//
//	classes := urls.DefaultClasses()
//	classes.Permissions["IsStaffOrReadOnly"] = permissions.Or(permissions.IsAdminUser, permissions.ReadOnly)
//	app, err := urls.NewApp(s, db, urls.Options{Classes: classes})
//
// An unknown name stops NewApp with the setting named and the known names listed.
type Classes struct {
	// Authentication builds an authenticator for the app.
	Authentication map[string]func(a *App) rest.Authenticator
	Permissions    map[string]rest.Permission
	// Throttles builds a throttle over the app's throttling backend; it refuses a rate the
	// settings lack (DRF's ImproperlyConfigured).
	Throttles map[string]func(b *throttling.Backend) (rest.Throttle, error)
	// Pagination builds a paginator of PAGE_SIZE items.
	Pagination map[string]func(pageSize int) pagination.Paginator
	// Versioning builds DEFAULT_VERSIONING_CLASS from DEFAULT_VERSION, ALLOWED_VERSIONS and
	// VERSION_PARAM.
	Versioning map[string]func(versioning.Options) rest.Versioning
	// PasswordValidators are AUTH_PASSWORD_VALIDATORS' classes (passwords.Classes): an
	// application replaces one to change its options, or adds its own.
	PasswordValidators map[string]passwords.Validator
}

// DefaultClasses are DRF's and simplejwt's classes that ginrest has; each call returns a
// new set, for an application to add to.
func DefaultClasses() *Classes {
	return &Classes{
		Authentication: map[string]func(*App) rest.Authenticator{
			"JWTAuthentication":              func(a *App) rest.Authenticator { return a.JWTAuthentication() },
			"JWTStatelessUserAuthentication": func(a *App) rest.Authenticator { return a.JWTStatelessAuthentication() },
			"BasicAuthentication":            func(a *App) rest.Authenticator { return a.BasicAuthentication() },
			"TokenAuthentication":            func(a *App) rest.Authenticator { return a.TokenAuthentication() },
		},
		Permissions: permissions.Classes(),
		Throttles:   throttling.Classes(),
		Pagination:  pagination.Classes(),
		Versioning:  versioning.Classes(),
		// A name of its own: the commands resolve the same names with passwords.Classes.
		PasswordValidators: passwords.Classes(),
	}
}

// lookup resolves the names of one setting against one kind of class.
func lookup[V any](setting string, known map[string]V, names []string) ([]V, error) {
	values := make([]V, 0, len(names))
	for _, name := range names {
		v, ok := known[name]
		if !ok {
			return nil, fmt.Errorf("settings: %s has unknown class %q (known: %s; an application adds its own to urls.Classes)",
				setting, name, strings.Join(slices.Sorted(maps.Keys(known)), ", "))
		}
		values = append(values, v)
	}
	return values, nil
}

func (c *Classes) authenticators(a *App, names []string) ([]rest.Authenticator, error) {
	builders, err := lookup("DEFAULT_AUTHENTICATION_CLASSES", c.Authentication, names)
	if err != nil {
		return nil, err
	}
	auths := make([]rest.Authenticator, len(builders))
	for i, build := range builders {
		auths[i] = build(a)
	}
	return auths, nil
}

func (c *Classes) permissions(names []string) ([]rest.Permission, error) {
	return lookup("DEFAULT_PERMISSION_CLASSES", c.Permissions, names)
}

func (c *Classes) throttles(b *throttling.Backend, names []string) ([]rest.Throttle, error) {
	builders, err := lookup("DEFAULT_THROTTLE_CLASSES", c.Throttles, names)
	if err != nil {
		return nil, err
	}
	throttles := make([]rest.Throttle, len(builders))
	for i, build := range builders {
		if throttles[i], err = build(b); err != nil {
			return nil, fmt.Errorf("settings: DEFAULT_THROTTLE_CLASSES has %s: %w", names[i], err)
		}
	}
	return throttles, nil
}

// paginator is DEFAULT_PAGINATION_CLASS of PAGE_SIZE items, nil for none.
func (c *Classes) paginator(class string, pageSize int) (pagination.Paginator, error) {
	if class == "" {
		return nil, nil
	}
	build, err := lookup("DEFAULT_PAGINATION_CLASS", c.Pagination, []string{class})
	if err != nil {
		return nil, err
	}
	return build[0](pageSize), nil
}

// versioning is DEFAULT_VERSIONING_CLASS with its options, nil for none.
func (c *Classes) versioning(r settings.RESTFramework) (rest.Versioning, error) {
	class := r.VersioningClass()
	if class == "" {
		return nil, nil
	}
	build, err := lookup("DEFAULT_VERSIONING_CLASS", c.Versioning, []string{class})
	if err != nil {
		return nil, err
	}
	return build[0](versioning.Options{Default: r.DefaultVersion, Allowed: r.AllowedVersions, Param: r.VersionParam}), nil
}
