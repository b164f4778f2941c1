package serializers_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"ginrest/rest"
	"ginrest/serializers"
)

type address struct {
	City string `json:"city"`
	Zip  string `json:"zip" drf:"optional"`
}

// article has each kind of presence rule: read-only, write-only, required, default,
// optional, and a nested object.
type article struct {
	ID       int64    `json:"id" drf:"read_only"`
	Title    string   `json:"title"`
	Status   string   `json:"status" drf:"default=draft" validate:"oneof=draft published"`
	Views    int      `json:"views" drf:"default=7"`
	Pinned   *bool    `json:"pinned" drf:"default=null"`
	Body     string   `json:"body" drf:"optional,allow_blank"`
	Password string   `json:"password" drf:"write_only,optional"`
	Address  *address `json:"address" drf:"optional"`
}

var articles = serializers.New[article]()

func parse(t *testing.T, body string) any {
	t.Helper()
	data, err := rest.ParseJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func errorBody(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	out, _ := json.Marshal(err)
	return string(out)
}

func TestCreateDefaultsAndPresence(t *testing.T) {
	v, err := articles.Validate(t.Context(), parse(t, `{"id": 99, "title": "t", "password": "s3cret"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := article{Title: "t", Status: "draft", Views: 7, Password: "s3cret"}
	if !reflect.DeepEqual(v.Value, want) {
		t.Errorf("value %+v, want %+v (id is read-only, defaults applied)", v.Value, want)
	}
	// Defaults are validated data; optional fields left out are not.
	if got := v.Fields(); !slices.Equal(got, []string{"title", "status", "views", "pinned", "password"}) {
		t.Errorf("fields %v", got)
	}
	if v.Has("body") || v.Has("id") || !v.Has("views") {
		t.Errorf("Has: body %v, id %v, views %v", v.Has("body"), v.Has("id"), v.Has("views"))
	}
	// A given value wins over the default.
	v, err = articles.Validate(t.Context(), parse(t, `{"title": "t", "views": 0, "status": "published", "pinned": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if v.Value.Views != 0 || v.Value.Status != "published" || v.Value.Pinned == nil || !*v.Value.Pinned {
		t.Errorf("given values: %+v", v.Value)
	}
}

func TestReadAndWriteOnly(t *testing.T) {
	a := article{ID: 5, Title: "t", Status: "draft", Password: "hidden", Address: &address{City: "Oslo"}}
	data := articles.Represent(&a)
	out, _ := json.Marshal(data)
	want := `{"id":5,"title":"t","status":"draft","views":0,"pinned":null,"body":"","address":{"city":"Oslo","zip":""}}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	if _, ok := data.Get("password"); ok {
		t.Error("write-only field rendered")
	}
}

func TestUpdates(t *testing.T) {
	instance := func() *article {
		pinned := true
		return &article{ID: 5, Title: "old", Status: "published", Views: 100, Pinned: &pinned, Body: "body", Password: "pw", Address: &address{City: "Oslo", Zip: "0150"}}
	}
	tests := []struct {
		name    string
		body    string
		partial bool
		want    func(a *article)
		fields  []string
		errBody string
	}{
		{name: "PATCH changes only what is given", body: `{"title": "new"}`, partial: true,
			want: func(a *article) { a.Title = "new" }, fields: []string{"title"}},
		{name: "PATCH with nothing", body: `{}`, partial: true, want: func(*article) {}, fields: nil},
		{name: "PATCH still validates what is given", body: `{"title": "", "status": "x"}`, partial: true,
			errBody: `{"title":["This field may not be blank."],"status":["\"x\" is not a valid choice."]}`},
		{name: "PATCH ignores read-only", body: `{"id": 1}`, partial: true, want: func(*article) {}, fields: nil},
		{name: "PATCH a nested field keeps its siblings", body: `{"address": {"zip": "9999"}}`, partial: true,
			want: func(a *article) { a.Address.Zip = "9999" }, fields: []string{"address"}},
		{name: "PATCH null clears a nullable field", body: `{"pinned": null, "address": null}`, partial: true,
			want: func(a *article) { a.Pinned, a.Address = nil, nil }, fields: []string{"pinned", "address"}},
		{name: "PUT requires what is required", body: `{"body": "x"}`,
			errBody: `{"title":["This field is required."]}`},
		{name: "PUT resets defaults, keeps optional fields", body: `{"title": "new"}`,
			want:   func(a *article) { a.Title, a.Status, a.Views, a.Pinned = "new", "draft", 7, nil },
			fields: []string{"title", "status", "views", "pinned"}},
		{name: "PUT nested requires its own fields", body: `{"title": "new", "address": {"zip": "1"}}`,
			errBody: `{"address":{"city":["This field is required."]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := instance()
			before := *orig
			beforeAddress := *orig.Address
			v, err := articles.ValidateUpdate(t.Context(), orig, parse(t, tt.body), tt.partial)
			if tt.errBody != "" {
				if !sameJSON(t, errorBody(t, err), tt.errBody) {
					t.Fatalf("error %s, want %s", errorBody(t, err), tt.errBody)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := instance()
			tt.want(want)
			if !reflect.DeepEqual(v.Value, *want) {
				t.Errorf("value %+v, want %+v", v.Value, *want)
			}
			if !slices.Equal(v.Fields(), tt.fields) {
				t.Errorf("fields %v, want %v", v.Fields(), tt.fields)
			}
			// The instance itself is untouched until the view saves.
			if !reflect.DeepEqual(*orig, before) || *orig.Address != beforeAddress {
				t.Errorf("instance changed: %+v", *orig)
			}
		})
	}
}

func TestUpdateNeedsAnInstance(t *testing.T) {
	if _, err := articles.ValidateUpdate(t.Context(), nil, map[string]any{}, true); err == nil {
		t.Fatal("nil instance accepted")
	}
}

// A pointer default is a fresh pointer each time: changing one value leaves the default.
func TestPointerDefaultIsCopied(t *testing.T) {
	type counter struct {
		N *int `json:"n" drf:"default=5"`
	}
	s := serializers.New[counter]()
	v, err := s.Validate(t.Context(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	*v.Value.N = 99
	v, err = s.Validate(t.Context(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if *v.Value.N != 5 {
		t.Errorf("default became %d", *v.Value.N)
	}
}
