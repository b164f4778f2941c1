package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ginrest/models"
	"ginrest/serializers"
)

// The demo resource, /api/notes/, through HTTP: DRF's ModelViewSet behaviour.

func TestNotesCreateValidation(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	long := strings.Repeat("x", 101)
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"no title", `{"body": "b"}`, 400, `{"title": ["This field is required."]}`},
		{"blank title", `{"title": "   "}`, 400, `{"title": ["This field may not be blank."]}`},
		{"null title", `{"title": null}`, 400, `{"title": ["This field may not be null."]}`},
		{"title too long", `{"title": "` + long + `"}`, 400, `{"title": ["Ensure this field has no more than 100 characters."]}`},
		{"title not a string", `{"title": {"a": 1}}`, 400, `{"title": ["Not a valid string."]}`},
		{"done not a boolean", `{"title": "t", "done": "maybe"}`, 400, `{"done": ["Must be a valid boolean."]}`},
		{"several errors", `{"title": "", "done": []}`, 400, `{"title": ["This field may not be blank."], "done": ["Must be a valid boolean."]}`},
		{"not an object", `"title"`, 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}`},
		// A list is a bulk create (BulkCreate), its errors aligned with the items.
		{"a list of strings", `["title"]`, 400, `[{"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}]`},
		// DRF's words are "JSON parse error - " and Python's json message; here Go's.
		{"malformed JSON", `{"title": `, 400, `{"detail": "JSON parse error - unexpected end of JSON input"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertJSON(t, s.send(alice, http.MethodPost, "/api/notes/", tt.body), tt.status, tt.want)
		})
	}
	// Nothing was stored by the refusals.
	if p := pageOf(t, s.get(alice, "/api/notes/")); *p.Count != 0 {
		t.Errorf("refused notes were stored: %d", *p.Count)
	}
	// 100 characters is the limit, not over it; a form body works as in DRF.
	if rec := s.send(alice, http.MethodPost, "/api/notes/", `{"title": "`+long[:100]+`"}`); rec.Code != 201 {
		t.Errorf("100 characters: %d %s", rec.Code, rec.Body)
	}
	rec := s.as(alice, req{Method: http.MethodPost, Path: "/api/notes/", Body: "title=from+a+form&done=true", ContentType: "application/x-www-form-urlencoded"})
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"title":"from a form","body":"","done":true`) {
		t.Errorf("form: %d %s", rec.Code, rec.Body)
	}
}

func TestNotesOwnerAndCreatedComeFromTheServer(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	s.apiUser("mallory")
	rec := s.send(alice, http.MethodPost, "/api/notes/",
		`{"title": " Milk ", "owner": "mallory", "owner_id": 2, "id": 99, "created": "2001-01-01T00:00:00Z"}`)
	want := fmt.Sprintf(`{"id": 1, "url": "http://example.com/api/notes/1/", "title": "Milk", "body": "", "done": false, "owner": "alice", "created": %q,
		"due": null, "estimate": null, "tags": [], "tag_slugs": [], "attachment": null}`,
		serializers.FormatDateTime(s.Clock.Now().UTC()))
	assertJSON(t, rec, http.StatusCreated, want)
	var stored models.Note
	if err := s.App.DB.First(&stored, 1).Error; err != nil || stored.OwnerID != alice.ID {
		t.Errorf("stored owner_id %d (%v), want %d", stored.OwnerID, err, alice.ID)
	}
	// A write never changes the owner either.
	rec = s.send(alice, http.MethodPatch, "/api/notes/1/", `{"owner": "mallory", "owner_id": 2}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"owner":"alice"`) {
		t.Errorf("PATCH owner: %d %s", rec.Code, rec.Body)
	}
	// The owner is read from auth_user, so it follows a renamed user.
	s.App.DB.Model(&models.User{}).Where("id = ?", alice.ID).Update("username", "alice2")
	if rec := s.get(alice, "/api/notes/1/"); !strings.Contains(rec.Body.String(), `"owner":"alice2"`) {
		t.Errorf("renamed owner: %s", rec.Body)
	}
}

func TestNotesObjectPermissions(t *testing.T) {
	s := newServer(t)
	owner, other, admin := s.apiUser("owner"), s.apiUser("other"), s.apiUser("admin", staff)
	const denied = `{"detail": "You do not have permission to perform this action."}`
	const anonymous = `{"detail": "Authentication credentials were not provided."}`
	type call struct{ method, path, body string }
	note := func() string { return fmt.Sprintf("/api/notes/%d/", s.addNote(owner.User, "n", "b", false).ID) }
	tests := []struct {
		who    string
		user   *apiUser
		call   func() call
		status int
		body   string
	}{
		{"owner reads", owner, func() call { return call{"GET", note(), ""} }, 200, ""},
		{"owner puts", owner, func() call { return call{"PUT", note(), `{"title": "t"}`} }, 200, ""},
		{"owner patches", owner, func() call { return call{"PATCH", note(), `{"done": true}`} }, 200, ""},
		{"owner toggles", owner, func() call { return call{"POST", note() + "toggle/", ""} }, 200, ""},
		{"owner deletes", owner, func() call { return call{"DELETE", note(), ""} }, 204, ""},
		{"other reads", other, func() call { return call{"GET", note(), ""} }, 200, ""},
		{"other lists", other, func() call { return call{"GET", "/api/notes/", ""} }, 200, ""},
		{"other puts", other, func() call { return call{"PUT", note(), `{"title": "t"}`} }, 403, denied},
		{"other patches", other, func() call { return call{"PATCH", note(), `{"done": true}`} }, 403, denied},
		{"other toggles", other, func() call { return call{"POST", note() + "toggle/", ""} }, 403, denied},
		{"other deletes", other, func() call { return call{"DELETE", note(), ""} }, 403, denied},
		{"admin puts", admin, func() call { return call{"PUT", note(), `{"title": "t"}`} }, 200, ""},
		{"admin toggles", admin, func() call { return call{"POST", note() + "toggle/", ""} }, 200, ""},
		{"admin deletes", admin, func() call { return call{"DELETE", note(), ""} }, 204, ""},
		{"anonymous lists", nil, func() call { return call{"GET", "/api/notes/", ""} }, 401, anonymous},
		{"anonymous reads", nil, func() call { return call{"GET", note(), ""} }, 401, anonymous},
		{"anonymous creates", nil, func() call { return call{"POST", "/api/notes/", `{"title": "t"}`} }, 401, anonymous},
		{"anonymous deletes", nil, func() call { return call{"DELETE", note(), ""} }, 401, anonymous},
		{"anonymous mine", nil, func() call { return call{"GET", "/api/notes/mine/", ""} }, 401, anonymous},
		{"anonymous OPTIONS", nil, func() call { return call{"OPTIONS", "/api/notes/", ""} }, 401, anonymous},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			c := tt.call()
			var before int64
			s.App.DB.Model(&models.Note{}).Where("title = 'n' AND done = ?", false).Count(&before)
			rec := s.send(tt.user, c.method, c.path, c.body)
			if tt.body != "" {
				assertJSON(t, rec, tt.status, tt.body)
			} else if rec.Code != tt.status {
				t.Errorf("%s %s: %d %s, want %d", c.method, c.path, rec.Code, rec.Body, tt.status)
			}
			if tt.status == 401 && rec.Header().Get("WWW-Authenticate") != `Bearer realm="api"` {
				t.Errorf("401 without the challenge: %q", rec.Header().Get("WWW-Authenticate"))
			}
			if tt.status >= 400 && c.method != "GET" {
				var after int64
				s.App.DB.Model(&models.Note{}).Where("title = 'n' AND done = ?", false).Count(&after)
				if after != before {
					t.Errorf("a refused %s changed the notes: %d untouched before, %d after", c.method, before, after)
				}
			}
		})
	}
}

func TestNotesPutIsFullPatchIsPartial(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	n := s.addNote(alice.User, "title", "body", true)
	path := fmt.Sprintf("/api/notes/%d/", n.ID)
	get := func() map[string]any { return bodyMap(t, s.get(alice, path)) }

	// PUT needs every required field; PATCH does not.
	assertJSON(t, s.send(alice, http.MethodPut, path, `{"body": "new"}`), 400, `{"title": ["This field is required."]}`)
	if got := get(); got["body"] != "body" {
		t.Errorf("a refused PUT changed the note: %v", got)
	}
	rec := s.send(alice, http.MethodPatch, path, `{"body": "patched"}`)
	if got := bodyMap(t, rec); rec.Code != 200 || got["title"] != "title" || got["body"] != "patched" || got["done"] != true {
		t.Errorf("PATCH: %d %v", rec.Code, got)
	}
	// An empty PATCH changes nothing and answers the object.
	if rec := s.send(alice, http.MethodPatch, path, `{}`); rec.Code != 200 || bodyMap(t, rec)["body"] != "patched" {
		t.Errorf("empty PATCH: %d %s", rec.Code, rec.Body)
	}
	// PUT replaces what it is given; optional fields it leaves out keep their values, as
	// a ModelSerializer's fields without a default do.
	rec = s.send(alice, http.MethodPut, path, `{"title": "replaced", "done": false}`)
	if got := bodyMap(t, rec); rec.Code != 200 || got["title"] != "replaced" || got["done"] != false || got["body"] != "patched" {
		t.Errorf("PUT: %d %v", rec.Code, got)
	}
	assertJSON(t, s.send(alice, http.MethodPatch, path, `{"title": ""}`), 400, `{"title": ["This field may not be blank."]}`)
	if got := get(); got["title"] != "replaced" {
		t.Errorf("after the refused PATCH: %v", got)
	}
}

func TestNotesDeleteAndMissingObjects(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	n := s.addNote(alice.User, "gone soon", "", false)
	path := fmt.Sprintf("/api/notes/%d/", n.ID)
	rec := s.send(alice, http.MethodDelete, path, "")
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Errorf("DELETE: %d %q Content-Type %q", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
	}
	for _, method := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		assertJSON(t, s.send(alice, method, path, `{"title": "x"}`), 404, `{"detail": "Not found."}`)
	}
	// Malformed ids are 404 too (DRF's get_object_or_404), never 400 or 500.
	for _, id := range []string{"abc", "1.5", "-1", "0", "99999999999999999999", "1e3", "%20", "%00", "%C3%A9", "' OR 1=1 --"} {
		rec := s.get(alice, "/api/notes/"+strings.ReplaceAll(id, " ", "%20")+"/")
		if rec.Code != 404 {
			t.Errorf("id %q: %d %s", id, rec.Code, rec.Body)
		}
	}
	// A missing object is a 404 before the body is read: DRF looks it up first.
	rec = s.as(alice, req{Method: "PUT", Path: "/api/notes/12345/", Body: "{", ContentType: "application/json"})
	assertJSON(t, rec, 404, `{"detail": "Not found."}`)
}

func TestNotesExtraActions(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	a1 := s.addNote(alice.User, "a1", "", false)
	s.addNote(bob.User, "b1", "", false)
	s.addNote(alice.User, "a2", "", true)

	// mine: the caller's notes, filtered, ordered and paged like the list.
	p := pageOf(t, s.get(alice, "/api/notes/mine/"))
	if got := strings.Join(titles(p.Results), ","); got != "a2,a1" || *p.Count != 2 {
		t.Errorf("alice's notes: %s (count %d)", got, *p.Count)
	}
	p = pageOf(t, s.get(alice, "/api/notes/mine/?done=false&ordering=title"))
	if got := strings.Join(titles(p.Results), ","); got != "a1" {
		t.Errorf("alice's open notes: %s", got)
	}
	p = pageOf(t, s.get(bob, "/api/notes/mine/"))
	if got := strings.Join(titles(p.Results), ","); got != "b1" {
		t.Errorf("bob's notes: %s", got)
	}

	// toggle: done flips, each time.
	path := fmt.Sprintf("/api/notes/%d/toggle/", a1.ID)
	for _, want := range []bool{true, false, true} {
		rec := s.send(alice, http.MethodPost, path, "")
		if got := bodyMap(t, rec); rec.Code != 200 || got["done"] != want || got["owner"] != "alice" {
			t.Fatalf("toggle: %d %v, want done %v", rec.Code, got, want)
		}
	}
	assertJSON(t, s.send(alice, http.MethodPost, "/api/notes/999/toggle/", ""), 404, `{"detail": "Not found."}`)
	assertJSON(t, s.send(alice, http.MethodPost, "/api/notes/mine/toggle/", ""), 404, `{"detail": "Not found."}`)

	// Their methods: toggle is POST only, mine GET only.
	rec := s.send(alice, http.MethodGet, path, "")
	assertJSON(t, rec, 405, `{"detail": "Method \"GET\" not allowed."}`)
	if got := rec.Header().Get("Allow"); got != "POST, OPTIONS" {
		t.Errorf("toggle's Allow = %q", got)
	}
	rec = s.send(alice, http.MethodPost, "/api/notes/mine/", `{"title": "x"}`)
	assertJSON(t, rec, 405, `{"detail": "Method \"POST\" not allowed."}`)
	if got := rec.Header().Get("Allow"); got != "GET, HEAD, OPTIONS" {
		t.Errorf("mine's Allow = %q", got)
	}
}

func TestNotesOptions(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	n := s.addNote(alice.User, "t", "", false)
	fields := `{
		"id": {"type": "integer", "required": false, "read_only": true, "label": "ID"},
		"title": {"type": "string", "required": true, "read_only": false, "label": "Title", "max_length": 100},
		"body": {"type": "string", "required": false, "read_only": false, "label": "Body"},
		"done": {"type": "boolean", "required": false, "read_only": false, "label": "Done"},
		"owner": {"type": "string", "required": false, "read_only": true, "label": "Owner"},
		"created": {"type": "datetime", "required": false, "read_only": true, "label": "Created"},
		"url": {"type": "field", "required": false, "read_only": true, "label": "Url"},
		"due": {"type": "date", "required": false, "read_only": false, "label": "Due"},
		"estimate": {"type": "decimal", "required": false, "read_only": false, "label": "Estimate", "min_value": "0"},
		"tags": {"type": "field", "required": false, "read_only": false, "label": "Tags"},
		"tag_slugs": {"type": "field", "required": false, "read_only": false, "label": "Tag slugs"},
		"attachment": {"type": "file upload", "required": false, "read_only": false, "label": "Attachment", "max_length": 100}}`
	common := `"description": "Notes: every signed-in user reads them; their authors, and staff, change them.",
		"renders": ["application/json", "text/html"],
		"parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]`
	rec := s.send(alice, http.MethodOptions, "/api/notes/", "")
	assertJSON(t, rec, 200, `{"name": "Note List", `+common+`, "actions": {"POST": `+fields+`}}`)
	rec = s.send(alice, http.MethodOptions, fmt.Sprintf("/api/notes/%d/", n.ID), "")
	assertJSON(t, rec, 200, `{"name": "Note Instance", `+common+`, "actions": {"PUT": `+fields+`}}`)
	rec = s.send(alice, http.MethodOptions, fmt.Sprintf("/api/notes/%d/toggle/", n.ID), "")
	if got := bodyMap(t, rec); rec.Code != 200 || got["name"] != "Toggle" || got["description"] != "Marks a note done, or not done again." {
		t.Errorf("toggle's OPTIONS: %d %v", rec.Code, got)
	}
}

func TestNotesHead(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	s.addNote(alice.User, "t", "", false)
	rec := s.as(alice, req{Method: http.MethodHead, Path: "/api/notes/"})
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "0" {
		t.Errorf("HEAD: %d %q Content-Length %s", rec.Code, rec.Body, rec.Header().Get("Content-Length"))
	}
}

// The created timestamps come from the server's clock, so they are exact.
func TestNotesCreatedIsTheServersTime(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	s.Clock.Set(time.Date(2030, 5, 6, 7, 8, 9, 123456000, time.UTC))
	alice.token, _ = s.login("alice", "pw-alice-123") // the old token expired years ago
	rec := s.send(alice, http.MethodPost, "/api/notes/", `{"title": "t"}`)
	if got := bodyMap(t, rec)["created"]; got != "2030-05-06T07:08:09.123456Z" {
		t.Errorf("created = %v", got)
	}
}
