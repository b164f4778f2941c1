package schema

import (
	"bytes"
	_ "embed" // the assets
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strings"

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

// The embedded files, each a []byte in the binary's data: served as they are, never
// copied to the heap, and read from disk only when someone loads the docs pages.
var (
	//go:embed assets/swagger-ui/swagger-ui-bundle.js
	swaggerUIBundle []byte
	//go:embed assets/swagger-ui/swagger-ui.css
	swaggerUICSS []byte
	//go:embed assets/swagger-ui/LICENSE
	swaggerUILicense []byte
	//go:embed assets/swagger-ui/NOTICE
	swaggerUINotice []byte
	//go:embed assets/swagger-ui/swagger-ui-bundle.js.LICENSE.txt
	swaggerUIBundleLicense []byte
	//go:embed assets/redoc/redoc.standalone.js
	redocStandalone []byte
	//go:embed assets/redoc/LICENSE
	redocLicense []byte
	//go:embed assets/swagger-init.js
	swaggerInit []byte
	// SHA256SUMS holds the hashes the served names carry (sha256sum's format), so that a
	// process need not hash 4 MB at start; TestAssetSums keeps it true.
	//go:embed assets/SHA256SUMS
	assetSums string
)

// embeddedFiles are the embedded files by their path under assets/.
func embeddedFiles() map[string][]byte {
	return map[string][]byte{
		"swagger-ui/swagger-ui-bundle.js":             swaggerUIBundle,
		"swagger-ui/swagger-ui.css":                   swaggerUICSS,
		"swagger-ui/LICENSE":                          swaggerUILicense,
		"swagger-ui/NOTICE":                           swaggerUINotice,
		"swagger-ui/swagger-ui-bundle.js.LICENSE.txt": swaggerUIBundleLicense,
		"redoc/redoc.standalone.js":                   redocStandalone,
		"redoc/LICENSE":                               redocLicense,
		"swagger-init.js":                             swaggerInit,
	}
}

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

// named is the embedded files by their served names.
type named struct {
	byName map[string]asset  // served name → file
	names  map[string]string // path under assets/ → served name
}

// NewAssets serves the embedded files under prefix (/api/schema/assets/).
func NewAssets(prefix string) *Assets {
	return &Assets{prefix: prefix, named: nameAssets(embeddedFiles(), assetSums)}
}

// nameAssets names each file after its hash in sums: "<hex sha256>  assets/<path>" lines.
func nameAssets(files map[string][]byte, sums string) *named {
	a := &named{byName: map[string]asset{}, names: map[string]string{}}
	for line := range strings.Lines(sums) {
		sum, p, ok := strings.Cut(strings.TrimSpace(line), "  ")
		p = strings.TrimPrefix(p, "assets/")
		body, found := files[p]
		if !ok || !found || len(sum) < 8 {
			panic(fmt.Sprintf("schema: assets/SHA256SUMS: %q names no embedded file", line)) // the binary itself is broken
		}
		base := path.Base(p)
		ext := path.Ext(base)
		if strings.HasSuffix(base, ".LICENSE.txt") {
			ext = ""
		}
		name := strings.TrimSuffix(base, ext) + "." + sum[:8] + ext
		if ext == "" { // licences: plain text whatever their names
			name = path.Base(path.Dir(p)) + "-" + base + "." + sum[:8] + ".txt"
		}
		a.byName[name] = asset{body: body, contentType: contentTypeOf(name)}
		a.names[p] = name
	}
	if len(a.names) != len(files) {
		panic("schema: assets/SHA256SUMS does not name every embedded file")
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
