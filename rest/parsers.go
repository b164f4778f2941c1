package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"ginrest/jsontext"
)

// Parsers are DRF's JSONParser, FormParser and MultiPartParser, with limits on how much
// of a body is read. Files have limits of their own (upload.go), so that a form with a
// photo is not held to the 1 MiB of a JSON body.
type Parsers struct {
	// MaxBytes is the largest body accepted (DATA_UPLOAD_MAX_MEMORY_SIZE): a JSON or form
	// body, and the value parts of a multipart body (files not counted); larger ones are
	// refused with 413. 0 is DefaultMaxBytes.
	MaxBytes int64
	// MaxUploadBytes is the largest multipart body, files included (FILE_UPLOAD_MAX_SIZE);
	// 0 is DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// FileMemoryBytes is how much of an uploaded file is held in memory before it goes to a
	// temporary file in TempDir (FILE_UPLOAD_MAX_MEMORY_SIZE, FILE_UPLOAD_TEMP_DIR; "" is
	// the system's). 0 is DefaultFileMemoryBytes.
	FileMemoryBytes int64
	TempDir         string
}

// DefaultMaxBytes is the body limit when none is configured: 1 MiB.
const DefaultMaxBytes = 1 << 20

var defaultParsers = Parsers{MaxBytes: DefaultMaxBytes}

// MediaTypes are the media types the parsers accept, in DRF's order (OPTIONS lists them).
var MediaTypes = []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}

// parseForm parses a body: its data, a form body's every value by key (nil for JSON or no
// body), for serializers that read forms as DRF reads a QueryDict, and a multipart body's
// files, whose temporary files the caller removes.
func (p *Parsers) parseForm(req *http.Request) (any, url.Values, map[string][]*UploadedFile, error) {
	ct := req.Header.Get("Content-Type")
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength == 0 {
		// DRF parses nothing without a body, whatever the media type.
		return map[string]any{}, nil, nil, nil
	}
	if ct == "" {
		// A body with no media type matches no parser: DRF's 415 names the empty type.
		// Guessing JSON would let a client skip the check every other type goes through.
		if req.ContentLength < 0 && emptyBody(req.Body) {
			return map[string]any{}, nil, nil, nil
		}
		return nil, nil, nil, UnsupportedMediaType("")
	}
	mediaType := ct // application/json, what nearly every API client sends: nothing to parse
	var params map[string]string
	var err error
	if ct != "application/json" {
		mediaType, params, err = mime.ParseMediaType(ct)
	}
	if err != nil && (!errors.Is(err, mime.ErrInvalidMediaParameter) || mediaType == "") {
		// A malformed parameter alone does not hide the media type, as in Django's
		// parse_header; a malformed media type is unsupported.
		return nil, nil, nil, UnsupportedMediaType(ct)
	}
	switch mediaType {
	case "application/json", "application/x-www-form-urlencoded", "multipart/form-data":
	default:
		return nil, nil, nil, UnsupportedMediaType(ct)
	}
	limit := p.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if mediaType == "multipart/form-data" {
		// Files count against the upload limit, the form's values against limit.
		limit = p.MaxUploadBytes
		if limit <= 0 {
			limit = DefaultMaxUploadBytes
		}
	}
	if req.ContentLength > limit {
		// Refused before a byte is read, as Django refuses by CONTENT_LENGTH: Go's server
		// answers "Expect: 100-continue" on the first read of the body, so a client that
		// asked first is told 413 without ever sending the body.
		return nil, nil, nil, RequestTooLarge()
	}
	switch mediaType {
	case "application/json":
		body, err := readLimited(req.Body, req.ContentLength, limit)
		if err != nil {
			return nil, nil, nil, err
		}
		data, err := parseJSON(body)
		return data, nil, nil, err
	case "application/x-www-form-urlencoded":
		body, err := readLimited(req.Body, req.ContentLength, limit)
		if err != nil {
			return nil, nil, nil, err
		}
		values, err := url.ParseQuery(pythonQuery(body))
		if err != nil {
			return nil, nil, nil, ParseError("Form parse error - " + err.Error())
		}
		return lastValues(values), values, nil, nil
	default: // multipart/form-data
		if params["boundary"] == "" {
			return nil, nil, nil, ParseError("Multipart form parse error - Invalid boundary in multipart: None")
		}
		values, files, err := p.parseMultipart(http.MaxBytesReader(nil, req.Body, limit), params["boundary"])
		if err != nil {
			return nil, nil, nil, err
		}
		return lastValues(values), values, files, nil
	}
}

// emptyBody reports whether a body of unknown length (chunked) holds nothing, reading at
// most one byte of it; it is read only when the request is refused anyway if it does not.
func emptyBody(body io.Reader) bool {
	var b [1]byte
	n, _ := io.ReadFull(body, b[:])
	return n == 0
}

// readLimited reads a body of at most limit bytes; size is its Content-Length, -1 when
// unknown (chunked), in which case the limit is found by reading.
func readLimited(body io.Reader, size, limit int64) ([]byte, error) {
	if size > 0 && size <= limit {
		// One buffer of the declared size: the server's body ends there (a shorter one is
		// an unexpected EOF). io.ReadAll would start at 512 bytes and grow.
		data := make([]byte, size)
		if _, err := io.ReadFull(body, data); err != nil {
			return nil, ParseError("Could not read the request body.")
		}
		return data, nil
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, ParseError("Could not read the request body.")
	}
	if int64(len(data)) > limit {
		return nil, RequestTooLarge()
	}
	return data, nil
}

// ParseJSON decodes a JSON body as DRF's JSONParser does: an empty body is an empty object,
// numbers keep their text (json.Number), and anything after the value is an error, as are
// bytes that are not UTF-8 and \uXXXX escapes of half a surrogate pair (see jsontext):
// UTF-8 first, as DRF decodes the text before parsing it; surrogates once the JSON is known
// to be well formed, so that a syntax error is reported as Python would report it.
func ParseJSON(body []byte) (any, error) { return parseJSON(body) }

func parseJSON(body []byte) (any, error) {
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	if obj, ok := flatStrings(body); ok {
		return obj, nil
	}
	return decodeJSON(body)
}

// decodeJSON is parseJSON for any non-empty body, with encoding/json.
func decodeJSON(body []byte) (any, error) {
	if msg := jsontext.UTF8Error(body); msg != "" {
		return nil, ParseError("JSON parse error - " + msg)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ParseError("JSON parse error - Extra data after the JSON value")
	}
	if msg := jsontext.SurrogateError(body); msg != "" {
		return nil, ParseError("JSON parse error - " + msg)
	}
	return v, nil
}

func jsonError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ParseError("JSON parse error - unexpected end of JSON input")
	}
	return ParseError("JSON parse error - " + err.Error())
}

// pythonQuery rewrites a form body so that url.ParseQuery reads it as Django's QueryDict
// (Python's parse_qsl) does: a ";" is part of a value, not an error, and a "%" that starts
// no escape is a literal "%" (Go refuses both, which would turn `password=a;b` into a 400).
func pythonQuery(body []byte) string {
	if bytes.IndexByte(body, ';') < 0 && bytes.IndexByte(body, '%') < 0 {
		return string(body)
	}
	var b strings.Builder
	b.Grow(len(body) + 16)
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == ';':
			b.WriteString("%3B")
		case c == '%' && (i+2 >= len(body) || !isHex(body[i+1]) || !isHex(body[i+2])):
			b.WriteString("%25")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// lastValues flattens form values as QueryDict.get does: the last value of a repeated key.
func lastValues(values map[string][]string) map[string]any {
	data := make(map[string]any, len(values))
	for k, v := range values {
		if len(v) > 0 {
			data[k] = v[len(v)-1]
		}
	}
	return data
}
