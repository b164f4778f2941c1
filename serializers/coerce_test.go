package serializers_test

import (
	"reflect"
	"testing"
	"time"

	"ginrest/rest"
	"ginrest/serializers"
)

// TestCoercion: what each field accepts from JSON and form data, and the value it gives.
func TestCoercion(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name, body string
		get        func(*everything) any
		want       any
	}{
		{"text is trimmed", `{"title": "  hi  "}`, func(e *everything) any { return e.Title }, "hi"},
		{"trim_whitespace=false keeps it", `{"title": "ok", "plain": "  hi  "}`, func(e *everything) any { return e.Plain }, "  hi  "},
		{"a number becomes text", `{"title": 12.50}`, func(e *everything) any { return e.Title }, "12.5"},
		{"an integer becomes text", `{"title": 42}`, func(e *everything) any { return e.Title }, "42"},
		{"integer", `{"title": "ok", "count": 5}`, func(e *everything) any { return e.Count }, 5},
		{"integer from text", `{"title": "ok", "count": "5"}`, func(e *everything) any { return e.Count }, 5},
		{"integer from text with spaces and sign", `{"title": "ok", "count": " +7 "}`, func(e *everything) any { return e.Count }, 7},
		{"integer from 5.0", `{"title": "ok", "count": 5.0}`, func(e *everything) any { return e.Count }, 5},
		{"integer from \"5.00\"", `{"title": "ok", "count": "5.00"}`, func(e *everything) any { return e.Count }, 5},
		{"integer from 1e1", `{"title": "ok", "count": 1e1}`, func(e *everything) any { return e.Count }, 10},
		{"negative int8", `{"title": "ok", "small": -128}`, func(e *everything) any { return e.Small }, int8(-128)},
		{"float", `{"title": "ok", "ratio": 0.25}`, func(e *everything) any { return e.Ratio }, 0.25},
		{"float from text", `{"title": "ok", "ratio": " .5 "}`, func(e *everything) any { return e.Ratio }, 0.5},
		{"float from an integer", `{"title": "ok", "ratio": 1}`, func(e *everything) any { return e.Ratio }, 1.0},
		{"float from true (Python's float(True))", `{"title": "ok", "ratio": true}`, func(e *everything) any { return e.Ratio }, 1.0},
		{"nullable boolean from \"null\"", `{"title": "ok", "maybe": "null"}`, func(e *everything) any { return e.Maybe }, (*bool)(nil)},
		{"nullable boolean from \"\"", `{"title": "ok", "maybe": ""}`, func(e *everything) any { return e.Maybe }, (*bool)(nil)},
		{"nullable boolean from \"on\"", `{"title": "ok", "maybe": "on"}`, func(e *everything) any { return e.Maybe }, &yes},
		{"nullable boolean from 0", `{"title": "ok", "maybe": 0}`, func(e *everything) any { return e.Maybe }, &no},
		{"choice", `{"title": "ok", "status": "published"}`, func(e *everything) any { return e.Status }, "published"},
		{"integer choice from text", `{"title": "ok", "level": "2"}`, func(e *everything) any { return e.Level }, 2},
		{"integer choice", `{"title": "ok", "level": 3}`, func(e *everything) any { return e.Level }, 3},
		{"email", `{"title": "ok", "email": " a@example.com "}`, func(e *everything) any { return e.Email }, "a@example.com"},
		{"nullable string", `{"title": "ok", "note": "x"}`, func(e *everything) any { return *e.Note }, "x"},
		{"datetime in UTC", `{"title": "ok", "when": "2024-03-01T12:30:00Z"}`, func(e *everything) any { return e.When }, time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)},
		{"datetime with offset, to UTC", `{"title": "ok", "when": "2024-03-01T12:30:00+02:00"}`, func(e *everything) any { return e.When }, time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)},
		{"list", `{"title": "ok", "tags": [" a ", 1]}`, func(e *everything) any { return e.Tags }, []string{"a", "1"}},
		{"list of integers", `{"title": "ok", "scores": ["1", 2]}`, func(e *everything) any { return e.Scores }, []int{1, 2}},
		{"nested", `{"title": "ok", "child": {"name": "bob"}}`, func(e *everything) any { return e.Child }, child{Name: "bob"}},
		{"list of objects", `{"title": "ok", "kids": [{"name": "a"}, {"name": "b"}]}`, func(e *everything) any { return e.Kids }, []child{{"a"}, {"b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errBody, v := validate(t, tt.body)
			if errBody != "" {
				t.Fatalf("%s: %s", tt.body, errBody)
			}
			if got := tt.get(v); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: got %#v, want %#v", tt.body, got, tt.want)
			}
		})
	}
}

// TestBoolean: DRF's TRUE_VALUES and FALSE_VALUES, from JSON and from form data.
func TestBoolean(t *testing.T) {
	truthy := []string{`true`, `"true"`, `"True"`, `"TRUE"`, `"t"`, `"T"`, `"1"`, `1`, `1.0`, `"yes"`, `"Yes"`, `"YES"`, `"y"`, `"Y"`, `"on"`, `"On"`, `"ON"`}
	falsy := []string{`false`, `"false"`, `"False"`, `"FALSE"`, `"f"`, `"F"`, `"0"`, `0`, `0.0`, `"no"`, `"No"`, `"NO"`, `"n"`, `"N"`, `"off"`, `"Off"`, `"OFF"`}
	for want, values := range map[bool][]string{true: truthy, false: falsy} {
		for _, raw := range values {
			t.Run(raw, func(t *testing.T) {
				// Start from the opposite, so that a value left unset fails.
				data, err := rest.ParseJSON([]byte(`{"done": ` + raw + `}`))
				if err != nil {
					t.Fatal(err)
				}
				v, err := everythingSerializer.ValidateUpdate(t.Context(), &everything{Title: "ok", Done: !want}, data, true)
				if err != nil {
					t.Fatalf("%s: %v", raw, err)
				}
				if v.Value.Done != want {
					t.Errorf("%s: got %v, want %v", raw, v.Value.Done, want)
				}
			})
		}
	}
	// Form data is all strings.
	for raw, want := range map[string]bool{"true": true, "on": true, "1": true, "off": false, "0": false, "no": false} {
		v, err := everythingSerializer.ValidateUpdate(t.Context(), &everything{Done: !want}, map[string]any{"title": "ok", "done": raw, "maybe": raw}, false)
		if err != nil {
			t.Fatalf("form %q: %v", raw, err)
		}
		if v.Value.Done != want || v.Value.Maybe == nil || *v.Value.Maybe != want {
			t.Errorf("form %q: got %v/%v, want %v", raw, v.Value.Done, v.Value.Maybe, want)
		}
	}
}

// TestFormData: a form's values are strings; numbers and booleans are read from them.
func TestFormData(t *testing.T) {
	v, err := everythingSerializer.Validate(t.Context(), map[string]any{
		"title": "ok", "count": "42", "ratio": "0.5", "done": "on", "when": "2024-01-02 03:04", "level": "1",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := everything{Title: "ok", Count: 42, Ratio: 0.5, Done: true, When: time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC), Level: 1}
	if !reflect.DeepEqual(v.Value, want) {
		t.Errorf("got %+v\nwant %+v", v.Value, want)
	}
}

func TestParseDateTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, us int) time.Time {
		return time.Date(y, mo, d, h, mi, s, us*1000, time.UTC)
	}
	valid := map[string]time.Time{
		"2024-01-02T03:04:05Z":             utc(2024, 1, 2, 3, 4, 5, 0),
		"2024-01-02T03:04:05":              utc(2024, 1, 2, 3, 4, 5, 0),
		"2024-01-02 03:04":                 utc(2024, 1, 2, 3, 4, 0, 0),
		"2024-1-2T3:4":                     utc(2024, 1, 2, 3, 4, 0, 0),
		"2024-01-02":                       utc(2024, 1, 2, 0, 0, 0, 0),
		"2024-01-02T03:04:05.5Z":           utc(2024, 1, 2, 3, 4, 5, 500000),
		"2024-01-02T03:04:05,123456789Z":   utc(2024, 1, 2, 3, 4, 5, 123456),
		"2024-01-02T03:04:05+01:00":        utc(2024, 1, 2, 2, 4, 5, 0),
		"2024-01-02T03:04:05-0130":         utc(2024, 1, 2, 4, 34, 5, 0),
		"2024-01-02T03:04:05 +05":          utc(2024, 1, 1, 22, 4, 5, 0),
		"2024-02-29T00:00:00Z":             utc(2024, 2, 29, 0, 0, 0, 0),
		"0001-01-01T00:00:00Z":             utc(1, 1, 1, 0, 0, 0, 0),
		"2024-12-31T23:59:59.999999-23:59": utc(2025, 1, 1, 23, 58, 59, 999999),
	}
	for in, want := range valid {
		got, ok := serializers.ParseDateTime(in)
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	invalid := []string{"", "2024", "2024-01", "2024-13-01", "2024-00-10", "2024-02-30", "2023-02-29", "0000-01-01",
		"2024-01-02T24:00", "2024-01-02T23:60", "2024-01-02T23:59:60", "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05+01:60",
		"2024-01-02T03", "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05.1234567890123Z", "24-01-02", "2024-01-02x", "yesterday",
		"2024-01-02T03:04:05Z ", " 2024-01-02"}
	for _, in := range invalid {
		if got, ok := serializers.ParseDateTime(in); ok {
			t.Errorf("ParseDateTime(%q) = %v, want refused", in, got)
		}
	}
}

func TestFormatDateTime(t *testing.T) {
	tests := map[string]time.Time{
		"2024-01-02T03:04:05Z":             time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		"2024-01-02T03:04:05.000001Z":      time.Date(2024, 1, 2, 3, 4, 5, 1000, time.UTC),
		"2024-01-02T03:04:05.120000Z":      time.Date(2024, 1, 2, 3, 4, 5, 120000999, time.UTC),
		"2024-01-02T03:04:05+02:00":        time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 7200)),
		"2024-01-02T03:04:05.500000-05:30": time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.FixedZone("", -19800)),
	}
	for want, in := range tests {
		if got := serializers.FormatDateTime(in); got != want {
			t.Errorf("FormatDateTime(%v) = %q, want %q", in, got, want)
		}
	}
}
