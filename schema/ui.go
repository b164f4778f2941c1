package schema

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"ginrest/rest"
)

// The documentation pages: drf-spectacular's SpectacularSwaggerView and
// SpectacularRedocView, with their scripts served from the binary (drf-spectacular-sidecar)
// rather than a CDN, and a Content-Security-Policy that allows this server's scripts only.

// Releases are the npm releases the embedded assets come from.
const (
	SwaggerUIRelease = "swagger-ui-dist@5.36.0"
	RedocRelease     = "redoc@3.0.1"
)

//go:embed assets/swagger-ui/swagger-ui-bundle.js assets/swagger-ui/swagger-ui.css
//go:embed assets/swagger-ui/LICENSE assets/swagger-ui/NOTICE assets/swagger-ui/swagger-ui-bundle.js.LICENSE.txt
//go:embed assets/redoc/redoc.standalone.js assets/redoc/LICENSE
//go:embed assets/swagger-init.js
var assetFiles embed.FS

// CSP is the pages' Content-Security-Policy: scripts, styles, images and fetches from this
// server only, no inline script. Inline styles are allowed: Swagger UI sets style
// attributes and Redoc injects its styled-components' <style> elements; Redoc's search
// runs in a worker made from a blob.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; " +
	"frame-ancestors 'none'; object-src 'none'"

// AssetCacheControl lets browsers and proxies keep an asset a year: its URL changes with
// its content.
const AssetCacheControl = "public, max-age=31536000, immutable"

// asset is one embedded file as served.
type asset struct {
	body        []byte
	contentType string
}

// Assets are the embedded files under their served names, each carrying a hash of its
// content (swagger-ui-bundle.3f2a9c1d.js), served under a prefix.
type Assets struct {
	prefix string // the URL the Asset view is mounted at, ending in "/"
	*named
}

// named is the embedded files by their served names: derived from the binary alone, so
// hashed once per process (4 MB), whichever apps serve them.
type named struct {
	byName map[string]asset  // served name → file
	names  map[string]string // embedded path → served name
}

var namedAssets = sync.OnceValue(nameAssets)

// NewAssets serves the embedded files under prefix (/api/schema/assets/).
func NewAssets(prefix string) *Assets {
	return &Assets{prefix: prefix, named: namedAssets()}
}

func nameAssets() *named {
	a := &named{byName: map[string]asset{}, names: map[string]string{}}
	err := fs.WalkDir(assetFiles, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		base := path.Base(p)
		ext := path.Ext(base)
		if strings.HasSuffix(base, ".LICENSE.txt") || ext == "" {
			ext = ""
		}
		name := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		if ext == "" {
			name = path.Base(path.Dir(p)) + "-" + base + "." + hex.EncodeToString(sum[:4]) + ".txt"
		}
		a.byName[name] = asset{body: body, contentType: contentTypeOf(name)}
		a.names[strings.TrimPrefix(p, "assets/")] = name
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("schema: the embedded assets: %v", err)) // the binary itself is broken
	}
	return a
}

func contentTypeOf(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// URL is where the embedded file at p (swagger-ui/swagger-ui.css) is served.
func (a *Assets) URL(p string) string {
	name, ok := a.names[p]
	if !ok {
		panic("schema: no embedded asset " + p)
	}
	return a.prefix + name
}

// Asset serves the embedded files at prefix/:file, cached for a year.
type Asset struct {
	rest.APIView
	assets *Assets
	param  string
}

var _ rest.Getter = (*Asset)(nil)

// NewAsset serves assets; param is the route's parameter holding the file's name.
func NewAsset(assets *Assets, param string) *Asset {
	return &Asset{APIView: pageView("Schema Asset", "The scripts and styles of the documentation pages."), assets: assets, param: param}
}

func (v *Asset) Get(r *rest.Request) (*rest.Response, error) {
	f, ok := v.assets.byName[r.Param(v.param)]
	if !ok {
		return nil, rest.NotFound()
	}
	return &rest.Response{Status: http.StatusOK, Body: f.body, ContentType: f.contentType,
		Header: http.Header{"Cache-Control": {AssetCacheControl}}}, nil
}

// pageView is what the pages and assets share: anyone may load them, no credentials are
// read, no throttle counts them, and they are not operations of the API.
func pageView(name, description string) rest.APIView {
	return rest.APIView{Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{},
		Throttles: []rest.Throttle{}, Name: name, Description: description,
		Renders: []string{"text/css", "text/javascript", "application/javascript", "text/plain"},
		Schema:  rest.Schema{Exclude: true}}
}

// Page is an HTML page over the document: Swagger UI or Redoc.
type Page struct {
	rest.APIView
	html []byte
}

var _ rest.Getter = (*Page)(nil)

var swaggerPage = template.Must(template.New("swagger").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.CSS}}">
</head>
<body>
<div id="swagger-ui" data-schema-url="{{.SchemaURL}}"></div>
<script src="{{.Bundle}}"></script>
<script src="{{.Init}}"></script>
</body>
</html>
`))

var redocPage = template.Must(template.New("redoc").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
</head>
<body>
<redoc spec-url="{{.SchemaURL}}" disable-telemetry="true"></redoc>
<script type="module" src="{{.Bundle}}"></script>
</body>
</html>
`))

// NewSwaggerUI is Swagger UI over the document at schemaURL: its Authorize button takes
// the access token of /api/token/ (the bearerAuth scheme).
func NewSwaggerUI(title, schemaURL string, assets *Assets) *Page {
	return newPage("Swagger UI", swaggerPage, map[string]string{
		"Title": title + " – Swagger UI", "SchemaURL": schemaURL,
		"CSS": assets.URL("swagger-ui/swagger-ui.css"), "Bundle": assets.URL("swagger-ui/swagger-ui-bundle.js"),
		"Init": assets.URL("swagger-init.js"),
	})
}

// NewRedoc is Redoc over the document at schemaURL.
func NewRedoc(title, schemaURL string, assets *Assets) *Page {
	return newPage("Redoc", redocPage, map[string]string{
		"Title": title + " – ReDoc", "SchemaURL": schemaURL, "Bundle": assets.URL("redoc/redoc.standalone.js"),
	})
}

func newPage(name string, t *template.Template, data map[string]string) *Page {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		panic(fmt.Sprintf("schema: the %s page: %v", name, err))
	}
	return &Page{APIView: pageView(name, "The API's documentation, from its OpenAPI document."), html: b.Bytes()}
}

func (v *Page) Get(*rest.Request) (*rest.Response, error) {
	return &rest.Response{Status: http.StatusOK, Body: v.html, ContentType: "text/html; charset=utf-8",
		Header: http.Header{
			"Content-Security-Policy": {CSP},
			"Cache-Control":           {"no-cache"},
			"Referrer-Policy":         {"same-origin"},
		}}, nil
}
