package serializers_test

import (
	"fmt"
	"strings"
	"testing"

	"ginrest/serializers"
)

// Declaration mistakes panic when the serializer is built, naming the field and the fault.
func TestDeclarationMistakes(t *testing.T) {
	type inner struct{ A string }
	type embeddedPtr struct{ *inner }
	tests := []struct {
		name  string
		build func()
		want  string
	}{
		{"unknown rule", func() {
			serializers.New[struct {
				A string `validate:"nosuchrule"`
			}]()
		}, "nosuchrule"},
		{"rule for another type", func() {
			serializers.New[struct {
				A bool `validate:"max=3"`
			}]()
		}, `rule "max=3"`},
		{"unknown drf option", func() {
			serializers.New[struct {
				A string `drf:"readonly"`
			}]()
		}, `unknown option "readonly"`},
		{"default of the wrong type", func() {
			serializers.New[struct {
				A int `drf:"default=many"`
			}]()
		}, "default=many: A valid integer is required."},
		{"default out of range", func() {
			serializers.New[struct {
				A int8 `drf:"default=300"`
			}]()
		}, "default=300"},
		{"choice of the wrong type", func() {
			serializers.New[struct {
				A int `validate:"oneof=a b"`
			}]()
		}, `oneof value "a"`},
		{"read_only with a default", func() {
			serializers.New[struct {
				A string `drf:"read_only,default=x"`
			}]()
		}, "read_only field takes no default"},
		{"read_only and write_only", func() {
			serializers.New[struct {
				A string `drf:"read_only,write_only"`
			}]()
		}, "read_only and write_only"},
		{"rules on a nested object", func() {
			serializers.New[struct {
				A inner `validate:"max=1"`
			}]()
		}, "nested object takes no validate rules"},
		{"item rules on a list of objects", func() {
			serializers.New[struct {
				A []inner `validate:"unique"`
			}]()
		}, "length rules only"},
		{"dive on a string", func() {
			serializers.New[struct {
				A string `validate:"dive,max=1"`
			}]()
		}, "dive is for lists"},
		{"maps", func() {
			serializers.New[struct {
				A map[string]string `validate:"dive,keys,max=1,endkeys"`
			}]()
		}, "validate tag"},
		{"unique without a database", func() {
			serializers.New[struct {
				A string `drf:"unique"`
			}]()
		}, "build it with NewModel"},
		{"not a struct", func() { serializers.New[int]() }, "int is not a struct"},
		{"embedded pointer", func() { serializers.New[embeddedPtr]() }, "embed the struct by value"},
		{"two fields named alike", func() {
			serializers.New[struct {
				A string
				B string `json:"A"`
			}]()
		}, `two fields named "A"`},
		{"NewModel without a database", func() {
			serializers.NewModel[struct{ A string }](nil)
		}, "needs a database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				p := recover()
				if p == nil {
					t.Fatal("no panic")
				}
				if msg := fmt.Sprint(p); !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "serializers: ") {
					t.Errorf("panic %q, want it to contain %q", msg, tt.want)
				}
			}()
			tt.build()
		})
	}
}

// A deeper embedded field is hidden by a shallower one of the same name, as in encoding/json.
func TestEmbedding(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	type outer struct {
		inner
		Name string `json:"name" validate:"max=3"`
	}
	s := serializers.New[outer]()
	v, err := s.Validate(t.Context(), parse(t, `{"name": "abc", "kind": "k"}`))
	if err != nil {
		t.Fatal(err)
	}
	if v.Value.Name != "abc" || v.Value.inner.Name != "" || v.Value.Kind != "k" {
		t.Errorf("value %+v", v.Value)
	}
	_, err = s.Validate(t.Context(), parse(t, `{"name": "abcd", "kind": "k"}`))
	if !sameJSON(t, errorBody(t, err), `{"name": ["Ensure this field has no more than 3 characters."]}`) {
		t.Errorf("error %s", errorBody(t, err))
	}
}

// A type that contains itself (a tree) can be declared and validated.
type node struct {
	Name     string `json:"name"`
	Children []node `json:"children" drf:"optional"`
}

func TestRecursiveType(t *testing.T) {
	s := serializers.New[node]()
	_, err := s.Validate(t.Context(), parse(t, `{"name": "root", "children": [{"name": "a"}, {"children": [{"name": 1}, {}]}]}`))
	want := `{"children": [{}, {"name": ["This field is required."], "children": [{}, {"name": ["This field is required."]}]}]}`
	if !sameJSON(t, errorBody(t, err), want) {
		t.Errorf("error %s", errorBody(t, err))
	}
}
