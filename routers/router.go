package routers

import (
	"net/http"

	"fmt"
	"slices"
	"strings"

	"ginrest/rest"
	"ginrest/viewsets"
)

// Route is one URL the router made, with urls.Route's fields.
type Route struct {
	Path string
	Name string
	View rest.View
}

// Router is DRF's DefaultRouter (NewDefault: with the API root) or SimpleRouter
// (NewSimple). Register the viewsets, then take URLs once.
type Router struct {
	prefix   string
	root     bool
	registry []registration
}

type registration struct {
	prefix, basename string
	viewset          viewsets.ViewSet
}

// NewDefault is DRF's DefaultRouter with its routes under prefix ("/api/") and the API root
// view at prefix itself, named "api-root".
func NewDefault(prefix string) *Router { return &Router{prefix: slashed(prefix), root: true} }

// NewSimple is DRF's SimpleRouter: the viewsets' routes only.
func NewSimple(prefix string) *Router { return &Router{prefix: slashed(prefix)} }

// slashed makes a URL prefix start and end with a slash.
func slashed(p string) string {
	p = strings.Trim(p, "/")
	if p == "" {
		return "/"
	}
	return "/" + p + "/"
}

// Register adds a viewset's routes at prefix ("notes"), named <basename>-list,
// <basename>-detail, <basename>-<action>; basename "" is the viewset's (the model's name).
// A basename used twice panics, as DRF refuses it: route names must be unique.
func (rt *Router) Register(prefix string, vs viewsets.ViewSet, basename string) {
	if basename == "" {
		basename = vs.Basename()
	}
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		panic("routers: Register needs a prefix")
	}
	if slices.ContainsFunc(rt.registry, func(r registration) bool { return r.basename == basename }) {
		panic(fmt.Sprintf("routers: the basename %q is registered already; give this viewset another", basename))
	}
	rt.registry = append(rt.registry, registration{prefix: prefix, basename: basename, viewset: vs})
}

// URLs are the routes of every registered viewset, in registration order, and the API
// root last (DefaultRouter).
func (rt *Router) URLs() []Route {
	var routes []Route
	root := &Root{APIView: rest.APIView{Name: "Api Root", Description: "The default basic root view for DefaultRouter",
		// Each registered prefix with its list's URL.
		Schema: rest.Schema{Operations: map[string]rest.Operation{
			http.MethodGet: {Responses: map[int]any{http.StatusOK: map[string]string{}}},
		}}}}
	for _, reg := range rt.registry {
		base := rt.prefix + reg.prefix + "/"
		for _, r := range reg.viewset.Routes() {
			path := base
			if r.Detail {
				path += ":" + reg.viewset.LookupParam() + "/"
			}
			if r.URLPath != "" {
				path += strings.Trim(r.URLPath, "/") + "/"
			}
			routes = append(routes, Route{Path: path, Name: reg.basename + "-" + r.Name, View: r.View})
			if !r.Detail && r.URLPath == "" {
				root.entries = append(root.entries, rootEntry{key: reg.prefix, path: path})
			}
		}
	}
	if rt.root {
		routes = append(routes, Route{Path: rt.prefix, Name: "api-root", View: root})
	}
	return routes
}
