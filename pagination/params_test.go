package pagination

import (
	"math"
	"testing"
)

func TestPyInt(t *testing.T) {
	tests := []struct {
		in   string
		n    int64
		ok   bool
		desc string
	}{
		{"2", 2, true, ""}, {" 2 ", 2, true, "Python strips"}, {"+2", 2, true, ""}, {"-2", -2, true, ""},
		{"007", 7, true, ""}, {"99999999999999999999", math.MaxInt64, true, "saturates"},
		{"-99999999999999999999", -math.MaxInt64, true, "saturates"},
		{"", 0, false, ""}, {"+", 0, false, ""}, {"1.5", 0, false, ""}, {"1e3", 0, false, ""}, {"abc", 0, false, ""},
		{"0x10", 0, false, ""}, {"١", 0, false, "ASCII digits only"}, {"1 2", 0, false, ""},
	}
	for _, tt := range tests {
		if n, ok := pyInt(tt.in); n != tt.n || ok != tt.ok {
			t.Errorf("pyInt(%q) = %d %v, want %d %v %s", tt.in, n, ok, tt.n, tt.ok, tt.desc)
		}
	}
	for _, tt := range []struct {
		in     string
		strict bool
		cutoff int64
		n      int64
		ok     bool
	}{
		{"0", true, 0, 0, false}, {"0", false, 0, 0, true}, {"-1", false, 0, 0, false},
		{"500", true, 100, 100, true}, {"5", true, 100, 5, true},
	} {
		if n, ok := positiveInt(tt.in, tt.strict, tt.cutoff); n != tt.n || ok != tt.ok {
			t.Errorf("positiveInt(%q, %v, %d) = %d %v", tt.in, tt.strict, tt.cutoff, n, ok)
		}
	}
}

func FuzzPyInt(f *testing.F) {
	for _, s := range []string{"1", " -3 ", "99999999999999999999", "+", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := positiveInt(s, true, 100)
		if ok && (n < 1 || n > 100) {
			t.Fatalf("positiveInt(%q) = %d", s, n)
		}
	})
}
