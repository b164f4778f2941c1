// Package pagination is DRF's pagination module: PageNumber (?page=), LimitOffset
// (?limit=&offset=) and Cursor (?cursor=, stable under inserts) paginators, used by the
// generic views' lists, with DRF's response shapes, links and error messages.
//
// A generic view whose Pagination is nil uses DEFAULT_PAGINATION_CLASS and PAGE_SIZE
// (FromSettings); None turns pagination off for one view. Links are absolute URLs that
// keep the request's other query parameters (in DRF's order: sorted by name).
package pagination
