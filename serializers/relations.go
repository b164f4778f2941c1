package serializers

import (
	"fmt"
	"reflect"
	"strings"

	"gorm.io/gorm"

	"ginrest/rest"
)

// DRF's relational fields (rest_framework/relations.py), declared on a gorm association of
// the model with `drf:"related=..."`:
//
//	type Note struct {
//		ID      int64  `json:"id" gorm:"primaryKey" drf:"read_only"`
//		URL     string `json:"url" gorm:"-" drf:"related=identity,view_name=note-detail"` // HyperlinkedIdentityField
//		OwnerID int64  `json:"-"`
//		Owner   *User  `json:"owner" drf:"related=pk"`                              // PrimaryKeyRelatedField
//		Tags    []Tag  `json:"tags" gorm:"many2many:notes_note_tags" drf:"related=slug,slug_field=slug"` // SlugRelatedField(many=True)
//	}
//
//	related=pk         PrimaryKeyRelatedField: the related object's primary key
//	related=slug       SlugRelatedField: slug_field=NAME, a field (JSON name) of the related model
//	related=string     StringRelatedField: its String() (Python's __str__); read-only
//	related=hyperlink  HyperlinkedRelatedField: view_name=ROUTE, lookup_field=NAME (the
//	                   related model's JSON name; primary key by default), lookup_url_kwarg=PARAM
//	related=identity   HyperlinkedIdentityField: the object's own URL (view_name=...); read-only,
//	                   on a field of any type that has no column (gorm:"-")
//
// view_name is required but in a serializer built by NewHyperlinkedModel, where it defaults
// to "<model name>-detail" (hyperlinked.go), as DRF's HyperlinkedModelSerializer does.
//	source=GoName      the association is another field's (DRF's source=): a second way to
//	                   name the same objects, a field of its own type with gorm:"-"
//
// A slice is many=True (ManyRelatedField); a pointer allows null. The related rows a
// client may point at are DRF's queryset: every row of the related model, narrowed by a
// method of the serializer struct Queryset<GoName>(r *rest.Request, q *gorm.DB) *gorm.DB
// when it has one (r is nil outside a request). Relation fields need NewModel: the
// database finds the objects.

// relKind is which relational field a field is.
type relKind uint8

const (
	relPK relKind = iota + 1
	relSlug
	relString
	relHyperlink
	relIdentity
)

// relSpec is a relation field's declaration, from its drf tag.
type relSpec struct {
	kind                    relKind
	many                    bool
	target                  reflect.Type // the related struct; the serializer's own for identity
	ptrItems                bool         // []*T
	slugField               string
	viewName, lookupField   string
	lookupKwarg             string
	source                  string // the association's Go name, when not the field's own
	queryset                int    // index of the owner's Queryset<GoName> method, -1 without one
	ownerType               reflect.Type
	stringer, stringerOnPtr bool
	// siblings are the other writable fields over the same association (tags and
	// tag_slugs, by source=), by JSON name.
	siblings []string
}

// DRF 3.14's relational field messages.
const (
	MsgNoURLMatch        = "Invalid hyperlink - No URL match."
	MsgIncorrectURLMatch = "Invalid hyperlink - Incorrect URL match."
	MsgHyperlinkNotFound = "Invalid hyperlink - Object does not exist."
)

func msgPKNotFound(pk string) string { return `Invalid pk "` + pk + `" - object does not exist.` }
func msgPKIncorrectType(pyType string) string {
	return "Incorrect type. Expected pk value, received " + pyType + "."
}
func msgSlugNotFound(slugName, value string) string {
	return "Object with " + slugName + "=" + value + " does not exist."
}
func msgURLIncorrectType(pyType string) string {
	return "Incorrect type. Expected URL string, received " + pyType + "."
}

// defaultLookupKwarg is DRF's default lookup_url_kwarg: the lookup_field. It is set where
// the spec is made: a spec is cached with its struct type and shared by every serializer
// of it, read by requests at once, so binding must not write to it.
func (spec *relSpec) defaultLookupKwarg() {
	spec.lookupKwarg = cmpOr(spec.lookupKwarg, cmpOr(spec.lookupField, "pk"))
}

// splitRelation takes the relation options out of a drf tag; the rest is parsed as any
// field's options. A tag without related= gives nil.
func splitRelation(tag string) (*relSpec, string, error) {
	if !strings.Contains(tag, "related=") {
		return nil, tag, nil
	}
	spec := &relSpec{queryset: -1}
	var rest []string
	var slugField, lookupField, lookupKwarg, viewName bool
	for _, part := range strings.Split(tag, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch key {
		case "related":
			switch value {
			case "pk":
				spec.kind = relPK
			case "slug":
				spec.kind = relSlug
			case "string":
				spec.kind = relString
			case "hyperlink":
				spec.kind = relHyperlink
			case "identity":
				spec.kind = relIdentity
			default:
				return nil, "", fmt.Errorf("related=%q: pk, slug, string, hyperlink or identity", value)
			}
		case "slug_field":
			spec.slugField, slugField = value, true
		case "view_name":
			spec.viewName, viewName = value, true
		case "lookup_field":
			spec.lookupField, lookupField = value, true
		case "lookup_url_kwarg":
			spec.lookupKwarg, lookupKwarg = value, true
		case "source":
			spec.source = value
		default:
			rest = append(rest, part)
		}
	}
	switch {
	case spec.kind == relSlug && spec.slugField == "":
		return nil, "", fmt.Errorf("related=slug needs slug_field=NAME")
	case spec.kind != relSlug && slugField:
		return nil, "", fmt.Errorf("slug_field is for related=slug")
	case spec.kind != relHyperlink && spec.kind != relIdentity && (viewName || lookupField || lookupKwarg):
		return nil, "", fmt.Errorf("view_name, lookup_field and lookup_url_kwarg are for related=hyperlink and identity")
	case spec.kind == relHyperlink || spec.kind == relIdentity:
		spec.defaultLookupKwarg()
	}
	return spec, strings.Join(rest, ","), nil
}

var (
	requestPtrType = reflect.TypeFor[*rest.Request]()
	gormDBType     = reflect.TypeFor[*gorm.DB]()
	stringerType   = reflect.TypeFor[fmt.Stringer]()
)

// relationField builds a relational field of the struct owner from its declaration.
func relationField(owner reflect.Type, name, goName string, t reflect.Type, spec *relSpec, o options, r *rules) (*field, error) {
	if len(r.checks) > 0 || r.choices != nil || r.hasDive {
		return nil, fmt.Errorf("a relation field takes no validate rules")
	}
	if o.def != nil || o.hidden || o.currentUser || o.methodField || o.unique || o.regex != "" || o.slug {
		return nil, fmt.Errorf("a relation field takes no default, hidden, method, unique, slug or regex")
	}
	f := &field{name: name, goName: goName, typ: t, elem: t, kind: kindRelated, rel: spec,
		readOnly: o.readOnly, writeOnly: o.writeOnly, allowEmpty: !o.noEmpty, label: o.label, helpText: o.helpText,
		defaultMethod: -1, method: -1}
	if f.label == "" {
		f.label = labelOf(name)
	}
	spec.ownerType = owner
	if spec.kind == relIdentity {
		// The object's own URL: any type will do, as nothing is read or stored.
		if o.writeOnly || o.optional {
			return nil, fmt.Errorf("related=identity is read-only")
		}
		spec.target, f.readOnly = owner, true
		f.info = describe(f)
		return f, nil
	}
	if t.Kind() == reflect.Pointer {
		f.nullable, f.elem = true, t.Elem()
	}
	target := f.elem
	if target.Kind() == reflect.Slice {
		if f.nullable {
			return nil, fmt.Errorf("a many relation is a slice, not a pointer to one")
		}
		spec.many, target = true, target.Elem()
		if target.Kind() == reflect.Pointer {
			spec.ptrItems, target = true, target.Elem()
		}
	}
	if target.Kind() != reflect.Struct || valueType(target) {
		return nil, fmt.Errorf("a relation field is a model struct, a pointer to one or a slice of them, not %s", t)
	}
	spec.target = target
	if spec.kind == relString {
		if o.writeOnly || o.optional {
			return nil, fmt.Errorf("related=string is read-only")
		}
		f.readOnly = true
		spec.stringer = target.Implements(stringerType)
		spec.stringerOnPtr = reflect.PointerTo(target).Implements(stringerType)
		if !spec.stringer && !spec.stringerOnPtr {
			return nil, fmt.Errorf("related=string needs %s to have a String() string method", target)
		}
	}
	if m, ok := reflect.PointerTo(owner).MethodByName("Queryset" + goName); ok {
		mt := m.Type
		if mt.NumIn() != 3 || mt.In(1) != requestPtrType || mt.In(2) != gormDBType || mt.NumOut() != 1 || mt.Out(0) != gormDBType {
			return nil, fmt.Errorf("Queryset%s must be func(*rest.Request, *gorm.DB) *gorm.DB, not %s", goName, mt)
		}
		spec.queryset = m.Index
	}
	f.required = !f.readOnly && !o.optional
	f.info = describe(f)
	return f, nil
}

// linkSiblings records, on each relation field, the other writable relation fields of the
// struct over the same association: an HTML form that names the objects one way must not
// have the absent other way read as "none" (formRelated).
func linkSiblings(si *structInfo) {
	for _, f := range si.fields {
		if f.rel == nil || f.readOnly {
			continue
		}
		assoc := cmpOr(f.rel.source, f.goName)
		for _, g := range si.fields {
			if g != f && g.rel != nil && !g.readOnly && cmpOr(g.rel.source, g.goName) == assoc {
				f.rel.siblings = append(f.rel.siblings, g.name)
			}
		}
	}
}

// hasRelations reports whether info, or a struct it nests, declares a relation field,
// which only a model serializer can serve; seen guards types that contain themselves.
func hasRelations(info *structInfo, seen map[*structInfo]bool) bool {
	if seen[info] {
		return false
	}
	seen[info] = true
	for _, f := range info.fields {
		switch {
		case f.rel != nil:
			return true
		case f.object != nil && hasRelations(f.object, seen):
			return true
		case f.child != nil && f.child.object != nil && hasRelations(f.child.object, seen):
			return true
		}
	}
	return false
}
