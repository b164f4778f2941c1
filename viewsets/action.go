package viewsets

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"ginrest/generics"
	"ginrest/rest"
)

// Action is DRF's view.action: a standard action below or an extra action's name.
type Action string

// DRF's actions of a ModelViewSet, and "metadata" for OPTIONS.
const (
	List          Action = "list"
	Create        Action = "create"
	Retrieve      Action = "retrieve"
	Update        Action = "update"
	PartialUpdate Action = "partial_update"
	Destroy       Action = "destroy"
	Metadata      Action = "metadata"
)

// ExtraAction is DRF's @action: a handler of its own at prefix/<url_path>/ (a list
// action) or prefix/<pk>/<url_path>/ (Detail), named <basename>-<url_name>.
type ExtraAction[T any] struct {
	// Name is the action (DRF's method name): what ActionPermissions and ActionSerializer
	// are asked with, and what URLPath and URLName derive from.
	Name Action
	// Detail puts the action under an object's URL; Handle then looks the object up
	// (v.Object(r)).
	Detail bool
	// Methods are the HTTP methods it answers: GET when empty.
	Methods []string
	// URLPath is the URL segment: Name when empty. URLName is the route name's suffix:
	// Name with "_" as "-" when empty.
	URLPath, URLName string
	// Permissions are DRF's @action(permission_classes=...): nil is the viewset's.
	Permissions []rest.Permission
	// Serializer is DRF's @action(serializer_class=...), for Handle (v.SerializerOf(r))
	// and OPTIONS: nil is the viewset's.
	Serializer generics.Serializer[T]
	// Description is what OPTIONS says of it.
	Description string
	// Schema is what the OpenAPI document says of it beyond what it infers (a list for a
	// GET that is not Detail, else the serializer's object, with the serializer's fields as
	// the body of the other methods): its extend_schema, laid over the inference.
	Schema rest.Operation
	// Handle answers the action. v is the viewset's GenericAPIView for this route: its
	// Object, ListFrom, Query, SerializerOf and the actions of the mixins are at hand.
	Handle func(r *rest.Request, v *generics.GenericAPIView[T]) (*rest.Response, error)
}

func (a *ExtraAction[T]) urlPath() string {
	if a.URLPath != "" {
		return a.URLPath
	}
	return string(a.Name)
}

func (a *ExtraAction[T]) urlName() string {
	if a.URLName != "" {
		return a.URLName
	}
	return strings.ReplaceAll(string(a.Name), "_", "-")
}

func (a *ExtraAction[T]) methods() []string {
	if len(a.Methods) == 0 {
		return []string{http.MethodGet}
	}
	out := make([]string, len(a.Methods))
	for i, m := range a.Methods {
		out[i] = strings.ToUpper(m)
	}
	return out
}

// prettyName is Django's pretty_name, which DRF's @action gives an action's view as its
// name: underscores as spaces, the first letter capitalised ("set_password" → "Set
// password").
func prettyName(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
