package models

import (
	"errors"

	"gorm.io/gorm"
)

// ErrUserChanged is the failure of a write guarded by UserUnchanged: the user's row no
// longer says what the copy the request judged by said.
var ErrUserChanged = errors.New("models: the user changed since it was read")

// UserUnchanged is an SQL condition, with UserUnchangedArgs's arguments, that holds while
// the user's row still says what a copy of it says where a token is judged: the user is
// active, has the same password hash and the same token version.
//
// A refresh judges its token by the user from the request-user cache (Users.ForRequest),
// which saves a query on every refresh, and makes the write that rotates the token
// conditional on this: in the transaction that commits the rotation, so no refresh commits
// for a user deactivated, re-passworded or logged out everywhere before it — a stronger
// guarantee than reading the row before the transaction gave. When the condition fails the
// refresh reads the user again and is judged anew.
const UserUnchanged = `EXISTS (SELECT 1 FROM "auth_user" ` + tokenVersionJoin + `
	WHERE "auth_user"."id" = ? AND "auth_user"."is_active" AND "auth_user"."password" = ?
	AND COALESCE("ginrest_token_version"."version", 0) = ?)`

// UserUnchangedArgs are UserUnchanged's arguments for a copy of a user.
func UserUnchangedArgs(u *User) []any { return []any{u.ID, u.Password, u.TokenVersion} }

// UserUnchangedIn reports whether UserUnchanged holds for u, in tx: for a guarded write
// about to make rows that refer to the user, which a deleted user would fail on.
func UserUnchangedIn(tx *gorm.DB, u *User) (bool, error) {
	var n int
	err := tx.Raw(`SELECT 1 WHERE `+UserUnchanged, UserUnchangedArgs(u)...).Scan(&n).Error
	return n == 1, err
}
