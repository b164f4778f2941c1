package serializers_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"ginrest/rest"
	"ginrest/serializers"
)

// FuzzValidate feeds arbitrary JSON to serializers of every field kind, with hooks and a
// recursive type: validation never panics, a success renders, and a failure is a 400 whose
// body has DRF's shape all the way down.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, `[]`, `"x"`, `1`,
		`{"title": "ok", "count": "5.0", "ratio": "1e-3", "done": "on", "maybe": "", "when": "2024-01-02T03:04:05.1+01:00"}`,
		`{"title": "ok", "tags": ["a", null, 1, true, []], "scores": [1, "2", 3.5], "kids": [{"name": "a"}, {}, null, "x"], "child": {"name": []}}`,
		`{"title": "ok", "status": ["draft"], "level": {"a": 1.5}, "email": "a@b.c", "site": "http://x", "both": "a@b", "code": "ab"}`,
		`{"room": "closed", "start": "1", "end": 0, "guest": {"name": "nobody"}}`,
		`{"name": "r", "children": [{"name": "a", "children": [{"children": []}]}]}`,
		`{"title": "\u0000", "count": 123456789012345678901234567890, "small": -1e2, "natural": "-0"}`,
	} {
		f.Add([]byte(seed))
	}
	trees := serializers.New[node]()
	f.Fuzz(func(t *testing.T, body []byte) {
		data, err := rest.ParseJSON(body)
		if err != nil {
			return
		}
		check(t, "everything", func() (any, error) {
			v, err := everythingSerializer.Validate(t.Context(), data)
			if err != nil {
				return nil, err
			}
			return everythingSerializer.Represent(&v.Value), nil
		})
		check(t, "booking", func() (any, error) {
			v, err := bookings.ValidateUpdate(t.Context(), &booking{Room: "A", Start: 1, End: 2}, data, true)
			if errors.Is(err, errDown) || (err != nil && !isBadRequest(err)) {
				return nil, nil // the hooks' own non-400 errors, on purpose
			}
			if err != nil {
				return nil, err
			}
			return bookings.Represent(&v.Value), nil
		})
		check(t, "tree", func() (any, error) {
			v, err := trees.Validate(t.Context(), data)
			if err != nil {
				return nil, err
			}
			return trees.Represent(&v.Value), nil
		})
	})
}

func check(t *testing.T, name string, validate func() (any, error)) {
	t.Helper()
	out, err := validate()
	if err == nil {
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("%s: representation does not render: %v", name, err)
		}
		return
	}
	var re *rest.Error
	if !errors.As(err, &re) || re.Status != http.StatusBadRequest || re.Fields == nil {
		t.Fatalf("%s: error %v is not a 400 with fields", name, err)
	}
	if problem := shape(map[string]any(re.Fields)); problem != "" {
		body, _ := json.Marshal(re)
		t.Fatalf("%s: body %s: %s", name, body, problem)
	}
	if _, err := json.Marshal(re); err != nil {
		t.Fatalf("%s: error does not render: %v", name, err)
	}
}

// shape says what is wrong with an error detail, or "": an object of non-empty details, a
// non-empty list of messages, or a ListSerializer's list of per-item details ({} for the
// valid ones, at least one not).
func shape(detail any) string {
	switch d := detail.(type) {
	case serializers.Errors:
		return shape(map[string]any(d))
	case map[string]any:
		if len(d) == 0 {
			return "empty object"
		}
		for k, v := range d {
			if p := shape(v); p != "" {
				return k + ": " + p
			}
		}
		return ""
	case []string:
		if len(d) == 0 {
			return "empty message list"
		}
		for _, m := range d {
			if m == "" {
				return "empty message"
			}
		}
		return ""
	case []any:
		failed := false
		for i, item := range d {
			if m, ok := item.(map[string]any); ok && len(m) == 0 {
				continue
			}
			failed = true
			if p := shape(item); p != "" {
				return fmt.Sprintf("[%d]: %s", i, p)
			}
		}
		if !failed {
			return "list of items without an error"
		}
		return ""
	}
	return fmt.Sprintf("unexpected %T", detail)
}
