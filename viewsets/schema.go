package viewsets

import (
	"net/http"

	"ginrest/rest"
)

var _ rest.OperationDescriber = (*routeView[struct{}])(nil)

// DescribeOperation describes the action a method is bound to, for the OpenAPI document:
// a standard action as the generic views do, an extra action as drf-spectacular infers one
// (a GET that is not Detail lists, paginated and filtered as the viewset's list), with its
// Schema laid over.
func (v *routeView[T]) DescribeOperation(method string) rest.Operation {
	action := v.actionOf(method)
	fields := v.Describe(method)
	if v.extra == nil {
		return v.ActionOperation(string(action), fields)
	}
	var op rest.Operation
	switch {
	case method == http.MethodGet && !v.extra.Detail:
		op = v.ActionOperation("list", fields)
	case method == http.MethodGet:
		op = v.ActionOperation("retrieve", fields)
	case method == http.MethodDelete:
		op = v.ActionOperation("destroy", fields)
		op.Detail = v.extra.Detail
	default:
		op = v.ActionOperation("update", fields)
		op.Detail = v.extra.Detail
	}
	return op.Overlay(v.extra.Schema)
}
