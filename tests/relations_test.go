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
		want       string // the whole body on 400, the tags and tag_slugs on 201
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
			rec := s.send(alice, http.MethodPost, "/api/notes/", tt.body)
			if tt.status != http.StatusCreated {
				assertJSON(t, rec, tt.status, tt.want)
				return
			}
			if rec.Code != tt.status {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			got := bodyMap(t, rec)
			assertJSONValue(t, map[string]any{"tags": got["tags"], "tag_slugs": got["tag_slugs"]}, tt.want)
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

// assertPartial checks a 200 and the keys of want in its body.
func assertPartial(t *testing.T, rec *httptest.ResponseRecorder, want string) {
	t.Helper()
	if rec.Code != http.StatusOK {
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
