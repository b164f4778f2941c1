package serializers

import (
	"reflect"
	"strings"

	"gorm.io/gorm"
)

// ModelNamer is implemented by a model that names itself in routes, as Django's
// Meta.model_name does: the "note" of note-detail. Without it the name is ModelName's.
type ModelNamer interface {
	ModelName() string
}

// ModelName is Django's model_name of the Go type t: its ModelName() when it has one,
// else its type name in lower case, without a "Serializer" suffix (a serializer type that
// embeds the model stands for it: NoteSerializer is "note"). The router's default basename
// (viewsets.Model.Basename) is the same name, so the routes of a viewset registered with
// basename "" are what NewHyperlinkedModel links to.
func ModelName(t reflect.Type) string {
	if n, ok := reflect.New(t).Interface().(ModelNamer); ok {
		return n.ModelName()
	}
	return strings.ToLower(strings.TrimSuffix(t.Name(), "Serializer"))
}

// URLFieldName is DRF's URL_FIELD_NAME default: the name of a hyperlinked model
// serializer's own URL.
const URLFieldName = "url"

// NewHyperlinkedModel is DRF's HyperlinkedModelSerializer: a model serializer (NewModel)
// whose first field is url, the object's absolute URL (a HyperlinkedIdentityField to
// "<model name>-detail", read-only), and whose hyperlinked fields without a view_name
// (related=hyperlink, related=identity) link to "<related model name>-detail". A model
// that declares a field named url keeps its own, where it is. Names are ModelName's. As
// with NewModel, a view name no route has fails the render, not the start: the routes are
// the request's.
func NewHyperlinkedModel[T any](db *gorm.DB) *Serializer[T] {
	s := newSerializer[T]()
	if !hasField(s.info, URLFieldName) {
		// The cached info is the type's, shared by every serializer of T: the url field
		// is this serializer's, on a copy of the field list.
		info := *s.info
		info.fields = append([]*field{urlField(info.typ)}, s.info.fields...)
		s.info, s.fields = &info, describeStruct(&info)
	}
	return newModelSerializer(s, db, true)
}

func hasField(info *structInfo, name string) bool {
	for _, f := range info.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// urlField is the url field of a hyperlinked model serializer of owner: a
// HyperlinkedIdentityField with no struct field behind it (no goName, no index), which
// only renders.
func urlField(owner reflect.Type) *field {
	spec := &relSpec{kind: relIdentity, target: owner, ownerType: owner, queryset: -1}
	spec.defaultLookupKwarg()
	f := &field{name: URLFieldName, kind: kindRelated, rel: spec, readOnly: true, allowEmpty: true,
		label: labelOf(URLFieldName), defaultMethod: -1, method: -1}
	f.info = describe(f)
	return f
}
