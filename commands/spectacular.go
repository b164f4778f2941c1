package commands

import (
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi3"

	"ginrest/schema"
)

// spectacular is drf-spectacular's manage.py spectacular: the OpenAPI document that
// /api/schema/ serves, written to --file or stdout, YAML unless --format openapi-json.
// The document is validated as it is built; --validate is accepted for drf-spectacular's
// scripts and changes nothing.
func spectacular(env *Env, args []string) error {
	fs := newFlags("spectacular", env)
	file := fs.String("file", "", "write the document to this file instead of stdout")
	format := fs.String("format", "openapi", "openapi (YAML) or openapi-json")
	_ = fs.Bool("validate", false, "validate the document (it always is)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if *format != "openapi" && *format != "openapi-json" {
		return usageError{fmt.Errorf("--format %q: want openapi or openapi-json", *format)}
	}
	// The document is the URL table's: no table is read or written, so no migration.
	s, db, err := setup(env)
	if err != nil {
		return err
	}
	defer closeDB(db)
	app, err := newApp(env, s, db)
	if err != nil {
		return err
	}
	defer app.Close()
	doc, err := app.Schema()
	if err != nil {
		return err
	}
	out, err := renderDocument(doc, *format)
	if err != nil {
		return err
	}
	if *file == "" {
		_, err = env.Stdout.Write(out)
		return err
	}
	return os.WriteFile(*file, out, 0o644)
}

// renderDocument is the document in drf-spectacular's --format.
func renderDocument(doc *openapi3.T, format string) ([]byte, error) {
	jsonDoc, yamlDoc, err := schema.Marshal(doc)
	if format == "openapi-json" {
		return append(jsonDoc, '\n'), err
	}
	return yamlDoc, err
}
