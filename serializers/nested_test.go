package serializers_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/rest"
	"ginrest/serializers"
)

// Nested serializers over gorm associations: an album and its tracks (a has-many).
// Album reads its tracks and never writes them (DRF's nested serializers without a
// create() of their own); WritableAlbum, over the same tables, writes them with a
// NestedWriter, DRF's overridden create() and update().

type Track struct {
	// ID is optional and writable: an update names the tracks it keeps by id.
	ID      int64  `json:"id" gorm:"primaryKey" drf:"optional"`
	AlbumID int64  `json:"-"`
	Title   string `json:"title" validate:"max=50"`
}

func (Track) TableName() string { return "serializers_track" }

type Album struct {
	ID     int64   `json:"id" gorm:"primaryKey" drf:"read_only"`
	Title  string  `json:"title"`
	Tracks []Track `json:"tracks" gorm:"foreignKey:AlbumID" drf:"optional"`
}

func (Album) TableName() string { return "serializers_album" }

type WritableAlbum struct {
	ID     int64   `json:"id" gorm:"primaryKey" drf:"read_only"`
	Title  string  `json:"title"`
	Tracks []Track `json:"tracks" gorm:"foreignKey:AlbumID" drf:"optional"`
}

func (WritableAlbum) TableName() string { return "serializers_album" }

// errFail is the failure a track titled "fail" makes WriteNested return, after it wrote
// the tracks before it.
var errFail = errors.New("a track may not be called fail")

// WriteNested replaces the album's tracks by the input's when the input has them: a track
// with an id is renamed, one without is created, the others are deleted.
func (a *WritableAlbum) WriteNested(c *serializers.Context, tx *gorm.DB) error {
	if !c.Has("tracks") {
		return nil
	}
	keep := []int64{}
	for i := range a.Tracks {
		tr := &a.Tracks[i]
		tr.AlbumID = a.ID
		if tr.ID != 0 {
			res := tx.Model(&Track{}).Where("id = ? AND album_id = ?", tr.ID, a.ID).Update("title", tr.Title)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return rest.ValidationError(map[string]any{"tracks": []string{fmt.Sprintf("The album has no track %d.", tr.ID)}})
			}
		} else if err := tx.Create(tr).Error; err != nil {
			return err
		}
		if tr.Title == "fail" {
			return errFail
		}
		keep = append(keep, tr.ID)
	}
	q := tx.Where("album_id = ?", a.ID)
	if len(keep) > 0 {
		q = q.Where("id NOT IN ?", keep)
	}
	return q.Delete(&Track{}).Error
}

const (
	albumSQLite = `CREATE TABLE "serializers_album" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(50) NOT NULL);
		CREATE TABLE "serializers_track" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
			"album_id" integer NOT NULL REFERENCES "serializers_album" ("id") ON DELETE CASCADE, "title" varchar(50) NOT NULL)`
	albumPostgres = `CREATE TABLE "serializers_album" ("id" bigserial NOT NULL PRIMARY KEY, "title" varchar(50) NOT NULL);
		CREATE TABLE "serializers_track" ("id" bigserial NOT NULL PRIMARY KEY,
			"album_id" bigint NOT NULL REFERENCES "serializers_album" ("id") ON DELETE CASCADE, "title" varchar(50) NOT NULL)`
)

// stored is the albums and tracks in the database, as "title: track, track; title: ..."
// in id order: what a test compares after each write.
func stored(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var albums []Album
	if err := db.Preload("Tracks", func(q *gorm.DB) *gorm.DB { return q.Order("id") }).Order("id").Find(&albums).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range albums {
		var titles []string
		for _, tr := range a.Tracks {
			titles = append(titles, tr.Title)
		}
		out = append(out, a.Title+": "+strings.Join(titles, ", "))
	}
	return strings.Join(out, "; ")
}

// rendered is the serializer's representation of items after Prefetch, as JSON.
func rendered[T any](t *testing.T, s *serializers.Serializer[T], items ...T) string {
	t.Helper()
	if err := s.Prefetch(t.Context(), items); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s.RepresentMany(items))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNestedReadOnly: without a NestedWriter, a nested association is read-only, as a
// ModelSerializer's nested fields (depth=, or a nested serializer whose writes DRF would
// refuse at save()): input for it is ignored, OPTIONS and the schema say read_only, and
// the stored rows are rendered.
func TestNestedReadOnly(t *testing.T) {
	db := testDB(t, albumSQLite, albumPostgres)
	s := serializers.NewModel[Album](db)
	for _, f := range s.Describe() {
		if f.Name == "tracks" && (!f.ReadOnly || f.Required) {
			t.Errorf("tracks: read_only %v, required %v; want read-only", f.ReadOnly, f.Required)
		}
	}
	v, err := s.Validate(t.Context(), parse(t, `{"title": "Blue", "tracks": [{"title": "ignored"}]}`))
	if err != nil {
		t.Fatalf("validate: %s", errorBody(t, err))
	}
	if got := v.Fields(); len(got) != 1 || got[0] != "title" {
		t.Errorf("validated fields %v, want [title]", got)
	}
	a, err := s.Create(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	if got := stored(t, db); got != "Blue: " {
		t.Errorf("stored %q, want the album alone", got)
	}
	// An update's tracks are ignored too.
	v, err = s.ValidateUpdate(t.Context(), a, parse(t, `{"tracks": [{"title": "ignored"}]}`), true)
	if err != nil {
		t.Fatalf("validate update: %s", errorBody(t, err))
	}
	if err := s.Update(t.Context(), a, v); err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&[]Track{{AlbumID: a.ID, Title: "one"}, {AlbumID: a.ID, Title: "two"}}).Error; err != nil {
		t.Fatal(err)
	}
	// The rows are read as DRF reads album.tracks.all(): Prefetch loads them.
	want := fmt.Sprintf(`[{"id":%d,"title":"Blue","tracks":[{"id":%d,"title":"one"},{"id":%d,"title":"two"}]}]`, a.ID, trackID(t, db, "one"), trackID(t, db, "two"))
	if got := rendered(t, s, Album{ID: a.ID, Title: a.Title}); got != want {
		t.Errorf("rendered %s, want %s", got, want)
	}
}

func trackID(t *testing.T, db *gorm.DB, title string) int64 {
	t.Helper()
	var tr Track
	if err := db.Where("title = ?", title).Take(&tr).Error; err != nil {
		t.Fatalf("track %q: %v", title, err)
	}
	return tr.ID
}

// TestNestedWriter: a NestedWriter creates and updates the nested rows in the write's
// transaction; its failure rolls the album's own row back too.
func TestNestedWriter(t *testing.T) {
	db := testDB(t, albumSQLite, albumPostgres)
	s := serializers.NewModel[WritableAlbum](db)
	for _, f := range s.Describe() {
		if f.Name == "tracks" && f.ReadOnly {
			t.Error("tracks is read-only with a NestedWriter")
		}
	}
	a, err := s.Create(t.Context(), mustValidate(t, s, nil, `{"title": "Blue", "tracks": [{"title": "one"}, {"title": "two"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stored(t, db), "Blue: one, two"; got != want {
		t.Fatalf("after create: %q, want %q", got, want)
	}
	one, two := trackID(t, db, "one"), trackID(t, db, "two")
	want := fmt.Sprintf(`[{"id":%d,"title":"Blue","tracks":[{"id":%d,"title":"one"},{"id":%d,"title":"two"}]}]`, a.ID, one, two)
	if got := rendered(t, s, *a); got != want {
		t.Errorf("rendered %s, want %s", got, want)
	}

	tests := []struct {
		name    string
		body    string
		partial bool
		errBody string // the 400's body; "" for success
		err     error  // or the error, which rolls everything back
		want    string // stored afterwards
	}{
		{name: "partial update without tracks keeps them", body: `{"title": "Blue II"}`, partial: true, want: "Blue II: one, two"},
		{name: "rename one, drop one, add one", body: fmt.Sprintf(`{"tracks": [{"id": %d, "title": "uno"}, {"title": "three"}]}`, one), partial: true,
			want: "Blue II: uno, three"},
		{name: "full update", body: fmt.Sprintf(`{"title": "Red", "tracks": [{"id": %d, "title": "one"}]}`, one), want: "Red: one"},
		{name: "a failing writer rolls the album back", body: `{"title": "Green", "tracks": [{"title": "new"}, {"title": "fail"}]}`, err: errFail, want: "Red: one"},
		{name: "the writer's validation error", body: `{"title": "Green", "tracks": [{"id": 999999, "title": "x"}]}`,
			errBody: `{"tracks": ["The album has no track 999999."]}`, want: "Red: one"},
		{name: "a nested field's error", body: `{"title": "Green", "tracks": [{"title": "ok"}, {"title": "` + strings.Repeat("x", 51) + `"}]}`,
			errBody: `{"tracks": [{}, {"title": ["Ensure this field has no more than 50 characters."]}]}`, want: "Red: one"},
		{name: "no tracks", body: `{"tracks": []}`, partial: true, want: "Red: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := s.ValidateUpdate(t.Context(), a, parse(t, tt.body), tt.partial)
			if err == nil {
				err = s.Update(t.Context(), a, v)
			}
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Errorf("err %v, want %v", err, tt.err)
				}
			case tt.errBody != "":
				if !isBadRequest(err) || !jsonEqual(t, errorBody(t, err), tt.errBody) {
					t.Errorf("err %v (%s), want 400 %s", err, errorBody(t, err), tt.errBody)
				}
			case err != nil:
				t.Errorf("update: %v %s", err, errorBody(t, err))
			}
			if got := stored(t, db); got != tt.want {
				t.Errorf("stored %q, want %q", got, tt.want)
			}
		})
	}

	// A create whose writer fails leaves no album and no track behind.
	_, err = s.Create(t.Context(), mustValidate(t, s, nil, `{"title": "Gone", "tracks": [{"title": "kept?"}, {"title": "fail"}]}`))
	if !errors.Is(err, errFail) {
		t.Errorf("create: err %v, want %v", err, errFail)
	}
	if got, want := stored(t, db), "Red: "; got != want {
		t.Errorf("after a failed create: %q, want %q", got, want)
	}
}

func mustValidate[T any](t *testing.T, s *serializers.Serializer[T], instance *T, body string) *serializers.Validated[T] {
	t.Helper()
	var v *serializers.Validated[T]
	var err error
	if instance == nil {
		v, err = s.Validate(t.Context(), parse(t, body))
	} else {
		v, err = s.ValidateUpdate(t.Context(), instance, parse(t, body), false)
	}
	if err != nil {
		t.Fatalf("validate %s: %s", body, errorBody(t, err))
	}
	return v
}

// jsonEqual compares two JSON texts by value.
func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}
