package pagination

import "ginrest/rest"

// The query parameters of the paginators, for the OpenAPI document: DRF's
// get_schema_operation_parameters, in DRF's words.

var (
	_ rest.ParameterDescriber = (*PageNumber)(nil)
	_ rest.ParameterDescriber = (*LimitOffset)(nil)
	_ rest.ParameterDescriber = (*Cursor)(nil)
)

const msgPageSize = "Number of results to return per page."

// SchemaParameters are page and, when the client may choose it, page_size.
func (p *PageNumber) SchemaParameters() []rest.QueryParam {
	page := p.PageQueryParam
	if page == "" {
		page = "page"
	}
	params := []rest.QueryParam{{Name: page, Type: "integer", Description: "A page number within the paginated result set."}}
	if p.PageSizeQueryParam != "" {
		params = append(params, rest.QueryParam{Name: p.PageSizeQueryParam, Type: "integer", Description: msgPageSize})
	}
	return params
}

// SchemaParameters are limit and offset.
func (p *LimitOffset) SchemaParameters() []rest.QueryParam {
	limit, offset := p.LimitQueryParam, p.OffsetQueryParam
	if limit == "" {
		limit = "limit"
	}
	if offset == "" {
		offset = "offset"
	}
	return []rest.QueryParam{
		{Name: limit, Type: "integer", Description: msgPageSize},
		{Name: offset, Type: "integer", Description: "The initial index from which to return the results."},
	}
}

// SchemaParameters are cursor and, when the client may choose it, page_size.
func (c *Cursor) SchemaParameters() []rest.QueryParam {
	cursor := c.CursorQueryParam
	if cursor == "" {
		cursor = "cursor"
	}
	params := []rest.QueryParam{{Name: cursor, Type: "string", Description: "The pagination cursor value."}}
	if c.PageSizeQueryParam != "" {
		params = append(params, rest.QueryParam{Name: c.PageSizeQueryParam, Type: "integer", Description: msgPageSize})
	}
	return params
}

// Counted reports whether p's envelope has a count (DRF's page number and limit/offset
// responses do, a cursor's does not): what the document's paginated schema shows.
func Counted(p Paginator) bool {
	_, cursor := p.(*Cursor)
	return !cursor
}
