package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// FieldInfo describes one serializer field for OPTIONS, as DRF's SimpleMetadata does: its
// keys in DRF's order, the optional ones left out when unset as DRF leaves out None and "".
type FieldInfo struct {
	Name     string `json:"-"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
	ReadOnly bool   `json:"read_only"`
	// WriteOnly and Nullable are not in DRF's OPTIONS, which says nothing of them; the
	// OpenAPI document needs them (writeOnly, a null type).
	WriteOnly bool   `json:"-"`
	Nullable  bool   `json:"-"`
	Label     string `json:"label,omitempty"`
	HelpText  string `json:"help_text,omitempty"`
	MinLength int    `json:"min_length,omitempty"`
	MaxLength int    `json:"max_length,omitempty"`
	// MinValue and MaxValue are numbers (int64 or float64) when set.
	MinValue any `json:"min_value,omitempty"`
	MaxValue any `json:"max_value,omitempty"`
	// Child describes the items of a list ("list", or "field" for a list of objects).
	Child *FieldInfo `json:"child,omitempty"`
	// Children describes the fields of a "nested object".
	Children Fields `json:"children,omitempty"`
	// Choices are a "choice" field's values.
	Choices []Choice `json:"choices,omitempty"`
	// Related is a relational field's value as the OpenAPI document types it (as
	// drf-spectacular does); OPTIONS calls every related field "field", as DRF 3.14 does,
	// so it is not rendered there. Nil for other fields.
	Related *Related `json:"-"`
}

// Related is what a relational field's value is in JSON: Type "integer" or "string" (the
// related primary key's or slug's type, a String(), a URL with Format "uri"), a list of
// them when Many.
type Related struct {
	Type, Format string
	Many         bool
}

// Choice is one value of a choice field, as DRF lists it for OPTIONS.
type Choice struct {
	Value       any    `json:"value"`
	DisplayName string `json:"display_name"`
}

// Fields is an ordered set of field descriptions; it renders as a JSON object in order.
type Fields []FieldInfo

func (fs Fields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(f.Name)
		info, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(info)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type metadata struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Renders     []string          `json:"renders"`
	Parses      []string          `json:"parses"`
	Actions     map[string]Fields `json:"actions,omitempty"`
}

// options is the OPTIONS handler every view has: DRF's SimpleMetadata. Actions are listed
// for PUT and POST only where the caller would be allowed to use them: the permissions are
// checked against a copy of the request carrying that method, as DRF's clone_request does,
// so IsAuthenticatedOrReadOnly hides them from an anonymous OPTIONS.
func (h *Handler) options(r *Request) (*Response, error) {
	md := metadata{Name: h.base.Name, Description: h.base.Description, Renders: Renders, Parses: MediaTypes}
	if d, ok := h.view.(ActionDescriber); ok {
		for _, method := range []string{http.MethodPut, http.MethodPost} {
			if _, allowed := h.methods[method]; !allowed {
				continue
			}
			if h.checkPermissions(withMethod(r, method)) != nil {
				continue
			}
			if md.Actions == nil {
				md.Actions = map[string]Fields{}
			}
			md.Actions[method] = d.Describe(method)
		}
	}
	return OK(md), nil
}

// withMethod is DRF's clone_request: the same request (user, auth, body) with another method.
func withMethod(r *Request, method string) *Request {
	c := *r
	c.HTTP = r.HTTP.WithContext(r.HTTP.Context())
	c.HTTP.Method = method
	c.ctx.r = &c
	return &c
}

// nameFromType is DRF's get_view_name: the type's name without a "View" suffix, split
// into words at capitals.
func nameFromType(view any) string {
	name := fmt.Sprintf("%T", view)
	// A generic view's type names its type arguments, dots and all:
	// *generics.ListCreate[ginrest/models.Note] is "List Create", not "Note]".
	name, _, _ = strings.Cut(name, "[")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return CamelCaseToSpaces(strings.TrimSuffix(name, "View"))
}

// CamelCaseToSpaces is DRF's camelcase_to_spaces, how a class name becomes a view's name:
// "TokenObtainPair" → "Token Obtain Pair", "APIRoot" → "API Root".
func CamelCaseToSpaces(name string) string {
	var b strings.Builder
	runes := []rune(name)
	for i, c := range runes {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]))) {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
