package tests

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/settings"
)

// The reference captures: 136 HTTP exchanges with the real simplejwt 5.2.2 server (see
// ../shared/conformance/README.md), and the SQLite database that server used.
const (
	capturePath  = "testdata/simplejwt-5.2.2.json"
	djangoDBPath = "testdata/django-3.2-simplejwt-5.2.2.sqlite3"
)

// capture is the part of the capture file the tests read.
type capture struct {
	Meta struct {
		SigningKey string `json:"signing_key_used_for_crafted_tokens"`
	} `json:"meta"`
	Scenarios []scenario `json:"scenarios"`
	// Tokens are the tokens the reference server issued, by label ("obtain.refresh").
	Tokens map[string]capturedToken `json:"tokens"`
	// Crafted are the tokens the capture script signed itself, by scenario name.
	Crafted map[string]capturedToken `json:"crafted_tokens"`
}

type capturedToken struct {
	Token  string         `json:"token"`
	Claims map[string]any `json:"claims"`
	// HeaderRaw and PayloadRaw are the JSON texts the token encodes, byte for byte.
	HeaderRaw  string `json:"header_raw"`
	PayloadRaw string `json:"payload_raw"`
}

type scenario struct {
	Name    string `json:"name"`
	Request struct {
		Method  string      `json:"method"`
		Path    string      `json:"path"`
		Headers [][2]string `json:"headers"`
		Body    *string     `json:"body"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
		// HeadersOfInterest holds Content-Type, WWW-Authenticate, Allow, Vary and Location;
		// nil where the reference sent none.
		HeadersOfInterest map[string]*string `json:"headers_of_interest"`
		Headers           [][2]string        `json:"headers"`
		BodyKind          string             `json:"body_kind"` // json, text or empty
		BodyRaw           string             `json:"body_raw"`
	} `json:"response"`
}

func loadCapture(t testing.TB) *capture {
	t.Helper()
	data, err := os.ReadFile(capturePath)
	if err != nil {
		t.Fatal(err)
	}
	var c capture
	mustJSON(t, data, &c) // numbers stay json.Number, so claims compare exactly
	if c.Meta.SigningKey != testKey {
		t.Fatalf("the captures were signed with %q, the tests sign with testKey %q", c.Meta.SigningKey, testKey)
	}
	return &c
}

// captureTime is an instant at which the recorded tokens are as they were during the
// captures: one second after the last token the reference server issued.
func captureTime(t testing.TB, c *capture) time.Time {
	t.Helper()
	var last int64
	for label, tok := range c.Tokens {
		iat, ok := claimInt(tok.Claims["iat"])
		if !ok {
			t.Fatalf("token %s: iat %v is not a number", label, tok.Claims["iat"])
		}
		last = max(last, iat)
	}
	if last == 0 {
		t.Fatal("the capture holds no issued tokens")
	}
	return time.Unix(last+1, 0)
}

func claimInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// timeState says how a token's time claims stand at now, as PyJWT judges them.
func timeState(claims map[string]any, now time.Time) string {
	if exp, ok := claimInt(claims["exp"]); ok && exp <= now.Unix() {
		return "expired"
	}
	for _, name := range []string{"iat", "nbf"} {
		if v, ok := claimInt(claims[name]); ok && v > now.Unix() {
			return "future"
		}
	}
	return "valid"
}

// checkCaptureTime fails unless now keeps the recorded expectations: what the reference
// server accepted is still valid, what it refused as expired or premature still is.
func checkCaptureTime(t *testing.T, c *capture, now time.Time) {
	t.Helper()
	for label, tok := range c.Tokens {
		if got := timeState(tok.Claims, now); got != "valid" {
			t.Errorf("at %d issued token %s is %s, want valid", now.Unix(), label, got)
		}
	}
	for _, tc := range []struct{ crafted, want string }{
		{"protected_crafted_valid_control", "valid"},
		{"refresh_crafted_refresh_nonexistent_user", "valid"},
		{"protected_expired_access", "expired"},
		{"protected_exp_equals_now_minus_1", "expired"},
		{"refresh_expired_refresh", "expired"},
		{"protected_future_iat", "future"},
		{"protected_future_nbf", "future"},
		{"sliding_refresh_exp_past_refresh_exp_future", "expired"},
		{"sliding_refresh_refresh_exp_past", "valid"},
		{"sliding_refresh_missing_refresh_exp", "valid"},
	} {
		tok, ok := c.Crafted[tc.crafted]
		if !ok {
			t.Errorf("crafted token %s is not in the capture", tc.crafted)
			continue
		}
		if got := timeState(tok.Claims, now); got != tc.want {
			t.Errorf("at %d crafted token %s is %s, want %s", now.Unix(), tc.crafted, got, tc.want)
		}
	}
	// Only the sliding refresh reads refresh_exp: it must still be ahead of now where the
	// reference refreshed, and behind it where the reference refused.
	for _, tc := range []struct {
		label    string
		claims   map[string]any
		inFuture bool
	}{
		{"sliding.token", c.Tokens["sliding.token"].Claims, true},
		{"sliding_refresh_exp_past_refresh_exp_future", c.Crafted["sliding_refresh_exp_past_refresh_exp_future"].Claims, true},
		{"sliding_refresh_refresh_exp_past", c.Crafted["sliding_refresh_refresh_exp_past"].Claims, false},
	} {
		refreshExp, ok := claimInt(tc.claims["refresh_exp"])
		if !ok || (refreshExp > now.Unix()) != tc.inFuture {
			t.Errorf("at %d %s has refresh_exp %v, want in the future: %v", now.Unix(), tc.label, tc.claims["refresh_exp"], tc.inFuture)
		}
	}
}

// openDjangoCopy opens a private copy of the reference server's database; the original
// is never written.
func openDjangoCopy(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	src, err := os.Open(djangoDBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "django.sqlite3")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := models.Open("sqlite:///" + path)
	if err != nil {
		t.Fatalf("open the Django database: %v", err)
	}
	t.Cleanup(func() {
		models.Close(db)
	})
	return db, path
}

// seedDjangoUsers copies the reference server's users, ids and Django-made password
// hashes included, into db: the users the captures assume.
func seedDjangoUsers(t testing.TB, db *gorm.DB) {
	t.Helper()
	django, _ := openDjangoCopy(t)
	var users []models.User
	if err := django.Order("id").Find(&users).Error; err != nil {
		t.Fatalf("read the Django users: %v", err)
	}
	assumed := []struct {
		username               string
		id                     int64
		active, superuser      bool
		passwordHashIterations string
	}{
		{"alice", 1, true, false, "260000"},
		{"bob", 2, false, false, "260000"},
		{"admin", 3, true, true, "260000"},
	}
	if len(users) != len(assumed) {
		t.Fatalf("the Django database has %d users, the captures assume %d", len(users), len(assumed))
	}
	for i, a := range assumed {
		u := users[i]
		if u.Username != a.username || u.ID != a.id || u.IsActive != a.active || u.IsSuperuser != a.superuser ||
			!strings.HasPrefix(u.Password, "pbkdf2_sha256$"+a.passwordHashIterations+"$") {
			t.Fatalf("Django user %d = %+v, the captures assume %+v", i, u, a)
		}
	}
	// Explicit ids, so the ids the recorded tokens name are these users.
	if err := db.Create(&users).Error; err != nil {
		t.Fatalf("seed users: %v", err)
	}
	if models.IsPostgres(db) {
		// Explicit ids do not advance PostgreSQL's sequence; the next created user would
		// collide with alice.
		if err := db.Exec(`SELECT setval(pg_get_serial_sequence('auth_user', 'id'), (SELECT MAX("id") FROM "auth_user"))`).Error; err != nil {
			t.Fatalf("advance the auth_user id sequence: %v", err)
		}
	}
}

// referenceSettings are the reference server's: rotation with blacklisting (also ginrest's
// defaults, stated so the captures keep their meaning if the defaults change), and no
// throttling, for the captures log in more often than a login rate allows.
func referenceSettings(s *settings.Settings) {
	s.JWT.RotateRefreshTokens = true
	s.JWT.BlacklistAfterRotation = true
	s.JWT.BlacklistEnabled = true
	s.ThrottleRates = map[string]string{}
}

// Header expectations that deviations use.
const (
	bearerChallenge = `Bearer realm="api"`
	// notCompared marks a header a deviation does not compare.
	notCompared = "\x00unchecked"
)

// apiErrorHeaders are the headers of a JSON error response of an API view.
func apiErrorHeaders(allow string, status int) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "Vary": "Accept", "Allow": allow, "WWW-Authenticate": ""}
	if status == http.StatusUnauthorized {
		h["WWW-Authenticate"] = bearerChallenge
	}
	return h
}

// deviation is where ginrest answers differently from simplejwt 5.2.2 on purpose: the
// table of ../shared/conformance/README.md.
type deviation struct {
	reason string
	// status lists the acceptable statuses.
	status []int
	// body is the whole JSON body; detailPrefix instead asks for {"detail": "<prefix>…"};
	// with neither the body is not compared (a redirect's).
	body, detailPrefix string
	// header replaces recorded headers of interest: "" means absent, notCompared means not
	// compared. Headers not named keep their recorded expectation.
	header map[string]string
}

var deviations = map[string]deviation{
	"protected_user_id_non_numeric_string": {
		reason: "no input may cause a 5xx (simplejwt: 500 ValueError): a user claim that is no id names no user",
		status: []int{401}, body: `{"detail":"User not found","code":"user_not_found"}`,
		header: apiErrorHeaders("GET, HEAD, OPTIONS", 401),
	},
	"protected_exp_as_string": {
		reason: "no input may cause a 5xx (simplejwt: 500 TypeError): an exp that is not a number is invalid",
		status: []int{401},
		body:   `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`,
		header: apiErrorHeaders("GET, HEAD, OPTIONS", 401),
	},
	"refresh_crafted_refresh_nonexistent_user": {
		reason: "CVE-2024-22513, fixed in simplejwt 5.4: a deleted user must not mint tokens",
		status: []int{401}, body: `{"detail":"No active account found for the given token."}`,
		header: apiErrorHeaders("POST, OPTIONS", 401),
	},
	"refresh_crafted_refresh_inactive_user": {
		reason: "CVE-2024-22513, fixed in simplejwt 5.4: a disabled user must not mint tokens",
		status: []int{401}, body: `{"detail":"No active account found for the given token."}`,
		header: apiErrorHeaders("POST, OPTIONS", 401),
	},
	"obtain_non_json_body": {
		reason: "after DRF's prefix the message is the JSON parser's own words, Python's there",
		status: []int{400}, detailPrefix: "JSON parse error - ",
	},
	"obtain_truncated_json": {
		reason: "after DRF's prefix the message is the JSON parser's own words, Python's there",
		status: []int{400}, detailPrefix: "JSON parse error - ",
	},
	"obtain_no_trailing_slash_POST": {
		reason: "307/308 keep the method and body, where Django's 301 turns a POST into a GET; a body-less redirect has no media type",
		status: []int{301, 307, 308}, header: map[string]string{"Location": "/api/token/", "Content-Type": notCompared},
	},
	"protected_no_trailing_slash_GET": {
		reason: "any permanent or temporary redirect to the slash path will do",
		status: []int{301, 307, 308}, header: map[string]string{"Location": "/api/protected/"},
	},
	"unknown_path_404": {
		reason: "an API speaks JSON, where Django renders an HTML page",
		status: []int{404}, body: `{"detail":"Not found."}`,
		header: map[string]string{"Content-Type": "application/json", "Vary": "Accept"},
	},
	"protected_accept_text_html_no_auth": {
		reason: "the browsable API's 401 page is ginrest's own HTML (tests/browsable_test.go checks it); with no session cookie, Vary is Accept alone",
		status: []int{401},
		header: map[string]string{"Content-Type": "text/html; charset=utf-8", "Vary": "Accept", "Allow": "GET, HEAD, OPTIONS", "WWW-Authenticate": bearerChallenge},
	},
}

// djangoSecurityHeaders are the headers Django's middleware adds, compared where recorded.
var djangoSecurityHeaders = []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"}

// issuedTokenKeys name the values of a 200 body that are tokens the server issued: they
// differ on every run, so their type, claims and validity are compared instead.
var issuedTokenKeys = []string{"access", "refresh", "token"}

// TestConformance replays the reference captures, in order, against the real router and
// compares what a client sees. The order matters: later scenarios refresh, blacklist and
// reuse tokens of earlier ones.
func TestConformance(t *testing.T) {
	c := loadCapture(t)
	now := captureTime(t, c)
	checkCaptureTime(t, c, now)

	db := testDB(t)
	seedDjangoUsers(t, db)
	srv := newServerOn(t, db, referenceSettings)
	srv.Clock.Set(now)
	// The reference server had no custom claim: the demo's username claim is off here.
	srv.App.JWT.GetToken = nil

	for name := range deviations {
		if !slices.ContainsFunc(c.Scenarios, func(sc scenario) bool { return sc.Name == name }) {
			t.Errorf("deviation %s names no scenario", name)
		}
	}

	compared := 0
	for _, sc := range c.Scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			compared++
			rec := srv.do(requestOf(sc))
			checkScenario(t, srv, sc, rec)
		})
	}
	t.Logf("%d scenarios compared, of %d", compared, len(c.Scenarios))
	if compared != 136 || len(c.Scenarios) != 136 {
		t.Fatalf("%d of %d scenarios compared; want all 136", compared, len(c.Scenarios))
	}

	// Seeding with explicit ids must leave the id sequence ahead of them.
	if u := srv.createUser("carol", "carol-secret-42"); u.ID <= 3 {
		t.Errorf("a user created after the seeded ones got id %d", u.ID)
	}
}

// requestOf rebuilds the recorded request. Content-Length is left to httptest, which
// derives it from the body.
func requestOf(sc scenario) req {
	r := req{Method: sc.Request.Method, Path: sc.Request.Path, Header: map[string]string{}}
	if sc.Request.Body != nil {
		r.Body = *sc.Request.Body
	}
	for _, h := range sc.Request.Headers {
		switch http.CanonicalHeaderKey(h[0]) {
		case "Content-Length":
		case "Content-Type":
			r.ContentType = h[1]
		default:
			r.Header[h[0]] = h[1]
		}
	}
	return r
}

// checkScenario compares a response with the recorded one, or with its deviation.
func checkScenario(t *testing.T, srv *server, sc scenario, rec *httptest.ResponseRecorder) {
	want := sc.Response
	status := []int{want.Status}
	headers := map[string]string{}
	for k, v := range want.HeadersOfInterest {
		headers[k] = ""
		if v != nil {
			headers[k] = *v
		}
	}
	for _, h := range want.Headers {
		if slices.Contains(djangoSecurityHeaders, h[0]) {
			headers[h[0]] = h[1]
		}
	}
	body, detailPrefix, compareBody := want.BodyRaw, "", want.BodyKind == "json"
	dev, deviates := deviations[sc.Name]
	if deviates {
		t.Logf("deviation: %s", dev.reason)
		status = dev.status
		for k, v := range dev.header {
			headers[k] = v
		}
		body, detailPrefix, compareBody = dev.body, dev.detailPrefix, dev.body != ""
	}

	if !slices.Contains(status, rec.Code) {
		t.Errorf("status = %d, want %v; body %s", rec.Code, status, rec.Body)
	}
	for name, w := range headers {
		checkHeader(t, rec.Header(), name, w)
	}
	switch {
	case sc.Request.Method == http.MethodHead:
		if rec.Body.Len() != 0 {
			t.Errorf("HEAD body = %q, want none", rec.Body)
		}
	case detailPrefix != "":
		var got struct{ Detail *string }
		mustJSON(t, rec.Body.Bytes(), &got)
		if got.Detail == nil || !strings.HasPrefix(*got.Detail, detailPrefix) {
			t.Errorf("body = %s, want a detail starting %q", rec.Body, detailPrefix)
		}
	case compareBody:
		checkBody(t, srv, rec.Body.Bytes(), []byte(body), rec.Code == http.StatusOK)
	case !deviates:
		// A recorded body this test cannot compare must be a deviation, never a silent pass.
		t.Errorf("recorded body of kind %q has no rule to compare it", want.BodyKind)
	}
}

func checkHeader(t *testing.T, got http.Header, name, want string) {
	t.Helper()
	if want == notCompared {
		return
	}
	values, present := got[http.CanonicalHeaderKey(name)]
	switch {
	case want == "" && present:
		t.Errorf("%s = %q, want none", name, values)
	case want == "":
	case !present:
		t.Errorf("%s missing, want %q", name, want)
	case name == "Content-Type":
		gotType, _, err1 := mime.ParseMediaType(values[0])
		wantType, _, err2 := mime.ParseMediaType(want)
		if err1 != nil || err2 != nil || gotType != wantType {
			t.Errorf("Content-Type = %q, want media type of %q", values[0], want)
		}
	case len(values) != 1 || values[0] != want:
		t.Errorf("%s = %q, want %q", name, values, want)
	}
}

// checkBody compares JSON bodies exactly, key order aside; in a 200, a token the server
// issued compares by its type, claim names and user, and must verify with ginrest's key.
func checkBody(t *testing.T, srv *server, got, want []byte, ok bool) {
	t.Helper()
	var g, w any
	mustJSON(t, got, &g)
	mustJSON(t, want, &w)
	gm, gIsObj := g.(map[string]any)
	wm, wIsObj := w.(map[string]any)
	if ok && gIsObj && wIsObj {
		for _, key := range issuedTokenKeys {
			recorded, isToken := wm[key].(string)
			if !isToken {
				continue
			}
			issued, _ := gm[key].(string)
			if _, present := gm[key]; present {
				checkIssuedToken(t, srv, key, issued, recorded)
				gm[key] = "(issued token)"
			}
			wm[key] = "(issued token)"
		}
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("body = %s\nwant   %s", gb, wb)
	}
}

func checkIssuedToken(t *testing.T, srv *server, key, issued, recorded string) {
	t.Helper()
	tok, err := srv.App.Tokens.ParseUntyped(issued)
	if err != nil {
		t.Errorf("%s %q does not verify: %v", key, issued, err)
		return
	}
	want := claimsOf(t, recorded)
	for _, claim := range []string{"token_type", "user_id"} {
		if g, w := tok.Claims[claim], want[claim]; g != w {
			t.Errorf("%s: %s = %v, want %v", key, claim, g, w)
		}
	}
	names := func(m map[string]any) []string {
		var s []string
		for k := range m {
			s = append(s, k)
		}
		slices.Sort(s)
		return s
	}
	if g, w := names(tok.Claims), names(want); !slices.Equal(g, w) {
		t.Errorf("%s: claims %v, want %v", key, g, w)
	}
}
