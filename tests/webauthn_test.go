package tests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

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
