package filters

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"ginrest/rest"
	"ginrest/serializers"
)

// Exact is django-filter's DjangoFilterBackend with filterset_fields: ?done=true keeps the
// rows whose field equals the value. Values are read as django-filter's rest_framework
// FilterSet reads them for the field's type:
//
//	bool          true/1 and false/0, any case; anything else filters nothing (BooleanWidget)
//	int…, uint…   an integer; a number that is not one matches no row; anything else is
//	              400 {"field": ["Enter a number."]}
//	float…        a number, else 400 {"field": ["Enter a number."]}
//	string        the value, stripped; a NUL character is 400 {"field": ["Null characters are not allowed."]}
//	time.Time     ISO 8601, else 400 {"field": ["Enter a valid date/time."]}
//
// An empty value filters nothing; a repeated parameter counts by its last value (Django's
// QueryDict); all the fields' errors come in one 400. Times are compared in UTC: on SQLite,
// which compares them as text, store them in UTC (models.Note does).
type Exact struct {
	// Fields are django-filter's filterset_fields, by JSON name.
	Fields []string
}

var (
	_ Backend = Exact{}
	_ Checker = Exact{}
)

// Django's and django-filter's messages.
const (
	MsgEnterNumber    = "Enter a number."
	MsgEnterDateTime  = "Enter a valid date/time."
	MsgNullCharacters = "Null characters are not allowed."
)

// Check refuses fields the model does not have or whose type cannot be filtered.
func (e Exact) Check(m Model) error {
	for _, name := range e.Fields {
		f, ok := m.Field(name)
		if !ok {
			return fmt.Errorf("filters.Exact: the model has no field %q with a column", name)
		}
		if kindOf(f) == kindOther {
			return fmt.Errorf("filters.Exact: field %q is a %s, which has no filter (bool, integers, floats, strings and time.Time do)", name, f.IndirectFieldType)
		}
	}
	return nil
}

// Filter is DjangoFilterBackend.filter_queryset for exact lookups.
func (e Exact) Filter(r *rest.Request, q *gorm.DB, m Model) (*gorm.DB, error) {
	var errs map[string]any
	for _, name := range e.Fields {
		raw, _ := r.QueryParam(name)
		f, ok := m.Field(name)
		if !ok || raw == "" {
			continue
		}
		cond, msg := exactCondition(f, raw)
		if msg != "" {
			if errs == nil {
				errs = map[string]any{}
			}
			errs[name] = []string{msg}
			continue
		}
		if cond != nil {
			q = q.Where(cond)
		}
	}
	if errs != nil {
		return nil, rest.ValidationError(errs)
	}
	return q, nil
}

type filterKind uint8

const (
	kindOther filterKind = iota
	kindBool
	kindInt
	kindUint
	kindFloat
	kindString
	kindTime
)

var timeType = reflect.TypeFor[time.Time]()

func kindOf(f *schema.Field) filterKind {
	t := f.IndirectFieldType
	switch t.Kind() {
	case reflect.Bool:
		return kindBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kindInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return kindUint
	case reflect.Float32, reflect.Float64:
		return kindFloat
	case reflect.String:
		return kindString
	case reflect.Struct:
		if t == timeType {
			return kindTime
		}
	}
	return kindOther
}

// decimal is what Python's Decimal (django-filter's NumberFilter) reads, infinities and
// NaN aside, which DecimalField refuses.
var decimal = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// matchNothing is the condition of a value no row can have (1.5 for an integer field).
var matchNothing = clause.Expr{SQL: "1 = 0"}

// exactCondition reads raw for the field: a condition, nil to filter nothing, or a message.
func exactCondition(f *schema.Field, raw string) (clause.Expression, string) {
	eq := func(v any) clause.Expression { return clause.Eq{Column: Column(f), Value: v} }
	switch kindOf(f) {
	case kindBool:
		switch strings.ToLower(raw) {
		case "true", "1":
			return eq(true), ""
		case "false", "0":
			return eq(false), ""
		}
		return nil, ""
	case kindInt, kindUint:
		s := strings.TrimSpace(raw)
		if s == "" {
			return nil, ""
		}
		if !decimal.MatchString(s) {
			return nil, MsgEnterNumber
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if kindOf(f) == kindUint && n < 0 {
				return matchNothing, ""
			}
			return eq(n), ""
		}
		if n, err := strconv.ParseUint(strings.TrimPrefix(s, "+"), 10, 64); err == nil && kindOf(f) == kindUint {
			return eq(n), ""
		}
		return matchNothing, "" // a number no integer column holds
	case kindFloat:
		s := strings.TrimSpace(raw)
		if s == "" {
			return nil, ""
		}
		x, err := strconv.ParseFloat(s, 64)
		if !decimal.MatchString(s) || (err != nil && !math.IsInf(x, 0)) {
			return nil, MsgEnterNumber
		}
		if math.IsInf(x, 0) {
			return matchNothing, ""
		}
		return eq(x), ""
	case kindString:
		s := strings.TrimSpace(raw)
		if strings.IndexByte(s, 0) >= 0 {
			return nil, MsgNullCharacters
		}
		if s == "" {
			return nil, ""
		}
		return eq(s), ""
	case kindTime:
		s := strings.TrimSpace(raw)
		if s == "" {
			return nil, ""
		}
		t, ok := serializers.ParseDateTime(s)
		if !ok {
			return nil, MsgEnterDateTime
		}
		return eq(t), ""
	}
	return nil, ""
}
