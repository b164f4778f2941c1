package commands

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The registries are how the resources startapp makes are wired in without editing the
// project's own files: models/apps.go lists every function marked //ginrest:migrations in
// package models (Migrate applies their migrations after the project's), urls/apps.go every
// method marked //ginrest:routes in package urls (the API's router registers their
// viewsets). startapp writes both again from the marks each time it runs.

// registry is one registry file and the mark of the functions it lists.
type registry struct {
	dir, file, mark, template string
}

func registries() []registry {
	return []registry{
		{dir: "models", file: "apps.go", mark: "//ginrest:migrations", template: "models_apps.go.tmpl"},
		{dir: "urls", file: "apps.go", mark: "//ginrest:routes", template: "urls_apps.go.tmpl"},
	}
}

// writeRegistries writes each registry from the marked functions of its package and
// returns the paths of those that changed.
func writeRegistries(root, module string) ([]string, error) {
	var updated []string
	for _, reg := range registries() {
		funcs, err := markedFuncs(filepath.Join(root, reg.dir), reg.mark)
		if err != nil {
			return nil, err
		}
		src, err := render(reg.template, struct {
			Module string
			Funcs  []string
		}{module, funcs})
		if err != nil {
			return nil, err
		}
		path := filepath.Join(root, reg.dir, reg.file)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, src) {
			continue
		}
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return nil, err
		}
		updated = append(updated, filepath.Join(reg.dir, reg.file))
	}
	return updated, nil
}

// markedFuncs are the names of the functions and methods of the package in dir whose doc
// comment has the mark, in file then source order.
func markedFuncs(dir, mark string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var names []string
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if !bytes.Contains(src, []byte(mark)) {
			continue
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("reading the marks in %s: %w", path, err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Doc == nil {
				continue
			}
			for _, c := range fn.Doc.List {
				if strings.TrimSpace(c.Text) == mark {
					names = append(names, fn.Name.Name)
					break
				}
			}
		}
	}
	return names, nil
}
