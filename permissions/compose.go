package permissions

import "ginrest/rest"

// And allows a request only if every permission does (DRF's `A & B`).
func And(ps ...rest.Permission) rest.Permission { return and(ps) }

// Or allows a request if any permission does (DRF's `A | B`). For objects, as in DRF 3.14,
// a permission counts only if it allowed both the request and the object.
func Or(ps ...rest.Permission) rest.Permission { return or(ps) }

// Not inverts a permission (DRF's `~A`).
func Not(p rest.Permission) rest.Permission { return not{p} }

type and []rest.Permission

func (a and) HasPermission(r *rest.Request, view any) bool {
	for _, p := range a {
		if !p.HasPermission(r, view) {
			return false
		}
	}
	return true
}

func (a and) HasObjectPermission(r *rest.Request, view, obj any) bool {
	for _, p := range a {
		if !p.HasObjectPermission(r, view, obj) {
			return false
		}
	}
	return true
}

type or []rest.Permission

func (o or) HasPermission(r *rest.Request, view any) bool {
	for _, p := range o {
		if p.HasPermission(r, view) {
			return true
		}
	}
	return false
}

func (o or) HasObjectPermission(r *rest.Request, view, obj any) bool {
	for _, p := range o {
		if p.HasPermission(r, view) && p.HasObjectPermission(r, view, obj) {
			return true
		}
	}
	return false
}

type not struct{ p rest.Permission }

func (n not) HasPermission(r *rest.Request, view any) bool { return !n.p.HasPermission(r, view) }

func (n not) HasObjectPermission(r *rest.Request, view, obj any) bool {
	return !n.p.HasObjectPermission(r, view, obj)
}
