package serializers

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
)

// Form input is read as DRF reads HTML input (a QueryDict: html.is_html_input), because a
// form cannot say null, false or "no list": its values are all strings, an unchecked box
// is not sent, and a list is a repeated key. So, as DRF's get_value methods do:
//
//   - an absent boolean is false (or its default), as an unchecked checkbox;
//   - "" for a nullable field is null (unless it allows blank); "" for a field that is not
//     required is absent, so its default applies;
//   - a list is every value of its key ("tags=a&tags=b"), or indexed keys ("tags[0]=a");
//     a multiple choice field absent from a form is the empty selection;
//   - a nested object or a map is its dotted keys ("address.city=Paris");
//   - a JSONField's value is JSON text, parsed.
//
// On PATCH (partial) an absent field stays absent whatever its type.
//
// Form input reaches a serializer as url.Values: given to Validate directly, or found by
// rest.Request.Form when the data is the request's parsed form body.

// jsonText is a JSONField's form value: JSON text to parse, DRF's JSONString.
type jsonText string

// formValue is Field.get_value for HTML input: the field's raw value from a form, and
// whether it is present (DRF's "empty" when not).
func formValue(f *field, form url.Values, partial bool) (any, bool) {
	if f.rel != nil {
		return formRelated(f, form, partial)
	}
	values, present := form[f.name]
	if !present && partial {
		return nil, false
	}
	switch {
	case f.kind == kindList && f.multiple:
		return formStrings(values), true
	case f.kind == kindList:
		if len(values) > 0 {
			return formStrings(values), true
		}
		items := formList(form, f.name, f.child.kind == kindObject)
		return items, items != nil
	case f.kind == kindObject || f.kind == kindDict:
		d := formDict(form, f.name)
		if len(d) == 0 {
			return nil, false
		}
		if f.kind == kindDict {
			// A DictField's values are scalars: each key's last value.
			m := make(map[string]any, len(d))
			for k, v := range d {
				m[k] = v[len(v)-1]
			}
			return m, true
		}
		return d, true
	case f.kind == kindJSON:
		if !present || len(values) == 0 {
			return nil, false
		}
		return jsonText(values[len(values)-1]), true
	}
	if !present || len(values) == 0 {
		if f.kind == kindBool {
			switch {
			case f.def != nil:
				return "", false // the default applies
			case f.nullable:
				return nil, true
			}
			return false, true
		}
		return nil, false
	}
	v := values[len(values)-1] // QueryDict's [] is the last value
	if v == "" {
		switch {
		case f.nullable && !f.allowBlank:
			return nil, true
		case f.nullable:
			return "", true
		case !f.required && !f.allowBlank:
			return nil, false
		}
	}
	return v, true
}

func formStrings(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// formDict is DRF's parse_html_dict: the keys "prefix.key", as url.Values under "key".
func formDict(form url.Values, prefix string) url.Values {
	out := url.Values{}
	for k, v := range form {
		if len(k) > len(prefix)+1 && k[:len(prefix)] == prefix && k[len(prefix)] == '.' {
			out[k[len(prefix)+1:]] = v
		}
	}
	return out
}

var formIndex = regexp.MustCompile(`^\[([0-9]+)\](.*)$`)

// formList is DRF's parse_html_list: the keys "prefix[0]" (a value) or "prefix[0]key"
// (objects' fields), items in index order; nil when there are none.
func formList(form url.Values, prefix string, objects bool) []any {
	byIndex := map[int]any{}
	for k, v := range form {
		if len(k) <= len(prefix) || k[:len(prefix)] != prefix {
			continue
		}
		m := formIndex.FindStringSubmatch(k[len(prefix):])
		if m == nil {
			continue
		}
		i, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		key := m[2]
		if key == "" {
			byIndex[i] = v[len(v)-1]
			continue
		}
		if !objects {
			continue
		}
		item, ok := byIndex[i].(url.Values)
		if !ok {
			item = url.Values{}
			byIndex[i] = item
		}
		item[key] = v
	}
	if len(byIndex) == 0 {
		return nil
	}
	indexes := make([]int, 0, len(byIndex))
	for i := range byIndex {
		indexes = append(indexes, i)
	}
	slices.Sort(indexes)
	out := make([]any, len(indexes))
	for j, i := range indexes {
		out[j] = byIndex[i]
	}
	return out
}
