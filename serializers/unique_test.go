package serializers_test

import (
	"testing"

	"gorm.io/gorm"

	"ginrest/serializers"
)

// Post has Django's unique_together = [("title", "owner")] and a slug unique for its
// published date, and a code unique for its published month.
type Post struct {
	ID        int64            `json:"id" gorm:"primaryKey" drf:"read_only"`
	Title     string           `json:"title"`
	Owner     string           `json:"owner"`
	Slug      string           `json:"slug" drf:"unique_for_date=published"`
	Code      *string          `json:"code" drf:"unique_for_month=published"`
	Published serializers.Date `json:"published"`
}

func (Post) TableName() string          { return "serializers_post" }
func (Post) UniqueTogether() [][]string { return [][]string{{"title", "owner"}} }

func postDB(t *testing.T) (*gorm.DB, *serializers.Serializer[Post]) {
	db := testDB(t,
		`CREATE TABLE "serializers_post" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(100) NOT NULL,
			"owner" varchar(100) NOT NULL, "slug" varchar(50) NOT NULL, "code" varchar(10) NULL, "published" date NOT NULL,
			CONSTRAINT "serializers_post_title_owner_uniq" UNIQUE ("title", "owner"))`,
		`CREATE TABLE "serializers_post" ("id" bigserial NOT NULL PRIMARY KEY, "title" varchar(100) NOT NULL,
			"owner" varchar(100) NOT NULL, "slug" varchar(50) NOT NULL, "code" varchar(10) NULL, "published" date NOT NULL,
			CONSTRAINT "serializers_post_title_owner_uniq" UNIQUE ("title", "owner"))`)
	return db, serializers.NewModel[Post](db)
}

func TestUniqueTogetherAndForDate(t *testing.T) {
	_, s := postDB(t)
	save := func(body string) *Post {
		t.Helper()
		v, err := s.Validate(t.Context(), parse(t, body))
		if err != nil {
			t.Fatal(errorBody(t, err))
		}
		p, err := s.Create(t.Context(), v)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := save(`{"title": "Hello", "owner": "alice", "slug": "hello", "code": "c1", "published": "2024-03-10"}`)
	tests := []struct {
		name, body, want string
	}{
		{"another owner may use the title", `{"title": "Hello", "owner": "bob", "slug": "other", "code": null, "published": "2024-03-11"}`, ``},
		{"the same title and owner", `{"title": "Hello", "owner": "alice", "slug": "x", "code": null, "published": "2024-04-01"}`,
			`{"non_field_errors": ["The fields title, owner must make a unique set."]}`},
		{"a field of the set missing", `{"title": "Hello", "slug": "x", "code": null, "published": "2024-04-01"}`,
			`{"owner": ["This field is required."]}`},
		{"the slug on the same day", `{"title": "T2", "owner": "alice", "slug": "hello", "code": null, "published": "2024-03-10"}`,
			`{"slug": ["This field must be unique for the \"published\" date."]}`},
		{"the slug on another day", `{"title": "T3", "owner": "alice", "slug": "hello", "code": null, "published": "2024-03-09"}`, ``},
		{"the code in the same month", `{"title": "T4", "owner": "alice", "slug": "s4", "code": "c1", "published": "2024-03-31"}`,
			`{"code": ["This field must be unique for the \"published\" month."]}`},
		{"the code in another month", `{"title": "T5", "owner": "alice", "slug": "s5", "code": "c1", "published": "2024-04-01"}`, ``},
		{"a missing code is required, as DRF's enforce_required_fields has it",
			`{"title": "T7", "owner": "alice", "slug": "s7", "published": "2024-03-10"}`, `{"code": ["This field is required."]}`},
		{"a null code is not compared", `{"title": "T6", "owner": "alice", "slug": "s6", "code": null, "published": "2024-03-10"}`, ``},
		{"both at once", `{"title": "Hello", "owner": "alice", "slug": "hello", "code": null, "published": "2024-03-10"}`,
			`{"slug": ["This field must be unique for the \"published\" date."], "non_field_errors": ["The fields title, owner must make a unique set."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Validate(t.Context(), parse(t, tt.body))
			if tt.want == "" {
				if err != nil {
					t.Errorf("refused: %s", errorBody(t, err))
				}
				return
			}
			if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), tt.want) {
				t.Errorf("got %v %s, want %s", err, errorBody(t, err), tt.want)
			}
		})
	}
	// An update excludes the instance itself: it may keep its own title, owner and slug.
	v, err := s.ValidateUpdate(t.Context(), first, parse(t, `{"title": "Hello", "slug": "hello"}`), true)
	if err != nil {
		t.Fatalf("update of itself: %s", errorBody(t, err))
	}
	if err := s.Update(t.Context(), first, v); err != nil {
		t.Fatal(err)
	}
	// ... but not take another row's.
	second := save(`{"title": "Second", "owner": "alice", "slug": "second", "code": null, "published": "2024-03-10"}`)
	_, err = s.ValidateUpdate(t.Context(), second, parse(t, `{"title": "Hello"}`), true)
	if !sameJSON(t, errorBody(t, err), `{"non_field_errors": ["The fields title, owner must make a unique set."]}`) {
		t.Errorf("update onto another's set: %s", errorBody(t, err))
	}
}

// Two inserts at once both pass the check; the database's constraint refuses the second,
// answered as the check would have.
func TestUniqueTogetherRace(t *testing.T) {
	db, s := postDB(t)
	v, err := s.Validate(t.Context(), parse(t, `{"title": "Race", "owner": "alice", "slug": "r", "code": null, "published": "2024-01-01"}`))
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	if err := db.Exec(`INSERT INTO serializers_post (title, owner, slug, published) VALUES ('Race', 'alice', 'other', '2024-01-02')`).Error; err != nil {
		t.Fatal(err)
	}
	_, err = s.Create(t.Context(), v)
	if !isBadRequest(err) || !sameJSON(t, errorBody(t, err), `{"non_field_errors": ["The fields title, owner must make a unique set."]}`) {
		t.Errorf("racing create: %v %s", err, errorBody(t, err))
	}
}

type badTogether struct {
	ID    int64  `json:"id" gorm:"primaryKey"`
	Title string `json:"title"`
}

func (badTogether) UniqueTogether() [][]string { return [][]string{{"title", "nope"}} }

type badForDate struct {
	ID    int64  `json:"id" gorm:"primaryKey"`
	Title string `json:"title" drf:"unique_for_date=title"`
}

// A rule naming what is not there panics when the serializer is built.
func TestUniqueDeclarationErrors(t *testing.T) {
	db, _ := postDB(t)
	for name, build := range map[string]func(){
		"unique_together of an unknown field": func() { serializers.NewModel[badTogether](db) },
		"unique_for_date of a string":         func() { serializers.NewModel[badForDate](db) },
		"unique_for_date without a database":  func() { serializers.New[Post]() },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			build()
		}()
	}
}
