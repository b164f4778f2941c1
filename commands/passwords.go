package commands

import (
	"errors"
	"fmt"
	"strings"

	"ginrest/models"
	"ginrest/passwords"
)

// maxPasswordTries is changepassword's MAX_TRIES: the passwords it asks for before giving up.
const maxPasswordTries = 3

// validPassword asks for a new password (twice, newPassword) until validators accept it,
// as Django's createsuperuser and changepassword do: each refusal is printed on stderr,
// one message a line. With bypass, createsuperuser's, the person may keep a refused
// password anyway; tries > 0 gives up after that many refused passwords, changepassword's
// "Aborting password change". Prompts are for a person: a script gives --password-stdin,
// where a refused password is an error at once.
func (p *prompter) validPassword(validators passwords.Validators, user *models.User, bypass bool, tries int) (string, error) {
	for try := 1; ; try++ {
		password, err := p.newPassword()
		if err != nil {
			return "", err
		}
		err = validators.Validate(password, user)
		if err == nil {
			return password, nil
		}
		var refused passwords.Errors
		if !errors.As(err, &refused) {
			return "", err
		}
		fmt.Fprintln(p.env.Stderr, strings.Join(refused.Messages(), "\n"))
		if bypass {
			answer, err := p.line("Bypass password validation and create user anyway? [y/N]: ")
			if err != nil {
				return "", err
			}
			if strings.ToLower(answer) == "y" {
				return password, nil
			}
		}
		if tries > 0 && try >= tries {
			return "", fmt.Errorf("aborting password change for user %q after %d attempts", user.Username, try)
		}
	}
}
