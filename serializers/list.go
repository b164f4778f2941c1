package serializers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"gorm.io/gorm"

	"ginrest/rest"
)

// DRF's ListSerializer messages.
const (
	MsgEmptyListSerializer = "This list may not be empty."
)

func msgNotAListOfItems(typ string) string {
	return fmt.Sprintf("Expected a list of items but got type %q.", typ)
}

// ListSerializer is DRF's ListSerializer, a serializer with many=True at the top level: it
// validates a JSON list of objects with Child, and creates them all or none, in one
// transaction. Errors are aligned with the items ([{}, {"title": ["This field is
// required."]}]); input that is no list, an empty list (AllowEmpty false), or too long a
// one (MaxLength) is a non_field_errors message.
type ListSerializer[T any] struct {
	Child *Serializer[T]
	// AllowEmpty accepts [] (DRF's allow_empty, true there; false here unless set, as a
	// bulk create of nothing is most likely a mistake). MinLength and MaxLength bound the
	// number of items, 0 for no bound (DRF's min_length, max_length).
	AllowEmpty           bool
	MinLength, MaxLength int
}

// Many is the ListSerializer of s: DRF's Serializer(many=True).
func (s *Serializer[T]) Many() *ListSerializer[T] { return &ListSerializer[T]{Child: s} }

// Validate is ListSerializer.is_valid(): each item validated by Child, as for a create.
func (l *ListSerializer[T]) Validate(ctx context.Context, data any) ([]*Validated[T], error) {
	items, ok := data.([]any)
	if !ok {
		return nil, Invalid(msgNotAListOfItems(pythonType(data)))
	}
	switch {
	case len(items) == 0 && !l.AllowEmpty:
		return nil, Invalid(MsgEmptyListSerializer)
	case l.MaxLength > 0 && len(items) > l.MaxLength:
		return nil, Invalid(fmt.Sprintf("Ensure this field has no more than %d elements.", l.MaxLength))
	case l.MinLength > 0 && len(items) < l.MinLength:
		return nil, Invalid(fmt.Sprintf("Ensure this field has at least %d elements.", l.MinLength))
	}
	out := make([]*Validated[T], len(items))
	aligned := make([]any, len(items))
	failed := false
	for i, item := range items {
		v, err := l.Child.Validate(ctx, item)
		var re *rest.Error
		switch {
		case err == nil:
			out[i], aligned[i] = v, map[string]any{}
		case errors.As(err, &re) && re.Status == http.StatusBadRequest && re.Fields != nil:
			aligned[i], failed = re.Fields, true
		default:
			return nil, err
		}
	}
	if failed {
		return nil, ListError(aligned)
	}
	return out, nil
}

// ListError is the 400 of a list's errors aligned with its items, DRF's ListSerializer
// errors: a JSON list as the whole body.
func ListError(aligned []any) *rest.Error {
	return &rest.Error{Status: http.StatusBadRequest, List: aligned}
}

// Save creates every item in one transaction: save is called for each, in order, with a
// context that carries the transaction, which the serializer's Create and Update (and the
// unique checks) use. The first error rolls everything back, files stored by the
// items included; a unique violation of item i is answered aligned with the items.
func (l *ListSerializer[T]) Save(ctx context.Context, vs []*Validated[T], save func(ctx context.Context, v *Validated[T]) (*T, error)) ([]*T, error) {
	if l.Child.model == nil {
		return nil, errNotModel
	}
	out := make([]*T, len(vs))
	state := &txState{}
	err := l.Child.model.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		state.db = tx
		txCtx := context.WithValue(ctx, txKey{}, state)
		for i, v := range vs {
			obj, err := save(txCtx, v)
			out[i] = obj
			var re *rest.Error
			if errors.As(err, &re) && re.Status == http.StatusBadRequest && re.Fields != nil {
				aligned := make([]any, len(vs))
				for j := range aligned {
					aligned[j] = map[string]any{}
				}
				aligned[i] = re.Fields
				return ListError(aligned)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		state.rollback()
		return nil, err
	}
	return out, nil
}

// Create is Save with the child's Create.
func (l *ListSerializer[T]) Create(ctx context.Context, vs []*Validated[T]) ([]*T, error) {
	return l.Save(ctx, vs, l.Child.Create)
}

// txKey carries a ListSerializer's transaction in a context.
type txKey struct{}

// txState is the transaction a list's items are written in, and how to undo what the
// database cannot roll back: the files they stored.
type txState struct {
	db       *gorm.DB
	discards []func()
}

func (t *txState) rollback() {
	for _, d := range t.discards {
		d()
	}
}

// conn is the database a write or a check of ctx goes to: the list's transaction when
// there is one.
func (m *model) conn(ctx context.Context) *gorm.DB {
	if t, ok := ctx.Value(txKey{}).(*txState); ok && t.db != nil {
		return t.db.WithContext(ctx)
	}
	return m.db.WithContext(ctx)
}

// discardOnRollback has the files saved by a write inside a list's transaction deleted if
// the transaction does not commit.
func discardOnRollback[T any](ctx context.Context, s *Serializer[T], saved []string) {
	if len(saved) == 0 {
		return
	}
	if t, ok := ctx.Value(txKey{}).(*txState); ok {
		t.discards = append(t.discards, func() { s.discard(saved) })
	}
}
