package views

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"ginrest/files"
	"ginrest/rest"
)

// Media serves uploaded files from storage at MEDIA_URL in DEBUG only, as Django's
// static() and its serve view do: in production a web server or a bucket serves them.
// Uploaded content is the client's, so it is never served as something a browser runs:
// the type is sniffed from the content (never the name nor what the uploader declared),
// nosniff forbids the browser to guess otherwise, a sandboxing Content-Security-Policy
// applies, and anything but a PNG, JPEG, GIF or WebP image is an attachment, downloaded
// rather than shown. An uploaded HTML or SVG page cannot run script on this origin.
type Media struct {
	rest.APIView
	storage files.Storage
	param   string
}

var _ rest.Getter = (*Media)(nil)

// inlineTypes are shown in the browser; everything else is downloaded.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// NewMedia serves storage's files; param is the route's catch-all parameter holding the
// stored name (/media/*path).
func NewMedia(storage files.Storage, param string) *Media {
	return &Media{APIView: rest.APIView{Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{},
		Throttles: []rest.Throttle{}, Name: "Media", Description: "Uploaded files, served in DEBUG.",
		Renders: []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/octet-stream", "text/plain"},
		Schema:  rest.Schema{Exclude: true}}, storage: storage, param: param}
}

func (v *Media) Get(r *rest.Request) (*rest.Response, error) {
	name, err := files.CleanName(strings.TrimPrefix(r.Param(v.param), "/"))
	if err != nil {
		return nil, rest.NotFound()
	}
	f, err := v.storage.Open(name)
	if err != nil {
		return nil, rest.NotFound() // no such file, or a name that leaves the root
	}
	defer f.Close()
	body, err := io.ReadAll(f)
	if err != nil {
		return nil, errors.Join(errors.New("views: reading a media file"), err)
	}
	ct := http.DetectContentType(body)
	mediaType, _, _ := mime.ParseMediaType(ct)
	h := http.Header{}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if !inlineTypes[mediaType] {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(name)}))
		if strings.HasPrefix(mediaType, "text/") {
			ct = "text/plain; charset=utf-8" // HTML, XML (SVG) are text to a download
		}
	}
	return &rest.Response{Status: http.StatusOK, Body: body, ContentType: ct, Header: h}, nil
}
