package commands

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

// startappTemplates are the files a resource is made of, and the two registries.
//
//go:embed templates/startapp/*.tmpl
var startappTemplates embed.FS

// resource is what the templates are rendered with: a resource named widget is the model
// Widget in table widgets_widget (an app "widgets" in Django's naming), mounted at
// /api/widgets/ with route names widget-list and widget-detail.
type resource struct {
	Module string // the module path, from go.mod
	Name   string // widget: the model's name in lower case, the routes' basename
	Plural string // widgets: the URL prefix, the app label, the file names
	Model  string // Widget
	Views  string // Widgets: NewWidgets, TestWidgets...
	Table  string // widgets_widget
	Owner  bool   // --owner: an owner_id column, set on create; only the owner (or staff) changes it
}

// resourceFiles are the files startapp writes for a resource: template → path.
func resourceFiles(r resource) [][2]string {
	return [][2]string{
		{"model.go.tmpl", filepath.Join("models", r.Name+".go")},
		{"migrations.go.tmpl", filepath.Join("models", r.Name+"_migrations.go")},
		{"views.go.tmpl", filepath.Join("views", r.Plural+".go")},
		{"urls.go.tmpl", filepath.Join("urls", r.Plural+".go")},
		{"test.go.tmpl", filepath.Join("tests", r.Plural+"_test.go")},
	}
}

func startapp(env *Env, args []string) error {
	fs := newFlags("startapp", env)
	root := fs.String("root", ".", "the project's directory (where go.mod is)")
	plural := fs.String("plural", "", "the plural, for the URL and file names, NAME being the singular (default: NAME in either, the other by English rules)")
	owner := fs.Bool("owner", false, "give each object an owner, the user who creates it; others may read it, not change it (as views/notes.go)")
	dryRun := fs.Bool("dry-run", false, "check NAME and print what would be written, writing nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("startapp takes one NAME, e.g. widgets or widget")}
	}
	r, err := newResource(*root, fs.Arg(0), *plural)
	if err != nil {
		return err
	}
	r.Owner = *owner
	files := resourceFiles(r)
	rendered := make(map[string][]byte, len(files))
	for _, f := range files {
		src, err := render(f[0], r)
		if err != nil {
			return err
		}
		rendered[f[1]] = src
	}
	if *dryRun {
		for _, f := range files {
			fmt.Fprintf(env.Stdout, "  would create %s\n", filepath.ToSlash(f[1]))
		}
		for _, reg := range registries() { // a new resource adds a line to each
			fmt.Fprintf(env.Stdout, "  would update %s\n", filepath.ToSlash(filepath.Join(reg.dir, reg.file)))
		}
		fmt.Fprintf(env.Stdout, "Would create the %s resource: model %s (table %s), a ModelViewSet at /api/%[1]s/%s, and its tests. Nothing written (--dry-run).\n",
			r.Plural, r.Model, r.Table, r.owned())
		return nil
	}
	for _, f := range files { // every file is rendered before any is written
		if err := os.WriteFile(filepath.Join(*root, f[1]), rendered[f[1]], 0o644); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "  created %s\n", filepath.ToSlash(f[1]))
	}
	updated, err := writeRegistries(*root, r.Module)
	if err != nil {
		return err
	}
	for _, path := range updated {
		fmt.Fprintf(env.Stdout, "  updated %s\n", filepath.ToSlash(path))
	}
	fmt.Fprintf(env.Stdout, `Created the %[1]s resource: model %[2]s (table %[3]s), a ModelViewSet at /api/%[1]s/%[6]s, and its tests.
Next: go test ./tests -run %[4]s    then add fields to models/%[5]s.go with a migration in models/%[5]s_migrations.go.
`, r.Plural, r.Model, r.Table, r.Views, r.Name, r.owned())
	return nil
}

// owned is what the summary says of an owner.
func (r resource) owned() string {
	if r.Owner {
		return " (owned: only a " + r.Name + "'s owner, or staff, change it)"
	}
	return ""
}

var resourceName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// newResource checks a name, singular or plural, and derives the resource's names from it
// (nounForms), or takes plural as given, name being the singular. A name must make
// identifiers, file names and a table name that nothing in the project uses yet.
func newResource(root, name, plural string) (resource, error) {
	if !resourceName.MatchString(name) || len(name) > 40 {
		return resource{}, fmt.Errorf("%q is not a resource name: use lower-case letters and digits, starting with a letter (a Go identifier such as widget or blogpost)", name)
	}
	if plural == "" {
		name, plural = nounForms(name)
	}
	if !resourceName.MatchString(plural) || len(plural) > 40 {
		return resource{}, fmt.Errorf("%q is not a plural for %q: use lower-case letters and digits, starting with a letter", plural, name)
	}
	for _, n := range []string{name, plural} {
		if slices.Contains(strings.Fields(reservedNames), n) {
			return resource{}, fmt.Errorf("%q is reserved (a Go keyword or predeclared identifier, a package the generated code uses, or a file of startapp's own): choose another name", n)
		}
	}
	module, err := modulePath(root)
	if err != nil {
		return resource{}, err
	}
	r := resource{Module: module, Name: name, Plural: plural, Model: title(name), Views: title(plural), Table: plural + "_" + name}
	if err := checkUnused(root, r); err != nil {
		return resource{}, err
	}
	return r, nil
}

// nounForms are the singular and the plural of a resource's name, typed in either: widget
// and widgets both give widget, widgets. The rules, for lower-case English nouns, are
// conservative: they change no more than an ending they recognize, and --plural gives what
// they get wrong (startapp --plural people person).
//
//   - A noun of irregularNouns, in either form, takes its pair there: person and people,
//     analysis and analyses, movie and movies, series and series.
//   - A word ending in ss, us or sis is a singular: class, status, analysis.
//   - Any other word ending in s is a plural: ies after a consonant is a y (categories);
//     sses, xes, zzes, ches and shes lose their es (classes, boxes, matches, wishes); uses
//     loses its es (statuses, buses) but ouses and auses only the s (houses, causes); any
//     other loses its s (books, notes, cases, apis).
//   - The plural of a singular: sis makes ses (analyses); s, x, z, ch and sh add es
//     (statuses, boxes); y after a consonant makes ies (categories); any other adds s.
func nounForms(word string) (singular, plural string) {
	if p, ok := irregularNouns[word]; ok {
		return word, p
	}
	if s, ok := irregularPlurals[word]; ok {
		return s, word
	}
	if s := singularOf(word); s != "" {
		return s, word
	}
	return word, pluralOf(word)
}

// singularOf is the singular of a regular plural, or "" for a word that is not one.
func singularOf(word string) string {
	var s string
	switch {
	case !strings.HasSuffix(word, "s"), hasAnySuffix(word, "ss", "us", "sis"):
		return ""
	case strings.HasSuffix(word, "ies") && len(word) > 4 && consonant(word[len(word)-4]):
		s = word[:len(word)-3] + "y"
	case hasAnySuffix(word, "ouses", "auses"):
		s = word[:len(word)-1]
	case hasAnySuffix(word, "sses", "xes", "zzes", "ches", "shes", "uses"):
		s = word[:len(word)-2]
	default:
		s = word[:len(word)-1]
	}
	if !resourceName.MatchString(s) {
		return ""
	}
	return s
}

// pluralOf is the plural of a singular by the regular rules.
func pluralOf(name string) string {
	switch {
	case strings.HasSuffix(name, "sis"):
		return name[:len(name)-2] + "es"
	case hasAnySuffix(name, "s", "x", "z", "ch", "sh"):
		return name + "es"
	case strings.HasSuffix(name, "y") && len(name) > 1 && consonant(name[len(name)-2]):
		return name[:len(name)-1] + "ies"
	}
	return name + "s"
}

func hasAnySuffix(s string, suffixes ...string) bool {
	return slices.ContainsFunc(suffixes, func(suffix string) bool { return strings.HasSuffix(s, suffix) })
}

// consonant reports whether c is a lower-case letter other than a vowel (y is a consonant).
func consonant(c byte) bool { return 'a' <= c && c <= 'z' && !strings.ContainsRune("aeiou", rune(c)) }

// irregularNouns are the singular and plural of nouns the rules get wrong, among those a
// resource may well be named for; irregularPlurals is the other way round.
var irregularNouns = map[string]string{
	"person": "people", "child": "children", "man": "men", "woman": "women", "mouse": "mice",
	"foot": "feet", "tooth": "teeth", "goose": "geese",
	"criterion": "criteria", "phenomenon": "phenomena",
	"matrix": "matrices", "vertex": "vertices",
	"axis": "axes", "analysis": "analyses", "crisis": "crises", "diagnosis": "diagnoses",
	"hypothesis": "hypotheses", "synopsis": "synopses", "thesis": "theses",
	"alias": "aliases", "atlas": "atlases", "bias": "biases", "canvas": "canvases", "gas": "gases",
	"lens": "lenses", "quiz": "quizzes",
	"cache": "caches", "niche": "niches", "headache": "headaches",
	"movie": "movies", "cookie": "cookies", "pie": "pies", "tie": "ties", "lie": "lies",
	"zombie": "zombies", "calorie": "calories", "selfie": "selfies", "hoodie": "hoodies",
	"rookie": "rookies", "brownie": "brownies", "smoothie": "smoothies", "goalie": "goalies",
	"hero": "heroes", "potato": "potatoes", "tomato": "tomatoes", "echo": "echoes", "veto": "vetoes",
	"leaf": "leaves", "life": "lives", "knife": "knives", "wife": "wives", "half": "halves",
	"shelf": "shelves", "wolf": "wolves", "thief": "thieves", "loaf": "loaves", "calf": "calves",
	"use": "uses", "excuse": "excuses", "abuse": "abuses", "fuse": "fuses", "ruse": "ruses",
	"menu": "menus", "sku": "skus", "cpu": "cpus", "gpu": "gpus", "guru": "gurus",
	"emu": "emus", "haiku": "haikus",
	"series": "series", "species": "species", "news": "news", "sheep": "sheep", "fish": "fish",
	"deer": "deer", "aircraft": "aircraft",
}

var irregularPlurals = func() map[string]string {
	m := make(map[string]string, len(irregularNouns))
	for s, p := range irregularNouns {
		m[p] = s
	}
	return m
}()

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// reservedNames may not name a resource: the generated code would not compile, would
// shadow what it uses, or would write startapp's own apps.go.
const reservedNames = `
	break case chan const continue default defer else fallthrough for func go goto if
	import interface map package range return select struct switch type var
	any append bool byte cap clear close complex complex64 complex128 copy delete error
	false float32 float64 imag int int8 int16 int32 int64 iota len make max min new nil
	panic print println real recover rune string true uint uint8 uint16 uint32 uint64
	uintptr
	app apps context db errors fmt gorm http json now router strings testing time url`

// modulePath reads the module path from root's go.mod: generated imports use it, so a
// project renamed from ginrest still builds.
func modulePath(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("startapp runs in the project's directory (where go.mod is), or with --root: %w", err)
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", errors.New("go.mod names no module")
}

// checkUnused refuses a resource whose files, identifiers or table the project has already,
// or whose names are those of one of its packages.
func checkUnused(root string, r resource) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() && (e.Name() == r.Name || e.Name() == r.Plural) {
			return fmt.Errorf("%q is the name of the project's package %s/: choose another name", e.Name(), e.Name())
		}
	}
	for _, f := range resourceFiles(r) {
		if _, err := os.Stat(filepath.Join(root, f[1])); err == nil {
			return fmt.Errorf("%s exists already: the project has a %s resource, or a file of that name", filepath.ToSlash(f[1]), r.Name)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	// The identifiers the generated files declare, and the names they register.
	checks := []struct{ dir, pattern, what string }{
		{"models", `(?m)^type ` + r.Model + `\b|^\s+` + r.Model + `\s+(struct|interface)\b|\b` + r.Name + `Migrations\b`, "the model " + r.Model},
		{"models", `"` + r.Table + `"|"` + r.Plural + `_0001_initial"`, "the table " + r.Table},
		{"views", `\bNew` + r.Views + `\b`, "the view New" + r.Views},
		{"urls", `\bregister` + r.Views + `\b|Register\("` + r.Plural + `"`, "the route prefix " + r.Plural},
		{"tests", `\bfunc Test` + r.Views + `|\b` + r.Name + `URL\b`, "tests named Test" + r.Views},
	}
	for _, c := range checks {
		re := regexp.MustCompile(c.pattern)
		files, err := filepath.Glob(filepath.Join(root, c.dir, "*.go"))
		if err != nil {
			return err
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			if re.Match(src) {
				return fmt.Errorf("%s uses %s already: the project has a %s resource, or a name that clashes; choose another name", filepath.ToSlash(relPath(root, file)), c.what, r.Name)
			}
		}
	}
	return nil
}

func relPath(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return rel
	}
	return path
}

// render executes a template and formats the Go it made.
func render(name string, data any) ([]byte, error) {
	t, err := template.ParseFS(startappTemplates, "templates/startapp/"+name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, err
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s made invalid Go: %w\n%s", name, err, buf.Bytes())
	}
	return src, nil
}
