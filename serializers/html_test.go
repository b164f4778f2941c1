package serializers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"ginrest/rest"
	"ginrest/serializers"
)

type place struct {
	City string `json:"city"`
	Zip  string `json:"zip" drf:"optional"`
}

// form is what an HTML form posts to.
type form struct {
	Name     string            `json:"name"`
	Nick     *string           `json:"nick" drf:"optional"`
	Bio      *string           `json:"bio" drf:"optional,allow_blank"`
	Age      *int              `json:"age" drf:"optional"`
	Color    string            `json:"color" drf:"default=blue"`
	Agree    bool              `json:"agree"`
	Notify   bool              `json:"notify" drf:"default=true"`
	Maybe    *bool             `json:"maybe" drf:"optional"`
	Tags     []string          `json:"tags" drf:"optional"`
	Colors   []string          `json:"colors" drf:"optional" validate:"oneof=red green blue"`
	Home     place             `json:"home" drf:"optional"`
	Old      []place           `json:"old" drf:"optional"`
	Extra    map[string]string `json:"extra" drf:"optional"`
	Settings json.RawMessage   `json:"settings" drf:"optional"`
}

var forms = serializers.New[form]()

// TestFormInput: form input (url.Values, or the request's form body) is read as DRF reads
// HTML input; each row is a form body and the validated value or the error body.
func TestFormInput(t *testing.T) {
	str := func(s string) *string { return &s }
	yes, no := true, false
	tests := []struct {
		name, body string
		want       form
		errs       string
	}{
		{"an absent boolean is false, an absent field with a default has it",
			"name=a", form{Name: "a", Color: "blue", Notify: true}, ""},
		{"a checked box", "name=a&agree=on&notify=off&maybe=true", form{Name: "a", Color: "blue", Agree: true, Notify: false, Maybe: &yes}, ""},
		{"a nullable boolean from an empty value is null", "name=a&maybe=", form{Name: "a", Color: "blue", Notify: true}, ""},
		{"maybe false", "name=a&maybe=false", form{Name: "a", Color: "blue", Notify: true, Maybe: &no}, ""},
		{"an empty value for a nullable field is null", "name=a&nick=&age=", form{Name: "a", Color: "blue", Notify: true}, ""},
		{"allow_blank keeps an empty string", "name=a&bio=", form{Name: "a", Bio: str(""), Color: "blue", Notify: true}, ""},
		{"an empty value for a field with a default is absent", "name=a&color=", form{Name: "a", Color: "blue", Notify: true}, ""},
		{"an empty value for a required field is blank", "name=", form{}, `{"name": ["This field may not be blank."]}`},
		{"the last of repeated values for a scalar", "name=a&name=b", form{Name: "b", Color: "blue", Notify: true}, ""},
		{"repeated keys are a list", "name=a&tags=x&tags=y", form{Name: "a", Color: "blue", Notify: true, Tags: []string{"x", "y"}}, ""},
		{"indexed keys are a list", "name=a&tags[1]=y&tags[0]=x", form{Name: "a", Color: "blue", Notify: true, Tags: []string{"x", "y"}}, ""},
		{"multiple choice", "name=a&colors=red&colors=green", form{Name: "a", Color: "blue", Notify: true, Colors: []string{"red", "green"}}, ""},
		{"multiple choice absent is the empty selection", "name=a", form{Name: "a", Color: "blue", Notify: true}, ""},
		{"dotted keys are a nested object", "name=a&home.city=Paris&home.zip=75001",
			form{Name: "a", Color: "blue", Notify: true, Home: place{City: "Paris", Zip: "75001"}}, ""},
		{"indexed dotted keys are a list of objects", "name=a&old[0]city=Lyon&old[1]city=Nice",
			form{Name: "a", Color: "blue", Notify: true, Old: []place{{City: "Lyon"}, {City: "Nice"}}}, ""},
		{"dotted keys are a dictionary", "name=a&extra.k=v",
			form{Name: "a", Color: "blue", Notify: true, Extra: map[string]string{"k": "v"}}, ""},
		{"a JSON field's value is JSON text", `name=a&settings={"a":%20[1]}`,
			form{Name: "a", Color: "blue", Notify: true, Settings: json.RawMessage(`{"a":[1]}`)}, ""},
		{"a JSON field's text must be JSON", `name=a&settings=nope`, form{}, `{"settings": ["Value must be valid JSON."]}`},
		{"nested errors", "name=a&home.zip=1", form{}, `{"home": {"city": ["This field is required."]}}`},
		{"multiple choice errors", "name=a&colors=pink", form{}, `{"colors": ["\"pink\" is not a valid choice."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, err := url.ParseQuery(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			// The same through url.Values and through a request's form body.
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r := rest.NewRequest(req)
			data, err := r.Data()
			if err != nil {
				t.Fatal(err)
			}
			for how, run := range map[string]func() (*serializers.Validated[form], error){
				"values":  func() (*serializers.Validated[form], error) { return forms.Validate(t.Context(), values) },
				"request": func() (*serializers.Validated[form], error) { return forms.Validate(r.Context(), data) },
			} {
				v, err := run()
				if tt.errs != "" {
					if !sameJSON(t, errorBody(t, err), tt.errs) {
						t.Errorf("%s: got %s, want %s", how, errorBody(t, err), tt.errs)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %s", how, errorBody(t, err))
				}
				want := tt.want
				if want.Colors == nil {
					want.Colors = []string{} // absent from a form: the empty selection
				}
				if !reflect.DeepEqual(v.Value, want) {
					t.Errorf("%s:\ngot  %+v\nwant %+v", how, v.Value, want)
				}
			}
		})
	}
}

// TestFormPartial: on PATCH an absent field stays absent, a boolean too.
func TestFormPartial(t *testing.T) {
	v, err := forms.ValidateUpdate(t.Context(), &form{Name: "a", Agree: true, Tags: []string{"x"}}, url.Values{"name": {"b"}}, true)
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	if !v.Value.Agree || len(v.Value.Tags) != 1 || strings.Join(v.Fields(), ",") != "name" {
		t.Errorf("partial %+v fields %v", v.Value, v.Fields())
	}
}

// TestJSONIsNotForm: a JSON body is not read as a form, and a map the view builds from a
// form body is not either: the rules are for what a browser sends.
func TestJSONIsNotForm(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name": "a"}`))
	req.Header.Set("Content-Type", "application/json")
	r := rest.NewRequest(req)
	data, _ := r.Data()
	_, err := forms.Validate(r.Context(), data)
	if !sameJSON(t, errorBody(t, err), `{"agree": ["This field is required."]}`) {
		t.Errorf("JSON: %s", errorBody(t, err))
	}
	req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("name=a"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = rest.NewRequest(req)
	if _, err := r.Data(); err != nil {
		t.Fatal(err)
	}
	_, err = forms.Validate(r.Context(), map[string]any{"name": "a"})
	if !sameJSON(t, errorBody(t, err), `{"agree": ["This field is required."]}`) {
		t.Errorf("built map: %s", errorBody(t, err))
	}
}
