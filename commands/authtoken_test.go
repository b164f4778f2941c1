package commands_test

import (
	"regexp"
	"strings"
	"testing"

	"ginrest/models"
)

// drf_create_token prints the user's key, the same one until --reset (or -r) replaces it,
// as DRF's command.
func TestDRFCreateToken(t *testing.T) {
	p := newProject(t)
	p.mustRun("", "createuser", "--username", "alice")
	line := regexp.MustCompile(`^Generated token ([0-9a-f]{40}) for user alice\n$`)
	key := func(args ...string) string {
		t.Helper()
		r := p.mustRun("", append([]string{"drf_create_token"}, args...)...)
		m := line.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("%v: stdout %q", args, r.stdout)
		}
		return m[1]
	}
	first := key("alice")
	if again := key("alice"); again != first {
		t.Errorf("second run gave %s, want the same %s", again, first)
	}
	reset := key("alice", "--reset")
	if reset == first {
		t.Error("--reset kept the key")
	}
	short := key("-r", "alice")
	if short == reset {
		t.Error("-r kept the key")
	}
	var tokens []models.AuthToken
	if err := p.db().Find(&tokens).Error; err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 1 || tokens[0].Key != short || tokens[0].UserID != p.user("alice").ID || tokens[0].Created.IsZero() {
		t.Errorf("authtoken_token = %+v, want one row, key %s", tokens, short)
	}
}

func TestDRFCreateTokenRefused(t *testing.T) {
	p := newProject(t)
	cases := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"drf_create_token", "nobody"}, 1, "CommandError: Cannot create the Token for user nobody: user does not exist"},
		{[]string{"drf_create_token"}, 2, "give one username"},
		{[]string{"drf_create_token", "alice", "bob"}, 2, "give one username"},
		{[]string{"drf_create_token", "--regenerate", "alice"}, 2, "regenerate"},
	}
	for _, c := range cases {
		r := p.run("", c.args...)
		if r.code != c.wantCode || !strings.Contains(r.stderr, c.wantErr) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, r.code, r.stderr, c.wantCode, c.wantErr)
		}
	}
}
