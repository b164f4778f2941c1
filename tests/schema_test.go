package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/golang-jwt/jwt/v5"

	"ginrest/models"
	"ginrest/schema"
	"ginrest/settings"
	"ginrest/views"
)

// The OpenAPI document (/api/schema/) against the server it describes: every answer the
// demo gives, errors included, must be one the document says it can give, in the shape it
// says — drf-spectacular's users' most common complaint is a schema that does not match.

// honest checks responses against the app's own document and records what it exercised.
type honest struct {
	t      *testing.T
	s      *server
	doc    *openapi3.T
	router routers.Router
	seen   map[string]bool // "METHOD /path/{param}/" of each operation answered
}

func newHonest(t *testing.T, s *server) *honest {
	t.Helper()
	rec := s.do(req{Method: http.MethodGet, Path: "/api/schema/"})
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/schema/: %d %s", rec.Code, rec.Body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("the served document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid OpenAPI %s: %v", doc.OpenAPI, err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &honest{t: t, s: s, doc: doc, router: router, seen: map[string]bool{}}
}

// check sends r, wants status (and the body want, when given, exactly), and validates the
// response against the operation the document has for it: its status must be listed, its
// body must match the schema. A method the document lacks must be answered 405.
func (h *honest) check(name string, r req, status int, want string) *httptest.ResponseRecorder {
	h.t.Helper()
	rec := h.s.do(r)
	if rec.Code != status {
		h.t.Errorf("%s: %s %s = %d, want %d; body %s", name, r.Method, r.Path, rec.Code, status, rec.Body)
		return rec
	}
	if want != "" {
		var got, exp any
		mustJSON(h.t, rec.Body.Bytes(), &got)
		mustJSON(h.t, []byte(want), &exp)
		if gb, eb := mustMarshal(h.t, got), mustMarshal(h.t, exp); !bytes.Equal(gb, eb) {
			h.t.Errorf("%s: body %s, want %s", name, gb, eb)
		}
	}
	hr := httptest.NewRequest(r.Method, "http://example.com"+r.Path, http.NoBody)
	route, params, err := h.router.FindRoute(hr)
	if err != nil {
		if status != http.StatusMethodNotAllowed {
			h.t.Errorf("%s: %s %s is not in the document (%v), yet answered %d", name, r.Method, r.Path, err, rec.Code)
		}
		return rec
	}
	if status == http.StatusMethodNotAllowed {
		h.t.Errorf("%s: %s %s is in the document, yet answered 405", name, r.Method, r.Path)
	}
	h.seen[r.Method+" "+route.Path] = true
	ct := rec.Header().Get("Content-Type")
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: hr, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			// YAML is listed, not parsed: kin-openapi decodes JSON bodies.
			ExcludeResponseBody: ct != "" && !strings.Contains(ct, "json"),
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		h.t.Errorf("%s: %s %s answered %d %s, which the document does not allow: %v", name, r.Method, r.Path, rec.Code, rec.Body, err)
	}
	return rec
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonReq is a request with a JSON body and, when token is set, a bearer token.
func jsonReq(method, path, token, body string) req {
	r := req{Method: method, Path: path, Body: body, Header: map[string]string{}}
	if body != "" {
		r.ContentType = "application/json"
	}
	if token != "" {
		r.Header["Authorization"] = "Bearer " + token
	}
	return r
}

// TestSchemaHonest drives every operation of the demo's document through the real router,
// its successes and its errors, and checks each answer against the document.
func TestSchemaHonest(t *testing.T) {
	m := oidcProvider(t)
	s := newServer(t, withOIDC(m, deadIssuer(t)), webauthnOn)
	h := newHonest(t, s)
	alice := s.apiUser("alice")
	bob := s.apiUser("bob")
	_, refresh := s.login("alice", "pw-alice-123")
	const noCreds = `{"detail":"Authentication credentials were not provided."}`
	const notFound = `{"detail":"Not found."}`
	required := func(field string) string { return `{"` + field + `":["This field is required."]}` }

	// The API root, the schema, the protected view.
	h.check("root", req{Method: "GET", Path: "/api/"}, 200, `{"notes":"http://example.com/api/notes/","tags":"http://example.com/api/tags/"}`)
	h.check("root, bad token", jsonReq("GET", "/api/", "not-a-token", ""), 401, "")
	h.check("root, wrong method", req{Method: "POST", Path: "/api/"}, 405, `{"detail":"Method \"POST\" not allowed."}`)
	h.check("schema", req{Method: "GET", Path: "/api/schema/"}, 200, "")
	h.check("schema as YAML", req{Method: "GET", Path: "/api/schema/?format=yaml"}, 200, "")
	h.check("schema, unknown format", req{Method: "GET", Path: "/api/schema/?format=xml"}, 404, notFound)
	h.check("protected", jsonReq("GET", "/api/protected/", alice.token, ""), 200, `{"message":"Hello, authenticated user!"}`)
	h.check("protected, anonymous", req{Method: "GET", Path: "/api/protected/"}, 401, noCreds)

	// simplejwt's views.
	h.check("login", jsonReq("POST", "/api/token/", "", `{"username":"alice","password":"pw-alice-123"}`), 200, "")
	h.check("login, wrong password", jsonReq("POST", "/api/token/", "", `{"username":"alice","password":"nope"}`), 401,
		`{"detail":"No active account found with the given credentials"}`)
	h.check("login, no password", jsonReq("POST", "/api/token/", "", `{"username":"alice"}`), 400, required("password"))
	h.check("login, text", req{Method: "POST", Path: "/api/token/", Body: "x", ContentType: "text/plain"}, 415,
		`{"detail":"Unsupported media type \"text/plain\" in request."}`)
	h.check("login, GET", req{Method: "GET", Path: "/api/token/"}, 405, `{"detail":"Method \"GET\" not allowed."}`)
	h.check("verify", jsonReq("POST", "/api/token/verify/", "", `{"token":"`+alice.token+`"}`), 200, `{}`)
	h.check("verify, bad token", jsonReq("POST", "/api/token/verify/", "", `{"token":"x"}`), 401, "")
	h.check("verify, no token", jsonReq("POST", "/api/token/verify/", "", `{}`), 400, required("token"))
	rec := h.check("refresh", jsonReq("POST", "/api/token/refresh/", "", `{"refresh":"`+refresh+`"}`), 200, "")
	rotated := bodyMap(t, rec)["refresh"].(string)
	h.check("refresh, spent token", jsonReq("POST", "/api/token/refresh/", "", `{"refresh":"`+refresh+`"}`), 401, "")
	h.check("refresh, nothing", jsonReq("POST", "/api/token/refresh/", "", `{}`), 400, required("refresh"))
	h.check("blacklist", jsonReq("POST", "/api/token/blacklist/", "", `{"refresh":"`+rotated+`"}`), 200, `{}`)
	h.check("blacklist, again", jsonReq("POST", "/api/token/blacklist/", "", `{"refresh":"`+rotated+`"}`), 401, "")
	h.check("blacklist, nothing", jsonReq("POST", "/api/token/blacklist/", "", `{}`), 400, required("refresh"))
	_, refresh = s.login("alice", "pw-alice-123")
	h.check("family blacklist", jsonReq("POST", "/api/token/family/blacklist/", "", `{"refresh":"`+refresh+`"}`), 200, `{}`)
	rec = h.check("sliding login", jsonReq("POST", "/api/token/sliding/", "", `{"username":"alice","password":"pw-alice-123"}`), 200, "")
	sliding := bodyMap(t, rec)["token"].(string)
	h.check("sliding refresh", jsonReq("POST", "/api/token/sliding/refresh/", "", `{"token":"`+sliding+`"}`), 200, "")
	h.check("sliding refresh, bad token", jsonReq("POST", "/api/token/sliding/refresh/", "", `{"token":"x"}`), 401, "")

	// Sessions, log out everywhere, the password change: each on a user of its own, as they
	// revoke tokens.
	carol := s.apiUser("carol")
	rec = h.check("sessions", jsonReq("GET", "/api/token/sessions/", carol.token, ""), 200, "")
	var sessions []struct {
		ID string `json:"id"`
	}
	mustJSON(t, rec.Body.Bytes(), &sessions)
	if len(sessions) == 0 {
		t.Fatalf("no session listed: %s", rec.Body)
	}
	h.check("sessions, anonymous", req{Method: "GET", Path: "/api/token/sessions/"}, 401, noCreds)
	h.check("session, another's", jsonReq("DELETE", "/api/token/sessions/"+sessions[0].ID+"/", bob.token, ""), 404, notFound)
	h.check("session", jsonReq("DELETE", "/api/token/sessions/"+sessions[0].ID+"/", carol.token, ""), 204, "")
	dave := s.apiUser("dave")
	h.check("logout all, anonymous", req{Method: "POST", Path: "/api/token/logout-all/"}, 401, noCreds)
	h.check("logout all", jsonReq("POST", "/api/token/logout-all/", dave.token, ""), 200, `{}`)
	h.check("logout all, revoked token", jsonReq("POST", "/api/token/logout-all/", dave.token, ""), 401, "")
	erin := s.apiUser("erin")
	h.check("password, anonymous", jsonReq("POST", "/api/auth/password/", "", `{}`), 401, noCreds)
	h.check("password, nothing", jsonReq("POST", "/api/auth/password/", erin.token, `{}`), 400, "")
	h.check("password", jsonReq("POST", "/api/auth/password/", erin.token,
		`{"old_password":"pw-erin-123","new_password":"a new long passphrase 42"}`), 200, "")

	// The second factor (docs/mfa.md), on a user of its own: codes are made at the server's
	// clock, which moves a step on wherever a code was spent.
	frank := s.apiUser("frank", func(u *models.User) { u.Email = "frank@example.com" })
	h.check("totp, anonymous", req{Method: "GET", Path: "/api/auth/totp/"}, 401, noCreds)
	h.check("totp", jsonReq("GET", "/api/auth/totp/", frank.token, ""), 200, `{"enrolled":false,"confirmed":false,"recovery_codes_remaining":0}`)
	h.check("totp enrol, anonymous", req{Method: "POST", Path: "/api/auth/totp/"}, 401, noCreds)
	rec = h.check("totp enrol", jsonReq("POST", "/api/auth/totp/", frank.token, ""), 201, "")
	secret := bodyMap(t, rec)["secret"].(string)
	const wrongCode = `{"code":["The code is not valid."]}`
	const textPlain = `{"detail":"Unsupported media type \"text/plain\" in request."}`
	code := func(field, value string) string { return `{"` + field + `":"` + value + `"}` }
	confirm := func(body string) req { return jsonReq("POST", "/api/auth/totp/confirm/", frank.token, body) }
	rec = h.check("totp qr code", jsonReq("GET", "/api/auth/totp/qr.png", frank.token, ""), 200, "")
	if rec.Header().Get("Content-Type") != "image/png" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("\x89PNG")) {
		t.Errorf("qr.png: %q, %d bytes", rec.Header().Get("Content-Type"), rec.Body.Len())
	}
	h.check("totp qr code, anonymous", req{Method: "GET", Path: "/api/auth/totp/qr.png"}, 401, noCreds)
	h.check("totp confirm, anonymous", jsonReq("POST", "/api/auth/totp/confirm/", "", code("code", "123456")), 401, noCreds)
	h.check("totp confirm, nothing", confirm(`{}`), 400, required("code"))
	h.check("totp confirm, text", req{Method: "POST", Path: "/api/auth/totp/confirm/", Body: "x", ContentType: "text/plain",
		Header: map[string]string{"Authorization": "Bearer " + frank.token}}, 415, textPlain)
	h.check("totp confirm, wrong code", confirm(code("code", s.wrongCode(secret))), 400, wrongCode)
	rec = h.check("totp confirm", confirm(code("code", s.codeAt(secret, 0))), 200, "")
	recovery := bodyMap(t, rec)["recovery_codes"].([]any)
	h.check("totp enrol, confirmed", jsonReq("POST", "/api/auth/totp/", frank.token, ""), 400,
		`{"non_field_errors":["Two-factor authentication is already enabled. Disable it before enrolling a new device."]}`)
	h.check("totp, confirmed", jsonReq("GET", "/api/auth/totp/", frank.token, ""), 200,
		`{"enrolled":true,"confirmed":true,"recovery_codes_remaining":`+jsonNumber(t, len(recovery))+`}`)
	h.check("totp qr code, confirmed", jsonReq("GET", "/api/auth/totp/qr.png", frank.token, ""), 404, notFound)
	s.Clock.Advance(totpStep) // the confirming code is spent
	regenerate := func(body string) req { return jsonReq("POST", "/api/auth/totp/recovery-codes/", frank.token, body) }
	h.check("recovery codes, anonymous", jsonReq("POST", "/api/auth/totp/recovery-codes/", "", code("code", "123456")), 401, noCreds)
	h.check("recovery codes, nothing", regenerate(`{}`), 400, required("code"))
	h.check("recovery codes, wrong code", regenerate(code("code", s.wrongCode(secret))), 400, wrongCode)
	rec = h.check("recovery codes", regenerate(code("code", s.codeAt(secret, 0))), 200, "")
	old := recovery
	recovery = bodyMap(t, rec)["recovery_codes"].([]any)
	if len(recovery) != len(old) || recovery[0] == old[0] {
		t.Errorf("regenerated recovery codes %v, were %v", recovery, old)
	}
	s.Clock.Advance(totpStep) // the regenerating code is spent
	mfaStep := func(name, path string) string {
		rec := h.check(name, jsonReq("POST", path, "", `{"username":"frank","password":"pw-frank-123"}`), 200, "")
		body := bodyMap(t, rec)
		if body["mfa_required"] != true {
			t.Fatalf("%s: %s, want the mfa step", name, rec.Body)
		}
		return body["mfa_token"].(string)
	}
	pairStep := mfaStep("login, mfa step", "/api/token/")
	slidingStep := mfaStep("sliding login, mfa step", "/api/token/sliding/")
	rec = h.check("oidc login, mfa step", oidcLogin(s, "mock", idToken(t, s, m, "sub-frank", "frank@example.com")), 200, "")
	if bodyMap(t, rec)["mfa_required"] != true {
		t.Errorf("oidc login of a user with a device: %s, want the mfa step", rec.Body)
	}
	exchange := func(mfaToken, field, value string) req {
		return jsonReq("POST", "/api/token/mfa/", "", `{"mfa_token":"`+mfaToken+`","`+field+`":"`+value+`"}`)
	}
	h.check("mfa, nothing", jsonReq("POST", "/api/token/mfa/", "", `{}`), 400,
		`{"mfa_token":["This field is required."],"code":["This field is required."]}`)
	h.check("mfa, text", req{Method: "POST", Path: "/api/token/mfa/", Body: "x", ContentType: "text/plain"}, 415, textPlain)
	h.check("mfa, not a token", exchange("x", "code", s.codeAt(secret, 0)), 401, `{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
	h.check("mfa, wrong code", exchange(pairStep, "code", s.wrongCode(secret)), 400, wrongCode)
	rec = h.check("mfa", exchange(pairStep, "code", s.codeAt(secret, 0)), 200, "")
	if body := bodyMap(t, rec); body["refresh"] == nil || body["access"] == nil {
		t.Errorf("mfa: %s, want a pair", rec.Body)
	}
	s.Clock.Advance(totpStep)
	h.check("mfa, spent token", exchange(pairStep, "code", s.codeAt(secret, 0)), 401, `{"detail":"Token has already been used","code":"token_not_valid"}`)
	rec = h.check("mfa, recovery code", exchange(slidingStep, "recovery_code", recovery[0].(string)), 200, "")
	if body := bodyMap(t, rec); len(body) != 1 || body["token"] == nil {
		t.Errorf("mfa of a sliding login: %s, want a sliding token", rec.Body)
	}
	disable := func(body string) req { return jsonReq("POST", "/api/auth/totp/disable/", frank.token, body) }
	h.check("totp disable, anonymous", jsonReq("POST", "/api/auth/totp/disable/", "", code("code", "123456")), 401, noCreds)
	h.check("totp disable, nothing", disable(`{}`), 400, required("code"))
	h.check("totp disable, text", req{Method: "POST", Path: "/api/auth/totp/disable/", Body: "x", ContentType: "text/plain",
		Header: map[string]string{"Authorization": "Bearer " + frank.token}}, 415, textPlain)
	h.check("totp disable, both", disable(`{"code":"123456","recovery_code":"x"}`), 400,
		`{"non_field_errors":["Give either a code or a recovery code, not both."]}`)
	h.check("totp disable, spent recovery code", disable(code("recovery_code", recovery[0].(string))), 400,
		`{"recovery_code":["The recovery code is not valid or has already been used."]}`)
	h.check("totp disable", disable(code("code", s.codeAt(secret, 0))), 204, "")
	h.check("totp disable, no device", disable(code("code", s.codeAt(secret, totpStep))), 400,
		`{"non_field_errors":["Two-factor authentication is not enabled for this account."]}`)

	webauthnHonest(h, s) // webauthn_test.go

	// OpenID Connect login (docs/oidc.md): a route per provider.
	rec = h.check("oidc login", oidcLogin(s, "mock", idToken(t, s, m, "sub-gina", "gina@example.com")), 200, "")
	gina := bodyMap(t, rec)["access"].(string)
	h.check("oidc login, second identity", oidcLogin(s, "mock", idToken(t, s, m, "sub-gina-2", "gina@example.com")), 200, "")
	rec = h.check("identities", jsonReq("GET", "/api/auth/identities/", gina, ""), 200, "")
	var links []struct {
		ID int64 `json:"id"`
	}
	mustJSON(t, rec.Body.Bytes(), &links)
	if len(links) != 2 {
		t.Fatalf("identities: %s", rec.Body)
	}
	identity := func(i int) string { return "/api/auth/identities/" + jsonNumber(t, links[i].ID) + "/" }
	h.check("identities, anonymous", req{Method: "GET", Path: "/api/auth/identities/"}, 401, noCreds)
	h.check("identity, another's", jsonReq("DELETE", identity(0), frank.token, ""), 404, notFound)
	h.check("identity", jsonReq("DELETE", identity(0), gina, ""), 204, "")
	h.check("identity, the last", jsonReq("DELETE", identity(1), gina, ""), 400, `{"non_field_errors":["Your account has no password set up."]}`)
	h.check("oidc login, nothing", jsonReq("POST", "/api/auth/mock/token/", "", `{}`), 400,
		`{"non_field_errors":["Give either an id_token or a code, not both."]}`)
	h.check("oidc login, text", req{Method: "POST", Path: "/api/auth/mock/token/", Body: "x", ContentType: "text/plain"}, 415, textPlain)
	h.check("oidc login, expired", oidcLogin(s, "mock", idToken(t, s, m, "sub-gina", "gina@example.com", func(c jwt.MapClaims) { c["exp"] = 1 })), 401,
		`{"detail":"The ID token has expired.","code":"token_not_valid"}`)
	h.check("oidc login, domain not allowed", oidcLogin(s, "mock", idToken(t, s, m, "sub-hal", "hal@evil.test")), 401,
		`{"detail":"Accounts of this email domain cannot log in here."}`)
	h.check("oidc login, provider down", oidcLogin(s, "down", "x"), 503,
		`{"detail":"The identity provider \"down\" is unavailable. Try again later.","code":"provider_unavailable"}`)

	// The browser login: to the provider (302) and back.
	s.Clock.Set(m.Now()) // the provider's tokens are of its clock
	m.QueueUser(mockUser("sub-jo", "jo@example.com"))
	rec = h.check("oidc browser login", req{Method: "GET", Path: "/api/auth/mock/login/"}, 302, "")
	login := browserLogin{cookie: cookiesOf(rec)[views.StateCookie]}
	login.location, _ = url.Parse(rec.Header().Get("Location"))
	back := s.authorize(login)
	callback := func(q url.Values, withCookie bool) req {
		r := req{Method: "GET", Path: "/api/auth/mock/callback/?" + q.Encode(), Header: map[string]string{}}
		if withCookie {
			r.Header["Cookie"] = views.StateCookie + "=" + login.cookie.Value
		}
		return r
	}
	h.check("oidc callback", callback(back, true), 200, "")
	h.check("oidc callback, replayed", callback(back, true), 401, "")
	h.check("oidc callback, no state cookie", callback(back, false), 400, "")
	h.check("oidc callback, refused", callback(url.Values{"error": {"access_denied"}}, false), 400, "")
	h.check("oidc browser login, next outside cookie mode", req{Method: "GET", Path: "/api/auth/mock/login/?next=/app/"}, 400, "")
	h.check("oidc browser login, provider down", req{Method: "GET", Path: "/api/auth/down/login/"}, 503, "")
	h.check("oidc callback, provider down", callback(url.Values{"error": {"temporarily_unavailable"}}, false), 503, "")
	h.check("oidc callback, down's", req{Method: "GET", Path: "/api/auth/down/callback/?code=x&state=y"}, 400, "")

	// The tags viewset: each user's own.
	rec = h.check("tag, create", jsonReq("POST", "/api/tags/", alice.token, `{"name":"Errands","slug":"errands"}`), 201, "")
	tag := "/api/tags/" + jsonNumber(t, bodyMap(t, rec)["id"]) + "/"
	h.check("tag, create without slug", jsonReq("POST", "/api/tags/", alice.token, `{"name":"x"}`), 400, required("slug"))
	h.check("tag, create anonymously", jsonReq("POST", "/api/tags/", "", `{"name":"x","slug":"x"}`), 401, noCreds)
	h.check("tags", jsonReq("GET", "/api/tags/", alice.token, ""), 200, "")
	h.check("tags, anonymous", req{Method: "GET", Path: "/api/tags/"}, 401, noCreds)
	h.check("tag", jsonReq("GET", tag, alice.token, ""), 200, "")
	h.check("tag, another's", jsonReq("GET", tag, bob.token, ""), 404, notFound)
	h.check("tag, put", jsonReq("PUT", tag, alice.token, `{"name":"Chores","slug":"errands"}`), 200, "")
	h.check("tag, put without slug", jsonReq("PUT", tag, alice.token, `{"name":"x"}`), 400, required("slug"))
	h.check("tag, patch", jsonReq("PATCH", tag, alice.token, `{"name":"Errands"}`), 200, "")
	h.check("tag, another's patch", jsonReq("PATCH", tag, bob.token, `{"name":"x"}`), 404, notFound)
	h.check("tag, patch anonymously", jsonReq("PATCH", tag, "", `{"name":"x"}`), 401, noCreds)
	rec = h.check("tag, another", jsonReq("POST", "/api/tags/", alice.token, `{"name":"Work","slug":"work"}`), 201, "")
	h.check("tag, patch to a slug taken", jsonReq("PATCH", "/api/tags/"+jsonNumber(t, bodyMap(t, rec)["id"])+"/", alice.token, `{"slug":"errands"}`), 400,
		`{"non_field_errors":["tag with these values already exists."]}`)

	// The notes viewset: paged, filtered, owned.
	rec = h.check("note, create", jsonReq("POST", "/api/notes/", alice.token,
		`{"title":"Buy milk","body":"two litres","tag_slugs":["errands"],"due":"2030-01-02","estimate":"1.5"}`), 201, "")
	id := "/api/notes/" + jsonNumber(t, bodyMap(t, rec)["id"]) + "/"
	h.check("note, create without title", jsonReq("POST", "/api/notes/", alice.token, `{"body":"x"}`), 400, required("title"))
	h.check("note, create with an attachment", multipartReq(t, "POST", "/api/notes/", alice.token,
		part{"title", "", "Report"}, part{"attachment", "r.txt", "numbers"}), 201, "")
	h.check("note, attachment not a file", multipartReq(t, "POST", "/api/notes/", alice.token,
		part{"title", "", "Report"}, part{"attachment", "", "r.txt"}), 400,
		`{"attachment":["The submitted data was not a file. Check the encoding type on the form."]}`)
	h.check("notes, bulk create", jsonReq("POST", "/api/notes/", alice.token, `[{"title":"a"},{"title":"b"}]`), 201, "")
	h.check("notes, bulk create with errors", jsonReq("POST", "/api/notes/", alice.token, `[{"title":"a"},{}]`), 400,
		`[{},{"title":["This field is required."]}]`)
	h.check("note, create anonymously", jsonReq("POST", "/api/notes/", "", `{"title":"x"}`), 401, noCreds)
	h.check("notes", jsonReq("GET", "/api/notes/?search=milk&ordering=-created&done=false", alice.token, ""), 200, "")
	h.check("notes, no such page", jsonReq("GET", "/api/notes/?page=9", alice.token, ""), 404, `{"detail":"Invalid page."}`)
	h.check("notes, bad filter", jsonReq("GET", "/api/notes/?done=true&id=x", alice.token, ""), 200, "")
	h.check("notes, anonymous", req{Method: "GET", Path: "/api/notes/"}, 401, noCreds)
	h.check("note", jsonReq("GET", id, bob.token, ""), 200, "")
	h.check("note, missing", jsonReq("GET", "/api/notes/999999/", alice.token, ""), 404, notFound)
	h.check("note, put", jsonReq("PUT", id, alice.token, `{"title":"Buy oat milk","body":"","done":false}`), 200, "")
	h.check("note, put without title", jsonReq("PUT", id, alice.token, `{"body":""}`), 400, required("title"))
	h.check("note, patch", jsonReq("PATCH", id, alice.token, `{"done":true}`), 200, "")
	h.check("note, another's patch", jsonReq("PATCH", id, bob.token, `{"done":false}`), 403,
		`{"detail":"You do not have permission to perform this action."}`)
	h.check("note, toggle", jsonReq("POST", id+"toggle/", alice.token, ""), 200, "")
	h.check("note, another's toggle", jsonReq("POST", id+"toggle/", bob.token, ""), 403, "")
	h.check("notes, mine", jsonReq("GET", "/api/notes/mine/", alice.token, ""), 200, "")
	h.check("notes, mine anonymously", req{Method: "GET", Path: "/api/notes/mine/"}, 401, noCreds)
	h.check("note, another's delete", jsonReq("DELETE", id, bob.token, ""), 403, "")
	h.check("note, delete", jsonReq("DELETE", id, alice.token, ""), 204, "")
	h.check("note, deleted", jsonReq("DELETE", id, alice.token, ""), 404, notFound)
	h.check("note, another's tag", jsonReq("POST", "/api/notes/", bob.token, `{"title":"x","tags":[`+jsonNumber(t, tagID(t, tag))+`]}`), 400,
		`{"tags":["Invalid pk \"`+jsonNumber(t, tagID(t, tag))+`\" - object does not exist."]}`)
	h.check("tag, delete", jsonReq("DELETE", tag, alice.token, ""), 204, "")

	// Every operation of the document was answered at least once, and every route is in
	// the document or deliberately out of it (the documentation pages).
	var missed []string
	for path, item := range h.doc.Paths.Map() {
		for method := range item.Operations() {
			if !h.seen[method+" "+path] {
				missed = append(missed, method+" "+path)
			}
		}
	}
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Errorf("operations of the document no request exercised: %v", missed)
	}
	excluded := []string{"swagger-ui", "redoc", "schema-assets", "browsable-api-assets"}
	for _, r := range s.App.Routes {
		p := strings.ReplaceAll(r.Path, ":file", "{file}")
		p = strings.ReplaceAll(strings.ReplaceAll(p, ":pk", "{pk}"), ":id", "{id}")
		inDoc := h.doc.Paths.Value(p) != nil
		if inDoc == slices.Contains(excluded, r.Name) {
			t.Errorf("route %s (%s): in the document = %v", r.Name, r.Path, inDoc)
		}
	}
}

func jsonNumber(t testing.TB, v any) string {
	t.Helper()
	b := mustMarshal(t, v)
	return string(b)
}

// TestSchemaDocument checks what the document says of the views whose shapes it cannot
// infer from a serializer: simplejwt's (which drf-spectacular gets wrong), and the
// security of each kind of view.
func TestSchemaDocument(t *testing.T) {
	tests := []struct {
		name     string
		change   func(*settings.Settings)
		path     string
		method   string
		request  []string // the request body's required fields, nil for none
		status   string
		response []string // the success body's required fields
		// oneOf are the required fields of the success body's other shapes, when it is a
		// oneOf of response's and these.
		oneOf  [][]string
		bearer bool
		// reqProps and respProps are properties' schemas (JSON) in the request body and in
		// the success body (its first shape).
		reqProps, respProps map[string]string
	}{
		{name: "obtain", path: "/api/token/", method: "POST", request: []string{"username", "password"}, status: "200", response: []string{"refresh", "access"},
			oneOf: [][]string{mfaStep}},
		{name: "obtain, cookie mode", change: func(s *settings.Settings) { s.Sessions.Cookie.Enabled = true },
			path: "/api/token/", method: "POST", request: []string{"username", "password"}, status: "200", response: []string{"access"}, oneOf: [][]string{mfaStep}},
		{name: "obtain sliding", path: "/api/token/sliding/", method: "POST", request: []string{"username", "password"}, status: "200", response: []string{"token"},
			oneOf: [][]string{mfaStep}},
		{name: "mfa exchange", path: "/api/token/mfa/", method: "POST", request: []string{"mfa_token"}, status: "200", response: []string{"refresh", "access"},
			oneOf: [][]string{{"token"}}},
		{name: "mfa exchange, cookie mode", change: func(s *settings.Settings) { s.Sessions.Cookie.Enabled = true },
			path: "/api/token/mfa/", method: "POST", request: []string{"mfa_token"}, status: "200", response: []string{"access"}, oneOf: [][]string{{"token"}}},
		{name: "totp", path: "/api/auth/totp/", method: "GET", status: "200", response: []string{"enrolled", "confirmed", "recovery_codes_remaining"}, bearer: true},
		{name: "totp enrol", path: "/api/auth/totp/", method: "POST", status: "201", response: []string{"secret", "provisioning_uri", "qr_code"}, bearer: true},
		{name: "totp confirm", path: "/api/auth/totp/confirm/", method: "POST", request: []string{"code"}, status: "200", response: []string{"recovery_codes"}, bearer: true},
		{name: "totp disable", path: "/api/auth/totp/disable/", method: "POST", status: "204", bearer: true}, // code or recovery_code, neither required alone
		{name: "refresh, rotating", path: "/api/token/refresh/", method: "POST", request: []string{"refresh"}, status: "200", response: []string{"refresh", "access"}},
		{name: "refresh, not rotating", change: func(s *settings.Settings) { s.JWT.RotateRefreshTokens, s.JWT.BlacklistAfterRotation = false, false },
			path: "/api/token/refresh/", method: "POST", request: []string{"refresh"}, status: "200", response: []string{"access"}},
		{name: "refresh, cookie mode", change: func(s *settings.Settings) { s.Sessions.Cookie.Enabled = true },
			path: "/api/token/refresh/", method: "POST", request: []string{"refresh"}, status: "200", response: []string{"access"}},
		{name: "verify", path: "/api/token/verify/", method: "POST", request: []string{"token"}, status: "200", response: []string{}},
		{name: "blacklist", path: "/api/token/blacklist/", method: "POST", request: []string{"refresh"}, status: "200", response: []string{}},
		{name: "protected", path: "/api/protected/", method: "GET", status: "200", response: []string{"message"}, bearer: true},
		{name: "notes", path: "/api/notes/", method: "GET", status: "200", response: []string{"count", "next", "previous", "results"}, bearer: true},
		{name: "note create", path: "/api/notes/", method: "POST", request: []string{"title"}, status: "201",
			// One note, or a list of them (BulkCreate).
			response: noteFields, oneOf: [][]string{{}}, bearer: true},
		{name: "note delete", path: "/api/notes/{pk}/", method: "DELETE", status: "204", bearer: true},
		// Relation fields as drf-spectacular types them: PrimaryKeyRelatedField(many=True) an
		// array of the tags' integer pk, SlugRelatedField an array of strings,
		// HyperlinkedIdentityField a read-only uri (absent from requests).
		{name: "note", path: "/api/notes/{pk}/", method: "GET", status: "200", response: noteFields, bearer: true,
			respProps: map[string]string{
				"tags":      `{"type":"array","items":{"type":"integer"}}`,
				"tag_slugs": `{"type":"array","items":{"type":"string"}}`,
				"url":       `{"type":"string","format":"uri","readOnly":true}`,
			}},
		{name: "note update", path: "/api/notes/{pk}/", method: "PUT", request: []string{"title"}, status: "200", response: noteFields, bearer: true,
			reqProps: map[string]string{
				"tags":      `{"type":"array","items":{"type":"integer"}}`,
				"tag_slugs": `{"type":"array","items":{"type":"string"}}`,
				"url":       ``, // read-only: not in a request
			}},
		{name: "note partial update", path: "/api/notes/{pk}/", method: "PATCH", status: "200", response: noteFields, bearer: true,
			reqProps: map[string]string{"tags": `{"type":"array","items":{"type":"integer"}}`}},
		{name: "tag", path: "/api/tags/{pk}/", method: "GET", status: "200", response: []string{"id", "url", "name", "slug"}, bearer: true,
			respProps: map[string]string{"url": `{"type":"string","format":"uri","readOnly":true}`, "id": `{"type":"integer","readOnly":true}`}},
		{name: "api root", path: "/api/", method: "GET", status: "200", response: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var change []func(*settings.Settings)
			if tt.change != nil {
				change = append(change, tt.change)
			}
			s := newServer(t, change...)
			doc, err := s.App.Schema()
			if err != nil {
				t.Fatal(err)
			}
			item := doc.Paths.Value(tt.path)
			if item == nil {
				t.Fatalf("%s is not in the document", tt.path)
			}
			op := item.GetOperation(tt.method)
			if op == nil {
				t.Fatalf("%s %s is not in the document", tt.method, tt.path)
			}
			var gotReq []string
			if op.RequestBody != nil {
				// A form's schema: JSON's may be a oneOf (a bulk create's object or list).
				body := op.RequestBody.Value.Content.Get("multipart/form-data").Schema.Value
				gotReq = body.Required
				checkProps(t, "request", body, tt.reqProps)
			} else if tt.reqProps != nil {
				t.Error("no request body")
			}
			if !equalSets(gotReq, tt.request) {
				t.Errorf("request requires %v, want %v", gotReq, tt.request)
			}
			resp := op.Responses.Value(tt.status)
			if resp == nil {
				t.Fatalf("no %s response", tt.status)
			}
			// The body's shapes: one, or a oneOf's, each by its required fields.
			var shapes [][]string
			if mt := resp.Value.Content.Get("application/json"); mt != nil {
				branches := mt.Schema.Value.OneOf
				if len(branches) == 0 {
					branches = openapi3.SchemaRefs{mt.Schema}
				}
				checkProps(t, "response", branches[0].Value, tt.respProps)
				for _, b := range branches {
					required := b.Value.Required
					if required == nil {
						required = []string{}
					}
					shapes = append(shapes, required)
				}
			}
			var want [][]string
			if tt.response != nil {
				want = append([][]string{tt.response}, tt.oneOf...)
			}
			if !equalShapes(shapes, want) {
				t.Errorf("response requires %v, want %v", shapes, want)
			}
			if bearer := op.Security != nil && len(*op.Security) > 0; bearer != tt.bearer {
				t.Errorf("security %v, want bearer %v", op.Security, tt.bearer)
			}
		})
	}
}

// noteFields are the fields of a note's representation.
var noteFields = []string{"id", "url", "title", "body", "done", "owner", "created", "due", "estimate", "tags", "tag_slugs", "attachment"}

// checkProps compares the schemas of body's properties with want's JSON ("" for a property
// that must be absent).
func checkProps(t *testing.T, side string, body *openapi3.Schema, want map[string]string) {
	t.Helper()
	for name, w := range want {
		p := body.Properties[name]
		if w == "" {
			if p != nil {
				t.Errorf("%s property %s is in the document: %s", side, name, mustMarshal(t, p.Value))
			}
			continue
		}
		if p == nil {
			t.Errorf("%s has no property %s", side, name)
			continue
		}
		var got, exp any
		mustJSON(t, mustMarshal(t, p.Value), &got)
		mustJSON(t, []byte(w), &exp)
		if g, e := mustMarshal(t, got), mustMarshal(t, exp); !bytes.Equal(g, e) {
			t.Errorf("%s property %s is %s, want %s", side, name, g, e)
		}
	}
}

// mfaStep is the required fields of a login's answer for a user with a confirmed TOTP
// device.
var mfaStep = []string{"mfa_required", "mfa_token"}

// equalShapes says whether a and b hold the same sets of fields, in any order.
func equalShapes(a, b [][]string) bool {
	key := func(shapes [][]string) []string {
		var out []string
		for _, fields := range shapes {
			fields = slices.Clone(fields)
			slices.Sort(fields)
			out = append(out, strings.Join(fields, ","))
		}
		slices.Sort(out)
		return out
	}
	return len(a) == len(b) && slices.Equal(key(a), key(b))
}

func equalSets(a, b []string) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestSchemaFormats checks the renderings of the document: JSON by default, YAML on
// request, by ?format= or by Accept.
func TestSchemaFormats(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name, path, accept string
		status             int
		contentType        string
	}{
		{"default", "/api/schema/", "", 200, "application/json"},
		{"format=json", "/api/schema/?format=json", "", 200, "application/json"},
		{"format=yaml", "/api/schema/?format=yaml", "", 200, schema.MediaYAML + "; charset=utf-8"},
		{"accept openapi", "/api/schema/", schema.MediaYAML, 200, schema.MediaYAML + "; charset=utf-8"},
		{"accept openapi+json", "/api/schema/", schema.MediaJSON, 200, schema.MediaJSON},
		{"accept yaml", "/api/schema/", "application/yaml", 200, schema.MediaYAML + "; charset=utf-8"},
		{"accept any", "/api/schema/", "*/*", 200, "application/json"},
		{"accept xml", "/api/schema/", "application/xml", 406, "application/json"},
		{"format=xml", "/api/schema/?format=xml", "", 404, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := req{Method: "GET", Path: tt.path}
			if tt.accept != "" {
				r.Header = map[string]string{"Accept": tt.accept}
			}
			rec := s.do(r)
			if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.contentType {
				t.Fatalf("%d %q, want %d %q", rec.Code, rec.Header().Get("Content-Type"), tt.status, tt.contentType)
			}
			if tt.status != 200 {
				return
			}
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(rec.Body.Bytes()) // JSON or YAML
			if err != nil {
				t.Fatal(err)
			}
			if doc.OpenAPI != schema.Version {
				t.Errorf("openapi %q", doc.OpenAPI)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Error(err)
			}
			if scheme := doc.Components.SecuritySchemes[schema.BearerScheme]; scheme == nil || scheme.Value.Scheme != "bearer" || scheme.Value.BearerFormat != "JWT" {
				t.Errorf("bearerAuth: %+v", scheme)
			}
		})
	}
}

// TestSchemaPages checks Swagger UI and Redoc: HTML under a strict CSP, naming only
// assets the server has, which are served with their type and a year's caching.
func TestSchemaPages(t *testing.T) {
	s := newServer(t)
	for _, tt := range []struct {
		path   string
		assets []string // what the page must load, by the start of the file name
	}{
		{"/api/schema/swagger-ui/", []string{"swagger-ui.", "swagger-ui-bundle.", "swagger-init."}},
		{"/api/schema/redoc/", []string{"redoc.standalone."}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			rec := s.do(req{Method: "GET", Path: tt.path, Header: map[string]string{"Accept": "text/html"}})
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			if csp := rec.Header().Get("Content-Security-Policy"); csp != schema.CSP || !strings.Contains(csp, "script-src 'self';") {
				t.Errorf("CSP %q", csp)
			}
			page := rec.Body.String()
			if strings.Contains(page, "<script>") || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
				t.Errorf("an inline script or another origin in the page:\n%s", page)
			}
			if !strings.Contains(page, `"/api/schema/"`) {
				t.Errorf("the page does not name the document:\n%s", page)
			}
			for _, prefix := range tt.assets {
				i := strings.Index(page, "/api/schema/assets/"+prefix)
				if i < 0 {
					t.Errorf("the page does not load %s*:\n%s", prefix, page)
					continue
				}
				url := page[i : i+strings.IndexByte(page[i:], '"')]
				a := s.do(req{Method: "GET", Path: url, Header: map[string]string{"Accept": "*/*"}})
				want := "text/javascript; charset=utf-8"
				if strings.HasSuffix(url, ".css") {
					want = "text/css; charset=utf-8"
				}
				if a.Code != 200 || a.Header().Get("Content-Type") != want || a.Header().Get("Cache-Control") != schema.AssetCacheControl || a.Body.Len() < 100 {
					t.Errorf("%s: %d %q %q, %d bytes", url, a.Code, a.Header().Get("Content-Type"), a.Header().Get("Cache-Control"), a.Body.Len())
				}
			}
		})
	}
	if rec := s.do(req{Method: "GET", Path: "/api/schema/assets/swagger-ui-bundle.js"}); rec.Code != 404 {
		t.Errorf("an asset without its hash: %d", rec.Code)
	}
}

// TestSchemaHonestConfigurations checks the answers that only some settings give against
// the document those settings make: each paginator's envelope and errors, no pagination,
// a throttle's 429, cookie mode's bodies and CSRF refusal.
func TestSchemaHonestConfigurations(t *testing.T) {
	m, dead := oidcProvider(t), deadIssuer(t)
	tests := []struct {
		name   string
		change func(*settings.Settings)
		run    func(h *honest, alice *apiUser)
	}{
		{"limit/offset", func(s *settings.Settings) { s.REST.DefaultPaginationClass = "LimitOffsetPagination" }, func(h *honest, alice *apiUser) {
			h.check("list", jsonReq("GET", "/api/notes/?limit=1&offset=1", alice.token, ""), 200, "")
		}},
		{"cursor", func(s *settings.Settings) { s.REST.DefaultPaginationClass = "CursorPagination" }, func(h *honest, alice *apiUser) {
			h.check("list", jsonReq("GET", "/api/notes/", alice.token, ""), 200, "")
			h.check("list, bad cursor", jsonReq("GET", "/api/notes/?cursor=x", alice.token, ""), 404, `{"detail":"Invalid cursor"}`)
		}},
		{"no pagination", func(s *settings.Settings) { s.REST.DefaultPaginationClass = "none" }, func(h *honest, alice *apiUser) {
			rec := h.check("list", jsonReq("GET", "/api/notes/", alice.token, ""), 200, "")
			if !strings.HasPrefix(rec.Body.String(), "[") {
				t.Errorf("not a list: %s", rec.Body)
			}
		}},
		{"anon throttle", func(s *settings.Settings) {
			s.REST.DefaultThrottleClasses = []string{"AnonRateThrottle"}
			s.ThrottleRates = map[string]string{"anon": "2/min"} // the document's fetch is the first
		}, func(h *honest, _ *apiUser) {
			h.check("root", req{Method: "GET", Path: "/api/"}, 200, "")
			h.check("root, throttled", req{Method: "GET", Path: "/api/"}, 429, "")
		}},
		{"accept header versioning", versioningSettings("AcceptHeaderVersioning", "1.0", "1.0", "2.0"), func(h *honest, alice *apiUser) {
			list := jsonReq("GET", "/api/notes/", alice.token, "")
			list.Header["Accept"] = "application/json; version=2.0"
			h.check("list, version 2.0", list, 200, "")
			list.Header["Accept"] = "application/json; version=3.0"
			h.check("list, version 3.0", list, 406, `{"detail":"Invalid version in \"Accept\" header."}`)
		}},
		{"cookie mode", cookieMode, func(h *honest, _ *apiUser) {
			login := jsonReq("POST", "/api/token/", "", `{"username":"alice","password":"pw-alice-123"}`)
			rec := h.check("login", login, 200, "")
			refresh := cookiesOf(rec)["refresh_token"]
			if refresh == nil {
				t.Fatalf("no refresh cookie: %q", rec.Header().Values("Set-Cookie"))
			}
			h.check("refresh, no CSRF header", req{Method: "POST", Path: "/api/token/refresh/", Header: map[string]string{"Cookie": "refresh_token=" + refresh.Value}},
				403, `{"detail":"CSRF Failed: CSRF token missing."}`)

			// The mfa step and its exchange: the access token alone, or a sliding token.
			access := bodyMap(t, rec)["access"].(string)
			secret := h.s.enrol(access)
			h.check("totp confirm", jsonReq("POST", "/api/auth/totp/confirm/", access, `{"code":"`+h.s.codeAt(secret, 0)+`"}`), 200, "")
			h.s.Clock.Advance(totpStep)
			for _, path := range []string{"/api/token/", "/api/token/sliding/"} {
				rec = h.check("login, mfa step", jsonReq("POST", path, "", login.Body), 200, "")
				body := `{"mfa_token":"` + bodyMap(t, rec)["mfa_token"].(string) + `","code":"` + h.s.codeAt(secret, 0) + `"}`
				rec = h.check("mfa", jsonReq("POST", "/api/token/mfa/", "", body), 200, "")
				if got := bodyMap(t, rec); len(got) != 1 || (got["access"] == nil && got["token"] == nil) {
					t.Errorf("mfa of %s: %s, want the access token alone or a sliding token", path, rec.Body)
				}
				h.s.Clock.Advance(totpStep)
			}
		}},
		{"oidc, cookie mode", func(s *settings.Settings) { cookieMode(s); withOIDC(m, dead)(s) }, func(h *honest, _ *apiUser) {
			// The refresh token goes to the cookie, the body holds the access token alone.
			rec := h.check("oidc login", oidcLogin(h.s, "mock", idToken(t, h.s, m, "sub-ivy", "ivy@example.com")), 200, "")
			if body := bodyMap(t, rec); cookiesOf(rec)["refresh_token"] == nil || len(body) != 1 || body["access"] == nil {
				t.Errorf("oidc login in cookie mode: %s %q, want the access token and a refresh cookie", rec.Body, rec.Header().Values("Set-Cookie"))
			}
			// The browser login: the access token alone, or a redirect to next.
			h.s.Clock.Set(m.Now())
			for _, next := range []string{"", "?next=/app/"} {
				m.QueueUser(mockUser("sub-ivy", "ivy@example.com"))
				l := h.s.startLogin("mock", next)
				q := h.s.authorize(l)
				want := 200
				if next != "" {
					want = 302
				}
				h.check("oidc callback"+next, req{Method: "GET", Path: "/api/auth/mock/callback/?" + q.Encode(),
					Header: map[string]string{"Cookie": views.StateCookie + "=" + l.cookie.Value}}, want, "")
			}
		}},
		{"mfa throttle", func(s *settings.Settings) { s.ThrottleRates = map[string]string{"login": "10/min", "mfa": "1/min"} }, func(h *honest, alice *apiUser) {
			// One wrong code, and every view that takes codes refuses the user.
			secret := h.s.enrol(alice.token)
			h.check("totp confirm", jsonReq("POST", "/api/auth/totp/confirm/", alice.token, `{"code":"`+h.s.codeAt(secret, 0)+`"}`), 200, "")
			h.s.Clock.Advance(totpStep)
			rec := h.check("login, mfa step", jsonReq("POST", "/api/token/", "", `{"username":"alice","password":"pw-alice-123"}`), 200, "")
			mfaToken := bodyMap(t, rec)["mfa_token"].(string)
			exchange := func(code string) req {
				return jsonReq("POST", "/api/token/mfa/", "", `{"mfa_token":"`+mfaToken+`","code":"`+code+`"}`)
			}
			right := `{"code":"` + h.s.codeAt(secret, 0) + `"}`
			h.check("mfa, wrong code", exchange(h.s.wrongCode(secret)), 400, `{"code":["The code is not valid."]}`)
			h.check("mfa, throttled", exchange(h.s.codeAt(secret, 0)), 429, "")
			h.check("totp confirm, throttled", jsonReq("POST", "/api/auth/totp/confirm/", alice.token, right), 429, "")
			h.check("totp disable, throttled", jsonReq("POST", "/api/auth/totp/disable/", alice.token, right), 429, "")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.change)
			h := newHonest(t, s)
			var alice *apiUser
			switch tt.name {
			case "anon throttle": // no login: it would count
			case "cookie mode", "oidc, cookie mode":
				s.createUser("alice", "pw-alice-123")
			default:
				alice = s.apiUser("alice")
				s.addNote(alice.User, "one", "", false)
				s.addNote(alice.User, "two", "", false)
			}
			tt.run(h, alice)
		})
	}
}

// SERVE_SCHEMA=false takes the document and its pages off the server; the document is
// still built (runserver checks it, spectacular writes it).
func TestServeSchemaOff(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.ServeSchema = false })
	for _, path := range []string{"/api/schema/", "/api/schema/swagger-ui/", "/api/schema/redoc/"} {
		assertJSON(t, s.do(req{Method: "GET", Path: path}), 404, `{"detail":"Not found."}`)
	}
	doc, err := s.App.Schema()
	if err != nil || doc.Paths.Find("/api/token/") == nil {
		t.Errorf("the document without its routes: %v", err)
	}
}

// tagID is the primary key at the end of a tag's path (/api/tags/7/).
func tagID(t testing.TB, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path, "/api/tags/%d/", &id); err != nil {
		t.Fatalf("tag path %q: %v", path, err)
	}
	return id
}
