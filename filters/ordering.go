package filters

import (
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"ginrest/rest"
)

// Ordering is DRF's OrderingFilter: ?ordering=-created,title orders by the named fields, a
// leading "-" for descending. Names not in Fields are ignored, as DRF ignores them
// (?ordering=title;DROP TABLE orders by Default), and when none is left Default applies.
type Ordering struct {
	// Fields are DRF's ordering_fields: what a client may order by.
	Fields []string
	// Default is DRF's view.ordering ("-created"); nil leaves the list in the queryset's
	// order (then the primary key's).
	Default []string
	// Param is the query parameter, "ordering" when empty (DRF's ORDERING_PARAM).
	Param string
}

var (
	_ Backend = Ordering{}
	_ Orderer = Ordering{}
	_ Checker = Ordering{}
)

func (o Ordering) param() string {
	if o.Param == "" {
		return "ordering"
	}
	return o.Param
}

// Check refuses fields the model does not have, and a default that names one not in
// Fields' model.
func (o Ordering) Check(m Model) error {
	for _, name := range o.Fields {
		if _, ok := m.Field(name); !ok {
			return fmt.Errorf("filters.Ordering: the model has no field %q with a column", name)
		}
	}
	for _, term := range o.Default {
		if _, ok := m.Field(strings.TrimPrefix(term, "-")); !ok {
			return fmt.Errorf("filters.Ordering: Default %q names no field of the model", term)
		}
	}
	return nil
}

// Ordering is OrderingFilter.get_ordering: the valid terms of the parameter, else Default.
func (o Ordering) Ordering(r *rest.Request, m Model) []Order {
	if raw, _ := r.QueryParam(o.param()); raw != "" {
		if order := o.resolve(orderingTerms(raw, o.Fields), m); len(order) > 0 {
			return order
		}
	}
	return o.resolve(o.Default, m)
}

// Filter orders q, for code that runs backends itself; generic views use Ordering.
func (o Ordering) Filter(r *rest.Request, q *gorm.DB, m Model) (*gorm.DB, error) {
	return OrderBy(q, o.Ordering(r, m)), nil
}

func (o Ordering) resolve(terms []string, m Model) []Order {
	order := make([]Order, 0, len(terms))
	for _, term := range terms {
		name, desc := strings.CutPrefix(term, "-")
		if f, ok := m.Field(name); ok {
			order = append(order, Order{Field: f, Desc: desc})
		}
	}
	return order
}

// orderingTerms is remove_invalid_fields over the comma-separated parameter: each term
// stripped, kept only if it names an allowed field (one "-" allowed in front). A field is
// kept once, where it first appears — a later mention cannot change the order — so the
// ORDER BY is never longer than the allowed list however long the parameter.
func orderingTerms(raw string, allowed []string) []string {
	var terms []string
	var seen []string
	for term := range strings.SplitSeq(raw, ",") {
		term = strings.TrimSpace(term)
		name := strings.TrimPrefix(term, "-")
		if !slices.Contains(allowed, name) || slices.Contains(seen, name) {
			continue
		}
		seen = append(seen, name)
		terms = append(terms, term)
	}
	return terms
}
