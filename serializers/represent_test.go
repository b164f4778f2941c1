package serializers_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/serializers"
)

type base struct {
	ID        int64          `json:"id" drf:"read_only"`
	CreatedAt time.Time      `json:"created_at" drf:"read_only"`
	DeletedAt gorm.DeletedAt `json:"deleted_at"`
}

type post struct {
	base
	Title  string         `json:"title"`
	Score  float32        `json:"score"`
	Count  uint8          `json:"count"`
	Due    *time.Time     `json:"due"`
	Tags   []string       `json:"tags"`
	Extra  sql.NullString `json:"extra"`
	Ignore string         `json:"-"`
	Plain  string         // no json tag: the Go name, as encoding/json does
	hidden string
}

func TestRepresent(t *testing.T) {
	s := serializers.New[post]()
	due := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("", 3600))
	p := post{
		base:  base{ID: 3, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		Title: "<b>&</b>", Score: 0.1, Count: 255, Due: &due, Extra: sql.NullString{String: "x", Valid: true}, Ignore: "no", Plain: "p", hidden: "h",
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as the dispatcher renders
	if err := enc.Encode(s.Represent(&p)); err != nil {
		t.Fatal(err)
	}
	want := `{"id":3,"created_at":"2024-01-02T03:04:05Z","deleted_at":null,"title":"<b>&</b>","score":0.1,"count":255,` +
		`"due":"2024-05-06T06:08:09.123456Z","tags":[],"extra":{"String":"x","Valid":true},"Plain":"p"}` + "\n"
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
	many := s.RepresentMany([]post{{Title: "a"}, {Title: "b"}})
	if len(many) != 2 {
		t.Fatalf("RepresentMany: %d", len(many))
	}
	if title, _ := many[1].Get("title"); title != "b" {
		t.Errorf("RepresentMany[1].title = %v", title)
	}
}

// Fields a serializer cannot read (gorm.DeletedAt, sql.NullString) are read-only.
func TestOtherTypesAreReadOnly(t *testing.T) {
	s := serializers.New[post]()
	v, err := s.Validate(t.Context(), parse(t, `{"title": "t", "score": 1, "count": 1, "due": null, "tags": [], "Plain": "p", "extra": "x", "deleted_at": "2024-01-01"}`))
	if err != nil {
		t.Fatal(err)
	}
	if v.Value.Extra.Valid || v.Value.DeletedAt.Valid {
		t.Errorf("read-only fields were written: %+v", v.Value)
	}
}

func TestData(t *testing.T) {
	var d serializers.Data
	d.Set("b", 1)
	d.Set("a", []any{"x"})
	d.Set("c", nil)
	d.Set("b", 2)
	d.Delete("c")
	d.Delete("missing")
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"b":2,"a":["x"]}` {
		t.Errorf("got %s", out)
	}
	if got := d.Keys(); len(got) != 2 || got[0] != "b" || got[1] != "a" {
		t.Errorf("keys %v", got)
	}
	if v, ok := d.Get("b"); !ok || v != 2 {
		t.Errorf("Get b = %v, %v", v, ok)
	}
	if m := d.Map(); len(m) != 2 || m["b"] != 2 {
		t.Errorf("Map %v", m)
	}
	if out, _ := json.Marshal(serializers.Data{}); string(out) != `{}` {
		t.Errorf("empty: %s", out)
	}
}
