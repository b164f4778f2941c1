package tests

import (
	"testing"

	"ginrest/apitest"
	"ginrest/models"
)

// A JSON body that is not UTF-8, or that escapes half a surrogate pair, is refused: read as
// encoding/json reads it, both would be U+FFFD, and a password someone stored with that
// character would match bytes its owner never sent.
func TestJSONBodiesMustBeText(t *testing.T) {
	srv := apitest.NewServer(t)
	srv.CreateUser("alice", "wonderland-42\uFFFD")
	cases := []struct {
		name, body, want string
	}{
		{"invalid UTF-8", "{\"username\":\"alice\",\"password\":\"wonderland-42\xff\"}",
			`{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xff in position 45: invalid start byte"}`},
		{"UTF-8 encoded surrogate", "{\"username\":\"alice\",\"password\":\"wonderland-42\xed\xa0\x80\"}",
			`{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xed in position 45: invalid continuation byte"}`},
		{"a lone high surrogate escape", `{"username":"alice","password":"wonderland-42\ud800"}`,
			`{"detail":"JSON parse error - unpaired surrogate escape \\ud800 at offset 45"}`},
		{"a lone low surrogate escape", `{"username":"alice","password":"wonderland-42\uDFFF"}`,
			`{"detail":"JSON parse error - unpaired surrogate escape \\uDFFF at offset 45"}`},
		{"a surrogate escape in a key", `{"username":"alice","password":"wonderland-42\ufffd","\udc00":1}`,
			`{"detail":"JSON parse error - unpaired surrogate escape \\udc00 at offset 54"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			apitest.NewClient(t, srv).Post("/api/token/", tc.body, apitest.Raw("application/json")).AssertJSON(400, tc.want)
		})
	}
	if n := countRows(t, srv, &models.OutstandingToken{}); n != 0 {
		t.Errorf("%d tokens issued, want none", n)
	}
	// The control: the stored password, sent as text, logs in.
	obtainPair(t, srv.Client(), "alice", "wonderland-42\uFFFD")
}
