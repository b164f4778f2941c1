package tests

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ginrest/settings"
	"ginrest/tokens"
)

// Interoperability with simplejwt: a Django service and a ginrest service sharing a signing
// key accept each other's tokens. Both directions are tested against simplejwt's exact
// bytes: the tokens the reference server issued (the captures), tokens built here to its
// layout, and the layout of the tokens ginrest issues.

// simplejwtHeader is the JOSE header PyJWT writes for HS256, byte for byte.
const simplejwtHeader = `{"alg":"HS256","typ":"JWT"}`

// randomJTI is a jti as simplejwt makes them: uuid4().hex.
func randomJTI(t testing.TB) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return hex.EncodeToString(b[:])
}

// decodeSegments returns a token's header and payload JSON texts.
func decodeSegments(t testing.TB, token string) (header, payload string) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	h, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	p, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("token %q: %v %v", token, err1, err2)
	}
	return string(h), string(p)
}

// The tokens the reference simplejwt server issued are test vectors: ginrest, given the
// same claims and key, produces the very same strings, and accepts them where simplejwt
// would.
func TestInteropSimpleJWTIssuedTokens(t *testing.T) {
	c := loadCapture(t)
	db := testDB(t)
	seedDjangoUsers(t, db)
	s := newServerOn(t, db, referenceSettings, func(s *settings.Settings) {
		s.JWT.AuthTokenClasses = []string{"AccessToken", "SlidingToken"}
	})
	s.App.JWT.GetToken = nil
	s.Clock.Set(captureTime(t, c))

	types := map[string]tokens.Type{"access": tokens.Access, "refresh": tokens.Refresh, "sliding": tokens.Sliding}
	for label, captured := range c.Tokens {
		t.Run(label, func(t *testing.T) {
			header, payload := decodeSegments(t, captured.Token)
			if header != captured.HeaderRaw || payload != captured.PayloadRaw {
				t.Fatalf("the vector does not encode its own header and payload")
			}
			typ := types[captured.Claims["token_type"].(string)]
			reissued, err := s.App.Tokens.Encode(&tokens.Token{Type: typ, Claims: captured.Claims})
			if err != nil {
				t.Fatal(err)
			}
			if reissued != captured.Token {
				h, p := decodeSegments(t, reissued)
				t.Errorf("ginrest encodes the claims as\n%s.%s\nsimplejwt as\n%s.%s", h, p, header, payload)
			}
			assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": captured.Token}), 200, `{}`)
			if typ != tokens.Refresh {
				assertJSON(t, s.getWith("/api/protected/", captured.Token), 200, `{"message":"Hello, authenticated user!"}`)
			}
		})
	}
	// Each refresh endpoint accepts simplejwt's token of its kind.
	for _, tc := range []struct{ path, field, label string }{
		{"/api/token/refresh/", "refresh", "obtain.refresh"},
		{"/api/token/refresh/", "refresh", "obtain_admin.refresh"},
		{"/api/token/refresh/", "refresh", "refreshed.refresh"},
		{"/api/token/sliding/refresh/", "token", "sliding_refreshed.token"},
	} {
		rec := s.postJSON(tc.path, map[string]string{tc.field: c.Tokens[tc.label].Token})
		if rec.Code != http.StatusOK {
			t.Errorf("%s of %s: %d %s", tc.path, tc.label, rec.Code, rec.Body)
		}
	}
	// The crafted token with a numeric-string user_id names alice, as in simplejwt.
	assertJSON(t, s.getWith("/api/protected/", c.Crafted["protected_user_id_as_string"].Token), 200,
		`{"message":"Hello, authenticated user!"}`)
}

// Tokens built here to simplejwt's exact layout (header, key order, compact JSON), signed
// with the shared key, are accepted by ginrest's authentication, refresh and verify, with
// user_id as a number and as a numeric string.
func TestInteropSimpleJWTLayoutAccepted(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) { s.JWT.AuthTokenClasses = []string{"AccessToken", "SlidingToken"} })
	s.App.JWT.GetToken = nil
	u := s.createUser("alice", "wonderland-42")
	now := s.Clock.Now().Unix()
	for _, userID := range []string{fmt.Sprint(u.ID), fmt.Sprintf("%q", fmt.Sprint(u.ID))} {
		t.Run("user_id "+userID, func(t *testing.T) {
			access := sign(t, simplejwtHeader, fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":%d,"jti":"%s","user_id":%s}`,
				now+300, now, randomJTI(t), userID), testKey)
			refresh := sign(t, simplejwtHeader, fmt.Sprintf(`{"token_type":"refresh","exp":%d,"iat":%d,"jti":"%s","user_id":%s}`,
				now+86400, now, randomJTI(t), userID), testKey)
			sliding := sign(t, simplejwtHeader, fmt.Sprintf(`{"token_type":"sliding","exp":%d,"iat":%d,"jti":"%s","refresh_exp":%d,"user_id":%s}`,
				now+300, now, randomJTI(t), now+86400, userID), testKey)

			for _, token := range []string{access, sliding} {
				assertJSON(t, s.getWith("/api/protected/", token), 200, `{"message":"Hello, authenticated user!"}`)
			}
			for _, token := range []string{access, refresh, sliding} {
				assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": token}), 200, `{}`)
			}
			rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
			if rec.Code != http.StatusOK {
				t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
			}
			// As simplejwt does, the new access token copies user_id as it was sent.
			if got := fmt.Sprint(claimsOf(t, bodyMap(t, rec)["access"].(string))["user_id"]); got != strings.Trim(userID, `"`) {
				t.Errorf("refreshed access user_id = %v, want %s", got, userID)
			}
			_, accessPayload := decodeSegments(t, bodyMap(t, rec)["access"].(string))
			if !strings.HasSuffix(accessPayload, `"user_id":`+userID+`}`) {
				t.Errorf("refreshed access payload %s does not keep user_id as %s", accessPayload, userID)
			}
			if got := s.slide(sliding); claimsOf(t, got)["jti"] != claimsOf(t, sliding)["jti"] {
				t.Errorf("sliding refresh changed the jti")
			}
		})
	}
}

// simplejwtLayout checks a payload against what PyJWT writes for a simplejwt token:
// compact JSON with the claims in simplejwt's insertion order — its own (type, exp, iat,
// jti, a sliding token's refresh_exp, user_id), then those of get_token — integers as
// integers and a 32-hex jti. A failure names the claim that is out of place.
func simplejwtLayout(t *testing.T, name, payload, typ string, custom []string) {
	t.Helper()
	want := []string{"token_type", "exp", "iat", "jti"}
	if typ == "sliding" {
		want = append(want, "refresh_exp")
	}
	want = append(append(want, "user_id"), custom...)
	var got []string
	dec := json.NewDecoder(strings.NewReader(payload))
	dec.UseNumber()
	values := map[string]any{}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s payload is not a JSON object: %s", name, payload)
	}
	for dec.More() {
		key, _ := dec.Token()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s payload: %v", name, err)
		}
		got = append(got, key.(string))
		values[key.(string)] = v
	}
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(want):
			t.Errorf("%s: unexpected claim %q after simplejwt's and the hook's claims %q", name, got[i], want)
		case i >= len(got):
			t.Errorf("%s: claim %q missing; claims %q", name, want[i], got)
		case got[i] != want[i]:
			t.Errorf("%s: claim %q where simplejwt writes %q; claims %q, want %q", name, got[i], want[i], got, want)
		default:
			continue
		}
		break
	}
	if values["token_type"] != typ {
		t.Errorf("%s: token_type %v, want %s", name, values["token_type"], typ)
	}
	for _, claim := range []string{"exp", "iat", "user_id"} {
		if n, ok := values[claim].(json.Number); !ok || strings.ContainsAny(n.String(), ".eE") {
			t.Errorf("%s: %s = %v, want an integer", name, claim, values[claim])
		}
	}
	if jti, _ := values["jti"].(string); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(jti) {
		t.Errorf("%s: jti %q, want 32 hex digits", name, jti)
	}
	if compact, _ := json.Marshal(json.RawMessage(payload)); string(compact) != payload {
		t.Errorf("%s payload is not compact JSON: %s", name, payload)
	}
}

// The tokens ginrest issues have simplejwt's exact bytes: PyJWT's header, simplejwt's key
// order, compact JSON, and an HS256 signature over those bytes with the shared key — so a
// simplejwt server with the same key accepts them. The claims of the GetToken hook come
// after user_id, where simplejwt's get_token puts them, in name order: whatever claims the
// project's hook adds (the demo's username), the layout holds.
func TestInteropGinrestTokensHaveSimpleJWTLayout(t *testing.T) {
	for _, hook := range []bool{false, true} {
		t.Run(fmt.Sprintf("custom claim %t", hook), func(t *testing.T) {
			s := newServer(t)
			u := s.createUser("alice", "wonderland-42")
			var custom []string
			if hook {
				if s.App.JWT.GetToken == nil {
					t.Skip("the project sets no GetToken hook (urls/app.go): the case without covers it")
				}
				for claim := range s.App.JWT.GetToken(u).Claims {
					if !slices.Contains([]string{"token_type", "exp", "iat", "jti", "user_id"}, claim) {
						custom = append(custom, claim)
					}
				}
				slices.Sort(custom)
			} else {
				s.App.JWT.GetToken = nil
			}
			access, refresh := s.login("alice", "wonderland-42")
			rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
			if rec.Code != http.StatusOK {
				t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
			}
			refreshed := bodyMap(t, rec)
			sliding := s.slidingLogin("alice", "wonderland-42")
			issued := []struct{ name, token, typ string }{
				{"access", access, "access"},
				{"refresh", refresh, "refresh"},
				{"refreshed access", refreshed["access"].(string), "access"},
				{"rotated refresh", refreshed["refresh"].(string), "refresh"},
				{"sliding", sliding, "sliding"},
				{"slid sliding", s.slide(sliding), "sliding"},
			}
			for _, tok := range issued {
				header, payload := decodeSegments(t, tok.token)
				if header != simplejwtHeader {
					t.Errorf("%s header = %s, want %s", tok.name, header, simplejwtHeader)
				}
				simplejwtLayout(t, tok.name, payload, tok.typ, custom)
				// What PyJWT computes over these bytes with the shared key.
				if want := sign(t, header, payload, testKey); tok.token != want {
					t.Errorf("%s signature differs from HMAC-SHA256 over its bytes with the shared key", tok.name)
				}
			}
		})
	}
}
