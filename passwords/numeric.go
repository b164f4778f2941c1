package passwords

import (
	"unicode"

	"ginrest/models"
)

// Numeric is Django's NumericPasswordValidator: a password of digits only is refused.
// Python's str.isdigit also counts a few digit-like signs outside Unicode's Nd category
// (superscript and circled digits); unicode.IsDigit does not, so a password of those
// alone passes here.
type Numeric struct{}

func (Numeric) Validate(password string, _ *models.User) error {
	if password == "" { // "".isdigit() is False
		return nil
	}
	for _, r := range password {
		if !unicode.IsDigit(r) {
			return nil
		}
	}
	return &Error{Code: "password_entirely_numeric", Message: "This password is entirely numeric."}
}
