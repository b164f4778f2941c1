package serializers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// options are a field's `drf:"..."` tag: DRF's field arguments that are not validation
// rules. The tag is a comma-separated list; a value runs to the next comma.
//
//	read_only              described and rendered, never read from input
//	write_only             read from input, never rendered
//	optional               may be absent (DRF's required=False); absent means "left as it is"
//	required               the default for writable fields without a default; allowed for clarity
//	default=VALUE          used when the field is absent (not on PATCH); VALUE is read as input
//	allow_blank            "" is accepted for a string
//	trim_whitespace=false  keep surrounding white space (DRF trims by default)
//	allow_empty=false      refuse an empty list
//	unique                 refuse a value another row already has (model serializers)
//	unique_for_date=FIELD  unique per day of the date field FIELD (unique_for_month=,
//	                       unique_for_year= per month, year): UniqueForDateValidator
//	label=TEXT, help_text=TEXT
//	max_digits=N, decimal_places=N, coerce_to_string=BOOL   DecimalField's arguments
//	min_value=V, max_value=V   a DecimalField's or DurationField's bounds, as input is read
//	protocol=both|IPv4|IPv6    IPAddressField's protocol; on a string (which a database
//	                           stores, unlike netip.Addr) it makes an IPAddressField too
//	format=hex_verbose|hex|int|urn   UUIDField's output format
//	slug, allow_unicode        SlugField (allow_unicode: letters beyond ASCII)
//	regex=PATTERN              RegexField; last in the tag, as the pattern may hold commas
//	binary                     JSONField(binary=True): input and output are JSON text
//	hidden                     HiddenField: never read nor rendered, always the default
//	current_user               the default is the request's user (CurrentUserDefault)
//	method                     SerializerMethodField: rendered by the Get<Name> method
type options struct {
	readOnly, writeOnly, optional, allowBlank, unique bool
	noTrim, noEmpty                                   bool
	def                                               *string
	label, helpText                                   string

	maxDigits, decimalPlaces         *int
	coerce                           *bool
	minValue, maxValue               *string
	protocol, uuidFormat, regex      string
	slug, allowUnicode, binary       bool
	hidden, currentUser, methodField bool
	uniqueFor, uniqueForPart         string
}

func parseOptions(tag string) (options, error) {
	var o options
	if tag == "" {
		return o, nil
	}
	// regex= takes the rest of the tag: a pattern's commas are its own.
	if i := strings.Index(tag, "regex="); i == 0 || (i > 0 && tag[i-1] == ',') {
		o.regex = tag[i+len("regex="):]
		if o.regex == "" {
			return o, fmt.Errorf("regex needs a pattern: regex=PATTERN")
		}
		tag = strings.TrimSuffix(tag[:i], ",")
		if tag == "" {
			return o, nil
		}
	}
	number := func(key, value string) (*int, error) {
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s=%q: a number", key, value)
		}
		return &n, nil
	}
	for _, part := range strings.Split(tag, ",") {
		key, value, hasValue := strings.Cut(part, "=")
		key = strings.TrimSpace(key)
		flag := func() error {
			if hasValue {
				return fmt.Errorf("%q takes no value", key)
			}
			return nil
		}
		var err error
		switch key {
		case "read_only":
			o.readOnly, err = true, flag()
		case "write_only":
			o.writeOnly, err = true, flag()
		case "optional":
			o.optional, err = true, flag()
		case "required":
			err = flag()
		case "allow_blank":
			o.allowBlank, err = true, flag()
		case "unique":
			o.unique, err = true, flag()
		case "trim_whitespace", "allow_empty":
			switch value {
			case "false":
			case "true":
				continue
			default:
				return o, fmt.Errorf("%s=%q: true or false", key, value)
			}
			if key == "trim_whitespace" {
				o.noTrim = true
			} else {
				o.noEmpty = true
			}
		case "default":
			if !hasValue {
				return o, fmt.Errorf("default needs a value: default=VALUE")
			}
			v := value
			o.def = &v
		case "max_digits":
			o.maxDigits, err = number(key, value)
		case "decimal_places":
			o.decimalPlaces, err = number(key, value)
		case "coerce_to_string":
			b, perr := strconv.ParseBool(value)
			if perr != nil || (value != "true" && value != "false") {
				return o, fmt.Errorf("%s=%q: true or false", key, value)
			}
			o.coerce = &b
		case "min_value", "max_value":
			if !hasValue || value == "" {
				return o, fmt.Errorf("%s needs a value", key)
			}
			v := value
			if key == "min_value" {
				o.minValue = &v
			} else {
				o.maxValue = &v
			}
		case "protocol":
			switch strings.ToLower(value) {
			case "both", "ipv4", "ipv6":
				o.protocol = strings.ToLower(value)
			default:
				return o, fmt.Errorf("protocol=%q: both, IPv4 or IPv6", value)
			}
		case "format":
			switch value {
			case "hex_verbose", "hex", "int", "urn":
				o.uuidFormat = value
			default:
				return o, fmt.Errorf("format=%q: hex_verbose, hex, int or urn", value)
			}
		case "slug":
			o.slug, err = true, flag()
		case "allow_unicode":
			o.allowUnicode, err = true, flag()
		case "binary":
			o.binary, err = true, flag()
		case "hidden":
			o.hidden, err = true, flag()
		case "current_user":
			o.currentUser, err = true, flag()
		case "method":
			o.methodField, err = true, flag()
		case "unique_for_date", "unique_for_month", "unique_for_year":
			if value == "" {
				return o, fmt.Errorf("%s needs a field: %s=FIELD", key, key)
			}
			o.uniqueFor, o.uniqueForPart = value, strings.TrimPrefix(key, "unique_for_")
		case "label":
			o.label = value
		case "help_text":
			o.helpText = value
		default:
			return o, fmt.Errorf("unknown option %q", key)
		}
		if err != nil {
			return o, err
		}
	}
	if o.readOnly && o.writeOnly {
		return o, fmt.Errorf("read_only and write_only together")
	}
	if o.readOnly && (o.def != nil || o.optional || o.currentUser) {
		return o, fmt.Errorf("a read_only field takes no default and is never required")
	}
	if o.def != nil && o.currentUser {
		return o, fmt.Errorf("default and current_user together")
	}
	if o.methodField && (o.writeOnly || o.def != nil || o.optional || o.hidden || o.currentUser) {
		return o, fmt.Errorf("a method field is read-only: it takes no input options")
	}
	if o.hidden && (o.readOnly || o.writeOnly || o.optional) {
		return o, fmt.Errorf("a hidden field is neither read_only, write_only nor optional: it is always its default")
	}
	if o.slug && o.regex != "" {
		return o, fmt.Errorf("slug and regex together")
	}
	return o, nil
}

// rules are a field's `validate:"..."` tag split the way validator/v10 splits it: each
// comma-separated rule is run on its own so that every failing rule gets its message, as
// DRF runs every validator of a field. "required" is DRF's business (presence), "oneof"
// becomes a choice field, "omitempty" skips the rules for a zero value, and "dive" hands
// the rest to the items of a list.
type rules struct {
	checks    []string
	choices   []string
	omitEmpty bool
	child     *rules
	hasDive   bool
}

// oneofValues splits oneof's parameter as validator/v10 does: words, or 'quoted words'.
var oneofValues = regexp.MustCompile(`'[^']*'|\S+`)

func parseRules(tag string) (*rules, error) {
	r := &rules{}
	if tag == "" {
		return r, nil
	}
	parts := strings.Split(tag, ",")
	for i, part := range parts {
		name, param, _ := strings.Cut(part, "=")
		switch name {
		case "":
			return nil, fmt.Errorf("empty rule in %q", tag)
		case "dive":
			child, err := parseRules(strings.Join(parts[i+1:], ","))
			if err != nil {
				return nil, err
			}
			r.child, r.hasDive = child, true
			return r, nil
		case "keys", "endkeys":
			return nil, fmt.Errorf("%q: maps are not serializer fields", name)
		case "required":
			// Presence is DRF's required, decided by the drf tag.
		case "omitempty", "omitnil", "omitzero":
			r.omitEmpty = true
		case "oneof":
			for _, v := range oneofValues.FindAllString(param, -1) {
				r.choices = append(r.choices, strings.ReplaceAll(v, "'", ""))
			}
			if len(r.choices) == 0 {
				return nil, fmt.Errorf("oneof without values")
			}
		default:
			r.checks = append(r.checks, part)
		}
	}
	return r, nil
}
