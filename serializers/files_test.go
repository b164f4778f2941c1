package serializers_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/files"
	"ginrest/rest"
	"ginrest/serializers"
)

// Upload has a FileField (max_length 20) and an optional ImageField.
type Upload struct {
	ID     int64       `json:"id" gorm:"primaryKey" drf:"read_only"`
	Title  string      `json:"title" drf:"unique"`
	Doc    files.File  `json:"doc" validate:"max=20"`
	Avatar files.Image `json:"avatar" drf:"optional"`
}

func (Upload) TableName() string { return "serializers_upload" }

func uploadDB(t *testing.T) *gorm.DB {
	db := testDB(t,
		`CREATE TABLE "serializers_upload" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(100) NOT NULL UNIQUE, "doc" varchar(100) NOT NULL, "avatar" varchar(100) NOT NULL)`,
		`CREATE TABLE "serializers_upload" ("id" bigserial NOT NULL PRIMARY KEY, "title" varchar(100) NOT NULL UNIQUE, "doc" varchar(100) NOT NULL, "avatar" varchar(100) NOT NULL)`)
	return db
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.White)
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFileFields is FileField and ImageField in DRF's terms: what is a file, what is not,
// and the messages.
func TestFileFields(t *testing.T) {
	s := serializers.NewModel[Upload](uploadDB(t))
	img := pngBytes(t)
	file := rest.NewUploadedFile
	tests := []struct {
		name string
		data map[string]any
		want string // "" for valid
	}{
		{"a file", map[string]any{"title": "a", "doc": file("a.txt", []byte("x"))}, ""},
		{"a file and an image", map[string]any{"title": "a", "doc": file("a.txt", []byte("x")), "avatar": file("p.png", img)}, ""},
		{"no file", map[string]any{"title": "a"}, `{"doc": ["No file was submitted."]}`},
		{"a string is not a file", map[string]any{"title": "a", "doc": "a.txt"}, `{"doc": ["The submitted data was not a file. Check the encoding type on the form."]}`},
		{"null", map[string]any{"title": "a", "doc": nil}, `{"doc": ["This field may not be null."]}`},
		{"an empty file", map[string]any{"title": "a", "doc": file("a.txt", nil)}, `{"doc": ["The submitted file is empty."]}`},
		{"no name", map[string]any{"title": "a", "doc": file("", []byte("x"))}, `{"doc": ["No filename could be determined."]}`},
		{"a long name", map[string]any{"title": "a", "doc": file(strings.Repeat("n", 17)+".txt", []byte("x"))},
			`{"doc": ["Ensure this filename has at most 20 characters (it has 21)."]}`},
		{"text is no image", map[string]any{"title": "a", "doc": file("a.txt", []byte("x")), "avatar": file("p.png", []byte("not a png"))},
			`{"avatar": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}`},
		{"SVG is no image", map[string]any{"title": "a", "doc": file("a.txt", []byte("x")), "avatar": file("p.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))},
			`{"avatar": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}`},
		{"a truncated PNG", map[string]any{"title": "a", "doc": file("a.txt", []byte("x")), "avatar": file("p.png", img[:len(img)-20])},
			`{"avatar": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := s.Validate(t.Context(), tt.data)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %s", errorBody(t, err))
				}
				if v.Value.Doc.Upload == nil || v.Value.Doc.Name != "" {
					t.Errorf("Doc = %+v: an upload to save", v.Value.Doc)
				}
				return
			}
			if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), tt.want) {
				t.Errorf("got %s, want %s", errorBody(t, err), tt.want)
			}
		})
	}
	// OPTIONS names DRF's field types.
	out, _ := json.Marshal(s.Describe())
	if !strings.Contains(string(out), `"doc":{"type":"file upload","required":true,"read_only":false,"label":"Doc","max_length":20}`) ||
		!strings.Contains(string(out), `"avatar":{"type":"image upload","required":false`) {
		t.Errorf("Describe = %s", out)
	}
}

// Create stores the upload before the row and renders its URL; a failed insert leaves
// nothing in the storage.
func TestFileFieldsStored(t *testing.T) {
	db := uploadDB(t)
	root := t.TempDir()
	s := serializers.NewModel[Upload](db).WithStorage(&files.FileSystem{Root: root, BaseURL: "/media/"})
	data := func(title string) map[string]any {
		return map[string]any{"title": title, "doc": rest.NewUploadedFile("my doc.txt", []byte("hello"))}
	}
	v, err := s.Validate(t.Context(), data("one"))
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	created, err := s.Create(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	if created.Doc.Name != "serializers_upload/my_doc.txt" {
		t.Errorf("stored as %q", created.Doc.Name)
	}
	if b, err := os.ReadFile(filepath.Join(root, created.Doc.Name)); err != nil || string(b) != "hello" {
		t.Errorf("stored %q, %v", b, err)
	}
	var loaded Upload
	if err := db.First(&loaded, created.ID).Error; err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(s.Represent(&loaded))
	if !sameJSON(t, string(out), `{"id": 1, "title": "one", "doc": "/media/serializers_upload/my_doc.txt", "avatar": null}`) {
		t.Errorf("represented %s", out)
	}
	// The second upload of a name gets a name of its own; its insert races another row
	// with the title and fails: its file is deleted.
	v, err = s.Validate(t.Context(), data("two"))
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	if err := db.Exec(`INSERT INTO serializers_upload (title, doc, avatar) VALUES ('two', '', '')`).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(t.Context(), v); !isBadRequest(err) {
		t.Fatalf("racing create: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "serializers_upload"))
	if len(entries) != 1 {
		t.Errorf("files after a failed create: %v", entries)
	}
	// Without a storage, an upload cannot be saved: a programming error, not a 400.
	v, _ = serializers.NewModel[Upload](db).Validate(t.Context(), data("three"))
	if _, err := serializers.NewModel[Upload](db).Create(t.Context(), v); err == nil || isBadRequest(err) {
		t.Errorf("create without a storage: %v", err)
	}
}
