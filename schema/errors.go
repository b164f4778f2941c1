package schema

import (
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// DRF's error bodies, as components every operation refers to: {"detail": ..., "code"?:
// ...} for an exception (simplejwt adds "messages" to a refused token), and a map of field
// errors for a validation error.

// errorNames are the responses' names in components, by status.
var errorNames = map[int]string{
	http.StatusBadRequest:            "BadRequest",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "NotFound",
	http.StatusMethodNotAllowed:      "MethodNotAllowed",
	http.StatusNotAcceptable:         "NotAcceptable",
	http.StatusRequestEntityTooLarge: "RequestTooLarge",
	http.StatusUnsupportedMediaType:  "UnsupportedMediaType",
	http.StatusTooManyRequests:       "Throttled",
	http.StatusServiceUnavailable:    "ServiceUnavailable",
}

// errorResponse is the component name of a status's response; a status of its own (a
// view's Errors) gets one named after it.
func errorResponse(code int) string {
	if name, ok := errorNames[code]; ok {
		return name
	}
	return "Error" + http.StatusText(code)
}

const (
	errorSchema      = "#/components/schemas/Error"
	validationSchema = "#/components/schemas/ValidationError"
)

// errorComponents adds the error bodies and a response for each status in errorNames.
func (g *generator) errorComponents() {
	str := func() *openapi3.SchemaRef { return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("string")}} }
	g.doc.Components.Schemas["Error"] = &openapi3.SchemaRef{Value: &openapi3.Schema{
		Type:        types("object"),
		Description: "DRF's exception body: what went wrong, and for simplejwt's token errors a code and the messages of each token class tried.",
		Required:    []string{"detail"},
		Properties: openapi3.Schemas{
			"detail": str(),
			"code":   str(),
			"messages": {Value: &openapi3.Schema{Type: types("array"), Items: &openapi3.SchemaRef{Value: &openapi3.Schema{
				Type: types("object"), AdditionalProperties: openapi3.AdditionalProperties{Schema: str()}}}}},
		},
	}}
	g.doc.Components.Schemas["ValidationError"] = &openapi3.SchemaRef{Value: &openapi3.Schema{
		Type:        types("object"),
		Description: "DRF's validation error: each field's messages by its name (a nested object's, a list item's by theirs), the object's as a whole under non_field_errors.",
		MinProps:    1,
		AdditionalProperties: openapi3.AdditionalProperties{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{
			AnyOf: openapi3.SchemaRefs{
				{Value: &openapi3.Schema{Type: types("array"), Items: str()}},
				{Value: &openapi3.Schema{Type: types("object")}},
			}}}},
	}}
	for code := range errorNames {
		g.errorComponent(code)
	}
}

// bulkBadRequest is the 400 of a view that creates from a list (rest.Operation.Bulk): a
// validation error, an Error, or a ListSerializer's errors, one object per item ({} for a
// valid one).
func (g *generator) bulkBadRequest() *openapi3.ResponseRef {
	const name = "BulkValidationError"
	if r, ok := g.doc.Components.Responses[name]; ok {
		return &openapi3.ResponseRef{Ref: "#/components/responses/" + name, Value: r.Value}
	}
	g.errorComponent(http.StatusBadRequest)
	validation := &openapi3.SchemaRef{Ref: validationSchema, Value: g.doc.Components.Schemas["ValidationError"].Value}
	item := &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: openapi3.SchemaRefs{validation,
		{Value: &openapi3.Schema{Type: types("object"), MaxProps: ptr(uint64(0))}}}}}
	plain := g.doc.Components.Responses[errorResponse(http.StatusBadRequest)].Value.Content.Get("application/json").Schema.Value
	schema := &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: append(append(openapi3.SchemaRefs{}, plain.AnyOf...),
		&openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("array"), Items: item}})}}
	resp := openapi3.NewResponse().WithDescription(http.StatusText(http.StatusBadRequest)).WithContent(jsonContent(schema, nil))
	g.doc.Components.Responses[name] = &openapi3.ResponseRef{Value: resp}
	return &openapi3.ResponseRef{Ref: "#/components/responses/" + name, Value: resp}
}

// errorComponent adds the response of an error status, once.
func (g *generator) errorComponent(code int) {
	name := errorResponse(code)
	if _, ok := g.doc.Components.Responses[name]; ok {
		return
	}
	// References carry their value: kin-openapi validates a document built in code only
	// when every reference is resolved.
	errRef := &openapi3.SchemaRef{Ref: errorSchema, Value: g.doc.Components.Schemas["Error"].Value}
	schema := errRef
	if code == http.StatusBadRequest {
		schema = &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: openapi3.SchemaRefs{
			{Ref: validationSchema, Value: g.doc.Components.Schemas["ValidationError"].Value}, errRef}}}
	}
	resp := openapi3.NewResponse().WithDescription(http.StatusText(code)).WithContent(jsonContent(schema, nil))
	g.doc.Components.Responses[name] = &openapi3.ResponseRef{Value: resp}
}
