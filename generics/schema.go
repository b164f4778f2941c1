package generics

import (
	"net/http"
	"reflect"
	"strings"

	"ginrest/pagination"
	"ginrest/rest"
)

// What the generic views tell the OpenAPI document of each method (rest.OperationDescriber):
// the action it is bound to decides the body, the success status, whether the list is
// paginated and filtered, and whether the path names an object.

// Component is the name of T's schema in the document: the model's name, as
// drf-spectacular names a component after its serializer ("Note").
func (v *GenericAPIView[T]) Component() string {
	return strings.TrimSuffix(reflect.TypeFor[T]().Name(), "Serializer")
}

// ActionOperation describes the standard action (DRF's list, create, retrieve, update,
// partial_update, destroy) as answered with the serializer's fields.
func (v *GenericAPIView[T]) ActionOperation(action string, fields rest.Fields) rest.Operation {
	op := rest.Operation{Response: fields, Component: v.Component()}
	switch action {
	case "list":
		op.List, op.NoRequest = true, true
		if v.Pagination != nil && v.Pagination != pagination.None {
			op.Paginator = v.Pagination
		}
		for _, f := range v.Filters {
			op.Filters = append(op.Filters, f)
		}
	case "create":
		op.Created, op.Bulk = true, v.BulkCreate != nil
	case "retrieve":
		op.Detail, op.NoRequest = true, true
	case "update", "partial_update":
		op.Detail = true
	case "destroy":
		op.Detail, op.NoRequest, op.Response = true, true, nil
	}
	return op
}

// describe is DescribeOperation for a concrete view, whose GET lists or retrieves.
func (v *GenericAPIView[T]) describe(method string, getLists bool) rest.Operation {
	action := map[string]string{http.MethodPost: "create", http.MethodPut: "update",
		http.MethodPatch: "partial_update", http.MethodDelete: "destroy"}[method]
	if method == http.MethodGet {
		action = "retrieve"
		if getLists {
			action = "list"
		}
	}
	return v.ActionOperation(action, v.Serializer.Describe())
}

func (v *ListCreate[T]) DescribeOperation(m string) rest.Operation { return v.describe(m, true) }
func (v *List[T]) DescribeOperation(m string) rest.Operation       { return v.describe(m, true) }
func (v *Create[T]) DescribeOperation(m string) rest.Operation     { return v.describe(m, false) }
func (v *Retrieve[T]) DescribeOperation(m string) rest.Operation   { return v.describe(m, false) }
func (v *Update[T]) DescribeOperation(m string) rest.Operation     { return v.describe(m, false) }
func (v *Destroy[T]) DescribeOperation(m string) rest.Operation    { return v.describe(m, false) }
func (v *RetrieveUpdate[T]) DescribeOperation(m string) rest.Operation {
	return v.describe(m, false)
}
func (v *RetrieveDestroy[T]) DescribeOperation(m string) rest.Operation {
	return v.describe(m, false)
}
func (v *RetrieveUpdateDestroy[T]) DescribeOperation(m string) rest.Operation {
	return v.describe(m, false)
}

var (
	_ rest.OperationDescriber = (*ListCreate[struct{}])(nil)
	_ rest.OperationDescriber = (*RetrieveUpdateDestroy[struct{}])(nil)
)
