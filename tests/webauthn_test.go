package tests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"ginrest/settings"
)

// WebAuthn (docs/mfa.md): credentials registered, listed and deleted; the passwordless
// login with a passkey; a credential as the login's second factor. A software
// authenticator (webauthn_authenticator_test.go) plays the browser and the key.

const passkeyPassword = "wonderland-42"

// webauthnOn is a relying party at localhost, as DEBUG's default.
func webauthnOn(st *settings.Settings) {
	st.WebAuthn.RPID = "localhost"
	st.WebAuthn.RPOrigins = []string{"http://localhost:8000"}
}

// passkeyServer is a server with WebAuthn on, alice stored and signed in.
func passkeyServer(t *testing.T, change ...func(*settings.Settings)) (s *server, access string) {
	t.Helper()
	s = newServer(t, append([]func(*settings.Settings){webauthnOn}, change...)...)
	s.createUser("alice", passkeyPassword)
	access, _ = s.login("alice", passkeyPassword)
	return s, access
}

// begin posts to a begin endpoint and returns its options and state.
func (s *server) begin(path, access string, body any) (map[string]any, string) {
	s.t.Helper()
	rec := s.sessCall(http.MethodPost, path, access, body)
	if rec.Code != http.StatusOK {
		s.t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
	return options(s.t, rec.Body.Bytes())
}

// register registers k for the user of access, under name.
func (s *server) register(access string, k *softKey, name string) map[string]any {
	s.t.Helper()
	opts, state := s.begin("/api/auth/webauthn/register/begin/", access, nil)
	body := map[string]any{"state": state, "credential": k.create(opts)}
	if name != "" {
		body["name"] = name
	}
	rec := s.sessCall(http.MethodPost, "/api/auth/webauthn/register/finish/", access, body)
	if rec.Code != http.StatusCreated {
		s.t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	return bodyMap(s.t, rec)
}

// passkeyLogin runs a passwordless login with k and returns the finish's answer.
func (s *server) passkeyLogin(k *softKey) *httptest.ResponseRecorder {
	s.t.Helper()
	opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
	return s.postJSON("/api/auth/webauthn/login/finish/", map[string]any{"state": state, "credential": k.get(opts)})
}

func TestWebAuthnRegisterAndPasswordlessLogin(t *testing.T) {
	s, access := passkeyServer(t)
	k := newSoftKey(t)
	opts, _ := s.begin("/api/auth/webauthn/register/begin/", access, nil)
	if rp, _ := opts["rp"].(map[string]any); rp["id"] != "localhost" || rp["name"] != "ginrest" {
		t.Errorf("rp = %v", opts["rp"])
	}
	cred := s.register(access, k, "Laptop")
	if cred["name"] != "Laptop" || cred["credential_id"] != b64.EncodeToString(k.id) || cred["last_used"] != nil {
		t.Errorf("registered: %v", cred)
	}
	if _, leaked := cred["public_key"]; leaked {
		t.Errorf("the public key is shown: %v", cred)
	}

	rec := s.passkeyLogin(k)
	if rec.Code != http.StatusOK {
		t.Fatalf("passkey login: %d %s", rec.Code, rec.Body)
	}
	var pair struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &pair)
	if pair.Refresh == "" || s.getWith("/api/protected/", pair.Access).Code != http.StatusOK {
		t.Fatalf("the pair does not work: %s", rec.Body)
	}
	if claimsOf(t, pair.Access)["username"] != "alice" {
		t.Errorf("claims: %v", claimsOf(t, pair.Access))
	}

	rec = s.sessCall(http.MethodGet, "/api/auth/webauthn/credentials/", access, nil)
	var list []map[string]any
	mustJSON(t, rec.Body.Bytes(), &list)
	if rec.Code != http.StatusOK || len(list) != 1 || list[0]["sign_count"] != json.Number("1") || list[0]["last_used"] == nil {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}

	// The same key again is refused: an authenticator registers once.
	opts, state := s.begin("/api/auth/webauthn/register/begin/", access, nil)
	if ex, _ := opts["excludeCredentials"].([]any); len(ex) != 1 {
		t.Errorf("excludeCredentials = %v", opts["excludeCredentials"])
	}
	assertJSON(t, s.sessCall(http.MethodPost, "/api/auth/webauthn/register/finish/", access,
		map[string]any{"state": state, "credential": k.create(opts)}), 400, `{"credential":["This credential is already registered."]}`)

	// Deleted, it logs no one in.
	id := list[0]["id"].(interface{ String() string }).String()
	if rec := s.sessCall(http.MethodDelete, "/api/auth/webauthn/credentials/"+id+"/", access, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, s.passkeyLogin(k), 401, `{"detail":"No active account found with the given credentials"}`)
}

func TestWebAuthnSecondFactor(t *testing.T) {
	s, access := passkeyServer(t)
	k := newSoftKey(t)
	s.register(access, k, "")
	mfaToken := s.mfaStepOf("alice", passkeyPassword)

	opts, state := s.begin("/api/token/mfa/webauthn/begin/", "", map[string]string{"mfa_token": mfaToken})
	if allow, _ := opts["allowCredentials"].([]any); len(allow) != 1 {
		t.Fatalf("allowCredentials = %v", opts["allowCredentials"])
	}
	finish := map[string]any{"mfa_token": mfaToken, "state": state, "credential": k.get(opts)}
	rec := s.postJSON("/api/token/mfa/webauthn/finish/", finish)
	if rec.Code != http.StatusOK || bodyMap(t, rec)["refresh"] == nil {
		t.Fatalf("finish: %d %s", rec.Code, rec.Body)
	}
	// Once: the state, then the mfa token, are spent.
	assertJSON(t, s.postJSON("/api/token/mfa/webauthn/finish/", finish), 400, `{"state":["This state has already been used. Begin again."]}`)
	opts, state = s.begin("/api/token/mfa/webauthn/begin/", "", map[string]string{"mfa_token": mfaToken})
	assertJSON(t, s.postJSON("/api/token/mfa/webauthn/finish/", map[string]any{"mfa_token": mfaToken, "state": state, "credential": k.get(opts)}),
		401, `{"detail":"Token has already been used","code":"token_not_valid"}`)
}

// mfaStepOf logs username in with the password and returns the mfa step's token.
func (s *server) mfaStepOf(username, password string) string {
	s.t.Helper()
	rec := s.postJSON("/api/token/", map[string]string{"username": username, "password": password})
	body := bodyMap(s.t, rec)
	if rec.Code != http.StatusOK || body["mfa_required"] != true {
		s.t.Fatalf("login: %d %s, want the mfa step", rec.Code, rec.Body)
	}
	return body["mfa_token"].(string)
}

// TestWebAuthnHostile: what a passwordless login refuses, each a 4xx in DRF's shape.
func TestWebAuthnHostile(t *testing.T) {
	const refused = `{"detail":"No active account found with the given credentials"}`
	s, access := passkeyServer(t)
	k := newSoftKey(t)
	s.register(access, k, "Laptop")
	s.createUser("bob", passkeyPassword)
	bobAccess, _ := s.login("bob", passkeyPassword)
	bobKey := newSoftKey(t)
	s.register(bobAccess, bobKey, "Bob's")

	// Another user's credential: not deleted by bob, not a second factor for alice.
	var list []struct{ ID json.Number }
	mustJSON(t, s.sessCall(http.MethodGet, "/api/auth/webauthn/credentials/", access, nil).Body.Bytes(), &list)
	assertJSON(t, s.sessCall(http.MethodDelete, "/api/auth/webauthn/credentials/"+list[0].ID.String()+"/", bobAccess, nil), 404, `{"detail":"Not found."}`)
	assertJSON(t, s.sessCall(http.MethodDelete, "/api/auth/webauthn/credentials/x/", access, nil), 404, `{"detail":"Not found."}`)
	mfaToken := s.mfaStepOf("alice", passkeyPassword)
	opts, state := s.begin("/api/token/mfa/webauthn/begin/", "", map[string]string{"mfa_token": mfaToken})
	bobHandle := bobKey.userHandle
	bobKey.userHandle = nil // a second factor's assertion need not carry one
	assertJSON(t, s.postJSON("/api/token/mfa/webauthn/finish/", map[string]any{"mfa_token": mfaToken, "state": state, "credential": bobKey.get(opts)}),
		400, `{"credential":["The credential could not be verified."]}`)
	bobKey.userHandle = bobHandle
	// bob's mfa token with alice's state: the state is bound to the token it began with.
	bobMFA := s.mfaStepOf("bob", passkeyPassword)
	assertJSON(t, s.postJSON("/api/token/mfa/webauthn/finish/", map[string]any{"mfa_token": bobMFA, "state": state, "credential": k.get(opts)}),
		400, `{"state":["The state is not valid or has expired. Begin again."]}`)

	finish := func(state string, credential any) *httptest.ResponseRecorder {
		return s.postJSON("/api/auth/webauthn/login/finish/", map[string]any{"state": state, "credential": credential})
	}
	tests := []struct {
		name   string
		run    func() *httptest.ResponseRecorder
		status int
		want   string
	}{
		{"wrong origin", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			k.Origin = "https://evil.example"
			defer func() { k.Origin = "http://localhost:8000" }()
			return finish(state, k.get(opts))
		}, 401, refused},
		{"wrong RP ID", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			k.RPID = "evil.example"
			defer func() { k.RPID = "localhost" }()
			return finish(state, k.get(opts))
		}, 401, refused},
		{"another state's challenge", func() *httptest.ResponseRecorder {
			opts, _ := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			_, other := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			return finish(other, k.get(opts))
		}, 401, refused},
		{"tampered state", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			b := []byte(state)
			b[len(b)-3] ^= 1
			return finish(string(b), k.get(opts))
		}, 400, `{"state":["The state is not valid or has expired. Begin again."]}`},
		{"a registration's state", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/register/begin/", access, nil)
			return finish(state, k.get(opts))
		}, 400, `{"state":["The state is not valid or has expired. Begin again."]}`},
		{"replayed assertion", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			cred := k.get(opts)
			if rec := finish(state, cred); rec.Code != 200 {
				t.Fatalf("first: %d %s", rec.Code, rec.Body)
			}
			return finish(state, cred)
		}, 400, `{"state":["This state has already been used. Begin again."]}`},
		{"counter set back (a clone)", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			k.Counter = 0 // get moves it to 1, below the stored count
			return finish(state, k.get(opts))
		}, 401, refused},
		{"another user's handle", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			handle := k.userHandle
			k.userHandle = bobKey.userHandle
			defer func() { k.userHandle = handle }()
			return finish(state, k.get(opts))
		}, 401, refused},
		{"unknown credential", func() *httptest.ResponseRecorder {
			opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			stranger := newSoftKey(t)
			stranger.userHandle = k.userHandle
			return finish(state, stranger.get(opts))
		}, 401, refused},
		{"no state", func() *httptest.ResponseRecorder {
			return s.postJSON("/api/auth/webauthn/login/finish/", map[string]any{"credential": map[string]any{}})
		}, 400, `{"state":["This field is required."]}`},
		{"no credential", func() *httptest.ResponseRecorder {
			_, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			return s.postJSON("/api/auth/webauthn/login/finish/", map[string]any{"state": state})
		}, 400, `{"credential":["This field is required."]}`},
	}
	for _, malformed := range []any{"not json", `{"id":1}`, map[string]any{}, map[string]any{"id": "x", "type": "public-key"}, 42, []any{1}} {
		tests = append(tests, struct {
			name   string
			run    func() *httptest.ResponseRecorder
			status int
			want   string
		}{"malformed credential", func() *httptest.ResponseRecorder {
			_, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
			return finish(state, malformed)
		}, 400, `{"credential":["Not a valid WebAuthn credential."]}`})
	}
	tests = append(tests, struct {
		name   string
		run    func() *httptest.ResponseRecorder
		status int
		want   string
	}{"expired state", func() *httptest.ResponseRecorder { // last: it moves the clock
		opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
		s.Clock.Advance(5*time.Minute + time.Second)
		return finish(state, k.get(opts))
	}, 400, `{"state":["The state is not valid or has expired. Begin again."]}`})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertJSON(t, tt.run(), tt.status, tt.want) })
	}

}

// TestWebAuthnSecondFactorThrottled: refused assertions count as wrong codes do.
func TestWebAuthnSecondFactorThrottled(t *testing.T) {
	s, access := passkeyServer(t, func(st *settings.Settings) { st.ThrottleRates = map[string]string{"login": "100/min", "mfa": "2/min"} })
	k := newSoftKey(t)
	s.register(access, k, "Laptop")
	mfaToken := s.mfaStepOf("alice", passkeyPassword)
	opts, state := s.begin("/api/token/mfa/webauthn/begin/", "", map[string]string{"mfa_token": mfaToken})
	k.Origin = "https://evil.example"
	for range 2 {
		rec := s.postJSON("/api/token/mfa/webauthn/finish/", map[string]any{"mfa_token": mfaToken, "state": state, "credential": k.get(opts)})
		assertJSON(t, rec, 400, `{"credential":["The credential could not be verified."]}`)
	}
	k.Origin = "http://localhost:8000"
	rec := s.postJSON("/api/token/mfa/webauthn/finish/", map[string]any{"mfa_token": mfaToken, "state": state, "credential": k.get(opts)})
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("third try: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

// FuzzWebAuthnCredential: whatever comes as a credential, the finish answers a 4xx.
func FuzzWebAuthnCredential(f *testing.F) {
	for _, seed := range []string{`{}`, `{"id":"AA","rawId":"AA","type":"public-key","response":{}}`, `null`, `[]`, `"x"`,
		`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AA","userHandle":"AA"}}`} {
		f.Add(seed)
	}
	s := newServer(f, webauthnOn)
	f.Fuzz(func(t *testing.T, credential string) {
		s.t = t
		opts, state := s.begin("/api/auth/webauthn/login/begin/", "", nil)
		_ = opts
		for _, body := range []string{
			`{"state":` + strconv.Quote(state) + `,"credential":` + strconv.Quote(credential) + `}`,
			`{"state":` + strconv.Quote(state) + `,"credential":` + credential + `}`,
		} {
			rec := s.do(req{Method: http.MethodPost, Path: "/api/auth/webauthn/login/finish/", Body: body, ContentType: "application/json"})
			if rec.Code < 400 || rec.Code >= 500 {
				t.Fatalf("%s: %d %s", body, rec.Code, rec.Body)
			}
		}
	})
}

// webauthnHonest runs every WebAuthn route for TestSchemaHonest, whose server has it on.
func webauthnHonest(h *honest, s *server) {
	const noCreds = `{"detail":"Authentication credentials were not provided."}`
	const badState = `{"state":["The state is not valid or has expired. Begin again."]}`
	s.createUser("hana", passkeyPassword)
	access, _ := s.login("hana", passkeyPassword)
	k := newSoftKey(h.t)
	jsonBody := func(v any) string { b, _ := json.Marshal(v); return string(b) }

	h.check("webauthn register begin, anonymous", req{Method: "POST", Path: "/api/auth/webauthn/register/begin/"}, 401, noCreds)
	rec := h.check("webauthn register begin", jsonReq("POST", "/api/auth/webauthn/register/begin/", access, ""), 200, "")
	opts, state := options(h.t, rec.Body.Bytes())
	h.check("webauthn register finish, bad state", jsonReq("POST", "/api/auth/webauthn/register/finish/", access,
		jsonBody(map[string]any{"state": "x", "credential": k.create(opts)})), 400, badState)
	rec = h.check("webauthn register finish", jsonReq("POST", "/api/auth/webauthn/register/finish/", access,
		jsonBody(map[string]any{"state": state, "credential": k.create(opts), "name": "Laptop"})), 201, "")
	id := bodyMap(h.t, rec)["id"].(json.Number).String()
	h.check("webauthn credentials", jsonReq("GET", "/api/auth/webauthn/credentials/", access, ""), 200, "")
	h.check("webauthn credentials, anonymous", req{Method: "GET", Path: "/api/auth/webauthn/credentials/"}, 401, noCreds)

	rec = h.check("webauthn login begin", req{Method: "POST", Path: "/api/auth/webauthn/login/begin/"}, 200, "")
	opts, state = options(h.t, rec.Body.Bytes())
	h.check("webauthn login finish", jsonReq("POST", "/api/auth/webauthn/login/finish/", "", jsonBody(map[string]any{"state": state, "credential": k.get(opts)})), 200, "")
	h.check("webauthn login finish, replayed", jsonReq("POST", "/api/auth/webauthn/login/finish/", "", jsonBody(map[string]any{"state": state, "credential": k.get(opts)})), 400,
		`{"state":["This state has already been used. Begin again."]}`)
	h.check("webauthn login finish, malformed", jsonReq("POST", "/api/auth/webauthn/login/finish/", "", `{"state":"x","credential":"x"}`), 400, badState)

	rec = s.postJSON("/api/token/", map[string]string{"username": "hana", "password": passkeyPassword})
	mfaToken, _ := bodyMap(h.t, rec)["mfa_token"].(string)
	h.check("webauthn mfa begin, bad token", jsonReq("POST", "/api/token/mfa/webauthn/begin/", "", `{"mfa_token":"x"}`), 401, "")
	rec = h.check("webauthn mfa begin", jsonReq("POST", "/api/token/mfa/webauthn/begin/", "", jsonBody(map[string]string{"mfa_token": mfaToken})), 200, "")
	opts, state = options(h.t, rec.Body.Bytes())
	h.check("webauthn mfa finish, nothing", jsonReq("POST", "/api/token/mfa/webauthn/finish/", "", `{}`), 400, "")
	h.check("webauthn mfa finish", jsonReq("POST", "/api/token/mfa/webauthn/finish/", "",
		jsonBody(map[string]any{"mfa_token": mfaToken, "state": state, "credential": k.get(opts)})), 200, "")

	h.check("webauthn credential delete, unknown", jsonReq("DELETE", "/api/auth/webauthn/credentials/0/", access, ""), 404, `{"detail":"Not found."}`)
	h.check("webauthn credential delete", jsonReq("DELETE", "/api/auth/webauthn/credentials/"+id+"/", access, ""), 204, "")
}
