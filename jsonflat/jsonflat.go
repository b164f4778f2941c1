// Package jsonflat decodes the JSON objects that every request of a hot path carries —
// a token endpoint's body, a token's claims — without encoding/json, whose generic
// decoding was a tenth of the server's CPU on a verify. It answers only for flat objects
// of plain values, and says so; anything else is left to encoding/json, so every value
// and every error is encoding/json's. FuzzObject holds the two to the same value wherever
// this one answers.
package jsonflat

import "encoding/json"

// Object decodes a flat JSON object whose values are strings of printable ASCII without
// escapes and, with scalars, also numbers (as json.Number, as encoding/json's UseNumber
// gives them), true, false and null. ok is false for any other input: nesting, an escape,
// a byte outside printable ASCII, anything malformed. A repeated key keeps its last value,
// as encoding/json does.
func Object(data []byte, scalars bool) (obj map[string]any, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	obj = make(map[string]any, 8)
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return obj, skipSpace(data, i+1) == len(data)
	}
	for {
		key, next, ok := plainString(data, i)
		if !ok {
			return nil, false
		}
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		var value any
		if value, next, ok = plainValue(data, skipSpace(data, i+1), scalars); !ok {
			return nil, false
		}
		obj[key] = value
		i = skipSpace(data, next)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return obj, skipSpace(data, i+1) == len(data)
		default:
			return nil, false
		}
	}
}

// plainValue reads the value that starts at i: a plain string, or with scalars a number,
// true, false or null; and returns the index after it.
func plainValue(data []byte, i int, scalars bool) (any, int, bool) {
	if i >= len(data) {
		return nil, 0, false
	}
	if data[i] == '"' {
		return plainString(data, i)
	}
	if !scalars {
		return nil, 0, false
	}
	for _, lit := range [...]struct {
		text  string
		value any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if len(data)-i >= len(lit.text) && string(data[i:i+len(lit.text)]) == lit.text {
			return lit.value, i + len(lit.text), true
		}
	}
	j, ok := number(data, i)
	if !ok {
		return nil, 0, false
	}
	return json.Number(data[i:j]), j, true
}

// number reads a JSON number that starts at i — -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
// — and returns the index after it.
func number(data []byte, i int) (int, bool) {
	digits := func(i int) int { // the index after the digits at i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		return i
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(i)
	default:
		return 0, false
	}
	if i < len(data) && data[i] == '.' {
		if j := digits(i + 1); j > i+1 {
			i = j
		} else {
			return 0, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if j := digits(i); j > i {
			i = j
		} else {
			return 0, false
		}
	}
	return i, true
}

// plainString reads a string of printable ASCII without escapes that starts at i, and
// returns it and the index after its closing quote.
func plainString(data []byte, i int) (string, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return string(data[i+1 : j]), j + 1, true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return "", 0, false
		}
	}
	return "", 0, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
