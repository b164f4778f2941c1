package jsonflat

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// full is what encoding/json reads, numbers as json.Number, as the callers' full parsers do.
func full(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	err := dec.Decode(&obj)
	return obj, err
}

func TestObject(t *testing.T) {
	cases := []struct {
		data    string
		scalars bool
		want    map[string]any // nil: Object leaves it to encoding/json
	}{
		{`{"token": "eyJ.a.b"}`, false, map[string]any{"token": "eyJ.a.b"}},
		{` { } `, false, map[string]any{}},
		{`{"a":"1","a":"2"}`, false, map[string]any{"a": "2"}},
		{`{"exp": 1700000000}`, false, nil},
		{`{"token_type":"refresh","exp":1700000000,"iat":-1.5e3,"jti":"0a","user_id":7,"ok":true,"no":false,"none":null}`, true,
			map[string]any{"token_type": "refresh", "exp": json.Number("1700000000"), "iat": json.Number("-1.5e3"),
				"jti": "0a", "user_id": json.Number("7"), "ok": true, "no": false, "none": nil}},
		{`{"a":{"b":1}}`, true, nil},
		{`{"a":[1]}`, true, nil},
		{`{"a":"\u00e9"}`, true, nil},
		{`{"a":"é"}`, true, nil},
		{`{"a":1}{}`, true, nil},
		{`[1]`, true, nil},
		{`{"a":1,}`, true, nil},
		{`{"a":+1}`, true, nil},
		{`{"a":01}`, true, nil},
		{`{"a":1.}`, true, nil},
		{`{"a":1e}`, true, nil},
		{`{"a":-}`, true, nil},
		{`{"a":truex}`, true, nil},
		{`{"a":0.5E-3}`, true, map[string]any{"a": json.Number("0.5E-3")}},
	}
	for _, c := range cases {
		got, ok := Object([]byte(c.data), c.scalars)
		if c.want == nil {
			if ok {
				t.Errorf("Object(%s, %v) answered %#v; encoding/json must", c.data, c.scalars, got)
			}
			continue
		}
		if !ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Object(%s, %v) = %#v, %v; want %#v", c.data, c.scalars, got, ok, c.want)
		}
	}
}

// Wherever Object answers, encoding/json reads the same value.
func FuzzObject(f *testing.F) {
	for _, seed := range []string{`{"token":"x"}`, `{"exp":1,"iat":2.5e1,"a":true,"b":null}`, `{"a":{"b":1}}`, `{"a":"\u0000"}`, `{"a":-0}`, `{}`, ` {"a" : "b" } `} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, scalars := range []bool{false, true} {
			fast, ok := Object(data, scalars)
			if !ok {
				continue
			}
			want, err := full(data)
			if err != nil {
				t.Fatalf("Object(%q, %v) = %v, but encoding/json refuses it: %v", data, scalars, fast, err)
			}
			if !reflect.DeepEqual(fast, want) {
				t.Fatalf("Object(%q, %v) = %#v, encoding/json reads %#v", data, scalars, fast, want)
			}
		}
	})
}
