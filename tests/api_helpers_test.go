package tests

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"ginrest/models"
)

// The REST framework's tests (notes, generics, viewsets, routers, pagination, filtering)
// share these helpers.

// apiUser is a stored user and an access token of theirs.
type apiUser struct {
	*models.User
	token string
}

// apiUser stores a user (change adjusts them first) and logs them in.
func (s *server) apiUser(name string, change ...func(*models.User)) *apiUser {
	s.t.Helper()
	u := s.createUser(name, "pw-"+name+"-123", change...)
	access, _ := s.login(name, "pw-"+name+"-123")
	return &apiUser{User: u, token: access}
}

func staff(u *models.User) { u.IsStaff = true }

// as sends r as u (nil: anonymously).
func (s *server) as(u *apiUser, r req) *httptest.ResponseRecorder {
	s.t.Helper()
	if u != nil {
		h := map[string]string{"Authorization": "Bearer " + u.token}
		for k, v := range r.Header {
			h[k] = v
		}
		r.Header = h
	}
	return s.do(r)
}

// get and send are as() for the common cases; a body is sent as JSON.
func (s *server) get(u *apiUser, path string) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.as(u, req{Method: http.MethodGet, Path: path})
}

func (s *server) send(u *apiUser, method, path, body string) *httptest.ResponseRecorder {
	s.t.Helper()
	r := req{Method: method, Path: path, Body: body}
	if body != "" {
		r.ContentType = "application/json"
	}
	return s.as(u, r)
}

// addNote stores a note as the API would, created at the server's clock, which then
// moves on a second so that notes have distinct creation times.
func (s *server) addNote(owner *models.User, title, body string, done bool) models.Note {
	s.t.Helper()
	n := models.Note{Title: title, Body: body, Done: done, OwnerID: owner.ID, Created: s.Clock.Now().UTC()}
	if err := s.App.DB.WithContext(context.Background()).Create(&n).Error; err != nil {
		s.t.Fatalf("add note %q: %v", title, err)
	}
	s.Clock.Advance(time.Second)
	return n
}

// page is a paginated body (count is absent for cursor pages).
type page struct {
	Count    *int             `json:"count"`
	Next     *string          `json:"next"`
	Previous *string          `json:"previous"`
	Results  []map[string]any `json:"results"`
}

func pageOf(t testing.TB, rec *httptest.ResponseRecorder) page {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
	}
	var p page
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("not a page: %v: %s", err, rec.Body)
	}
	return p
}

// titles are the results' titles, in order.
func titles(results []map[string]any) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i], _ = r["title"].(string)
	}
	return out
}

// str is a link's text, "null" for none.
func str(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}
