package generics

import (
	"context"
	"fmt"

	"ginrest/rest"
	"ginrest/serializers"
)

// BulkCreate is a view's opt-in to creating from a list (GenericAPIView.BulkCreate): the
// ListSerializer's allow_empty and max_length.
type BulkCreate struct {
	// AllowEmpty accepts [] (answered []); by default it is "This list may not be empty.".
	AllowEmpty bool
	// MaxLength bounds the items of one request; 0 is DefaultBulkMaxLength.
	MaxLength int
}

// DefaultBulkMaxLength bounds a bulk create when BulkCreate.MaxLength is 0: one request
// holds one transaction, which should stay short.
const DefaultBulkMaxLength = 100

// bulkCreate is Create of a list: every item validated (errors aligned with the items),
// then saved in one transaction, then answered 201 with the list of representations.
func (v *GenericAPIView[T]) bulkCreate(r *rest.Request, items []any) (*rest.Response, error) {
	ser, ok := v.SerializerOf(r).(*serializers.Serializer[T])
	if !ok {
		return nil, fmt.Errorf("generics: BulkCreate needs a *serializers.Serializer, not %T", v.SerializerOf(r))
	}
	l := &serializers.ListSerializer[T]{Child: ser, AllowEmpty: v.BulkCreate.AllowEmpty, MaxLength: v.BulkCreate.MaxLength}
	if l.MaxLength == 0 {
		l.MaxLength = DefaultBulkMaxLength
	}
	valid, err := l.Validate(r.Context(), items)
	if err != nil {
		return nil, err
	}
	objs, err := l.Save(r.Context(), valid, func(ctx context.Context, item *serializers.Validated[T]) (*T, error) {
		if v.PerformCreate != nil {
			return v.PerformCreate(r.WithContext(ctx), item)
		}
		return ser.Create(ctx, item)
	})
	if err != nil {
		return nil, err
	}
	out := make([]serializers.Data, len(objs))
	for i, obj := range objs {
		if obj, err = v.Reload(r, obj); err != nil {
			return nil, err
		}
		if out[i], err = represent(r, ser, obj); err != nil {
			return nil, err
		}
	}
	return rest.Created(out), nil
}
