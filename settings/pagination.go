package settings

import (
	"fmt"
	"strings"
)

// PaginationClass is DEFAULT_PAGINATION_CLASS as a class name: DRF's module path
// (rest_framework.pagination.) dropped, and "" for none ("", "None", "none").
func (r RESTFramework) PaginationClass() string {
	name := strings.TrimSpace(r.DefaultPaginationClass)
	name = strings.TrimPrefix(name, "rest_framework.pagination.")
	if strings.EqualFold(name, "none") {
		return ""
	}
	return name
}

// validatePagination checks DEFAULT_PAGINATION_CLASS and PAGE_SIZE. DRF pages nothing when
// PAGE_SIZE is None; here a paginator without a page size is refused, so that turning
// pagination off is said once, with DEFAULT_PAGINATION_CLASS=none.
func (s *Settings) validatePagination() []error {
	var errs []error
	// The class itself is resolved by urls.Classes, where an application may add its own.
	class := s.REST.PaginationClass()
	switch {
	case s.REST.PageSize < 0:
		errs = append(errs, fmt.Errorf("settings: PAGE_SIZE must not be negative"))
	case class != "" && s.REST.PageSize == 0:
		errs = append(errs, fmt.Errorf("settings: PAGE_SIZE must be at least 1 with DEFAULT_PAGINATION_CLASS=%s (set DEFAULT_PAGINATION_CLASS=none to page nothing)", class))
	}
	return errs
}
