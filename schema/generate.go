package schema

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"ginrest/pagination"
	"ginrest/rest"
)

// Version is the OpenAPI version of the document.
const Version = "3.1.0"

// Info is the document's info object: drf-spectacular's TITLE, DESCRIPTION and VERSION.
type Info struct {
	Title, Description, Version string
}

// Endpoint is one route of the URL table: its gin path (":id" parameters), its name and
// its view.
type Endpoint struct {
	Path, Name string
	View       rest.View
}

// BearerScheme is the name of the security scheme of the JWT authenticators: an HTTP
// bearer token, which Swagger UI's Authorize button sends as Authorization: Bearer <jwt>.
const BearerScheme = "bearerAuth"

// Generate builds the document of endpoints, each view resolved against d as the router
// mounts it (rest.NewHandler), and validates it. A view whose Schema says Exclude is left
// out; so is a method whose Operation does.
func Generate(info Info, endpoints []Endpoint, d rest.Defaults) (*openapi3.T, error) {
	g := &generator{
		doc: &openapi3.T{
			OpenAPI: Version,
			Info:    &openapi3.Info{Title: info.Title, Description: info.Description, Version: info.Version},
			Paths:   openapi3.NewPaths(),
			Components: &openapi3.Components{
				Schemas:   openapi3.Schemas{},
				Responses: openapi3.ResponseBodies{},
				SecuritySchemes: openapi3.SecuritySchemes{
					BearerScheme: &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme()},
				},
			},
		},
		ids: map[string]int{},
	}
	g.errorComponents()
	for _, ep := range endpoints {
		h := rest.NewHandler(ep.View, d)
		if h.View().Base().Schema.Exclude {
			continue
		}
		if err := g.path(ep, h); err != nil {
			return nil, err
		}
	}
	if err := g.doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("schema: the generated document is not valid OpenAPI: %w", err)
	}
	return g.doc, nil
}

type generator struct {
	doc *openapi3.T
	ids map[string]int // operation ids given, to make them unique
}

// path adds the operations of one route.
func (g *generator) path(ep Endpoint, h *rest.Handler) error {
	view := h.View()
	base := view.Base()
	path, params := openAPIPath(ep.Path)
	item := &openapi3.PathItem{}
	for _, method := range h.Methods() {
		op := infer(view, method).Overlay(base.Schema.Operations[method])
		if op.Exclude {
			continue
		}
		o, err := g.operation(ep, h, path, params, method, op)
		if err != nil {
			return fmt.Errorf("schema: %s %s: %w", method, ep.Path, err)
		}
		item.SetOperation(method, o)
	}
	if len(item.Operations()) > 0 {
		g.doc.Paths.Set(path, item)
	}
	return nil
}

// infer is what the view says of a method: an OperationDescriber's answer, else the body
// it describes for OPTIONS.
func infer(view rest.View, method string) rest.Operation {
	if d, ok := view.(rest.OperationDescriber); ok {
		return d.DescribeOperation(method)
	}
	var op rest.Operation
	if d, ok := view.(rest.ActionDescriber); ok && hasBody(method) {
		op.Request = d.Describe(method)
	}
	return op
}

func hasBody(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// openAPIPath is gin's path in OpenAPI's form (/api/notes/:pk/ → /api/notes/{pk}/) and
// its parameters' names.
func openAPIPath(path string) (string, []string) {
	segs := strings.Split(path, "/")
	var params []string
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			params = append(params, s[1:])
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/"), params
}

func (g *generator) operation(ep Endpoint, h *rest.Handler, path string, params []string, method string, op rest.Operation) (*openapi3.Operation, error) {
	base := h.View().Base()
	o := &openapi3.Operation{
		OperationID: op.OperationID,
		Summary:     op.Summary,
		Description: op.Description,
		Deprecated:  op.Deprecated,
		Tags:        base.Schema.Tags,
		Responses:   openapi3.NewResponses(),
	}
	if o.OperationID == "" {
		o.OperationID = g.operationID(path, method, op)
	}
	if o.Description == "" {
		o.Description = base.Description
	}
	if len(o.Tags) == 0 {
		o.Tags = []string{tagOf(path)}
	}
	lookup := op.Response // the fields a path parameter looks up: a DELETE's too
	if d, ok := h.View().(rest.ActionDescriber); ok && lookup == nil {
		lookup = d.Describe(method)
	}
	versions, versioned := h.Versioning().(rest.VersionsDescriber)
	for _, p := range params {
		param := &openapi3.Parameter{Name: p, In: openapi3.ParameterInPath, Required: true, Schema: pathParamSchema(p, lookup)}
		if versioned && versions.DescribeVersions().InPath && p == versions.DescribeVersions().Param {
			param = versionParam(versions.DescribeVersions())
		}
		o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: param})
	}
	g.queryParams(o, op)

	// The body.
	body := false
	if hasBody(method) && !op.NoRequest {
		fields := op.Request
		if fields == nil {
			if d, ok := h.View().(rest.ActionDescriber); ok {
				fields = d.Describe(method)
			}
		}
		if len(fields) > 0 || op.Examples[0] != nil {
			body = true
			name := op.Component
			if name == "" {
				name = componentName(base.Name)
			}
			m := request
			if method == http.MethodPatch {
				name, m = "Patched"+name, patch
			}
			ref, err := g.component(name+"Request", fieldsSchema(fields, m))
			if err != nil {
				return nil, err
			}
			content := bodyContent(ref, op.Examples[0])
			if op.Bulk { // JSON alone can say a list
				content["application/json"].Schema = oneOrList(ref)
			}
			o.RequestBody = &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{
				Required: method != http.MethodPatch && requiresAny(fields),
				Content:  content,
			}}
		}
	}

	// Success.
	status := op.Status
	switch {
	case status != 0:
	case op.Created:
		status = http.StatusCreated
	case method == http.MethodDelete:
		status = http.StatusNoContent
	default:
		status = http.StatusOK
	}
	if _, declared := op.Responses[status]; !declared {
		resp, err := g.success(op, status)
		if err != nil {
			return nil, err
		}
		o.Responses.Set(strconv.Itoa(status), &openapi3.ResponseRef{Value: resp})
	}
	for code, v := range op.Responses {
		resp := openapi3.NewResponse().WithDescription(http.StatusText(code))
		switch b := v.(type) {
		case nil:
		case rest.Redirect:
			resp.Headers = openapi3.Headers{"Location": &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
				Required: true, Description: "Where to go next.",
				Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("string"), Format: "uri"}}}}}}
		case rest.Binary:
			resp.Content = openapi3.Content{b.MediaType: &openapi3.MediaType{
				Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("string"), Format: "binary"}}}}
		default:
			resp.Content = jsonContent(typeSchema(v), op.Examples[code])
		}
		o.Responses.Set(strconv.Itoa(code), &openapi3.ResponseRef{Value: resp})
	}

	// The errors this operation can answer, as the dispatcher and the view decide them.
	auths := h.Authenticators()
	anonymous := h.AllowsAnonymous(method)
	errs := slices.Clone(op.Errors)
	if body {
		errs = append(errs, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if op.List && len(op.Filters) > 0 {
		errs = append(errs, http.StatusBadRequest) // an exact filter's value, a search too long
	}
	if len(auths) > 0 || base.WWWAuthenticate != "" {
		errs = append(errs, http.StatusUnauthorized) // bad credentials, even where anyone may come
	}
	if !anonymous || op.Detail {
		errs = append(errs, http.StatusForbidden) // permissions, object permissions
	}
	if op.Detail || (op.List && op.Paginator != nil) {
		errs = append(errs, http.StatusNotFound) // no such object; no such page
	}
	if h.Throttled() {
		errs = append(errs, http.StatusTooManyRequests)
	}
	if versioned && len(versions.DescribeVersions().Allowed) > 0 { // a version not allowed
		if versions.DescribeVersions().InPath {
			errs = append(errs, http.StatusNotFound)
		} else {
			errs = append(errs, http.StatusNotAcceptable)
		}
	}
	for _, code := range errs {
		key := strconv.Itoa(code)
		if o.Responses.Value(key) != nil {
			continue
		}
		g.errorComponent(code)
		name := errorResponse(code)
		o.Responses.Set(key, &openapi3.ResponseRef{Ref: "#/components/responses/" + name, Value: g.doc.Components.Responses[name].Value})
	}

	if op.Bulk && body {
		o.Responses.Set(strconv.Itoa(http.StatusBadRequest), g.bulkBadRequest())
	}

	// Credentials: a bearer token where an authenticator reads one and the permissions
	// refuse an anonymous request; none where anyone may call.
	security := openapi3.SecurityRequirements{}
	if len(auths) > 0 && !anonymous {
		security = append(security, openapi3.SecurityRequirement{BearerScheme: []string{}})
	}
	o.Security = &security

	if versioned && !versions.DescribeVersions().InPath {
		versionMediaTypes(o, versions.DescribeVersions())
	}
	if op.Override != nil {
		op.Override(o)
	}
	return o, nil
}

// versionParam is URLPathVersioning's path parameter: one of the allowed versions.
func versionParam(v rest.Versions) *openapi3.Parameter {
	s := &openapi3.Schema{Type: types("string")}
	for _, version := range v.Allowed {
		s.Enum = append(s.Enum, version)
	}
	if v.Default != "" {
		s.Default = v.Default
	}
	return &openapi3.Parameter{Name: v.Param, In: openapi3.ParameterInPath, Required: true, Schema: &openapi3.SchemaRef{Value: s},
		Description: "The version of the API (URLPathVersioning)."}
}

// versionMediaTypes shows AcceptHeaderVersioning's versions as drf-spectacular does: each
// JSON body also under application/json; version=V, for every allowed version. The plain
// media type stays: it is what a client naming no version gets, and the Content-Type of
// every response.
func versionMediaTypes(o *openapi3.Operation, v rest.Versions) {
	add := func(c openapi3.Content) {
		json := c.Get("application/json")
		if json == nil || c["application/json"] == nil {
			return
		}
		for _, version := range v.Allowed {
			c[fmt.Sprintf("application/json; %s=%s", v.Param, version)] = json
		}
	}
	if o.RequestBody != nil && o.RequestBody.Value != nil {
		add(o.RequestBody.Value.Content)
	}
	for _, r := range o.Responses.Map() {
		if r.Ref == "" && r.Value != nil { // the shared error responses stay as they are
			add(r.Value.Content)
		}
	}
}

// success is the inferred success response: the serializer's object, a list of them, a
// paginated list, or nothing.
func (g *generator) success(op rest.Operation, status int) (*openapi3.Response, error) {
	resp := openapi3.NewResponse().WithDescription(http.StatusText(status))
	if status == http.StatusNoContent {
		return resp, nil
	}
	if op.Response == nil {
		// A view that says nothing of its body: JSON, any.
		resp.Content = jsonContent(&openapi3.SchemaRef{Value: &openapi3.Schema{}}, op.Examples[status])
		return resp, nil
	}
	name := op.Component
	if name == "" {
		name = "Response"
	}
	item, err := g.component(name, fieldsSchema(op.Response, response))
	if err != nil {
		return nil, err
	}
	schema := item
	switch {
	case op.List && op.Paginator != nil:
		schema, err = g.component("Paginated"+name+"List", envelope(item, op.Paginator))
		if err != nil {
			return nil, err
		}
	case op.List:
		schema = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("array"), Items: item}}
	case op.Bulk:
		schema = oneOrList(item)
	}
	resp.Content = jsonContent(schema, op.Examples[status])
	return resp, nil
}

// oneOrList is one object of item's schema, or a list of them: a bulk create's body.
func oneOrList(item *openapi3.SchemaRef) *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Value: &openapi3.Schema{OneOf: openapi3.SchemaRefs{
		item, {Value: &openapi3.Schema{Type: types("array"), Items: item}},
	}}}
}

// envelope is the paginated response: DRF's get_paginated_response_schema.
func envelope(item *openapi3.SchemaRef, p any) *openapi3.Schema {
	link := func(example string) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("string", "null"), Format: "uri", Examples: []any{example}}}
	}
	s := &openapi3.Schema{Type: types("object"), Properties: openapi3.Schemas{}}
	if pg, ok := p.(pagination.Paginator); !ok || pagination.Counted(pg) {
		s.Properties["count"] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("integer"), Examples: []any{123}}}
		s.Required = append(s.Required, "count")
		s.Properties["next"] = link("http://api.example.org/accounts/?page=4")
		s.Properties["previous"] = link("http://api.example.org/accounts/?page=2")
	} else {
		s.Properties["next"] = link("http://api.example.org/accounts/?cursor=cD00ODY%3D")
		s.Properties["previous"] = link("http://api.example.org/accounts/?cursor=cj0xJnA9NDg3")
	}
	s.Properties["results"] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("array"), Items: item}}
	s.Required = append(s.Required, "next", "previous", "results")
	return s
}

// queryParams adds the operation's own query parameters, its filters' and, for a list,
// its paginator's.
func (g *generator) queryParams(o *openapi3.Operation, op rest.Operation) {
	params := slices.Clone(op.Parameters)
	if op.List {
		for _, f := range op.Filters {
			if d, ok := f.(rest.ParameterDescriber); ok {
				params = append(params, d.SchemaParameters()...)
			}
		}
		if d, ok := op.Paginator.(rest.ParameterDescriber); ok {
			params = append(params, d.SchemaParameters()...)
		}
	}
	for _, p := range params {
		s := &openapi3.Schema{Type: types("string")}
		if p.Type != "" {
			s.Type = types(p.Type)
		} else if f, ok := fieldNamed(op.Response, p.Field); ok {
			s = fieldSchema(f)
			s.ReadOnly, s.Title, s.Type = false, "", types(s.Type.Slice()[0])
		}
		for _, e := range p.Enum {
			s.Enum = append(s.Enum, e)
		}
		o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
			Name: p.Name, In: openapi3.ParameterInQuery, Description: p.Description, Schema: &openapi3.SchemaRef{Value: s},
		}})
	}
}

// pathParamSchema is a path parameter's schema: the type of the field it looks up ("pk"
// is "id"), else a string.
func pathParamSchema(name string, fields rest.Fields) *openapi3.SchemaRef {
	lookup := name
	if lookup == "pk" {
		lookup = "id"
	}
	if f, ok := fieldNamed(fields, lookup); ok && (f.Type == "integer" || f.Type == "string") {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types(f.Type)}}
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("string")}}
}

func fieldNamed(fields rest.Fields, name string) (rest.FieldInfo, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return rest.FieldInfo{}, false
}

func requiresAny(fields rest.Fields) bool {
	return slices.ContainsFunc(fields, func(f rest.FieldInfo) bool { return f.Required && !f.ReadOnly })
}

// component puts s in the document's schemas under name, or under name2, name3... when
// another schema already has the name, and returns a reference to it.
func (g *generator) component(name string, s *openapi3.Schema) (*openapi3.SchemaRef, error) {
	candidate := name
	for i := 2; ; i++ {
		existing, taken := g.doc.Components.Schemas[candidate]
		if !taken {
			g.doc.Components.Schemas[candidate] = &openapi3.SchemaRef{Value: s}
			break
		}
		same, err := equalJSON(existing.Value, s)
		if err != nil {
			return nil, err
		}
		if same {
			break
		}
		candidate = name + strconv.Itoa(i)
	}
	return &openapi3.SchemaRef{Ref: "#/components/schemas/" + candidate, Value: s}, nil
}

// operationID is drf-spectacular's: the path's words and the action (list, create,
// retrieve, update, partial_update, destroy), made unique with a number.
func (g *generator) operationID(path, method string, op rest.Operation) string {
	var words []string
	for s := range strings.SplitSeq(path, "/") {
		if s == "" || strings.HasPrefix(s, "{") {
			continue
		}
		words = append(words, strings.NewReplacer("-", "_", ".", "_").Replace(strings.TrimPrefix(s, ".")))
	}
	action := map[string]string{http.MethodGet: "retrieve", http.MethodPost: "create", http.MethodPut: "update",
		http.MethodPatch: "partial_update", http.MethodDelete: "destroy"}[method]
	if op.List && method == http.MethodGet {
		action = "list"
	}
	id := strings.Join(append(words, action), "_")
	g.ids[id]++
	if n := g.ids[id]; n > 1 {
		id += strconv.Itoa(n)
	}
	return id
}

// tagOf is drf-spectacular's default tag: the first path segment after /api/.
func tagOf(path string) string {
	segs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	if len(segs) > 0 && segs[0] == "api" {
		segs = segs[1:]
	}
	if len(segs) == 0 || strings.HasPrefix(segs[0], "{") {
		return "api"
	}
	return strings.TrimPrefix(segs[0], ".")
}

// componentName is a view's name as a component's: "Token Obtain Pair" → TokenObtainPair.
func componentName(viewName string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' {
			return -1
		}
		return r
	}, viewName)
}
