// Package passwords is django.contrib.auth.password_validation: the checks a new password
// must pass (AUTH_PASSWORD_VALIDATORS) before it is set, with Django's messages, so that
// an API client or an operator sees the words a Django site would show.
//
// Validation is a step of its own, run by whatever sets a password from a person's
// choice (the password change endpoint, createuser, createsuperuser, changepassword), as
// Django's forms and commands call validate_password; models.Users.SetPassword does not
// run it, as Django's set_password does not.
package passwords

import (
	"errors"
	"strings"

	"ginrest/models"
	"ginrest/rest"
)

// Validator is one of Django's password validator classes: Validate returns nil for a
// password it accepts, and an error whose text is the message to show for one it refuses
// (an *Error, for Django's code). user is who the password is for; it may be nil, as
// Django's user=None, and is never changed.
type Validator interface {
	Validate(password string, user *models.User) error
}

// Error is one refusal: Django's ValidationError with its message and code.
type Error struct {
	Code    string // password_too_short, password_too_common, ...
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errors are every refusal of one password, in the validators' order: Django's
// validate_password runs them all and raises them together.
type Errors []error

// Messages are the refusals' messages, as Django's ValidationError.messages.
func (e Errors) Messages() []string {
	messages := make([]string, len(e))
	for i, err := range e {
		messages[i] = err.Error()
	}
	return messages
}

func (e Errors) Error() string { return strings.Join(e.Messages(), "\n") }

// MaxLength is the longest password accepted, in characters (code points, as Python's
// len). Django has no such limit and leaves a long password to the hasher. Nobody types
// 4096 characters; a limit refuses a pasted megabyte with a clear message instead of
// hashing it and comparing it with the user's attributes, and it matches what the
// commands read from standard input (4096 bytes).
const MaxLength = 4096

// Validators are AUTH_PASSWORD_VALIDATORS, resolved (FromNames). The zero value validates
// nothing but the length guard.
type Validators []Validator

// Validate is Django's validate_password: nil, or Errors with the message of every
// validator that refused the password. A password over MaxLength is refused whatever the
// validators, and alone: the others are not run on it.
func (vs Validators) Validate(password string, user *models.User) error {
	if n := len([]rune(password)); n > MaxLength {
		return Errors{&Error{Code: "password_too_long", Message: msgTooLong}}
	}
	var errs Errors
	for _, v := range vs {
		if err := v.Validate(password, user); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ValidateField is Validate for a serializer: refusals become a 400 whose body lists
// them under field, as a Django form shows a validator's errors under its password
// field: {"new_password": ["This password is too short. ..."]}.
func (vs Validators) ValidateField(field, password string, user *models.User) error {
	err := vs.Validate(password, user)
	var errs Errors
	if errors.As(err, &errs) {
		return rest.ValidationError(map[string]any{field: errs.Messages()})
	}
	return err
}
