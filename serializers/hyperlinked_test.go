package serializers_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"ginrest/rest"
	"ginrest/serializers"
)

// HyperlinkedModelSerializer in DRF's terms (rest_framework's
// tests/test_hyperlinkedserializers.py): url first, relations as links to
// "<model>-detail", a model's own url kept.

type hlAuthor struct {
	ID   int64  `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	Name string `json:"name" gorm:"column:name"`
}

func (hlAuthor) TableName() string { return "hl_author" }

// hlBook's relations name no view: the hyperlinked serializer's default is hlauthor-detail.
type hlBook struct {
	ID       int64      `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	Title    string     `json:"title" gorm:"column:title"`
	AuthorID *int64     `json:"-" gorm:"column:author_id"`
	Author   *hlAuthor  `json:"author" gorm:"foreignKey:AuthorID" drf:"related=hyperlink,optional"`
	Others   []hlAuthor `json:"others" gorm:"many2many:hl_book_others;joinForeignKey:book_id;joinReferences:author_id" drf:"related=hyperlink,optional"`
}

func (hlBook) TableName() string { return "hl_book" }

// hlPage declares its url, to a view of its own choosing, after its id.
type hlPage struct {
	ID    int64  `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	URL   string `json:"url" gorm:"-" drf:"related=identity,view_name=page-detail"`
	Title string `json:"title" gorm:"column:title"`
}

func (hlPage) TableName() string { return "hl_page" }

// hlShelf names itself: Meta.model_name.
type hlShelf struct {
	ID   int64  `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	Name string `json:"name" gorm:"column:name"`
}

func (hlShelf) TableName() string { return "hl_shelf" }
func (hlShelf) ModelName() string { return "shelf" }

const hlSQLite = `CREATE TABLE hl_author (id integer PRIMARY KEY, name varchar(50) NOT NULL);
CREATE TABLE hl_book (id integer PRIMARY KEY, title varchar(50) NOT NULL, author_id integer NULL REFERENCES hl_author (id));
CREATE TABLE hl_book_others (book_id integer NOT NULL, author_id integer NOT NULL, PRIMARY KEY (book_id, author_id));
CREATE TABLE hl_page (id integer PRIMARY KEY, title varchar(50) NOT NULL);
CREATE TABLE hl_shelf (id integer PRIMARY KEY, name varchar(50) NOT NULL);
INSERT INTO hl_author (id, name) VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO hl_page (id, title) VALUES (1, 'p');
INSERT INTO hl_shelf (id, name) VALUES (1, 's')`

// hlSetup is the tables and a request whose URLConf has the routes a router would name.
func hlSetup(t *testing.T) (*gorm.DB, context.Context) {
	t.Helper()
	db := testDB(t, hlSQLite, strings.Replace(hlSQLite, "hl_book (id integer", "hl_book (id serial", 1))
	req := rest.NewRequest(httptest.NewRequest("GET", "http://testserver/api/books/", nil))
	req.SetURLConf(rest.NewURLConf([]rest.URLPattern{
		{Name: "hlauthor-detail", Path: "/api/authors/:pk/"}, {Name: "hlbook-detail", Path: "/api/books/:pk/"},
		{Name: "page-detail", Path: "/api/pages/:pk/"}, {Name: "shelf-detail", Path: "/api/shelves/:pk/"},
	}))
	return db, req.Context()
}

func TestHyperlinkedModelRepresent(t *testing.T) {
	db, ctx := hlSetup(t)
	ann, bob := int64(1), int64(2)
	tests := []struct {
		name string
		data func() (serializers.Data, error)
		want string
	}{
		{"url first, relations as links", func() (serializers.Data, error) {
			return serializers.NewHyperlinkedModel[hlBook](db).RepresentContext(ctx, &hlBook{ID: 7, Title: "t", AuthorID: &ann,
				Author: &hlAuthor{ID: 1}, Others: []hlAuthor{{ID: 2}, {ID: 1}}})
		}, `{"url":"http://testserver/api/books/7/","id":7,"title":"t","author":"http://testserver/api/authors/1/",` +
			`"others":["http://testserver/api/authors/2/","http://testserver/api/authors/1/"]}`},
		{"no author", func() (serializers.Data, error) {
			return serializers.NewHyperlinkedModel[hlBook](db).RepresentContext(ctx, &hlBook{ID: 7, Title: "t"})
		}, `{"url":"http://testserver/api/books/7/","id":7,"title":"t","author":null,"others":[]}`},
		{"not saved: a null url", func() (serializers.Data, error) {
			return serializers.NewHyperlinkedModel[hlBook](db).RepresentContext(ctx, &hlBook{Title: "t", AuthorID: &bob, Author: &hlAuthor{ID: 2}})
		}, `{"url":null,"id":0,"title":"t","author":"http://testserver/api/authors/2/","others":[]}`},
		{"the model's own url, where it is", func() (serializers.Data, error) {
			return serializers.NewHyperlinkedModel[hlPage](db).RepresentContext(ctx, &hlPage{ID: 1, Title: "p"})
		}, `{"id":1,"url":"http://testserver/api/pages/1/","title":"p"}`},
		{"ModelName", func() (serializers.Data, error) {
			return serializers.NewHyperlinkedModel[hlShelf](db).RepresentContext(ctx, &hlShelf{ID: 1, Name: "s"})
		}, `{"url":"http://testserver/api/shelves/1/","id":1,"name":"s"}`},
		// The url is the serializer's, not the type's: a ModelSerializer of the same
		// type, made after, has none.
		{"NewModel after: no url", func() (serializers.Data, error) {
			serializers.NewHyperlinkedModel[hlShelf](db)
			return serializers.NewModel[hlShelf](db).RepresentContext(ctx, &hlShelf{ID: 1, Name: "s"})
		}, `{"id":1,"name":"s"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.data()
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := json.Marshal(d); string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestHyperlinkedModelValidate(t *testing.T) {
	db, ctx := hlSetup(t)
	books := serializers.NewHyperlinkedModel[hlBook](db)
	tests := []struct {
		name, input string
		want        string // the errors, or a part of the stored book's representation
	}{
		{"a link", `{"title": "t", "author": "http://testserver/api/authors/2/"}`, `"author":"http://testserver/api/authors/2/"`},
		{"a path", `{"title": "t", "author": "/api/authors/1/"}`, `"author":"http://testserver/api/authors/1/"`},
		{"many", `{"title": "t", "others": ["/api/authors/2/", "/api/authors/1/"]}`,
			`"others":["http://testserver/api/authors/2/","http://testserver/api/authors/1/"]`},
		{"url is read-only", `{"title": "t", "url": "http://testserver/api/books/99/"}`, `"title":"t"`},
		{"no URL match", `{"title": "t", "author": "http://testserver/nowhere/"}`, `{"author":["Invalid hyperlink - No URL match."]}`},
		{"another view", `{"title": "t", "author": "/api/books/1/"}`, `{"author":["Invalid hyperlink - Incorrect URL match."]}`},
		{"no such author", `{"title": "t", "author": "/api/authors/9/"}`, `{"author":["Invalid hyperlink - Object does not exist."]}`},
		{"not a string", `{"title": "t", "others": [1]}`, `{"others":["Incorrect type. Expected URL string, received int."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data any
			if err := json.Unmarshal([]byte(tt.input), &data); err != nil {
				t.Fatal(err)
			}
			v, err := books.Validate(ctx, data)
			if strings.HasPrefix(tt.want, "{") {
				if err == nil {
					t.Fatalf("valid, want %s", tt.want)
				}
				if got, _ := json.Marshal(err.(*rest.Error).Fields); string(got) != tt.want {
					t.Errorf("errors %s, want %s", got, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("invalid: %v", err)
			}
			book, err := books.Create(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			d, err := books.RepresentContext(ctx, book)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(d)
			if !strings.HasPrefix(string(out), `{"url":"http://testserver/api/books/`) || !strings.Contains(string(out), tt.want) {
				t.Errorf("got %s, want the url first and %s", out, tt.want)
			}
		})
	}
}

func TestHyperlinkedModelDescribe(t *testing.T) {
	db, _ := hlSetup(t)
	fields := serializers.NewHyperlinkedModel[hlBook](db).Describe()
	var names []string
	for _, f := range fields {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"url", "id", "title", "author", "others"}) {
		t.Fatalf("fields %v", names)
	}
	url := fields[0]
	if url.Type != "field" || !url.ReadOnly || url.Required || url.Label != "Url" ||
		url.Related == nil || url.Related.Type != "string" || url.Related.Format != "uri" || url.Related.Many {
		t.Errorf("url %+v, related %+v", url, url.Related)
	}
	if fields[4].Related == nil || fields[4].Related.Format != "uri" || !fields[4].Related.Many {
		t.Errorf("others %+v", fields[4].Related)
	}
}

// What NewModel refuses at start, and what fails a render: a view name no route has is
// found only with the request's routes, as with NewModel.
func TestHyperlinkedModelMistakes(t *testing.T) {
	db, _ := hlSetup(t)
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "needs view_name") {
				t.Errorf("NewModel of a link without view_name: %v", r)
			}
		}()
		serializers.NewModel[hlBook](db)
	}()
	other := rest.NewRequest(httptest.NewRequest("GET", "http://testserver/", nil))
	other.SetURLConf(rest.NewURLConf([]rest.URLPattern{{Name: "book-detail", Path: "/books/:pk/"}}))
	_, err := serializers.NewHyperlinkedModel[hlBook](db).RepresentContext(other.Context(), &hlBook{ID: 1})
	if err == nil || !strings.Contains(err.Error(), `view_name "hlbook-detail"`) {
		t.Errorf("no route hlbook-detail: %v", err)
	}
	if _, err := serializers.NewHyperlinkedModel[hlBook](db).RepresentContext(context.Background(), &hlBook{ID: 1}); err == nil ||
		!strings.Contains(err.Error(), "needs the request") {
		t.Errorf("without a request: %v", err)
	}
}

// A relation's declaration is cached with its struct type and shared by every serializer
// of it: building a serializer while another renders must not write to it (go test -race).
func TestHyperlinkedBuildWhileRendering(t *testing.T) {
	db, ctx := hlSetup(t)
	ann := int64(1)
	const want = `{"url":"http://testserver/api/books/7/","id":7,"title":"t","author":"http://testserver/api/authors/1/","others":[]}`
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				data, err := serializers.NewHyperlinkedModel[hlBook](db).RepresentContext(ctx, &hlBook{ID: 7, Title: "t", AuthorID: &ann, Author: &hlAuthor{ID: 1}})
				if err != nil {
					t.Error(err)
					return
				}
				if got, _ := json.Marshal(data); string(got) != want {
					t.Errorf("got %s, want %s", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
