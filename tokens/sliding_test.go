package tokens_test

import (
	"testing"
	"time"

	"ginrest/tokens"
)

func slidingBackend(t *testing.T, c *clock) *tokens.Backend {
	return newBackend(t, c, func(cfg *tokens.Config) { cfg.Leeway = 10 * time.Second })
}

func TestSlidingFromCopiesTheLoginClaims(t *testing.T) {
	c := newClock()
	b := slidingBackend(t, c)
	base := b.ForUser(int64(7))
	base.Set("username", "alice")
	base.Set("refresh_exp", int64(1)) // a sliding token sets its own
	s := b.SlidingFrom(base)
	want := map[string]any{
		"token_type": "sliding", "exp": c.Unix(300), "iat": c.Unix(0), "refresh_exp": c.Unix(86400),
		"user_id": int64(7), "username": "alice",
	}
	for k, v := range want {
		if s.Claims[k] != v {
			t.Errorf("%s = %v, want %v", k, s.Claims[k], v)
		}
	}
	if len(s.Claims) != len(want)+1 || b.JTI(s) == "" || b.JTI(s) == b.JTI(base) {
		t.Errorf("claims %v: want exactly those and a new jti", s.Claims)
	}
	if s.Type != tokens.Sliding || b.Lifetime(tokens.Sliding) != 5*time.Minute {
		t.Errorf("type %v, lifetime %v", s.Type, b.Lifetime(tokens.Sliding))
	}
}

func TestCheckExp(t *testing.T) {
	c := newClock()
	b := slidingBackend(t, c)
	cases := []struct {
		name  string
		value any
		want  string // "" means accepted
	}{
		{"future", c.Unix(60), ""},
		{"within the leeway", c.Unix(-5), ""},
		{"at the leeway", c.Unix(-10), "Token 'refresh_exp' claim has expired"},
		{"past", c.Unix(-3600), "Token 'refresh_exp' claim has expired"},
		{"a string", "1700000000", tokens.MsgInvalid},
		{"absent", nil, "Token has no 'refresh_exp' claim"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := b.New(tokens.Access)
			if tc.value != nil {
				tok.Set("refresh_exp", tc.value)
			}
			err := b.CheckExp(tok, "refresh_exp")
			got := ""
			if err != nil {
				te, ok := tokens.AsError(err)
				if !ok {
					t.Fatalf("error %v is not a token error", err)
				}
				got = te.Message
			}
			if got != tc.want {
				t.Errorf("CheckExp = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSlideMovesExpAndIatOnly(t *testing.T) {
	c := newClock()
	b := slidingBackend(t, c)
	s := b.New(tokens.Sliding)
	jti, refreshExp := b.JTI(s), s.Claims["refresh_exp"]
	c.Advance(time.Hour)
	b.Slide(s)
	if b.JTI(s) != jti || s.Claims["refresh_exp"] != refreshExp || s.Claims["exp"] != c.Unix(300) || s.Claims["iat"] != c.Unix(0) {
		t.Errorf("slid claims %v", s.Claims)
	}
	if exp := b.ExpiresAt(s); exp.Unix() != refreshExp.(int64) {
		t.Errorf("ExpiresAt(sliding) = %v, want refresh_exp", exp)
	}
	if r := b.ForUser(int64(1)); b.ExpiresAt(r).Unix() != r.Claims["exp"].(int64) {
		t.Errorf("ExpiresAt(refresh) is not exp")
	}
}

func TestTypeOfClass(t *testing.T) {
	for _, typ := range tokens.Types {
		if got, ok := tokens.TypeOfClass(typ.Class); !ok || got != typ {
			t.Errorf("TypeOfClass(%q) = %v, %v", typ.Class, got, ok)
		}
	}
	if _, ok := tokens.TypeOfClass("sliding"); ok {
		t.Error("a type name is not a class name")
	}
	if tokens.Access.Blacklistable() || !tokens.Refresh.Blacklistable() || !tokens.Sliding.Blacklistable() {
		t.Error("only refresh and sliding tokens carry simplejwt's BlacklistMixin")
	}
}
