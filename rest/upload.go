package rest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// UploadedFile is one file of a multipart body, Django's UploadedFile (request.FILES): held
// in memory up to the parsers' FileMemoryBytes, in a temporary file beyond, removed when the
// request is over. Nothing of it reaches MEDIA_ROOT until a serializer saves it.
type UploadedFile struct {
	// Name is the file name the client sent, without any directory.
	Name string
	// Size is the file's length in bytes.
	Size int64
	// ContentType is what the client declared; never trust it: Sniff reads the content.
	ContentType string

	data []byte // in memory, or
	path string // a temporary file
}

// NewUploadedFile is an upload held in memory, for tests and for views that make one.
func NewUploadedFile(name string, content []byte) *UploadedFile {
	return &UploadedFile{Name: name, Size: int64(len(content)), data: content}
}

// Open reads the file from its start; close what it returns.
func (u *UploadedFile) Open() (io.ReadSeekCloser, error) {
	if u.path == "" {
		return nopCloser{bytes.NewReader(u.data)}, nil
	}
	return os.Open(u.path)
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Sniff is the media type of the file's first 512 bytes by http.DetectContentType, the
// content's own word rather than the client's.
func (u *UploadedFile) Sniff() string {
	f, err := u.Open()
	if err != nil {
		return "application/octet-stream"
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return http.DetectContentType(head[:n])
}

// remove deletes the temporary file, if there is one.
func (u *UploadedFile) remove() {
	if u.path != "" {
		_ = os.Remove(u.path)
	}
}

// Upload limits, Django's defaults.
const (
	// DefaultFileMemoryBytes is FILE_UPLOAD_MAX_MEMORY_SIZE: 2.5 MiB.
	DefaultFileMemoryBytes = 2621440
	// DefaultMaxUploadBytes bounds a multipart body, files included: 10 MiB.
	DefaultMaxUploadBytes = 10 << 20
	// MaxFormFields is DATA_UPLOAD_MAX_NUMBER_FIELDS: the parts of a multipart body.
	MaxFormFields = 1000
)

// Files are the files of a multipart body by field name, in the order sent (Django's
// request.FILES); nil for any other body. Read Data first.
func (r *Request) Files() map[string][]*UploadedFile { return r.files }

// RemoveUploads deletes the temporary files of the request's uploads; the dispatcher calls
// it once the response is written.
func (r *Request) RemoveUploads() {
	for _, list := range r.files {
		for _, f := range list {
			f.remove()
		}
	}
}

// parseMultipart is Django's MultiPartParser: value parts are the form (their bytes, with
// their names, bounded by MaxBytes: DATA_UPLOAD_MAX_MEMORY_SIZE), file parts are uploads
// (the whole body bounded by MaxUploadBytes). A part with an empty file name is an empty
// file input, skipped as Django skips it. On any error nothing is kept: the temporary
// files already written are removed, so a client that disconnects mid-upload leaves
// nothing behind.
func (p *Parsers) parseMultipart(body io.Reader, boundary string) (url.Values, map[string][]*UploadedFile, error) {
	limit := p.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	memory := p.FileMemoryBytes
	if memory <= 0 {
		memory = DefaultFileMemoryBytes
	}
	values := url.Values{}
	files := map[string][]*UploadedFile{}
	ok := false
	defer func() {
		if !ok {
			for _, list := range files {
				for _, f := range list {
					f.remove()
				}
			}
		}
	}()
	fail := func(err error) error {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return RequestTooLarge()
		}
		return ParseError("Multipart form parse error - " + err.Error())
	}
	mr := multipart.NewReader(body, boundary)
	var used int64
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fail(err)
		}
		if parts >= MaxFormFields {
			return nil, nil, ParseError("The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.")
		}
		_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name := params["name"]
		if err != nil || name == "" {
			continue // Django skips a part it cannot name
		}
		filename, isFile := params["filename"]
		if !isFile {
			used += int64(len(name))
			value, err := io.ReadAll(io.LimitReader(part, limit-used+1))
			if err != nil {
				return nil, nil, fail(err)
			}
			if used += int64(len(value)); used > limit {
				return nil, nil, RequestTooLarge()
			}
			values[name] = append(values[name], string(value))
			continue
		}
		// Django's sanitize_file_name: the last element of what the client sent.
		filename = strings.ReplaceAll(filename, "\\", "/")
		filename = strings.TrimSpace(filename[strings.LastIndexByte(filename, '/')+1:])
		if filename == "" || filename == "." || filename == ".." {
			continue
		}
		f, err := p.receive(part, memory)
		if err != nil {
			return nil, nil, fail(err)
		}
		f.Name, f.ContentType = filename, part.Header.Get("Content-Type")
		files[name] = append(files[name], f)
	}
	ok = true
	if len(files) == 0 {
		files = nil
	}
	return values, files, nil
}

// receive reads one file part: in memory up to memory bytes, then into a temporary file.
func (p *Parsers) receive(part io.Reader, memory int64) (*UploadedFile, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(part, memory+1))
	if err != nil {
		return nil, err
	}
	if n <= memory {
		return &UploadedFile{Size: n, data: buf.Bytes()}, nil
	}
	tmp, err := os.CreateTemp(p.TempDir, "ginrest-upload-*")
	if err != nil {
		return nil, err
	}
	f := &UploadedFile{path: tmp.Name()}
	size, err := io.Copy(tmp, io.MultiReader(&buf, part))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		f.remove()
		return nil, err
	}
	f.Size = size
	return f, nil
}
