package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"ginrest/rest"
)

// The JSON Schemas of bodies: from a serializer's fields (what OPTIONS describes), or
// from a Go value's type (what a view declares in its Schema).

// mode is which side of a serializer a schema shows, drf-spectacular's
// COMPONENT_SPLIT_REQUEST: the representation, the input, or a PATCH's input.
type mode uint8

const (
	// response: every field but the write-only ones, each always present.
	response mode = iota
	// request: every field but the read-only ones, required as the serializer requires.
	request
	// patch: a request where nothing is required (partial=True).
	patch
)

func types(t ...string) *openapi3.Types { v := openapi3.Types(t); return &v }

// fieldsSchema is the object a serializer reads or renders.
func fieldsSchema(fields rest.Fields, m mode) *openapi3.Schema {
	s := &openapi3.Schema{Type: types("object"), Properties: openapi3.Schemas{}}
	for _, f := range fields {
		switch {
		case m == response && f.WriteOnly, m != response && f.ReadOnly:
			continue
		}
		fs := fieldSchema(f)
		if m == response {
			fs.WriteOnly = false
		} else {
			fs.ReadOnly = false
		}
		if f.Type == "file upload" || f.Type == "image upload" {
			// drf-spectacular's FileField: an upload in, its URL out (null for none). Its
			// max_length is the file name's, no bound of the content.
			fs.Format, fs.Type, fs.MaxLength = "binary", types("string"), nil
			if m == response {
				fs.Format, fs.Type = "uri", types("string", "null")
			}
		}
		s.Properties[f.Name] = &openapi3.SchemaRef{Value: fs}
		if m == response || (m == request && f.Required) {
			s.Required = append(s.Required, f.Name)
		}
	}
	return s
}

// fieldSchema is one field as drf-spectacular maps DRF's fields: CharField a string,
// EmailField format email, a ChoiceField an enum, a nested serializer an object...
func fieldSchema(f rest.FieldInfo) *openapi3.Schema {
	s := &openapi3.Schema{ReadOnly: f.ReadOnly, WriteOnly: f.WriteOnly, Description: f.HelpText}
	if f.Related != nil {
		return relatedSchema(f, s)
	}
	t := "string"
	switch f.Type {
	case "email":
		s.Format = "email"
	case "url":
		s.Format = "uri"
	case "datetime":
		s.Format = "date-time"
	case "integer":
		t = "integer"
	case "float":
		t, s.Format = "number", "double"
	case "boolean":
		t = "boolean"
	case "choice":
		for _, c := range f.Choices {
			s.Enum = append(s.Enum, c.Value)
			if _, isString := c.Value.(string); !isString {
				t = "integer"
			}
		}
	case "nested object":
		obj := fieldsSchema(f.Children, response)
		obj.ReadOnly, obj.WriteOnly, obj.Description = s.ReadOnly, s.WriteOnly, s.Description
		s, t = obj, "object"
	case "list", "field":
		if f.Child == nil {
			t = ""
			break
		}
		t = "array"
		child := fieldSchema(*f.Child)
		if f.Child.Children != nil {
			child = fieldsSchema(f.Child.Children, response)
		}
		s.Items = &openapi3.SchemaRef{Value: child}
	}
	switch t {
	case "string":
		if f.MaxLength > 0 {
			s.MaxLength = ptr(uint64(f.MaxLength))
		}
		s.MinLength = uint64(f.MinLength)
	case "array":
		if f.MaxLength > 0 {
			s.MaxItems = ptr(uint64(f.MaxLength))
		}
		s.MinItems = uint64(f.MinLength)
	case "integer", "number":
		s.Min, s.Max = number(f.MinValue), number(f.MaxValue)
	}
	if t != "" {
		s.Type = types(t)
		if f.Nullable {
			s.Type = types(t, "null")
		}
	}
	return s
}

// relatedSchema is a relational field as drf-spectacular maps it: PrimaryKeyRelatedField
// the related primary key's type, SlugRelatedField the slug's, a hyperlinked field a
// string of format uri, StringRelatedField a string; many=True an array of those.
func relatedSchema(f rest.FieldInfo, s *openapi3.Schema) *openapi3.Schema {
	item := s
	if f.Related.Many {
		item = &openapi3.Schema{}
		s.Type, s.Items = types("array"), &openapi3.SchemaRef{Value: item}
	}
	item.Type, item.Format = types(f.Related.Type), f.Related.Format
	if f.Nullable && !f.Related.Many {
		item.Type = types(f.Related.Type, "null")
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func number(v any) *float64 {
	switch n := v.(type) {
	case int64:
		return ptr(float64(n))
	case float64:
		return ptr(n)
	}
	return nil
}

var (
	timeType   = reflect.TypeFor[time.Time]()
	fieldsType = reflect.TypeFor[rest.Fields]()
	rawType    = reflect.TypeFor[json.RawMessage]()
)

// typeSchema is the schema of v's Go type as encoding/json renders it: a struct by its
// json tags (omitempty: not required), a pointer nullable, a map an object. rest.Fields
// are a serializer's representation; a rest.OneOf is a oneOf of its alternatives'.
func typeSchema(v any) *openapi3.SchemaRef {
	switch v := v.(type) {
	case rest.Fields:
		return &openapi3.SchemaRef{Value: fieldsSchema(v, response)}
	case rest.OneOf:
		s := &openapi3.Schema{}
		for _, alt := range v {
			s.OneOf = append(s.OneOf, typeSchema(alt))
		}
		return &openapi3.SchemaRef{Value: s}
	}
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem() // a handler's body is what its pointer points to: never null
	}
	s := goSchema(t, 0)
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && !rv.IsNil() {
		s.Type = types("array") // declared as a made slice: the body is a list, never null
	}
	return &openapi3.SchemaRef{Value: s}
}

func goSchema(t reflect.Type, depth int) *openapi3.Schema {
	if depth > 8 { // a type that contains itself: described to some depth, then anything
		return &openapi3.Schema{}
	}
	if t == nil || t == rawType || t.Kind() == reflect.Interface {
		return &openapi3.Schema{}
	}
	if t.Kind() == reflect.Pointer {
		s := goSchema(t.Elem(), depth+1)
		if s.Type != nil {
			s.Type = types(append(s.Type.Slice(), "null")...)
		}
		return s
	}
	switch {
	case t == timeType:
		return &openapi3.Schema{Type: types("string"), Format: "date-time"}
	case t == fieldsType:
		return &openapi3.Schema{Type: types("object")}
	}
	switch t.Kind() {
	case reflect.String:
		return &openapi3.Schema{Type: types("string")}
	case reflect.Bool:
		return &openapi3.Schema{Type: types("boolean")}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &openapi3.Schema{Type: types("integer")}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &openapi3.Schema{Type: types("integer"), Min: ptr(0.0)}
	case reflect.Float32, reflect.Float64:
		return &openapi3.Schema{Type: types("number")}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &openapi3.Schema{Type: types("string"), Format: "byte"}
		}
		// A nil slice renders as null.
		return &openapi3.Schema{Type: types("array", "null"), Items: &openapi3.SchemaRef{Value: goSchema(t.Elem(), depth+1)}}
	case reflect.Map:
		return &openapi3.Schema{Type: types("object"), AdditionalProperties: openapi3.AdditionalProperties{
			Schema: &openapi3.SchemaRef{Value: goSchema(t.Elem(), depth+1)}}}
	case reflect.Struct:
		s := &openapi3.Schema{Type: types("object"), Properties: openapi3.Schemas{}}
		structFields(s, t, depth)
		if len(s.Properties) == 0 { // struct{}: {} and nothing else, as verify answers
			s.AdditionalProperties = openapi3.AdditionalProperties{Has: ptr(false)}
		}
		return s
	}
	return &openapi3.Schema{}
}

// structFields adds t's fields to s as encoding/json names them, embedded structs
// flattened.
func structFields(s *openapi3.Schema, t reflect.Type, depth int) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			structFields(s, sf.Type, depth)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		s.Properties[name] = &openapi3.SchemaRef{Value: goSchema(sf.Type, depth+1)}
		if !strings.Contains(","+opts+",", ",omitempty,") && !strings.Contains(","+opts+",", ",omitzero,") {
			s.Required = append(s.Required, name)
		}
	}
}

// jsonContent is a JSON body of schema s, with an example when one is given.
func jsonContent(s *openapi3.SchemaRef, example any) openapi3.Content {
	mt := &openapi3.MediaType{Schema: s}
	if example != nil {
		mt.Example = plainJSON(example)
	}
	return openapi3.Content{"application/json": mt}
}

// bodyContent is a request body in the media types the parsers read, as drf-spectacular
// lists DRF's parsers: JSON, a form, multipart.
func bodyContent(s *openapi3.SchemaRef, example any) openapi3.Content {
	c := jsonContent(s, example)
	c["application/x-www-form-urlencoded"] = &openapi3.MediaType{Schema: s}
	c["multipart/form-data"] = &openapi3.MediaType{Schema: s}
	return c
}

func equalJSON(a, b any) (bool, error) {
	ja, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	jb, err := json.Marshal(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ja, jb), nil
}

// plainJSON is v as encoding/json renders it, read back into maps and slices: an example
// as the validator and the document's encoders see it. A value that does not render is
// kept as it is, and the document's validation reports it.
func plainJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}
