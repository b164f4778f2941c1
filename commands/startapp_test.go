package commands_test

import (
	"bytes"
	"errors"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ginrest/commands"
)

// projectCopy copies the project (this module, without .git) to a temporary directory, so
// startapp can write into it.
func projectCopy(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		switch {
		case d.IsDir() && (rel == ".git" || strings.HasPrefix(d.Name(), ".") && rel != "." && rel != ".ci"):
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		case !d.Type().IsRegular(), strings.HasSuffix(rel, ".sqlite3") && !strings.Contains(rel, "testdata"):
			return nil // sockets, a developer's db.sqlite3
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy the project: %v", err)
	}
	return dst
}

// freeName is base, or base2, base3...: a resource name the project does not use yet, so
// these tests also pass in a project that has made a resource of that name.
func freeName(root, base string) string {
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name += strconv.Itoa(i)
		}
		if _, err := os.Stat(filepath.Join(root, "models", name+".go")); errors.Is(err, os.ErrNotExist) {
			return name
		}
	}
}

// startapp runs the command on root and returns its exit status and output.
func startapp(root string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := commands.Main(append([]string{"startapp", "--root", root}, args...),
		&commands.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Lookup: func(string) (string, bool) { return "", false }})
	return code, stdout.String(), stderr.String()
}

// goFiles maps each .go file under root to its content.
func goFiles(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".go") {
			data, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			files[filepath.ToSlash(rel)] = string(data)
		}
		return err
	})
	return files
}

// Names that cannot make a resource are refused with a reason, and nothing is written.
func TestStartappRefusesNames(t *testing.T) {
	root := projectCopy(t)
	// A prefix registered by hand, in a file of another name.
	gadget := freeName(root, "gadget")
	extra := "package urls\n\n// router.Register(\"" + gadget + "s\", views.NewGadgets(a.DB), \"\")\n"
	if err := os.WriteFile(filepath.Join(root, "urls", "extra.go"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	before := goFiles(t, root)
	cases := []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{}, 2, "startapp takes one NAME"},
		{[]string{"a", "b"}, 2, "startapp takes one NAME"},
		{[]string{"Widget"}, 1, `"Widget" is not a resource name`},
		{[]string{"blog_post"}, 1, `"blog_post" is not a resource name`},
		{[]string{"2fast"}, 1, `"2fast" is not a resource name`},
		{[]string{"wid-get"}, 1, `"wid-get" is not a resource name`},
		{[]string{""}, 1, `"" is not a resource name`},
		{[]string{"../../etc"}, 1, `is not a resource name`},
		{[]string{"type"}, 1, `"type" is reserved`},
		{[]string{"string"}, 1, `"string" is reserved`},
		{[]string{"app"}, 1, `"app" is reserved`},
		{[]string{"--plural", "apps", "application"}, 1, `"apps" is reserved`},
		{[]string{"--plural", "widget", "widget"}, 1, `"widget" is not a plural for "widget"`},
		{[]string{"--plural", "Widgets", "widget"}, 1, `"Widgets" is not a plural for "widget"`},
		{[]string{"model"}, 1, `"models" is the name of the project's package models/`},
		{[]string{"view"}, 1, `"views" is the name of the project's package views/`},
		{[]string{"test"}, 1, `"tests" is the name of the project's package tests/`},
		{[]string{"note"}, 1, "models/note.go exists already"},
		{[]string{"--plural", "memos", "note"}, 1, "exists already"},
		{[]string{"user"}, 1, "models/user.go exists already"},
		{[]string{"options"}, 1, "models/db.go uses the model Options already"},
		{[]string{"session"}, 1, "exists already"}, // views/sessions.go
		{[]string{"--plural", "notes", "memo"}, 1, "views/notes.go exists already"},
		{[]string{gadget}, 1, "urls/extra.go uses the route prefix " + gadget + "s already"},
	}
	for _, c := range cases {
		code, stdout, stderr := startapp(root, c.args...)
		if code != c.status || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("startapp %q: exit %d, stderr %q, stdout %q; want exit %d and %q", c.args, code, stderr, stdout, c.status, c.want)
		}
	}
	if code, _, stderr := startapp(filepath.Join(root, "models"), "widget"); code != 1 || !strings.Contains(stderr, "where go.mod is") {
		t.Errorf("startapp outside the project: exit %d, %q", code, stderr)
	}
	after := goFiles(t, root)
	if len(after) != len(before) {
		t.Errorf("refused names wrote files: %d .go files before, %d after", len(before), len(after))
	}
	for path, content := range before {
		if after[path] != content {
			t.Errorf("refused names changed %s", path)
		}
	}
}

// startapp writes the resource's files, formatted, and lists it in both registries; a
// second resource is listed after the first; a name taken is refused.
func TestStartappWritesAResource(t *testing.T) {
	root := projectCopy(t)
	widget, box := freeName(root, "widget"), freeName(root, "box")
	// The expectations below are written for widget and box.
	names := strings.NewReplacer("widget", widget, "Widget", strings.ToUpper(widget[:1])+widget[1:], "box", box, "Box", strings.ToUpper(box[:1])+box[1:])
	code, stdout, stderr := startapp(root, widget)
	if code != 0 || stderr != "" {
		t.Fatalf("startapp %s: exit %d, %s%s", widget, code, stdout, stderr)
	}
	for _, line := range []string{
		"created models/widget.go", "created models/widget_migrations.go", "created views/widgets.go",
		"created urls/widgets.go", "created tests/widgets_test.go", "updated models/apps.go", "updated urls/apps.go",
		"go test ./tests -run Widgets",
	} {
		if line = names.Replace(line); !strings.Contains(stdout, line) {
			t.Errorf("output lacks %q:\n%s", line, stdout)
		}
	}
	files := goFiles(t, root)
	for path, want := range map[string][]string{
		"models/widget.go":            {"type Widget struct", `return "widgets_widget"`},
		"models/widget_migrations.go": {"//ginrest:migrations\nfunc widgetMigrations() []migration", `"widgets_0001_initial"`, `CREATE TABLE IF NOT EXISTS "widgets_widget"`, "bigserial"},
		"views/widgets.go":            {"func NewWidgets(db *gorm.DB, now func() time.Time) *viewsets.Model[models.Widget]"},
		"urls/widgets.go":             {"//ginrest:routes\nfunc (a *App) registerWidgets(router *routers.Router)", `router.Register("widgets", views.NewWidgets(a.DB, a.Tokens.Now), "")`},
		"tests/widgets_test.go":       {"func TestWidgetsCreateReadUpdateDelete(t *testing.T)", `"ginrest/apitest"`},
		"models/apps.go":              {"all = append(all, widgetMigrations()...)"},
		"urls/apps.go":                {"\ta.registerWidgets(router)\n"},
	} {
		src, ok := files[names.Replace(path)]
		if !ok {
			t.Errorf("%s was not written", path)
			continue
		}
		for _, w := range want {
			if w = names.Replace(w); !strings.Contains(src, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, src)
			}
		}
		if formatted, err := format.Source([]byte(src)); err != nil || string(formatted) != src {
			t.Errorf("%s is not gofmt'd Go: %v", path, err)
		}
	}

	if code, _, stderr := startapp(root, widget); code != 1 || !strings.Contains(stderr, names.Replace("models/widget.go exists already")) {
		t.Errorf("startapp %s again: exit %d, %q", widget, code, stderr)
	}
	if code, stdout, stderr := startapp(root, "--plural", names.Replace("boxes"), box); code != 0 || !strings.Contains(stdout, names.Replace("/api/boxes/")) {
		t.Fatalf("startapp %s: exit %d, %s%s", box, code, stdout, stderr)
	}
	files = goFiles(t, root)
	if reg, want := files["urls/apps.go"], names.Replace("a.registerBoxes(router)\n\ta.registerWidgets(router)"); !strings.Contains(reg, want) {
		t.Errorf("urls/apps.go after a second resource, without %q:\n%s", want, reg)
	}
	if reg, want := files["models/apps.go"], names.Replace("boxMigrations()...)\n\tall = append(all, widgetMigrations()...)"); !strings.Contains(reg, want) {
		t.Errorf("models/apps.go after a second resource, without %q:\n%s", want, reg)
	}
}

// What startapp makes builds, and its tests pass at once, as Django's startapp's do. Slow:
// it builds a copy of the project and runs the new tests there.
func TestStartappBuildsAndItsTestsPass(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the build of a project copy with a new resource (about 20 s); run without -short")
	}
	if raceEnabled {
		t.Skip("-race: the work is a go build in a subprocess, which the race detector does not watch; the run without -race covers it")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the project copy")
	}
	root := projectCopy(t)
	widget := freeName(root, "widget")
	if code, stdout, stderr := startapp(root, widget); code != 0 {
		t.Fatalf("startapp %s: exit %d, %s%s", widget, code, stdout, stderr)
	}
	tests := strings.ToUpper(widget[:1]) + widget[1:] + "s" // TestWidgets...
	for _, args := range [][]string{
		{"build", "./..."},
		{"vet", "./models", "./views", "./urls", "./tests"},
		{"test", "-count=1", "-v", "-run", "^Test" + tests, "./tests"},
	} {
		cmd := exec.Command(gobin, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in the copy: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == "test" && strings.Count(string(out), "--- PASS: Test"+tests) < 4 {
			t.Errorf("go test did not run the new tests:\n%s", out)
		}
	}
}
