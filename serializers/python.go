package serializers

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"ginrest/rest"
)

// DRF's messages quote the input as Python prints it (str()), so a client sees the same
// words from either server: `"True" is not a valid choice.`, `"1.0" is not ...`.

// pythonNumber is str() of a JSON number as Python's json module reads it: an int when
// written without a fraction or exponent, otherwise a float.
func pythonNumber(n json.Number) string {
	if isIntegerText(n) {
		if v, ok := new(big.Int).SetString(string(n), 10); ok {
			return v.String()
		}
		return string(n)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !math.IsInf(f, 0) {
		return string(n)
	}
	return pythonFloat(f)
}

// pythonFloat is repr() of a float: the shortest text that reads back, with ".0" on whole
// numbers, and an exponent outside 1e-4 <= |f| < 1e16.
func pythonFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	if exp >= -4 && exp < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.ContainsAny(s, ".") {
			s += ".0"
		}
		return s
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	return fmt.Sprintf("%se%s%02d", mant, sign, exp)
}

// pythonStr is str() of a parsed JSON value.
func pythonStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pythonRepr(v)
}

// pythonRepr is repr() of a parsed JSON value (a dict's keys sorted: Go's maps keep no order).
func pythonRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return pythonQuote(x)
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = pythonRepr(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pythonQuote(k) + ": " + pythonRepr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	if n, ok := number(v); ok {
		return pythonNumber(n)
	}
	return fmt.Sprint(v)
}

// pythonQuote is repr() of a str (rest.PythonQuote).
func pythonQuote(s string) string { return rest.PythonQuote(s) }
