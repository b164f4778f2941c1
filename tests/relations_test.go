package tests

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/serializers"
)

// The notes' relations through HTTP: tags named by id, by slug and linked by url; each
// user's tags are theirs alone; due dates and estimates.

// addTag stores a tag of owner's directly.
func (s *server) addTag(owner *models.User, name, slug string) models.Tag {
	s.t.Helper()
	tag := models.Tag{Name: name, Slug: slug, OwnerID: owner.ID}
	if err := s.App.DB.Create(&tag).Error; err != nil {
		s.t.Fatal(err)
	}
	return tag
}

func TestNotesTags(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	home, work := s.addTag(alice.User, "Home", "home"), s.addTag(alice.User, "Work", "work")
	bobs := s.addTag(bob.User, "Work", "work") // the same slug, another user's
	missing := bobs.ID + 1000
	tests := []struct {
		name, body string
		status     int
		want       string // the whole body on 400, the keys it names on 201
	}{
		{"by id", fmt.Sprintf(`{"title": "t", "tags": [%d, %d]}`, work.ID, home.ID), 201,
			fmt.Sprintf(`{"tags": [%d, %d], "tag_slugs": ["home", "work"]}`, home.ID, work.ID)},
		{"by id as text", fmt.Sprintf(`{"title": "t", "tags": ["%d"]}`, home.ID), 201,
			fmt.Sprintf(`{"tags": [%d], "tag_slugs": ["home"]}`, home.ID)},
		{"an id twice is once", fmt.Sprintf(`{"title": "t", "tags": [%d, %d]}`, home.ID, home.ID), 201,
			fmt.Sprintf(`{"tags": [%d], "tag_slugs": ["home"]}`, home.ID)},
		{"by slug", `{"title": "t", "tag_slugs": ["work"]}`, 201,
			fmt.Sprintf(`{"tags": [%d], "tag_slugs": ["work"]}`, work.ID)},
		{"none", `{"title": "t", "tags": []}`, 201, `{"tags": [], "tag_slugs": []}`},
		{"absent", `{"title": "t"}`, 201, `{"tags": [], "tag_slugs": []}`},
		{"another's tag by id", fmt.Sprintf(`{"title": "t", "tags": [%d]}`, bobs.ID), 400,
			fmt.Sprintf(`{"tags": ["Invalid pk \"%d\" - object does not exist."]}`, bobs.ID)},
		{"no such tag", fmt.Sprintf(`{"title": "t", "tags": [%d, %d]}`, home.ID, missing), 400,
			fmt.Sprintf(`{"tags": ["Invalid pk \"%d\" - object does not exist."]}`, missing)},
		{"not a pk", `{"title": "t", "tags": ["home"]}`, 400, `{"tags": ["Incorrect type. Expected pk value, received str."]}`},
		{"a boolean", `{"title": "t", "tags": [true]}`, 400, `{"tags": ["Incorrect type. Expected pk value, received bool."]}`},
		{"not a list", fmt.Sprintf(`{"title": "t", "tags": %d}`, home.ID), 400, `{"tags": ["Expected a list of items but got type \"int\"."]}`},
		{"null", `{"title": "t", "tags": null}`, 400, `{"tags": ["This field may not be null."]}`},
		{"no such slug", `{"title": "t", "tag_slugs": ["work", "play"]}`, 400, `{"tag_slugs": ["Object with slug=play does not exist."]}`},
		{"an object as slug", `{"title": "t", "tag_slugs": [{}]}`, 400, `{"tag_slugs": ["Invalid value."]}`},
		{"due and estimate", `{"title": "t", "due": "2030-02-30", "estimate": "123456"}`, 400,
			`{"due": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
			  "estimate": ["Ensure that there are no more than 5 digits in total."]}`},
		{"negative estimate", `{"title": "t", "estimate": -1}`, 400, `{"estimate": ["Ensure this value is greater than or equal to 0."]}`},
		{"estimate places", `{"title": "t", "estimate": "1.234"}`, 400, `{"estimate": ["Ensure that there are no more than 2 decimal places."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertWrite(t, s.send(alice, http.MethodPost, "/api/notes/", tt.body), tt.status, tt.want)
		})
	}
}

// assertJSONValue compares a decoded value with JSON text.
func assertJSONValue(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	mustJSON(t, []byte(want), &w)
	if g, e := string(mustMarshal(t, got)), string(mustMarshal(t, w)); g != e {
		t.Errorf("got %s, want %s", g, e)
	}
}

func TestNotesDueEstimateAndURL(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	tag := s.addTag(alice.User, "Home", "home")
	rec := s.send(alice, http.MethodPost, "/api/notes/", `{"title": "t", "due": "2030-01-02", "estimate": 1.5, "tag_slugs": ["home"]}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	note := bodyMap(t, rec)
	if note["due"] != "2030-01-02" || note["estimate"] != "1.50" {
		t.Errorf("due %v, estimate %v", note["due"], note["estimate"])
	}
	// url is absolute, on the host the client asked, and is the note.
	url, _ := note["url"].(string)
	if want := fmt.Sprintf("http://example.com/api/notes/%v/", note["id"]); url != want {
		t.Fatalf("url %q, want %q", url, want)
	}
	got := bodyMap(t, s.get(alice, strings.TrimPrefix(url, "http://example.com")))
	if got["id"] != note["id"] || got["title"] != "t" {
		t.Errorf("GET url: %v", got)
	}
	// PATCH: the tags replaced, null clears the due date; absent tags are kept.
	path := strings.TrimPrefix(url, "http://example.com")
	assertPartial(t, s.send(alice, http.MethodPatch, path, `{"due": null}`), fmt.Sprintf(`{"due": null, "tags": [%d]}`, tag.ID))
	assertPartial(t, s.send(alice, http.MethodPatch, path, `{"tags": []}`), `{"tags": [], "tag_slugs": [], "estimate": "1.50"}`)
	// The tag's own url resolves to it.
	tags := bodyMap(t, s.get(alice, "/api/tags/"))
	first := tags["results"].([]any)[0].(map[string]any)
	if want := fmt.Sprintf("http://example.com/api/tags/%d/", tag.ID); first["url"] != want {
		t.Errorf("tag url %v, want %s", first["url"], want)
	}
}

// assertWrite checks a write's answer: a 201 and the keys of want in its body, or else
// status and the whole body want.
func assertWrite(t *testing.T, rec *httptest.ResponseRecorder, status int, want string) {
	t.Helper()
	if status != http.StatusCreated {
		assertJSON(t, rec, status, want)
		return
	}
	assertKeys(t, rec, status, want)
}

// assertPartial checks a 200 and the keys of want in its body.
func assertPartial(t *testing.T, rec *httptest.ResponseRecorder, want string) {
	t.Helper()
	assertKeys(t, rec, http.StatusOK, want)
}

// assertKeys checks status and the keys of want in the body.
func assertKeys(t *testing.T, rec *httptest.ResponseRecorder, status int, want string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var w map[string]any
	mustJSON(t, []byte(want), &w)
	got := bodyMap(t, rec)
	part := map[string]any{}
	for k := range w {
		part[k] = got[k]
	}
	assertJSONValue(t, part, want)
}

// queryCounter counts the statements a database runs: gorm's query callbacks see every
// SELECT, a preload's and a count's too.
func queryCounter(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	if err := db.Callback().Query().Before("gorm:query").Register("test:count", count); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Row().Before("gorm:row").Register("test:count_row", count); err != nil {
		t.Fatal(err)
	}
	return &n
}

// TestNotesListQueries: a page of notes with their owners and tags costs the same
// queries whatever the number of notes and tags (no query per row).
func TestNotesListQueries(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	var tags []models.Tag
	for i := range 5 {
		tags = append(tags, s.addTag(alice.User, fmt.Sprint("Tag ", i), fmt.Sprint("tag-", i)))
	}
	addNotes := func(n int) {
		notes := make([]models.Note, n)
		for i := range notes {
			notes[i] = models.Note{Title: fmt.Sprint("note ", i), OwnerID: alice.ID, Created: s.Clock.Now().UTC()}
		}
		db := s.App.DB.WithContext(context.Background())
		if err := db.Omit("Tags").CreateInBatches(&notes, 200).Error; err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		for i, note := range notes {
			for j := range 3 {
				rows = append(rows, map[string]any{"note_id": note.ID, "tag_id": tags[(i+j)%len(tags)].ID})
			}
		}
		if err := db.Table("notes_note_tags").CreateInBatches(rows, 300).Error; err != nil {
			t.Fatal(err)
		}
	}
	queries := queryCounter(t, s.App.DB)
	list := func(path string) (int64, []any) {
		before := queries.Load()
		rec := s.get(alice, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		results, _ := bodyMap(t, rec)["results"].([]any)
		return queries.Load() - before, results
	}
	addNotes(2)
	list("/api/notes/?page_size=100") // the user is cached from here on
	few, results := list("/api/notes/?page_size=100")
	if len(results) != 2 {
		t.Fatalf("%d results", len(results))
	}
	addNotes(998)
	many, results := list("/api/notes/?page_size=100")
	if len(results) != 100 {
		t.Fatalf("%d results", len(results))
	}
	if many != few {
		t.Errorf("a page of 100 notes took %d queries, a page of 2 took %d", many, few)
	}
	for _, r := range results {
		note := r.(map[string]any)
		if tags, _ := note["tag_slugs"].([]any); len(tags) != 3 || note["owner"] != "alice" {
			t.Fatalf("note %v", note)
		}
	}
	// All 1000 at once: the rows again and the join table with the tags, three queries.
	var all []models.Note
	if err := s.App.DB.Find(&all).Error; err != nil || len(all) != 1000 {
		t.Fatalf("%d notes, %v", len(all), err)
	}
	before := queries.Load()
	if err := serializers.NewModel[models.Note](s.App.DB).Prefetch(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	if n := queries.Load() - before; n != 3 {
		t.Errorf("prefetching the tags of 1000 notes took %d queries, want 3", n)
	}
	for _, note := range all {
		if len(note.Tags) != 3 {
			t.Fatalf("note %d has %d tags", note.ID, len(note.Tags))
		}
	}
}

// TestNotesTagsFromForms: an HTML form or a multipart body names a note's tags as DRF
// reads HTML input: a repeated key is the list (tags=1&tags=2), an absent many relation is
// the empty list (kept on PATCH), and an empty value of a nullable field is null.
func TestNotesTagsFromForms(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	home, work := s.addTag(alice.User, "Home", "home"), s.addTag(alice.User, "Work", "work")
	bobs := s.addTag(bob.User, "Play", "play")
	form := func(method, path, body string) req {
		return req{Method: method, Path: path, Body: body, ContentType: "application/x-www-form-urlencoded"}
	}
	multi := func(method, path string, fields ...string) req {
		var parts []part
		for i := 0; i < len(fields); i += 2 {
			parts = append(parts, part{fields[i], "", fields[i+1]})
		}
		return multipartReq(t, method, path, "", parts...)
	}
	ids := func(tags ...models.Tag) string {
		var out []string
		for _, tag := range tags {
			out = append(out, fmt.Sprint(tag.ID))
		}
		return "[" + strings.Join(out, ",") + "]"
	}
	tests := []struct {
		name   string
		r      req
		status int
		want   string // the whole body on 400; on success the keys it names
	}{
		{"form, repeated ids", form("POST", "/api/notes/", fmt.Sprintf("title=t&tags=%d&tags=%d", work.ID, home.ID)), 201,
			fmt.Sprintf(`{"tags": %s, "tag_slugs": ["home", "work"]}`, ids(home, work))},
		{"form, one id", form("POST", "/api/notes/", fmt.Sprintf("title=t&tags=%d", home.ID)), 201,
			fmt.Sprintf(`{"tags": %s, "tag_slugs": ["home"]}`, ids(home))},
		{"form, slugs", form("POST", "/api/notes/", "title=t&tag_slugs=work&tag_slugs=home"), 201,
			fmt.Sprintf(`{"tags": %s, "tag_slugs": ["home", "work"]}`, ids(home, work))},
		{"form, no tags", form("POST", "/api/notes/", "title=t"), 201, `{"tags": [], "tag_slugs": []}`},
		{"form, empty values are null", form("POST", "/api/notes/", "title=t&due=&estimate="), 201, `{"due": null, "estimate": null}`},
		{"form, due and estimate", form("POST", "/api/notes/", "title=t&due=2030-01-02&estimate=1.5"), 201, `{"due": "2030-01-02", "estimate": "1.50"}`},
		{"form, another's tag", form("POST", "/api/notes/", fmt.Sprintf("title=t&tags=%d&tags=%d", home.ID, bobs.ID)), 400,
			fmt.Sprintf(`{"tags": ["Invalid pk \"%d\" - object does not exist."]}`, bobs.ID)},
		{"form, not a pk", form("POST", "/api/notes/", "title=t&tags=home"), 400, `{"tags": ["Incorrect type. Expected pk value, received str."]}`},
		{"form, an empty id", form("POST", "/api/notes/", "title=t&tags="), 400, `{"tags": ["Incorrect type. Expected pk value, received str."]}`},
		{"form, no such slug", form("POST", "/api/notes/", "title=t&tag_slugs=nope"), 400, `{"tag_slugs": ["Object with slug=nope does not exist."]}`},
		{"multipart, repeated ids", multi("POST", "/api/notes/", "title", "t", "tags", fmt.Sprint(home.ID), "tags", fmt.Sprint(work.ID)), 201,
			fmt.Sprintf(`{"tags": %s, "tag_slugs": ["home", "work"]}`, ids(home, work))},
		{"multipart, slugs and empty values", multi("POST", "/api/notes/", "title", "t", "tag_slugs", "work", "due", "", "estimate", ""), 201,
			fmt.Sprintf(`{"tags": %s, "due": null, "estimate": null}`, ids(work))},
		{"multipart, another's tag", multi("POST", "/api/notes/", "title", "t", "tags", fmt.Sprint(bobs.ID)), 400,
			fmt.Sprintf(`{"tags": ["Invalid pk \"%d\" - object does not exist."]}`, bobs.ID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertWrite(t, s.as(alice, tt.r), tt.status, tt.want)
		})
	}

	// Updates: a PATCH without tags keeps them, a PUT without them clears them (an HTML
	// form cannot send an empty list), a PATCH with them replaces them.
	rec := s.as(alice, form("POST", "/api/notes/", fmt.Sprintf("title=t&tags=%d&due=2030-01-02", home.ID)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	path := fmt.Sprintf("/api/notes/%v/", bodyMap(t, rec)["id"])
	assertPartial(t, s.as(alice, form("PATCH", path, "title=u")), fmt.Sprintf(`{"title": "u", "tags": %s, "due": "2030-01-02"}`, ids(home)))
	assertPartial(t, s.as(alice, form("PATCH", path, fmt.Sprintf("tags=%d&tags=%d&due=", work.ID, home.ID))),
		fmt.Sprintf(`{"tags": %s, "tag_slugs": ["home", "work"], "due": null}`, ids(home, work)))
	assertPartial(t, s.as(alice, multi("PATCH", path, "tag_slugs", "work")), fmt.Sprintf(`{"tags": %s}`, ids(work)))
	assertPartial(t, s.as(alice, form("PUT", path, "title=v")), `{"title": "v", "tags": [], "tag_slugs": []}`)
}

// TestTagsOwnerChanges: a user changes and deletes their own tags (PUT, PATCH, DELETE);
// another's is a 404, as it is to read; a slug the user already has is a 400.
func TestTagsOwnerChanges(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	home, work := s.addTag(alice.User, "Home", "home"), s.addTag(alice.User, "Work", "work")
	bobs := s.addTag(bob.User, "Play", "play")
	path := func(tag models.Tag) string { return fmt.Sprintf("/api/tags/%d/", tag.ID) }
	tests := []struct {
		name         string
		user         *apiUser
		method, path string
		body         string
		status       int
		want         string // the whole body, or on 200 the keys it names
	}{
		{"put", alice, "PUT", path(home), `{"name": "House", "slug": "house"}`, 200, `{"name": "House", "slug": "house"}`},
		{"put without slug", alice, "PUT", path(home), `{"name": "House"}`, 400, `{"slug": ["This field is required."]}`},
		{"patch", alice, "PATCH", path(home), `{"name": "Home"}`, 200, `{"name": "Home", "slug": "house"}`},
		{"patch, a bad slug", alice, "PATCH", path(home), `{"slug": "a b"}`, 400,
			`{"slug": ["Enter a valid \"slug\" consisting of letters, numbers, underscores or hyphens."]}`},
		{"patch, a slug of theirs", alice, "PATCH", path(home), `{"slug": "work"}`, 400, `{"non_field_errors": ["tag with these values already exists."]}`},
		{"patch, a slug of another's", alice, "PATCH", path(home), `{"slug": "play"}`, 200, `{"slug": "play"}`},
		{"another's put", bob, "PUT", path(work), `{"name": "x", "slug": "x"}`, 404, `{"detail": "Not found."}`},
		{"another's patch", bob, "PATCH", path(work), `{"name": "x"}`, 404, `{"detail": "Not found."}`},
		{"another's delete", alice, "DELETE", path(bobs), ``, 404, `{"detail": "Not found."}`},
		{"anonymous patch", nil, "PATCH", path(work), `{"name": "x"}`, 401, `{"detail": "Authentication credentials were not provided."}`},
		{"delete", alice, "DELETE", path(work), ``, 204, ``},
		{"deleted", alice, "GET", path(work), ``, 404, `{"detail": "Not found."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := req{Method: tt.method, Path: tt.path, Body: tt.body}
			if tt.body != "" {
				r.ContentType = "application/json"
			}
			rec := s.as(tt.user, r)
			switch tt.status {
			case http.StatusOK:
				assertKeys(t, rec, tt.status, tt.want)
			case http.StatusNoContent:
				if rec.Code != tt.status || rec.Body.Len() != 0 {
					t.Errorf("%d %s, want 204 and no body", rec.Code, rec.Body)
				}
			default:
				assertJSON(t, rec, tt.status, tt.want)
			}
		})
	}
	// Bob's tag is as it was, and a note names Alice's renamed tag by its new slug.
	var got models.Tag
	if err := s.App.DB.First(&got, bobs.ID).Error; err != nil || got.Name != "Play" || got.Slug != "play" {
		t.Errorf("bob's tag: %+v %v", got, err)
	}
	assertWrite(t, s.send(alice, http.MethodPost, "/api/notes/", `{"title": "t", "tag_slugs": ["play"]}`), 201,
		fmt.Sprintf(`{"tags": [%d], "tag_slugs": ["play"]}`, home.ID))
}
