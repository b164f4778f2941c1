package generics

import (
	"context"

	"ginrest/rest"
	"ginrest/serializers"
)

// Prefetcher is a Serializer that loads the related objects of many rows at once, as
// Django's prefetch_related does: *serializers.Serializer[T] is one (its relation fields).
// The generic views give it every row they render, a page at a time, so a list costs the
// same few queries whatever its length.
type Prefetcher[T any] interface {
	Prefetch(ctx context.Context, items []T) error
}

// prefetch loads the relations ser renders of items, when it has any: a list's rows at
// once, or the one object a response shows (representOne).
func prefetch[T any](r *rest.Request, ser Serializer[T], items []T) error {
	if p, ok := ser.(Prefetcher[T]); ok && len(items) > 0 {
		return p.Prefetch(r.Context(), items)
	}
	return nil
}

// prefetchOne is prefetch of one object, in place.
func prefetchOne[T any](r *rest.Request, ser Serializer[T], obj *T) error {
	items := []T{*obj}
	if err := prefetch(r, ser, items); err != nil {
		return err
	}
	*obj = items[0]
	return nil
}

// Represent is obj as the view renders it for r: its relations loaded, rendered with the
// request's context (hyperlinked fields need the request's host). An extra action that
// answers with an object uses it.
func (v *GenericAPIView[T]) Represent(r *rest.Request, obj *T) (serializers.Data, error) {
	return representOne(r, v.SerializerOf(r), obj)
}

// representOne is represent of one object, its relations loaded first.
func representOne[T any](r *rest.Request, ser Serializer[T], obj *T) (serializers.Data, error) {
	if err := prefetchOne(r, ser, obj); err != nil {
		return serializers.Data{}, err
	}
	return represent(r, ser, obj)
}
