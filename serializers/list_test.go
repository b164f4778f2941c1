package serializers_test

import (
	"os"
	"path/filepath"
	"testing"

	"ginrest/files"
	"ginrest/rest"
	"ginrest/serializers"
)

// TestListSerializer is ListSerializer's input in DRF's terms: a list, its length, and
// errors aligned with the items.
func TestListSerializer(t *testing.T) {
	_, s := postDB(t)
	l := s.Many()
	l.MaxLength = 2
	item := `{"title": "A", "owner": "o", "slug": "a", "code": null, "published": "2024-01-01"}`
	tests := []struct {
		name, body, want string
	}{
		{"a list", `[` + item + `]`, ``},
		{"an object", item, `{"non_field_errors": ["Expected a list of items but got type \"dict\"."]}`},
		{"a string", `"x"`, `{"non_field_errors": ["Expected a list of items but got type \"str\"."]}`},
		{"empty", `[]`, `{"non_field_errors": ["This list may not be empty."]}`},
		{"too long", `[` + item + `,` + item + `,` + item + `]`, `{"non_field_errors": ["Ensure this field has no more than 2 elements."]}`},
		{"errors aligned with the items", `[` + item + `, {"owner": "o", "slug": "b", "code": null, "published": "2024-01-01"}]`,
			`[{}, {"title": ["This field is required."]}]`},
		{"an item that is no object", `[` + item + `, 3]`,
			`[{}, {"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.Validate(t.Context(), parse(t, tt.body))
			if tt.want == "" {
				if err != nil {
					t.Errorf("refused: %s", errorBody(t, err))
				}
				return
			}
			if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), tt.want) {
				t.Errorf("got %s, want %s", errorBody(t, err), tt.want)
			}
		})
	}
	l.AllowEmpty = true
	if vs, err := l.Validate(t.Context(), parse(t, `[]`)); err != nil || len(vs) != 0 {
		t.Errorf("allow_empty: %v", err)
	}
}

// Create is all or nothing: two items that pass validation alone but collide in the
// database leave no row, and the error is aligned with the item that failed.
func TestListSerializerCreate(t *testing.T) {
	db, s := postDB(t)
	l := s.Many()
	body := `[{"title": "A", "owner": "o", "slug": "a", "code": null, "published": "2024-01-01"},
		{"title": "B", "owner": "o", "slug": "b", "code": null, "published": "2024-01-01"}]`
	vs, err := l.Validate(t.Context(), parse(t, body))
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	created, err := l.Create(t.Context(), vs)
	if err != nil || len(created) != 2 || created[0].ID == 0 || created[1].ID == created[0].ID {
		t.Fatalf("Create = %v, %v", created, err)
	}
	twice := `[{"title": "C", "owner": "o", "slug": "c", "code": null, "published": "2024-01-01"},
		{"title": "C", "owner": "o", "slug": "d", "code": null, "published": "2024-01-02"}]`
	vs, err = l.Validate(t.Context(), parse(t, twice))
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	_, err = l.Create(t.Context(), vs)
	if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), `[{}, {"non_field_errors": ["The fields title, owner must make a unique set."]}]`) {
		t.Errorf("colliding items: %v %s", err, errorBody(t, err))
	}
	var n int64
	db.Table("serializers_post").Count(&n)
	if n != 2 {
		t.Errorf("%d rows, want the 2 of the first list only", n)
	}
}

// A list whose second item fails in the database leaves none of its files behind.
func TestListSerializerFiles(t *testing.T) {
	db := uploadDB(t)
	root := t.TempDir()
	s := serializers.NewModel[Upload](db).WithStorage(&files.FileSystem{Root: root})
	data := []any{
		map[string]any{"title": "x", "doc": rest.NewUploadedFile("a.txt", []byte("a"))},
		map[string]any{"title": "x", "doc": rest.NewUploadedFile("b.txt", []byte("b"))},
	}
	vs, err := s.Many().Validate(t.Context(), data)
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	_, err = s.Many().Create(t.Context(), vs)
	if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), `[{}, {"title": ["upload with this title already exists."]}]`) {
		t.Errorf("got %v %s", err, errorBody(t, err))
	}
	entries, _ := os.ReadDir(filepath.Join(root, "serializers_upload"))
	if len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}
