// Package serializers is DRF's serializers module: serializers declared as Go structs,
// validated by go-playground/validator with DRF's error messages and shapes, rendered as
// DRF renders them, and described for OPTIONS, plus CharField for serializers written by
// hand. It knows nothing of users or tokens: simplejwt's serializers are in tokenserializers.
//
// # Declaring a serializer
//
// A struct is the serializer; its exported fields are the serializer's fields, named by
// their json tag. The Go type picks the DRF field, a pointer allows null, and two tags say
// the rest:
//
//	type Note struct {
//		ID        int64      `json:"id" gorm:"primaryKey" drf:"read_only"`
//		Title     string     `json:"title" drf:"unique" validate:"max=100"`
//		Body      string     `json:"body" drf:"allow_blank,default="`
//		Status    string     `json:"status" drf:"default=draft" validate:"oneof=draft published"`
//		Email     string     `json:"email" drf:"optional" validate:"email"`
//		Tags      []string   `json:"tags" drf:"optional" validate:"max=5,dive,max=20"`
//		DueAt     *time.Time `json:"due_at" drf:"optional"`
//		Password  string     `json:"password" drf:"write_only,trim_whitespace=false" validate:"min=8"`
//		CreatedAt time.Time  `json:"created_at" drf:"read_only"`
//	}
//
//	string                CharField (trimmed; "" refused unless allow_blank); with the rule
//	                      email EmailField, url URLField, oneof=a b ChoiceField
//	int…, uint…           IntegerField: 5 and "5" (and 5.0), not 5.5, "abc" or true; the Go
//	                      type's range is enforced with min_value/max_value messages
//	float32, float64      FloatField
//	bool                  BooleanField: true/false, "true"/"false", "1"/"0", 1/0, "yes"/"no",
//	                      "on"/"off", ... (DRF's TRUE_VALUES and FALSE_VALUES)
//	time.Time             DateTimeField: ISO 8601 in, ISO 8601 UTC ("…Z") out
//	decimal.Decimal       DecimalField (shopspring/decimal): max_digits, decimal_places,
//	                      coerce_to_string, min_value, max_value; "12.50" out
//	Date                  DateField: "YYYY-MM-DD" in and out
//	TimeOfDay             TimeField: "hh:mm[:ss[.uuuuuu]]" in, "hh:mm:ss[.uuuuuu]" out
//	time.Duration         DurationField: Django's "[DD] [HH:[MM:]]ss[.uuuuuu]", ISO 8601's
//	                      "P1DT2H" and PostgreSQL's "1 day 02:00:00" in; "1 02:00:00" out
//	UUID                  UUIDField: hex, hyphenated, urn or an integer in; format= out
//	netip.Addr            IPAddressField: protocol=both|IPv4|IPv6 (on a string too, which
//	                      a database stores)
//	json.RawMessage       JSONField: any JSON value; binary: JSON text in and out
//	map[string]T          DictField (errors by key), T any of these but a struct's value
//	[]T with oneof=...    MultipleChoiceField: a list of the choices, each once
//	struct                a nested serializer (errors as a nested object)
//	[]T                   ListField (errors by index: {"tags": {"1": [...]}}); a list of
//	                      structs is a ListSerializer (errors aligned with the items:
//	                      {"items": [{}, {"title": [...]}]})
//	*T                    the same field with allow_null
//	anything else         rendered by encoding/json, read-only (gorm.DeletedAt, sql.Null*, maps)
//
// Embedded structs (gorm.Model) are flattened as encoding/json flattens them.
//
// The drf tag holds DRF's field arguments: read_only, write_only, optional (required=False),
// default=VALUE, allow_blank, trim_whitespace=false, allow_empty=false, unique, label=TEXT,
// help_text=TEXT, and the arguments of one field type (tags.go lists them): slug and
// regex=PATTERN make a string a SlugField or RegexField. A writable field without a
// default or optional is required.
//
// hidden is HiddenField: never read from input nor rendered, always its default, which is
// default=VALUE, current_user (CurrentUserDefault: the request user's PK) or a method
// Default<GoName>(*Context) (T, error). method is SerializerMethodField: the field is
// rendered by Get<GoName>(*Context) (any, error), which sees the request when the
// serializer renders with RepresentContext (the generic views do). A read_only field of
// any type is ReadOnlyField.
//
// Dates and decimals render by DRF's format settings (Formats: DATETIME_FORMAT,
// DATE_INPUT_FORMATS, COERCE_DECIMAL_TO_STRING...), DRF's defaults unless a serializer is
// given others by WithFormats(FormatsFrom(settings.REST)). Form bodies are read as DRF
// reads HTML input (html.go): an absent boolean is false, "" is null for a nullable field,
// repeated keys are a list.
//
// The validate tag holds validator/v10 rules. Each failing rule gets DRF's message for it:
// max/min on a string are max_length/min_length ("Ensure this field has no more than 100
// characters."), on a number max_value/min_value ("Ensure this value is less than or equal
// to 10."), on a list the number of elements; email, url, uuid and ip have Django's
// messages; any other rule says "Invalid value." — validator/v10's own English never
// reaches a client. "dive" applies the rules after it to a list's items.
//
// A declaration mistake (an unknown rule, a default of the wrong type, an unknown drf
// option) panics when the serializer is built with New or NewModel — at startup, never in
// a request. Tags are parsed once per type and cached.
//
// # Validating
//
//	notes := serializers.NewModel[Note](db)              // once, at startup
//
//	v, err := notes.Validate(ctx, data)                   // POST: data is r.Data()
//	v, err := notes.ValidateUpdate(ctx, &note, data, partial) // PUT (false) or PATCH (true)
//
// err is a 400 *rest.Error whose body is DRF's: {"title": ["This field is required."],
// "non_field_errors": [...]}. On success v.Value is the struct with the input applied (for
// an update, starting from the instance) and v.Fields() lists the fields the input or a
// default set. With partial, absent fields are neither required nor defaulted.
//
// Hooks are optional interfaces on the struct's pointer, found once by type:
// FieldValidator (DRF's validate_<field>) and ObjectValidator (DRF's validate). They see a
// *Context (the request's context, the request when validating in a view, the instance,
// partial) and refuse with Invalid("message"). To give a model from another package hooks
// (models cannot import serializers), embed it: type NoteSerializer struct{ models.Note }.
//
// # Rendering, writing, describing
//
// Represent(&note) is serializer.data: an ordered JSON object (Data) without write-only
// fields. A serializer built by NewModel also writes: Create(ctx, v) inserts v.Value,
// Update(ctx, &note, v) writes the fields v.Fields() names and reloads the row. Unique
// fields (drf:"unique") are checked as DRF's UniqueValidator does ("note with this title
// already exists."), and a unique violation that races past the check is the same 400, not a
// 500. Describe() lists the fields for OPTIONS as DRF's SimpleMetadata does.
//
// # Relations
//
// DRF's relational fields are gorm associations tagged drf:"related=pk|slug|string|
// hyperlink|identity" (relations.go): PrimaryKeyRelatedField, SlugRelatedField,
// StringRelatedField, HyperlinkedRelatedField and HyperlinkedIdentityField, many=True on a
// slice, the queryset narrowed by a Queryset<GoName> method. Create and Update store them;
// Prefetch loads them for many rows at once; NestedWriter writes nested associations.
package serializers
