package serializers

import (
	"cmp"
	"database/sql"
	"database/sql/driver"
	"encoding"
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"ginrest/rest"
)

// kind is which DRF field a Go type becomes.
type kind uint8

const (
	// kindOther is a type with no DRF field (a map, an interface, a sql.Null*, gorm.DeletedAt):
	// rendered as encoding/json renders it, described as "field", never read from input.
	kindOther  kind = iota
	kindString      // CharField (EmailField, URLField, ChoiceField by rule)
	kindInt         // IntegerField
	kindUint        // IntegerField with min_value 0
	kindFloat       // FloatField
	kindBool        // BooleanField
	kindTime        // DateTimeField
	kindObject      // a nested serializer
	kindList        // ListField, or ListSerializer (many=True) for a list of objects;
	// MultipleChoiceField with oneof
	kindDecimal   // DecimalField: decimal.Decimal
	kindDate      // DateField: Date
	kindTimeOfDay // TimeField: TimeOfDay
	kindDuration  // DurationField: time.Duration
	kindUUID      // UUIDField: UUID
	kindIP        // IPAddressField: netip.Addr
	kindJSON      // JSONField: json.RawMessage
	kindDict      // DictField: map[string]T
	kindRelated   // a relational field (relations.go): rel says which
	kindFile      // FileField: files.File (files.go)
	kindImage     // ImageField: files.Image
)

// field is one serializer field, parsed from a struct field once.
type field struct {
	name   string // the JSON key
	goName string // the Go name, which gorm maps to a column
	index  []int
	typ    reflect.Type // as declared
	elem   reflect.Type // typ without its pointer
	kind   kind
	// nullable is DRF's allow_null: the Go type is a pointer.
	nullable bool

	readOnly, writeOnly, required bool
	allowBlank, trim, allowEmpty  bool
	unique                        bool
	def                           *reflect.Value // the default, of type typ
	label, helpText               string

	rules     []check
	omitEmpty bool
	choices   []choice
	object    *structInfo // kindObject
	child     *field      // kindList, kindDict: the items
	info      rest.FieldInfo

	// multiple is MultipleChoiceField: a list whose rules (oneof) are the items' choices.
	multiple bool
	decimal  decimalSpec // kindDecimal
	// coerce is the field's coerce_to_string; nil follows Formats.CoerceDecimalToString.
	coerce *bool
	// minDuration and maxDuration are a DurationField's min_value and max_value.
	minDuration, maxDuration *time.Duration
	protocol                 string         // kindIP: "both", "ipv4" or "ipv6"
	pattern                  *regexp.Regexp // RegexField's regex, SlugField's pattern
	patternMsg               string
	binary                   bool   // JSONField(binary=True): JSON text in and out
	uuidFormat               string // UUIDField's format: hex_verbose, hex, int or urn
	// hidden is HiddenField: never read from input nor rendered, always its default.
	hidden bool
	// currentUser is CurrentUserDefault: the default is the request user's PK().
	currentUser bool
	// uniqueForField is unique_for_date's (month's, year's) date field, by JSON name;
	// uniqueForPart "date", "month" or "year".
	uniqueForField, uniqueForPart string
	// fileMaxLength is a file field's max_length (of the file's name), 0 for none.
	fileMaxLength int
	// defaultMethod is the index of *T's Default<GoName> method (DRF's callable default),
	// -1 without one; method is the index of SerializerMethodField's Get<GoName>, -1
	// without one. The struct holding the field owns both.
	defaultMethod, method int
	// rel is a relational field's declaration (relations.go), nil for other fields.
	rel *relSpec
}

// choice is one value of a choice field: its text (what input is compared with, as DRF
// compares str(input)) and its value in the field's Go type.
type choice struct {
	text  string
	value reflect.Value
}

// structInfo is what a struct type declares, parsed once per type.
type structInfo struct {
	typ    reflect.Type
	fields []*field
	// Hooks found by interface on *T.
	fieldHook, objectHook bool
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	dateType        = reflect.TypeFor[Date]()
	timeOfDayType   = reflect.TypeFor[TimeOfDay]()
	durationType    = reflect.TypeFor[time.Duration]()
	uuidType        = reflect.TypeFor[UUID]()
	addrType        = reflect.TypeFor[netip.Addr]()
	rawJSONType     = reflect.TypeFor[json.RawMessage]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	valuerType      = reflect.TypeFor[driver.Valuer]()
	scannerType     = reflect.TypeFor[sql.Scanner]()
	fieldHookType   = reflect.TypeFor[FieldValidator]()
	objectHookType  = reflect.TypeFor[ObjectValidator]()
	structInfoCache sync.Map // reflect.Type → *structInfo; derived from types only, never reset
)

// infoOf parses t's tags once; a declaration error panics, as regexp.MustCompile does:
// it is a programming error found when the serializer is built, at startup.
func infoOf(t reflect.Type) *structInfo {
	if v, ok := structInfoCache.Load(t); ok {
		return v.(*structInfo)
	}
	b := &builder{building: map[reflect.Type]*structInfo{}}
	info := b.structInfo(t)
	for typ, si := range b.building {
		structInfoCache.LoadOrStore(typ, si)
	}
	v, _ := structInfoCache.Load(t)
	if v == nil {
		return info
	}
	return v.(*structInfo)
}

// builder parses a type and the types nested in it; building holds the ones in progress,
// so that a type that contains itself (a tree) refers to its own info.
type builder struct {
	building map[reflect.Type]*structInfo
}

func (b *builder) structInfo(t reflect.Type) *structInfo {
	if v, ok := structInfoCache.Load(t); ok {
		return v.(*structInfo)
	}
	if si, ok := b.building[t]; ok {
		return si
	}
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("serializers: %s is not a struct", t))
	}
	si := &structInfo{typ: t}
	b.building[t] = si
	ptr := reflect.PointerTo(t)
	si.fieldHook = ptr.Implements(fieldHookType)
	si.objectHook = ptr.Implements(objectHookType)
	depth := map[string]int{}
	b.collect(si, t, nil, 0, depth)
	linkSiblings(si)
	return si
}

// collect adds t's fields to si in declaration order, flattening embedded structs as
// encoding/json does: a shallower field hides a deeper one of the same name.
func (b *builder) collect(si *structInfo, t reflect.Type, index []int, level int, depth map[string]int) {
	for i := range t.NumField() {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		jsonTag := sf.Tag.Get("json")
		name, _, _ := strings.Cut(jsonTag, ",")
		if name == "-" && !strings.HasPrefix(jsonTag, "-,") {
			continue
		}
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				panic(fmt.Sprintf("serializers: %s.%s: embed the struct by value, not by pointer", t, sf.Name))
			}
			if et.Kind() == reflect.Struct && !valueType(et) {
				b.collect(si, et, idx, level+1, depth)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if d, seen := depth[name]; seen {
			if d < level {
				continue
			}
			if d == level {
				panic(fmt.Sprintf("serializers: %s: two fields named %q", si.typ, name))
			}
			si.fields = removeField(si.fields, name)
		}
		depth[name] = level
		f, err := b.field(si.typ, name, sf.Name, sf.Type, sf.Tag.Get("drf"), sf.Tag.Get("validate"))
		if err != nil {
			panic(fmt.Sprintf("serializers: %s.%s: %v", si.typ, sf.Name, err))
		}
		f.index = idx
		si.fields = append(si.fields, f)
	}
}

func removeField(fields []*field, name string) []*field {
	out := fields[:0]
	for _, f := range fields {
		if f.name != name {
			out = append(out, f)
		}
	}
	return out
}

// valueType reports whether a struct type is a value in its own right (a sql.NullString, a
// gorm.DeletedAt, anything that marshals or scans itself) rather than a nested object.
func valueType(t reflect.Type) bool {
	if t == timeType {
		return true
	}
	p := reflect.PointerTo(t)
	return t.Implements(marshalerType) || p.Implements(marshalerType) ||
		t.Implements(textMarshaler) || p.Implements(textMarshaler) ||
		t.Implements(valuerType) || p.Implements(scannerType)
}

func kindOf(t reflect.Type) kind {
	// Types DRF has a field for come first: most marshal or scan themselves, which
	// would make them kindOther, and time.Duration is an int64.
	switch t {
	case decimalType:
		return kindDecimal
	case dateType:
		return kindDate
	case timeOfDayType:
		return kindTimeOfDay
	case durationType:
		return kindDuration
	case uuidType:
		return kindUUID
	case addrType:
		return kindIP
	case rawJSONType:
		return kindJSON
	case fileType:
		return kindFile
	case imageType:
		return kindImage
	}
	switch t.Kind() {
	case reflect.String:
		return kindString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kindInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return kindUint
	case reflect.Float32, reflect.Float64:
		return kindFloat
	case reflect.Bool:
		return kindBool
	case reflect.Struct:
		if t == timeType {
			return kindTime
		}
		if valueType(t) {
			return kindOther
		}
		return kindObject
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return kindOther // []byte: encoding/json's base64
		}
		return kindList
	case reflect.Map:
		if t.Key().Kind() == reflect.String && kindOf(t.Elem()) != kindOther {
			return kindDict
		}
	}
	return kindOther
}

// field builds one field of the struct owner from its Go type and tags.
func (b *builder) field(owner reflect.Type, name, goName string, t reflect.Type, drfTag, validateTag string) (*field, error) {
	spec, drfTag, err := splitRelation(drfTag)
	if err != nil {
		return nil, fmt.Errorf("drf tag: %w", err)
	}
	opts, err := parseOptions(drfTag)
	if err != nil {
		return nil, fmt.Errorf("drf tag: %w", err)
	}
	r, err := parseRules(validateTag)
	if err != nil {
		return nil, fmt.Errorf("validate tag: %w", err)
	}
	if spec != nil {
		return relationField(owner, name, goName, t, spec, opts, r)
	}
	if opts.methodField {
		// SerializerMethodField: the Go type and rules do not matter, the method renders.
		return methodField(owner, name, goName, t, opts, r)
	}
	f, err := b.typed(t, r)
	if err != nil {
		return nil, err
	}
	f.name, f.goName = name, goName
	f.readOnly, f.writeOnly, f.unique = opts.readOnly, opts.writeOnly, opts.unique
	f.uniqueForField, f.uniqueForPart = opts.uniqueFor, opts.uniqueForPart
	f.allowBlank, f.trim, f.allowEmpty = opts.allowBlank, !opts.noTrim, !opts.noEmpty
	f.label, f.helpText = opts.label, opts.helpText
	f.defaultMethod, f.method = -1, -1
	if f.label == "" {
		f.label = labelOf(name)
	}
	if f.kind == kindOther {
		// Nothing can read it from input.
		if opts.writeOnly || opts.def != nil || opts.hidden || opts.currentUser {
			return nil, fmt.Errorf("%s has no DRF field to read input with; it can only be rendered", t)
		}
		f.readOnly = true
	}
	if err := f.applyKindOptions(opts); err != nil {
		return nil, err
	}
	if opts.def != nil {
		v, err := f.parseDefault(*opts.def)
		if err != nil {
			return nil, err
		}
		f.def = &v
	}
	f.currentUser = opts.currentUser
	if err := f.findDefaultMethod(owner); err != nil {
		return nil, err
	}
	if opts.hidden {
		if f.def == nil && !f.currentUser && f.defaultMethod < 0 {
			return nil, fmt.Errorf("a hidden field needs a default: default=VALUE, current_user or a Default%s method", goName)
		}
		f.hidden, f.writeOnly = true, true
	}
	if opts.unique && f.kind != kindString && f.kind != kindInt && f.kind != kindUint && f.kind != kindFloat && f.kind != kindBool && f.kind != kindTime &&
		f.kind != kindDecimal && f.kind != kindDate && f.kind != kindTimeOfDay && f.kind != kindDuration && f.kind != kindUUID {
		return nil, fmt.Errorf("unique is for scalar fields")
	}
	f.required = !f.readOnly && !f.hasDefault() && !opts.optional
	f.info = describe(f)
	return f, nil
}

// hasDefault reports whether the field has a default of any sort: a value, the current
// user or a method.
func (f *field) hasDefault() bool { return f.def != nil || f.currentUser || f.defaultMethod >= 0 }

// applyKindOptions checks and keeps the drf options that belong to one kind of field.
func (f *field) applyKindOptions(o options) error {
	only := func(set bool, opt string, kinds ...kind) error {
		if set && !slices.Contains(kinds, f.kind) {
			return fmt.Errorf("%s is not an option of this field's type (%s)", opt, f.elem)
		}
		return nil
	}
	for _, err := range []error{
		only(o.maxDigits != nil, "max_digits", kindDecimal),
		only(o.decimalPlaces != nil, "decimal_places", kindDecimal),
		only(o.coerce != nil, "coerce_to_string", kindDecimal),
		only(o.minValue != nil || o.maxValue != nil, "min_value/max_value (use validate rules)", kindDecimal, kindDuration),
		only(o.protocol != "", "protocol", kindIP, kindString),
		only(o.uuidFormat != "", "format", kindUUID),
		only(o.slug || o.regex != "" || o.allowUnicode, "slug/regex", kindString),
		only(o.binary, "binary", kindJSON),
	} {
		if err != nil {
			return err
		}
	}
	switch f.kind {
	case kindDecimal:
		f.decimal = decimalSpec{maxDigits: -1, places: -1}
		if o.maxDigits != nil {
			f.decimal.maxDigits = *o.maxDigits
		}
		if o.decimalPlaces != nil {
			f.decimal.places = *o.decimalPlaces
		}
		if f.decimal.maxDigits >= 0 && f.decimal.places > f.decimal.maxDigits {
			return fmt.Errorf("decimal_places is more than max_digits")
		}
		f.coerce = o.coerce
		for _, b := range []struct {
			text *string
			to   **decimal.Decimal
		}{{o.minValue, &f.decimal.minValue}, {o.maxValue, &f.decimal.maxValue}} {
			if b.text != nil {
				v, err := decimal.NewFromString(*b.text)
				if err != nil {
					return fmt.Errorf("%q is not a decimal", *b.text)
				}
				*b.to = &v
			}
		}
	case kindDuration:
		for _, b := range []struct {
			text *string
			to   **time.Duration
		}{{o.minValue, &f.minDuration}, {o.maxValue, &f.maxDuration}} {
			if b.text != nil {
				v, ok := ParseDuration(*b.text)
				if !ok {
					return fmt.Errorf("%q is not a duration", *b.text)
				}
				*b.to = &v
			}
		}
	case kindIP:
		f.protocol = cmp.Or(o.protocol, "both")
	case kindUUID:
		f.uuidFormat = cmp.Or(o.uuidFormat, "hex_verbose")
	case kindJSON:
		f.binary = o.binary
	case kindString:
		f.protocol = o.protocol
		if f.protocol != "" && (o.slug || o.regex != "") {
			return fmt.Errorf("protocol with slug or regex")
		}
		switch {
		case o.slug && o.allowUnicode:
			f.pattern, f.patternMsg = slugUnicode, MsgInvalidSlugUnicode
		case o.slug:
			f.pattern, f.patternMsg = slugASCII, MsgInvalidSlug
		case o.allowUnicode:
			return fmt.Errorf("allow_unicode is for slug")
		case o.regex != "":
			re, err := regexp.Compile(o.regex)
			if err != nil {
				return fmt.Errorf("regex: %v", err)
			}
			f.pattern, f.patternMsg = re, MsgRegexMismatch
		}
	}
	return nil
}

// typed is the part of a field that its type and rules decide; list items are built by it
// alone, as DRF's ListField(child=...) children have no name, default or label.
func (b *builder) typed(t reflect.Type, r *rules) (*field, error) {
	f := &field{typ: t, elem: t, trim: true, allowEmpty: true}
	if t.Kind() == reflect.Pointer {
		f.nullable, f.elem = true, t.Elem()
		if f.elem.Kind() == reflect.Pointer {
			return nil, fmt.Errorf("%s: one pointer is enough for allow_null", t)
		}
	}
	f.kind = kindOf(f.elem)
	f.omitEmpty = r.omitEmpty
	switch f.kind {
	case kindObject:
		if len(r.checks) > 0 || r.choices != nil || r.hasDive {
			return nil, fmt.Errorf("a nested object takes no validate rules; its fields have their own")
		}
		f.object = b.structInfo(f.elem)
	case kindList, kindDict:
		child := r.child
		if child == nil {
			child = &rules{}
		}
		if r.choices != nil && f.kind == kindList {
			// oneof on the list itself: MultipleChoiceField, whose items are the choices.
			if r.hasDive {
				return nil, fmt.Errorf("a multiple choice field (oneof on the list) takes no dive")
			}
			child = &rules{choices: r.choices}
			r = &rules{checks: r.checks, omitEmpty: r.omitEmpty}
			f.multiple = true
		}
		if f.kind == kindDict && len(r.checks) > 0 {
			return nil, fmt.Errorf("a map takes rules for its values only, after dive")
		}
		item, err := b.typed(f.elem.Elem(), child)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		if f.multiple && item.choices == nil {
			return nil, fmt.Errorf("oneof on a list is for lists of strings and integers")
		}
		item.required, item.allowEmpty = true, true
		item.defaultMethod, item.method = -1, -1
		item.info = describe(item)
		f.child = item
		if item.kind == kindObject && f.kind == kindList {
			// ListSerializer checks the length before the items, so its rules can only be
			// about the length.
			for _, c := range r.checks {
				if name, _, _ := strings.Cut(c, "="); !lengthRules[name] {
					return nil, fmt.Errorf("a list of objects takes length rules only (min, max, len...), not %q", c)
				}
			}
		}
	case kindOther:
		if len(r.checks) > 0 || r.choices != nil || r.hasDive {
			return nil, fmt.Errorf("%s takes no validate rules", t)
		}
		return f, nil
	case kindFile, kindImage:
		return f, f.fileRules(r)
	case kindDecimal, kindDate, kindTimeOfDay, kindDuration, kindUUID, kindIP, kindJSON:
		if len(r.checks) > 0 || r.choices != nil || r.hasDive {
			return nil, fmt.Errorf("%s takes no validate rules; its bounds are drf options", t)
		}
		return f, nil
	default:
		if r.hasDive {
			return nil, fmt.Errorf("dive is for lists")
		}
	}
	if r.choices != nil && !f.multiple {
		if f.kind != kindString && f.kind != kindInt && f.kind != kindUint {
			return nil, fmt.Errorf("oneof is for strings and integers")
		}
		for _, text := range r.choices {
			v := reflect.New(f.elem).Elem()
			if msgs := (&run{}).scalar(f, text, v); msgs != nil {
				return nil, fmt.Errorf("oneof value %q: %s", text, msgs[0])
			}
			f.choices = append(f.choices, choice{text: text, value: v})
		}
	}
	for _, tag := range r.checks {
		c, err := newCheck(tag, f)
		if err != nil {
			return nil, err
		}
		f.rules = append(f.rules, c)
	}
	return f, nil
}

// parseDefault reads a default=VALUE as input would be read; "null" is nil for a pointer.
func (f *field) parseDefault(text string) (reflect.Value, error) {
	v := reflect.New(f.typ).Elem()
	if text == "null" && f.nullable {
		return v, nil
	}
	switch f.kind {
	case kindObject, kindList, kindDict:
		return v, fmt.Errorf("default is for scalar fields")
	}
	target := v
	if f.nullable {
		target = reflect.New(f.elem).Elem()
	}
	if f.kind == kindString && f.choices == nil {
		// A default is used as written, blank or not, as DRF does.
		target.SetString(text)
	} else if msgs := (&run{}).scalar(f, text, target); msgs != nil {
		return v, fmt.Errorf("default=%s: %s", text, msgs[0])
	}
	if f.nullable {
		v.Set(target.Addr())
	}
	return v, nil
}

// defaultValue is a copy of the default: a pointer default gets a pointer of its own, so
// that a view changing the value cannot change the default of later requests.
func (f *field) defaultValue() reflect.Value {
	if f.nullable && !f.def.IsNil() {
		p := reflect.New(f.elem)
		p.Elem().Set(f.def.Elem())
		return p
	}
	return *f.def
}

// labelOf is the label DRF gives a field of a model: its name with spaces, first letter
// capitalised (Django's verbose name through capfirst); "id" is "ID" as Django's AutoField.
func labelOf(name string) string {
	if name == "id" {
		return "ID"
	}
	s := strings.ReplaceAll(name, "_", " ")
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// kind is the choice value's field kind, for rendering it.
func (c choice) kind() kind { return kindOf(c.value.Type()) }
