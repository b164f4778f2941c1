package generics

import (
	"gorm.io/gorm"

	"ginrest/filters"
	"ginrest/pagination"
	"ginrest/rest"
	"ginrest/serializers"
)

// The actions of DRF's mixins, as methods: the concrete views and the viewsets answer
// with them, and a view (or a viewset's extra action) of one's own can too.

// List is ListModelMixin.list: the filtered rows, paginated when the view paginates.
func (v *GenericAPIView[T]) List(r *rest.Request) (*rest.Response, error) {
	return v.ListFrom(r, v.Query(r))
}

// ListFrom is List over q instead of Query's rows, filtered, ordered and paginated the
// same way: for an extra action that lists a subset, ListFrom(r, v.Query(r).Where(...)).
func (v *GenericAPIView[T]) ListFrom(r *rest.Request, q *gorm.DB) (*rest.Response, error) {
	m, err := v.meta()
	if err != nil {
		return nil, err
	}
	q, order, err := v.FilterQuery(r, q)
	if err != nil {
		return nil, err
	}
	var items []T
	var page pagination.Page
	if v.Pagination != nil {
		page, err = v.Pagination.Paginate(r, pagination.List{Query: q, Order: order, Model: m, Into: &items})
		if err != nil {
			return nil, err
		}
	}
	if page == nil {
		if err := filters.OrderBy(q, filters.Stable(order, m.pk)).Find(&items).Error; err != nil {
			return nil, err
		}
	}
	ser := v.SerializerOf(r)
	if err := prefetch(r, ser, items); err != nil {
		return nil, err
	}
	results := make([]serializers.Data, len(items))
	for i := range items {
		if results[i], err = represent(r, ser, &items[i]); err != nil {
			return nil, err
		}
	}
	if page != nil {
		return rest.OK(page.Response(results)), nil
	}
	return rest.OK(results), nil
}

// Create is CreateModelMixin.create: the request's data validated, saved (PerformCreate)
// and answered 201 with its representation.
func (v *GenericAPIView[T]) Create(r *rest.Request) (*rest.Response, error) {
	data, err := r.Data()
	if err != nil {
		return nil, err
	}
	if items, ok := data.([]any); ok && v.BulkCreate != nil {
		return v.bulkCreate(r, items)
	}
	ser := v.SerializerOf(r)
	valid, err := ser.Validate(r.Context(), data)
	if err != nil {
		return nil, err
	}
	var obj *T
	if v.PerformCreate != nil {
		obj, err = v.PerformCreate(r, valid)
	} else {
		obj, err = ser.Create(r.Context(), valid)
	}
	if err != nil {
		return nil, err
	}
	if obj, err = v.Reload(r, obj); err != nil {
		return nil, err
	}
	d, err := representOne(r, ser, obj)
	if err != nil {
		return nil, err
	}
	return rest.Created(d), nil
}

// Retrieve is RetrieveModelMixin.retrieve.
func (v *GenericAPIView[T]) Retrieve(r *rest.Request) (*rest.Response, error) {
	obj, err := v.Object(r)
	if err != nil {
		return nil, err
	}
	d, err := representOne(r, v.SerializerOf(r), obj)
	if err != nil {
		return nil, err
	}
	return rest.OK(d), nil
}

// Update is UpdateModelMixin.update (PUT): every writable field is required.
func (v *GenericAPIView[T]) Update(r *rest.Request) (*rest.Response, error) {
	return v.update(r, false)
}

// PartialUpdate is UpdateModelMixin.partial_update (PATCH): only the fields given change.
func (v *GenericAPIView[T]) PartialUpdate(r *rest.Request) (*rest.Response, error) {
	return v.update(r, true)
}

// update looks the object up first, as DRF does: a missing object is a 404 and a refused
// one a 403 before the body is even read.
func (v *GenericAPIView[T]) update(r *rest.Request, partial bool) (*rest.Response, error) {
	obj, err := v.Object(r)
	if err != nil {
		return nil, err
	}
	data, err := r.Data()
	if err != nil {
		return nil, err
	}
	ser := v.SerializerOf(r)
	valid, err := ser.ValidateUpdate(r.Context(), obj, data, partial)
	if err != nil {
		return nil, err
	}
	if v.PerformUpdate != nil {
		err = v.PerformUpdate(r, obj, valid)
	} else {
		err = ser.Update(r.Context(), obj, valid)
	}
	if err != nil {
		return nil, err
	}
	if obj, err = v.Reload(r, obj); err != nil {
		return nil, err
	}
	d, err := representOne(r, ser, obj)
	if err != nil {
		return nil, err
	}
	return rest.OK(d), nil
}

// Destroy is DestroyModelMixin.destroy: 204 and no body.
func (v *GenericAPIView[T]) Destroy(r *rest.Request) (*rest.Response, error) {
	obj, err := v.Object(r)
	if err != nil {
		return nil, err
	}
	if v.PerformDestroy != nil {
		err = v.PerformDestroy(r, obj)
	} else {
		err = v.DB.WithContext(r.Context()).Delete(obj).Error
	}
	if err != nil {
		return nil, err
	}
	return rest.NoContent(), nil
}
