package tests

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"ginrest/models"
	"ginrest/settings"
)

// Each paginator at its edges, on /api/notes/ (newest first unless ?ordering= says).

const notesURL = "http://example.com/api/notes/"

func paginated(class string, size int) func(*settings.Settings) {
	return func(s *settings.Settings) { s.REST.DefaultPaginationClass, s.REST.PageSize = class, size }
}

// fiveNotes stores a (oldest) to e (newest).
func fiveNotes(s *server, owner *apiUser) {
	for _, title := range []string{"a", "b", "c", "d", "e"} {
		s.addNote(owner.User, title, "", false)
	}
}

func TestPageNumberPagination(t *testing.T) {
	s := newServer(t, paginated("PageNumberPagination", 2))
	alice := s.apiUser("alice")
	fiveNotes(s, alice)
	tests := []struct {
		query, results, next, previous string
	}{
		{"", "e,d", notesURL + "?page=2", "null"},
		{"?page=1", "e,d", notesURL + "?page=2", "null"},
		{"?page=", "e,d", notesURL + "?page=2", "null"}, // DRF: `get("page") or 1`
		{"?page=2", "c,b", notesURL + "?page=3", notesURL},
		{"?page=3", "a", "null", notesURL + "?page=2"},
		{"?page=last", "a", "null", notesURL + "?page=2"},
		{"?page=+2", "c,b", notesURL + "?page=3", notesURL},
		{"?page=%202%20", "c,b", notesURL + "?page=3", notesURL},
		{"?page_size=3", "e,d,c", notesURL + "?page=2&page_size=3", "null"},
		{"?page_size=3&page=2", "b,a", "null", notesURL + "?page_size=3"},
		{"?page_size=0", "e,d", notesURL + "?page=2&page_size=0", "null"},
		{"?page_size=-1", "e,d", notesURL + "?page=2&page_size=-1", "null"},
		{"?page_size=abc", "e,d", notesURL + "?page=2&page_size=abc", "null"},
		// Other parameters are kept, sorted by name as DRF re-encodes them.
		{"?search=&zeta=1&done=false&page=2", "c,b", notesURL + "?done=false&page=3&search=&zeta=1", notesURL + "?done=false&search=&zeta=1"},
		{"?ordering=title&page=3", "e", "null", notesURL + "?ordering=title&page=2"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := pageOf(t, s.get(alice, "/api/notes/"+tt.query))
			if got := strings.Join(titles(p.Results), ","); got != tt.results || *p.Count != 5 {
				t.Errorf("results %s (count %d), want %s", got, *p.Count, tt.results)
			}
			if str(p.Next) != tt.next || str(p.Previous) != tt.previous {
				t.Errorf("next %s previous %s\nwant next %s previous %s", str(p.Next), str(p.Previous), tt.next, tt.previous)
			}
		})
	}
	for _, bad := range []string{"0", "-1", "abc", "4", "1.5", "2e0", "99999999999999999999", "first", "%00", "1%20OR%201=1"} {
		assertJSON(t, s.get(alice, "/api/notes/?page="+bad), 404, `{"detail": "Invalid page."}`)
	}
	// An empty list has a page 1, and nothing after it.
	assertJSON(t, s.get(alice, "/api/notes/?search=nothing-matches"), 200, `{"count": 0, "next": null, "previous": null, "results": []}`)
	assertJSON(t, s.get(alice, "/api/notes/?search=nothing-matches&page=2"), 404, `{"detail": "Invalid page."}`)
}

func TestPageSizeIsCapped(t *testing.T) {
	s := newServer(t) // the defaults: PageNumberPagination, PAGE_SIZE 20, page_size up to 100
	alice := s.apiUser("alice")
	notes := make([]models.Note, 105)
	for i := range notes {
		notes[i] = models.Note{Title: fmt.Sprint("n", i), OwnerID: alice.ID, Created: s.Clock.Now().UTC()}
	}
	if err := s.App.DB.CreateInBatches(notes, 50).Error; err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int{"": 20, "?page_size=1000": 100, "?page_size=100": 100, "?page_size=7": 7, "?page_size=1000&page=2": 5} {
		if p := pageOf(t, s.get(alice, "/api/notes/"+query)); len(p.Results) != want || *p.Count != 105 {
			t.Errorf("%s: %d results (count %d), want %d", query, len(p.Results), *p.Count, want)
		}
	}
	// Equal timestamps: the id breaks the tie, newest first, so pages neither repeat nor skip.
	var seen []string
	for page := 1; page <= 6; page++ {
		seen = append(seen, titles(pageOf(t, s.get(alice, fmt.Sprintf("/api/notes/?page=%d", page))).Results)...)
	}
	if len(seen) != 105 || seen[0] != "n104" || seen[104] != "n0" || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 105 {
		t.Errorf("pages gave %d notes, from %s to %s", len(seen), seen[0], seen[len(seen)-1])
	}
}

func TestLimitOffsetPagination(t *testing.T) {
	s := newServer(t, paginated("LimitOffsetPagination", 2))
	alice := s.apiUser("alice")
	fiveNotes(s, alice)
	tests := []struct {
		query, results, next, previous string
	}{
		{"", "e,d", notesURL + "?limit=2&offset=2", "null"},
		{"?offset=2", "c,b", notesURL + "?limit=2&offset=4", notesURL + "?limit=2"},
		{"?offset=4", "a", "null", notesURL + "?limit=2&offset=2"},
		{"?offset=3&limit=2", "b,a", "null", notesURL + "?limit=2&offset=1"},
		{"?offset=1", "d,c", notesURL + "?limit=2&offset=3", notesURL + "?limit=2"},
		{"?offset=5", "", "null", notesURL + "?limit=2&offset=3"},
		{"?offset=50", "", "null", notesURL + "?limit=2&offset=48"},
		{"?offset=99999999999999999999", "", "null", notesURL + "?limit=2&offset=9223372036854775805"},
		{"?offset=-1", "e,d", notesURL + "?limit=2&offset=2", "null"},
		{"?offset=abc", "e,d", notesURL + "?limit=2&offset=2", "null"},
		{"?limit=3", "e,d,c", notesURL + "?limit=3&offset=3", "null"},
		{"?limit=0", "e,d", notesURL + "?limit=2&offset=2", "null"},
		{"?limit=-5", "e,d", notesURL + "?limit=2&offset=2", "null"},
		{"?limit=x", "e,d", notesURL + "?limit=2&offset=2", "null"},
		{"?limit=1000&offset=1", "d,c,b,a", "null", notesURL + "?limit=100"}, // capped at max(100, PAGE_SIZE)
		{"?done=false&limit=1&offset=1", "d", notesURL + "?done=false&limit=1&offset=2", notesURL + "?done=false&limit=1"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := pageOf(t, s.get(alice, "/api/notes/"+tt.query))
			if got := strings.Join(titles(p.Results), ","); got != tt.results || p.Count == nil || *p.Count != 5 {
				t.Errorf("results %q (count %v), want %q", got, p.Count, tt.results)
			}
			if str(p.Next) != tt.next || str(p.Previous) != tt.previous {
				t.Errorf("next %s previous %s\nwant next %s previous %s", str(p.Next), str(p.Previous), tt.next, tt.previous)
			}
		})
	}
}

// walk follows links from path until there are none, returning each page's titles.
func walk(t *testing.T, s *server, u *apiUser, path string, previous bool) [][]string {
	t.Helper()
	var pages [][]string
	for i := 0; path != "" && i < 50; i++ {
		p := pageOf(t, s.get(u, path))
		if p.Count != nil {
			t.Fatalf("a cursor page has a count: %d", *p.Count)
		}
		pages = append(pages, titles(p.Results))
		link := p.Next
		if previous {
			link = p.Previous
		}
		path = ""
		if link != nil {
			lu, err := url.Parse(*link)
			if err != nil || lu.Host != "example.com" || lu.Path != "/api/notes/" {
				t.Fatalf("link %q", *link)
			}
			path = lu.RequestURI()
		}
	}
	return pages
}

func TestCursorPagination(t *testing.T) {
	s := newServer(t, paginated("CursorPagination", 2))
	alice := s.apiUser("alice")
	fiveNotes(s, alice)
	// Two more share e's successor's timestamp: the primary key orders them.
	at := s.Clock.Now().UTC()
	for _, title := range []string{"f", "g"} {
		if err := s.App.DB.Create(&models.Note{Title: title, OwnerID: alice.ID, Created: at}).Error; err != nil {
			t.Fatal(err)
		}
	}
	s.Clock.Advance(time.Second)

	forward := walk(t, s, alice, "/api/notes/", false)
	if got := fmt.Sprint(forward); got != "[[g f] [e d] [c b] [a]]" {
		t.Fatalf("forward: %s", got)
	}
	first := pageOf(t, s.get(alice, "/api/notes/"))
	if first.Previous != nil {
		t.Errorf("the first page has a previous link: %s", *first.Previous)
	}
	// From the last page back, the same pages.
	last := "/api/notes/?cursor=" + cursorOf(t, s, alice, 3)
	if got := fmt.Sprint(walk(t, s, alice, last, true)); got != "[[a] [c b] [e d] [g f]]" {
		t.Errorf("backward: %s", got)
	}
	// Stable under inserts: notes written between two pages neither repeat nor hide one.
	second := "/api/notes/?cursor=" + cursorOf(t, s, alice, 1)
	for _, title := range []string{"new1", "new2", "new3"} {
		s.addNote(alice.User, title, "", false)
	}
	if got := fmt.Sprint(walk(t, s, alice, second, false)); got != "[[e d] [c b] [a]]" {
		t.Errorf("after inserts: %s", got)
	}
	// Going back from the second page now shows the page before it, then the new notes.
	if got := fmt.Sprint(walk(t, s, alice, second, true)); got != "[[e d] [g f] [new2 new1] [new3]]" {
		t.Errorf("back after inserts: %s", got)
	}
	// The ordering filter's ordering is the cursor's.
	if got := fmt.Sprint(walk(t, s, alice, "/api/notes/?ordering=title", false)); got != "[[a b] [c d] [e f] [g new1] [new2 new3]]" {
		t.Errorf("by title: %s", got)
	}
	// Other parameters stay in the links.
	if got := fmt.Sprint(walk(t, s, alice, "/api/notes/?search=new&ordering=-title", false)); got != "[[new3 new2] [new1]]" {
		t.Errorf("search by title: %s", got)
	}
}

// cursorOf is the cursor of the page n links ahead of the first.
func cursorOf(t *testing.T, s *server, u *apiUser, n int) string {
	t.Helper()
	path := "/api/notes/"
	for range n {
		p := pageOf(t, s.get(u, path))
		lu, _ := url.Parse(*p.Next)
		path = lu.RequestURI()
	}
	lu, _ := url.Parse(path)
	return url.QueryEscape(lu.Query().Get("cursor"))
}

func TestCursorTampering(t *testing.T) {
	s := newServer(t, paginated("CursorPagination", 2))
	alice := s.apiUser("alice")
	fiveNotes(s, alice)
	b64 := func(s string) string { return url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(s))) }
	for _, c := range []string{
		"abc", "%25%25%25", "cD0x!", b64("p=not-a-time"), b64("o=-1"), b64("o=x"), b64("r=yes"),
		b64("p=' OR 1=1 --"), b64("p=2024-01-01T00:00:00Z&k=abc"), b64("p=2024-01-01T00:00:00Z&k=1;DROP TABLE notes_note"),
		b64("p=%zz"), b64("p=\xff\xfe"), url.QueryEscape(base64.StdEncoding.EncodeToString([]byte{0xff, 0x00, 0x80})),
		b64(strings.Repeat("p=1&", 10000)),
	} {
		assertJSON(t, s.get(alice, "/api/notes/?cursor="+c), 404, `{"detail": "Invalid cursor"}`)
	}
	// A string position is only compared, whatever it holds.
	for _, c := range []string{b64("p=' OR 1=1 --&k=1"), b64("p=%00&k=1"), b64("p=caf%C3%A9&k=1")} {
		rec := s.get(alice, "/api/notes/?ordering=title&cursor="+c)
		if rec.Code != 200 && rec.Code != 404 {
			t.Errorf("string position %s: %d %s", c, rec.Code, rec.Body)
		}
	}
	// DRF's own cursors (no k; an offset within its cutoff) are read too.
	created := pageOf(t, s.get(alice, "/api/notes/")).Results[1]["created"].(string)
	ts, _ := time.Parse(time.RFC3339, created)
	p := pageOf(t, s.get(alice, "/api/notes/?cursor="+b64("p="+ts.Format(time.RFC3339Nano))))
	if got := strings.Join(titles(p.Results), ","); got != "c,b" {
		t.Errorf("DRF-style cursor: %s", got)
	}
	p = pageOf(t, s.get(alice, "/api/notes/?cursor="+b64("o=1")))
	if got := strings.Join(titles(p.Results), ","); got != "d,c" || p.Previous == nil {
		t.Errorf("offset cursor: %s", got)
	}
	if got := pageOf(t, s.get(alice, "/api/notes/?cursor="+b64("o=5000"))); len(got.Results) != 0 {
		t.Errorf("offset over the cutoff: %v", titles(got.Results))
	}
	// The notes are all still there.
	if got := fmt.Sprint(walk(t, s, alice, "/api/notes/", false)); got != "[[e d] [c b] [a]]" {
		t.Errorf("after the tampering: %s", got)
	}
}

func TestPaginationOff(t *testing.T) {
	s := newServer(t, paginated("none", 0))
	alice := s.apiUser("alice")
	fiveNotes(s, alice)
	rec := s.get(alice, "/api/notes/?page=7&limit=1&cursor=junk")
	var items []map[string]any
	mustJSON(t, rec.Body.Bytes(), &items)
	if got := strings.Join(titles(items), ","); rec.Code != 200 || got != "e,d,c,b,a" {
		t.Errorf("unpaginated: %d %s", rec.Code, rec.Body)
	}
}
