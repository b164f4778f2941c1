package serializers

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

// engine is the one validator/v10 instance: built once, never configured after, so it is
// safe to share (it caches parsed rules itself). Custom rules belong in hooks
// (FieldValidator, ObjectValidator), which can say what is wrong in the client's words.
var engine = sync.OnceValue(func() *validator.Validate {
	return validator.New(validator.WithRequiredStructEnabled())
})

// check is one validator/v10 rule of a field, e.g. "max=100".
type check struct {
	tag, name, param string
}

// lengthRules compare a string's or a list's length (and a number's value).
var lengthRules = map[string]bool{"min": true, "max": true, "len": true, "lt": true, "lte": true, "gt": true, "gte": true, "eq": true, "ne": true}

// newCheck parses a rule and tries it once on the zero value, so that an unknown rule (on
// which validator/v10 panics) is found when the serializer is built, not by a request.
func newCheck(tag string, f *field) (check, error) {
	name, param, _ := strings.Cut(tag, "=")
	c := check{tag: tag, name: name, param: strings.NewReplacer("0x2C", ",", "0x7C", "|").Replace(param)}
	if err := try(reflect.Zero(f.elem).Interface(), tag); err != nil {
		return c, fmt.Errorf("rule %q: %v", tag, err)
	}
	return c, nil
}

// try runs one rule, turning validator/v10's panics (unknown rule, rule for another type)
// into an error.
func try(value any, tag string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	err = engine().Var(value, tag)
	var invalid validator.ValidationErrors
	if err != nil && !errors.As(err, &invalid) {
		return err
	}
	return nil
}

// validate runs every rule of the field on a decoded value and returns a message for each
// that fails, as DRF runs every validator of a field.
func (f *field) validate(v reflect.Value) []string {
	if len(f.rules) == 0 || (f.omitEmpty && v.IsZero()) {
		return nil
	}
	value := v.Interface()
	var msgs []string
	for _, c := range f.rules {
		if !passes(value, c.tag) {
			msgs = append(msgs, c.message(f))
		}
	}
	return msgs
}

// passes reports whether value satisfies the rule; a rule that panics on this value
// fails it rather than the request.
func passes(value any, tag string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return engine().Var(value, tag) == nil
}

// message is the rule's failure in DRF's words where DRF has a field argument or a Django
// validator for it, otherwise in the same style; never validator/v10's own text.
func (c check) message(f *field) string {
	n := c.param
	var unit string
	switch f.kind {
	case kindString:
		unit = "characters"
	case kindList:
		unit = "elements"
	case kindInt, kindUint, kindFloat:
		switch c.name {
		case "max", "lte":
			return msgMaxValue(n)
		case "min", "gte":
			return msgMinValue(n)
		case "lt":
			return "Ensure this value is less than " + n + "."
		case "gt":
			return "Ensure this value is greater than " + n + "."
		case "len", "eq":
			return "Ensure this value is equal to " + n + "."
		}
	}
	if unit != "" {
		switch c.name {
		case "max", "lte":
			return "Ensure this field has no more than " + n + " " + unit + "."
		case "min", "gte":
			return "Ensure this field has at least " + n + " " + unit + "."
		case "lt":
			return "Ensure this field has fewer than " + n + " " + unit + "."
		case "gt":
			return "Ensure this field has more than " + n + " " + unit + "."
		case "len":
			return "Ensure this field has exactly " + n + " " + unit + "."
		}
		if f.kind == kindList && c.name == "eq" {
			return "Ensure this field has exactly " + n + " " + unit + "."
		}
	}
	switch c.name {
	case "email":
		return MsgInvalidEmail
	case "url", "http_url", "https_url", "uri":
		return MsgInvalidURL
	case "uuid", "uuid3", "uuid4", "uuid5", "uuid_rfc4122", "uuid3_rfc4122", "uuid4_rfc4122", "uuid5_rfc4122":
		return MsgInvalidUUID
	case "ip", "ip_addr":
		return MsgInvalidIP
	case "ipv4", "ip4_addr":
		return MsgInvalidIPv4
	case "ipv6", "ip6_addr":
		return MsgInvalidIPv6
	}
	return MsgInvalid
}

// bound is a rule's parameter as a number for OPTIONS (min_value, max_length...).
func (c check) bound() (any, bool) {
	if i, err := strconv.ParseInt(c.param, 10, 64); err == nil {
		return i, true
	}
	if x, err := strconv.ParseFloat(c.param, 64); err == nil {
		return x, true
	}
	return nil, false
}
