package serializers

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"

	"gorm.io/gorm"

	"ginrest/files"
	"ginrest/rest"
)

// Serializer is DRF's Serializer (and, built by NewModel, ModelSerializer) for the struct T:
// T's fields and tags declare the serializer fields, Validate reads request data into a T,
// Represent renders a T, Describe lists the fields for OPTIONS. It holds no per-request
// state: build one at startup and share it between requests.
type Serializer[T any] struct {
	info    *structInfo
	fields  rest.Fields
	model   *model // nil for a plain Serializer
	formats Formats
	// ownFormats: WithFormats set formats, which the settings' (UseFormats) do not replace.
	ownFormats bool
	storage    files.Storage // file fields' storage: WithStorage
}

// WithFormats is a copy of the serializer that reads and renders dates, times and
// decimals by formats instead of DRF's defaults (DefaultFormats): DRF's DATETIME_FORMAT,
// DATE_INPUT_FORMATS, COERCE_DECIMAL_TO_STRING... Build it at startup, as the serializer.
func (s *Serializer[T]) WithFormats(formats Formats) *Serializer[T] {
	c := *s
	c.formats, c.ownFormats = formats, true
	return &c
}

// UseFormats is the serializer with the settings' formats (FormatsFrom), unless
// WithFormats gave it its own: what a generic view does with its serializer at start, so
// that DATETIME_FORMAT and the others apply to every model serializer of the app, as DRF's
// settings do.
func (s *Serializer[T]) UseFormats(formats Formats) *Serializer[T] {
	if s.ownFormats {
		return s
	}
	c := *s
	c.formats = formats
	return &c
}

// New is a plain serializer: validation and representation, no database. It panics if T's
// tags are wrong (an unknown rule, a default of the wrong type), like regexp.MustCompile,
// so a mistake stops the program at startup rather than failing a request.
func New[T any]() *Serializer[T] {
	s := newSerializer[T]()
	if hasRelations(s.info, map[*structInfo]bool{}) {
		panic(fmt.Sprintf("serializers: %s has relation fields: build it with NewModel, which has the database", s.info.typ))
	}
	for _, f := range s.info.fields {
		if f.unique || f.uniqueForField != "" {
			panic(fmt.Sprintf("serializers: %s.%s is unique: build it with NewModel, which has the database", s.info.typ, f.goName))
		}
	}
	return s
}

func newSerializer[T any]() *Serializer[T] {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("serializers: %s is not a struct", t))
	}
	info := infoOf(t)
	return &Serializer[T]{info: info, fields: describeStruct(info), formats: DefaultFormats()}
}

// FieldValidator is implemented by a serializer struct (on its pointer) that checks fields
// itself: DRF's validate_<field>. It is called for each field that passed its own rules,
// after the value is stored in the struct, so the method reads (and may normalise) the
// typed field; name is the field's JSON name. Return Invalid("...") to refuse the value;
// any other error stops validation and is returned as it is (a 500 unless it is a
// *rest.Error).
type FieldValidator interface {
	ValidateField(c *Context, name string) error
}

// ObjectValidator is DRF's validate(attrs): called once every field is valid. Invalid(...)
// gives non_field_errors; rest.ValidationError(map[string]any{"end": ...}) names fields.
type ObjectValidator interface {
	Validate(c *Context) error
}

// Invalid is a hook's refusal, DRF's `raise serializers.ValidationError("...")`: the
// messages are the field's own in ValidateField, non_field_errors in Validate.
func Invalid(messages ...string) *rest.Error {
	return rest.ValidationError(map[string]any{rest.NonFieldErrors: messages})
}

// Context is what hooks see: DRF's serializer.context, instance and partial.
type Context struct {
	context.Context
	// Request is the request being served, when the context is (or derives from) its
	// Context, as a view's is: DRF's serializer.context["request"].
	Request *rest.Request
	// Instance is the object being updated (a *T), nil when creating.
	Instance any
	// Partial is true for a PATCH: absent fields are neither required nor defaulted.
	Partial bool

	validated []string
}

// Has reports whether the serializer's own field name (not a nested one) is in the
// validated data so far: given in the input, or defaulted.
func (c *Context) Has(name string) bool { return slices.Contains(c.validated, name) }

// Validated is DRF's validated_data: the struct with the input applied, and which of its
// fields the input (or a default) set.
type Validated[T any] struct {
	// Value is the validated object. For an update it starts as a copy of the instance,
	// so fields the input left out keep their values.
	Value  T
	fields []string
}

// Fields are the JSON names of the fields set by the input or a default, in declaration
// order: what an update writes.
func (v *Validated[T]) Fields() []string { return slices.Clone(v.fields) }

// Has reports whether the input (or a default) set the field.
func (v *Validated[T]) Has(name string) bool { return slices.Contains(v.fields, name) }

// Validate is serializer.is_valid() for a create: data is request.Data(). On failure the
// error is a 400 *rest.Error with DRF's body ({"title": ["This field is required."]});
// other errors (the database, a hook) come back as they are.
func (s *Serializer[T]) Validate(ctx context.Context, data any) (*Validated[T], error) {
	return s.validate(ctx, nil, data, false)
}

// ValidateUpdate is is_valid() with an instance: PUT (partial false) or PATCH (partial
// true, absent fields are neither required nor defaulted). Value starts as a copy of
// *instance; unique fields may keep the instance's own value.
func (s *Serializer[T]) ValidateUpdate(ctx context.Context, instance *T, data any, partial bool) (*Validated[T], error) {
	if instance == nil {
		return nil, fmt.Errorf("serializers: ValidateUpdate of a nil %T", instance)
	}
	return s.validate(ctx, instance, data, partial)
}

func (s *Serializer[T]) validate(ctx context.Context, instance *T, data any, partial bool) (*Validated[T], error) {
	obj, err := Object(data)
	if err != nil {
		return nil, err
	}
	v := &Validated[T]{}
	c := &Context{Context: ctx, Partial: partial}
	c.Request = rest.RequestFrom(ctx)
	// Form input is read with DRF's HTML semantics (html.go): url.Values given as they
	// are, or the request's own parsed form body.
	var input any = obj
	if form, ok := data.(url.Values); ok {
		input = form
	} else if c.Request != nil {
		if form := c.Request.Form(data); form != nil {
			input = form
		}
	}
	if instance != nil {
		v.Value = *instance
		c.Instance = instance
	}
	r := &run{ctx: c, partial: partial, formats: &s.formats, model: s.model}
	if s.model != nil {
		var self any // the instance excluded from the unique check; a typed nil is not nil
		if instance != nil {
			self = instance
		}
		r.unique = func(f *field, value reflect.Value) ([]string, error) {
			return s.model.unique(ctx, f, value, self)
		}
		if len(s.model.together) > 0 || len(s.model.uniqueFor) > 0 {
			r.objectUnique = func(value reflect.Value) (Errors, error) {
				return s.model.checkObject(ctx, value, self, c.Has)
			}
		}
	}
	detail := r.object(s.info, input, reflect.ValueOf(&v.Value).Elem(), true)
	if r.fatal != nil {
		return nil, r.fatal
	}
	if detail != nil {
		errs, ok := detail.(Errors)
		if !ok {
			errs = Errors{rest.NonFieldErrors: detail}
		}
		return nil, errs.Err()
	}
	v.fields = c.validated
	return v, nil
}

// Describe lists the fields for OPTIONS, as DRF's SimpleMetadata describes a serializer.
func (s *Serializer[T]) Describe() rest.Fields { return slices.Clone(s.fields) }

// Represent is serializer.data: T as a JSON object, fields in declaration order, write-only
// fields left out, times in ISO 8601 UTC. Method fields (drf:"method") see a Context
// without a request; a serializer whose methods need the request, or can fail, is
// rendered with RepresentContext. A method's error here panics, as the error would
// otherwise be lost: the dispatcher's recovery makes it a 500.
func (s *Serializer[T]) Represent(v *T) Data {
	d, err := s.RepresentContext(context.Background(), v)
	if err != nil {
		panic(err)
	}
	return d
}

// RepresentContext is Represent with the request's context, which method fields see
// (Context.Request), and their first error.
func (s *Serializer[T]) RepresentContext(ctx context.Context, v *T) (Data, error) {
	r := &renderer{ctx: &Context{Context: ctx, Request: rest.RequestFrom(ctx), Instance: v}, formats: &s.formats, model: s.model, storage: s.storage}
	d := r.object(s.info, reflect.ValueOf(v).Elem())
	if r.err != nil {
		return Data{}, r.err
	}
	return d, nil
}

// RepresentMany is serializer.data with many=True.
func (s *Serializer[T]) RepresentMany(vs []T) []Data {
	out := make([]Data, len(vs))
	for i := range vs {
		out[i] = s.Represent(&vs[i])
	}
	return out
}

// NewModel is a ModelSerializer: a serializer of a gorm model that also checks unique
// fields against db and writes with Create and Update. It panics if gorm cannot read T as
// a model, or T's tags are wrong.
func NewModel[T any](db *gorm.DB) *Serializer[T] {
	return newModelSerializer(newSerializer[T](), db, false)
}

// newModelSerializer makes s a model serializer over db: NewModel's, and
// NewHyperlinkedModel's with hyperlinked.
func newModelSerializer[T any](s *Serializer[T], db *gorm.DB, hyperlinked bool) *Serializer[T] {
	m, err := newModel(db, s.info, hyperlinked)
	if err != nil {
		panic(fmt.Sprintf("serializers: %s: %v", s.info.typ, err))
	}
	s.model = m
	for i := range s.fields {
		for f, b := range m.relations {
			if s.fields[i].Name == f.name {
				s.fields[i].Related = b.openAPI()
			}
		}
	}
	for f := range m.readOnly {
		for i := range s.fields {
			if s.fields[i].Name == f.name {
				s.fields[i].ReadOnly, s.fields[i].Required = true, false
			}
		}
	}
	return s
}
