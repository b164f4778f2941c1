package serializers

import (
	"errors"
	"fmt"
	"reflect"
)

// SerializerMethodField and callable defaults are methods of the serializer struct,
// found by name when the serializer is built, as DRF finds get_<field_name>:
//
//	type Note struct {
//		Title   string `json:"title"`
//		Owner   int64  `json:"owner" drf:"hidden,current_user"`   // HiddenField(default=CurrentUserDefault())
//		Created Date   `json:"created" drf:"hidden"`               // HiddenField(default=DefaultCreated)
//		Summary string `json:"summary" drf:"method"`               // SerializerMethodField
//	}
//
//	func (n *Note) DefaultCreated(c *serializers.Context) (serializers.Date, error) { ... }
//	func (n *Note) GetSummary(c *serializers.Context) (any, error) { return n.Title[:10], nil }
//
// A method field's Go type is only where the declaration lives: the method's result is
// rendered as encoding/json renders it. A default method's result must be of the field's
// type; it runs when the field is absent (never on PATCH), after the fields before it.

var (
	contextPtrType = reflect.TypeFor[*Context]()
	errorType      = reflect.TypeFor[error]()
	anyType        = reflect.TypeFor[any]()
)

// methodField builds a SerializerMethodField: read-only, described as "field", rendered
// by owner's Get<goName>(*Context) (any, error).
func methodField(owner reflect.Type, name, goName string, t reflect.Type, o options, r *rules) (*field, error) {
	if len(r.checks) > 0 || r.choices != nil || r.hasDive {
		return nil, fmt.Errorf("a method field takes no validate rules")
	}
	m, ok := reflect.PointerTo(owner).MethodByName("Get" + goName)
	if !ok {
		return nil, fmt.Errorf("method field %s needs a method Get%s(*serializers.Context) (any, error)", goName, goName)
	}
	mt := m.Type // with the receiver as the first argument
	if mt.NumIn() != 2 || mt.In(1) != contextPtrType || mt.NumOut() != 2 || mt.Out(0) != anyType || mt.Out(1) != errorType {
		return nil, fmt.Errorf("Get%s must be func(*serializers.Context) (any, error), not %s", goName, mt)
	}
	f := &field{name: name, goName: goName, typ: t, elem: t, kind: kindOther, readOnly: true,
		label: o.label, helpText: o.helpText, method: m.Index, defaultMethod: -1}
	if f.label == "" {
		f.label = labelOf(name)
	}
	f.info = describe(f)
	return f, nil
}

// findDefaultMethod looks for owner's Default<GoName>(*Context) (T, error): DRF's
// default=callable. A field with it has no other default.
func (f *field) findDefaultMethod(owner reflect.Type) error {
	m, ok := reflect.PointerTo(owner).MethodByName("Default" + f.goName)
	if !ok {
		return nil
	}
	mt := m.Type
	if mt.NumIn() != 2 || mt.In(1) != contextPtrType || mt.NumOut() != 2 || mt.Out(0) != f.typ || mt.Out(1) != errorType {
		return fmt.Errorf("Default%s must be func(*serializers.Context) (%s, error), not %s", f.goName, f.typ, mt)
	}
	if f.readOnly {
		return fmt.Errorf("Default%s: a read_only field takes no default", f.goName)
	}
	if f.def != nil || f.currentUser {
		return fmt.Errorf("Default%s and a default in the tag together", f.goName)
	}
	f.defaultMethod = m.Index
	return nil
}

// callMethod calls method index idx of the struct holding the field (owner, addressable)
// with the context, and returns its two results.
func callMethod(owner reflect.Value, idx int, c *Context) (reflect.Value, error) {
	if !owner.CanAddr() { // a struct held by value in a map: call on a copy
		p := reflect.New(owner.Type())
		p.Elem().Set(owner)
		owner = p.Elem()
	}
	out := owner.Addr().Method(idx).Call([]reflect.Value{reflect.ValueOf(c)})
	err, _ := out[1].Interface().(error)
	return out[0], err
}

// PKer is a user with a primary key, as models.User and authentication.TokenUser are:
// what CurrentUserDefault puts in a field.
type PKer interface {
	PK() string
}

// errNoUser is a current_user default without a user to give: the view lets anonymous
// requests reach a serializer that needs a user, a mistake in the view, not the input.
var errNoUser = errors.New("serializers: a current_user default without an authenticated user: guard the view with IsAuthenticated")

// defaultFor is the value of an absent field with a default: the tag's value, the
// request user's primary key read as input (CurrentUserDefault), or Default<Name>'s.
func (r *run) defaultFor(f *field, owner reflect.Value) (reflect.Value, []string, error) {
	switch {
	case f.def != nil:
		return f.defaultValue(), nil, nil
	case f.currentUser:
		req := r.ctx.Request
		if req == nil || req.User == nil || !req.User.IsAuthenticated() {
			return reflect.Value{}, nil, errNoUser
		}
		u, ok := req.User.(PKer)
		if !ok {
			return reflect.Value{}, nil, fmt.Errorf("serializers: current_user: %T has no PK() string", req.User)
		}
		v := reflect.New(f.typ).Elem()
		target := v
		if f.nullable {
			target = reflect.New(f.elem).Elem()
		}
		if msgs := r.scalar(f, u.PK(), target); msgs != nil {
			return reflect.Value{}, nil, fmt.Errorf("serializers: current_user %q in %s: %s", u.PK(), f.goName, msgs[0])
		}
		if f.nullable {
			v.Set(target.Addr())
		}
		return v, nil, nil
	default:
		v, err := callMethod(owner, f.defaultMethod, r.ctx)
		if err != nil {
			if detail := r.hookDetail(err, true); detail != nil {
				msgs, ok := detail.([]string)
				if !ok {
					msgs = []string{MsgInvalid}
				}
				return reflect.Value{}, msgs, nil
			}
			return reflect.Value{}, nil, r.fatal
		}
		return v, nil, nil
	}
}
