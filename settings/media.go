package settings

import (
	"fmt"
	"strings"
)

// Media is Django's media settings: where uploaded files (FileField, ImageField) are
// stored and served, and the limits of a multipart body. DATA_UPLOAD_MAX_MEMORY_SIZE
// (Settings.MaxBodyBytes) bounds the values of a form; files have limits of their own.
type Media struct {
	// Root is the directory uploads are stored in (MEDIA_ROOT).
	Root string
	// URL is where they are served (MEDIA_URL): a path or an absolute URL, ending in "/".
	// The server itself serves it only in DEBUG, as Django's static() does; in production
	// a web server or a bucket does.
	URL string
	// FileUploadMaxMemorySize is how much of an uploaded file is held in memory before it
	// goes to a temporary file (FILE_UPLOAD_MAX_MEMORY_SIZE, Django's 2.5 MiB).
	FileUploadMaxMemorySize int64
	// FileUploadMaxSize bounds a whole multipart body, files included: larger is 413
	// (FILE_UPLOAD_MAX_SIZE, 10 MiB; Django has no such limit and leaves it to the web
	// server's client_max_body_size).
	FileUploadMaxSize int64
	// FileUploadTempDir holds the temporary files (FILE_UPLOAD_TEMP_DIR; "" is the
	// system's).
	FileUploadTempDir string
}

// DefaultMedia is Django's defaults, with MEDIA_ROOT a directory "media" beside the
// database rather than Django's "" (the working directory itself).
func DefaultMedia() Media {
	return Media{Root: "media", URL: "/media/", FileUploadMaxMemorySize: 2621440, FileUploadMaxSize: 10 << 20}
}

func (m *Media) fromEnv(e *envReader) {
	e.string("MEDIA_ROOT", &m.Root)
	e.string("MEDIA_URL", &m.URL)
	e.int64("FILE_UPLOAD_MAX_MEMORY_SIZE", &m.FileUploadMaxMemorySize)
	e.int64("FILE_UPLOAD_MAX_SIZE", &m.FileUploadMaxSize)
	e.string("FILE_UPLOAD_TEMP_DIR", &m.FileUploadTempDir)
}

func (s *Settings) validateMedia() []error {
	m := s.Media
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("settings: %s %s", name, fmt.Sprintf(format, args...)))
	}
	if strings.TrimSpace(m.Root) == "" {
		bad("MEDIA_ROOT", "must name a directory")
	}
	if !strings.HasSuffix(m.URL, "/") || !(strings.HasPrefix(m.URL, "/") || strings.HasPrefix(m.URL, "http://") || strings.HasPrefix(m.URL, "https://")) {
		bad("MEDIA_URL", "%q must be a path or an http(s) URL ending in a slash, such as /media/", m.URL)
	}
	if m.FileUploadMaxMemorySize < 1 {
		bad("FILE_UPLOAD_MAX_MEMORY_SIZE", "must be at least 1")
	}
	if m.FileUploadMaxSize < 1 {
		bad("FILE_UPLOAD_MAX_SIZE", "must be at least 1")
	}
	return errs
}
