// Package commands is Django's manage.py as subcommands of the one binary: runserver,
// migrate, createsuperuser, createuser, changepassword, drf_create_token, flushexpiredtokens,
// startapp, spectacular and help.
package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"gorm.io/gorm"

	"ginrest/middleware"
	"ginrest/models"
	"ginrest/settings"
	"ginrest/urls"
)

// Env is what a command may touch of the outside world, so tests can run commands whole.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Lookup         settings.LookupFunc
	// Context ends the command (runserver shuts down gracefully); nil means SIGINT/SIGTERM.
	Context context.Context
	// Ready, if set, receives runserver's listening address once it accepts connections.
	Ready func(addr string)
}

type command struct {
	usage string
	help  string
	run   func(env *Env, args []string) error
}

func commandTable() map[string]command {
	return map[string]command{
		"runserver":          {"runserver [ADDR]", "Apply migrations and serve the API (default 127.0.0.1:8000).", runserver},
		"migrate":            {"migrate", "Create or update the database tables.", migrate},
		"createsuperuser":    {"createsuperuser [--username U] [--email E] [--password-stdin]", "Create a staff superuser; asks for what is not given.", createsuperuser},
		"createuser":         {"createuser --username U [--email E] [--password-stdin] [--inactive] [--staff] [--superuser]", "Create a user; without --password-stdin the password is unusable.", createuser},
		"changepassword":     {"changepassword USERNAME [--password-stdin]", "Set a user's password.", changepassword},
		"flushexpiredtokens": {"flushexpiredtokens", "Delete expired outstanding and blacklisted tokens.", flushexpiredtokens},
		"drf_create_token":   {"drf_create_token USERNAME [-r|--reset]", "Print the user's TokenAuthentication key, made if they have none; --reset replaces it.", drfCreateToken},
		"spectacular":        {"spectacular [--file schema.yml] [--format openapi|openapi-json]", "Write the OpenAPI document of the API (YAML by default), as /api/schema/ serves it.", spectacular},
		"startapp":           {"startapp [--owner] [--plural P] [--dry-run] [--root DIR] NAME", "Create a resource: model, migration, ModelViewSet, routes and tests.", startapp},
	}
}

// Main runs the command named by args[0] ("runserver" when there is none) and returns the
// process exit status.
func Main(args []string, env *Env) int {
	name := "runserver"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		help(env)
		return 0
	}
	cmd, ok := commandTable()[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "Unknown command: %q\n", name)
		help(env)
		return 2
	}
	if err := cmd.run(env, args); err != nil {
		var usage usageError
		if errors.As(err, &usage) {
			fmt.Fprintf(env.Stderr, "%v\nusage: %s\n", err, cmd.usage)
			return 2
		}
		fmt.Fprintf(env.Stderr, "CommandError: %v\n", err)
		return 1
	}
	return 0
}

func help(env *Env) {
	fmt.Fprintln(env.Stdout, "Usage: ginrest <command> [options]   (no command: runserver)\n\nCommands:")
	table := commandTable()
	names := make([]string, 0, len(table))
	for name := range table {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(env.Stdout, "  %s\n      %s\n", table[name].usage, table[name].help)
	}
	fmt.Fprintln(env.Stdout, "  help\n      This list.\n\nSettings come from environment variables; see the README.")
}

type usageError struct{ error }

func newFlags(name string, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	return nil
}

// setup loads settings and opens the database: every command but help needs both.
func setup(env *Env) (*settings.Settings, *gorm.DB, error) {
	s, err := settings.Load(env.Lookup)
	if err != nil {
		return nil, nil, err
	}
	db, err := models.OpenWith(s.DatabaseURL, models.Options{BusyTimeout: s.DatabaseBusyTimeout, MaxConns: s.DatabaseMaxConns})
	if err != nil {
		return nil, nil, err
	}
	return s, db, nil
}

// migrated is setup for the commands that write: settings, and a database with every
// migration applied. The caller closes the database.
func migrated(env *Env) (*settings.Settings, *gorm.DB, error) {
	s, db, err := setup(env)
	if err != nil {
		return nil, nil, err
	}
	if _, err := models.Migrate(background(env), db); err != nil {
		closeDB(db)
		return nil, nil, err
	}
	return s, db, nil
}

func closeDB(db *gorm.DB) { _ = models.Close(db) }

// newApp builds the app; the caller closes it (App.Close) before the database.
func newApp(env *Env, s *settings.Settings, db *gorm.DB) (*urls.App, error) {
	opts := urls.Options{Logger: slog.New(middleware.NewTextHandler(env.Stderr))}
	if s.Debug {
		// A person watches a development server: one short line per request, as Django's
		// runserver prints them, on stderr as Django's are.
		opts.DevAccessLog = env.Stderr
	}
	return urls.NewApp(s, db, opts)
}

func background(env *Env) context.Context {
	if env.Context != nil {
		return env.Context
	}
	return context.Background()
}
