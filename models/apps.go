package models

// This file is written by `ginrest startapp`, from the functions of this package marked
// //ginrest:migrations, one per resource it made: when you remove a resource's files,
// remove its line here too.

// appMigrations are the resources' migrations; Migrate applies them after the project's
// own, in this order.
func appMigrations() []migration {
	return nil
}
