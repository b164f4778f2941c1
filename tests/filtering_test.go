package tests

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"ginrest/filters"
	"ginrest/generics"
	"ginrest/models"
	"ginrest/settings"
	"ginrest/urls"
)

// Search, ordering and field filters on /api/notes/, with what an attacker would send.

func searchNotes(t *testing.T) (*server, *apiUser) {
	s := newServer(t, func(st *settings.Settings) { st.REST.PageSize = 100 })
	alice := s.apiUser("alice")
	for _, n := range []struct{ title, body string }{
		{"Buy milk", "two litres, semi-skimmed"},
		{"Call mum", "about the MILK delivery"},
		{"100% done", "nothing_left"},
		{"Café", "crème brûlée"},
		{"under_score", "a\\b"},
		{"Plain", "nothing to see"},
	} {
		s.addNote(alice.User, n.title, n.body, false)
	}
	return s, alice
}

func TestSearch(t *testing.T) {
	s, alice := searchNotes(t)
	tests := []struct{ search, want string }{
		{"milk", "Call mum,Buy milk"},      // title or body, any case (ASCII)
		{"MILK delivery", "Call mum"},      // terms are ANDed
		{"milk,litres", "Buy milk"},        // commas separate terms
		{"  milk   ", "Call mum,Buy milk"}, // blanks are not terms
		{"", "Plain,under_score,Café,100% done,Call mum,Buy milk"},
		{"%", "100% done"},             // wildcards are literal
		{"_", "under_score,100% done"}, // "nothing_left"
		{`\`, "under_score"},           // the escape character too
		{"%' OR 1=1 --", ""},           // no note contains it
		{"' OR '1'='1", ""},
		{"milk\x00", "Call mum,Buy milk"}, // NUL characters are dropped, as DRF does
		{"Café", "Café"},                  // Unicode, as stored
		{"brûlée", "Café"},
		{"\xff\xfe", ""}, // invalid UTF-8 is U+FFFD, never a database error
		{"🙂", ""},
		{strings.Repeat("x", 1000), ""}, // the longest search allowed
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.20q", tt.search), func(t *testing.T) {
			p := pageOf(t, s.get(alice, "/api/notes/?search="+url.QueryEscape(tt.search)))
			if got := strings.Join(titles(p.Results), ","); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// Too long a search is a 400 in DRF's shape, not a database error.
	assertJSON(t, s.get(alice, "/api/notes/?search="+strings.Repeat("x", 1001)), 400,
		`{"search": ["Ensure this value has at most 1000 characters (it has 1001)."]}`)
	assertJSON(t, s.get(alice, "/api/notes/?search="+strings.Repeat("a+", 33)), 400,
		`{"search": ["Ensure this value has at most 32 terms (it has 33)."]}`)
	// The table survived.
	if p := pageOf(t, s.get(alice, "/api/notes/")); *p.Count != 6 {
		t.Errorf("notes after the hostile searches: %d", *p.Count)
	}
}

func TestOrdering(t *testing.T) {
	s, alice := searchNotes(t)
	const newestFirst = "Plain,under_score,Café,100% done,Call mum,Buy milk"
	tests := []struct{ ordering, want string }{
		{"title", "100% done,Buy milk,Café,Call mum,Plain,under_score"},
		{"-title", "under_score,Plain,Call mum,Café,Buy milk,100% done"},
		{"created", "Buy milk,Call mum,100% done,Café,under_score,Plain"},
		{" -created , title ", newestFirst},
		{"", newestFirst},                            // the default: -created
		{"body", newestFirst},                        // not an ordering field: ignored
		{"owner_id", newestFirst},                    // a column, but not allowed
		{"title;DROP TABLE notes_note", newestFirst}, // ignored, never SQL
		{"title DESC", newestFirst},
		{"--title", newestFirst}, // one "-" only
		{"-", newestFirst},
		{"unknown,title", "100% done,Buy milk,Café,Call mum,Plain,under_score"}, // unknown terms are dropped, the rest kept
		{"title,-title", "100% done,Buy milk,Café,Call mum,Plain,under_score"},  // a field counts once
		{strings.Repeat("title,", 5000), "100% done,Buy milk,Café,Call mum,Plain,under_score"},
		{"тitle", newestFirst},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.30q", tt.ordering), func(t *testing.T) {
			p := pageOf(t, s.get(alice, "/api/notes/?ordering="+url.QueryEscape(tt.ordering)))
			if got := strings.Join(titles(p.Results), ","); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if p := pageOf(t, s.get(alice, "/api/notes/")); *p.Count != 6 {
		t.Errorf("notes after the hostile orderings: %d", *p.Count)
	}
}

func TestDoneFilter(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	s.addNote(alice.User, "open", "", false)
	s.addNote(alice.User, "finished", "", true)
	const both = "finished,open"
	// django-filter's BooleanWidget: true/false and 1/0 in any case; anything else filters nothing.
	for query, want := range map[string]string{
		"done=true": "finished", "done=True": "finished", "done=1": "finished",
		"done=false": "open", "done=FALSE": "open", "done=0": "open",
		"done=": both, "done=maybe": both, "done=yes": both, "done=%00": both, "done=true%27%20OR%201=1": both,
		"done=false&done=true":   "finished", // the last value counts, as in Django's QueryDict
		"done=true&search=open":  "",
		"done=false&search=open": "open",
	} {
		p := pageOf(t, s.get(alice, "/api/notes/?"+query))
		if got := strings.Join(titles(p.Results), ","); got != want {
			t.Errorf("?%s: %q, want %q", query, got, want)
		}
	}
	// A filter narrows the object lookup too, as DRF's get_object filters the queryset.
	rec := s.get(alice, "/api/notes/1/?done=true")
	assertJSON(t, rec, http.StatusNotFound, `{"detail": "Not found."}`)
}

func TestExactFiltersOfOtherTypes(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	s.addNote(alice.User, "a", "", false)
	b := s.addNote(alice.User, "b", "", false)
	v := noteView(s)
	v.Filters = []filters.Backend{filters.Exact{Fields: []string{"id", "title", "created"}}}
	m := s.mounted(urls.Route{Path: "/f/", Name: "f", View: &generics.List[models.Note]{GenericAPIView: v}})
	created := url.QueryEscape(b.Created.Format("2006-01-02T15:04:05Z07:00"))
	for query, want := range map[string]string{
		"id=1": "a", "id=%202%20": "b", "id=+1": "a", "id=1.0": "", "id=1.5": "", "id=99999999999999999999": "", "id=-1": "",
		"title=a": "a", "title=%20b%20": "b", "title=A": "", "title=": "a,b", "title=%27%20OR%201=1%20--": "",
		"created=" + created: "b",
	} {
		p := pageOf(t, m.get(alice, "/f/?"+query))
		if got := strings.Join(titles(p.Results), ","); got != want {
			t.Errorf("?%s: %q, want %q", query, got, want)
		}
	}
	// django-filter's messages, all the fields' at once.
	assertJSON(t, m.get(alice, "/f/?id=abc&created=yesterday&title=a%00"), 400,
		`{"id": ["Enter a number."], "created": ["Enter a valid date/time."], "title": ["Null characters are not allowed."]}`)
	assertJSON(t, m.get(alice, "/f/?id=NaN"), 400, `{"id": ["Enter a number."]}`)
	assertJSON(t, m.get(alice, "/f/?id=1;DROP%20TABLE%20notes_note"), 400, `{"id": ["Enter a number."]}`)
	if p := pageOf(t, m.get(alice, "/f/")); *p.Count != 2 {
		t.Errorf("notes after the hostile filters: %d", *p.Count)
	}
}

// FuzzNotesQuery sends any query string to the notes list: the answer is a page, a 400 or
// a 404 in DRF's shape — never a 500 or a panic — and the notes are all still there.
func FuzzNotesQuery(f *testing.F) {
	for _, seed := range []string{
		"search=milk&ordering=-created,title&done=true&page=2&page_size=1",
		"search=%25%27%20OR%201=1%20--", "ordering=title;DROP TABLE notes_note", "page=0", "page=last",
		"page_size=-1&page=abc", "done=%00", "search=" + strings.Repeat("a,", 40), "cursor=abc", "limit=1&offset=99999999999999999999",
		"search=%ff%fe&ordering=%ff", "ordering=" + strings.Repeat("-", 100),
	} {
		f.Add(seed)
	}
	s := newServer(f, func(st *settings.Settings) { st.REST.PageSize = 2 })
	alice := s.apiUser("alice")
	for _, title := range []string{"milk", "eggs", "100%", "o'brien"} {
		s.addNote(alice.User, title, "body "+title, title == "eggs")
	}
	f.Fuzz(func(t *testing.T, query string) {
		hr, err := http.NewRequest(http.MethodGet, "http://example.com/api/notes/?"+query, nil)
		if err != nil {
			return // not a URL a client could send
		}
		hr.Header.Set("Authorization", "Bearer "+alice.token)
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, hr)
		switch rec.Code {
		case 200, 400, 404:
		default:
			t.Fatalf("?%s: %d %s", query, rec.Code, rec.Body)
		}
		if !strings.HasPrefix(rec.Body.String(), "{") {
			t.Fatalf("?%s: %d %s", query, rec.Code, rec.Body)
		}
		var n int64
		if err := s.App.DB.Model(&models.Note{}).Count(&n).Error; err != nil || n != 4 {
			t.Fatalf("?%s: %d notes (%v)", query, n, err)
		}
	})
}
