package serializers

import (
	"encoding/json"
	"testing"
)

// Python's str() of JSON values, as DRF's messages quote them.
func TestPythonStr(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"x", "x"},
		{json.Number("5"), "5"},
		{json.Number("-0"), "0"},
		{json.Number("1.0"), "1.0"},
		{json.Number("1e2"), "100.0"},
		{json.Number("1.5e-5"), "1.5e-05"},
		{json.Number("0.0001"), "0.0001"},
		{json.Number("1e16"), "1e+16"},
		{json.Number("123456789012345.6"), "123456789012345.6"},
		{json.Number("1e400"), "inf"},
		{2.5, "2.5"},
		{true, "True"},
		{nil, "None"},
		{[]any{"a", json.Number("1"), false, nil}, "['a', 1, False, None]"},
		{map[string]any{"b": "it's", "a": []any{}}, `{'a': [], 'b': "it's"}`},
		{[]any{"tab\there", "quote'\""}, `['tab\there', 'quote\'"']`},
	}
	for _, tt := range tests {
		if got := pythonStr(tt.in); got != tt.want {
			t.Errorf("pythonStr(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Python's type names, as DRF's messages name the input's type.
func TestPythonType(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"x", "str"}, {json.Number("1"), "int"}, {json.Number("1.5"), "float"}, {json.Number("1e3"), "float"},
		{true, "bool"}, {nil, "NoneType"}, {[]any{}, "list"}, {map[string]any{}, "dict"}, {3, "int"}, {2.5, "float"},
	}
	for _, tt := range tests {
		if got := pythonType(tt.in); got != tt.want {
			t.Errorf("pythonType(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
