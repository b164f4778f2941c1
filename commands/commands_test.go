package commands_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/commands"
	"ginrest/models"
	"ginrest/settings"
)

// testSecretKey is a production-grade (50-byte) key that is not the development one.
const testSecretKey = "commands-test-secret-key-0123456789abcdefghijklmno"

// syncBuffer is an io.Writer that runserver's goroutines and the test may share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// project is one database and the environment every command of a test runs with.
type project struct {
	t     *testing.T
	dbURL string
	vars  map[string]string
}

func newProject(t *testing.T) *project {
	t.Helper()
	if len(testSecretKey) != 50 {
		t.Fatalf("testSecretKey is %d bytes", len(testSecretKey))
	}
	dbURL := "sqlite:///" + filepath.Join(t.TempDir(), "x.db")
	return &project{t: t, dbURL: dbURL, vars: map[string]string{
		"DATABASE_URL":        dbURL,
		"PASSWORD_ITERATIONS": "1000",
		"DEBUG":               "false",
		"ALLOWED_HOSTS":       "127.0.0.1,localhost",
		"SECRET_KEY":          testSecretKey,
	}}
}

// result is what one command did.
type result struct {
	code           int
	stdout, stderr string
}

// env builds a command environment; a value of "" in change unsets that variable.
func (p *project) env(stdin string, change map[string]string) (*commands.Env, *syncBuffer, *syncBuffer) {
	vars := make(map[string]string, len(p.vars)+len(change))
	for k, v := range p.vars {
		vars[k] = v
	}
	for k, v := range change {
		if v == "" {
			delete(vars, k)
		} else {
			vars[k] = v
		}
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	return &commands.Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: stdout,
		Stderr: stderr,
		Lookup: func(name string) (string, bool) { v, ok := vars[name]; return v, ok },
	}, stdout, stderr
}

// run runs one command to completion with the project's environment.
func (p *project) run(stdin string, args ...string) result {
	return p.runWith(nil, stdin, args...)
}

func (p *project) runWith(change map[string]string, stdin string, args ...string) result {
	p.t.Helper()
	env, stdout, stderr := p.env(stdin, change)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env.Context = ctx // a command that unexpectedly serves is stopped when the test gives up
	env.Ready = func(addr string) {
		p.t.Errorf("%v: unexpectedly serving on %s", args, addr)
		cancel()
	}
	code := commands.Main(args, env)
	return result{code, stdout.String(), stderr.String()}
}

// mustRun runs a command that must succeed.
func (p *project) mustRun(stdin string, args ...string) result {
	p.t.Helper()
	r := p.run(stdin, args...)
	if r.code != 0 {
		p.t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// db opens the project's database beside the commands.
func (p *project) db() *gorm.DB {
	p.t.Helper()
	db, err := models.Open(p.dbURL)
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() {
		models.Close(db)
	})
	if _, err := models.Migrate(context.Background(), db); err != nil {
		p.t.Fatal(err)
	}
	return db
}

func (p *project) users() *models.Users {
	return &models.Users{DB: p.db(), Iterations: 1000}
}

// user loads a user row, failing the test if it is missing.
func (p *project) user(username string) *models.User {
	p.t.Helper()
	u, err := p.users().ByUsername(context.Background(), username)
	if err != nil {
		p.t.Fatalf("user %q: %v", username, err)
	}
	return u
}

func (p *project) userCount() int64 {
	p.t.Helper()
	n, err := p.users().Count(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

// canLogIn reports whether username logs in with password (Django's authenticate()).
func (p *project) canLogIn(username, password string) bool {
	p.t.Helper()
	u, err := p.users().Authenticate(context.Background(), username, password)
	if err != nil {
		p.t.Fatalf("authenticate %q: %v", username, err)
	}
	return u != nil
}

var allCommands = []string{"runserver", "migrate", "createsuperuser", "createuser", "changepassword", "drf_create_token", "flushexpiredtokens", "spectacular", "help"}

func TestHelp(t *testing.T) {
	p := newProject(t)
	for _, arg := range []string{"help", "-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			r := p.run("", arg)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
			}
			for _, name := range allCommands {
				if !regexp.MustCompile(`(?m)^\s+` + name + `\b`).MatchString(r.stdout) {
					t.Errorf("help does not list %s:\n%s", name, r.stdout)
				}
			}
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	p := newProject(t)
	r := p.run("", "frobnicate")
	if r.code != 2 {
		t.Errorf("exit %d, want 2", r.code)
	}
	if !strings.Contains(r.stderr, `"frobnicate"`) {
		t.Errorf("stderr does not name the command: %s", r.stderr)
	}
}

func TestMigrate(t *testing.T) {
	p := newProject(t)
	first := p.mustRun("", "migrate")
	for _, name := range []string{"0001_auth_user", "0002_token_blacklist"} {
		if !strings.Contains(first.stdout, "Applying "+name+"... OK") {
			t.Errorf("first migrate did not apply %s:\n%s", name, first.stdout)
		}
	}
	second := p.mustRun("", "migrate")
	if strings.TrimSpace(second.stdout) != "No migrations to apply." {
		t.Errorf("second migrate: %q", second.stdout)
	}
	if r := p.run("", "migrate", "--fake"); r.code != 2 {
		t.Errorf("migrate --fake: exit %d, want 2", r.code)
	}
}

func TestCreateUser(t *testing.T) {
	const password = "correct horse battery staple"
	cases := []struct {
		name                     string
		args                     []string
		stdin                    string
		active, staff, superuser bool
		usable                   bool // the password logs the user in
	}{
		{name: "password from stdin", args: []string{"--password-stdin"}, stdin: password + "\n", active: true, usable: true},
		{name: "no final newline", args: []string{"--password-stdin"}, stdin: password, active: true, usable: true},
		{name: "CRLF", args: []string{"--password-stdin"}, stdin: password + "\r\n", active: true, usable: true},
		{name: "without a password", args: nil, stdin: password, active: true, usable: false},
		{name: "inactive", args: []string{"--password-stdin", "--inactive"}, stdin: password, active: false, usable: false},
		{name: "staff", args: []string{"--password-stdin", "--staff"}, stdin: password, active: true, staff: true, usable: true},
		{name: "superuser", args: []string{"--password-stdin", "--superuser"}, stdin: password, active: true, staff: true, superuser: true, usable: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			args := append([]string{"createuser", "--username", "alice", "--email", "alice@example.com"}, c.args...)
			r := p.mustRun(c.stdin, args...)
			if !strings.Contains(r.stdout, `"alice" created successfully`) {
				t.Errorf("stdout: %q", r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, password) {
				t.Errorf("the password was echoed: %q %q", r.stdout, r.stderr)
			}
			u := p.user("alice")
			if u.Email != "alice@example.com" || u.IsActive != c.active || u.IsStaff != c.staff || u.IsSuperuser != c.superuser {
				t.Errorf("row: email %q active %v staff %v superuser %v; want active %v staff %v superuser %v",
					u.Email, u.IsActive, u.IsStaff, u.IsSuperuser, c.active, c.staff, c.superuser)
			}
			if u.Password == password || u.Password == "" {
				t.Errorf("password stored as %q", u.Password)
			}
			if u.DateJoined.IsZero() {
				t.Error("date_joined not set")
			}
			if got := p.canLogIn("alice", password); got != c.usable {
				t.Errorf("can log in = %v, want %v", got, c.usable)
			}
		})
	}
}

func TestCreateUserRefused(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantErr  string
	}{
		{name: "missing --username", args: []string{"createuser", "--password-stdin"}, stdin: "pw", wantCode: 2, wantErr: "--username"},
		{name: "unknown flag", args: []string{"createuser", "--username", "bob", "--admin"}, wantCode: 2, wantErr: "admin"},
		{name: "invalid username", args: []string{"createuser", "--username", "bob smith"}, wantCode: 1, wantErr: "valid username"},
		{name: "username too long", args: []string{"createuser", "--username", strings.Repeat("b", 151)}, wantCode: 1, wantErr: "valid username"},
		{name: "username too long in letters", args: []string{"createuser", "--username", strings.Repeat("é", 151)}, wantCode: 1, wantErr: "valid username"},
		{name: "empty username", args: []string{"createuser", "--username", ""}, wantCode: 2, wantErr: "--username is required"},
		{name: "empty stdin", args: []string{"createuser", "--username", "bob", "--password-stdin"}, stdin: "", wantCode: 1, wantErr: "blank"},
		{name: "blank line on stdin", args: []string{"createuser", "--username", "bob", "--password-stdin"}, stdin: "\n", wantCode: 1, wantErr: "blank"},
		{name: "spaces on stdin", args: []string{"createuser", "--username", "bob", "--password-stdin"}, stdin: "   \t \n", wantCode: 1, wantErr: "blank"},
		{name: "password too long", args: []string{"createuser", "--username", "bob", "--password-stdin"}, stdin: strings.Repeat("p", 4097) + "\n", wantCode: 1, wantErr: "longer than 4096 bytes"},
		{name: "superuser, blank stdin", args: []string{"createsuperuser", "--username", "bob", "--password-stdin"}, stdin: " \n", wantCode: 1, wantErr: "blank"},
		{name: "superuser, blank prompt", args: []string{"createsuperuser", "--username", "bob"}, stdin: "\n\n", wantCode: 1, wantErr: "blank"},
		{name: "superuser, prompts mismatch", args: []string{"createsuperuser"}, stdin: "bob\nfirst-password\nsecond-password\n", wantCode: 1, wantErr: "do not match"},
		{name: "superuser, stdin ends early", args: []string{"createsuperuser"}, stdin: "bob\nfirst-password\n", wantCode: 1, wantErr: "no input"},
		{name: "superuser, no input", args: []string{"createsuperuser"}, stdin: "", wantCode: 1, wantErr: "no input"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			r := p.run(c.stdin, c.args...)
			if r.code != c.wantCode {
				t.Errorf("exit %d, want %d; stderr %s", r.code, c.wantCode, r.stderr)
			}
			if !strings.Contains(r.stderr, c.wantErr) {
				t.Errorf("stderr does not say %q: %s", c.wantErr, r.stderr)
			}
			if r.code == 1 {
				if n := p.userCount(); n != 0 {
					t.Errorf("%d users created", n)
				}
			}
		})
	}
}

// The longest usernames auth_user.username holds: 150 characters, counted in letters
// rather than bytes, as Django counts them.
func TestCreateUserLongestUsername(t *testing.T) {
	for _, name := range []string{strings.Repeat("b", 150), strings.Repeat("é", 150)} {
		p := newProject(t)
		r := p.mustRun("", "createuser", "--username", name)
		if !strings.Contains(r.stdout, "created successfully") {
			t.Errorf("%d letters: stdout %q", len([]rune(name)), r.stdout)
		}
	}
}

func TestCreateUserDuplicate(t *testing.T) {
	p := newProject(t)
	p.mustRun("first-password", "createuser", "--username", "alice", "--password-stdin")
	for _, args := range [][]string{
		{"createuser", "--username", "alice", "--password-stdin"},
		{"createsuperuser", "--username", "alice", "--password-stdin"},
	} {
		r := p.run("second-password", args...)
		if r.code != 1 || !strings.Contains(r.stderr, "A user with that username already exists.") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and Django's words", args, r.code, r.stderr)
		}
	}
	if !p.canLogIn("alice", "first-password") || p.canLogIn("alice", "second-password") {
		t.Error("the duplicate changed the first user's password")
	}
	// The longest password --password-stdin takes is stored whole, not cut short.
	long := strings.Repeat("x", 4095) + "y"
	p.mustRun(long+"\r\n", "createuser", "--username", "long", "--password-stdin")
	if !p.canLogIn("long", long) || p.canLogIn("long", long[:4095]) {
		t.Error("a 4096-byte password is not stored whole")
	}
	// Nor in another case or in compatibility characters, as Django 4.2's
	// UserCreationForm and normalize_username refuse them.
	for _, name := range []string{"Alice", "ALICE", "ａlice", "ＡＬＩＣＥ"} {
		r := p.run("third-password", "createuser", "--username", name, "--password-stdin")
		if r.code != 1 || !strings.Contains(r.stderr, "A user with that username already exists.") {
			t.Errorf("%q: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}
	// A full-width name is stored as its plain form.
	r := p.mustRun("fourth-password", "createuser", "--username", "ｂｏｂ", "--password-stdin")
	if !strings.Contains(r.stdout, `User "bob" created successfully`) || !p.canLogIn("bob", "fourth-password") {
		t.Errorf("ｂｏｂ: %q", r.stdout)
	}
}

func TestPasswordsAreNotTrimmed(t *testing.T) {
	p := newProject(t)
	const password = "  spaced out \t"
	p.mustRun(password+"\n", "createuser", "--username", "alice", "--password-stdin")
	if !p.canLogIn("alice", password) {
		t.Error("the password with its spaces does not log in")
	}
	for _, wrong := range []string{strings.TrimSpace(password), "spaced out", password + "\n"} {
		if p.canLogIn("alice", wrong) {
			t.Errorf("%q logs in", wrong)
		}
	}
	// The same through the prompts and through changepassword.
	p.mustRun("bob\n"+password+"\n"+password+"\n", "createsuperuser")
	if !p.canLogIn("bob", password) || p.canLogIn("bob", strings.TrimSpace(password)) {
		t.Error("createsuperuser's prompts changed the password")
	}
	const next = " next password "
	p.mustRun(next, "changepassword", "bob", "--password-stdin")
	if !p.canLogIn("bob", next) || p.canLogIn("bob", "next password") {
		t.Error("changepassword changed the password")
	}
}

func TestCreateSuperuser(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
	}{
		{name: "flags and stdin", args: []string{"--username", "root", "--email", "root@example.com", "--password-stdin"}, stdin: "s3cret-pw\n"},
		{name: "prompts", args: []string{"--email", "root@example.com"}, stdin: "root\ns3cret-pw\ns3cret-pw\n"},
		{name: "prompts, CRLF", args: []string{"--email", "root@example.com"}, stdin: "root\r\ns3cret-pw\r\ns3cret-pw\r\n"},
		{name: "username flag, password prompts", args: []string{"--username", "root", "--email", "root@example.com"}, stdin: "s3cret-pw\ns3cret-pw"},
		{name: "username prompt, password stdin", args: []string{"--email", "root@example.com", "--password-stdin"}, stdin: "root\ns3cret-pw\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			r := p.mustRun(c.stdin, append([]string{"createsuperuser"}, c.args...)...)
			if !strings.Contains(r.stdout, `Superuser "root" created successfully`) {
				t.Errorf("stdout: %q", r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, "s3cret-pw") {
				t.Errorf("the password was echoed: %q %q", r.stdout, r.stderr)
			}
			u := p.user("root")
			if !u.IsActive || !u.IsStaff || !u.IsSuperuser || u.Email != "root@example.com" {
				t.Errorf("row: active %v staff %v superuser %v email %q", u.IsActive, u.IsStaff, u.IsSuperuser, u.Email)
			}
			if !p.canLogIn("root", "s3cret-pw") {
				t.Error("the superuser cannot log in")
			}
		})
	}
}

func TestChangePassword(t *testing.T) {
	p := newProject(t)
	p.mustRun("old-password", "createuser", "--username", "alice", "--password-stdin")

	r := p.mustRun("new-password\n", "changepassword", "alice", "--password-stdin")
	if !strings.Contains(r.stdout, `Password changed successfully for user "alice"`) {
		t.Errorf("stdout: %q", r.stdout)
	}
	if p.canLogIn("alice", "old-password") {
		t.Error("the old password still logs in")
	}
	if !p.canLogIn("alice", "new-password") {
		t.Error("the new password does not log in")
	}

	// Flags before the username, and the prompts.
	p.mustRun("third-password", "changepassword", "--password-stdin", "alice")
	p.mustRun("fourth-password\nfourth-password\n", "changepassword", "alice")
	if !p.canLogIn("alice", "fourth-password") || p.canLogIn("alice", "third-password") {
		t.Error("changepassword through the prompts did not take")
	}

	for _, c := range []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"unknown user", "pw", []string{"changepassword", "nobody", "--password-stdin"}, 1, `"nobody" does not exist`},
		{"no username", "pw", []string{"changepassword", "--password-stdin"}, 2, "username"},
		{"blank", "\n", []string{"changepassword", "alice", "--password-stdin"}, 1, "blank"},
		{"mismatch", "a-password\nanother\n", []string{"changepassword", "alice"}, 1, "do not match"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := p.run(c.stdin, c.args...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, c.code, c.want)
			}
		})
	}
	if !p.canLogIn("alice", "fourth-password") {
		t.Error("a refused changepassword changed the password")
	}
}

func TestFlushExpiredTokens(t *testing.T) {
	p := newProject(t)
	db := p.db()
	ctx := context.Background()
	now := time.Now().UTC()
	created := now.Add(-48 * time.Hour)
	rows := []struct {
		jti         string
		expires     time.Time
		blacklisted bool
		kept        bool
	}{
		{"expired-blacklisted", now.Add(-time.Hour), true, false},
		{"expired-outstanding", now.Add(-time.Second), false, false},
		{"live-blacklisted", now.Add(time.Hour), true, true},
		{"live-outstanding", now.Add(24 * time.Hour), false, true},
	}
	for _, r := range rows {
		tok := models.OutstandingToken{JTI: r.jti, Token: "token-" + r.jti, CreatedAt: &created, ExpiresAt: r.expires}
		if err := db.WithContext(ctx).Create(&tok).Error; err != nil {
			t.Fatal(err)
		}
		if r.blacklisted {
			if err := db.WithContext(ctx).Create(&models.BlacklistedToken{TokenID: tok.ID, BlacklistedAt: now}).Error; err != nil {
				t.Fatal(err)
			}
		}
	}

	r := p.mustRun("", "flushexpiredtokens")
	if !strings.Contains(r.stdout, "Deleted 2 expired tokens.") {
		t.Errorf("stdout: %q", r.stdout)
	}
	var outstanding []models.OutstandingToken
	if err := db.Order("jti").Find(&outstanding).Error; err != nil {
		t.Fatal(err)
	}
	var jtis []string
	for _, o := range outstanding {
		jtis = append(jtis, o.JTI)
	}
	if got, want := strings.Join(jtis, ","), "live-blacklisted,live-outstanding"; got != want {
		t.Errorf("outstanding after flush: %s, want %s", got, want)
	}
	var blacklisted []models.BlacklistedToken
	if err := db.Find(&blacklisted).Error; err != nil {
		t.Fatal(err)
	}
	if len(blacklisted) != 1 || len(outstanding) == 0 || blacklisted[0].TokenID != outstanding[0].ID {
		t.Errorf("blacklisted after flush: %+v", blacklisted)
	}

	if r := p.mustRun("", "flushexpiredtokens"); !strings.Contains(r.stdout, "Deleted 0 expired tokens.") {
		t.Errorf("second flush: %q", r.stdout)
	}
}

func TestSettingsErrors(t *testing.T) {
	cases := []struct {
		name, variable, value string
	}{
		{"lifetime not a duration", "ACCESS_TOKEN_LIFETIME", "abc"},
		{"lifetime not positive", "REFRESH_TOKEN_LIFETIME", "-1h"},
		{"iterations not a number", "PASSWORD_ITERATIONS", "many"},
		{"iterations zero", "PASSWORD_ITERATIONS", "0"},
		{"debug not a boolean", "DEBUG", "yes please"},
		{"algorithm", "ALGORITHM", "RS256"},
		{"database scheme", "DATABASE_URL", "mysql://localhost/db"},
	}
	for _, c := range cases {
		for _, cmd := range [][]string{{"migrate"}, {"createuser", "--username", "alice"}, {"runserver", "127.0.0.1:0"}} {
			t.Run(c.name+"/"+cmd[0], func(t *testing.T) {
				p := newProject(t)
				r := p.runWith(map[string]string{c.variable: c.value}, "", cmd...)
				if r.code != 1 {
					t.Errorf("exit %d, want 1; stderr %s", r.code, r.stderr)
				}
				if !strings.Contains(r.stderr, c.variable) {
					t.Errorf("stderr does not name %s: %s", c.variable, r.stderr)
				}
			})
		}
	}
}

// freePort is a port nothing listens on, for a moment.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestRunserverRefusesDevelopmentKeyInProduction(t *testing.T) {
	cases := []struct {
		name string
		vars map[string]string
	}{
		{"no SECRET_KEY", map[string]string{"SECRET_KEY": ""}},
		{"development key", map[string]string{"SECRET_KEY": settings.DevelopmentSecretKey}},
		{"10-byte key", map[string]string{"SECRET_KEY": "0123456789"}},
		{"DEBUG unset is DEBUG on, so this one is DEBUG=0", map[string]string{"DEBUG": "0", "SECRET_KEY": ""}},
		{"development SIGNING_KEY", map[string]string{"SIGNING_KEY": settings.DevelopmentSecretKey}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			addr := freePort(t)
			done := make(chan result, 1)
			go func() { done <- p.runWith(c.vars, "", "runserver", addr) }()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("runserver did not return: it is serving")
			}
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			want := "SECRET_KEY"
			if _, ok := c.vars["SIGNING_KEY"]; ok {
				want = "SIGNING_KEY"
			}
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr does not name %s: %s", want, r.stderr)
			}
			if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				conn.Close()
				t.Errorf("something listens on %s", addr)
			}
			if strings.Contains(r.stdout, "Starting server") {
				t.Errorf("stdout: %s", r.stdout)
			}
		})
	}
}

// As Django's runserver, ginrest's will not serve with DEBUG off and no ALLOWED_HOSTS:
// every request would be refused.
func TestRunserverNeedsAllowedHostsInProduction(t *testing.T) {
	p := newProject(t)
	addr := freePort(t)
	done := make(chan result, 1)
	go func() { done <- p.runWith(map[string]string{"ALLOWED_HOSTS": ""}, "", "runserver", addr) }()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("runserver did not return: it is serving")
	}
	if r.code != 1 || !strings.Contains(r.stderr, "ALLOWED_HOSTS must be set when DEBUG is false") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("something listens on %s", addr)
	}
	// Commands that serve nothing need no ALLOWED_HOSTS.
	if r := p.runWith(map[string]string{"ALLOWED_HOSTS": ""}, "", "migrate"); r.code != 0 {
		t.Errorf("migrate: exit %d: %s", r.code, r.stderr)
	}
}

// server is runserver running in-process until stop is called.
type server struct {
	addr           string
	stdout, stderr *syncBuffer
	stop           func() result
}

// startServer runs runserver on 127.0.0.1:0 and waits until it accepts connections.
func (p *project) startServer(change map[string]string) *server {
	p.t.Helper()
	env, stdout, stderr := p.env("", change)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	env.Context = ctx
	env.Ready = func(addr string) { ready <- addr }
	done := make(chan int, 1)
	go func() { done <- commands.Main([]string{"runserver", "127.0.0.1:0"}, env) }()
	var once sync.Once
	var res result
	s := &server{stdout: stdout, stderr: stderr}
	s.stop = func() result {
		once.Do(func() {
			cancel()
			select {
			case code := <-done:
				res = result{code, stdout.String(), stderr.String()}
			case <-time.After(10 * time.Second):
				p.t.Fatal("runserver did not stop within 10s of its context ending")
			}
		})
		return res
	}
	p.t.Cleanup(func() { s.stop() })
	select {
	case s.addr = <-ready:
	case code := <-done:
		p.t.Fatalf("runserver exited with %d before serving\nstdout: %s\nstderr: %s", code, stdout, stderr)
	case <-time.After(10 * time.Second):
		p.t.Fatal("runserver did not become ready in 10s")
	}
	return s
}

var demoLine = regexp.MustCompile(`created demo user "demo" with password ("[^"\n]*")`)

func TestRunserverSeedsDemoUserInDebug(t *testing.T) {
	p := newProject(t)
	debug := map[string]string{"DEBUG": "true", "SECRET_KEY": ""}

	first := p.startServer(debug).stop()
	if first.code != 0 {
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	matches := demoLine.FindAllStringSubmatch(first.stdout, -1)
	if len(matches) != 1 {
		t.Fatalf("want the demo password printed once, got %d times:\n%s", len(matches), first.stdout)
	}
	password, err := strconv.Unquote(matches[0][1])
	if err != nil || len(password) < 12 {
		t.Fatalf("demo password %s: %v", matches[0][1], err)
	}
	if strings.Count(first.stdout+first.stderr, password) != 1 {
		t.Errorf("the demo password appears more than once:\n%s\n%s", first.stdout, first.stderr)
	}
	if !p.canLogIn(commands.DemoUsername, password) {
		t.Error("the printed demo password does not log in")
	}
	if u := p.user(commands.DemoUsername); u.IsStaff || u.IsSuperuser {
		t.Errorf("demo user is staff %v, superuser %v", u.IsStaff, u.IsSuperuser)
	}

	// The database has a user now: no second demo user, no password printed.
	second := p.startServer(debug).stop()
	if second.code != 0 || strings.Contains(second.stdout, "demo") {
		t.Errorf("second start: exit %d, stdout %s", second.code, second.stdout)
	}
	if n := p.userCount(); n != 1 {
		t.Errorf("%d users after two starts", n)
	}
}

func TestRunserverDoesNotSeedInProduction(t *testing.T) {
	p := newProject(t)
	r := p.startServer(nil).stop()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "demo") || !strings.Contains(r.stdout, "production mode") {
		t.Errorf("stdout: %s", r.stdout)
	}
	if n := p.userCount(); n != 0 {
		t.Errorf("%d users seeded with DEBUG=false", n)
	}
}

func TestRunserverServesUntilContextEnds(t *testing.T) {
	p := newProject(t)
	p.mustRun("pw-of-alice", "createuser", "--username", "alice", "--password-stdin")
	s := p.startServer(nil)
	if host, port, err := net.SplitHostPort(s.addr); err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("Ready got %q", s.addr)
	}
	if !strings.Contains(s.stdout.String(), "Starting server at http://"+s.addr+"/") {
		t.Errorf("stdout: %s", s.stdout)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	base := "http://" + s.addr

	resp, err := client.Get(base + "/api/protected/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "Authentication credentials were not provided.") {
		t.Errorf("anonymous GET: %d %s", resp.StatusCode, body)
	}

	resp, err = client.Post(base+"/api/token/", "application/json", strings.NewReader(`{"username":"alice","password":"pw-of-alice"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"access"`) {
		t.Errorf("login: %d %s", resp.StatusCode, body)
	}

	start := time.Now()
	r := s.stop()
	if r.code != 0 {
		t.Errorf("exit %d after the context ended; stderr %s", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if !strings.Contains(r.stdout, "Server stopped.") {
		t.Errorf("stdout: %s", r.stdout)
	}
	if _, err := client.Get(base + "/api/protected/"); err == nil {
		t.Error("still serving after runserver returned")
	}
}

func TestRunserverUsage(t *testing.T) {
	p := newProject(t)
	for _, args := range [][]string{
		{"runserver", "127.0.0.1:0", "127.0.0.1:1"},
		{"runserver", "localhost:80:80"},
		{"runserver", "--verbose"},
	} {
		r := p.run("", args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr %s", args, r.code, r.stderr)
		}
	}
	// An address in use is an error, not a hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if r := p.run("", "runserver", ln.Addr().String()); r.code != 1 {
		t.Errorf("address in use: exit %d, want 1; stderr %s", r.code, r.stderr)
	}
}
