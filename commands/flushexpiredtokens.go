package commands

import (
	"fmt"

	"ginrest/tokens"
)

func flushexpiredtokens(env *Env, args []string) error {
	if err := parseFlags(newFlags("flushexpiredtokens", env), args); err != nil {
		return err
	}
	s, db, err := migrated(env)
	if err != nil {
		return err
	}
	defer closeDB(db)
	ctx := background(env)
	app, err := newApp(env, s, db)
	if err != nil {
		return err
	}
	defer app.Close()
	bl := &tokens.Blacklist{DB: db, Backend: app.Tokens}
	// Expired sessions go too, their family rows with them (the background pruner's work,
	// for those who run this command from cron instead).
	n, _, err := (&tokens.Pruner{Blacklist: bl, Families: &tokens.Families{Blacklist: bl}}).Prune(ctx, app.Tokens.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Deleted %d expired tokens.\n", n)
	return nil
}
