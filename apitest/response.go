package apitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

// Response is what the client received.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	t      testing.TB
}

// String is the body as text.
func (r *Response) String() string { return string(r.Body) }

// JSON decodes the body into v, failing the test if it is not JSON. Numbers decoded into
// an any are json.Number, so an id is compared exactly: json.Number("1").
func (r *Response) JSON(v any) {
	r.t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		r.t.Fatalf("apitest: the body is not JSON of %T: %v: %q", v, err, r.Body)
	}
	if dec.More() {
		r.t.Fatalf("apitest: the body has data after its JSON value: %q", r.Body)
	}
}

// Data is the body as a JSON object, DRF's response.data, failing the test if it is not
// one. Numbers are json.Number.
func (r *Response) Data() map[string]any {
	r.t.Helper()
	var v any
	r.JSON(&v)
	m, ok := v.(map[string]any)
	if !ok {
		r.t.Fatalf("apitest: the body is not a JSON object: %q", r.Body)
	}
	return m
}

// Cookies are the cookies the response set.
func (r *Response) Cookies() []*http.Cookie {
	return (&http.Response{Header: r.Header}).Cookies()
}

// AssertJSON checks that the status is status and the body is a JSON document equal to want,
// key order and spacing aside, with Content-Type application/json; it reports each
// difference and lets the test go on.
func (r *Response) AssertJSON(status int, want string) {
	r.t.Helper()
	if r.Status != status {
		r.t.Errorf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		r.t.Errorf("Content-Type = %q, want application/json", ct)
	}
	got, err := canonicalJSON(r.Body)
	if err != nil {
		r.t.Errorf("body is not JSON: %v: %q", err, r.Body)
		return
	}
	exp, err := canonicalJSON([]byte(want))
	if err != nil {
		r.t.Fatalf("apitest: the wanted body is not JSON: %v: %q", err, want)
	}
	if !bytes.Equal(got, exp) {
		r.t.Errorf("body = %s\nwant   %s", got, exp)
	}
}

// canonicalJSON re-encodes a JSON document with sorted keys and exact numbers.
func canonicalJSON(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON value")
	}
	return json.Marshal(v)
}
