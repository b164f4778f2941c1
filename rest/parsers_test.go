package rest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"ginrest/rest"
)

// Sink answers POST with the body it parsed, and keeps it for the test to inspect.
type Sink struct {
	rest.APIView
	data any
	err  error
}

func (v *Sink) Post(r *rest.Request) (*rest.Response, error) {
	v.data, v.err = r.Data()
	if v.err != nil {
		return nil, v.err
	}
	// Data is read once: a second call gives the same answer although the body is spent.
	again, err := r.Data()
	if !errors.Is(err, v.err) || !reflect.DeepEqual(again, v.data) {
		return nil, errors.New("second Data() differs from the first")
	}
	return rest.OK(v.data), nil
}

// post sends body with a Content-Type ("" for none) to a Sink with the given parsers.
func post(t *testing.T, parsers *rest.Parsers, contentType string, body io.Reader) (*Sink, *httptest.ResponseRecorder) {
	t.Helper()
	view := &Sink{APIView: rest.APIView{Authenticators: auths(), Permissions: perms()}}
	logger, _ := quietLogger()
	h := rest.NewHandler(view, rest.Defaults{Parsers: parsers, Logger: logger})
	req := httptest.NewRequest(http.MethodPost, "/", body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if req.MultipartForm != nil {
		_ = req.MultipartForm.RemoveAll()
	}
	return view, rec
}

// multipartBody is a multipart/form-data body with boundary "b" and its Content-Type.
func multipartBody(fields ...[2]string) (string, string) {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString("--b\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1] + "\r\n")
	}
	b.WriteString("--b--\r\n")
	return "multipart/form-data; boundary=b", b.String()
}

type obj = map[string]any

func TestData(t *testing.T) {
	mpType, mpBody := multipartBody([2]string{"username", "alice"}, [2]string{"password", "wonderland-42"})
	_, mpRepeated := multipartBody([2]string{"a", "1"}, [2]string{"a", "2"})
	tests := []struct {
		name        string
		contentType string
		body        io.Reader
		want        any
	}{
		{"JSON numbers are json.Number", "application/json",
			strings.NewReader(`{"a":1,"b":1.50,"c":"x","d":[true,null],"e":{"f":12345678901234567890}}`),
			obj{"a": json.Number("1"), "b": json.Number("1.50"), "c": "x", "d": []any{true, nil},
				"e": obj{"f": json.Number("12345678901234567890")}}},
		{"JSON array", "application/json", strings.NewReader(`[1, "2"]`), []any{json.Number("1"), "2"}},
		{"JSON with charset", "application/json; charset=utf-8", strings.NewReader(`{"a":"é"}`), obj{"a": "é"}},
		{"JSON media type is case-insensitive", "Application/JSON", strings.NewReader(`{"a":1}`), obj{"a": json.Number("1")}},
		{"a malformed parameter does not hide the media type", "application/json; charset", strings.NewReader(`{"a":1}`), obj{"a": json.Number("1")}},
		{"trailing whitespace after JSON is fine", "application/json", strings.NewReader("{\"a\":1} \r\n\t"), obj{"a": json.Number("1")}},
		{"duplicate JSON keys: the last wins, as in Python", "application/json", strings.NewReader(`{"a":1,"a":2}`), obj{"a": json.Number("2")}},
		{"empty JSON body (no body)", "application/json", nil, obj{}},
		{"empty JSON body (empty reader)", "application/json", strings.NewReader(""), obj{}},
		{"chunked empty body without Content-Type", "", io.MultiReader(), obj{}},
		{"no body, no Content-Type", "", nil, obj{}},
		{"form: last value of a repeated key", "application/x-www-form-urlencoded",
			strings.NewReader("a=1&a=2&b=x+y&c=%2Fz&d"), obj{"a": "2", "b": "x y", "c": "/z", "d": ""}},
		{"form: a semicolon is part of the value, as in Django", "application/x-www-form-urlencoded",
			strings.NewReader("password=a;b&username=alice"), obj{"password": "a;b", "username": "alice"}},
		{"form: a % that starts no escape is literal, as in Django", "application/x-www-form-urlencoded",
			strings.NewReader("password=100%&x=%zz%4&y=%41%3b"), obj{"password": "100%", "x": "%zz%4", "y": "A;"}},
		{"form: empty pairs are skipped", "application/x-www-form-urlencoded", strings.NewReader("&&a=1&"), obj{"a": "1"}},
		{"empty form", "application/x-www-form-urlencoded", nil, obj{}},
		{"multipart", mpType, strings.NewReader(mpBody), obj{"username": "alice", "password": "wonderland-42"}},
		{"multipart: last value of a repeated key", mpType, strings.NewReader(mpRepeated), obj{"a": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view, rec := post(t, nil, tt.contentType, tt.body)
			if rec.Code != 200 {
				t.Fatalf("status = %d, body %s", rec.Code, rec.Body)
			}
			if !reflect.DeepEqual(view.data, tt.want) {
				t.Errorf("Data() = %#v, want %#v", view.data, tt.want)
			}
		})
	}
}

func TestDataErrors(t *testing.T) {
	_, mpBody := multipartBody([2]string{"username", "alice"})
	tests := []struct {
		name        string
		contentType string
		body        string
		wantCode    int
		wantBody    string // exact, or a prefix when it ends in "…"
	}{
		{"text/plain is 415", "text/plain", `{"a":1}`, 415, `{"detail":"Unsupported media type \"text/plain\" in request."}`},
		{"415 names the full media type", "text/plain; charset=utf-8", "x", 415,
			`{"detail":"Unsupported media type \"text/plain; charset=utf-8\" in request."}`},
		{"application/xml is 415", "application/xml", "<a/>", 415, `{"detail":"Unsupported media type \"application/xml\" in request."}`},
		{"an unparsable Content-Type is 415", "garbage", "x", 415, `{"detail":"Unsupported media type \"garbage\" in request."}`},
		{"a body without Content-Type is 415", "", `{"a":1}`, 415, `{"detail":"Unsupported media type \"\" in request."}`},
		{"a body of one space without Content-Type is 415", "", " ", 415, `{"detail":"Unsupported media type \"\" in request."}`},
		{"not JSON", "application/json", "this is not json", 400, `{"detail":"JSON parse error - …`},
		{"truncated JSON", "application/json", `{"username": "alice", `, 400, `{"detail":"JSON parse error - …`},
		{"whitespace only", "application/json", "  \n", 400, `{"detail":"JSON parse error - …`},
		{"NaN is not JSON", "application/json", `{"a":NaN}`, 400, `{"detail":"JSON parse error - …`},
		{"trailing data", "application/json", `{"a":1} x`, 400, `{"detail":"JSON parse error - Extra data after the JSON value"}`},
		{"two values", "application/json", `{"a":1}{"b":2}`, 400, `{"detail":"JSON parse error - Extra data after the JSON value"}`},
		{"a stray bracket", "application/json", `[1] ]`, 400, `{"detail":"JSON parse error - Extra data after the JSON value"}`},
		{"invalid UTF-8 in a string", "application/json", "{\"password\":\"ab\xffc\"}", 400,
			`{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xff in position 15: invalid start byte"}`},
		{"UTF-8 before syntax", "application/json", "\xc3(", 400,
			`{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xc3 in position 0: invalid continuation byte"}`},
		{"a lone high surrogate escape", "application/json", `{"password":"ab\ud800c"}`, 400,
			`{"detail":"JSON parse error - unpaired surrogate escape \\ud800 at offset 15"}`},
		{"multipart without a boundary", "multipart/form-data", mpBody, 400,
			`{"detail":"Multipart form parse error - Invalid boundary in multipart: None"}`},
		{"multipart with the wrong boundary", "multipart/form-data; boundary=nope", mpBody, 400, `{"detail":"Multipart form parse error - …`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view, rec := post(t, nil, tt.contentType, strings.NewReader(tt.body))
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d (body %s)", rec.Code, tt.wantCode, rec.Body)
			}
			got := rec.Body.String()
			if prefix, ok := strings.CutSuffix(tt.wantBody, "…"); ok {
				if !strings.HasPrefix(got, prefix) || !json.Valid(rec.Body.Bytes()) {
					t.Errorf("body = %s, want a JSON body starting %s", got, prefix)
				}
			} else if got != tt.wantBody {
				t.Errorf("body = %s, want %s", got, tt.wantBody)
			}
			var e *rest.Error
			if !errors.As(view.err, &e) || e.Status != tt.wantCode {
				t.Errorf("Data() error = %#v, want a *rest.Error with status %d", view.err, tt.wantCode)
			}
		})
	}
}

// TestBodyLimit checks Parsers.MaxBytes: a body over it is 413 for every parser, a body at
// it is parsed; a multipart body is bounded by MaxUploadBytes, its values by MaxBytes.
func TestBodyLimit(t *testing.T) {
	const limit = 100
	jsonOf := func(n int) string { // a JSON object of exactly n bytes
		return `{"a":"` + strings.Repeat("x", n-8) + `"}`
	}
	formOf := func(n int) string { return "a=" + strings.Repeat("x", n-2) }
	multipartOf := func(n int) (string, string) { // a multipart body of exactly n bytes
		_, empty := multipartBody([2]string{"a", ""})
		return multipartBody([2]string{"a", strings.Repeat("x", n-len(empty))})
	}
	mpAt, mpAtBody := multipartOf(limit)
	mpOver, mpOverBody := multipartOf(limit + 1)
	tooLarge := `{"detail":"Request body is too large."}`
	fileType, fileBody := "multipart/form-data; boundary=b",
		"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n"+strings.Repeat("x", 3*limit)+"\r\n--b--\r\n"
	tests := []struct {
		name        string
		maxBytes    int64
		maxUpload   int64
		contentType string
		body        string
		wantCode    int
	}{
		{"JSON at the limit", limit, 0, "application/json", jsonOf(limit), 200},
		{"JSON over the limit", limit, 0, "application/json", jsonOf(limit + 1), 413},
		{"form at the limit", limit, 0, "application/x-www-form-urlencoded", formOf(limit), 200},
		{"form over the limit", limit, 0, "application/x-www-form-urlencoded", formOf(limit + 1), 413},
		{"multipart at the upload limit", 0, limit, mpAt, mpAtBody, 200},
		{"multipart over the upload limit", 0, limit, mpOver, mpOverBody, 413},
		{"multipart far over the upload limit", 0, limit, mpOver, mpOverBody + strings.Repeat("x", 10*limit), 413},
		{"multipart values over MaxBytes", 20, 0, mpAt, mpAtBody, 413},
		{"a file does not count against MaxBytes", 20, 0, fileType, fileBody, 200},
		{"zero means 1 MiB: at it", 0, 0, "application/json", jsonOf(rest.DefaultMaxBytes), 200},
		{"zero means 1 MiB: over it", 0, 0, "application/json", jsonOf(rest.DefaultMaxBytes + 1), 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rec := post(t, &rest.Parsers{MaxBytes: tt.maxBytes, MaxUploadBytes: tt.maxUpload}, tt.contentType, strings.NewReader(tt.body))
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d (body %.200s)", rec.Code, tt.wantCode, rec.Body)
			}
			if tt.wantCode == 413 && rec.Body.String() != tooLarge {
				t.Errorf("body = %s, want %s", rec.Body, tooLarge)
			}
		})
	}
	// A body of unknown length (chunked) is refused once it passes the limit, by reading.
	for _, tt := range []struct {
		name     string
		body     string
		wantCode int
	}{{"chunked JSON at the limit", jsonOf(limit), 200}, {"chunked JSON over the limit", jsonOf(limit + 1), 413}} {
		t.Run(tt.name, func(t *testing.T) {
			_, rec := post(t, &rest.Parsers{MaxBytes: limit}, "application/json", io.MultiReader(strings.NewReader(tt.body)))
			if rec.Code != tt.wantCode {
				t.Errorf("status = %d, want %d (body %.200s)", rec.Code, tt.wantCode, rec.Body)
			}
		})
	}
	t.Run("the default parsers have the 1 MiB limit", func(t *testing.T) {
		_, rec := post(t, nil, "application/json", strings.NewReader(jsonOf(rest.DefaultMaxBytes+1)))
		if rec.Code != 413 {
			t.Errorf("status = %d, want 413", rec.Code)
		}
	})
}

func TestParseJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    any
		wantErr string
	}{
		{``, obj{}, ""},
		{`{}`, obj{}, ""},
		{`null`, nil, ""},
		{`"s"`, "s", ""},
		{`-0.5e10`, json.Number("-0.5e10"), ""},
		{` [ ] `, []any{}, ""},
		{`{"a":1}x`, nil, "JSON parse error - Extra data after the JSON value"},
		{`{"a":`, nil, "JSON parse error - unexpected end of JSON input"},
		{`{"a" 1}`, nil, "JSON parse error - "},
		{`'a'`, nil, "JSON parse error - "},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := rest.ParseJSON([]byte(tt.in))
			if tt.wantErr == "" {
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ParseJSON = %#v, %v; want %#v", got, err, tt.want)
				}
				return
			}
			var e *rest.Error
			if !errors.As(err, &e) || e.Status != 400 || !strings.HasPrefix(e.Detail, tt.wantErr) {
				t.Errorf("ParseJSON error = %#v, want a 400 starting %q", err, tt.wantErr)
			}
		})
	}
}

// A body that ends before its Content-Length (a client gone mid-request) is a parse error,
// and the view sees no data.
func TestTruncatedBody(t *testing.T) {
	view := &Sink{APIView: rest.APIView{Authenticators: auths(), Permissions: perms()}}
	logger, _ := quietLogger()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":"b"}`))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = 100
	rec := httptest.NewRecorder()
	rest.NewHandler(view, rest.Defaults{Logger: logger}).ServeHTTP(rec, req)
	if want := `{"detail":"Could not read the request body."}`; rec.Code != 400 || rec.Body.String() != want {
		t.Errorf("%d %s, want 400 %s", rec.Code, rec.Body, want)
	}
	if view.data != nil {
		t.Errorf("the view saw %v", view.data)
	}
}
