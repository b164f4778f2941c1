package serializers

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/rest"
)

// DRF's UniqueTogetherValidator and UniqueForDateValidator (with its month and year
// siblings), which a ModelSerializer builds from the model's Meta.unique_together and its
// fields' unique_for_date. They run once every field is valid, before the Validate hook,
// as DRF's run_validators does; an update's own row is excluded.

// UniqueTogetherer is implemented by a model that declares Django's Meta.unique_together:
// sets of fields, by JSON name, that no two rows may share.
//
//	func (Post) UniqueTogether() [][]string { return [][]string{{"title", "owner"}} }
//
// A database constraint should back it: two requests at once both pass the check, and the
// second insert's unique violation is answered with the same 400.
type UniqueTogetherer interface {
	UniqueTogether() [][]string
}

// msgUniqueTogether is UniqueTogetherValidator's message (code "unique").
func msgUniqueTogether(names []string) string {
	return "The fields " + strings.Join(names, ", ") + " must make a unique set."
}

// msgUniqueFor is UniqueForDateValidator's (and Month's, Year's) message.
func msgUniqueFor(dateField, part string) string {
	return fmt.Sprintf("This field must be unique for the %q %s.", dateField, part)
}

// uniqueFor is a field's unique_for_date (month, year): field's value may appear once per
// day (month, year) of dateField.
type uniqueFor struct {
	field, dateField *field
	part             string // "date", "month" or "year"
}

// resolveUniqueRules finds the fields unique_together and unique_for_date name; a name
// that is no field with a column is a declaration error.
func (m *model) resolveUniqueRules(value any) error {
	byName := map[string]*field{}
	for _, f := range m.info.fields {
		byName[f.name] = f
	}
	column := func(name string) (*field, error) {
		f, ok := byName[name]
		if _, hasColumn := m.columns[name]; !ok || !hasColumn {
			return nil, fmt.Errorf("%q is no field with a column", name)
		}
		return f, nil
	}
	if u, ok := value.(UniqueTogetherer); ok {
		for _, set := range u.UniqueTogether() {
			if len(set) < 2 {
				return fmt.Errorf("unique_together %q: a set of two fields or more", set)
			}
			var fields []*field
			for _, name := range set {
				f, err := column(name)
				if err != nil {
					return fmt.Errorf("unique_together: %w", err)
				}
				fields = append(fields, f)
			}
			m.together = append(m.together, fields)
		}
	}
	for _, f := range m.info.fields {
		if f.uniqueForField == "" {
			continue
		}
		if _, ok := m.columns[f.name]; !ok {
			return fmt.Errorf("%s: unique_for_%s needs a column", f.goName, f.uniqueForPart)
		}
		d, err := column(f.uniqueForField)
		if err != nil {
			return fmt.Errorf("%s: unique_for_%s: %w", f.goName, f.uniqueForPart, err)
		}
		if d.kind != kindDate && d.kind != kindTime {
			return fmt.Errorf("%s: unique_for_%s: %q is no date or datetime", f.goName, f.uniqueForPart, d.name)
		}
		m.uniqueFor = append(m.uniqueFor, uniqueFor{field: f, dateField: d, part: f.uniqueForPart})
	}
	return nil
}

// checkObject runs the object's unique validators on the validated struct v. has says
// which fields the input (or a default) set; on a create, a writable field of a rule that
// the input left out is required, as DRF's enforce_required_fields has it.
func (m *model) checkObject(ctx context.Context, v reflect.Value, instance any, has func(string) bool) (Errors, error) {
	errs := Errors{}
	required := func(fs ...*field) bool {
		missing := false
		if instance != nil {
			return false
		}
		for _, f := range fs {
			if !f.readOnly && !has(f.name) {
				errs[f.name] = []string{MsgRequired}
				missing = true
			}
		}
		return missing
	}
	for _, set := range m.together {
		if required(set...) {
			continue
		}
		q, skip := m.excluding(ctx, instance), false
		for _, f := range set {
			value, isNull := columnValue(f, v.FieldByIndex(f.index))
			if isNull {
				skip = true // DRF ignores a set with a None in it
				break
			}
			q = q.Where(clause.Eq{Column: clause.Column{Name: m.columns[f.name]}, Value: value})
		}
		if skip {
			continue
		}
		found, err := exists(q)
		if err != nil {
			return nil, err
		}
		if found {
			names := make([]string, len(set))
			for i, f := range set {
				names[i] = f.name
			}
			errs.Add(rest.NonFieldErrors, msgUniqueTogether(names))
		}
	}
	for _, u := range m.uniqueFor {
		if required(u.field, u.dateField) {
			continue
		}
		value, null := columnValue(u.field, v.FieldByIndex(u.field.index))
		date, dateNull := columnValue(u.dateField, v.FieldByIndex(u.dateField.index))
		if null || dateNull {
			continue
		}
		lo, hi := periodOf(date, u.part)
		q := m.excluding(ctx, instance)
		dc := clause.Column{Name: m.columns[u.dateField.name]}
		q = q.Where(clause.Eq{Column: clause.Column{Name: m.columns[u.field.name]}, Value: value}).
			Where(clause.Gte{Column: dc, Value: lo}).Where(clause.Lt{Column: dc, Value: hi})
		found, err := exists(q)
		if err != nil {
			return nil, err
		}
		if found {
			errs[u.field.name] = []string{msgUniqueFor(u.dateField.name, u.part)}
		}
	}
	if len(errs) == 0 {
		return nil, nil
	}
	return errs, nil
}

// excluding is a query of the model's rows other than instance's (an update's own).
func (m *model) excluding(ctx context.Context, instance any) *gorm.DB {
	db := m.conn(ctx).Table(m.table).Select("1")
	if instance != nil && m.pk != nil {
		if pk, zero := m.pk.ValueOf(ctx, reflect.ValueOf(instance).Elem()); !zero {
			db = db.Where(clause.Neq{Column: clause.Column{Name: m.pk.DBName}, Value: pk})
		}
	}
	return db
}

// exists reports whether q finds a row.
func exists(q *gorm.DB) (bool, error) {
	var found []int
	if err := q.Limit(1).Find(&found).Error; err != nil {
		return false, err
	}
	return len(found) > 0, nil
}

// columnValue is a field's value as the database compares it, and whether it is null.
func columnValue(f *field, v reflect.Value) (any, bool) {
	if f.nullable {
		if v.IsNil() {
			return nil, true
		}
		v = v.Elem()
	}
	return v.Interface(), false
}

// periodOf is the day, month or year of a Date or time.Time as the bounds [lo, hi) of the
// same type: DRF's date_field__day, __month and __year lookups.
func periodOf(v any, part string) (any, any) {
	switch d := v.(type) {
	case Date:
		start := d
		switch part {
		case "month":
			start.Day = 1
		case "year":
			start.Month, start.Day = 1, 1
		}
		return start, nextPeriod(start.Time(time.UTC), part, DateOf)
	case time.Time:
		t := d.UTC()
		start := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		switch part {
		case "month":
			start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		case "year":
			start = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return start, nextPeriod(start, part, func(t time.Time) time.Time { return t })
	}
	return v, v
}

func nextPeriod[D any](start time.Time, part string, of func(time.Time) D) D {
	switch part {
	case "month":
		return of(start.AddDate(0, 1, 0))
	case "year":
		return of(start.AddDate(1, 0, 0))
	}
	return of(start.AddDate(0, 0, 1))
}
