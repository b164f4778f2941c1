package serializers_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/serializers"
)

// BlogEntry is a model of the tests' own table. Slug and Code are declared unique; Ref has
// a unique constraint the serializer does not know about.
type BlogEntry struct {
	ID        int64     `json:"id" gorm:"primaryKey" drf:"read_only"`
	Slug      string    `json:"slug" drf:"unique" validate:"max=20"`
	Code      *string   `json:"code" drf:"optional,unique"`
	Ref       *string   `json:"ref" drf:"optional"`
	Title     string    `json:"title" drf:"optional,allow_blank"`
	Views     int       `json:"views" drf:"default=0"`
	CreatedAt time.Time `json:"created_at" drf:"read_only"`
	UpdatedAt time.Time `json:"updated_at" drf:"read_only"`
}

func (BlogEntry) TableName() string { return "serializers_blog_entry" }

const (
	blogSQLite = `CREATE TABLE "serializers_blog_entry" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "slug" varchar(20) NOT NULL UNIQUE,
		"code" varchar(20) NULL UNIQUE, "ref" varchar(20) NULL UNIQUE, "title" text NOT NULL, "views" integer NOT NULL, "created_at" datetime NULL, "updated_at" datetime NULL)`
	blogPostgres = `CREATE TABLE "serializers_blog_entry" ("id" bigserial NOT NULL PRIMARY KEY, "slug" varchar(20) NOT NULL UNIQUE,
		"code" varchar(20) NULL UNIQUE, "ref" varchar(20) NULL UNIQUE, "title" text NOT NULL, "views" integer NOT NULL, "created_at" timestamp with time zone NULL, "updated_at" timestamp with time zone NULL)`
)

func blogDB(t *testing.T) (*gorm.DB, *serializers.Serializer[BlogEntry]) {
	db := testDB(t, blogSQLite, blogPostgres)
	return db, serializers.NewModel[BlogEntry](db)
}

// create validates and saves a body, failing the test on any error.
func create(t *testing.T, s *serializers.Serializer[BlogEntry], body string) *BlogEntry {
	t.Helper()
	v, err := s.Validate(t.Context(), parse(t, body))
	if err != nil {
		t.Fatalf("validate %s: %s", body, errorBody(t, err))
	}
	e, err := s.Create(t.Context(), v)
	if err != nil {
		t.Fatalf("create %s: %v", body, err)
	}
	return e
}

func isBadRequest(err error) bool {
	var re *rest.Error
	return errors.As(err, &re) && re.Status == http.StatusBadRequest
}

func TestUnique(t *testing.T) {
	_, s := blogDB(t)
	first := create(t, s, `{"slug": "first", "code": "c1"}`)
	second := create(t, s, `{"slug": "second"}`)
	create(t, s, `{"slug": "third", "code": null}`) // nulls never clash
	tests := []struct {
		name     string
		instance *BlogEntry
		body     string
		partial  bool
		errBody  string
	}{
		{name: "create with a taken slug", body: `{"slug": "first"}`, errBody: `{"slug": ["blog entry with this slug already exists."]}`},
		{name: "create with a taken slug after trimming", body: `{"slug": " first "}`, errBody: `{"slug": ["blog entry with this slug already exists."]}`},
		{name: "create with a taken nullable code", body: `{"slug": "new", "code": "c1"}`, errBody: `{"code": ["blog entry with this code already exists."]}`},
		{name: "both taken", body: `{"slug": "second", "code": "c1"}`,
			errBody: `{"slug": ["blog entry with this slug already exists."], "code": ["blog entry with this code already exists."]}`},
		{name: "invalid values are not looked up", body: `{"slug": "first-but-far-too-long-for-it"}`, errBody: `{"slug": ["Ensure this field has no more than 20 characters."]}`},
		{name: "create with a free slug", body: `{"slug": "fresh"}`},
		{name: "create with a null code", body: `{"slug": "fresh", "code": null}`},
		{name: "update keeps its own slug", instance: first, body: `{"slug": "first", "code": "c1"}`},
		{name: "update to another's slug", instance: second, body: `{"slug": "first"}`, errBody: `{"slug": ["blog entry with this slug already exists."]}`},
		{name: "patch to another's code", instance: second, body: `{"code": "c1"}`, partial: true, errBody: `{"code": ["blog entry with this code already exists."]}`},
		{name: "patch leaving the slug alone", instance: second, body: `{"title": "x"}`, partial: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.instance == nil {
				_, err = s.Validate(t.Context(), parse(t, tt.body))
			} else {
				_, err = s.ValidateUpdate(t.Context(), tt.instance, parse(t, tt.body), tt.partial)
			}
			if tt.errBody == "" {
				if err != nil {
					t.Fatalf("error %s", errorBody(t, err))
				}
				return
			}
			if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), tt.errBody) {
				t.Errorf("error %v %s, want 400 %s", err, errorBody(t, err), tt.errBody)
			}
		})
	}
}

func TestCreateAndUpdate(t *testing.T) {
	db, s := blogDB(t)
	e := create(t, s, `{"slug": "a", "title": "T", "views": "3"}`)
	if e.ID == 0 || e.CreatedAt.IsZero() || e.Title != "T" || e.Views != 3 {
		t.Fatalf("created %+v", e)
	}
	var stored BlogEntry
	if err := db.First(&stored, e.ID).Error; err != nil || stored.Slug != "a" || stored.Views != 3 {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	// Someone else changes views; a PATCH of the title writes the title only, and the
	// instance is reloaded with both.
	if err := db.Exec(`UPDATE serializers_blog_entry SET views = 50 WHERE id = ?`, e.ID).Error; err != nil {
		t.Fatal(err)
	}
	v, err := s.ValidateUpdate(t.Context(), e, parse(t, `{"title": ""}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(t.Context(), e, v); err != nil {
		t.Fatal(err)
	}
	if e.Title != "" || e.Views != 50 || e.Slug != "a" {
		t.Errorf("after PATCH %+v", e)
	}
	// A zero value is written too.
	v, err = s.ValidateUpdate(t.Context(), e, parse(t, `{"views": 0}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(t.Context(), e, v); err != nil {
		t.Fatal(err)
	}
	if err := db.First(&stored, e.ID).Error; err != nil || stored.Views != 0 || stored.Title != "" {
		t.Errorf("stored %+v, %v", stored, err)
	}
	// PUT resets the default.
	if err := db.Exec(`UPDATE serializers_blog_entry SET views = 9 WHERE id = ?`, e.ID).Error; err != nil {
		t.Fatal(err)
	}
	v, err = s.ValidateUpdate(t.Context(), e, parse(t, `{"slug": "b"}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(t.Context(), e, v); err != nil {
		t.Fatal(err)
	}
	if e.Slug != "b" || e.Views != 0 {
		t.Errorf("after PUT %+v", e)
	}
	// A row deleted meanwhile is a 404.
	if err := db.Exec(`DELETE FROM serializers_blog_entry WHERE id = ?`, e.ID).Error; err != nil {
		t.Fatal(err)
	}
	v, err = s.ValidateUpdate(t.Context(), e, parse(t, `{"title": "gone"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	var re *rest.Error
	if err := s.Update(t.Context(), e, v); !errors.As(err, &re) || re.Status != http.StatusNotFound {
		t.Errorf("update of a deleted row: %v", err)
	}
}

// A write that races past the unique check is the same 400, never a 500.
func TestUniqueRace(t *testing.T) {
	db, s := blogDB(t)
	other := create(t, s, `{"slug": "other"}`)
	v, err := s.Validate(t.Context(), parse(t, `{"slug": "race", "code": "rc"}`))
	if err != nil {
		t.Fatal(err)
	}
	// Another writer takes the slug between the check and the insert.
	if err := db.Exec(`INSERT INTO serializers_blog_entry (slug, title, views) VALUES ('race', '', 0)`).Error; err != nil {
		t.Fatal(err)
	}
	_, err = s.Create(t.Context(), v)
	if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), `{"slug": ["blog entry with this slug already exists."]}`) {
		t.Errorf("racing create: %v %s", err, errorBody(t, err))
	}
	// The same for an update.
	v, err = s.ValidateUpdate(t.Context(), other, parse(t, `{"code": "taken"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO serializers_blog_entry (slug, code, title, views) VALUES ('x', 'taken', '', 0)`).Error; err != nil {
		t.Fatal(err)
	}
	err = s.Update(t.Context(), other, v)
	if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), `{"code": ["blog entry with this code already exists."]}`) {
		t.Errorf("racing update: %v %s", err, errorBody(t, err))
	}
	// A constraint no field declares: still a 400, about the object.
	create(t, s, `{"slug": "r1", "ref": "dup"}`)
	v, err = s.Validate(t.Context(), parse(t, `{"slug": "r2", "ref": "dup"}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Create(t.Context(), v)
	if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), `{"non_field_errors": ["blog entry with these values already exists."]}`) {
		t.Errorf("undeclared constraint: %v %s", err, errorBody(t, err))
	}
}

// A database failure during the unique check is not the client's fault: not a 400.
func TestUniqueDatabaseDown(t *testing.T) {
	db, s := blogDB(t)
	if err := models.Close(db); err != nil {
		t.Fatal(err)
	}
	_, err := s.Validate(t.Context(), parse(t, `{"slug": "a"}`))
	if err == nil || isBadRequest(err) {
		t.Errorf("got %v, want the database's error", err)
	}
}

func TestWritesNeedAModel(t *testing.T) {
	s := serializers.New[article]()
	v, err := s.Validate(t.Context(), parse(t, `{"title": "t"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(t.Context(), v); err == nil {
		t.Error("Create on a plain serializer")
	}
	if err := s.Update(t.Context(), &article{}, v); err == nil {
		t.Error("Update on a plain serializer")
	}
}

// BlogEntrySerializer gives the model hooks by embedding it, as a model in models/ must.
type BlogEntrySerializer struct{ BlogEntry }

func (e *BlogEntrySerializer) ValidateField(c *serializers.Context, name string) error {
	if name == "title" && e.Title == "spam" {
		return serializers.Invalid("No spam.")
	}
	return nil
}

// namedEntry names itself in messages.
type namedEntry struct{ BlogEntry }

func (namedEntry) VerboseName() string { return "post" }

func TestEmbeddedModel(t *testing.T) {
	db := testDB(t, blogSQLite, blogPostgres)
	s := serializers.NewModel[BlogEntrySerializer](db)
	v, err := s.Validate(t.Context(), parse(t, `{"slug": "a", "title": "hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Create(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	var stored BlogEntry
	if err := db.First(&stored, e.ID).Error; err != nil || stored.Title != "hello" {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	_, err = s.Validate(t.Context(), parse(t, `{"slug": "a", "title": "spam"}`))
	want := `{"slug": ["blog entry with this slug already exists."], "title": ["No spam."]}`
	if !sameJSON(t, errorBody(t, err), want) {
		t.Errorf("error %s, want %s", errorBody(t, err), want)
	}
	_, err = serializers.NewModel[namedEntry](db).Validate(t.Context(), parse(t, `{"slug": "a"}`))
	if !sameJSON(t, errorBody(t, err), `{"slug": ["post with this slug already exists."]}`) {
		t.Errorf("VerboseName: %s", errorBody(t, err))
	}
}

func TestColumn(t *testing.T) {
	_, s := blogDB(t)
	for name, want := range map[string]string{"slug": "slug", "created_at": "created_at", "id": "id"} {
		if got, ok := s.Column(name); !ok || got != want {
			t.Errorf("Column(%q) = %q, %v", name, got, ok)
		}
	}
	if _, ok := s.Column("nope"); ok {
		t.Error("Column of an unknown field")
	}
	if _, ok := serializers.New[article]().Column("title"); ok {
		t.Error("Column of a plain serializer")
	}
}
