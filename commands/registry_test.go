package commands

import (
	"os"
	"path/filepath"
	"testing"
)

// The project's registries are what startapp would write: a resource added or removed by
// hand is noticed here, not as a build error somewhere else.
func TestRegistriesAreUpToDate(t *testing.T) {
	module, err := modulePath("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, reg := range registries() {
		funcs, err := markedFuncs(filepath.Join("..", reg.dir), reg.mark)
		if err != nil {
			t.Fatal(err)
		}
		want, err := render(reg.template, struct {
			Module string
			Funcs  []string
		}{module, funcs})
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", reg.dir, reg.file))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s/%s lists other functions than those marked %s (%v); it should read:\n%s", reg.dir, reg.file, reg.mark, funcs, want)
		}
	}
}

func TestPluralOf(t *testing.T) {
	for name, want := range map[string]string{
		"widget": "widgets", "box": "boxes", "bus": "buses", "match": "matches", "dish": "dishes",
		"quiz": "quizes", "category": "categories", "day": "days", "key": "keys", "y": "ys",
	} {
		if got := pluralOf(name); got != want {
			t.Errorf("pluralOf(%q) = %q, want %q", name, got, want)
		}
	}
}
