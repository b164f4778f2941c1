package rest_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ginrest/rest"
)

// pages is a fake page renderer: it writes what it was given.
type pages struct {
	got *rest.Page
	err error
}

func (p *pages) RenderPage(page *rest.Page) ([]byte, http.Header, error) {
	p.got = page
	if p.err != nil {
		return nil, nil, p.err
	}
	return []byte("<p>" + page.Name + "</p>"), http.Header{"Content-Security-Policy": {"default-src 'none'"}}, nil
}

// TestPageNegotiation is DRF's renderer choice between JSONRenderer and
// BrowsableAPIRenderer: JSON first, so */* and no Accept header are JSON; a browser's
// Accept is the page; ?format= keeps one renderer, whose media type Accept must allow.
func TestPageNegotiation(t *testing.T) {
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	tests := []struct {
		name, target string
		accept       []string // nil: no header
		want         int
		page         bool
	}{
		{"no Accept header", "/", nil, 200, false},
		{"curl's */*", "/", []string{"*/*"}, 200, false},
		{"application/json", "/", []string{"application/json"}, 200, false},
		{"a browser", "/", []string{browser}, 200, true},
		{"text/html", "/", []string{"text/html"}, 200, true},
		{"text/*", "/", []string{"text/*"}, 200, true},
		{"JSON named first wins over text/html", "/", []string{"application/json, text/html"}, 200, false},
		{"html named first still loses to json at equal precedence, as DRF orders renderers", "/", []string{"text/html, application/json"}, 200, false},
		{"format=json in a browser", "/?format=json", []string{browser}, 200, false},
		{"format=api with */*", "/?format=api", []string{"*/*"}, 200, true},
		{"format=api without Accept", "/?format=api", nil, 200, true},
		{"format=api, JSON only", "/?format=api", []string{"application/json"}, 406, false},
		{"format=json, HTML only", "/?format=json", []string{"text/html"}, 406, false},
		{"an unknown format is the view's", "/?format=yaml", []string{browser}, 200, true},
		{"application/xml", "/", []string{"application/xml"}, 406, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := &pages{}
			view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny), Name: "Hello"}}
			h := rest.NewHandler(view, rest.Defaults{Pages: pr})
			header := http.Header{}
			if tt.accept != nil {
				header["Accept"] = tt.accept
			}
			rec := call(t, h, http.MethodGet, tt.target, header, "")
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d", rec.Code, tt.want)
			}
			ct := rec.Header().Get("Content-Type")
			if tt.page {
				if ct != "text/html; charset=utf-8" || rec.Body.String() != "<p>Hello</p>" || rec.Header().Get("Content-Security-Policy") == "" {
					t.Errorf("page: %s %q %v", ct, rec.Body, rec.Header())
				}
				return
			}
			if ct != "application/json" || strings.Contains(rec.Body.String(), "<") || pr.got != nil {
				t.Errorf("JSON: %s %q (page rendered: %v)", ct, rec.Body, pr.got != nil)
			}
		})
	}
}

// Without a page renderer (BROWSABLE_API=false) a browser gets JSON, and ?format=api is
// ignored.
func TestPageNegotiationWithoutPages(t *testing.T) {
	for _, target := range []string{"/", "/?format=api"} {
		view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)}}
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, target, hdr("Accept", "text/html"), "")
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != bodyHello {
			t.Errorf("%s: %d %s %s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

// TestPageOf checks what the renderer is given: the status and headers a JSON client gets,
// the forms of the methods the caller may use, DELETE by permission; a 204 goes as 200.
func TestPageOf(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		auth      string
		wantForms []string
		delete    bool
		status    int
	}{
		{"anonymous reads", http.MethodGet, "", nil, false, 200},
		{"signed in", http.MethodGet, "Bearer good", []string{"POST", "PUT", "PATCH"}, true, 200},
		{"a DELETE's 204 is sent as 200", http.MethodDelete, "Bearer good", []string{"POST", "PUT", "PATCH"}, true, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := &pages{}
			view := &Everything{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(readOnlyOrAuth)}}
			h := rest.NewHandler(view, rest.Defaults{Pages: pr})
			rec := call(t, h, tt.method, "/", hdr("Accept", "text/html", "Authorization", tt.auth), "")
			if rec.Code != tt.status || pr.got == nil {
				t.Fatalf("status = %d, page %v", rec.Code, pr.got)
			}
			var forms []string
			for _, f := range pr.got.Forms {
				forms = append(forms, f.Method)
			}
			if strings.Join(forms, ",") != strings.Join(tt.wantForms, ",") || pr.got.Delete != tt.delete {
				t.Errorf("forms %v, delete %v; want %v, %v", forms, pr.got.Delete, tt.wantForms, tt.delete)
			}
			if pr.got.Header.Get("Allow") != "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS" || pr.got.Header.Get("Vary") != "Accept" {
				t.Errorf("page headers %v", pr.got.Header)
			}
			if tt.method == http.MethodDelete && (pr.got.Status != 204 || rec.Body.Len() == 0) {
				t.Errorf("DELETE: page status %d, body %q", pr.got.Status, rec.Body)
			}
		})
	}
}

// A renderer that fails leaves the client its JSON, and the failure in the log.
func TestPageRendererFails(t *testing.T) {
	logger, logs := quietLogger()
	view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)}}
	h := rest.NewHandler(view, rest.Defaults{Pages: &pages{err: errors.New("boom")}, Logger: logger})
	rec := call(t, h, http.MethodGet, "/", hdr("Accept", "text/html"), "")
	if rec.Code != 200 || rec.Body.String() != bodyHello || !strings.Contains(logs.String(), "boom") {
		t.Errorf("%d %s; log %s", rec.Code, rec.Body, logs)
	}
}

// TestIndent is DRF's JSONRenderer.get_indent: Accept: application/json; indent=N indents
// by N spaces, kept within 0 to 8; 0 or a non-number is compact.
func TestIndent(t *testing.T) {
	tests := []struct{ accept, want string }{
		{"application/json; indent=4", "{\n    \"message\": \"Hello, authenticated user!\"\n}"},
		{"application/json;indent=2", "{\n  \"message\": \"Hello, authenticated user!\"\n}"},
		{"application/json; indent=20", "{\n        \"message\": \"Hello, authenticated user!\"\n}"},
		{"application/json; indent=99999999999999999999999", "{\n        \"message\": \"Hello, authenticated user!\"\n}"},
		{"application/json; indent=0", bodyHello},
		{"application/json; indent=-3", bodyHello},
		{"application/json; indent=four", bodyHello},
		{`application/json; indent="4"`, "{\n    \"message\": \"Hello, authenticated user!\"\n}"},
		{"*/*; indent=4", "{\n    \"message\": \"Hello, authenticated user!\"\n}"}, // DRF keeps */*'s parameters on application/json
		{"*/*", bodyHello},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)}}
			rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, "/", hdr("Accept", tt.accept), "")
			if rec.Code != 200 || rec.Body.String() != tt.want || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("%d %s %q, want %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body, tt.want)
			}
		})
	}
}

// FuzzPageNegotiation: whatever the Accept header and query, the answer is 200 or 406,
// and a page only for a client one of whose media ranges covers text/html (or with no
// Accept header, ?format=api): a JSON client never gets HTML.
func FuzzPageNegotiation(f *testing.F) {
	for _, seed := range [][2]string{{"*/*", ""}, {"text/html", ""}, {"", "format=api"}, {"application/json; indent=4", "format=json"},
		{"text/html;q=0, application/json", ""}, {"TEXT/*", "format=api&format=json"}, {",,;;=", "format"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, accept, query string) {
		if _, err := url.ParseRequestURI("/?" + query); err != nil || strings.ContainsAny(accept, "\r\n\x00") || strings.ContainsAny(query, " #") {
			return // not a header or a query a server receives
		}
		view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny)}}
		h := rest.NewHandler(view, rest.Defaults{Pages: &pages{}})
		header := http.Header{}
		if accept != "" {
			header.Set("Accept", accept)
		}
		rec := call(t, h, http.MethodGet, "/?"+query, header, "")
		if rec.Code != 200 && rec.Code != 406 {
			t.Fatalf("status %d", rec.Code)
		}
		if rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			return
		}
		coversHTML := accept == ""
		for item := range strings.SplitSeq(accept, ",") {
			typ, _, _ := strings.Cut(item, ";")
			main, sub, _ := strings.Cut(strings.TrimSpace(typ), "/")
			if (main == "*" || strings.EqualFold(main, "text")) && (sub == "*" || strings.EqualFold(sub, "html")) {
				coversHTML = true
			}
		}
		if !coversHTML {
			t.Fatalf("a page for Accept %q ?%s", accept, query)
		}
	})
}
