package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"ginrest/apitest"
	"ginrest/models"
	"ginrest/settings"
)

const (
	invalidForAccess = `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`
	invalidToken     = `{"detail":"Token is invalid or expired","code":"token_not_valid"}`
)

// A kid must name a configured key: a token signed with the right key under a kid that
// names none, or a kid that is not a string, is refused, and an unknown kid is never
// tried with another key. Header and payload must be text, as PyJWT's json.loads wants.
func TestTokensSignedButRefused(t *testing.T) {
	const oldKey = "the-previous-hs256-signing-key-0123456789abcdef"
	const newKey = "the-current-hs256-signing-key-0123456789abcdef"
	single := apitest.NewServer(t)
	rotating := apitest.NewServer(t, func(s *settings.Settings) {
		s.JWT.SigningKey, s.JWT.SigningKeyID = newKey, "2024-02"
		s.JWT.VerifyingKeys = map[string]string{"2024-01": oldKey}
	})
	type tokenCase struct {
		name, header, payload, key string
		ok                         bool
	}
	run := func(t *testing.T, srv *apitest.Server, cases func(payload func(extra string) string) []tokenCase) {
		u := srv.CreateUser("alice", "wonderland-42")
		now := srv.Clock.Now().Unix()
		payload := func(extra string) string {
			return fmt.Sprintf(`{"token_type":"%%s","exp":%d,"iat":%d,"jti":"0123456789abcdef0123456789abcdef","user_id":%d%s}`, now+300, now, u.ID, extra)
		}
		for _, c := range cases(payload) {
			t.Run(c.name, func(t *testing.T) {
				client := apitest.NewClient(t, srv)
				access := sign(t, c.header, fmt.Sprintf(c.payload, "access"), c.key)
				refresh := sign(t, c.header, strings.Replace(fmt.Sprintf(c.payload, "refresh"), "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210", 1), c.key)
				if c.ok {
					if res := client.Get("/api/protected/", bearer(access)); res.Status != http.StatusOK {
						t.Fatalf("control refused: %d %s", res.Status, res)
					}
					return
				}
				client.Get("/api/protected/", bearer(access)).AssertJSON(401, invalidForAccess)
				client.Post("/api/token/verify/", map[string]string{"token": access}).AssertJSON(401, invalidToken)
				client.Post("/api/token/refresh/", map[string]string{"refresh": refresh}).AssertJSON(401, invalidToken)
				client.Post("/api/token/blacklist/", map[string]string{"refresh": refresh}).AssertJSON(401, invalidToken)
			})
		}
		// Nothing was issued, recorded or blacklisted on the strength of a refused token.
		for _, model := range []any{&models.OutstandingToken{}, &models.BlacklistedToken{}} {
			if n := countRows(t, srv, model); n != 0 {
				t.Errorf("%T: %d rows, want none", model, n)
			}
		}
	}

	t.Run("one key without id", func(t *testing.T) {
		run(t, single, func(payload func(string) string) []tokenCase {
			p := payload("")
			return []tokenCase{
				{"control: no kid", `{"alg":"HS256","typ":"JWT"}`, p, apitest.SecretKey, true},
				{"a kid, when the key has none", `{"alg":"HS256","typ":"JWT","kid":"2024-01"}`, p, apitest.SecretKey, false},
				{"an empty kid", `{"alg":"HS256","kid":""}`, p, apitest.SecretKey, false},
				{"kid a number", `{"alg":"HS256","kid":7}`, p, apitest.SecretKey, false},
				{"kid null", `{"alg":"HS256","kid":null}`, p, apitest.SecretKey, false},
				{"kid an object", `{"alg":"HS256","kid":{"id":"x"}}`, p, apitest.SecretKey, false},
				{"header not UTF-8", "{\"alg\":\"HS256\",\"typ\":\"JWT\xff\"}", p, apitest.SecretKey, false},
				{"header with a lone surrogate", `{"alg":"HS256","typ":"JWT\ud800"}`, p, apitest.SecretKey, false},
				{"payload not UTF-8", `{"alg":"HS256"}`, payload(",\"name\":\"al\xe9\""), apitest.SecretKey, false},
				{"payload with a UTF-8 encoded surrogate", `{"alg":"HS256"}`, payload(",\"name\":\"\xed\xa0\x80\""), apitest.SecretKey, false},
				{"payload with a lone surrogate", `{"alg":"HS256"}`, payload(`,"name":"\udc00"`), apitest.SecretKey, false},
				{"control: payload with a surrogate pair", `{"alg":"HS256"}`, payload(`,"name":"\ud83d\ude00"`), apitest.SecretKey, true},
			}
		})
	})
	t.Run("rotation by kid", func(t *testing.T) {
		run(t, rotating, func(payload func(string) string) []tokenCase {
			p := payload("")
			return []tokenCase{
				{"control: the current key's kid", `{"alg":"HS256","kid":"2024-02"}`, p, newKey, true},
				{"control: the previous key's kid", `{"alg":"HS256","kid":"2024-01"}`, p, oldKey, true},
				{"control: no kid, the current key", `{"alg":"HS256"}`, p, newKey, true},
				{"an unknown kid, the current key", `{"alg":"HS256","kid":"2024-03"}`, p, newKey, false},
				{"an unknown kid, the previous key", `{"alg":"HS256","kid":"2024-03"}`, p, oldKey, false},
				{"the previous kid, the current key", `{"alg":"HS256","kid":"2024-01"}`, p, newKey, false},
				{"the current kid, the previous key", `{"alg":"HS256","kid":"2024-02"}`, p, oldKey, false},
				{"no kid, the previous key", `{"alg":"HS256"}`, p, oldKey, false},
				{"kid a number", `{"alg":"HS256","kid":202402}`, p, newKey, false},
				{"kid a list", `{"alg":"HS256","kid":["2024-02"]}`, p, newKey, false},
				{"a kid with a broken byte", "{\"alg\":\"HS256\",\"kid\":\"2024-02\xff\"}", p, newKey, false},
				{"a kid with a lone surrogate", `{"alg":"HS256","kid":"2024-02\udfff"}`, p, newKey, false},
			}
		})
	})
}
