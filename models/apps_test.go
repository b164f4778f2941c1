package models

import (
	"slices"
	"testing"
)

// Migrate records migrations by name: two with one name would make the second never run.
// Every migration speaks both dialects. This covers the resources of `ginrest startapp` too.
func TestMigrationNamesAreUniqueAndBothDialectsAreThere(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range slices.Concat(migrations, appMigrations()) {
		if m.name == "" || seen[m.name] {
			t.Errorf("migration name %q is empty or used twice", m.name)
		}
		seen[m.name] = true
		if len(m.sqlite) == 0 || len(m.postgres) == 0 {
			t.Errorf("migration %s lacks a dialect: %d SQLite and %d PostgreSQL statements", m.name, len(m.sqlite), len(m.postgres))
		}
	}
}
