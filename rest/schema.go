package rest

import (
	"net/http"
	"reflect"
	"slices"
)

// Schema is what the OpenAPI document (package schema) says of a view beyond what it
// infers from the view's methods, serializer, permissions, throttles, pagination and
// filters: drf-spectacular's @extend_schema and @extend_schema_view, as data next to the
// view's other policies. The zero value infers everything. rest knows nothing of OpenAPI:
// bodies are Go values whose types describe them, and Override is handed kin-openapi's
// *openapi3.Operation as an any.
type Schema struct {
	// Exclude leaves the view out of the document: extend_schema(exclude=True).
	Exclude bool
	// Tags group the view's operations; empty is the path's first segment after /api/.
	Tags []string
	// Operations describe the view's methods, by method ("GET", "POST", ...).
	Operations map[string]Operation
}

// Operation describes one method of a view. Every field left at its zero value is inferred.
type Operation struct {
	Summary, Description string
	// OperationID is unique in the document; empty is derived from the path and method as
	// drf-spectacular does (api_notes_list, api_token_create).
	OperationID string
	Deprecated  bool
	// Exclude leaves this method out of the document.
	Exclude bool
	// Request is the body's fields; nil is what the view describes for OPTIONS
	// (ActionDescriber) for POST, PUT and PATCH, and no body for the other methods.
	Request Fields
	// NoRequest says the method reads no body, whatever Describe lists.
	NoRequest bool
	// Response is the success body's fields (an object, or the items of a List); nil is
	// an object the document does not describe, unless Responses names the success status.
	Response Fields
	// Status is the success status: 0 is 201 for a POST that creates (Created), 204 for
	// DELETE and 200 otherwise.
	Status int
	// Created marks a POST that creates (201), as CreateModelMixin answers.
	Created bool
	// Bulk says the body may also be a list of Request's objects, answered by a list of
	// Response's (generics.BulkCreate): each is one of the object or the list.
	Bulk bool
	// List makes the success body a list of Response, paginated by Paginator (its
	// envelope, and its query parameters) when that is set.
	List      bool
	Paginator any
	// Detail says the path names one object: the operation may answer 404.
	Detail bool
	// Component names Response's (and Request's) schema in the document's components:
	// drf-spectacular names it after the serializer; empty puts it inline.
	Component string
	// Parameters are query parameters; the Filters' and Paginator's (ParameterDescriber)
	// are added to them.
	Parameters []QueryParam
	// Filters are the view's filter backends (DRF's filter_backends), for their parameters.
	Filters []any
	// Responses are bodies by status: a value's Go type describes the body (a struct by
	// its json tags, a slice, a map), a OneOf one of several, a nil value no body. They
	// replace what is inferred for those statuses, the success one included.
	Responses map[int]any
	// Errors are error statuses the operation answers beyond those inferred (400 for a
	// body, 401 and 403 for permissions, 404 for a detail, 415 for a body's media type,
	// 429 for throttles).
	Errors []int
	// Examples are example bodies by status, 0 for the request: rendered as JSON.
	Examples map[int]any
	// Override has the last word: it is given the generated *openapi3.Operation (an any,
	// so that rest imports no OpenAPI library) and may change anything.
	Override func(op any)
}

// Overlay is op with every field that over sets replaced: how a declaration wins over
// what is inferred, as extend_schema's arguments do. A field at its zero value (false, "",
// nil) leaves op's as it is.
func (op Operation) Overlay(over Operation) Operation {
	dst, src := reflect.ValueOf(&op).Elem(), reflect.ValueOf(over)
	for i := range src.NumField() {
		if f := src.Field(i); !f.IsZero() {
			dst.Field(i).Set(f)
		}
	}
	return op
}

// OneOf is a body of one of several shapes, as a Responses value: each alternative is
// described as a Responses value is (a Go value's type, or Fields), and a body matches
// exactly one of them — drf-spectacular's PolymorphicProxySerializer without a
// discriminator. The alternatives must not overlap: give each a required field the others
// lack.
type OneOf []any

// Redirect, as a Responses value, is a redirect: no body, and a Location header.
type Redirect struct{}

// Binary, as a Responses value, is a body of a media type other than JSON (an image), which
// the view renders itself (Response.Body).
type Binary struct{ MediaType string }

// QueryParam is one query parameter of an operation: what DRF's
// get_schema_operation_parameters returns for a filter backend or a paginator.
type QueryParam struct {
	Name, Description string
	// Type is a JSON Schema type ("string", "integer", "boolean"); empty with Field set is
	// the type of the serializer's field of that name (an exact filter).
	Type  string
	Field string
	Enum  []string
}

// ParameterDescriber is implemented by filter backends and paginators that read query
// parameters, so that the document lists them: DRF's get_schema_operation_parameters.
type ParameterDescriber interface {
	SchemaParameters() []QueryParam
}

// OperationDescriber is optionally implemented by a view that knows more of a method than
// its handler does: generic views and viewsets know the action it is bound to, the
// serializer, the filters and the paginator. The view's Schema.Operations are laid over
// what it says.
type OperationDescriber interface {
	DescribeOperation(method string) Operation
}

// What the schema generator asks of a mounted view: the same resolved policies that
// dispatch uses, so that the document cannot disagree with the server.

// View is the view the handler serves.
func (h *Handler) View() View { return h.view.(View) }

// Methods are the methods the view answers, in DRF's order, HEAD and OPTIONS aside: the
// operations of its path.
func (h *Handler) Methods() []string {
	var out []string
	for _, m := range allowOrder {
		if h.methods[m] != nil {
			out = append(out, m)
		}
	}
	return out
}

// Authenticators are the view's resolved authenticators (its own, or the defaults).
func (h *Handler) Authenticators() []Authenticator { return slices.Clone(h.authenticators) }

// Throttled reports whether the view has throttles, which may answer 429.
func (h *Handler) Throttled() bool { return len(h.throttles) > 0 }

// AllowsAnonymous reports whether the view's permissions let an anonymous request with
// this method through (AllowAny; IsAuthenticatedOrReadOnly for GET): such an operation
// needs no credentials. A permission that cannot decide without a real request (it
// panics) is taken to refuse.
func (h *Handler) AllowsAnonymous(method string) (ok bool) {
	req, err := http.NewRequest(method, "/", http.NoBody)
	if err != nil {
		return false
	}
	r := &Request{HTTP: req, User: AnonymousUser{}, authenticators: h.authenticators, permissions: h.permissions,
		parsers: h.parsers, proxySSL: h.proxySSL}
	r.ctx.r = r
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	for _, p := range h.permissionsFor(r) {
		if !p.HasPermission(r, h.view) {
			return false
		}
	}
	return true
}
