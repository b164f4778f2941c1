package renderers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"ginrest/rest"
)

// formsData are the page's forms (DRF's raw data form and HTML form): one of each, with a
// button per method the caller may use, over the fields of the first method's serializer.
type formsData struct {
	Methods        []string
	Fields         []field // the HTML form's; none when the view describes no fields
	NonFieldErrors []string
	Raw            string // the raw form's JSON
}

// field is one input of the HTML form.
type field struct {
	Name, Label, Help string
	Kind              string // checkbox, select, number, textarea, password, email, url, text, file
	Accept            string // a file input's accepted types: image/* for an ImageField
	Required          bool
	Value             string
	Checked           bool
	Choices           []choice
	Errors            []string
	MaxLength         int
}

type choice struct {
	Value, Label string
	Selected     bool
}

// forms builds the forms of p: empty for a POST (a new object), filled with the object
// for a PUT (DRF fills them with serializer.instance), and, when the request was one of
// the forms' methods and was refused 400, with what was sent and the errors next to the
// fields (DRF's get_rendered_html_form with request.data).
func forms(p *rest.Page, data map[string]any) *formsData {
	if len(p.Forms) == 0 {
		return nil
	}
	fd := &formsData{}
	for _, f := range p.Forms {
		fd.Methods = append(fd.Methods, f.Method)
	}
	values := map[string]any{}
	var errs map[string]any
	r := p.Request
	switch {
	case p.Status == http.StatusBadRequest && slices.Contains(fd.Methods, r.HTTP.Method):
		if sent, err := r.Data(); err == nil {
			if m, ok := sent.(map[string]any); ok {
				values = m
			}
		}
		errs = data
	case slices.Contains(fd.Methods, http.MethodPut) && p.Status == http.StatusOK && data != nil:
		values = data
	}
	raw := map[string]any{}
	var rawKeys []string
	for _, info := range p.Forms[0].Fields {
		if info.ReadOnly {
			continue
		}
		f, ok := newField(info, values[info.Name])
		f.Errors = messages(errs[info.Name])
		if v, sent := values[info.Name]; sent {
			raw[info.Name] = v
		} else {
			raw[info.Name] = initial(info)
		}
		rawKeys = append(rawKeys, info.Name)
		if ok {
			fd.Fields = append(fd.Fields, f)
		}
	}
	fd.NonFieldErrors = messages(errs["non_field_errors"])
	if len(fd.Fields) > 0 && errs != nil {
		if d := messages(errs["detail"]); d != nil {
			fd.NonFieldErrors = append(fd.NonFieldErrors, d...)
		}
	}
	fd.Raw = rawJSON(rawKeys, raw)
	return fd
}

// newField is the input for a described field; ok is false for what an HTML form cannot
// hold (lists and nested objects, as DRF's "Lists are not currently supported in HTML
// input"): those are sent with the raw form.
func newField(info rest.FieldInfo, value any) (field, bool) {
	f := field{Name: info.Name, Label: info.Label, Help: info.HelpText, Required: info.Required, MaxLength: info.MaxLength}
	if f.Label == "" {
		f.Label = label(info.Name)
	}
	switch info.Type {
	case "boolean":
		f.Kind = "checkbox"
		f.Checked = truthy(value)
		return f, true
	case "choice":
		f.Kind = "select"
		for _, c := range info.Choices {
			v := text(c.Value)
			f.Choices = append(f.Choices, choice{Value: v, Label: c.DisplayName, Selected: value != nil && v == text(value)})
		}
		return f, true
	case "file upload", "image upload":
		// DRF's FileField and ImageField: a file input; a form with a file chosen goes as
		// multipart, and one left empty is not sent (the stored file stays).
		f.Kind = "file"
		if info.Type == "image upload" {
			f.Accept = "image/*"
		}
		return f, true
	case "integer", "float", "decimal":
		f.Kind = "number"
	case "email", "url":
		f.Kind = info.Type
	case "string", "datetime", "date", "time", "duration", "uuid", "slug", "ip":
		switch {
		case strings.Contains(info.Name, "password"):
			f.Kind = "password"
		case info.Type == "string" && info.MaxLength == 0:
			f.Kind = "textarea" // unbounded text: DRF's TextField
		default:
			f.Kind = "text"
		}
	default:
		return f, false
	}
	if value != nil && f.Kind != "password" {
		f.Value = text(value)
	}
	return f, true
}

// label is DRF's default label: the name with spaces for underscores, first letter upper.
func label(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// initial is a field's value in an empty raw form, as DRF's raw form shows an empty
// serializer's data: "" for text, false for a box, null for the rest.
func initial(info rest.FieldInfo) any {
	switch info.Type {
	case "boolean":
		return false
	case "string", "email", "url", "slug":
		return ""
	}
	return nil
}

// text is a value as an input holds it.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case []string: // a form field sent twice
		if len(v) > 0 {
			return v[len(v)-1]
		}
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// truthy is a box's state from a value: DRF's BooleanField's true values.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		switch strings.ToLower(v) {
		case "true", "1", "on", "yes", "y", "t":
			return true
		}
	}
	return false
}

// messages are a field's errors as the response gives them: a list of messages, or one.
func messages(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, m := range v {
			out = append(out, text(m))
		}
		return out
	}
	return []string{text(v)}
}

// rawJSON is the raw form's content: the fields in the serializer's order, indented.
func rawJSON(keys []string, values map[string]any) string {
	var b strings.Builder
	b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(",")
		}
		name, _ := json.Marshal(k)
		value, err := indentJSON(values[k])
		if err != nil {
			value = []byte("null")
		}
		fmt.Fprintf(&b, "\n    %s: %s", name, value)
	}
	if len(keys) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.String()
}
