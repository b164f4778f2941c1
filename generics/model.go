package generics

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"ginrest/filters"
)

// model is what a view knows of T's table: gorm's schema, the serializer's field names
// (the only names filters may use) and the fields of the primary key and the lookup.
type model struct {
	schema *schema.Schema
	column func(name string) (string, bool)
	pk     *schema.Field
	lookup *schema.Field
}

var _ filters.Model = (*model)(nil)

// Field is the field the serializer calls name, if it has a column.
func (m *model) Field(name string) (*schema.Field, bool) {
	col, ok := m.column(name)
	if !ok {
		return nil, false
	}
	f := m.schema.LookUpField(col)
	if f == nil || f.DBName == "" {
		return nil, false
	}
	return f, true
}

func (m *model) PrimaryKey() *schema.Field { return m.pk }

// newModel reads T's table from gorm and resolves the lookup field (JSON name; "" is the
// primary key).
func newModel[T any](db *gorm.DB, ser Serializer[T], lookupField string) (*model, error) {
	if db == nil {
		return nil, errors.New("DB is nil: set it to the database of the model's table")
	}
	if ser == nil {
		return nil, errors.New("Serializer is nil")
	}
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(new(T)); err != nil {
		return nil, fmt.Errorf("gorm cannot read %T as a model: %w", *new(T), err)
	}
	m := &model{schema: stmt.Schema, column: ser.Column, pk: stmt.Schema.PrioritizedPrimaryField}
	if m.pk == nil {
		return nil, fmt.Errorf("%s has no primary key", stmt.Schema.Name)
	}
	m.lookup = m.pk
	if lookupField != "" {
		f, ok := m.Field(lookupField)
		if !ok {
			return nil, fmt.Errorf("LookupField %q is no field of the serializer with a column", lookupField)
		}
		m.lookup = f
	}
	return m, nil
}

// lookupValue reads a path parameter as the lookup field's type, as Django's get_prep_value
// does; false (a 404, as DRF's get_object_or_404 gives for a ValueError) when it cannot be.
func lookupValue(f *schema.Field, raw string) (any, bool) {
	switch f.IndirectFieldType.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		return n, err == nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(raw, 10, 64)
		return n, err == nil
	}
	// Strings, UUIDs...: compared as text, which the database must be able to hold.
	if raw == "" || !utf8.ValidString(raw) || strings.IndexByte(raw, 0) >= 0 {
		return nil, false
	}
	return raw, true
}
