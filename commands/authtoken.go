package commands

import (
	"errors"
	"fmt"
	"strings"

	"ginrest/models"
)

// drfCreateToken is DRF's manage.py drf_create_token: the user's authtoken key
// (TokenAuthentication), made if they have none; with -r/--reset, a new one replacing it.
func drfCreateToken(env *Env, args []string) error {
	fs := newFlags("drf_create_token", env)
	reset := fs.Bool("reset", false, "replace the user's token with a new one")
	fs.BoolVar(reset, "r", false, "short for --reset")
	// DRF's form: the username comes first, flags may follow.
	var username string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		username, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if username == "" && fs.NArg() > 0 {
		username, args = fs.Arg(0), fs.Args()[1:]
		if err := parseFlags(fs, args); err != nil { // flags after the username
			return err
		}
	}
	if username == "" || fs.NArg() > 0 {
		return usageError{errors.New("give one username")}
	}
	_, db, err := migrated(env)
	if err != nil {
		return err
	}
	defer closeDB(db)
	ctx := background(env)
	user, err := (&models.Users{DB: db}).ByUsername(ctx, username)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("Cannot create the Token for user %s: user does not exist", username)
	}
	if err != nil {
		return err
	}
	tokens := &models.AuthTokens{DB: db}
	if *reset {
		if err := tokens.DeleteFor(ctx, user); err != nil {
			return err
		}
	}
	token, _, err := tokens.GetOrCreate(ctx, user)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Generated token %s for user %s\n", token.Key, username)
	return nil
}
