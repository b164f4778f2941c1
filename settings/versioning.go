package settings

import (
	"fmt"
	"strings"
)

// VersioningClass is DEFAULT_VERSIONING_CLASS as a class name: DRF's module path
// (rest_framework.versioning.) dropped, and "" for none ("", "None", "none").
func (r RESTFramework) VersioningClass() string {
	name := strings.TrimSpace(r.DefaultVersioningClass)
	name = strings.TrimPrefix(name, "rest_framework.versioning.")
	if strings.EqualFold(name, "none") {
		return ""
	}
	return name
}

// validateVersioning checks VERSION_PARAM; the class itself is resolved by urls.Classes,
// where an application may add its own.
func (s *Settings) validateVersioning() []error {
	p := s.REST.VersionParam
	if p == "" || strings.ContainsAny(p, " \t;,=/:\"") {
		return []error{fmt.Errorf("settings: VERSION_PARAM %q must be one word, such as version", p)}
	}
	return nil
}
