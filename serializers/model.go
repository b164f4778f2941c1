package serializers

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"ginrest/rest"
)

// model is what a ModelSerializer knows of its gorm model: the table, each field's column,
// the primary key, and the model's name for messages.
type model struct {
	db      *gorm.DB
	info    *structInfo
	table   string
	columns map[string]string // JSON name → column
	pk      *schema.Field
	name    string
	// relations are the relation fields' bindings (relations_model.go).
	relations map[*field]*binding
	// readOnly are nested association fields this serializer does not write (no
	// NestedWriter): skipped on input, described read-only.
	readOnly map[*field]bool
	// nested are the nested fields that are gorm associations, which Prefetch loads.
	nested []*binding
	// together are unique_together's sets, uniqueFor the unique_for_date rules (unique.go).
	together  [][]*field
	uniqueFor []uniqueFor
	// hyperlinked is NewHyperlinkedModel's: a hyperlinked field without view_name links to
	// "<model name>-detail".
	hyperlinked bool
}

// VerboseNamer is implemented by a model that names itself in messages, as Django's
// Meta.verbose_name does; the default is the type's name in words ("BlogPost" → "blog
// post"), without a "Serializer" suffix (a serializer type that embeds the model to give it
// hooks: NoteSerializer → "note").
type VerboseNamer interface {
	VerboseName() string
}

func newModel(db *gorm.DB, info *structInfo, hyperlinked bool) (*model, error) {
	if db == nil {
		return nil, errors.New("NewModel needs a database")
	}
	stmt := &gorm.Statement{DB: db}
	value := reflect.New(info.typ).Interface()
	if err := stmt.Parse(value); err != nil {
		return nil, fmt.Errorf("gorm: %w", err)
	}
	m := &model{db: db, info: info, table: stmt.Schema.Table, columns: map[string]string{}, pk: stmt.Schema.PrioritizedPrimaryField, hyperlinked: hyperlinked}
	for _, f := range info.fields {
		if f.goName == "" {
			continue // the url field NewHyperlinkedModel adds: no struct field, no column
		}
		if sf := stmt.Schema.LookUpField(f.goName); sf != nil && sf.DBName != "" {
			m.columns[f.name] = sf.DBName
		} else if f.unique {
			return nil, fmt.Errorf("unique field %s has no column", f.goName)
		}
	}
	if err := m.bindRelations(db, stmt.Schema); err != nil {
		return nil, err
	}
	m.bindNested(stmt.Schema)
	m.readOnly = m.nestedReadOnly()
	if err := m.resolveUniqueRules(value); err != nil {
		return nil, err
	}
	m.name = verboseName(strings.TrimSuffix(info.typ.Name(), "Serializer"))
	if n, ok := value.(VerboseNamer); ok {
		m.name = n.VerboseName()
	}
	return m, nil
}

// verboseName is Django's default verbose_name: camel_case_to_spaces, lower case.
func verboseName(typeName string) string {
	runes := []rune(typeName)
	var b strings.Builder
	for i, r := range runes {
		upper := unicode.IsUpper(r)
		afterLower := i > 0 && unicode.IsLower(runes[i-1])
		beforeLower := i+1 < len(runes) && !unicode.IsUpper(runes[i+1])
		if i > 0 && upper && (afterLower || beforeLower) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSpace(b.String())
}

// fieldName is the field's verbose name in the unique message: its label when one is
// given, else its name with spaces (Django's default verbose_name).
func fieldName(f *field) string {
	if f.label != labelOf(f.name) {
		return f.label
	}
	return strings.ReplaceAll(f.name, "_", " ")
}

// unique is DRF's UniqueValidator: no other row may have the value; an update's own row
// does not count. A null is not compared (the database allows many).
func (m *model) unique(ctx context.Context, f *field, v reflect.Value, instance any) ([]string, error) {
	if f.nullable {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	q := m.excluding(ctx, instance)
	found, err := exists(q.Where(clause.Eq{Column: clause.Column{Name: m.columns[f.name]}, Value: v.Interface()}))
	if err != nil || !found {
		return nil, err
	}
	return []string{MsgUnique(m.name, fieldName(f))}, nil
}

// Column is the database column of the field with the JSON name name, for views that
// filter or order by a field; false for a plain serializer or a field without a column.
func (s *Serializer[T]) Column(name string) (string, bool) {
	if s.model == nil {
		return "", false
	}
	c, ok := s.model.columns[name]
	return c, ok
}

// errNotModel is the programming error of writing through a plain serializer.
var errNotModel = errors.New("serializers: Create and Update need a serializer built by NewModel")

// Create is ModelSerializer.create: it inserts the validated object (after the view has
// set what the client may not, such as the owner) and returns it as stored, with its new
// primary key. Relation fields are stored (a belongs-to's foreign key, a many-to-many's
// join rows) in the same transaction; nested objects only by the model's NestedWriter.
func (s *Serializer[T]) Create(ctx context.Context, v *Validated[T]) (*T, error) {
	if s.model == nil {
		return nil, errNotModel
	}
	obj := v.Value
	rv := reflect.ValueOf(&obj).Elem()
	if err := s.model.setForeignKeys(ctx, rv, v.fields); err != nil {
		return nil, err
	}
	saved, err := s.saveUploads(ctx, rv, s.model.table)
	if err != nil {
		return nil, err
	}
	err = s.model.write(ctx, rv, v.fields, nil, func(tx *gorm.DB) error {
		return tx.Omit(clause.Associations).Create(&obj).Error
	})
	if err != nil {
		s.discard(saved)
		return nil, s.model.saveError(ctx, err, rv, nil)
	}
	discardOnRollback(ctx, s, saved)
	return &obj, nil
}

// Update is ModelSerializer.update: it writes the fields the input set (Validated.Fields)
// to the instance's row, then reloads *instance from it. A row deleted meanwhile is a 404.
func (s *Serializer[T]) Update(ctx context.Context, instance *T, v *Validated[T]) error {
	if s.model == nil {
		return errNotModel
	}
	var columns []string
	for _, name := range v.fields {
		if c, ok := s.model.columns[name]; ok {
			columns = append(columns, c)
		}
	}
	rv := reflect.ValueOf(&v.Value).Elem()
	if err := s.model.setForeignKeys(ctx, rv, v.fields); err != nil {
		return err
	}
	// The uploads are stored first, so that the row names files that exist; Django
	// leaves a replaced file where it is, and so does Update.
	saved, err := s.saveUploads(ctx, rv, s.model.table)
	if err != nil {
		return err
	}
	err = s.model.write(ctx, rv, v.fields, instance, func(tx *gorm.DB) error {
		if len(columns) == 0 {
			return nil
		}
		res := tx.Model(instance).Select(columns).Omit(clause.Associations).Updates(&v.Value)
		if res.Error == nil && res.RowsAffected == 0 {
			return rest.NotFound()
		}
		return res.Error
	})
	if err != nil {
		s.discard(saved)
		return s.model.saveError(ctx, err, rv, instance)
	}
	discardOnRollback(ctx, s, saved)
	fresh := v.Value
	if m := s.model; m.pk == nil {
		*instance = fresh
		return nil
	} else if _, zero := m.pk.ValueOf(ctx, reflect.ValueOf(&fresh).Elem()); zero {
		*instance = fresh
		return nil
	}
	if err := s.model.conn(ctx).Take(&fresh).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return rest.NotFound()
		}
		return err
	}
	*instance = fresh
	return nil
}

// saveError turns a unique-constraint violation into the 400 the unique check gives: a
// write that raced another past the check. The check runs again to name the field; a
// constraint no unique field declares gets a non-field message.
func (m *model) saveError(ctx context.Context, err error, value reflect.Value, instance any) error {
	if !isUniqueViolation(err) {
		return err
	}
	errs := Errors{}
	for _, f := range m.info.fields {
		if !f.unique {
			continue
		}
		if msgs, qerr := m.unique(ctx, f, value.FieldByIndex(f.index), instance); qerr == nil && msgs != nil {
			errs[f.name] = msgs
		}
	}
	if len(errs) == 0 {
		// unique_together's sets, checked again as the field above.
		if more, qerr := m.checkObject(ctx, value, instance, func(string) bool { return true }); qerr == nil {
			for k, v := range more {
				errs[k] = v
			}
		}
	}
	if len(errs) == 0 {
		errs.Add(rest.NonFieldErrors, m.name+" with these values already exists.")
	}
	return errs.Err()
}

// isUniqueViolation recognises a unique violation from gorm (TranslateError), PostgreSQL
// (SQLSTATE 23505) or SQLite ("UNIQUE constraint failed").
func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		return coded.SQLState() == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}
