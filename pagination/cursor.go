package pagination

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"ginrest/filters"
	"ginrest/rest"
)

// Cursor is DRF's CursorPagination: ?cursor=<opaque>, with
//
//	{"next": "http://host/api/notes/?cursor=cD0yMDI0...", "previous": null, "results": [...]}
//
// and no count. Pages follow the ordering field's values rather than positions, so rows
// inserted or deleted meanwhile never make a client see a row twice or miss one, and the
// cost of a page does not grow with its depth. The ordering is the view's OrderingFilter's
// when it has one (its first field), else Ordering; ties are broken by the primary key,
// which the cursor also carries, so a timestamp shared by many rows is no problem. The
// ordering field must not be null (a pointer field is ignored for the ordering's), and a
// time field must be stored in UTC on SQLite, which compares times as text.
//
// The cursor is DRF's encoding — base64 of a query string with o (offset), r (reverse)
// and p (position) — plus k, the primary key at the position. A cursor that cannot be read
// is 404 {"detail": "Invalid cursor"}; one made under another ordering gives a page from
// that position, as in DRF.
type Cursor struct {
	// PageSize is DRF's page_size (PAGE_SIZE); 0 pages nothing.
	PageSize int
	// Ordering is the field pages follow when the view has no OrderingFilter, by JSON
	// name, "-" in front for descending: "-created" when empty, as DRF's, or the primary
	// key, descending, for a model without a created field.
	Ordering string
	// CursorQueryParam is "cursor" when empty.
	CursorQueryParam string
	// PageSizeQueryParam lets the client choose the page size (DRF's default: it cannot);
	// MaxPageSize caps it.
	PageSizeQueryParam string
	MaxPageSize        int
}

var (
	_ Paginator       = (*Cursor)(nil)
	_ filters.Checker = (*Cursor)(nil)
)

// MsgInvalidCursor is DRF's invalid_cursor_message.
const MsgInvalidCursor = "Invalid cursor"

// offsetCutoff is DRF's offset_cutoff: the largest offset a cursor may carry.
const offsetCutoff = 1000

func invalidCursor() *rest.Error {
	return &rest.Error{Status: http.StatusNotFound, Detail: MsgInvalidCursor}
}

// Check refuses an Ordering that names no usable field.
func (c *Cursor) Check(m filters.Model) error {
	if c.Ordering == "" {
		return nil
	}
	f, ok := m.Field(strings.TrimPrefix(c.Ordering, "-"))
	if !ok || !positionable(f) {
		return fmt.Errorf("pagination.Cursor: Ordering %q names no field of the model that is a number, a string, a bool or a time.Time", c.Ordering)
	}
	return nil
}

// cursorPage is one page and its neighbours' links.
type cursorPage struct {
	next, prev *string
}

type cursorBody struct {
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  any     `json:"results"`
}

func (p *cursorPage) Response(results any) any {
	return cursorBody{Next: p.next, Previous: p.prev, Results: results}
}

// ordering is the field pages follow and its direction.
func (c *Cursor) ordering(l List) (*schema.Field, bool) {
	if len(l.Order) > 0 && positionable(l.Order[0].Field) {
		return l.Order[0].Field, l.Order[0].Desc
	}
	name := c.Ordering
	if name == "" {
		name = "-created"
	}
	desc := strings.HasPrefix(name, "-")
	if f, ok := l.Model.Field(strings.TrimPrefix(name, "-")); ok && positionable(f) {
		return f, desc
	}
	return l.Model.PrimaryKey(), true
}

// Paginate is CursorPagination.paginate_queryset with a (value, primary key) position.
func (c *Cursor) Paginate(r *rest.Request, l List) (Page, error) {
	size := pageSize(r, c.PageSizeQueryParam, c.PageSize, c.MaxPageSize)
	if size <= 0 {
		return nil, nil
	}
	param := c.CursorQueryParam
	if param == "" {
		param = "cursor"
	}
	pk := l.Model.PrimaryKey()
	field, desc := c.ordering(l)
	if pk == nil || field == nil {
		return nil, fmt.Errorf("pagination: cursor pagination needs a primary key")
	}
	keyed := field.DBName != pk.DBName
	var cur cursor
	if raw, _ := r.QueryParam(param); raw != "" {
		var ok bool
		if cur, ok = decodeCursor(raw); !ok {
			return nil, invalidCursor()
		}
	}
	q := l.Query
	if cur.pos != nil {
		value, ok := parseValue(field, cur.pos.value)
		if !ok {
			return nil, invalidCursor()
		}
		op := ">"
		if cur.reverse != desc {
			op = "<"
		}
		col := filters.Column(field)
		if keyed && cur.pos.key != "" {
			key, ok := parseValue(pk, cur.pos.key)
			if !ok {
				return nil, invalidCursor()
			}
			q = q.Where(clause.Expr{SQL: "((? " + op + " ?) OR (? = ? AND ? " + op + " ?))",
				Vars: []any{col, value, col, value, filters.Column(pk), key}})
		} else {
			q = q.Where(clause.Expr{SQL: "? " + op + " ?", Vars: []any{col, value}})
		}
	}
	orderDesc := desc != cur.reverse
	q = q.Order(clause.OrderByColumn{Column: filters.Column(field), Desc: orderDesc})
	if keyed {
		q = q.Order(clause.OrderByColumn{Column: filters.Column(pk), Desc: orderDesc})
	}
	if err := q.Offset(int(cur.offset)).Limit(int(size) + 1).Find(l.Into).Error; err != nil {
		return nil, err
	}
	items := reflect.ValueOf(l.Into).Elem()
	following := items.Len() > int(size)
	if following {
		items.Set(items.Slice(0, int(size)))
	}
	if cur.reverse {
		swap := reflect.Swapper(items.Interface())
		for i, j := 0, items.Len()-1; i < j; i, j = i+1, j-1 {
			swap(i, j)
		}
	}
	hasNext, hasPrev := following, cur.pos != nil || cur.offset > 0
	if cur.reverse {
		hasNext, hasPrev = hasPrev, following
	}
	at := func(i int) *position {
		p := &position{value: formatValue(field.ReflectValueOf(r.Context(), items.Index(i)))}
		if keyed {
			p.key = formatValue(pk.ReflectValueOf(r.Context(), items.Index(i)))
		}
		return p
	}
	page := &cursorPage{}
	if hasNext {
		pos := cur.pos
		if n := items.Len(); n > 0 {
			pos = at(n - 1)
		}
		page.next = optional(link(r, param, cursor{pos: pos}.encode()), true)
	}
	if hasPrev {
		pos := cur.pos
		if items.Len() > 0 {
			pos = at(0)
		}
		page.prev = optional(link(r, param, cursor{reverse: true, pos: pos}.encode()), true)
	}
	return page, nil
}

// position is where a page starts or ends: the ordering field's value and the primary
// key's ("" when the ordering field is the primary key, or in a cursor DRF made).
type position struct {
	value, key string
}

// cursor is DRF's Cursor(offset, reverse, position).
type cursor struct {
	offset  int64
	reverse bool
	pos     *position
}

// encode is encode_cursor without the URL: base64 of o, r, p (and k) as a query string.
func (c cursor) encode() string {
	tokens := url.Values{}
	if c.offset != 0 {
		tokens.Set("o", strconv.FormatInt(c.offset, 10))
	}
	if c.reverse {
		tokens.Set("r", "1")
	}
	if c.pos != nil {
		tokens.Set("p", c.pos.value)
		if c.pos.key != "" {
			tokens.Set("k", c.pos.key)
		}
	}
	return base64.StdEncoding.EncodeToString([]byte(tokens.Encode()))
}

// decodeCursor is decode_cursor: anything that does not read back as a cursor is false.
func decodeCursor(raw string) (cursor, bool) {
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return cursor{}, false
	}
	for _, c := range b {
		if c >= 0x80 { // DRF decodes the query string as ASCII
			return cursor{}, false
		}
	}
	tokens := rest.ParseQuery(string(b)) // DRF's parse_qs
	var c cursor
	if o, ok := tokens["o"]; ok {
		if c.offset, ok = positiveInt(o[0], false, offsetCutoff); !ok {
			return cursor{}, false
		}
	}
	if rv, ok := tokens["r"]; ok {
		n, ok := pyInt(rv[0])
		if !ok {
			return cursor{}, false
		}
		c.reverse = n != 0
	}
	if p, ok := tokens["p"]; ok {
		c.pos = &position{value: p[0]}
		if k, ok := tokens["k"]; ok {
			c.pos.key = k[0]
		}
	}
	return c, true
}

// positionable reports whether a field's values can be written in a cursor and compared:
// numbers, strings, bools and times, not null.
func positionable(f *schema.Field) bool {
	if f == nil || f.FieldType.Kind() == reflect.Pointer {
		return false
	}
	switch f.FieldType.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String, reflect.Bool:
		return true
	}
	return f.FieldType == reflect.TypeFor[time.Time]()
}

// formatValue writes a field's value in a cursor; times in UTC to the nanosecond.
func formatValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	if t, ok := v.Interface().(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return ""
}

// parseValue reads a cursor's value back as the field's type.
func parseValue(f *schema.Field, s string) (any, bool) {
	var v any
	var err error
	switch f.FieldType.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v, err = strconv.ParseInt(s, 10, 64)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v, err = strconv.ParseUint(s, 10, 64)
	case reflect.Float32, reflect.Float64:
		var x float64
		x, err = strconv.ParseFloat(s, 64)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		v = x
	case reflect.String:
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 { // PostgreSQL refuses both
			return nil, false
		}
		return s, true
	case reflect.Bool:
		v, err = strconv.ParseBool(s)
	default:
		var t time.Time
		t, err = time.Parse(time.RFC3339Nano, s)
		v = t.UTC()
	}
	return v, err == nil
}
