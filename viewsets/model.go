package viewsets

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"ginrest/generics"
	"ginrest/rest"
	"ginrest/serializers"
)

// Model is DRF's ModelViewSet for the model T: its GenericAPIView is shared by every
// route a router makes of it, each route answering the methods bound to its actions
// (DRF's as_view({"get": "list", "post": "create"})).
type Model[T any] struct {
	generics.GenericAPIView[T]
	// Actions are the standard actions it has: nil is all six (ModelViewSet);
	// []viewsets.Action{viewsets.List, viewsets.Retrieve} is ReadOnlyModelViewSet.
	Actions []Action
	// ActionPermissions is DRF's get_permissions() reading self.action (Metadata for
	// OPTIONS, "" for a method the route does not answer): nil (or a nil result) is the
	// extra action's Permissions, else APIView.Permissions, else the default.
	ActionPermissions func(a Action) []rest.Permission
	// ActionSerializer is DRF's get_serializer_class() reading self.action: nil (or a
	// nil result) is the extra action's Serializer, else SerializerFor, else Serializer.
	ActionSerializer func(a Action) generics.Serializer[T]
	// ExtraActions are DRF's @action methods.
	ExtraActions []ExtraAction[T]
}

// Route is one URL of a viewset, for a router to place at prefix/ (list), prefix/<pk>/
// (Detail), or under either at URLPath, named <basename>-<Name>.
type Route struct {
	Detail  bool
	URLPath string // "" for the list and detail routes
	Name    string // "list", "detail", or an extra action's URLName
	View    rest.View
}

// ViewSet is what a router serves: Model is one.
type ViewSet interface {
	// Routes are the viewset's URLs, in DRF's order: list, list actions, detail, detail
	// actions. They panic on a declaration mistake (an extra action without a name or a
	// handler, a method no handler can have): it is found at startup.
	Routes() []Route
	// LookupParam names the detail URL's path parameter (pk).
	LookupParam() string
	// Basename is the route names' prefix when the router is not given one: the model's
	// name in lower case, as DRF derives it from the queryset (note-list).
	Basename() string
}

var _ ViewSet = (*Model[struct{}])(nil)

// modelName is T's type name without a "Serializer" suffix (a serializer type embedding
// the model stands for it).
func modelName[T any]() string {
	return strings.TrimSuffix(reflect.TypeFor[T]().Name(), "Serializer")
}

// Basename is the model's name in lower case (serializers.ModelName, which a model may
// override with a ModelName method): what NewHyperlinkedModel links to.
func (vs *Model[T]) Basename() string { return serializers.ModelName(reflect.TypeFor[T]()) }

// binding is one pair of DRF's as_view(actions) map.
type binding struct {
	method string
	action Action
}

func (vs *Model[T]) has(a Action) bool { return vs.Actions == nil || slices.Contains(vs.Actions, a) }

// Routes binds the viewset's actions to methods, one view per URL.
func (vs *Model[T]) Routes() []Route {
	var routes []Route
	bind := func(bs ...binding) map[string]Action {
		m := map[string]Action{}
		for _, b := range bs {
			if vs.has(b.action) {
				m[b.method] = b.action
			}
		}
		return m
	}
	list := bind(binding{http.MethodGet, List}, binding{http.MethodPost, Create})
	detail := bind(binding{http.MethodGet, Retrieve}, binding{http.MethodPut, Update},
		binding{http.MethodPatch, PartialUpdate}, binding{http.MethodDelete, Destroy})
	if len(list) > 0 {
		routes = append(routes, Route{Name: "list", View: vs.route(list, nil, "List")})
	}
	routes = append(routes, vs.extraRoutes(false)...)
	if len(detail) > 0 {
		routes = append(routes, Route{Detail: true, Name: "detail", View: vs.route(detail, nil, "Instance")})
	}
	return append(routes, vs.extraRoutes(true)...)
}

func (vs *Model[T]) extraRoutes(detail bool) []Route {
	var routes []Route
	for i := range vs.ExtraActions {
		a := &vs.ExtraActions[i]
		if a.Detail != detail {
			continue
		}
		if a.Name == "" || a.Handle == nil {
			panic(fmt.Sprintf("viewsets: an extra action of %s's viewset needs a Name and a Handle", modelName[T]()))
		}
		methods := map[string]Action{}
		for _, m := range a.methods() {
			switch m {
			case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
				methods[m] = a.Name
			default:
				panic(fmt.Sprintf("viewsets: extra action %q: method %q (want GET, POST, PUT, PATCH or DELETE)", a.Name, m))
			}
		}
		routes = append(routes, Route{Detail: detail, URLPath: a.urlPath(), Name: a.urlName(), View: vs.route(methods, a, "")})
	}
	return routes
}

// route is the view of one URL: a copy of the viewset's GenericAPIView (so that each
// route takes its own defaults when mounted) whose serializer choice knows the route's
// actions.
func (vs *Model[T]) route(actions map[string]Action, extra *ExtraAction[T], suffix string) *routeView[T] {
	v := &routeView[T]{GenericAPIView: vs.GenericAPIView, vs: vs, actions: actions, extra: extra}
	switch {
	case extra != nil:
		v.APIView.Name = prettyName(string(extra.Name))
		if extra.Description != "" {
			v.APIView.Description = extra.Description
		}
	case v.APIView.Name == "":
		v.APIView.Name = rest.CamelCaseToSpaces(modelName[T]()) + " " + suffix
	}
	chosen := vs.SerializerFor
	v.SerializerFor = func(r *rest.Request) generics.Serializer[T] {
		if s := v.actionSerializer(v.Action(r)); s != nil {
			return s
		}
		if chosen != nil {
			return chosen(r)
		}
		return nil
	}
	gv := &v.GenericAPIView
	v.handlers = map[string]func(*rest.Request) (*rest.Response, error){}
	for method, action := range actions {
		var h func(*rest.Request) (*rest.Response, error)
		switch {
		case extra != nil:
			h = func(r *rest.Request) (*rest.Response, error) { return extra.Handle(r, gv) }
		case action == List:
			h = gv.List
		case action == Create:
			h = gv.Create
		case action == Retrieve:
			h = gv.Retrieve
		case action == Update:
			h = gv.Update
		case action == PartialUpdate:
			h = gv.PartialUpdate
		case action == Destroy:
			h = gv.Destroy
		}
		v.handlers[method] = h
	}
	return v
}
