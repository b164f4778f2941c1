package rest

import "net/http"

// Bound is a view whose handlers are chosen when it is routed rather than by the methods
// of its type: DRF's ViewSet.as_view({"get": "list", "post": "create"}), which binds the
// HTTP methods of one URL to a viewset's actions. Handlers maps GET, POST, PUT, PATCH and
// DELETE to their handlers; HEAD follows GET and OPTIONS is the dispatcher's, as for any
// view, and the methods left out are 405s and absent from Allow. It is read once, when the
// view is mounted. A Bound view should implement none of the handler interfaces (Getter...).
type Bound interface {
	View
	Handlers() map[string]func(r *Request) (*Response, error)
}

// PermissionChooser is optionally implemented by a view whose permissions depend on the
// request: DRF's get_permissions(), which viewsets override by action. It is asked each
// time the permissions are checked — for OPTIONS, once with each method being described —
// and its permissions are also the ones CheckObjectPermissions runs. nil means the view's
// Permissions (or the default).
type PermissionChooser interface {
	PermissionsFor(r *Request) []Permission
}

// allowOrder is DRF's allowed_methods order, HEAD and OPTIONS aside.
var allowOrder = [...]string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// bindHandlers adds a Bound view's handlers to methods and returns the allowed methods so
// far in DRF's order; for any other view it returns allow as it is.
func bindHandlers(view any, methods map[string]handlerFunc, allow []string) []string {
	b, ok := view.(Bound)
	if !ok {
		return allow
	}
	handlers := b.Handlers()
	for _, m := range allowOrder { // other methods in the table are ignored: 405
		if fn := handlers[m]; fn != nil && methods[m] == nil {
			methods[m] = fn
		}
	}
	if fn, ok := methods[http.MethodGet]; ok && methods[http.MethodHead] == nil {
		methods[http.MethodHead] = fn // Django's View answers HEAD with get.
	}
	allow = allow[:0]
	for _, m := range allowOrder {
		if methods[m] != nil {
			allow = append(allow, m)
		}
	}
	return allow
}

// permissionsFor is the request's permissions: the view's choice for it (DRF's
// get_permissions()), else the resolved ones. The choice is kept on the request, where
// CheckObjectPermissions reads it.
func (h *Handler) permissionsFor(r *Request) []Permission {
	if c, ok := h.view.(PermissionChooser); ok {
		if ps := c.PermissionsFor(r); ps != nil {
			r.permissions = ps
			return ps
		}
	}
	return h.permissions
}
