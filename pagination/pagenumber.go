package pagination

import (
	"net/http"
	"slices"
	"strconv"

	"ginrest/filters"
	"ginrest/rest"
)

// PageNumber is DRF's PageNumberPagination: ?page=2 (or "last"), with
//
//	{"count": 42, "next": "http://host/api/notes/?page=3", "previous": "http://host/api/notes/", "results": [...]}
//
// A page that does not exist — 0, -1, abc, past the last — is 404 {"detail": "Invalid
// page."}; page 1 of an empty list exists. The client's page size (PageSizeQueryParam)
// must be a positive integer, else PageSize is used, and is capped at MaxPageSize.
type PageNumber struct {
	// PageSize is DRF's page_size (PAGE_SIZE); 0 pages nothing.
	PageSize int
	// PageQueryParam is "page" when empty.
	PageQueryParam string
	// PageSizeQueryParam lets the client choose the page size ("page_size"); empty, as
	// DRF's default, it cannot.
	PageSizeQueryParam string
	// MaxPageSize caps the client's page size; 0 leaves it uncapped.
	MaxPageSize int
	// LastPageStrings name the last page; nil means DRF's ("last").
	LastPageStrings []string
}

var _ Paginator = (*PageNumber)(nil)

// MsgInvalidPage is DRF's invalid_page_message.
const MsgInvalidPage = "Invalid page."

type numberPage struct {
	count      int64
	next, prev *string
}

type pageNumberBody struct {
	Count    int64   `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  any     `json:"results"`
}

func (p *numberPage) Response(results any) any {
	return pageNumberBody{Count: p.count, Next: p.next, Previous: p.prev, Results: results}
}

// Paginate is paginate_queryset with Django's Paginator.
func (p *PageNumber) Paginate(r *rest.Request, l List) (Page, error) {
	size := pageSize(r, p.PageSizeQueryParam, p.PageSize, p.MaxPageSize)
	if size <= 0 {
		return nil, nil
	}
	param := p.PageQueryParam
	if param == "" {
		param = "page"
	}
	var count int64
	if err := l.Query.Count(&count).Error; err != nil {
		return nil, err
	}
	numPages := max(1, (count+size-1)/size) // allow_empty_first_page
	raw, _ := r.QueryParam(param)
	number := int64(1) // `query_params.get(page) or 1`: absent and empty are page 1
	last := p.LastPageStrings
	if last == nil {
		last = []string{"last"}
	}
	switch {
	case raw == "":
	case slices.Contains(last, raw):
		number = numPages
	default:
		n, ok := pyInt(raw)
		if !ok || n < 1 || n > numPages {
			return nil, &rest.Error{Status: http.StatusNotFound, Detail: MsgInvalidPage}
		}
		number = n
	}
	if count > 0 {
		q := filters.OrderBy(l.Query, filters.Stable(l.Order, l.Model.PrimaryKey()))
		if err := q.Offset(int((number - 1) * size)).Limit(int(size)).Find(l.Into).Error; err != nil {
			return nil, err
		}
	}
	page := &numberPage{count: count}
	if number < numPages {
		page.next = optional(link(r, param, strconv.FormatInt(number+1, 10)), true)
	}
	if number > 1 {
		prev := "" // page 1's link has no page parameter
		if number-1 > 1 {
			prev = strconv.FormatInt(number-1, 10)
		}
		page.prev = optional(link(r, param, prev), true)
	}
	return page, nil
}
