package passwords

import (
	"fmt"

	"ginrest/models"
)

// msgTooLong is MaxLength's message, in the words of MinimumLengthValidator's.
var msgTooLong = fmt.Sprintf("This password is too long. It must contain at most %d characters.", MaxLength)

// MinimumLength is Django's MinimumLengthValidator: at least Min characters (code points,
// as Python's len); Min 0 means Django's default, 8.
type MinimumLength struct{ Min int }

func (v MinimumLength) Validate(password string, _ *models.User) error {
	minimum := v.Min
	if minimum == 0 {
		minimum = 8
	}
	if len([]rune(password)) >= minimum {
		return nil
	}
	// Django's ngettext: "character" for one.
	unit := "characters"
	if minimum == 1 {
		unit = "character"
	}
	return &Error{Code: "password_too_short",
		Message: fmt.Sprintf("This password is too short. It must contain at least %d %s.", minimum, unit)}
}
