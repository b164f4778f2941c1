package rest

import (
	"reflect"
	"testing"
)

// FuzzFlatStrings holds the fast path of the JSON parser to the full one: wherever
// flatStrings answers, encoding/json accepts the body and reads the same value.
func FuzzFlatStrings(f *testing.F) {
	for _, s := range []string{
		`{}`, ` { } `, `{"token":"eyJ.a.b"}`, `{"username":"alice","password":"wonder land"}`, "{\"a\":\"1\"}\n",
		`{"a":"1","a":"2"}`, `{"a":1}`, `{"a":"\u00e9"}`, `{"a":"é"}`, `{"a":"x",}`, `{"a":"x"}x`, `{"a" "x"}`,
		`{"a":"x"`, `{"a":["x"]}`, `["x"]`, `"x"`, `{"":""}`, "{\"a\":\"\t\"}", `{ "a" : "b" , "c" : "d" }`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := flatStrings(body)
		if !ok {
			return
		}
		full, err := decodeJSON(body)
		if err != nil {
			t.Fatalf("flatStrings(%q) = %v, but encoding/json refuses it: %v", body, fast, err)
		}
		if !reflect.DeepEqual(any(fast), full) {
			t.Fatalf("flatStrings(%q) = %#v, encoding/json reads %#v", body, fast, full)
		}
	})
}

func TestFlatStringsAnswersTheTokenBodies(t *testing.T) {
	for _, c := range []struct {
		body string
		want map[string]any
	}{
		{`{"token":"eyJ.a.b"}`, map[string]any{"token": "eyJ.a.b"}},
		{` {"refresh" : "r" , "x":""} `, map[string]any{"refresh": "r", "x": ""}},
		{`{}`, map[string]any{}},
		{`{"a":"1","a":"2"}`, map[string]any{"a": "2"}},
	} {
		got, ok := flatStrings([]byte(c.body))
		if !ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("flatStrings(%s) = %v, %v; want %v", c.body, got, ok, c.want)
		}
	}
	for _, body := range []string{`{"a":1}`, `{"a":"\n"}`, `{"a":"é"}`, `{"a":"x",}`, `{"a":"x"} x`, `["x"]`, `{"a":{"b":"c"}}`, `{"a":"x"`} {
		if got, ok := flatStrings([]byte(body)); ok {
			t.Errorf("flatStrings(%s) answered %v; the full parser must", body, got)
		}
	}
}
