package generics

import (
	"errors"
	"fmt"
	"reflect"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/filters"
	"ginrest/pagination"
	"ginrest/rest"
	"ginrest/serializers"
)

// GenericAPIView is DRF's GenericAPIView for the model T: the fields are DRF's class
// attributes and overridable methods. It answers no method itself: the concrete views
// below (ListCreate, RetrieveUpdateDestroy, ...) and the viewsets do, through its actions
// (List, Create, Retrieve, Update, PartialUpdate, Destroy: DRF's mixins), which a view of
// one's own can call too.
type GenericAPIView[T any] struct {
	rest.APIView
	// DB holds T's table: DRF's queryset = T.objects.all(). Required.
	DB *gorm.DB
	// Queryset narrows the rows this request may see, DRF's get_queryset(): q is every
	// row of T, with the request's context. It may join or select more (a read-only field
	// from another table); the columns the view names are qualified with T's table. nil
	// is every row.
	Queryset func(r *rest.Request, q *gorm.DB) *gorm.DB
	// Serializer reads and renders T: DRF's serializer_class. Required.
	Serializer Serializer[T]
	// SerializerFor is DRF's get_serializer_class(): the serializer for this request, nil
	// for Serializer. (Viewsets choose by action: viewsets.Model.ActionSerializer.)
	SerializerFor func(r *rest.Request) Serializer[T]
	// LookupField is the field an object is looked up by, by JSON name: DRF's
	// lookup_field; "" is the primary key.
	LookupField string
	// LookupURLKwarg is the path parameter holding the lookup value: DRF's
	// lookup_url_kwarg; "" is LookupField, or "pk".
	LookupURLKwarg string
	// Filters are DRF's filter_backends, run in order on lists and object lookups.
	Filters []filters.Backend
	// Pagination is DRF's pagination_class: nil is the settings' default,
	// pagination.None is none.
	Pagination pagination.Paginator
	// PerformCreate is DRF's perform_create: it saves the validated object and returns
	// it as stored. nil is Serializer.Create. Set what the client may not here, before
	// saving: v.Value.OwnerID = user.ID (DRF's serializer.save(owner=request.user)).
	PerformCreate func(r *rest.Request, v *serializers.Validated[T]) (*T, error)
	// PerformUpdate is DRF's perform_update: it writes v to obj's row (and leaves obj as
	// stored). nil is Serializer.Update.
	PerformUpdate func(r *rest.Request, obj *T, v *serializers.Validated[T]) error
	// BulkCreate lets POST take a JSON list of objects and create them all or none, in one
	// transaction: DRF's get_serializer(data=..., many=True). nil answers a list as DRF's
	// CreateModelMixin does, a 400 "Expected a dictionary". Needs a Serializer built by
	// serializers.NewModel; PerformCreate runs for each item, with a request whose context
	// carries the transaction (pass r.Context() to the serializer's Create).
	BulkCreate *BulkCreate
	// PerformDestroy is DRF's perform_destroy: nil deletes obj's row.
	PerformDestroy func(r *rest.Request, obj *T) error

	model *model // resolved by UseDefaults; built per request until then
}

// Defaults are the settings a generic view takes for the fields it leaves nil.
type Defaults struct {
	// Pagination is DEFAULT_PAGINATION_CLASS with PAGE_SIZE (pagination.FromSettings).
	Pagination pagination.Paginator
	// Formats are the settings' date, time and decimal formats (serializers.FormatsFrom),
	// given to a serializer built by serializers.New or NewModel unless WithFormats gave it
	// its own; nil leaves serializers as they are.
	Formats *serializers.Formats
}

// DefaultsUser is a view that takes Defaults: every generic view and viewset route.
// urls.App.Mount gives them to each view it mounts.
type DefaultsUser interface {
	UseDefaults(d Defaults)
}

var _ DefaultsUser = (*GenericAPIView[struct{}])(nil)

// UseDefaults fills the fields left nil from d and checks the declaration: the model, the
// lookup field, the filters' and the paginator's fields. A mistake panics: it is found
// when the view is mounted, at startup.
func (v *GenericAPIView[T]) UseDefaults(d Defaults) {
	if v.Pagination == nil {
		v.Pagination = d.Pagination
	}
	if s, ok := v.Serializer.(*serializers.Serializer[T]); ok && d.Formats != nil {
		v.Serializer = s.UseFormats(*d.Formats)
	}
	m, err := newModel(v.DB, v.Serializer, v.LookupField)
	if err != nil {
		panic(fmt.Sprintf("generics: a view of %T: %v", *new(T), err))
	}
	checks := make([]any, 0, len(v.Filters)+1)
	for _, b := range v.Filters {
		checks = append(checks, b)
	}
	checks = append(checks, v.Pagination)
	for _, c := range checks {
		if c, ok := c.(filters.Checker); ok {
			if err := c.Check(m); err != nil {
				panic(fmt.Sprintf("generics: a view of %T: %v", *new(T), err))
			}
		}
	}
	if v.BulkCreate != nil {
		if _, ok := v.Serializer.(*serializers.Serializer[T]); !ok {
			panic(fmt.Sprintf("generics: a view of %T: BulkCreate needs a *serializers.Serializer (NewModel)", *new(T)))
		}
	}
	v.model = m
}

func (v *GenericAPIView[T]) meta() (*model, error) {
	if v.model != nil {
		return v.model, nil
	}
	return newModel(v.DB, v.Serializer, v.LookupField)
}

// LookupParam is the name of the path parameter an object is looked up by: what a router
// puts in the detail URL (/api/notes/:pk/).
func (v *GenericAPIView[T]) LookupParam() string {
	switch {
	case v.LookupURLKwarg != "":
		return v.LookupURLKwarg
	case v.LookupField != "":
		return v.LookupField
	}
	return "pk"
}

// Query is DRF's get_queryset(): the rows of T this request may see.
func (v *GenericAPIView[T]) Query(r *rest.Request) *gorm.DB {
	q := v.DB.WithContext(r.Context()).Model(new(T))
	if v.Queryset != nil {
		q = v.Queryset(r, q)
	}
	return q
}

// FilterQuery is DRF's filter_queryset(q): q narrowed by every filter backend, and the
// ordering the request asked for (the last Orderer's), which the caller applies. The
// query returned can be run more than once.
func (v *GenericAPIView[T]) FilterQuery(r *rest.Request, q *gorm.DB) (*gorm.DB, []filters.Order, error) {
	m, err := v.meta()
	if err != nil {
		return nil, nil, err
	}
	var order []filters.Order
	for _, b := range v.Filters {
		if o, ok := b.(filters.Orderer); ok {
			order = o.Ordering(r, m)
			continue
		}
		if q, err = b.Filter(r, q, m); err != nil {
			return nil, nil, err
		}
	}
	return q.Session(&gorm.Session{}), order, nil
}

// SerializerOf is DRF's get_serializer_class(): SerializerFor's choice, else Serializer.
func (v *GenericAPIView[T]) SerializerOf(r *rest.Request) Serializer[T] {
	if v.SerializerFor != nil {
		if s := v.SerializerFor(r); s != nil {
			return s
		}
	}
	return v.Serializer
}

// Object is DRF's get_object(): the object the path names, among the filtered rows the
// request may see, once the request's object permissions allow it. A missing or malformed
// id is 404 {"detail": "Not found."}; a refusal is 403 (401 for an anonymous client).
func (v *GenericAPIView[T]) Object(r *rest.Request) (*T, error) {
	m, err := v.meta()
	if err != nil {
		return nil, err
	}
	value, ok := lookupValue(m.lookup, r.Param(v.LookupParam()))
	if !ok {
		return nil, rest.NotFound()
	}
	q, _, err := v.FilterQuery(r, v.Query(r))
	if err != nil {
		return nil, err
	}
	var obj T
	err = q.Where(clause.Eq{Column: filters.Column(m.lookup), Value: value}).Take(&obj).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, rest.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if err := r.CheckObjectPermissions(v, &obj); err != nil {
		return nil, err
	}
	return &obj, nil
}

// CheckObject is Object's verdict alone (rest.ObjectChecker): the browsable API shows a
// PUT, PATCH or DELETE form only for an object the request may change.
func (v *GenericAPIView[T]) CheckObject(r *rest.Request) error {
	_, err := v.Object(r)
	return err
}

var _ rest.ObjectChecker = (*GenericAPIView[struct{}])(nil)

// Reload reads obj again through Query (DRF's refresh_from_db, with the queryset's joins
// and extra columns): what a response shows after a write. An object the request may no
// longer see is returned as it is.
func (v *GenericAPIView[T]) Reload(r *rest.Request, obj *T) (*T, error) {
	m, err := v.meta()
	if err != nil {
		return nil, err
	}
	pk, zero := m.pk.ValueOf(r.Context(), reflect.ValueOf(obj).Elem())
	if zero {
		return obj, nil
	}
	var fresh T
	err = v.Query(r).Where(clause.Eq{Column: filters.Column(m.pk), Value: pk}).Take(&fresh).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return obj, nil
	}
	if err != nil {
		return nil, err
	}
	return &fresh, nil
}

// Describe lists Serializer's fields for OPTIONS (rest.ActionDescriber).
func (v *GenericAPIView[T]) Describe(string) rest.Fields { return v.Serializer.Describe() }
