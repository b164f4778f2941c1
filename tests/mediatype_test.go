package tests

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ginrest/apitest"
	"ginrest/models"
)

// A body sent without a Content-Type is DRF's 415, even the right credentials in JSON: no
// parser is guessed. Without a body there is nothing to parse, and the data is empty.
func TestBodyWithoutContentType(t *testing.T) {
	srv := apitest.NewServer(t)
	srv.CreateUser("alice", "wonderland-42")
	const creds = `{"username":"alice","password":"wonderland-42"}`
	const unsupported = `{"detail":"Unsupported media type \"\" in request."}`
	const required = `{"username":["This field is required."],"password":["This field is required."]}`

	c := srv.Client()
	c.Post("/api/token/", creds, apitest.Raw("")).AssertJSON(415, unsupported)
	c.Post("/api/token/", " ", apitest.Raw("")).AssertJSON(415, unsupported)
	c.Post("/api/token/", "", apitest.Raw("")).AssertJSON(400, required)
	c.Post("/api/token/", nil).AssertJSON(400, required)

	// Chunked, so of no announced length: refused when it holds anything, empty otherwise.
	chunked := func(body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/api/token/", io.MultiReader(strings.NewReader(body)))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		return rec
	}
	assertJSON(t, chunked(creds), 415, unsupported)
	assertJSON(t, chunked(""), 400, required)

	if n := countRows(t, srv, &models.OutstandingToken{}); n != 0 {
		t.Errorf("%d tokens issued, want none", n)
	}
}
