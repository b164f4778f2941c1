package rest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"ginrest/rest"
)

// FuzzParseJSON checks rest.ParseJSON: it never panics, it accepts exactly the bodies that
// are one JSON value (or empty) of UTF-8 text without unpaired surrogate escapes, every
// error is a 400 in DRF's words, and what it returns survives a round trip through
// encoding/json unchanged. encoding/json turns what ginrest refuses into U+FFFD, so a body
// without U+FFFD of its own is accepted exactly when its decoded value has none.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		``, ` `, `{}`, `[]`, `null`, `0`, `-0.0e-0`, `"x"`, `{"a":1,"b":1.50,"c":[true,false,null]}`,
		`{"n":12345678901234567890123}`, `{"a":1} x`, `{"a":1}{"b":2}`, `[1] ]`, `{"a":`, `{"a":NaN}`,
		`"\ud800"`, "\"\xff\xfe\"", `{"a":"\u2028<&>"}`, `[[[[[[[[[[]]]]]]]]]]`, `1e999`, `{"":{"":""}}`,
		"\ufeff{}", `tru`, `{"a" 1}`, "{\"a\":1}\n\t \r",
		`"\ud83d\ude00"`, `"\\ud800"`, `"\\\ud800"`, `"\udc00\ud800"`, `{"\ud800":1}`, "\"\xed\xa0\x80\"", "\"\xe2\x82",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := rest.ParseJSON(body)
		// Whether encoding/json's value has a U+FFFD that the body did not put there.
		replaced := func() bool {
			if bytes.Contains(body, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) {
				return false // can't tell: the body has its own
			}
			var decoded any
			return json.Unmarshal(body, &decoded) == nil && hasReplacement(decoded)
		}
		if err != nil {
			var e *rest.Error
			if !errors.As(err, &e) || e.Status != 400 || !strings.HasPrefix(e.Detail, "JSON parse error - ") {
				t.Fatalf("ParseJSON(%q) error = %#v, want a 400 JSON parse error", body, err)
			}
			valid := json.Valid(body) && strings.TrimSpace(string(body)) != ""
			switch {
			case strings.HasPrefix(e.Detail, "JSON parse error - 'utf-8' codec"):
				if utf8.Valid(body) {
					t.Fatalf("ParseJSON(%q) refused UTF-8 as not UTF-8: %s", body, e.Detail)
				}
			case strings.HasPrefix(e.Detail, "JSON parse error - unpaired surrogate"):
				if !valid || !utf8.Valid(body) {
					t.Fatalf("ParseJSON(%q): %s, but the body has a worse problem", body, e.Detail)
				}
				if !bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) && !bytes.Contains(body, []byte("\uFFFD")) && !replaced() {
					t.Fatalf("ParseJSON(%q): %s, but encoding/json reads it without a replacement", body, e.Detail)
				}
			case valid:
				t.Fatalf("ParseJSON(%q) refused valid JSON: %v", body, err)
			}
			return
		}
		if len(body) > 0 && (!json.Valid(body) || !utf8.Valid(body)) {
			t.Fatalf("ParseJSON(%q) accepted invalid JSON: %#v", body, v)
		}
		if replaced() {
			t.Fatalf("ParseJSON(%q) accepted a body encoding/json reads with U+FFFD: %#v", body, v)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("ParseJSON(%q) = %#v, which does not marshal: %v", body, v, err)
		}
		again, err := rest.ParseJSON(out)
		if err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("round trip of %q: %#v → %s → %#v, %v", body, v, out, again, err)
		}
	})
}

// hasReplacement reports whether a decoded JSON value has U+FFFD in a key or a string.
func hasReplacement(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.ContainsRune(x, utf8.RuneError)
	case []any:
		for _, item := range x {
			if hasReplacement(item) {
				return true
			}
		}
	case map[string]any:
		for k, item := range x {
			if strings.ContainsRune(k, utf8.RuneError) || hasReplacement(item) {
				return true
			}
		}
	}
	return false
}

// DataView answers every method by parsing the body.
type DataView struct{ rest.APIView }

func (*DataView) read(r *rest.Request) (*rest.Response, error) {
	data, err := r.Data()
	if err != nil {
		return nil, err
	}
	return rest.OK(data), nil
}

func (v *DataView) Get(r *rest.Request) (*rest.Response, error)   { return v.read(r) }
func (v *DataView) Post(r *rest.Request) (*rest.Response, error)  { return v.read(r) }
func (v *DataView) Put(r *rest.Request) (*rest.Response, error)   { return v.read(r) }
func (v *DataView) Patch(r *rest.Request) (*rest.Response, error) { return v.read(r) }
func (v *DataView) Delete(r *rest.Request) (*rest.Response, error) {
	if _, err := r.Data(); err != nil {
		return nil, err
	}
	return rest.NoContent(), nil
}

var fuzzMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, "TRACE", "PROPFIND",
}

// FuzzDispatch sends arbitrary methods, Content-Types, Accept and Authorization headers and
// bodies to a view that reads its body: whatever comes in, the answer is never a 5xx, never
// a panic, and always a well-formed DRF response.
func FuzzDispatch(f *testing.F) {
	seeds := []struct {
		method              uint8
		contentType, accept string
		auth                string
		body                string
	}{
		{2, "application/json", "", "Bearer good", `{"a":1}`},
		{2, "application/json; charset=utf-8", "*/*", "Bearer good", `{"a":[1,2,{"b":null}]}`},
		{3, "application/json", "application/json; indent=4", "Bearer good", `{"a":1} x`},
		{2, "application/x-www-form-urlencoded", "text/html", "Bearer good", "a=1&a=2&b=%zz;c"},
		{2, "multipart/form-data; boundary=b", "application/*", "Bearer good",
			"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n"},
		{2, "multipart/form-data; boundary=b", "", "Bearer good",
			"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n"},
		{2, "multipart/form-data", "", "Bearer good", "--b--\r\n"},
		{2, "text/plain", "", "Bearer good", "x"},
		{2, "", "", "Bearer good", "no content type"},
		{0, "application/json", "application/xml", "", "{"},
		{1, "", "", "", ""},
		{6, "", "", "Bearer wrong", ""},
		{7, "application/json", "", "Bearer good", "{}"},
		{2, "application/json; charset", ", ,", "Bearer  good", `[]`},
		{5, "garbage", "*", "bearer good", "\xff\xfe"},
		{2, "application/json", "", "Bearer good", strings.Repeat("[", 5000)},
	}
	for _, s := range seeds {
		f.Add(s.method, s.contentType, s.accept, s.auth, []byte(s.body))
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	view := &DataView{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(readOnlyOrAuth)}}
	h := rest.NewHandler(view, rest.Defaults{Parsers: &rest.Parsers{MaxBytes: 4096}, Logger: logger})
	f.Fuzz(func(t *testing.T, m uint8, contentType, accept, auth string, body []byte) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		req := httptest.NewRequest(method, "/", strings.NewReader(string(body)))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if req.MultipartForm != nil {
			_ = req.MultipartForm.RemoveAll()
		}
		if rec.Code >= 500 || rec.Code < 200 {
			t.Fatalf("%s with Content-Type %q, Accept %q, Authorization %q, body %q: status %d %s",
				method, contentType, accept, auth, body, rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Allow"); got != "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS" {
			t.Fatalf("Allow = %q", got)
		}
		if got := rec.Header().Get("Vary"); got != "Accept" {
			t.Fatalf("Vary = %q", got)
		}
		if rec.Code == 401 && rec.Header().Get("WWW-Authenticate") != challenge {
			t.Fatalf("401 without the challenge")
		}
		if method == http.MethodHead || rec.Code == http.StatusNoContent {
			if rec.Body.Len() != 0 {
				t.Fatalf("%s %d has a body: %q", method, rec.Code, rec.Body)
			}
			return
		}
		if rec.Body.Len() == 0 && rec.Code < 400 {
			// The view's data was JSON null (a JSON body of null, echoed): an empty rendering,
			// which DRF sends with no Content-Type.
			if ct := rec.Header().Get("Content-Type"); ct != "" {
				t.Fatalf("%d with an empty body has Content-Type %q", rec.Code, ct)
			}
			return
		}
		if !json.Valid(rec.Body.Bytes()) || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%d body is not JSON (%q): %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		if rec.Code >= 400 {
			var e struct {
				Detail *string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Detail == nil {
				t.Fatalf("%d body has no detail: %s", rec.Code, rec.Body)
			}
		}
	})
}
