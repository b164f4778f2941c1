package filters

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"ginrest/rest"
)

// Backend is DRF's BaseFilterBackend: it narrows a view's query to what the request asks
// for. Generic views run their backends, in order, on the list and on the object lookup
// (DRF's filter_queryset). One value serves every request: keep it stateless. A refusal is
// a *rest.Error (a 400 in DRF's shape); q must not be changed in place beyond gorm's own
// chaining.
type Backend interface {
	Filter(r *rest.Request, q *gorm.DB, m Model) (*gorm.DB, error)
}

// Model is what backends know of a view's model: the fields by their JSON name (the
// serializer's), each with its column and Go type, and the primary key.
type Model interface {
	// Field is the model field named name in the API, false when the serializer has no
	// such field or it has no column.
	Field(name string) (*schema.Field, bool)
	PrimaryKey() *schema.Field
}

// Checker is optionally implemented by a backend whose declaration can be wrong (a field
// the model does not have, a type it cannot filter). Generic views call Check when they
// are mounted and panic on an error: a mistake stops the program at startup, never a
// request.
type Checker interface {
	Check(m Model) error
}

// Orderer is implemented by a backend that orders, DRF's OrderingFilter. Generic views do
// not call its Filter: they ask its ordering and give it to the paginator, which may
// reverse it (cursor pagination) and adds the primary key so that pages are stable.
type Orderer interface {
	Ordering(r *rest.Request, m Model) []Order
}

// Order is one ORDER BY term.
type Order struct {
	Field *schema.Field
	Desc  bool
}

// Column is the field's column, qualified with the query's own table so that a queryset
// that joins another table (auth_user has an id too) stays unambiguous.
func Column(f *schema.Field) clause.Column {
	return clause.Column{Table: clause.CurrentTable, Name: f.DBName}
}

// OrderBy adds order to q.
func OrderBy(q *gorm.DB, order []Order) *gorm.DB {
	for _, o := range order {
		q = q.Order(clause.OrderByColumn{Column: Column(o.Field), Desc: o.Desc})
	}
	return q
}

// Stable is order with the primary key last unless order has it already, in the
// direction of order's first term (newest first, then the highest id): a total order, so
// that a row is on exactly one page however many share a title or a timestamp. (Django's
// paginator warns about unordered lists; this orders them.)
func Stable(order []Order, pk *schema.Field) []Order {
	if pk == nil {
		return order
	}
	for _, o := range order {
		if o.Field.DBName == pk.DBName {
			return order
		}
	}
	desc := len(order) > 0 && order[0].Desc
	return append(order[:len(order):len(order)], Order{Field: pk, Desc: desc})
}

// isPostgres tells the dialects apart where their SQL differs (ILIKE, casts).
func isPostgres(q *gorm.DB) bool { return q.Dialector.Name() == "postgres" }
