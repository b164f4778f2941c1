package serializers_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/serializers"
)

// The relational fields in DRF's terms: valid inputs, invalid inputs with DRF's exact
// messages, and outputs (rest_framework's tests/test_relations.py).

type relAuthor struct {
	ID   int64  `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	Name string `json:"name" gorm:"column:name"`
	Slug string `json:"slug" gorm:"column:slug"`
}

func (relAuthor) TableName() string { return "rel_author" }
func (a relAuthor) String() string  { return "Author " + a.Name }

type relBook struct {
	ID       int64       `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	URL      string      `json:"url" gorm:"-" drf:"related=identity,view_name=book-detail"`
	AuthorID *int64      `json:"-" gorm:"column:author_id"`
	Author   *relAuthor  `json:"author" gorm:"foreignKey:AuthorID" drf:"related=pk,optional"`
	BySlug   *relAuthor  `json:"by_slug" gorm:"-" drf:"related=slug,slug_field=slug,source=Author,optional"`
	ByName   *relAuthor  `json:"by_name" gorm:"-" drf:"related=string,source=Author"`
	ByLink   *relAuthor  `json:"by_link" gorm:"-" drf:"related=hyperlink,view_name=author-detail,source=Author,optional"`
	Others   []relAuthor `json:"others" gorm:"many2many:rel_book_others;joinForeignKey:book_id;joinReferences:author_id" drf:"related=pk,optional,allow_empty=false"`
}

func (relBook) TableName() string { return "rel_book" }

// QuerysetOthers refuses the author named "hidden", as a get_queryset narrowing would.
func (*relBook) QuerysetOthers(_ *rest.Request, q *gorm.DB) *gorm.DB {
	return q.Where("name <> ?", "hidden")
}

// relDDL is the tables, in SQLite's words and PostgreSQL's but for the books' serial id.
const relDDL = `CREATE TABLE rel_author (id integer PRIMARY KEY, name varchar(50) NOT NULL, slug varchar(50) NOT NULL);
CREATE TABLE rel_book (id integer PRIMARY KEY, author_id integer NULL REFERENCES rel_author (id));
CREATE TABLE rel_book_others (book_id integer NOT NULL, author_id integer NOT NULL, PRIMARY KEY (book_id, author_id));
INSERT INTO rel_author (id, name, slug) VALUES (1, 'Ann', 'ann'), (2, 'Bob', 'bob'), (3, 'hidden', 'hidden');`

func TestRelatedFields(t *testing.T) {
	stmts := strings.Split(relDDL, ";\n")
	db := testDB(t, stmts[0], stmts[0])
	for _, stmt := range stmts[1:] {
		if models.IsPostgres(db) {
			stmt = strings.Replace(stmt, "rel_book (id integer", "rel_book (id serial", 1)
		}
		if err := db.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	books := serializers.NewModel[relBook](db)
	req := rest.NewRequest(httptest.NewRequest("GET", "http://testserver/api/books/", nil))
	req.SetURLConf(rest.NewURLConf([]rest.URLPattern{
		{Name: "author-detail", Path: "/api/authors/:pk/"}, {Name: "book-detail", Path: "/api/books/:pk/"},
		{Name: "book-list", Path: "/api/books/"},
	}))
	ctx := req.Context()
	tests := []struct {
		name, input string
		want        string // the errors, or the stored book's representation
	}{
		// PrimaryKeyRelatedField
		{"pk", `{"author": 1}`, `"author":1`},
		{"pk as text", `{"author": "2"}`, `"author":2`},
		{"pk null", `{"author": null}`, `"author":null`},
		{"pk missing", `{"author": 9}`, `{"author":["Invalid pk \"9\" - object does not exist."]}`},
		{"pk missing as text", `{"author": "9"}`, `{"author":["Invalid pk \"9\" - object does not exist."]}`},
		{"pk of a string", `{"author": "abc"}`, `{"author":["Incorrect type. Expected pk value, received str."]}`},
		{"pk of a float", `{"author": 1.5}`, `{"author":["Incorrect type. Expected pk value, received float."]}`},
		{"pk of a bool", `{"author": true}`, `{"author":["Incorrect type. Expected pk value, received bool."]}`},
		{"pk of a dict", `{"author": {}}`, `{"author":["Incorrect type. Expected pk value, received dict."]}`},
		{"pk out of range", `{"author": 99999999999999999999}`, `{"author":["Invalid pk \"99999999999999999999\" - object does not exist."]}`},
		// SlugRelatedField
		{"slug", `{"by_slug": "bob"}`, `"author":2`},
		{"slug missing", `{"by_slug": "x"}`, `{"by_slug":["Object with slug=x does not exist."]}`},
		{"slug of a list", `{"by_slug": []}`, `{"by_slug":["Invalid value."]}`},
		// HyperlinkedRelatedField
		{"link", `{"by_link": "http://testserver/api/authors/1/"}`, `"author":1`},
		{"link, another host", `{"by_link": "https://elsewhere/api/authors/2/"}`, `"author":2`},
		{"link, a path", `{"by_link": "/api/authors/2/"}`, `"author":2`},
		{"link, no match", `{"by_link": "http://testserver/nowhere/"}`, `{"by_link":["Invalid hyperlink - No URL match."]}`},
		{"link, wrong route", `{"by_link": "/api/books/1/"}`, `{"by_link":["Invalid hyperlink - Incorrect URL match."]}`},
		{"link, missing", `{"by_link": "/api/authors/9/"}`, `{"by_link":["Invalid hyperlink - Object does not exist."]}`},
		{"link, not a pk", `{"by_link": "/api/authors/x/"}`, `{"by_link":["Incorrect type. Expected URL string, received str."]}`},
		{"link, an int", `{"by_link": 1}`, `{"by_link":["Incorrect type. Expected URL string, received int."]}`},
		// ManyRelatedField
		{"many", `{"others": [2, 1]}`, `"others":[1,2]`},
		{"many, empty", `{"others": []}`, `{"others":["This list may not be empty."]}`},
		{"many, not a list", `{"others": "1"}`, `{"others":["Expected a list of items but got type \"str\"."]}`},
		{"many, first error", `{"others": [1, "x", 9]}`, `{"others":["Incorrect type. Expected pk value, received str."]}`},
		{"many, outside the queryset", `{"others": [3]}`, `{"others":["Invalid pk \"3\" - object does not exist."]}`},
		// StringRelatedField and HyperlinkedIdentityField are read-only.
		{"read-only", `{"by_name": "x", "url": "y", "author": 1}`, `"by_name":"Author Ann"`},
		{"rendered link", `{"author": 1}`, `"by_link":"http://testserver/api/authors/1/"`},
		{"rendered slug", `{"author": 1}`, `"by_slug":"ann"`},
		{"identity", `{}`, `"url":"http://testserver/api/books/`},
		// RelatedField.run_validation: "" is None.
		{"pk empty is null", `{"author": ""}`, `"author":null`},
		{"slug empty is null", `{"by_slug": ""}`, `"author":null`},
		// HTML forms (a body that is not JSON): a repeated key fills a many relation, an
		// absent one is the empty list (DRF's getlist), an empty value is null.
		{"form, pk", `author=1&others=1`, `"author":1`},
		{"form, pk empty is null", `author=&others=1`, `"author":null`},
		{"form, many repeated", `others=2&others=1`, `"others":[1,2]`},
		{"form, many absent", `author=1`, `{"others":["This list may not be empty."]}`},
		{"form, many empty value", `others=`, `{"others":["Incorrect type. Expected pk value, received str."]}`},
		{"form, slug", `by_slug=bob&others=1`, `"author":2`},
		{"form, link", `by_link=/api/authors/2/&others=1`, `"author":2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data any = parseForm(t, tt.input)
			if strings.HasPrefix(tt.input, "{") {
				dec := json.NewDecoder(strings.NewReader(tt.input))
				dec.UseNumber()
				if err := dec.Decode(&data); err != nil {
					t.Fatal(err)
				}
			}
			v, err := books.Validate(ctx, data)
			if strings.HasPrefix(tt.want, "{") {
				if err == nil {
					t.Fatalf("valid, want %s", tt.want)
				}
				got, _ := json.Marshal(err.(*rest.Error).Fields)
				if string(got) != tt.want {
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
			items := []relBook{*book}
			if err := books.Prefetch(ctx, items); err != nil {
				t.Fatal(err)
			}
			d, err := books.RepresentContext(ctx, &items[0])
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(d)
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("got %s, want it to hold %s", out, tt.want)
			}
		})
	}
}

// A hyperlinked field renders only with the request (DRF asserts it is in the context),
// and relation fields need the database.
func TestRelatedFieldsNeed(t *testing.T) {
	stmts := strings.Split(relDDL, ";\n")
	db := testDB(t, stmts[0], stmts[0])
	books := serializers.NewModel[relBook](db)
	if _, err := books.RepresentContext(context.Background(), &relBook{ID: 1}); err == nil || !strings.Contains(err.Error(), "needs the request") {
		t.Errorf("without a request: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("New of a serializer with relation fields did not panic")
		}
	}()
	serializers.New[relBook]()
}

// parseForm is a form body as the request parses it.
func parseForm(t *testing.T, body string) url.Values {
	t.Helper()
	values, err := url.ParseQuery(body)
	if err != nil {
		t.Fatal(err)
	}
	return values
}
