package models

import (
	"context"
	"errors"

	"golang.org/x/text/unicode/norm"
)

// MsgUsernameExists is Django's unique error for auth_user.username, the words its
// UserCreationForm (4.2) uses also for a username that differs only in case.
const MsgUsernameExists = "A user with that username already exists."

// ErrUsernameExists is Create's refusal of a username taken, in any case.
var ErrUsernameExists = errors.New(MsgUsernameExists)

// NormalizeUsername is AbstractBaseUser.normalize_username: Unicode NFKC, so that a
// username typed with compatibility characters (the full-width "ａlice") is the one the
// plain characters spell ("alice"), and cannot stand for another user.
func NormalizeUsername(username string) string { return norm.NFKC.String(username) }

// usernameTaken is whether a user has username, in any case: Django 4.2's
// UserCreationForm.clean_username, a username__iexact lookup. As Django's, it compiles to
// UPPER(...) = UPPER(...), which folds every letter on PostgreSQL but only ASCII letters
// on SQLite (where Django's LIKE folds only ASCII too).
func (u *Users) usernameTaken(ctx context.Context, username string) (bool, error) {
	var n int64
	err := u.DB.WithContext(ctx).Model(&User{}).Where(`UPPER("auth_user"."username") = UPPER(?)`, username).Limit(1).Count(&n).Error
	return n > 0, err
}
