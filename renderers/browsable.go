// Package renderers is DRF's renderers module for what the core does not render itself:
// BrowsableAPI, the API as HTML pages for a person in a browser. rest negotiates (a
// browser's Accept, or ?format=api) and calls it through rest.PageRenderer; the app wires
// it in unless BROWSABLE_API=false.
package renderers

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ginrest/rest"
)

// CSP is the pages' Content-Security-Policy: the page script and style sheet from this
// server, no inline script or style, requests to this server only, no native form
// submission (every form is sent by the script, with the token) and no framing.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"

// Config is what the pages know of the app: its name, its API root, where the page script
// logs in, refreshes and logs out (simplejwt's views; "" where the route is off), and
// cookie mode.
type Config struct {
	Brand      string // the name in the navigation bar: "ginrest"
	RootURL    string // /api/
	LoginURL   string // /api/token/
	RefreshURL string // /api/token/refresh/
	LogoutURL  string // /api/token/blacklist/ ("" without the blacklist: logging out forgets the tokens)
	// MFAURL is where a login answered with an mfa token is finished with a code:
	// /api/token/mfa/.
	MFAURL string
	// CSRFCookie is AUTH_COOKIE_CSRF_NAME in cookie mode, "" otherwise: the script echoes
	// the cookie in X-CSRFToken to the token views, and keeps no refresh token itself.
	CSRFCookie string
	// AssetsPath is where Asset is mounted, ending in "/": /static/rest_framework/.
	AssetsPath string
}

//go:embed templates/api.html
var templateFiles embed.FS

var pageTemplate = template.Must(template.New("api.html").ParseFS(templateFiles, "templates/api.html"))

// BrowsableAPI is DRF's BrowsableAPIRenderer: a rest.PageRenderer.
type BrowsableAPI struct {
	cfg           Config
	script, style string // the assets' URLs
}

var _ rest.PageRenderer = (*BrowsableAPI)(nil)

// NewBrowsableAPI renders pages for the app cfg describes.
func NewBrowsableAPI(cfg Config) *BrowsableAPI {
	if cfg.Brand == "" {
		cfg.Brand = "ginrest"
	}
	a := loadAssets()
	return &BrowsableAPI{cfg: cfg, script: a.url(cfg.AssetsPath, scriptFile), style: a.url(cfg.AssetsPath, styleFile)}
}

// pageHeader are the headers of every page: the policy, and no caching of a page that may
// show what a token let its holder see.
var pageHeader = http.Header{
	"Content-Security-Policy": {CSP},
	"Cache-Control":           {"no-cache"},
}

// RenderPage renders the page of a response (rest.PageRenderer).
func (b *BrowsableAPI) RenderPage(p *rest.Page) ([]byte, http.Header, error) {
	body, err := indentJSON(p.Data)
	if err != nil {
		return nil, nil, err
	}
	r := p.Request
	d := pageData{
		Config: b.cfg, Script: b.script, Style: b.style,
		Name: p.Name, Description: paragraphs(p.Description),
		Method: r.HTTP.Method, URL: r.HTTP.URL.RequestURI(),
		Status:  "HTTP " + strconv.Itoa(p.Status) + " " + http.StatusText(p.Status),
		Headers: headerLines(p.Header), Delete: p.Delete,
		ShowRoot: b.cfg.RootURL != "" && r.HTTP.URL.Path != b.cfg.RootURL,
	}
	if p.Data != nil {
		d.Body = linkify(body, r.HTTP.Host)
	}
	if u, ok := r.User.(interface{ GetUsername() string }); ok && r.User.IsAuthenticated() {
		d.User = u.GetUsername()
		if d.User == "" {
			d.User = "signed in"
		}
	}
	var data map[string]any
	if p.Data != nil {
		_ = json.Unmarshal(body, &data) // not an object: no links, no instance
	}
	d.Previous, d.Next = localURL(data["previous"], r.HTTP.Host), localURL(data["next"], r.HTTP.Host)
	d.Forms = forms(p, data)
	var out bytes.Buffer
	if err := pageTemplate.Execute(&out, d); err != nil {
		return nil, nil, fmt.Errorf("renderers: the browsable API's page: %w", err)
	}
	return out.Bytes(), pageHeader, nil
}

// pageData is what the template shows.
type pageData struct {
	Config        Config
	Script, Style string
	Name          string
	Description   []string
	Method, URL   string // the request
	Status        string // "HTTP 200 OK"
	Headers       []headerLine
	Body          template.HTML // the response's JSON, escaped, its local URLs links
	User          string        // who is signed in, "" for nobody
	ShowRoot      bool
	Previous      string
	Next          string
	Forms         *formsData // nil: the caller may send nothing
	Delete        bool
}

type headerLine struct{ Name, Value string }

// headerLines are the response's headers as DRF's page lists them: Allow, Content-Type and
// Vary first, then the rest by name.
func headerLines(h http.Header) []headerLine {
	first := []string{"Allow", "Content-Type", "Vary"}
	var names []string
	for k := range h {
		if !slices.Contains(first, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var lines []headerLine
	for _, k := range append(first, names...) {
		name := k
		if k == "Www-Authenticate" { // Go's canonical form; the RFC's, as DRF shows it
			name = "WWW-Authenticate"
		}
		for _, v := range h[k] {
			lines = append(lines, headerLine{name, v})
		}
	}
	return lines
}

// paragraphs is the view's description as DRF shows a docstring without markdown: its
// paragraphs, separated by blank lines.
func paragraphs(s string) []string {
	var ps []string
	for p := range strings.SplitSeq(strings.TrimSpace(s), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}

// indentJSON is the response's JSON as the page shows it: indented by four spaces, <, >
// and & as they are (the template escapes them), DRF's renderer_context indent.
func indentJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
