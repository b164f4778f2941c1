package filters

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"ginrest/rest"
)

// Search is DRF's SearchFilter: ?search=milk eggs keeps the rows in which every term is
// found, case-insensitively, in at least one of Fields (terms are separated by spaces or
// commas, and ANDed; fields are ORed). A field may be prefixed as in DRF: "^title" matches
// the start of the value, "=title" the whole value; plain is "contains".
//
// Case-insensitivity is the database's: ILIKE on PostgreSQL (Unicode letters), LIKE on
// SQLite, which folds ASCII letters only — Django's icontains has the same limit there.
// LIKE's wildcards in a term (%, _) are matched literally.
//
// The parameter may hold at most MaxSearchLength characters and MaxSearchTerms terms;
// longer is a 400 {"search": [...]} (DRF does not limit them; a database does, with a 500).
type Search struct {
	// Fields are DRF's search_fields, by JSON name.
	Fields []string
	// Param is the query parameter, "search" when empty (DRF's SEARCH_PARAM).
	Param string
}

// The limits of a search parameter.
const (
	MaxSearchLength = 1000
	MaxSearchTerms  = 32
)

var (
	_ Backend = Search{}
	_ Checker = Search{}
)

func (s Search) param() string {
	if s.Param == "" {
		return "search"
	}
	return s.Param
}

// Check refuses fields the model does not have, and DRF's prefixes that are not supported
// ("@" full-text, "$" regex).
func (s Search) Check(m Model) error {
	for _, name := range s.Fields {
		lookup, field := splitLookup(name)
		if lookup == '@' || lookup == '$' {
			return fmt.Errorf("filters.Search: %q: the %q prefix is not supported (use ^, = or none)", name, lookup)
		}
		if _, ok := m.Field(field); !ok {
			return fmt.Errorf("filters.Search: the model has no field %q with a column", field)
		}
	}
	return nil
}

func splitLookup(name string) (byte, string) {
	if name != "" && strings.IndexByte("^=@$", name[0]) >= 0 {
		return name[0], name[1:]
	}
	return 0, name
}

// Filter is SearchFilter.filter_queryset.
func (s Search) Filter(r *rest.Request, q *gorm.DB, m Model) (*gorm.DB, error) {
	raw, _ := r.QueryParam(s.param())
	terms, err := searchTerms(raw)
	if err != nil {
		return nil, rest.ValidationError(map[string]any{s.param(): []string{err.Error()}})
	}
	if len(terms) == 0 || len(s.Fields) == 0 {
		return q, nil
	}
	pg := isPostgres(q)
	for _, term := range terms {
		either := make([]clause.Expression, 0, len(s.Fields))
		for _, name := range s.Fields {
			lookup, field := splitLookup(name)
			f, ok := m.Field(field)
			if !ok {
				continue // Check refuses this at startup
			}
			either = append(either, like(pg, f, lookup, term))
		}
		if len(either) > 0 {
			q = q.Where(clause.Or(either...))
		}
	}
	return q, nil
}

// searchTerms is get_search_terms: NUL characters dropped, commas as spaces, split on
// whitespace; within the limits.
func searchTerms(raw string) ([]string, error) {
	if n := utf8.RuneCountInString(raw); n > MaxSearchLength {
		return nil, fmt.Errorf("Ensure this value has at most %d characters (it has %d).", MaxSearchLength, n)
	}
	raw = strings.ReplaceAll(raw, "\x00", "")
	raw = strings.ReplaceAll(raw, ",", " ")
	terms := strings.Fields(raw)
	if len(terms) > MaxSearchTerms {
		return nil, fmt.Errorf("Ensure this value has at most %d terms (it has %d).", MaxSearchTerms, len(terms))
	}
	return terms, nil
}

// like is Django's icontains (istartswith, iexact by prefix) on the field: the term is a
// parameter, its wildcards escaped.
func like(pg bool, f *schema.Field, lookup byte, term string) clause.Expression {
	pattern := escapeLike(term)
	switch lookup {
	case '^':
		pattern += "%"
	case '=':
	default:
		pattern = "%" + pattern + "%"
	}
	col := Column(f)
	if pg {
		if f.IndirectFieldType.Kind() == reflect.String {
			return clause.Expr{SQL: "? ILIKE ?", Vars: []any{col, pattern}} // backslash is ILIKE's default escape
		}
		return clause.Expr{SQL: "CAST(? AS TEXT) ILIKE ?", Vars: []any{col, pattern}}
	}
	return clause.Expr{SQL: `? LIKE ? ESCAPE '\'`, Vars: []any{col, pattern}}
}

// escapeLike makes LIKE's wildcards and its escape character literal.
func escapeLike(s string) string {
	return likeEscaper.Replace(s)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
