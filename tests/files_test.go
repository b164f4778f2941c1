package tests

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/settings"
)

// part is one part of a multipart body: a value, or a file when filename is set.
type part struct{ name, filename, content string }

// multipartReq is a multipart/form-data request as a browser's form sends it.
func multipartReq(t testing.TB, method, path, token string, parts ...part) req {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		var err error
		if p.filename != "" {
			fw, ferr := w.CreateFormFile(p.name, p.filename)
			if ferr == nil {
				_, err = fw.Write([]byte(p.content))
			} else {
				err = ferr
			}
		} else {
			err = w.WriteField(p.name, p.content)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r := req{Method: method, Path: path, Body: b.String(), ContentType: w.FormDataContentType(), Header: map[string]string{}}
	if token != "" {
		r.Header["Authorization"] = "Bearer " + token
	}
	return r
}

func tinyPNG(t testing.TB) string {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mediaFiles are the files under MEDIA_ROOT.
func mediaFiles(t testing.TB, s *server) []string {
	t.Helper()
	var out []string
	root := s.App.Settings.Media.Root
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func debug(s *settings.Settings) { s.Debug = true }

// TestNoteAttachment: a note's attachment goes up in a multipart body, is stored in
// MEDIA_ROOT under a name of its own, rendered as its absolute URL and served in DEBUG.
func TestNoteAttachment(t *testing.T) {
	s := newServer(t, debug)
	alice := s.apiUser("alice")
	rec := s.do(multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "Report"},
		part{"attachment", "q1 report.txt", "numbers"}))
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	note := bodyMap(t, rec)
	url, _ := note["attachment"].(string)
	if url != "http://example.com/media/notes_note/q1_report.txt" {
		t.Fatalf("attachment = %v", note["attachment"])
	}
	// The same name again: another file, never an overwrite.
	rec = s.do(multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "Again"},
		part{"attachment", "q1 report.txt", "other numbers"}))
	again, _ := bodyMap(t, rec)["attachment"].(string)
	if !regexp.MustCompile(`^http://example\.com/media/notes_note/q1_report_[a-z2-7]{7}\.txt$`).MatchString(again) {
		t.Errorf("second attachment = %q", again)
	}
	// A note without one renders null.
	rec = s.send(alice, "POST", "/api/notes/", `{"title": "Plain"}`)
	if v, ok := bodyMap(t, rec)["attachment"]; !ok || v != nil {
		t.Errorf("no attachment rendered as %v", v)
	}

	// Served in DEBUG: text is a download, an image is shown; never sniffed by the browser.
	served := s.get(alice, strings.TrimPrefix(url, "http://example.com"))
	if served.Code != 200 || served.Body.String() != "numbers" {
		t.Fatalf("media: %d %q", served.Code, served.Body)
	}
	for k, want := range map[string]string{
		"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff",
		"Content-Disposition": `attachment; filename=q1_report.txt`, "Content-Security-Policy": "default-src 'none'; sandbox",
	} {
		if got := served.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// An uploaded HTML page is text to download, not a page on this origin.
	rec = s.do(multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "XSS"},
		part{"attachment", "x.html", "<html><script>alert(1)</script></html>"}))
	html := s.do(req{Method: "GET", Path: strings.TrimPrefix(bodyMap(t, rec)["attachment"].(string), "http://example.com")})
	if ct, cd := html.Header().Get("Content-Type"), html.Header().Get("Content-Disposition"); ct != "text/plain; charset=utf-8" || !strings.HasPrefix(cd, "attachment") {
		t.Errorf("HTML served as %q, %q", ct, cd)
	}
	rec = s.do(multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "Pic"}, part{"attachment", "p.png", tinyPNG(t)}))
	img := s.do(req{Method: "GET", Path: strings.TrimPrefix(bodyMap(t, rec)["attachment"].(string), "http://example.com")})
	if img.Header().Get("Content-Type") != "image/png" || img.Header().Get("Content-Disposition") != "" {
		t.Errorf("PNG served as %q, %q", img.Header().Get("Content-Type"), img.Header().Get("Content-Disposition"))
	}
	// Names that leave MEDIA_ROOT, or are not there, are 404s.
	if err := os.WriteFile(filepath.Join(filepath.Dir(s.App.Settings.Media.Root), "secret"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/media/../secret", "/media/%2e%2e/secret", "/media/notes_note/%2e%2e/%2e%2e/secret", "/media/nope.txt", "/media/notes_note", "/media/"} {
		if rec := s.do(req{Method: "GET", Path: p}); rec.Code != 404 && rec.Code != 301 {
			t.Errorf("GET %s: %d %q", p, rec.Code, rec.Body)
		} else if rec.Body.String() == "s" {
			t.Errorf("GET %s served the secret", p)
		}
	}
	// PATCH replaces the attachment (the old file stays, as Django leaves it); a PATCH of
	// other fields, in a form or JSON, keeps it.
	id := jsonNumber(t, note["id"])
	rec = s.do(multipartReq(t, "PATCH", "/api/notes/"+id+"/", alice.token, part{"attachment", "v2.txt", "new"}))
	if got, _ := bodyMap(t, rec)["attachment"].(string); rec.Code != 200 || got != "http://example.com/media/notes_note/v2.txt" {
		t.Errorf("PATCH with a file: %d %s", rec.Code, rec.Body)
	}
	rec = s.do(multipartReq(t, "PATCH", "/api/notes/"+id+"/", alice.token, part{"done", "", "true"}))
	if got, _ := bodyMap(t, rec)["attachment"].(string); rec.Code != 200 || got != "http://example.com/media/notes_note/v2.txt" {
		t.Errorf("PATCH of done: %d %s", rec.Code, rec.Body)
	}
	rec = s.send(alice, "PUT", "/api/notes/"+id+"/", `{"title": "Report v2"}`)
	if got, _ := bodyMap(t, rec)["attachment"].(string); rec.Code != 200 || got != "http://example.com/media/notes_note/v2.txt" {
		t.Errorf("PUT without the file: %d %s", rec.Code, rec.Body)
	}
	// Out of DEBUG, the server serves no media.
	prod := newServer(t)
	if rec := prod.do(req{Method: "GET", Path: strings.TrimPrefix(url, "http://example.com")}); rec.Code != 404 {
		t.Errorf("media without DEBUG: %d", rec.Code)
	}
}

// TestNoteAttachmentRefused: what is not a file, and what fails, leaves nothing in
// MEDIA_ROOT.
func TestNoteAttachmentRefused(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.Media.FileUploadMaxSize = 4096 })
	alice := s.apiUser("alice")
	tests := []struct {
		name     string
		r        req
		wantCode int
		want     string
	}{
		{"another field invalid", multipartReq(t, "POST", "/api/notes/", alice.token, part{"body", "", "no title"}, part{"attachment", "a.txt", "x"}),
			400, `{"title":["This field is required."]}`},
		{"an empty file", multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "t"}, part{"attachment", "a.txt", ""}),
			400, `{"attachment":["The submitted file is empty."]}`},
		{"a name too long", multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "t"}, part{"attachment", strings.Repeat("a", 101), "x"}),
			400, `{"attachment":["Ensure this filename has at most 100 characters (it has 101)."]}`},
		{"a string in JSON", jsonReq("POST", "/api/notes/", alice.token, `{"title": "t", "attachment": "a.txt"}`),
			400, `{"attachment":["The submitted data was not a file. Check the encoding type on the form."]}`},
		{"a string in a form", multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "t"}, part{"attachment", "", "a.txt"}),
			400, `{"attachment":["The submitted data was not a file. Check the encoding type on the form."]}`},
		{"over FILE_UPLOAD_MAX_SIZE", multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "t"}, part{"attachment", "a.txt", strings.Repeat("x", 5000)}),
			413, `{"detail":"Request body is too large."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertJSON(t, s.do(tt.r), tt.wantCode, tt.want)
			if left := mediaFiles(t, s); len(left) != 0 {
				t.Errorf("MEDIA_ROOT holds %v", left)
			}
		})
	}
	// A file over DATA_UPLOAD_MAX_MEMORY_SIZE is fine: files have their own limit.
	big := newServer(t, func(st *settings.Settings) { st.MaxBodyBytes = 1024 })
	bob := big.apiUser("bob")
	rec := big.do(multipartReq(t, "POST", "/api/notes/", bob.token, part{"title", "", "big"}, part{"attachment", "big.txt", strings.Repeat("x", 4096)}))
	if rec.Code != 201 {
		t.Errorf("a 4 KiB file with a 1 KiB DATA_UPLOAD_MAX_MEMORY_SIZE: %d %s", rec.Code, rec.Body)
	}
}

// failInserts makes the database refuse notes titled "boom", as a failing write would.
func failInserts(t *testing.T, s *server) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER "boom" BEFORE INSERT ON "notes_note" WHEN NEW.title = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`}
	if models.IsPostgres(s.App.DB) {
		stmts = []string{
			`CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.title = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER boom BEFORE INSERT ON notes_note FOR EACH ROW EXECUTE FUNCTION boom()`,
		}
	}
	for _, stmt := range stmts {
		if err := s.App.DB.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// A write that fails after the file was stored takes the file away again.
func TestNoteAttachmentFailedWrite(t *testing.T) {
	s := newServer(t)
	failInserts(t, s)
	alice := s.apiUser("alice")
	rec := s.do(multipartReq(t, "POST", "/api/notes/", alice.token, part{"title", "", "boom"}, part{"attachment", "a.txt", "x"}))
	if rec.Code != 500 {
		t.Fatalf("failed write: %d %s", rec.Code, rec.Body)
	}
	if left := mediaFiles(t, s); len(left) != 0 {
		t.Errorf("MEDIA_ROOT holds %v", left)
	}
}

// TestNotesBulkCreate: POST /api/notes/ takes a list, created all or none.
func TestNotesBulkCreate(t *testing.T) {
	s := newServer(t)
	failInserts(t, s)
	alice := s.apiUser("alice")
	count := func() int64 {
		var n int64
		s.App.DB.Model(&models.Note{}).Count(&n)
		return n
	}
	tests := []struct {
		name, body string
		wantCode   int
		want       string
		wantNotes  int64
	}{
		{"errors aligned with the items", `[{"title": "a"}, {"body": "no title"}]`, 400, `[{},{"title":["This field is required."]}]`, 0},
		{"empty", `[]`, 400, `{"non_field_errors":["This list may not be empty."]}`, 0},
		{"too many", "[" + strings.Repeat(`{"title": "x"},`, 100) + `{"title": "x"}]`, 400,
			`{"non_field_errors":["Ensure this field has no more than 100 elements."]}`, 0},
		{"a list of strings", `["a"]`, 400, `[{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}]`, 0},
		{"the database refuses the second: none stored", `[{"title": "fine"}, {"title": "boom"}]`, 500, ``, 0},
		{"two notes", `[{"title": "one"}, {"title": "two", "done": true}]`, 201, ``, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.send(alice, "POST", "/api/notes/", tt.body)
			if tt.want != "" {
				assertJSON(t, rec, tt.wantCode, tt.want)
			} else if rec.Code != tt.wantCode {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			if n := count(); n != tt.wantNotes {
				t.Errorf("%d notes, want %d", n, tt.wantNotes)
			}
		})
	}
	rec := s.send(alice, "POST", "/api/notes/", `[{"title": "three"}, {"title": "four"}]`)
	var got []map[string]any
	mustJSON(t, rec.Body.Bytes(), &got)
	if rec.Code != 201 || len(got) != 2 || got[0]["title"] != "three" || got[1]["owner"] != "alice" || got[0]["id"] == got[1]["id"] {
		t.Errorf("bulk create answered %d %s", rec.Code, rec.Body)
	}
}
