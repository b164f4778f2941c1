package serializers

import (
	"fmt"
	"regexp"
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
//	label=TEXT, help_text=TEXT
type options struct {
	readOnly, writeOnly, optional, allowBlank, unique bool
	noTrim, noEmpty                                   bool
	def                                               *string
	label, helpText                                   string
}

func parseOptions(tag string) (options, error) {
	var o options
	if tag == "" {
		return o, nil
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
	if o.readOnly && (o.def != nil || o.optional) {
		return o, fmt.Errorf("a read_only field takes no default and is never required")
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
