// Command ginrest serves the demo API and runs its management commands: Django's
// manage.py, as subcommands of one binary. `go run .` is `runserver 127.0.0.1:8000`.
package main

import (
	"os"

	"ginrest/commands"
)

func main() {
	os.Exit(commands.Main(os.Args[1:], &commands.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Lookup: os.LookupEnv,
	}))
}
