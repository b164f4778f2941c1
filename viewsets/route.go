package viewsets

import (
	"net/http"

	"ginrest/generics"
	"ginrest/rest"
)

// routeView is a viewset bound to one URL's methods.
type routeView[T any] struct {
	generics.GenericAPIView[T]
	vs       *Model[T]
	actions  map[string]Action // method → action
	extra    *ExtraAction[T]   // nil for the list and detail routes
	handlers map[string]func(*rest.Request) (*rest.Response, error)
}

var (
	_ rest.Bound             = (*routeView[struct{}])(nil)
	_ rest.PermissionChooser = (*routeView[struct{}])(nil)
	_ rest.ActionDescriber   = (*routeView[struct{}])(nil)
)

// Handlers are the route's methods (rest.Bound).
func (v *routeView[T]) Handlers() map[string]func(*rest.Request) (*rest.Response, error) {
	return v.handlers
}

// Action is DRF's view.action for the request: the action its method is bound to,
// Metadata for OPTIONS, "" for a method the route does not answer. Permissions can ask
// the view for it:
//
//	if av, ok := view.(interface{ Action(*rest.Request) viewsets.Action }); ok { ... }
func (v *routeView[T]) Action(r *rest.Request) Action { return v.actionOf(r.HTTP.Method) }

func (v *routeView[T]) actionOf(method string) Action {
	switch method {
	case http.MethodHead:
		method = http.MethodGet
	case http.MethodOptions:
		return Metadata
	}
	return v.actions[method]
}

// PermissionsFor is get_permissions() for the request's action (rest.PermissionChooser).
func (v *routeView[T]) PermissionsFor(r *rest.Request) []rest.Permission {
	a := v.Action(r)
	if v.vs.ActionPermissions != nil {
		if ps := v.vs.ActionPermissions(a); ps != nil {
			return ps
		}
	}
	if v.extra != nil && v.extra.Permissions != nil {
		return v.extra.Permissions
	}
	return nil
}

func (v *routeView[T]) actionSerializer(a Action) generics.Serializer[T] {
	if v.vs.ActionSerializer != nil {
		if s := v.vs.ActionSerializer(a); s != nil {
			return s
		}
	}
	if v.extra != nil && v.extra.Serializer != nil {
		return v.extra.Serializer
	}
	return nil
}

// Describe describes the serializer of the action a method is bound to, for OPTIONS.
func (v *routeView[T]) Describe(method string) rest.Fields {
	if s := v.actionSerializer(v.actionOf(method)); s != nil {
		return s.Describe()
	}
	return v.Serializer.Describe()
}
