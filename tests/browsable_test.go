package tests

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"ginrest/renderers"
	"ginrest/settings"
)

// What a browser sends when it navigates.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// TestBrowsableNegotiation: DRF's default renderers, JSON then the browsable API. A
// browser gets the page; curl's */*, no Accept header and JSON clients get JSON, never
// HTML; ?format= picks one; indent=N indents the JSON.
func TestBrowsableNegotiation(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	indented := "{\n    \"notes\": \"http://example.com/api/notes/\",\n    \"tags\": \"http://example.com/api/tags/\"\n}"
	compact := `{"notes":"http://example.com/api/notes/","tags":"http://example.com/api/tags/"}`
	tests := []struct {
		name, path, accept string // accept "": no header
		status             int
		html               bool
		body               string // the JSON's exact body
	}{
		{"a browser", "/api/", browserAccept, 200, true, ""},
		{"text/html", "/api/", "text/html", 200, true, ""},
		{"no Accept header", "/api/", "", 200, false, compact},
		{"curl's */*", "/api/", "*/*", 200, false, compact},
		{"application/json", "/api/", "application/json", 200, false, compact},
		{"application/json first", "/api/", "application/json, text/html", 200, false, compact},
		{"indent=4", "/api/", "application/json; indent=4", 200, false, indented},
		{"format=json in a browser", "/api/?format=json", browserAccept, 200, false, compact},
		{"format=api with */*", "/api/?format=api", "*/*", 200, true, ""},
		{"format=api, JSON only", "/api/?format=api", "application/json", 406, false, `{"detail":"Could not satisfy the request Accept header."}`},
		{"an error, in a browser", "/api/notes/999/", browserAccept, 404, true, ""},
		{"an error, to curl", "/api/notes/999/", "*/*", 404, false, `{"detail":"Not found."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := req{Method: http.MethodGet, Path: tt.path}
			if tt.accept != "" {
				r.Header = map[string]string{"Accept": tt.accept}
			}
			rec := s.as(alice, r)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			ct, csp := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Security-Policy")
			if !tt.html {
				if ct != "application/json" || csp != "" || rec.Body.String() != tt.body {
					t.Errorf("JSON: %s, CSP %q, %q; want %q", ct, csp, rec.Body, tt.body)
				}
				return
			}
			if ct != "text/html; charset=utf-8" || csp != renderers.CSP || !strings.HasPrefix(rec.Body.String(), "<!DOCTYPE html>") {
				t.Errorf("page: %s, CSP %q, %.60q", ct, csp, rec.Body)
			}
			if rec.Header().Get("Vary") != "Accept" || rec.Header().Get("X-Frame-Options") != "DENY" {
				t.Errorf("page headers %v", rec.Header())
			}
		})
	}
}

// The page's policy allows this server's script and style only: no inline script or
// style, no native form submission, no framing.
func TestBrowsableCSP(t *testing.T) {
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';", "form-action 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(renderers.CSP, want) {
			t.Errorf("CSP %q lacks %q", renderers.CSP, want)
		}
	}
	if strings.Contains(renderers.CSP, "unsafe") {
		t.Errorf("CSP %q allows something unsafe", renderers.CSP)
	}
}

var (
	scriptTag = regexp.MustCompile(`<script[^>]*>`)
	// The page's tags (a note's escaped text has no <), and what a policy would refuse in one.
	anyTag     = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	inlineCode = regexp.MustCompile(`(?i)^<style|\s(on[a-z]+|style)=`)
	assetURL   = regexp.MustCompile(`<script src="(/static/rest_framework/browsable\.js\?v=[0-9a-f]+)" defer>`)
)

// A note's text is data, wherever the page shows it: in the response, in the form, in the
// raw form. The page's one script is the server's file.
func TestBrowsableEscapes(t *testing.T) {
	s := newServer(t)
	alice := s.apiUser("alice")
	evil := `<script>alert(1)</script>`
	note := s.addNote(alice.User, evil, `"><img src=x onerror=alert(2)>`, false)
	html := map[string]string{"Accept": browserAccept}
	for _, path := range []string{"/api/notes/", fmt.Sprintf("/api/notes/%d/", note.ID)} {
		rec := s.as(alice, req{Method: http.MethodGet, Path: path, Header: html})
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img") {
			t.Errorf("%s: markup of a note reached the page:\n%s", path, body)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the escaped title is not shown", path)
		}
		if tags := scriptTag.FindAllString(body, -1); len(tags) != 1 || !assetURL.MatchString(tags[0]) {
			t.Errorf("%s: scripts %q, want the one asset", path, tags)
		}
		for _, tag := range anyTag.FindAllString(body, -1) {
			if inlineCode.MatchString(tag) {
				t.Errorf("%s: an inline style or handler: %s", path, tag)
			}
		}
	}
}

// The script and style sheet are served from the binary; the version the page names may
// be kept a year.
func TestBrowsableAssets(t *testing.T) {
	s := newServer(t)
	page := s.do(req{Method: http.MethodGet, Path: "/api/", Header: map[string]string{"Accept": "text/html"}}).Body.String()
	m := assetURL.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no script in %s", page)
	}
	tests := []struct {
		path, contentType, cache string
		status                   int
	}{
		{m[1], "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", 200},
		{"/static/rest_framework/browsable.js?v=0", "text/javascript; charset=utf-8", "no-cache", 200},
		{"/static/rest_framework/browsable.css", "text/css; charset=utf-8", "no-cache", 200},
		{"/static/rest_framework/other.js", "application/json", "", 404},
	}
	for _, tt := range tests {
		rec := s.do(req{Method: http.MethodGet, Path: tt.path, Header: map[string]string{"Accept": "*/*"}})
		if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.contentType || rec.Header().Get("Cache-Control") != tt.cache {
			t.Errorf("%s: %d %s %q", tt.path, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
		}
	}
}

// The forms: what the caller may send, from the serializer; a refused form comes back
// with what was sent and the errors next to the fields; a DELETE's page is a 200 that
// says 204.
func TestBrowsableForms(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	note := s.addNote(alice.User, "Buy milk", "two litres", false)
	detail := fmt.Sprintf("/api/notes/%d/", note.ID)
	html := map[string]string{"Accept": "text/html"}
	page := func(u *apiUser, r req) (int, string) {
		t.Helper()
		r.Header = html
		rec := s.as(u, r)
		return rec.Code, rec.Body.String()
	}

	t.Run("anonymous: the login form, no forms", func(t *testing.T) {
		code, body := page(nil, req{Method: http.MethodGet, Path: "/api/notes/"})
		if code != 401 || !strings.Contains(body, `id="login-open"`) || !strings.Contains(body, `>HTTP 401 Unauthorized<`) || strings.Contains(body, `id="html-form"`) || !strings.Contains(body, `<b>WWW-Authenticate:</b> Bearer realm=&#34;api&#34;`) {
			t.Errorf("%d\n%s", code, body)
		}
	})
	t.Run("the list: POST", func(t *testing.T) {
		code, body := page(alice, req{Method: http.MethodGet, Path: "/api/notes/"})
		for _, want := range []string{`id="html-POST"`, `id="raw-POST"`, `<input type="text" id="field-title" name="title" value="">`,
			`<textarea id="field-body" name="body" rows="4"></textarea>`, `<input type="checkbox" id="field-done" name="done" value="true">`,
			`<input type="file" id="field-attachment" name="attachment">`,
			`<span class="user" id="user">alice</span>`} {
			if !strings.Contains(body, want) {
				t.Errorf("no %s in\n%s", want, body)
			}
		}
		if code != 200 || strings.Contains(body, `id="html-PUT"`) || strings.Contains(body, `id="delete"`) || strings.Contains(body, `field-owner`) {
			t.Errorf("%d: a PUT, DELETE or read-only field on the list", code)
		}
	})
	t.Run("the owner's note: PUT, PATCH, DELETE, filled in", func(t *testing.T) {
		code, body := page(alice, req{Method: http.MethodGet, Path: detail})
		for _, want := range []string{`id="html-PUT"`, `id="html-PATCH"`, `id="delete"`, `value="Buy milk"`, `>two litres</textarea>`, `&#34;title&#34;: &#34;Buy milk&#34;`} {
			if !strings.Contains(body, want) {
				t.Errorf("%d: no %s in\n%s", code, want, body)
			}
		}
	})
	t.Run("another's note: read only", func(t *testing.T) {
		// The object's permissions decide the forms, as DRF's show_form_for_method.
		code, body := page(bob, req{Method: http.MethodGet, Path: detail})
		if code != 200 || !strings.Contains(body, `id="view-name">Note Instance<`) {
			t.Errorf("%d\n%s", code, body)
		}
		for _, refused := range []string{`id="html-PUT"`, `id="html-PATCH"`, `id="raw-PUT"`, `id="delete"`} {
			if strings.Contains(body, refused) {
				t.Errorf("%s on another user's note", refused)
			}
		}
	})
	t.Run("a refused form: the errors next to the fields", func(t *testing.T) {
		code, body := page(alice, req{Method: http.MethodPost, Path: "/api/notes/", Body: "title=&body=%3Cb%3Ekept%3C%2Fb%3E", ContentType: "application/x-www-form-urlencoded"})
		if code != 400 || !strings.Contains(body, `<span class="error field-error" data-field="title">This field may not be blank.</span>`) ||
			!strings.Contains(body, `>&lt;b&gt;kept&lt;/b&gt;</textarea>`) {
			t.Errorf("%d\n%s", code, body)
		}
	})
	t.Run("a DELETE's page", func(t *testing.T) {
		code, body := page(alice, req{Method: http.MethodDelete, Path: detail})
		if code != 200 || !strings.Contains(body, `<b id="status">HTTP 204 No Content</b>`) {
			t.Errorf("%d\n%s", code, body)
		}
		if rec := s.get(alice, detail); rec.Code != 404 {
			t.Errorf("the note is still there: %d", rec.Code)
		}
	})
}

// BROWSABLE_API=false: every client gets JSON, and the page's assets are gone.
func TestBrowsableOff(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.BrowsableAPI = false })
	for _, path := range []string{"/api/", "/api/?format=api"} {
		rec := s.do(req{Method: http.MethodGet, Path: path, Header: map[string]string{"Accept": browserAccept}})
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/static/rest_framework/browsable.js"}), 404, `{"detail":"Not found."}`)
	s2, _ := settings.Load(func(k string) (string, bool) {
		if k == "BROWSABLE_API" {
			return "false", true
		}
		return "", false
	})
	if s2 == nil || s2.BrowsableAPI {
		t.Errorf("BROWSABLE_API=false reads as %+v", s2)
	}
}
