package renderers

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"

	"ginrest/rest"
)

// The page's script and style sheet, served from the binary (DRF's static/rest_framework),
// so that the pages' policy allows this server's script only and no inline one.
const (
	scriptFile = "browsable.js"
	styleFile  = "browsable.css"
)

//go:embed static/browsable.js static/browsable.css
var staticFiles embed.FS

// assets are the embedded files by name, each with a hash of its content, which its URL
// carries (?v=…): a browser may keep a file as long as it likes under that URL.
type assets map[string]staticFile

type staticFile struct {
	body        []byte
	contentType string
	version     string
}

// loadAssets reads the embedded files once per process: they are the binary's.
var loadAssets = sync.OnceValue(func() assets {
	a := assets{}
	for name, contentType := range map[string]string{scriptFile: "text/javascript; charset=utf-8", styleFile: "text/css; charset=utf-8"} {
		body, err := staticFiles.ReadFile("static/" + name)
		if err != nil {
			panic(fmt.Sprintf("renderers: the embedded %s: %v", name, err)) // the binary itself is broken
		}
		sum := sha256.Sum256(body)
		a[name] = staticFile{body: body, contentType: contentType, version: hex.EncodeToString(sum[:6])}
	}
	return a
})

func (a assets) url(prefix, name string) string { return prefix + name + "?v=" + a[name].version }

// Asset serves the page's script and style sheet at prefix:file (the route's parameter
// param). Anyone may load them; no credentials are read and no throttle counts them.
type Asset struct {
	rest.APIView
	param string
}

var _ rest.Getter = (*Asset)(nil)

// NewAsset serves the assets; param is the route's parameter holding the file's name.
func NewAsset(param string) *Asset {
	return &Asset{param: param, APIView: rest.APIView{
		Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{}, Throttles: []rest.Throttle{},
		Name: "Browsable API Asset", Description: "The browsable API's script and style sheet.",
		Renders: []string{"text/css", "text/javascript", "application/javascript"},
		Schema:  rest.Schema{Exclude: true}, // not an operation of the API
	}}
}

// immutable lets a browser keep a file a year: its URL changes with its content.
const immutable = "public, max-age=31536000, immutable"

func (v *Asset) Get(r *rest.Request) (*rest.Response, error) {
	f, ok := loadAssets()[r.Param(v.param)]
	if !ok {
		return nil, rest.NotFound()
	}
	cache := "no-cache" // an old or missing version: this content is not what it names
	if version, _ := r.QueryParam("v"); version == f.version {
		cache = immutable
	}
	return &rest.Response{Status: http.StatusOK, Body: f.body, ContentType: f.contentType,
		Header: http.Header{"Cache-Control": {cache}}}, nil
}
