package schema

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"ginrest/rest"
)

// The media types of the document, drf-spectacular's renderers'.
const (
	MediaYAML     = "application/vnd.oai.openapi"
	MediaJSON     = "application/vnd.oai.openapi+json"
	mediaYAMLAlso = "application/yaml"
)

// View serves the document: drf-spectacular's SpectacularAPIView. JSON by default;
// YAML with ?format=yaml or Accept: application/vnd.oai.openapi (or application/yaml);
// JSON as application/vnd.oai.openapi+json when asked so. Anyone may read it, and no
// credentials are looked at (a stale token in the browser must not hide the docs).
//
// The document is built at the first request, once: it is made from the URL table, which
// includes this view, so it cannot be built when the view is.
type View struct {
	rest.APIView
	build func() (*openapi3.T, error)

	once sync.Once
	json []byte
	yaml []byte
	err  error
}

var _ rest.Getter = (*View)(nil)

// NewView serves the document build makes.
func NewView(build func() (*openapi3.T, error)) *View {
	v := &View{build: build}
	v.APIView = rest.APIView{
		Authenticators: []rest.Authenticator{},
		Permissions:    []rest.Permission{},
		Renders:        []string{MediaYAML, MediaJSON, mediaYAMLAlso},
		Name:           "Schema",
		Description: "OpenApi3 schema for this API. Format can be selected via content negotiation.\n\n" +
			"- YAML: application/vnd.oai.openapi\n- JSON: application/vnd.oai.openapi+json",
		Schema: rest.Schema{Tags: []string{"schema"}, Operations: map[string]rest.Operation{
			http.MethodGet: {Override: describeView},
		}},
	}
	return v
}

// Document is the document as JSON and as YAML, built once.
func (v *View) Document() (jsonDoc, yamlDoc []byte, err error) {
	v.once.Do(func() {
		doc, err := v.build()
		if err != nil {
			v.err = err
			return
		}
		v.json, v.yaml, v.err = Marshal(doc)
	})
	return v.json, v.yaml, v.err
}

// Marshal renders doc as JSON and as YAML.
func Marshal(doc *openapi3.T) (jsonDoc, yamlDoc []byte, err error) {
	if jsonDoc, err = doc.MarshalJSON(); err != nil {
		return nil, nil, err
	}
	y, err := doc.MarshalYAML()
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2) // drf-spectacular's, and most YAML's
	if err := enc.Encode(y); err != nil {
		return nil, nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, nil, err
	}
	return jsonDoc, b.Bytes(), nil
}

func (v *View) Get(r *rest.Request) (*rest.Response, error) {
	jsonDoc, yamlDoc, err := v.Document()
	if err != nil {
		return nil, err
	}
	switch format(r) {
	case "yaml":
		return &rest.Response{Status: http.StatusOK, Body: yamlDoc, ContentType: MediaYAML + "; charset=utf-8"}, nil
	case "openapi+json":
		return &rest.Response{Status: http.StatusOK, Body: jsonDoc, ContentType: MediaJSON}, nil
	case "json":
		return &rest.Response{Status: http.StatusOK, Body: jsonDoc, ContentType: "application/json"}, nil
	}
	return nil, rest.NotFound() // DRF's answer to a format it has no renderer for
}

// format is the rendering the request asks for: ?format= first (DRF's URL_FORMAT_OVERRIDE),
// then the first media type of Accept that names one.
func format(r *rest.Request) string {
	if f, ok := r.QueryParam("format"); ok {
		switch f {
		case "json", "yaml":
			return f
		case "openapi":
			return "yaml"
		}
		return ""
	}
	for _, header := range r.HTTP.Header.Values("Accept") {
		for item := range strings.SplitSeq(header, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(item))
			if err != nil {
				continue
			}
			switch mt {
			case MediaYAML, mediaYAMLAlso:
				return "yaml"
			case MediaJSON:
				return "openapi+json"
			case "application/json":
				return "json"
			}
		}
	}
	return "json"
}

// describeView is the schema view's own operation: its three renderings and ?format=.
func describeView(o any) {
	op := o.(*openapi3.Operation)
	object := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("object")}}
	op.Responses.Value("200").Value.Content = openapi3.Content{
		"application/json": {Schema: object},
		MediaJSON:          {Schema: object},
		MediaYAML:          {Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("string")}}},
	}
	op.Responses.Set("404", &openapi3.ResponseRef{Ref: "#/components/responses/NotFound", Value: openapi3.NewResponse().
		WithDescription(http.StatusText(http.StatusNotFound)).WithJSONSchemaRef(&openapi3.SchemaRef{Ref: errorSchema, Value: &openapi3.Schema{}})})
	op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
		Name: "format", In: openapi3.ParameterInQuery,
		Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: types("string"), Enum: []any{"json", "yaml"}}},
	}})
}

// ErrNotBuilt is returned by a build function that has nothing to build from yet.
var ErrNotBuilt = errors.New("schema: the URL table is not built yet")
