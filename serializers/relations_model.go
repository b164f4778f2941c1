package serializers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"ginrest/rest"
)

// binding is what a model serializer knows of one relation field from gorm: the related
// model's table, the field input names an object by (its primary key, slug_field or
// lookup_field), and how the association is stored.
type binding struct {
	f      *field
	spec   *relSpec
	target *schema.Schema
	key    *schema.Field // what input and hyperlinks name an object by
	pk     *schema.Field // the related primary key (what related=pk renders)
	// rel is gorm's relationship of the serializer's model to the target; nil for identity.
	rel *schema.Relationship
	// fk is the model's own foreign key field of a belongs-to relation (OwnerID for
	// Owner); its column is what an update writes.
	fk *schema.Field
	// holder is the index of the struct field holding the loaded association: the
	// field's own, or its source's.
	holder []int
	// viewName is a hyperlinked field's route: its view_name, or the default of a
	// hyperlinked model serializer. It lives here, not in the relSpec, because the spec is
	// the type's (cached) and the default is the serializer's.
	viewName string
}

// errNoRequest is DRF's assertion that a hyperlinked field is rendered with the request
// in its context: a URL needs the host the client came to.
var errNoRequest = errors.New("serializers: a hyperlinked field needs the request: render with RepresentContext(r.Context(), ...)")

// bindRelations binds the relation fields of a model serializer; a nested struct's
// relation fields are refused, as only the serializer's own row has an association.
func (m *model) bindRelations(db *gorm.DB, own *schema.Schema) error {
	for _, f := range m.info.fields {
		if f.rel == nil {
			if (f.object != nil && hasRelations(f.object, map[*structInfo]bool{})) ||
				(f.child != nil && f.child.object != nil && hasRelations(f.child.object, map[*structInfo]bool{})) {
				return fmt.Errorf("%s: relation fields belong to the model serializer's own struct, not to a nested one", f.goName)
			}
			continue
		}
		b, err := bind(db, own, f, m.hyperlinked)
		if err != nil {
			return fmt.Errorf("%s: %w", f.goName, err)
		}
		if m.relations == nil {
			m.relations = map[*field]*binding{}
		}
		m.relations[f] = b
		if b.fk != nil {
			m.columns[f.name] = b.fk.DBName // a write of the field is a write of the key
		}
	}
	return nil
}

func bind(db *gorm.DB, own *schema.Schema, f *field, hyperlinked bool) (*binding, error) {
	spec := f.rel
	b := &binding{f: f, spec: spec, target: own, holder: f.index, viewName: spec.viewName}
	if (spec.kind == relHyperlink || spec.kind == relIdentity) && b.viewName == "" {
		if !hyperlinked {
			return nil, errors.New("a hyperlinked field needs view_name=ROUTE (NewHyperlinkedModel gives it <model>-detail)")
		}
		b.viewName = ModelName(spec.target) + "-detail"
	}
	if spec.kind != relIdentity {
		assoc := f.goName
		if spec.source != "" {
			sf, ok := own.ModelType.FieldByName(spec.source)
			if !ok || sf.Type != f.typ {
				return nil, fmt.Errorf("source=%s: the model has no association field %s of type %s", spec.source, spec.source, f.typ)
			}
			assoc, b.holder = spec.source, sf.Index
		}
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(reflect.New(spec.target).Interface()); err != nil {
			return nil, fmt.Errorf("gorm: %w", err)
		}
		b.target = stmt.Schema
		b.rel = own.Relationships.Relations[assoc]
		if b.rel == nil {
			return nil, fmt.Errorf("gorm sees no association %s of %s (a foreign key field, or a many2many tag)", assoc, own.Name)
		}
		switch b.rel.Type {
		case schema.BelongsTo:
			if spec.many {
				return nil, errors.New("a belongs-to association is one object, not a slice")
			}
			if len(b.rel.References) != 1 {
				return nil, errors.New("a composite foreign key is not supported")
			}
			b.fk = b.rel.References[0].ForeignKey
		case schema.Many2Many:
			if len(b.rel.References) != 2 {
				return nil, errors.New("a many2many join table of composite keys is not supported")
			}
		default:
			// A reverse relation (has one, has many): the other table holds the key, so
			// DRF's ModelSerializer makes it read-only, and so does this.
			if !f.readOnly {
				return nil, fmt.Errorf("a reverse relation (%s) must be read_only", b.rel.Type)
			}
		}
	}
	b.pk = b.target.PrioritizedPrimaryField
	if b.pk == nil {
		return nil, fmt.Errorf("%s has no primary key", b.target.Name)
	}
	b.key = b.pk
	name := ""
	switch spec.kind {
	case relSlug:
		name = spec.slugField
	case relHyperlink, relIdentity:
		name = spec.lookupField
	}
	if name != "" {
		b.key = lookUp(b.target, spec.target, name)
		if b.key == nil || b.key.DBName == "" {
			return nil, fmt.Errorf("%s has no column field %q", b.target.Name, name)
		}
	}
	switch b.key.FieldType.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		if spec.kind != relString {
			return nil, fmt.Errorf("%s.%s is a %s: relations name objects by integers or strings", b.target.Name, b.key.Name, b.key.FieldType)
		}
	}
	return b, nil
}

// openAPI is the field's value as drf-spectacular types it: PrimaryKeyRelatedField the
// related primary key's type, SlugRelatedField the slug field's, a hyperlink a URI,
// StringRelatedField a string.
func (b *binding) openAPI() *rest.Related {
	out := &rest.Related{Type: "string", Many: b.spec.many}
	switch b.spec.kind {
	case relPK, relSlug:
		if isInteger(b.key.FieldType) {
			out.Type = "integer"
		}
	case relHyperlink, relIdentity:
		out.Format = "uri"
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// lookUp finds a field of the related model by its JSON name, else by its Go or column name.
func lookUp(s *schema.Schema, t reflect.Type, name string) *schema.Field {
	for _, f := range infoOf(t).fields {
		if f.name == name {
			if sf := s.LookUpField(f.goName); sf != nil {
				return sf
			}
		}
	}
	return s.LookUpField(name)
}

// related validates a relation field's input into dst: the objects it names, found in the
// field's queryset with one query whatever the number of items. Errors are DRF's, the
// first item's in input order for many=True, as ManyRelatedField stops at the first.
func (r *run) related(f *field, raw any, dst reflect.Value) any {
	b := r.binding(f)
	if b == nil {
		return nil
	}
	if raw == "" && !b.spec.many {
		// RelatedField.run_validation: "" is None, for a form's empty value above all.
		raw = nil
	}
	if raw == nil {
		if !f.nullable {
			return []string{MsgNull}
		}
		dst.Set(reflect.Zero(f.typ))
		return nil
	}
	items := []any{raw}
	if b.spec.many {
		list, ok := raw.([]any)
		if !ok {
			return []string{msgNotAList(pythonType(raw))}
		}
		if len(list) == 0 && !f.allowEmpty {
			return []string{MsgEmptyList}
		}
		items = list
	}
	keys := make([]reflect.Value, len(items))
	msgs := make([]string, len(items))
	var valid []any
	for i, item := range items {
		keys[i], msgs[i] = b.readKey(r.ctx.Request, item)
		if keys[i].IsValid() {
			valid = append(valid, keys[i].Interface())
		}
	}
	found := map[string]reflect.Value{}
	if len(valid) > 0 {
		rows := reflect.New(reflect.SliceOf(b.spec.target))
		q := r.model.db.WithContext(r.ctx).Model(reflect.New(b.spec.target).Interface())
		if b.spec.queryset >= 0 {
			q = reflect.New(b.spec.ownerType).Method(b.spec.queryset).
				Call([]reflect.Value{reflect.ValueOf(r.ctx.Request), reflect.ValueOf(q)})[0].Interface().(*gorm.DB)
		}
		col := clause.Column{Table: b.target.Table, Name: b.key.DBName}
		if err := q.Where(clause.IN{Column: col, Values: valid}).Find(rows.Interface()).Error; err != nil {
			r.fatal = err
			return nil
		}
		for i := range rows.Elem().Len() {
			row := rows.Elem().Index(i)
			v, _ := b.key.ValueOf(r.ctx, row)
			found[fmt.Sprint(v)] = row
		}
	}
	out := reflect.MakeSlice(reflect.SliceOf(b.spec.target), 0, len(items))
	seen := map[string]bool{}
	for i, item := range items {
		if msgs[i] != "" {
			return []string{msgs[i]}
		}
		if !keys[i].IsValid() {
			return []string{b.notFound(item)}
		}
		k := fmt.Sprint(keys[i].Interface())
		row, ok := found[k]
		if !ok {
			return []string{b.notFound(item)}
		}
		if !seen[k] { // a set: the join table holds a pair once
			seen[k] = true
			out = reflect.Append(out, row)
		}
	}
	switch {
	case b.spec.many && b.spec.ptrItems:
		ptrs := reflect.MakeSlice(f.typ, out.Len(), out.Len())
		for i := range out.Len() {
			ptrs.Index(i).Set(out.Index(i).Addr())
		}
		dst.Set(ptrs)
	case b.spec.many:
		dst.Set(out)
	case f.nullable:
		dst.Set(out.Index(0).Addr())
	default:
		dst.Set(out.Index(0))
	}
	return nil
}

func (r *run) binding(f *field) *binding {
	if r.model == nil || r.model.relations[f] == nil {
		r.fatal = fmt.Errorf("serializers: the relation field %s needs a serializer built by NewModel", f.goName)
		return nil
	}
	return r.model.relations[f]
}

// readKey is the value an item names its object by, in the key field's Go type, or DRF's
// message for an item that cannot name one; neither for a value no row can have.
func (b *binding) readKey(req *rest.Request, item any) (reflect.Value, string) {
	var key string
	switch b.spec.kind {
	case relPK:
		switch item.(type) {
		case bool, []any, map[string]any:
			// Django's pk lookup raises TypeError for these: DRF's incorrect_type.
			return reflect.Value{}, msgPKIncorrectType(pythonType(item))
		}
		if s, ok := text(item); ok {
			key = s
		}
		if v, ok := b.keyValue(key); ok {
			return v, ""
		}
		if isInteger(b.key.FieldType) {
			if _, msg := integer(item); msg != "" && msg != MsgStringTooLarge {
				return reflect.Value{}, msgPKIncorrectType(pythonType(item))
			}
		}
		return reflect.Value{}, "" // an integer beyond the column's range names no row
	case relSlug:
		switch item.(type) {
		case []any, map[string]any:
			return reflect.Value{}, MsgInvalid
		}
		key = pythonStr(item)
		if v, ok := b.keyValue(key); ok {
			return v, ""
		}
		return reflect.Value{}, MsgInvalid
	default: // relHyperlink
		s, ok := item.(string)
		if !ok {
			return reflect.Value{}, msgURLIncorrectType(pythonType(item))
		}
		if strings.HasPrefix(s, "http:") || strings.HasPrefix(s, "https:") {
			u, err := url.Parse(s)
			if err != nil {
				return reflect.Value{}, MsgNoURLMatch
			}
			s = u.EscapedPath()
		}
		path, err := url.PathUnescape(s)
		if err != nil {
			return reflect.Value{}, MsgNoURLMatch
		}
		name, params, ok := req.Resolve(path)
		if !ok {
			return reflect.Value{}, MsgNoURLMatch
		}
		if name != b.viewName {
			return reflect.Value{}, MsgIncorrectURLMatch
		}
		for _, p := range params {
			if p.Key == b.spec.lookupKwarg {
				key = p.Value
			}
		}
		if v, ok := b.keyValue(key); ok {
			return v, ""
		}
		// get_object's ValueError: DRF names the type of the URL, a str.
		return reflect.Value{}, msgURLIncorrectType("str")
	}
}

// keyValue reads text as a value of the key field's type.
func (b *binding) keyValue(text string) (reflect.Value, bool) {
	v := reflect.New(b.key.FieldType).Elem()
	if v.Kind() == reflect.String {
		v.SetString(text)
		return v, true
	}
	n, msg := integer(text)
	if msg != "" {
		return reflect.Value{}, false
	}
	if setInteger(v, n) != nil {
		return reflect.Value{}, false
	}
	return v, true
}

func isInteger(t reflect.Type) bool { return t.Kind() != reflect.String }

// notFound is DRF's does_not_exist message of the field's kind.
func (b *binding) notFound(item any) string {
	switch b.spec.kind {
	case relPK:
		return msgPKNotFound(pythonStr(item))
	case relSlug:
		return msgSlugNotFound(b.spec.slugField, pythonStr(item))
	}
	return MsgHyperlinkNotFound
}

// related is a relation field's to_representation: the primary key (read from the
// foreign key column when it has one, DRF's use_pk_only_optimization), the slug, the
// String(), or the absolute URL; a list for many=True, null for no object.
func (r *renderer) related(f *field, owner reflect.Value) any {
	b := r.model.binding(f)
	if b == nil {
		r.fail(fmt.Errorf("serializers: the relation field %s needs a serializer built by NewModel", f.goName))
		return nil
	}
	if b.spec.kind == relIdentity {
		return r.link(b, owner)
	}
	if b.spec.kind == relPK && b.fk != nil {
		v := owner.FieldByIndex(b.fk.StructField.Index)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
		}
		return v.Interface()
	}
	v := owner.FieldByIndex(b.holder)
	if b.spec.many {
		out := make([]any, 0, v.Len())
		for i := range v.Len() {
			item := v.Index(i)
			if item.Kind() == reflect.Pointer {
				if item.IsNil() {
					continue
				}
				item = item.Elem()
			}
			out = append(out, r.one(b, item))
		}
		return out
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return r.one(b, v)
}

func (r *renderer) one(b *binding, obj reflect.Value) any {
	switch b.spec.kind {
	case relPK:
		return r.keyOf(b.pk, obj)
	case relSlug:
		return r.keyOf(b.key, obj)
	case relString:
		if b.spec.stringer {
			return obj.Interface().(fmt.Stringer).String()
		}
		p := reflect.New(obj.Type())
		p.Elem().Set(obj)
		return p.Interface().(fmt.Stringer).String()
	}
	return r.link(b, obj)
}

func (r *renderer) keyOf(sf *schema.Field, obj reflect.Value) any {
	v := obj.FieldByIndex(sf.StructField.Index)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}

// link is HyperlinkedRelatedField.get_url: the absolute URL of view_name with the lookup
// field's value; null for an object not saved yet.
func (r *renderer) link(b *binding, obj reflect.Value) any {
	req := r.ctx.Request
	if req == nil {
		r.fail(errNoRequest)
		return nil
	}
	key := r.keyOf(b.key, obj)
	if key == nil || reflect.ValueOf(key).IsZero() {
		return nil
	}
	path, err := req.Reverse(b.viewName, rest.Param{Key: b.spec.lookupKwarg, Value: fmt.Sprint(key)})
	if err != nil {
		r.fail(fmt.Errorf("serializers: %s: could not resolve a URL with view_name %q: %w", cmpOr(b.f.goName, b.f.name), b.viewName, err))
		return nil
	}
	return req.AbsoluteURL(path).String()
}

func (r *renderer) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (m *model) binding(f *field) *binding {
	if m == nil {
		return nil
	}
	return m.relations[f]
}

// formRelated is ManyRelatedField.get_value for HTML input: every value of the key (a
// form without it is an empty list, unless partial, or unless the form names the objects
// by another field over the same association: tag_slugs=home alone must not have the
// absent tags clear them); one value for a single relation, "" being null (related).
func formRelated(f *field, form url.Values, partial bool) (any, bool) {
	values, present := form[f.name]
	if !f.rel.many {
		if !present || len(values) == 0 {
			return nil, false
		}
		return values[len(values)-1], true
	}
	if !present && (partial || slices.ContainsFunc(f.rel.siblings, form.Has)) {
		return nil, false
	}
	return formStrings(values), true
}

// loads reports the relation fields whose representation needs the related objects
// loaded: all but the identity and a primary key read from a foreign key; then the nested
// association fields; one per association.
func (m *model) loads() []*binding {
	var out []*binding
	seen := map[string]bool{}
	for _, f := range m.info.fields {
		b := m.relations[f]
		if b == nil || b.spec.kind == relIdentity || (b.spec.kind == relPK && b.fk != nil) || f.writeOnly || seen[b.rel.Name] {
			continue
		}
		seen[b.rel.Name] = true
		out = append(out, b)
	}
	for _, b := range m.nested {
		if !b.f.writeOnly && !seen[b.rel.Name] {
			seen[b.rel.Name] = true
			out = append(out, b)
		}
	}
	return out
}

// bindNested finds the nested fields (a struct, or a list of them) that are gorm
// associations: what DRF's nested serializer reads from the instance's relation
// (album.tracks.all()), and so what Prefetch loads.
func (m *model) bindNested(own *schema.Schema) {
	for _, f := range m.info.fields {
		nested := f.kind == kindObject || (f.kind == kindList && f.child.kind == kindObject)
		rel := own.Relationships.Relations[f.goName]
		if !nested || rel == nil || rel.FieldSchema == nil {
			continue
		}
		m.nested = append(m.nested, &binding{f: f, target: rel.FieldSchema, pk: rel.FieldSchema.PrioritizedPrimaryField, rel: rel, holder: f.index})
	}
}

// prefetchBatch bounds the primary keys of one prefetch query, under every database's
// limit of bound parameters.
const prefetchBatch = 1000

// Prefetch is Django's prefetch_related for the relation fields: it loads the related
// objects of every item, a constant number of queries per field whatever the number of
// items (per 1000 items), so that a list renders without a query per row. The generic
// views call it on everything they render.
func (s *Serializer[T]) Prefetch(ctx context.Context, items []T) error {
	m := s.model
	if m == nil || len(items) == 0 {
		return nil
	}
	loads := m.loads()
	if len(loads) == 0 || m.pk == nil {
		return nil
	}
	index := map[string][]int{}
	var pks []any
	for i := range items {
		pk, zero := m.pk.ValueOf(ctx, reflect.ValueOf(&items[i]).Elem())
		if zero {
			continue
		}
		k := fmt.Sprint(pk)
		if _, seen := index[k]; !seen {
			pks = append(pks, pk)
		}
		index[k] = append(index[k], i)
	}
	for start := 0; start < len(pks); start += prefetchBatch {
		batch := pks[start:min(start+prefetchBatch, len(pks))]
		q := m.db.WithContext(ctx).Model(new(T))
		for _, b := range loads {
			pk := b.pk
			q = q.Preload(b.rel.Name, func(db *gorm.DB) *gorm.DB {
				if pk == nil { // a nested model without a primary key: the database's order
					return db
				}
				return db.Order(clause.OrderByColumn{Column: clause.Column{Table: b.target.Table, Name: pk.DBName}})
			})
		}
		var fresh []T
		col := clause.Column{Table: m.table, Name: m.pk.DBName}
		if err := q.Where(clause.IN{Column: col, Values: batch}).Find(&fresh).Error; err != nil {
			return err
		}
		for i := range fresh {
			src := reflect.ValueOf(&fresh[i]).Elem()
			pk, _ := m.pk.ValueOf(ctx, src)
			for _, at := range index[fmt.Sprint(pk)] {
				dst := reflect.ValueOf(&items[at]).Elem()
				for _, b := range loads {
					dst.FieldByIndex(b.holder).Set(src.FieldByIndex(b.holder))
				}
			}
		}
	}
	return nil
}

// setForeignKeys copies the primary key of each belongs-to object the input set into the
// model's foreign key field: what Create and Update store.
func (m *model) setForeignKeys(ctx context.Context, obj reflect.Value, fields []string) error {
	for _, f := range m.info.fields {
		b := m.relations[f]
		if b == nil || b.fk == nil || f.readOnly || !contains(fields, f.name) {
			continue
		}
		v := obj.FieldByIndex(f.index)
		if v.Kind() == reflect.Pointer && v.IsNil() {
			if err := b.fk.Set(ctx, obj, nil); err != nil {
				return err
			}
			continue
		}
		pk, _ := b.pk.ValueOf(ctx, reflect.Indirect(v))
		if err := b.fk.Set(ctx, obj, pk); err != nil {
			return err
		}
	}
	return nil
}

// writeManyToMany replaces the join table's rows of each many-to-many field the input set
// (DRF's field.set(value) in ModelSerializer.create and update).
func (m *model) writeManyToMany(tx *gorm.DB, obj reflect.Value, fields []string) error {
	ctx := tx.Statement.Context
	for _, f := range m.info.fields {
		b := m.relations[f]
		if b == nil || b.rel == nil || b.rel.Type != schema.Many2Many || f.readOnly || !contains(fields, f.name) {
			continue
		}
		var own, other schema.Reference
		for _, ref := range b.rel.References {
			if ref.OwnPrimaryKey {
				own = *ref
			} else {
				other = *ref
			}
		}
		ownPK, _ := own.PrimaryKey.ValueOf(ctx, obj)
		table := b.rel.JoinTable.Table
		if err := tx.Table(table).Where(clause.Eq{Column: clause.Column{Name: own.ForeignKey.DBName}, Value: ownPK}).
			Delete(map[string]any{}).Error; err != nil {
			return err
		}
		list := obj.FieldByIndex(f.index)
		if list.Len() == 0 {
			continue
		}
		rows := make([]map[string]any, 0, list.Len())
		for i := range list.Len() {
			item := reflect.Indirect(list.Index(i))
			pk, _ := other.PrimaryKey.ValueOf(ctx, item)
			rows = append(rows, map[string]any{own.ForeignKey.DBName: ownPK, other.ForeignKey.DBName: pk})
		}
		if err := tx.Table(table).Create(rows).Error; err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// NestedWriter is implemented by a model serializer struct (on its pointer) that writes
// its nested objects itself: DRF makes a serializer with writable nested fields override
// create() and update(), and so does this. WriteNested runs in the transaction of Create
// or Update, after the object's own row is written (its primary key is set), with
// c.Has(name) telling which fields the input set. Without it a nested field that is a
// gorm association is read-only in a model serializer, as DRF's nested serializers are
// unless create() and update() say how to write them.
type NestedWriter interface {
	WriteNested(c *Context, tx *gorm.DB) error
}

var nestedWriterType = reflect.TypeFor[NestedWriter]()

// write runs save (the row's INSERT or UPDATE), then the many-to-many rows and the
// NestedWriter, in one transaction when there is more than the row to write.
func (m *model) write(ctx context.Context, obj reflect.Value, fields []string, instance any, save func(tx *gorm.DB) error) error {
	db := m.conn(ctx)
	if !m.writesMore(fields) {
		if _, inList := ctx.Value(txKey{}).(*txState); inList {
			return db.Transaction(save) // a savepoint: a failing item rolls back alone
		}
		return save(db)
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := save(tx); err != nil {
			return err
		}
		if instance != nil && m.pk != nil {
			// An update's Value may lack what the instance has (its primary key).
			if _, zero := m.pk.ValueOf(ctx, obj); zero {
				ipk, _ := m.pk.ValueOf(ctx, reflect.ValueOf(instance).Elem())
				if err := m.pk.Set(ctx, obj, ipk); err != nil {
					return err
				}
			}
		}
		if err := m.writeManyToMany(tx, obj, fields); err != nil {
			return err
		}
		if w, ok := obj.Addr().Interface().(NestedWriter); ok {
			c := &Context{Context: ctx, Request: rest.RequestFrom(ctx), Instance: instance, validated: fields}
			return w.WriteNested(c, tx)
		}
		return nil
	})
}

// writesMore reports whether a write of fields writes more than the row: join rows, or
// the NestedWriter's objects.
func (m *model) writesMore(fields []string) bool {
	if reflect.PointerTo(m.info.typ).Implements(nestedWriterType) {
		return true
	}
	for f, b := range m.relations {
		if b.rel != nil && b.rel.Type == schema.Many2Many && !f.readOnly && contains(fields, f.name) {
			return true
		}
	}
	return false
}

// nestedReadOnly lists the nested fields that are gorm associations of a model without a
// NestedWriter: read-only in this serializer (DRF's default for nested writes). bindNested
// runs first.
func (m *model) nestedReadOnly() map[*field]bool {
	if reflect.PointerTo(m.info.typ).Implements(nestedWriterType) {
		return nil
	}
	var out map[*field]bool
	for _, b := range m.nested {
		if b.f.readOnly {
			continue
		}
		if out == nil {
			out = map[*field]bool{}
		}
		out[b.f] = true
	}
	return out
}
