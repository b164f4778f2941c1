package pagination

import (
	"strconv"

	"ginrest/filters"
	"ginrest/rest"
)

// LimitOffset is DRF's LimitOffsetPagination: ?limit=10&offset=20, with
//
//	{"count": 42, "next": "http://host/api/notes/?limit=10&offset=30", "previous": "http://host/api/notes/?limit=10&offset=10", "results": [...]}
//
// A limit that is not a positive integer is DefaultLimit, a larger one than MaxLimit is
// MaxLimit; an offset that is not a non-negative integer is 0, one past the end gives no
// results (never an error), as in DRF.
type LimitOffset struct {
	// DefaultLimit is DRF's default_limit (PAGE_SIZE); 0 pages only the requests that
	// give a limit.
	DefaultLimit int
	// MaxLimit caps the limit; 0 leaves it uncapped (DRF's default: mind the cost).
	MaxLimit int
	// LimitQueryParam and OffsetQueryParam are "limit" and "offset" when empty.
	LimitQueryParam, OffsetQueryParam string
}

var _ Paginator = (*LimitOffset)(nil)

type offsetPage struct {
	count      int64
	next, prev *string
}

func (p *offsetPage) Response(results any) any {
	return pageNumberBody{Count: p.count, Next: p.next, Previous: p.prev, Results: results}
}

// Paginate is LimitOffsetPagination.paginate_queryset.
func (p *LimitOffset) Paginate(r *rest.Request, l List) (Page, error) {
	limitParam, offsetParam := p.LimitQueryParam, p.OffsetQueryParam
	if limitParam == "" {
		limitParam = "limit"
	}
	if offsetParam == "" {
		offsetParam = "offset"
	}
	limit := pageSize(r, limitParam, p.DefaultLimit, p.MaxLimit)
	if limit <= 0 {
		return nil, nil
	}
	var offset int64
	if raw, ok := r.QueryParam(offsetParam); ok {
		offset, _ = positiveInt(raw, false, 0)
	}
	var count int64
	if err := l.Query.Count(&count).Error; err != nil {
		return nil, err
	}
	if count > 0 && offset < count {
		q := filters.OrderBy(l.Query, filters.Stable(l.Order, l.Model.PrimaryKey()))
		if err := q.Offset(int(offset)).Limit(int(limit)).Find(l.Into).Error; err != nil {
			return nil, err
		}
	}
	page := &offsetPage{count: count}
	lim := strconv.FormatInt(limit, 10)
	if offset < count-limit { // offset + limit < count, without overflow
		page.next = optional(link(r, limitParam, lim, offsetParam, strconv.FormatInt(offset+limit, 10)), true)
	}
	if offset > 0 {
		prev := "" // no offset parameter for the first page
		if offset-limit > 0 {
			prev = strconv.FormatInt(offset-limit, 10)
		}
		page.prev = optional(link(r, limitParam, lim, offsetParam, prev), true)
	}
	return page, nil
}
