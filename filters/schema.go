package filters

import "ginrest/rest"

// The query parameters of the backends, for the OpenAPI document: DRF's
// get_schema_operation_parameters, in DRF's and django-filter's words.

var (
	_ rest.ParameterDescriber = Search{}
	_ rest.ParameterDescriber = Ordering{}
	_ rest.ParameterDescriber = Exact{}
)

// SchemaParameters is the search parameter (SearchFilter.search_description).
func (s Search) SchemaParameters() []rest.QueryParam {
	return []rest.QueryParam{{Name: s.param(), Type: "string", Description: "A search term."}}
}

// SchemaParameters is the ordering parameter; its values are the fields, either way.
func (o Ordering) SchemaParameters() []rest.QueryParam {
	return []rest.QueryParam{{Name: o.param(), Type: "string",
		Description: "Which field to use when ordering the results: a comma-separated list of " + orderingValues(o.Fields) + "."}}
}

func orderingValues(fields []string) string {
	s := ""
	for i, f := range fields {
		if i > 0 {
			s += ", "
		}
		s += f + " (-" + f + " descending)"
	}
	return s
}

// SchemaParameters are the filterset's fields, each of the serializer field's type.
func (e Exact) SchemaParameters() []rest.QueryParam {
	params := make([]rest.QueryParam, len(e.Fields))
	for i, f := range e.Fields {
		params[i] = rest.QueryParam{Name: f, Field: f}
	}
	return params
}
