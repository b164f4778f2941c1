package commands_test

import (
	"bytes"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// freeName is base, or xbase, xxbase...: the first that startapp --dry-run accepts in root.
// These tests scaffold resources into a copy of the project they run in, and that project
// may have made resources of its own with startapp: widget or widgets, or any name that
// clashes with what a test would make (a test file TestWidgetses... takes TestWidgets).
// Asking the command itself, against the copy, is the one check that cannot drift from
// the rules startapp applies; a prefix, unlike a suffix, keeps the name's English plural.
func freeName(t *testing.T, root, base string) string {
	t.Helper()
	name := base
	for range 20 {
		code, stdout, stderr := startapp(root, "--dry-run", name)
		if code == 0 {
			return name
		}
		if code != 1 || stdout != "" {
			t.Fatalf("startapp --dry-run %s: exit %d, %s%s", name, code, stdout, stderr)
		}
		name = "x" + name
	}
	t.Fatalf("no name free in the project copy from %s to %s", base, name)
	return ""
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
	gadget := freeName(t, root, "gadget")
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
		{[]string{"--plural", "wid-gets", "widget"}, 1, `"wid-gets" is not a plural for "widget"`},
		{[]string{"--plural", "Widgets", "widget"}, 1, `"Widgets" is not a plural for "widget"`},
		{[]string{"model"}, 1, `"models" is the name of the project's package models/`},
		{[]string{"view"}, 1, `"views" is the name of the project's package views/`},
		{[]string{"test"}, 1, `"tests" is the name of the project's package tests/`},
		{[]string{"note"}, 1, "models/note.go exists already"},
		{[]string{"--plural", "memos", "note"}, 1, "exists already"},
		{[]string{"user"}, 1, "models/user.go exists already"},
		{[]string{"--plural", "optionses", "options"}, 1, "models/db.go uses the model Options already"},
		{[]string{"strings"}, 1, `"string" is reserved`},
		{[]string{"apps"}, 1, `"app" is reserved`},
		{[]string{"models"}, 1, `"models" is the name of the project's package models/`},
		{[]string{"notes"}, 1, "models/note.go exists already"},
		{[]string{"users"}, 1, "models/user.go exists already"},
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

// startapp takes a resource's name in the singular or the plural, as a Django user types
// either (issue 12), and derives the other by conservative English rules; --plural gives
// the plural the rules get wrong, NAME then being the singular as typed.
func TestStartappNames(t *testing.T) {
	// A module with nothing in it: no name clashes there, whatever resources the project
	// running this test has made, and --dry-run writes nothing.
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/names\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := regexp.MustCompile(`Would create the (\w+) resource: model (\w+) \(table (\w+)\)`)
	cases := []struct {
		args          []string
		model, plural string
	}{
		{[]string{"widget"}, "Widget", "widgets"},
		{[]string{"widgets"}, "Widget", "widgets"},
		{[]string{"book"}, "Book", "books"},
		{[]string{"books"}, "Book", "books"},
		{[]string{"category"}, "Category", "categories"},
		{[]string{"categories"}, "Category", "categories"},
		{[]string{"day"}, "Day", "days"},
		{[]string{"days"}, "Day", "days"},
		{[]string{"fly"}, "Fly", "flies"},
		{[]string{"flies"}, "Fly", "flies"},
		{[]string{"box"}, "Box", "boxes"},
		{[]string{"boxes"}, "Box", "boxes"},
		{[]string{"status"}, "Status", "statuses"},
		{[]string{"statuses"}, "Status", "statuses"},
		{[]string{"bus"}, "Bus", "buses"},
		{[]string{"buses"}, "Bus", "buses"},
		{[]string{"class"}, "Class", "classes"},
		{[]string{"classes"}, "Class", "classes"},
		{[]string{"address"}, "Address", "addresses"},
		{[]string{"addresses"}, "Address", "addresses"},
		{[]string{"match"}, "Match", "matches"},
		{[]string{"matches"}, "Match", "matches"},
		{[]string{"wish"}, "Wish", "wishes"},
		{[]string{"wishes"}, "Wish", "wishes"},
		{[]string{"buzz"}, "Buzz", "buzzes"},
		{[]string{"buzzes"}, "Buzz", "buzzes"},
		{[]string{"house"}, "House", "houses"},
		{[]string{"houses"}, "House", "houses"},
		{[]string{"cause"}, "Cause", "causes"},
		{[]string{"causes"}, "Cause", "causes"},
		{[]string{"response"}, "Response", "responses"},
		{[]string{"responses"}, "Response", "responses"},
		{[]string{"database"}, "Database", "databases"},
		{[]string{"databases"}, "Database", "databases"},
		{[]string{"size"}, "Size", "sizes"},
		{[]string{"sizes"}, "Size", "sizes"},
		{[]string{"archive"}, "Archive", "archives"},
		{[]string{"archives"}, "Archive", "archives"},
		{[]string{"photo"}, "Photo", "photos"},
		{[]string{"photos"}, "Photo", "photos"},
		{[]string{"api"}, "Api", "apis"},
		{[]string{"apis"}, "Api", "apis"},
		{[]string{"blogpost"}, "Blogpost", "blogposts"},
		{[]string{"blogposts"}, "Blogpost", "blogposts"},
		{[]string{"widget2"}, "Widget2", "widget2s"},
		{[]string{"widget2s"}, "Widget2", "widget2s"},
		// The rules keep a plural as typed: only the singular is derived from it.
		{[]string{"mouses"}, "Mouse", "mouses"},
		// Irregular nouns, in either form.
		{[]string{"person"}, "Person", "people"},
		{[]string{"people"}, "Person", "people"},
		{[]string{"child"}, "Child", "children"},
		{[]string{"children"}, "Child", "children"},
		{[]string{"analysis"}, "Analysis", "analyses"},
		{[]string{"analyses"}, "Analysis", "analyses"},
		{[]string{"quiz"}, "Quiz", "quizzes"},
		{[]string{"quizzes"}, "Quiz", "quizzes"},
		{[]string{"niche"}, "Niche", "niches"},
		{[]string{"niches"}, "Niche", "niches"},
		{[]string{"movie"}, "Movie", "movies"},
		{[]string{"movies"}, "Movie", "movies"},
		{[]string{"hero"}, "Hero", "heroes"},
		{[]string{"heroes"}, "Hero", "heroes"},
		{[]string{"leaf"}, "Leaf", "leaves"},
		{[]string{"leaves"}, "Leaf", "leaves"},
		{[]string{"alias"}, "Alias", "aliases"},
		{[]string{"aliases"}, "Alias", "aliases"},
		{[]string{"menu"}, "Menu", "menus"},
		{[]string{"menus"}, "Menu", "menus"},
		{[]string{"series"}, "Series", "series"},
		{[]string{"news"}, "News", "news"},
		// --plural: NAME is the singular, as typed.
		{[]string{"--plural", "octopi", "octopus"}, "Octopus", "octopi"},
		{[]string{"--plural", "statuses", "status"}, "Status", "statuses"},
		{[]string{"--plural", "sheep", "sheep"}, "Sheep", "sheep"},
		{[]string{"--plural", "datas", "data"}, "Data", "datas"},
	}
	for _, c := range cases {
		code, stdout, stderr := startapp(root, append([]string{"--dry-run"}, c.args...)...)
		m := summary.FindStringSubmatch(stdout)
		if code != 0 || m == nil {
			t.Errorf("startapp --dry-run %s: exit %d, %s%s", strings.Join(c.args, " "), code, stdout, stderr)
			continue
		}
		singular := strings.ToLower(c.model)
		if m[1] != c.plural || m[2] != c.model || m[3] != c.plural+"_"+singular || !strings.Contains(stdout, "would create models/"+singular+".go") {
			t.Errorf("startapp %s: the %s resource, model %s, table %s; want the %s resource, model %s\n%s",
				strings.Join(c.args, " "), m[1], m[2], m[3], c.plural, c.model, stdout)
		}
	}
}

// startapp writes the resource's files, formatted, and lists it in both registries; a
// second resource is listed with the first; a name taken is refused. So in a project that
// has made resources of those names (issue 14): the test takes names free in its copy.
func TestStartappWritesAResource(t *testing.T) {
	for _, made := range [][]string{nil, {"widgets"}, {"widget"}, {"widget", "box", "xbox"}} {
		t.Run(strings.Join(append([]string{"made"}, made...), "_"), func(t *testing.T) {
			root := projectCopy(t)
			for _, name := range made {
				// Run in a project that has made these already, the refusal is the state
				// wanted: a resource of that name, or one that clashes with it.
				if code, _, stderr := startapp(root, "--dry-run", name); code == 1 && strings.Contains(stderr, " already") {
					t.Logf("the project has %s: %s", name, stderr)
					continue
				}
				if code, stdout, stderr := startapp(root, name); code != 0 {
					t.Fatalf("startapp %s: exit %d, %s%s", name, code, stdout, stderr)
				}
			}
			writesAResource(t, root)
		})
	}
}

func writesAResource(t *testing.T, root string) {
	widget, box := freeName(t, root, "widget"), freeName(t, root, "box")
	// The expectations below are written for widget and box.
	names := strings.NewReplacer("widget", widget, "Widget", strings.ToUpper(widget[:1])+widget[1:], "box", box, "Box", strings.ToUpper(box[:1])+box[1:])

	// --dry-run says what it would write, and writes nothing.
	before := goFiles(t, root)
	code, stdout, stderr := startapp(root, "--dry-run", widget)
	for _, line := range []string{"would create models/widget.go", "would create tests/widgets_test.go", "would update urls/apps.go", "Nothing written"} {
		if line = names.Replace(line); code != 0 || !strings.Contains(stdout, line) {
			t.Errorf("startapp --dry-run %s: exit %d, output lacks %q:\n%s%s", widget, code, line, stdout, stderr)
		}
	}
	if after := goFiles(t, root); len(after) != len(before) {
		t.Errorf("--dry-run wrote files: %d .go files before, %d after", len(before), len(after))
	}

	code, stdout, stderr = startapp(root, widget)
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
		if strings.Contains(strings.ToLower(src), "owner") && !strings.HasSuffix(path, "apps.go") {
			t.Errorf("%s, without --owner, speaks of an owner:\n%s", path, src)
		}
	}

	for _, again := range []string{widget, names.Replace("widgets")} { // the singular, the plural
		if code, _, stderr := startapp(root, again); code != 1 || !strings.Contains(stderr, names.Replace("models/widget.go exists already")) {
			t.Errorf("startapp %s after startapp %s: exit %d, %q", again, widget, code, stderr)
		}
	}
	if code, stdout, stderr := startapp(root, "--plural", names.Replace("boxes"), box); code != 0 || !strings.Contains(stdout, names.Replace("/api/boxes/")) {
		t.Fatalf("startapp %s: exit %d, %s%s", box, code, stdout, stderr)
	}
	// Each registry lists the resources in the order of their files' names, among any the
	// project has made.
	files = goFiles(t, root)
	for _, reg := range []struct{ path, box, widget, boxFile, widgetFile string }{
		{"urls/apps.go", "\ta.registerBoxes(router)\n", "\ta.registerWidgets(router)\n", "urls/boxes.go", "urls/widgets.go"},
		{"models/apps.go", "\tall = append(all, boxMigrations()...)\n", "\tall = append(all, widgetMigrations()...)\n", "models/box_migrations.go", "models/widget_migrations.go"},
	} {
		src := files[reg.path]
		b, w := strings.Index(src, names.Replace(reg.box)), strings.Index(src, names.Replace(reg.widget))
		if b < 0 || w < 0 || (b < w) != (names.Replace(reg.boxFile) < names.Replace(reg.widgetFile)) {
			t.Errorf("%s after a second resource, without %q and %q in the order of their files:\n%s", reg.path, names.Replace(reg.box), names.Replace(reg.widget), src)
		}
	}
}

// startapp --owner gives each object an owner, as the demo's notes: an owner_id column set
// from the request's user on create, the owner's username in the output, and
// IsOwnerOrReadOnly (or staff) on changes, with tests of it. TestStartappBuildsAndItsTestsPass
// builds it and runs those tests.
func TestStartappOwner(t *testing.T) {
	root := projectCopy(t)
	gadget := freeName(t, root, "gadget")
	names := strings.NewReplacer("gadget", gadget, "Gadget", strings.ToUpper(gadget[:1])+gadget[1:])
	code, stdout, stderr := startapp(root, "--owner", gadget)
	if code != 0 || stderr != "" || !strings.Contains(stdout, names.Replace("/api/gadgets/ (owned: only a gadget's owner, or staff, change it)")) {
		t.Fatalf("startapp --owner %s: exit %d, %s%s", gadget, code, stdout, stderr)
	}
	files := goFiles(t, root)
	for path, want := range map[string][]string{
		"models/gadget.go": {
			"`json:\"owner\" gorm:\"column:owner;->\" drf:\"read_only\"`", "OwnerID int64     `json:\"-\" gorm:\"column:owner_id\"`",
			"func (o *Gadget) IsOwnedBy(user rest.User) bool", `"ginrest/rest"`,
		},
		"models/gadget_migrations.go": {
			`"owner_id" integer NOT NULL REFERENCES "auth_user" ("id") ON DELETE CASCADE`,
			`CREATE INDEX IF NOT EXISTS "gadgets_gadget_owner_id" ON "gadgets_gadget" ("owner_id")`,
		},
		"views/gadgets.go": {
			"func NewGadgets(db *gorm.DB, now func() time.Time) *viewsets.Model[models.Gadget]",
			"permissions.Or(permissions.IsAdminUser, permissions.IsOwnerOrReadOnly)",
			`WHERE "auth_user"."id" = "gadgets_gadget"."owner_id") AS "owner"`,
			"v.Value.OwnerID, v.Value.Created = user.ID, now().UTC()",
			"StoredUser: true,", "user, err := models.StoredUser(r)",
		},
		"urls/gadgets.go": {
			`router.Register("gadgets", views.NewGadgets(a.DB, a.Tokens.Now), "")`,
		},
		"tests/gadgets_test.go": {
			"func TestGadgetsOnlyTheirOwnerChangesThem(t *testing.T)",
			`other.Patch("/api/gadgets/1/", map[string]any{"name": "Bob's now"}).AssertJSON(http.StatusForbidden, denied)`,
			`"owner": "alice", "created": %q}`,
		},
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
}

// What startapp makes builds, and its tests pass at once, as Django's startapp's do. Slow:
// it builds a copy of the project and runs the new tests there.
func TestStartappBuildsAndItsTestsPass(t *testing.T) {
	gobin := slowGoTest(t, "the build of a project copy with new resources (about 20 s)")
	root := projectCopy(t)
	widget, gadget := freeName(t, root, "widget"), freeName(t, root, "gadget")
	for _, args := range [][]string{{widget}, {"--owner", gadget}} {
		if code, stdout, stderr := startapp(root, args...); code != 0 {
			t.Fatalf("startapp %s: exit %d, %s%s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	widgets := "Test" + strings.ToUpper(widget[:1]) + widget[1:] + "s" // TestWidgets...
	gadgets := "Test" + strings.ToUpper(gadget[:1]) + gadget[1:] + "s"
	goIn(t, gobin, root, "build", "./...")
	goIn(t, gobin, root, "vet", "./models", "./views", "./urls", "./tests")
	out := goIn(t, gobin, root, "test", "-count=1", "-v", "-run", "^("+widgets+"|"+gadgets+")", "./tests")
	for _, want := range []string{
		widgets + "NeedASignedInUser", widgets + "CreateReadUpdateDelete", widgets + "Validation", widgets + "SearchOrderingAndTheAPIRoot",
		gadgets + "NeedASignedInUser", gadgets + "CreateReadUpdateDelete", gadgets + "OnlyTheirOwnerChangesThem", gadgets + "Validation", gadgets + "SearchOrderingAndTheAPIRoot",
	} {
		if !strings.Contains(out, "--- PASS: "+want+" ") {
			t.Errorf("go test did not pass %s:\n%s", want, out)
		}
	}
}

// A project that has made a resource with startapp still passes these tests, whatever the
// name it chose: the tests' own resources take names free in the copy (freeName). Issue 14:
// after startapp widgets, TestStartappWritesAResource failed on its own widget. Slowest of
// all: in a copy with the user's resource, it runs this file's tests (the build test
// included, which copies the copy) and the user's resource's tests. A name that makes the
// resource an earlier one made (widget, as widgets does) is not run twice.
func TestStartappTestsPassInAProjectWithAResource(t *testing.T) {
	gobin := slowGoTest(t, "copies of the project running startapp's tests (about a minute each)")
	self := t.Name()
	made := map[string]string{} // the dry run's summary → the name that made it
	for _, user := range []string{"widgets", "widget"} {
		t.Run(user, func(t *testing.T) {
			root := projectCopy(t)
			code, stdout, stderr := startapp(root, "--dry-run", user)
			if code == 1 && strings.Contains(stderr, " already") {
				t.Skipf("the project has made %s, or a resource that clashes with it: this run of the tests is the test. %s", user, stderr)
			}
			_, summary, ok := strings.Cut(stdout, "Would create the ")
			if summary, _, _ = strings.Cut(summary, ","); code != 0 || !ok {
				t.Fatalf("startapp --dry-run %s: exit %d, %s%s", user, code, stdout, stderr)
			}
			if earlier, ok := made[summary]; ok {
				t.Skipf("startapp %s makes what startapp %s does (%s), tested above", user, earlier, summary)
			}
			made[summary] = user
			if code, stdout, stderr = startapp(root, user); code != 0 {
				t.Fatalf("startapp %s: exit %d, %s%s", user, code, stdout, stderr)
			}
			_, run, ok := strings.Cut(stdout, "go test ./tests -run ")
			run, _, _ = strings.Cut(run, " ")
			if !ok || run == "" {
				t.Fatalf("startapp %s names no tests to run:\n%s", user, stdout)
			}
			// -skip: this test, in the copy, would start copies of its own.
			out := goIn(t, gobin, root, "test", "-count=1", "-v", "-skip", "^"+self+"$",
				"-run", "^(TestStartapp|Test"+run+")", "./commands", "./tests")
			for _, want := range []string{
				"--- PASS: TestStartappRefusesNames", "--- PASS: TestStartappWritesAResource",
				"--- PASS: TestStartappBuildsAndItsTestsPass", "--- PASS: Test" + run + "CreateReadUpdateDelete",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("go test in a project with a %s resource: no %q\n%s", user, want, out)
				}
			}
		})
	}
}

// slowGoTest skips a test that runs the go command on a copy of the project under -short
// and -race, and returns the go command's path.
func slowGoTest(t *testing.T, what string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: skipping %s; run without -short", what)
	}
	if raceEnabled {
		t.Skip("-race: the work is the go command in a subprocess, which the race detector does not watch; the run without -race covers it")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the project copy")
	}
	return gobin
}

// goIn runs the go command in root, with the environment's build cache (the copy's
// packages other than those startapp touched are built already), and returns its output.
func goIn(t *testing.T, gobin, root string, args ...string) string {
	t.Helper()
	cmd := exec.Command(gobin, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in the copy: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
