package passwords

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// modulePath is the module of Django's validators, which AUTH_PASSWORD_VALIDATORS may
// name them by, as a Django settings file does.
const modulePath = "django.contrib.auth.password_validation."

// DefaultNames are the AUTH_PASSWORD_VALIDATORS of a project made by Django's
// startproject (Django's global default is none; every new project has these four).
var DefaultNames = []string{
	"UserAttributeSimilarityValidator",
	"MinimumLengthValidator",
	"CommonPasswordValidator",
	"NumericPasswordValidator",
}

// Classes are the validators AUTH_PASSWORD_VALIDATORS may name, by Django's class names,
// with Django's default options; each call returns a new map, for an application to add
// its own to (or to replace one with other options: MinimumLength{Min: 12}).
func Classes() map[string]Validator {
	return map[string]Validator{
		"UserAttributeSimilarityValidator": UserAttributeSimilarity{},
		"MinimumLengthValidator":           MinimumLength{},
		"CommonPasswordValidator":          Common{},
		"NumericPasswordValidator":         Numeric{},
	}
}

// FromNames resolves AUTH_PASSWORD_VALIDATORS against known (Classes() when nil). An
// unknown name, or a validator whose options Django would refuse, is an error naming the
// setting: the program stops at start, as Django's ImproperlyConfigured does.
func FromNames(names []string, known map[string]Validator) (Validators, error) {
	if known == nil {
		known = Classes()
	}
	validators := make(Validators, 0, len(names))
	var errs []error
	for _, name := range names {
		v, ok := known[strings.TrimPrefix(name, modulePath)]
		if !ok {
			errs = append(errs, fmt.Errorf("settings: AUTH_PASSWORD_VALIDATORS has unknown class %q (known: %s; an application adds its own to urls.Classes)",
				name, strings.Join(slices.Sorted(maps.Keys(known)), ", ")))
			continue
		}
		if c, ok := v.(interface{ Check() error }); ok {
			if err := c.Check(); err != nil {
				errs = append(errs, fmt.Errorf("settings: AUTH_PASSWORD_VALIDATORS has %s: %w", name, err))
				continue
			}
		}
		validators = append(validators, v)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return validators, nil
}
