package serializers

import (
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // ImageField accepts GIF, JPEG and PNG, as image.DecodeConfig reads them
	_ "image/jpeg"
	_ "image/png"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"ginrest/files"
	"ginrest/rest"
)

// FileField and ImageField: a struct field of type files.File or files.Image reads an
// upload (rest.UploadedFile, from a multipart body), renders the stored file's absolute
// URL (null for none), and is saved through the serializer's Storage (WithStorage) by
// Create and Update, before the row is written; a write that fails deletes what it saved.
// A `validate:"max=N"` rule bounds the file name's length (DRF's max_length; Django's
// FileField has 100).

// DRF's FileField and ImageField messages.
const (
	MsgFileInvalid  = "The submitted data was not a file. Check the encoding type on the form."
	MsgFileRequired = "No file was submitted."
	MsgFileNoName   = "No filename could be determined."
	MsgFileEmpty    = "The submitted file is empty."
	MsgInvalidImage = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)

func msgFileNameTooLong(maxLength, length int) string {
	return fmt.Sprintf("Ensure this filename has at most %d characters (it has %d).", maxLength, length)
}

// MaxImagePixels is the largest image ImageField decodes, Pillow's MAX_IMAGE_PIXELS: a
// larger one (a decompression bomb, most likely) is refused as not an image.
const MaxImagePixels = 89478485

var (
	fileType  = reflect.TypeFor[files.File]()
	imageType = reflect.TypeFor[files.Image]()
)

// WithStorage is a copy of the serializer whose file fields are stored in st and rendered
// by its URLs (Django's default_storage; FileSystem over MEDIA_ROOT). Build it at startup.
func (s *Serializer[T]) WithStorage(st files.Storage) *Serializer[T] {
	c := *s
	c.storage = st
	return &c
}

// fileRules takes a file field's validate rules: max=N is the file name's max_length.
func (f *field) fileRules(r *rules) error {
	if r.choices != nil || r.hasDive {
		return fmt.Errorf("a file field takes max=N only")
	}
	for _, c := range r.checks {
		n, ok := strings.CutPrefix(c, "max=")
		max, err := strconv.Atoi(n)
		if !ok || err != nil || max < 1 {
			return fmt.Errorf("a file field takes max=N only, not %q", c)
		}
		f.fileMaxLength = max
	}
	return nil
}

// file is FileField.to_internal_value (and ImageField's): an upload with a name, not
// empty, its name not too long; for an image, one that decodes.
func (r *run) file(f *field, raw any, target reflect.Value) any {
	u, ok := raw.(*rest.UploadedFile)
	if !ok || u == nil {
		return []string{MsgFileInvalid}
	}
	if u.Name == "" {
		return []string{MsgFileNoName}
	}
	if u.Size == 0 {
		return []string{MsgFileEmpty}
	}
	if n := utf8.RuneCountInString(u.Name); f.fileMaxLength > 0 && n > f.fileMaxLength {
		return []string{msgFileNameTooLong(f.fileMaxLength, n)}
	}
	if f.kind == kindImage && !validImage(u) {
		return []string{MsgInvalidImage}
	}
	file := files.File{Upload: u}
	if f.kind == kindImage {
		target.Set(reflect.ValueOf(files.Image{File: file}))
	} else {
		target.Set(reflect.ValueOf(file))
	}
	return nil
}

// validImage is Django's ImageField check (Pillow's open and verify): a GIF, JPEG or PNG
// whose header is sound and whose whole image decodes. SVG, whose scripts would run
// where the file is served, is not an image to it.
func validImage(u *rest.UploadedFile) bool {
	f, err := u.Open()
	if err != nil {
		return false
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return false
	}
	if _, err := f.Seek(0, 0); err != nil {
		return false
	}
	_, _, err = image.Decode(f)
	return err == nil
}

// formFile is a file field's value in form input: the request's last upload of its name,
// or what the form has under the name (a string, which is not a file).
func (r *run) formFile(f *field, form map[string][]string) (any, bool) {
	if r.ctx.Request != nil {
		if list := r.ctx.Request.Files()[f.name]; len(list) > 0 {
			return list[len(list)-1], true
		}
	}
	return formValue(f, form, r.partial)
}

// representFile is FileField.to_representation with use_url: the file's URL, absolute
// when there is a request (build_absolute_uri); null for no file; the name without a
// storage to ask.
func (r *renderer) representFile(v reflect.Value) any {
	var file files.File
	if img, ok := v.Interface().(files.Image); ok {
		file = img.File
	} else {
		file = v.Interface().(files.File)
	}
	if file.Name == "" {
		return nil
	}
	if r.storage == nil {
		return file.Name
	}
	u := r.storage.URL(file.Name)
	if req := r.ctx.Request; req != nil && strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return req.Scheme() + "://" + req.HTTP.Host + u
	}
	return u
}

// fileOf is the files.File of a file field's value (nil for a null one).
func fileOf(f *field, v reflect.Value) *files.File {
	if f.nullable {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if f.kind == kindImage {
		return &v.Addr().Interface().(*files.Image).File
	}
	return v.Addr().Interface().(*files.File)
}

// errNoStorage is the programming error of saving an upload through a serializer built
// without WithStorage.
var errNoStorage = errors.New("serializers: a file field's upload needs a serializer built WithStorage")

// saveUploads stores the uploads of obj's file fields (obj is addressable) and sets their
// names; upload_to is the model's table, Django's usual "<app>/" layout. It returns the
// names saved, for discard if the write that follows fails.
func (s *Serializer[T]) saveUploads(ctx context.Context, obj reflect.Value, table string) ([]string, error) {
	var saved []string
	for _, f := range s.info.fields {
		if f.kind != kindFile && f.kind != kindImage {
			continue
		}
		file := fileOf(f, obj.FieldByIndex(f.index))
		if file == nil || file.Upload == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			s.discard(saved)
			return nil, err
		}
		if s.storage == nil {
			s.discard(saved)
			return nil, errNoStorage
		}
		name, err := s.saveUpload(file.Upload, table)
		if err != nil {
			s.discard(saved)
			return nil, err
		}
		saved = append(saved, name)
		file.Name, file.Upload = name, nil
	}
	return saved, nil
}

func (s *Serializer[T]) saveUpload(u *rest.UploadedFile, dir string) (string, error) {
	base := files.ValidName(u.Name)
	if base == "" {
		base = "file"
	}
	content, err := u.Open()
	if err != nil {
		return "", err
	}
	defer content.Close()
	return s.storage.Save(dir+"/"+base, content)
}

// discard deletes files saved for a write that did not happen, so that nothing of a failed
// request stays in the storage.
func (s *Serializer[T]) discard(names []string) {
	for _, n := range names {
		_ = s.storage.Delete(n)
	}
}
