package commands

import (
	"fmt"

	"ginrest/models"
)

func migrate(env *Env, args []string) error {
	if err := parseFlags(newFlags("migrate", env), args); err != nil {
		return err
	}
	_, db, err := setup(env)
	if err != nil {
		return err
	}
	defer closeDB(db)
	ran, err := models.Migrate(background(env), db)
	if err != nil {
		return err
	}
	if len(ran) == 0 {
		fmt.Fprintln(env.Stdout, "No migrations to apply.")
	}
	for _, name := range ran {
		fmt.Fprintf(env.Stdout, "Applying %s... OK\n", name)
	}
	return nil
}
