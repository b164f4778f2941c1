// Package files is Django's file storage for FileField and ImageField: a Storage saves an
// upload under a name of its choosing and serves it by URL, and File is what a model stores
// (the name, varchar(100) as Django's FileField). FileSystem is Django's
// FileSystemStorage over MEDIA_ROOT and MEDIA_URL; Media serves it in DEBUG.
package files

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Storage is Django's Storage: where uploaded files go. Save stores content under name, or
// under an available name like it (get_available_name) when name is taken, and returns
// the name it used; it never overwrites a file. A Save that fails leaves nothing behind.
type Storage interface {
	Save(name string, content io.Reader) (string, error)
	Open(name string) (fs.File, error)
	Delete(name string) error
	URL(name string) string
}

// DefaultMaxLength is Django's FileField max_length: the longest name a name column holds.
const DefaultMaxLength = 100

// FileSystem is Django's FileSystemStorage: files under Root (MEDIA_ROOT), served at
// BaseURL (MEDIA_URL). Every access goes through os.Root, so no name, symbolic link or
// ".." reaches outside Root.
type FileSystem struct {
	Root    string
	BaseURL string
	// MaxLength bounds a saved name, as get_available_name's max_length: a name made
	// available is cut to fit. 0 is DefaultMaxLength.
	MaxLength int
}

var _ Storage = (*FileSystem)(nil)

// ErrInvalidName is a name no file may have: empty, absolute, with "..", NUL or a
// backslash.
var ErrInvalidName = errors.New("files: invalid file name")

// CleanName checks a stored name (as a model holds it) and returns it in slash form; the
// error is ErrInvalidName for one that could leave the storage's root.
func CleanName(name string) (string, error) {
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "\x00\\") || path.IsAbs(name) {
		return "", ErrInvalidName
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return "", ErrInvalidName
		}
	}
	return name, nil
}

var invalidFilenameChars = regexp.MustCompile(`[^-\p{L}\p{N}_.]`) // Python's \w is Unicode

// ValidName is Django's get_valid_filename for the last element of name (the client's
// file name): surrounding spaces gone, inner ones underscores, and nothing but letters,
// digits, "-", "_" and "."; a directory the client sent is dropped. "" when nothing is left.
func ValidName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndexByte(name, '/')+1:]
	name = strings.ReplaceAll(strings.TrimSpace(name), " ", "_")
	name = invalidFilenameChars.ReplaceAllString(name, "")
	if name == "" || name == "." || name == ".." {
		return ""
	}
	return name
}

func (s *FileSystem) maxLength() int {
	if s.MaxLength > 0 {
		return s.MaxLength
	}
	return DefaultMaxLength
}

func (s *FileSystem) open() (*os.Root, error) {
	if err := os.MkdirAll(s.Root, 0o755); err != nil {
		return nil, err
	}
	return os.OpenRoot(s.Root)
}

// Save is Storage.save: content under name, or under name with "_" and seven random
// characters before its extension when name is taken (Django's get_available_name), the
// root cut to fit MaxLength. The file is created exclusively, so two saves of one name at
// once get two names; a copy that fails removes what it wrote.
func (s *FileSystem) Save(name string, content io.Reader) (string, error) {
	name, err := CleanName(name)
	if err != nil {
		return "", err
	}
	root, err := s.open()
	if err != nil {
		return "", err
	}
	defer root.Close()
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	candidate := name
	if len(candidate) > s.maxLength() {
		if candidate, err = s.available(name); err != nil {
			return "", err
		}
	}
	for range 100 {
		f, err := root.OpenFile(candidate, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			if candidate, err = s.available(name); err != nil {
				return "", err
			}
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = io.Copy(f, content)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = root.Remove(candidate)
			return "", err
		}
		return candidate, nil
	}
	return "", fmt.Errorf("files: no available name for %q", name)
}

// available is get_available_name's next try: name's root, "_", seven random characters,
// its extension; the root is cut so that the whole fits MaxLength.
func (s *FileSystem) available(name string) (string, error) {
	dir, base := path.Split(name)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	suffix := "_" + strings.ToLower(rand.Text()[:7])
	if over := len(dir) + len(stem) + len(suffix) + len(ext) - s.maxLength(); over > 0 {
		if over >= len(stem) {
			return "", fmt.Errorf("files: %q cannot be made available within %d characters", name, s.maxLength())
		}
		stem = strings.ToValidUTF8(stem[:len(stem)-over], "")
	}
	return dir + stem + suffix + ext, nil
}

// Open opens the stored file name for reading.
func (s *FileSystem) Open(name string) (fs.File, error) {
	name, err := CleanName(name)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(s.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return f, nil
}

// Delete removes the stored file name; one already gone is no error, as in Django.
func (s *FileSystem) Delete(name string) error {
	name, err := CleanName(name)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(s.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer root.Close()
	if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// URL is where the file name is served: BaseURL and the name, each element escaped
// (Django's filepath_to_uri).
func (s *FileSystem) URL(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	base := s.BaseURL
	if base == "" {
		base = "/media/"
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + strings.Join(parts, "/")
}
