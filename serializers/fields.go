package serializers

import (
	"encoding/json"
	"net/url"
	"strings"

	"ginrest/rest"
)

// DRF's field messages.
const (
	MsgRequired  = "This field is required."
	MsgNull      = "This field may not be null."
	MsgBlank     = "This field may not be blank."
	MsgNotString = "Not a valid string."
)

// CharField is DRF's CharField.
type CharField struct {
	Name  string
	Label string
	// Optional fields may be absent; DRF's required=False.
	Optional bool
	// Trim strips surrounding white space from the value (DRF's trim_whitespace, on by
	// default there). Passwords keep it off: ginrest never alters a password.
	Trim bool
	// ReadOnly fields are described but never read from input.
	ReadOnly bool
}

// Describe is the field's OPTIONS entry.
func (f CharField) Describe() rest.FieldInfo {
	return rest.FieldInfo{Name: f.Name, Type: "string", Required: !f.Optional && !f.ReadOnly, ReadOnly: f.ReadOnly, Label: f.Label}
}

// Read takes the field's value from data, recording a problem in errs. Numbers become
// their text, as Python's str() does; objects, lists and booleans are not strings. A value
// that is blank once white space is stripped is refused whether or not Trim is set, and one
// holding a NUL character is refused (DRF's ProhibitNullCharactersValidator).
func (f CharField) Read(data map[string]any, errs Errors) (string, bool) {
	v, present := data[f.Name]
	if !present {
		if !f.Optional {
			errs.Add(f.Name, MsgRequired)
		}
		return "", false
	}
	var s string
	switch x := v.(type) {
	case nil:
		errs.Add(f.Name, MsgNull)
		return "", false
	case string:
		s = x
	case json.Number:
		s = string(x)
	default:
		errs.Add(f.Name, MsgNotString)
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		errs.Add(f.Name, MsgBlank)
		return "", false
	}
	if f.Trim {
		s = strings.TrimSpace(s)
	}
	if strings.IndexByte(s, 0) >= 0 {
		// DRF's ProhibitNullCharactersValidator: a NUL would be cut off or refused by the
		// database and by C code further on (password hashers, logs), so it is never let in.
		errs.Add(f.Name, MsgNullCharacters)
		return "", false
	}
	return s, true
}

// Errors collects validation errors by field, DRF's serializer.errors.
type Errors map[string]any

// Add records a message against a field (or rest.NonFieldErrors).
func (e Errors) Add(field, msg string) {
	list, _ := e[field].([]string)
	e[field] = append(list, msg)
}

// Err is the 400 for the collected errors, or nil if there are none.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return rest.ValidationError(e)
}

// Object is Serializer.to_internal_value's first check: the data must be a JSON object.
func Object(data any) (map[string]any, error) {
	switch v := data.(type) {
	case map[string]any:
		return v, nil
	case url.Values:
		m := make(map[string]any, len(v))
		for k, vs := range v {
			if len(vs) > 0 {
				m[k] = vs[len(vs)-1] // QueryDict's [] is the last value
			}
		}
		return m, nil
	case nil:
		return nil, rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{"No data provided"}})
	}
	return nil, rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{"Invalid data. Expected a dictionary, but got " + pythonType(data) + "."}})
}

// pythonType names a JSON value's type as DRF's message does (Python's type names).
func pythonType(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case map[string]any:
		return "dict"
	case []any:
		return "list"
	case string:
		return "str"
	case bool:
		return "bool"
	}
	if n, ok := number(v); ok {
		if isIntegerText(n) {
			return "int"
		}
		return "float"
	}
	return "object"
}
