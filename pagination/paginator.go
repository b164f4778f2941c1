package pagination

import (
	"gorm.io/gorm"

	"ginrest/filters"
	"ginrest/rest"
)

// Paginator is DRF's BasePagination. Paginate loads the page the request asks for into
// l.Into and returns it, or returns a nil Page (and no error) when the request is not to be
// paginated — DRF's paginate_queryset returning None — leaving l.Into alone. A page that
// does not exist is a 404 *rest.Error in DRF's words. One value serves every request: keep
// it stateless.
type Paginator interface {
	Paginate(r *rest.Request, l List) (Page, error)
}

// List is what a paginator pages.
type List struct {
	// Query is the filtered list, neither ordered nor limited; it may be run more than
	// once (a gorm Session).
	Query *gorm.DB
	// Order is the ordering the request asked for (OrderingFilter's), nil for none.
	Order []filters.Order
	// Model knows the primary key, which makes every order total.
	Model filters.Model
	// Into is a pointer to a slice of the model, which the page is loaded into.
	Into any
}

// Page is one page of a list.
type Page interface {
	// Response is DRF's get_paginated_response data: results (the page's items, rendered)
	// in the paginator's envelope.
	Response(results any) any
}

// None is DRF's pagination_class = None: a view with it lists everything, whatever the
// settings say.
var None Paginator = none{}

type none struct{}

func (none) Paginate(*rest.Request, List) (Page, error) { return nil, nil }

// MaxPageSize is the largest page_size (and limit) a client may ask for when the settings
// build the paginator: max(MaxPageSize, PAGE_SIZE).
const MaxPageSize = 100

// Classes are the paginators that settings name (DEFAULT_PAGINATION_CLASS), by DRF's class
// names, each of PAGE_SIZE items: PageNumber with the page_size parameter, LimitOffset, or
// Cursor ordered by "-created" (the primary key for models without a created field); the
// page_size and limit parameters go up to max(MaxPageSize, PAGE_SIZE). urls.Classes holds
// them beside the application's own.
func Classes() map[string]func(pageSize int) Paginator {
	return map[string]func(int) Paginator{
		"PageNumberPagination": func(size int) Paginator {
			return &PageNumber{PageSize: size, PageSizeQueryParam: "page_size", MaxPageSize: max(MaxPageSize, size)}
		},
		"LimitOffsetPagination": func(size int) Paginator { return &LimitOffset{DefaultLimit: size, MaxLimit: max(MaxPageSize, size)} },
		"CursorPagination":      func(size int) Paginator { return &Cursor{PageSize: size} },
	}
}
