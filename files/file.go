package files

import (
	"database/sql/driver"
	"fmt"

	"ginrest/rest"
)

// File is a model's FileField (Django's FieldFile): the stored name, in a varchar column,
// "" for none. Between validation and save it also holds the upload the serializer's
// Create or Update stores first (Upload); a row read back has none.
type File struct {
	Name   string
	Upload *rest.UploadedFile
}

// Image is an ImageField: a File whose upload must be a PNG, JPEG or GIF image.
type Image struct{ File }

// Value stores the name.
func (f File) Value() (driver.Value, error) { return f.Name, nil }

// Scan reads the name; NULL is no file, as Django reads it.
func (f *File) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		f.Name = ""
	case string:
		f.Name = v
	case []byte:
		f.Name = string(v)
	default:
		return fmt.Errorf("files: cannot scan %T into a File", src)
	}
	f.Upload = nil
	return nil
}
