package tests

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"ginrest/models"
)

// Usernames are normalised with NFKC (Django's normalize_username) when a user is created
// and when one logs in, and a username taken in another case is refused (Django 4.2's
// UserCreationForm), with Django's words.
func TestUsernamesNormalisedAndUniqueInAnyCase(t *testing.T) {
	s := newServer(t)
	alice := s.createUser("alice", "wonderland-42")
	for _, name := range []string{"alice", "ａlice", "ALICE", "Alice", "ＡＬＩＣＥ"} {
		t.Run("create "+name, func(t *testing.T) {
			err := s.App.Users.Create(context.Background(), &models.User{Username: name, IsActive: true}, "another-password-1")
			if !errors.Is(err, models.ErrUsernameExists) || err.Error() != "A user with that username already exists." {
				t.Errorf("created %q: %v", name, err)
			}
		})
	}
	if n, _ := s.App.Users.Count(context.Background()); n != 1 {
		t.Errorf("%d users, want alice alone", n)
	}

	for _, c := range []struct {
		name, username string
		status         int
	}{
		{"as stored", "alice", 200},
		{"full-width a", "ａlice", 200},
		{"all full-width", "ａｌｉｃｅ", 200},
		{"another case: Django's lookup is exact", "Alice", 401},
	} {
		t.Run("login "+c.name, func(t *testing.T) {
			rec := s.postJSON("/api/token/", map[string]string{"username": c.username, "password": "wonderland-42"})
			if rec.Code != c.status {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body, c.status)
			}
			if c.status != 200 {
				return
			}
			var pair struct{ Access string }
			mustJSON(t, rec.Body.Bytes(), &pair)
			if claims := claimsOf(t, pair.Access); fmt.Sprint(claims["user_id"]) != alice.PK() || claims["username"] != "alice" {
				t.Errorf("logged in as %v %v, want alice", claims["user_id"], claims["username"])
			}
		})
	}

	// A new name in compatibility characters is stored in its plain form.
	bob := s.createUser("ｂｏｂ", "builder-pw-1")
	if bob.Username != "bob" {
		t.Errorf("stored %q, want bob", bob.Username)
	}
	s.login("bob", "builder-pw-1")
}
