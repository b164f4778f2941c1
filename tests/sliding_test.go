package tests

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"ginrest/models"
	"ginrest/settings"
	"ginrest/tokens"
)

// slidingLogin obtains a sliding token, failing the test if it cannot.
func (s *server) slidingLogin(username, password string) string {
	s.t.Helper()
	rec := s.postJSON("/api/token/sliding/", map[string]string{"username": username, "password": password})
	if rec.Code != http.StatusOK {
		s.t.Fatalf("sliding login %s: %d %s", username, rec.Code, rec.Body)
	}
	var body struct{ Token string }
	mustJSON(s.t, rec.Body.Bytes(), &body)
	return body.Token
}

// slide refreshes a sliding token, failing the test if it cannot.
func (s *server) slide(token string) string {
	s.t.Helper()
	rec := s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": token})
	if rec.Code != http.StatusOK {
		s.t.Fatalf("sliding refresh: %d %s", rec.Code, rec.Body)
	}
	var body struct{ Token string }
	mustJSON(s.t, rec.Body.Bytes(), &body)
	return body.Token
}

func acceptSliding(s *settings.Settings) { s.JWT.AuthTokenClasses = []string{"SlidingToken"} }

func TestSlidingObtainIssuesASlidingToken(t *testing.T) {
	s := newServer(t)
	user := s.createUser("alice", "wonderland-42")
	rec := s.postJSON("/api/token/sliding/", map[string]string{"username": "alice", "password": "wonderland-42"})
	if rec.Code != http.StatusOK || len(bodyMap(t, rec)) != 1 {
		t.Fatalf("sliding login: %d %s, want 200 with only a token", rec.Code, rec.Body)
	}
	token := bodyMap(t, rec)["token"].(string)
	claims := claimsOf(t, token)
	now := s.Clock.Now().Unix()
	if claims["token_type"] != "sliding" || num(t, claims["user_id"]) != user.ID || num(t, claims["iat"]) != now ||
		num(t, claims["exp"]) != now+300 || num(t, claims["refresh_exp"]) != now+86400 {
		t.Errorf("sliding claims = %v, want type sliding, user %d, iat now, exp now+300, refresh_exp now+86400", claims, user.ID)
	}
	// Recorded as outstanding (BlacklistMixin.for_user), kept until it can no longer be
	// refreshed, so a blacklisting outlives every refresh.
	var out models.OutstandingToken
	if err := s.App.DB.Where("jti = ?", claims["jti"]).Take(&out).Error; err != nil {
		t.Fatalf("sliding token not outstanding: %v", err)
	}
	if out.UserID == nil || *out.UserID != user.ID || out.Token != token || out.ExpiresAt.Unix() != now+86400 {
		t.Errorf("outstanding row = %+v", out)
	}
}

func TestSlidingObtainWithoutBlacklistRecordsNothing(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) {
		s.JWT.BlacklistEnabled, s.JWT.BlacklistAfterRotation = false, false
	})
	s.createUser("alice", "wonderland-42")
	s.slidingLogin("alice", "wonderland-42")
	var n int64
	s.App.DB.Model(&models.OutstandingToken{}).Count(&n)
	if n != 0 {
		t.Errorf("%d outstanding tokens recorded with the blacklist off", n)
	}
}

func TestSlidingRefreshKeepsJTIAndRefreshExp(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	first := s.slidingLogin("alice", "wonderland-42")
	s.Clock.Advance(4 * time.Minute)
	second := s.slide(first)
	old, slid := claimsOf(t, first), claimsOf(t, second)
	now := s.Clock.Now().Unix()
	if slid["jti"] != old["jti"] || slid["refresh_exp"] != old["refresh_exp"] || slid["user_id"] != old["user_id"] ||
		slid["token_type"] != "sliding" {
		t.Errorf("slid %v from %v: want the same jti, refresh_exp, user and type", slid, old)
	}
	if num(t, slid["iat"]) != now || num(t, slid["exp"]) != now+300 {
		t.Errorf("slid iat %v exp %v, want %d and %d", slid["iat"], slid["exp"], now, now+300)
	}
	// The first token still expires on time; the slid one lives on, and slides again.
	s.Clock.Advance(2 * time.Minute)
	assertJSON(t, s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": first}), 401,
		`{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
	s.slide(second)
}

func TestSlidingRefreshStopsAtRefreshExp(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) {
		s.JWT.SlidingTokenLifetime = time.Hour
		s.JWT.SlidingTokenRefreshLifetime = 90 * time.Minute
	})
	s.createUser("alice", "wonderland-42")
	token := s.slidingLogin("alice", "wonderland-42")
	if life := num(t, claimsOf(t, token)["exp"]) - s.Clock.Now().Unix(); life != 3600 {
		t.Errorf("SLIDING_TOKEN_LIFETIME=1h gave a lifetime of %ds", life)
	}
	s.Clock.Advance(50 * time.Minute)
	token = s.slide(token)
	s.Clock.Advance(39 * time.Minute)
	token = s.slide(token)
	s.Clock.Advance(time.Minute) // refresh_exp is now; exp is 59 minutes ahead
	assertJSON(t, s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": token}), 401,
		`{"detail":"Token 'refresh_exp' claim has expired","code":"token_not_valid"}`)
}

func TestSlidingRefreshRefusals(t *testing.T) {
	s := newServer(t)
	u := s.createUser("alice", "wonderland-42")
	_, refresh := s.login("alice", "wonderland-42")
	now := s.Clock.Now().Unix()
	craft := func(payload string) string { return sign(t, `{"alg":"HS256","typ":"JWT"}`, payload, testKey) }
	cases := []struct {
		name, token, want string
	}{
		{"refresh token", refresh, `{"detail":"Token has wrong type","code":"token_not_valid"}`},
		{"no refresh_exp", craft(fmt.Sprintf(`{"token_type":"sliding","exp":%d,"iat":%d,"jti":"6b41ca79c8f5434c9aa145ef92361e1e","user_id":%d}`, now+300, now, u.ID)),
			`{"detail":"Token has no 'refresh_exp' claim","code":"token_not_valid"}`},
		{"refresh_exp not a number", craft(fmt.Sprintf(`{"token_type":"sliding","exp":%d,"iat":%d,"jti":"6b41ca79c8f5434c9aa145ef92361e1e","refresh_exp":"%d","user_id":%d}`, now+300, now, now+900, u.ID)),
			`{"detail":"Token is invalid or expired","code":"token_not_valid"}`},
		{"refresh_exp is now", craft(fmt.Sprintf(`{"token_type":"sliding","exp":%d,"iat":%d,"jti":"6b41ca79c8f5434c9aa145ef92361e1e","refresh_exp":%d,"user_id":%d}`, now+300, now, now, u.ID)),
			`{"detail":"Token 'refresh_exp' claim has expired","code":"token_not_valid"}`},
		{"unknown user", craft(fmt.Sprintf(`{"token_type":"sliding","exp":%d,"iat":%d,"jti":"6b41ca79c8f5434c9aa145ef92361e1e","refresh_exp":%d,"user_id":999999}`, now+300, now, now+900)),
			`{"detail":"No active account found for the given token."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": c.token})
			assertJSON(t, rec, 401, c.want)
			if got := rec.Header().Get("WWW-Authenticate"); got != bearerChallenge {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
	t.Run("deactivated user", func(t *testing.T) {
		token := s.slidingLogin("alice", "wonderland-42")
		s.App.DB.Model(u).Update("is_active", false)
		assertJSON(t, s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": token}), 401,
			`{"detail":"No active account found for the given token."}`)
	})
}

// A blacklisted sliding token is refused by every endpoint that takes one, also after it
// has slid: the blacklist keys on the jti a refresh keeps.
func TestSlidingTokenBlacklisted(t *testing.T) {
	s := newServer(t, acceptSliding)
	s.createUser("alice", "wonderland-42")
	first := s.slidingLogin("alice", "wonderland-42")
	s.Clock.Advance(time.Second)
	slid := s.slide(first)
	if rec := s.getWith("/api/protected/", slid); rec.Code != http.StatusOK {
		t.Fatalf("sliding token refused before blacklisting: %d %s", rec.Code, rec.Body)
	}
	tok, err := s.App.Tokens.Parse(first, tokens.Sliding)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Blacklist.Add(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{first, slid} {
		assertJSON(t, s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": token}), 401,
			`{"detail":"Token is blacklisted","code":"token_not_valid"}`)
		assertJSON(t, s.getWith("/api/protected/", token), 401,
			`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"SlidingToken","token_type":"sliding","message":"Token is blacklisted"}]}`)
		assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": token}), 400,
			`{"non_field_errors":["Token is blacklisted"]}`)
	}
}

// AUTH_TOKEN_CLASSES picks the token types the protected view accepts, and a refusal lists
// each class's reason in order.
func TestAuthTokenClasses(t *testing.T) {
	wrongType := func(class, typ string) string {
		return `{"token_class":"` + class + `","token_type":"` + typ + `","message":"Token has wrong type"}`
	}
	refused := func(messages ...string) string {
		body := `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[`
		for i, m := range messages {
			if i > 0 {
				body += ","
			}
			body += m
		}
		return body + "]}"
	}
	cases := []struct {
		classes         []string
		access, sliding string // "" means 200
		refreshRefusal  string
	}{
		{classes: []string{"AccessToken"}, sliding: refused(wrongType("AccessToken", "access")),
			refreshRefusal: refused(wrongType("AccessToken", "access"))},
		{classes: []string{"SlidingToken"}, access: refused(wrongType("SlidingToken", "sliding")),
			refreshRefusal: refused(wrongType("SlidingToken", "sliding"))},
		{classes: []string{"AccessToken", "SlidingToken"},
			refreshRefusal: refused(wrongType("AccessToken", "access"), wrongType("SlidingToken", "sliding"))},
		{classes: []string{"rest_framework_simplejwt.tokens.SlidingToken", "rest_framework_simplejwt.tokens.AccessToken"},
			refreshRefusal: refused(wrongType("SlidingToken", "sliding"), wrongType("AccessToken", "access"))},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v", c.classes), func(t *testing.T) {
			s := newServer(t, func(s *settings.Settings) { s.JWT.AuthTokenClasses = c.classes })
			s.createUser("alice", "wonderland-42")
			access, refresh := s.login("alice", "wonderland-42")
			sliding := s.slidingLogin("alice", "wonderland-42")
			for _, tc := range []struct{ name, token, want string }{
				{"access", access, c.access}, {"sliding", sliding, c.sliding}, {"refresh", refresh, c.refreshRefusal},
			} {
				rec := s.getWith("/api/protected/", tc.token)
				if tc.want == "" {
					assertJSON(t, rec, 200, `{"message":"Hello, authenticated user!"}`)
				} else {
					assertJSON(t, rec, 401, tc.want)
				}
			}
		})
	}
}

func TestSlidingViewsDescribeThemselves(t *testing.T) {
	s := newServer(t)
	cases := []struct{ path, want string }{
		{"/api/token/sliding/", `{"name":"Token Obtain Sliding","description":"Takes a set of user credentials and returns a sliding JSON web token to\nprove the authentication of those credentials.","renders":["application/json","text/html"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],"actions":{"POST":{` +
			`"username":{"type":"string","required":true,"read_only":false,"label":"Username"},` +
			`"password":{"type":"string","required":true,"read_only":false,"label":"Password"}}}}`},
		{"/api/token/sliding/refresh/", `{"name":"Token Refresh Sliding","description":"Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken's refresh period has not expired.","renders":["application/json","text/html"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],"actions":{"POST":{` +
			`"token":{"type":"string","required":true,"read_only":false,"label":"Token"}}}}`},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			rec := s.do(req{Method: http.MethodOptions, Path: c.path})
			assertJSON(t, rec, 200, c.want)
			if got := rec.Header().Get("Allow"); got != "POST, OPTIONS" {
				t.Errorf("Allow = %q", got)
			}
		})
	}
}
