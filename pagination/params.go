package pagination

import (
	"math"
	"strconv"
	"strings"

	"ginrest/rest"
)

// pyInt reads an integer as Python's int(str) does for these parameters: surrounding
// whitespace, a sign and ASCII digits. Too large a number saturates (Python's ints have no
// limit, and every use here only compares it).
func pyInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		n = math.MaxInt64
	}
	if neg {
		return -n, true
	}
	return n, true
}

// positiveInt is DRF's _positive_int: a negative number (and 0 when strict) is refused;
// cutoff > 0 caps the value.
func positiveInt(s string, strict bool, cutoff int64) (int64, bool) {
	n, ok := pyInt(s)
	if !ok || n < 0 || (n == 0 && strict) {
		return 0, false
	}
	if cutoff > 0 {
		n = min(n, cutoff)
	}
	return n, true
}

// pageSize is get_page_size: the client's page size when the paginator takes one, else
// the paginator's.
func pageSize(r *rest.Request, param string, size, maxSize int) int64 {
	if param != "" {
		if raw, ok := r.QueryParam(param); ok {
			if n, ok := positiveInt(raw, true, int64(maxSize)); ok {
				return n
			}
		}
	}
	return int64(size)
}

// link is the request's absolute URL with a query parameter set (replace_query_param) or,
// with value "", removed (remove_query_param). The query is re-encoded sorted by name, as
// DRF's urlencode(sorted(...)) does.
func link(r *rest.Request, key, value string, more ...string) string {
	u := r.AbsoluteURL("")
	q := r.QueryParams()
	set := func(k, v string) {
		if v == "" {
			delete(q, k)
		} else {
			q[k] = []string{v}
		}
	}
	set(key, value)
	for i := 0; i+1 < len(more); i += 2 {
		set(more[i], more[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// optional renders a link that may be absent as JSON null.
func optional(s string, ok bool) *string {
	if !ok {
		return nil
	}
	return &s
}
