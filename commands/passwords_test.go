package commands_test

import (
	"strings"
	"testing"
)

const (
	msgTooShort  = "This password is too short. It must contain at least 8 characters."
	msgTooCommon = "This password is too common."
	msgNumeric   = "This password is entirely numeric."
	msgTooLong   = "This password is too long. It must contain at most 4096 characters."
)

// A password given on standard input that AUTH_PASSWORD_VALIDATORS refuses stops the
// command with Django's messages and exit 1, and changes nothing.
func TestPasswordValidatorsRefuseStdin(t *testing.T) {
	p := newProject(t)
	p.mustRun("old-password-1\n", "createuser", "--username", "carol", "--password-stdin")
	for _, c := range []struct {
		name, password string
		want           []string
	}{
		{"one letter", "a", []string{msgTooShort, msgTooCommon}},
		{"one digit", "1", []string{msgTooShort, msgTooCommon, msgNumeric}},
		{"common", "password", []string{msgTooCommon}},
		{"the username", "alice", []string{"The password is too similar to the username.", msgTooShort, msgTooCommon}},
		{"numeric", "12345678", []string{msgTooCommon, msgNumeric}},
		{"10,000 characters", strings.Repeat("x", 10_000), []string{"longer than 4096 bytes"}}, // the read's own bound, first
	} {
		for _, args := range [][]string{
			{"createuser", "--username", "alice", "--password-stdin"},
			{"createsuperuser", "--username", "alice", "--password-stdin"},
			{"changepassword", "carol", "--password-stdin"},
		} {
			t.Run(c.name+"/"+args[0], func(t *testing.T) {
				password := c.password
				if args[0] == "changepassword" && password == "alice" {
					password = "carol" // the username of the user changed
				}
				r := p.run(password+"\n", args...)
				if r.code != 1 {
					t.Errorf("exit %d, want 1; stderr %s", r.code, r.stderr)
				}
				for _, want := range c.want {
					if !strings.Contains(r.stderr, want) {
						t.Errorf("stderr does not say %q: %s", want, r.stderr)
					}
				}
			})
		}
	}
	if n := p.userCount(); n != 1 {
		t.Errorf("%d users, want carol alone", n)
	}
	if !p.canLogIn("carol", "old-password-1") {
		t.Error("a refused changepassword changed the password")
	}
}

// Through the prompts, as Django's commands: the refusals are printed and the password
// asked again; createsuperuser offers to bypass them, changepassword gives up after three.
func TestPasswordValidatorsPrompts(t *testing.T) {
	p := newProject(t)
	r := p.mustRun("root\n12345678\n12345678\nn\n"+strings.Repeat("z", 5000)+"\n"+strings.Repeat("z", 5000)+"\nN\ngood-root-pw\ngood-root-pw\n", "createsuperuser")
	for _, want := range []string{msgTooCommon + "\n" + msgNumeric + "\n", msgTooLong + "\n", "Bypass password validation and create user anyway? [y/N]: "} {
		if !strings.Contains(r.stderr+r.stdout, want) {
			t.Errorf("createsuperuser did not say %q:\nstdout %s\nstderr %s", want, r.stdout, r.stderr)
		}
	}
	if !p.canLogIn("root", "good-root-pw") {
		t.Error("the accepted password does not log in")
	}
	// Bypassed: the refused password is kept, as Django keeps it.
	p.mustRun("admin\nadmin\nadmin\ny\n", "createsuperuser")
	if !p.canLogIn("admin", "admin") {
		t.Error("the bypassed password does not log in")
	}

	r = p.run("password\npassword\n1\n1\nroot\nroot\n", "changepassword", "root")
	if r.code != 1 || !strings.Contains(r.stderr, `aborting password change for user "root" after 3 attempts`) ||
		!strings.Contains(r.stderr, "The password is too similar to the username.") {
		t.Errorf("three refused passwords: exit %d, stderr %s", r.code, r.stderr)
	}
	if !p.canLogIn("root", "good-root-pw") {
		t.Error("an aborted changepassword changed the password")
	}
	p.mustRun("password\npassword\nnext-root-pw\nnext-root-pw\n", "changepassword", "root")
	if !p.canLogIn("root", "next-root-pw") {
		t.Error("the second, accepted password does not log in")
	}
}

// AUTH_PASSWORD_VALIDATORS chooses the validators; an unknown one stops every user
// command before it asks anything.
func TestPasswordValidatorsSetting(t *testing.T) {
	p := newProject(t)
	only := map[string]string{"AUTH_PASSWORD_VALIDATORS": "django.contrib.auth.password_validation.NumericPasswordValidator"}
	if r := p.runWith(only, "1\n", "createuser", "--username", "alice", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, msgNumeric) || strings.Contains(r.stderr, msgTooShort) {
		t.Errorf("numeric only: exit %d, stderr %s", r.code, r.stderr)
	}
	if r := p.runWith(only, "a\n", "createuser", "--username", "alice", "--password-stdin"); r.code != 0 {
		t.Errorf("numeric only, a letter: exit %d, stderr %s", r.code, r.stderr)
	}
	unknown := map[string]string{"AUTH_PASSWORD_VALIDATORS": "MinimumLengthValidator,NoSuchValidator"}
	for _, args := range [][]string{{"createuser", "--username", "bob"}, {"createsuperuser"}, {"changepassword", "alice"}} {
		if r := p.runWith(unknown, "", args...); r.code != 1 || !strings.Contains(r.stderr, `AUTH_PASSWORD_VALIDATORS has unknown class "NoSuchValidator"`) {
			t.Errorf("%v: exit %d, stderr %s", args, r.code, r.stderr)
		}
	}
}
