package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSpectacular writes the document as manage.py spectacular does: YAML to a file or
// stdout, JSON with --format openapi-json; each loads and validates.
func TestSpectacular(t *testing.T) {
	p := newProject(t)
	file := filepath.Join(t.TempDir(), "schema.yml")
	tests := []struct {
		name   string
		args   []string
		file   bool
		prefix string
	}{
		{"yaml to a file", []string{"spectacular", "--file", file}, true, "components:"},
		{"yaml to stdout", []string{"spectacular"}, false, "components:"},
		{"json", []string{"spectacular", "--format", "openapi-json", "--validate"}, false, "{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := p.mustRun("", tt.args...)
			out := []byte(r.stdout)
			if tt.file {
				var err error
				if out, err = os.ReadFile(file); err != nil {
					t.Fatal(err)
				}
			}
			if !strings.HasPrefix(string(out), tt.prefix) {
				t.Fatalf("output starts %.40q", out)
			}
			doc, err := openapi3.NewLoader().LoadFromData(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Fatal(err)
			}
			if doc.Paths.Value("/api/token/") == nil || doc.Paths.Value("/api/notes/{pk}/") == nil {
				t.Errorf("paths missing: %v", doc.Paths.InMatchingOrder())
			}
		})
	}
	if r := p.run("", "spectacular", "--format", "xml"); r.code != 2 {
		t.Errorf("--format xml: exit %d, want 2", r.code)
	}
}
