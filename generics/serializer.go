package generics

import (
	"context"

	"ginrest/rest"
	"ginrest/serializers"
)

// Serializer is what a generic view needs of a serializer of the model T:
// *serializers.Serializer[T] (serializers.New or NewModel) is one. A view that shows or
// takes another set of fields for some requests wraps it — Represent dropping a key, say —
// and returns it from SerializerFor (DRF's get_serializer_class).
type Serializer[T any] interface {
	Validate(ctx context.Context, data any) (*serializers.Validated[T], error)
	ValidateUpdate(ctx context.Context, instance *T, data any, partial bool) (*serializers.Validated[T], error)
	Create(ctx context.Context, v *serializers.Validated[T]) (*T, error)
	Update(ctx context.Context, instance *T, v *serializers.Validated[T]) error
	Represent(v *T) serializers.Data
	Describe() rest.Fields
	// Column is the database column of a field, by JSON name: what filters, ordering and
	// the lookup may name.
	Column(name string) (string, bool)
}

var _ Serializer[struct{}] = (*serializers.Serializer[struct{}])(nil)

// ContextRepresenter is a Serializer that renders with the request's context, so that its
// method fields (DRF's SerializerMethodField) see the request and can fail with an error:
// *serializers.Serializer[T] is one. The generic views render a *serializers.Serializer[T]
// with it, and any other Serializer with Represent — a wrapper that embeds one to override
// Represent would otherwise be bypassed by the embedded RepresentContext. A wrapper that
// wants the request implements ContextRepresenter itself and says so with
// UsesRepresentContext.
type ContextRepresenter[T any] interface {
	RepresentContext(ctx context.Context, v *T) (serializers.Data, error)
}

// ContextRepresenterWrapper is a wrapper's promise that its RepresentContext is its own.
type ContextRepresenterWrapper interface{ UsesRepresentContext() }

var _ ContextRepresenter[struct{}] = (*serializers.Serializer[struct{}])(nil)

// represent is ser's representation of v for the request r.
func represent[T any](r *rest.Request, ser Serializer[T], v *T) (serializers.Data, error) {
	if s, ok := ser.(*serializers.Serializer[T]); ok {
		return s.RepresentContext(r.Context(), v)
	}
	if rc, ok := ser.(ContextRepresenter[T]); ok {
		if _, own := ser.(ContextRepresenterWrapper); own {
			return rc.RepresentContext(r.Context(), v)
		}
	}
	return ser.Represent(v), nil
}
