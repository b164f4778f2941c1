package apitest

import "net/http"

// An Option changes one request: its body's Format, Raw, a Header, or With.
type Option interface{ apply(*call) }

// call is what the options of one request say.
type call struct {
	format      Format
	raw         bool
	contentType string
	headers     [][2]string
	modify      []func(*http.Request)
}

// Format is how a body is encoded: DRF's format="json" / "multipart", plus urlencoded forms.
type Format int

const (
	// JSON encodes the body with encoding/json: the default.
	JSON Format = iota
	// Form encodes it as application/x-www-form-urlencoded; the body is url.Values or a map
	// of names to strings, numbers, booleans or lists of them.
	Form
	// Multipart encodes it as multipart/form-data, with the same bodies as Form.
	Multipart
)

func (f Format) apply(c *call) { c.format = f }

type rawOption string

func (ct rawOption) apply(c *call) { c.raw, c.contentType = true, string(ct) }

// Raw sends the body (a string or []byte) as it is, with that Content-Type ("" for none):
// for malformed JSON, other media types, exact bytes.
func Raw(contentType string) Option { return rawOption(contentType) }

type headerOption [2]string

func (h headerOption) apply(c *call) { c.headers = append(c.headers, h) }

// Header sets a header on this request only, over any the client would send.
func Header(name, value string) Option { return headerOption{name, value} }

type withOption func(*http.Request)

func (f withOption) apply(c *call) { c.modify = append(c.modify, f) }

// With changes the request just before it is sent: its RemoteAddr, Host, TLS, context...
func With(f func(r *http.Request)) Option { return withOption(f) }
