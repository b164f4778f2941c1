package rest_test

import (
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"unicode/utf8"

	"ginrest/rest"
)

func TestQueryParamsAreDjangos(t *testing.T) {
	tests := []struct {
		query string
		want  url.Values
	}{
		{"a=1&b=2", url.Values{"a": {"1"}, "b": {"2"}}},
		{"a=1&a=2", url.Values{"a": {"1", "2"}}},
		{"id=1;DROP TABLE x", url.Values{"id": {"1;DROP TABLE x"}}}, // ";" is no separator (Python 3.10)
		{"q=a+b%20c", url.Values{"q": {"a b c"}}},
		{"q=100%", url.Values{"q": {"100%"}}}, // a malformed escape is kept
		{"q=%zz%4", url.Values{"q": {"%zz%4"}}},
		{"q=%ff%C3%A9", url.Values{"q": {"\uFFFDé"}}}, // invalid UTF-8 is replaced
		{"flag&x=", url.Values{"flag": {""}, "x": {""}}},
		{"&&a=b=c&", url.Values{"a": {"b=c"}}},
		{"%61=1", url.Values{"a": {"1"}}},
		{"", url.Values{}},
	}
	for _, tt := range tests {
		if got := rest.ParseQuery(tt.query); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQuery(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
	r := rest.NewRequest(httptest.NewRequest("GET", "/x/?page=1&page=3&empty=", nil))
	if v, ok := r.QueryParam("page"); v != "3" || !ok {
		t.Errorf("QueryParam(page) = %q %v, want the last value", v, ok)
	}
	if v, ok := r.QueryParam("empty"); v != "" || !ok {
		t.Errorf("QueryParam(empty) = %q %v", v, ok)
	}
	if _, ok := r.QueryParam("absent"); ok {
		t.Error("QueryParam(absent) is present")
	}
}

func TestAbsoluteURL(t *testing.T) {
	r := rest.NewRequest(httptest.NewRequest("GET", "http://api.test:8000/a%2Fb/?x=1&y=%20", nil))
	if got := r.AbsoluteURL("").String(); got != "http://api.test:8000/a%2Fb/?x=1&y=%20" {
		t.Errorf("AbsoluteURL() = %s", got)
	}
	if got := r.AbsoluteURL("/api/notes/").String(); got != "http://api.test:8000/api/notes/" {
		t.Errorf("AbsoluteURL(path) = %s", got)
	}
	tls := rest.NewRequest(httptest.NewRequest("GET", "https://secure.test/", nil))
	if got := tls.AbsoluteURL("/x/").String(); got != "https://secure.test/x/" {
		t.Errorf("over TLS = %s", got)
	}
}

// FuzzParseQuery: any query string parses, into valid UTF-8, and what Go encodes reads back.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{"a=1&b=2", "q=%zz+%ff", "id=1;x", "&&=&==", "%", "a=%C3%A9%"} {
		f.Add(seed, "k", "v w/é")
	}
	f.Fuzz(func(t *testing.T, query, key, value string) {
		for k, vs := range rest.ParseQuery(query) {
			if !utf8.ValidString(k) {
				t.Fatalf("%q: key %q", query, k)
			}
			for _, v := range vs {
				if !utf8.ValidString(v) {
					t.Fatalf("%q: value %q", query, v)
				}
			}
		}
		if key == "" || !utf8.ValidString(key) || !utf8.ValidString(value) {
			return
		}
		encoded := url.Values{key: {value}}.Encode()
		if got := rest.ParseQuery(encoded)[key]; len(got) != 1 || got[0] != value {
			t.Fatalf("%q encoded as %q reads back as %q", value, encoded, got)
		}
	})
}
