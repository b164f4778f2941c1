package tests

import (
	"net/http/httptest"
	"testing"
)

// Every response of the token endpoints, success or refusal, is kept by no cache (RFC 6749
// §5.1): Cache-Control: no-store and Pragma: no-cache. Other views are left alone, and so
// is verify, whose answer holds no token (as simplejwt, which sends neither header).
func TestTokenResponsesAreNotStored(t *testing.T) {
	for _, mode := range []struct {
		name   string
		cookie bool
	}{{name: "body"}, {name: "cookie", cookie: true}} {
		t.Run(mode.name, func(t *testing.T) {
			var s *server
			if mode.cookie {
				s = newServer(t, cookieMode)
			} else {
				s = newServer(t)
			}
			s.createUser("alice", "wonderland-42")
			login := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
			access := bodyMap(t, login)["access"].(string)
			// Refresh tokens to send in the body (in cookie mode, taken from the cookie).
			refreshToken := func() string {
				rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
				if mode.cookie {
					return cookiesOf(rec)["refresh_token"].Value
				}
				_, refresh := sessPair(t, rec)
				return refresh
			}
			refresh, spent := refreshToken(), refreshToken()
			sliding := bodyMap(t, s.postJSON("/api/token/sliding/", map[string]string{"username": "alice", "password": "wonderland-42"}))["token"].(string)
			// Before the password change below, which ends the access token.
			for _, c := range []struct {
				name   string
				rec    *httptest.ResponseRecorder
				status int
			}{
				{"verify", s.postJSON("/api/token/verify/", map[string]string{"token": access}), 200},
				{"verify refused", s.postJSON("/api/token/verify/", map[string]string{"token": "garbage"}), 401},
			} {
				if c.rec.Code != c.status || len(c.rec.Header().Values("Cache-Control")) != 0 || len(c.rec.Header().Values("Pragma")) != 0 {
					t.Errorf("%s: %d, Cache-Control %q, Pragma %q; want %d and neither", c.name, c.rec.Code,
						c.rec.Header().Values("Cache-Control"), c.rec.Header().Values("Pragma"), c.status)
				}
			}
			cases := []struct {
				name   string
				rec    *httptest.ResponseRecorder
				status int
			}{
				{"obtain", login, 200},
				{"obtain refused", s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "nope"}), 401},
				{"obtain malformed", s.do(req{Method: "POST", Path: "/api/token/", Body: "{", ContentType: "application/json"}), 400},
				{"refresh", s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), 200},
				{"refresh refused", s.postJSON("/api/token/refresh/", map[string]string{"refresh": "garbage"}), 401},
				{"blacklist", s.postJSON("/api/token/blacklist/", map[string]string{"refresh": spent}), 200},
				{"obtain sliding", s.postJSON("/api/token/sliding/", map[string]string{"username": "alice", "password": "wonderland-42"}), 200},
				{"refresh sliding", s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": sliding}), 200},
				{"options", s.do(req{Method: "OPTIONS", Path: "/api/token/"}), 200},
				{"sessions", s.sessCall("GET", "/api/token/sessions/", access, nil), 200},
				{"password change", s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "wonderland-42", "new_password": "looking-glass-7"}), 200},
			}
			for _, c := range cases {
				if c.rec.Code != c.status {
					t.Errorf("%s: status %d, want %d: %s", c.name, c.rec.Code, c.status, c.rec.Body)
				}
				if cc, p := c.rec.Header().Get("Cache-Control"), c.rec.Header().Get("Pragma"); cc != "no-store" || p != "no-cache" {
					t.Errorf("%s: Cache-Control %q, Pragma %q; want no-store, no-cache", c.name, cc, p)
				}
			}
			rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "looking-glass-7"})
			access = bodyMap(t, rec)["access"].(string)
			if rec = s.getWith("/api/protected/", access); rec.Code != 200 || len(rec.Header().Values("Cache-Control")) != 0 {
				t.Errorf("a view that is not a token view: %d, Cache-Control %q", rec.Code, rec.Header().Values("Cache-Control"))
			}
			if rec = s.sessCall("POST", "/api/token/logout-all/", access, nil); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("logout-all: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
			}
		})
	}
}
