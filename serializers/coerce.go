package serializers

import (
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// maxNumberString is DRF's MAX_STRING_LENGTH: longer numeric strings are refused unread.
const maxNumberString = 1000

// scalar is a scalar field's to_internal_value: it converts raw (a JSON value, or a form
// string) to the field's Go type and stores it in target, or returns DRF's messages.
func (r *run) scalar(f *field, raw any, target reflect.Value) []string {
	switch f.kind {
	case kindString:
		if f.protocol != "" {
			// IPAddressField on a string: stored as the address's normal text.
			a, msgs := readIP(f.protocol, raw)
			if msgs != nil {
				return msgs
			}
			target.SetString(a.String())
			return nil
		}
		s, ok := text(raw)
		if !ok {
			return []string{MsgNotString}
		}
		if f.trim {
			s = trimPython(s)
		}
		target.SetString(s)
	case kindInt, kindUint:
		n, msg := integer(raw)
		if msg != "" {
			return []string{msg}
		}
		return setInteger(target, n)
	case kindFloat:
		x, ok := float(raw)
		if !ok || target.OverflowFloat(x) {
			return []string{MsgInvalidNumber}
		}
		target.SetFloat(x)
	case kindBool:
		b, ok := boolean(raw)
		if !ok {
			return []string{MsgInvalidBoolean}
		}
		target.SetBool(b)
	case kindTime:
		t, msgs := r.fm().readDateTime(raw)
		if msgs != nil {
			return msgs
		}
		target.Set(reflect.ValueOf(t))
	case kindDate:
		d, msgs := r.fm().readDate(raw)
		if msgs != nil {
			return msgs
		}
		target.Set(reflect.ValueOf(d))
	case kindTimeOfDay:
		t, msgs := r.fm().readTime(raw)
		if msgs != nil {
			return msgs
		}
		target.Set(reflect.ValueOf(t))
	case kindDecimal:
		d, msgs := f.decimal.read(raw)
		if msgs != nil {
			return msgs
		}
		target.Set(reflect.ValueOf(d))
	case kindDuration:
		return readDuration(f, raw, target)
	case kindUUID:
		u, ok := readUUID(raw)
		if !ok {
			return []string{MsgInvalidUUID}
		}
		target.Set(reflect.ValueOf(u))
	case kindIP:
		a, msgs := readIP(f.protocol, raw)
		if msgs != nil {
			return msgs
		}
		target.Set(reflect.ValueOf(a))
	case kindJSON:
		b, ok := readJSON(raw, f.binary)
		if !ok {
			return []string{MsgInvalidJSON}
		}
		target.SetBytes(b)
	}
	return nil
}

// fm is the formats the run reads dates with: DRF's defaults when none were given.
func (r *run) fm() *Formats {
	if r.formats == nil {
		f := DefaultFormats()
		r.formats = &f
	}
	return r.formats
}

// readDuration is DurationField.to_internal_value: parse_duration(str(value)), then
// min_value and max_value, printed as Python prints a timedelta.
func readDuration(f *field, raw any, target reflect.Value) []string {
	d, ok := ParseDuration(pythonStr(raw))
	if !ok {
		return []string{MsgInvalidDuration}
	}
	var msgs []string
	if f.maxDuration != nil && d > *f.maxDuration {
		msgs = append(msgs, msgMaxValue(pythonTimedelta(*f.maxDuration)))
	}
	if f.minDuration != nil && d < *f.minDuration {
		msgs = append(msgs, msgMinValue(pythonTimedelta(*f.minDuration)))
	}
	if msgs != nil {
		return msgs
	}
	target.SetInt(int64(d))
	return nil
}

// readUUID is UUIDField.to_internal_value: text as uuid.UUID(hex=...) reads it, or an
// integer (a bool is one to Python) as uuid.UUID(int=...).
func readUUID(raw any) (UUID, bool) {
	switch x := raw.(type) {
	case string:
		return ParseUUID(x)
	case bool:
		if x {
			return uuidFromInt(big.NewInt(1))
		}
		return UUID{}, true
	}
	n, ok := number(raw)
	if !ok || !isIntegerText(n) {
		return UUID{}, false
	}
	i, ok := new(big.Int).SetString(string(n), 10)
	if !ok {
		return UUID{}, false
	}
	return uuidFromInt(i)
}

// text is CharField's lenient reading: a string, or a number as its text (Python's str()).
// Booleans, lists and objects are not strings.
func text(raw any) (string, bool) {
	switch x := raw.(type) {
	case string:
		return x, true
	case bool:
		return "", false
	}
	if n, ok := number(raw); ok {
		return pythonNumber(n), true
	}
	return "", false
}

// number is raw as a JSON number, whatever Go type carries it: json.Number from a request
// body, float64 or an integer from a map built in code.
func number(raw any) (json.Number, bool) {
	switch x := raw.(type) {
	case json.Number:
		return x, true
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), !math.IsInf(x, 0) && !math.IsNaN(x)
	case float32:
		return number(float64(x))
	case int:
		return json.Number(strconv.Itoa(x)), true
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), true
	case int32:
		return json.Number(strconv.FormatInt(int64(x), 10)), true
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), true
	case uint:
		return json.Number(strconv.FormatUint(uint64(x), 10)), true
	}
	return "", false
}

// isIntegerText reports whether a JSON number is written as an integer (Python's int).
func isIntegerText(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

// decimalSuffix is IntegerField's re_decimal: a trailing ".0", ".000" (and white space)
// is dropped before int() reads the text, so "5.0" and 5.0 are the integer 5.
var decimalSuffix = regexp.MustCompile(`\.0*\s*$`)

// pythonInt is what Python's int() accepts: optional white space and sign, then digits,
// single underscores allowed between them.
var pythonInt = regexp.MustCompile(`^\s*[+-]?[0-9](?:_?[0-9])*\s*$`)

// integer is IntegerField.to_internal_value: int(re_decimal.sub("", str(data))). Booleans
// are refused (str(True) is "True"); a float counts only if Python writes it as N.0.
func integer(raw any) (*big.Int, string) {
	var s string
	switch x := raw.(type) {
	case string:
		if len(x) > maxNumberString {
			return nil, MsgStringTooLarge
		}
		s = x
	case bool:
		return nil, MsgInvalidInteger
	default:
		n, ok := number(raw)
		if !ok {
			return nil, MsgInvalidInteger
		}
		s = pythonNumber(n)
	}
	s = decimalSuffix.ReplaceAllString(s, "")
	if !pythonInt.MatchString(s) {
		return nil, MsgInvalidInteger
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, MsgInvalidInteger
	}
	return v, ""
}

// setInteger stores n in an integer field, or says which bound of the Go type it passes,
// in DRF's words for min_value and max_value (Django's model fields add the same bounds).
func setInteger(target reflect.Value, n *big.Int) []string {
	if target.Kind() >= reflect.Uint && target.Kind() <= reflect.Uint64 {
		if n.Sign() < 0 {
			return []string{msgMinValue("0")}
		}
		if !n.IsUint64() || target.OverflowUint(n.Uint64()) {
			return []string{msgMaxValue(strconv.FormatUint(maxUint(target.Type().Bits()), 10))}
		}
		target.SetUint(n.Uint64())
		return nil
	}
	bits := target.Type().Bits()
	if !n.IsInt64() || target.OverflowInt(n.Int64()) {
		if n.Sign() < 0 {
			return []string{msgMinValue(strconv.FormatInt(-1<<(bits-1), 10))}
		}
		return []string{msgMaxValue(strconv.FormatInt(1<<(bits-1)-1, 10))}
	}
	target.SetInt(n.Int64())
	return nil
}

func maxUint(bits int) uint64 {
	if bits == 64 {
		return math.MaxUint64
	}
	return 1<<bits - 1
}

// float is FloatField.to_internal_value: Python's float(), which takes numbers, numeric
// strings with white space, and booleans (float(True) is 1.0). NaN and the infinities
// Python also takes are refused: JSON cannot carry them back.
func float(raw any) (float64, bool) {
	var s string
	switch x := raw.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		if len(x) > maxNumberString {
			return 0, false
		}
		s = strings.ReplaceAll(strings.TrimSpace(x), "_", "")
	default:
		n, ok := number(raw)
		if !ok {
			return 0, false
		}
		s = string(n)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// trueValues and falseValues are BooleanField.TRUE_VALUES and FALSE_VALUES (the numbers
// 1 and 0 are matched by value, as Python's set matches 1.0 == 1).
var (
	trueValues  = map[string]bool{"t": true, "T": true, "y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true, "1": true}
	falseValues = map[string]bool{"f": true, "F": true, "n": true, "N": true, "no": true, "No": true, "NO": true, "false": true, "False": true, "FALSE": true, "off": true, "Off": true, "OFF": true, "0": true}
	nullValues  = map[string]bool{"null": true, "Null": true, "NULL": true, "": true}
)

func boolean(raw any) (value, ok bool) {
	switch x := raw.(type) {
	case bool:
		return x, true
	case string:
		if trueValues[x] {
			return true, true
		}
		if falseValues[x] {
			return false, true
		}
		return false, false
	}
	n, isNumber := number(raw)
	if !isNumber {
		return false, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	switch {
	case err != nil:
		return false, false
	case f == 1:
		return true, true
	case f == 0:
		return false, true
	}
	return false, false
}

// trimPython is Python's str.strip(): Unicode white space, which for Python also counts
// the ASCII separators U+001C to U+001F.
func trimPython(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return (r >= 0x1c && r <= 0x1f) || unicode.IsSpace(r) })
}
