package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ginrest/models"
	"ginrest/urls"
)

// djangoPython is the Python that has Debian's python3-django, python3-djangorestframework
// and python3-djangorestframework-simplejwt (PYTHON, else /usr/bin/python3: a pyenv shim on
// PATH does not see Debian's packages). Without them the test skips, unless DJANGO_TESTS=1
// (.ci/run sets it after installing them), where their absence fails it.
func djangoPython(t *testing.T) string {
	t.Helper()
	python := os.Getenv("PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	out, err := exec.Command(python, "-c", "import django, rest_framework, rest_framework_simplejwt; print(django.get_version())").CombinedOutput()
	if err != nil {
		msg := fmt.Sprintf("Django, DRF and simplejwt are not importable by %s (apt-get install python3-django python3-djangorestframework python3-djangorestframework-simplejwt): %v: %s",
			python, err, bytes.TrimSpace(out))
		if os.Getenv("DJANGO_TESTS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return python
}

// djangoService is the reference Django project (scripts/django: Django + DRF + simplejwt
// with ginrest's default settings) on a shared SQLite file.
type djangoService struct {
	t      *testing.T
	python string
	dir    string
	env    []string
	url    string
}

func (d *djangoService) manage(args ...string) string {
	d.t.Helper()
	cmd := exec.Command(d.python, append([]string{"manage.py"}, args...)...)
	cmd.Dir, cmd.Env = d.dir, d.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		d.t.Fatalf("manage.py %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// shell runs Python in Django's shell: what a Django admin or view would do.
func (d *djangoService) shell(code string) string {
	d.t.Helper()
	return strings.TrimSpace(d.manage("shell", "-c", code))
}

// serve runs Django's server until the test ends, and waits until it answers.
func (d *djangoService) serve() {
	d.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // runserver binds it itself; nothing else on this machine picks ports from this range
	cmd := exec.Command(d.python, "manage.py", "runserver", "--noreload", "--nothreading", addr)
	cmd.Dir, cmd.Env = d.dir, d.env
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if d.t.Failed() {
			d.t.Logf("Django's log:\n%s", log.String())
		}
	})
	d.url = "http://" + addr
	deadline := time.Now().Add(2 * time.Minute) // a bound on a hang, not a timing assertion
	for {
		resp, err := http.Get(d.url + "/api/protected/")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("Django did not answer at %s: %v\n%s", d.url, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// call sends a JSON request to base+path, with a bearer token when given.
func call(t *testing.T, base, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data := map[string]any{}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &data)
	return resp.StatusCode, data
}

// TestBesideDjango runs Django 3.2 + DRF 3.14 + simplejwt 5.2.2 (Debian's packages) and
// ginrest on one SQLite database with one signing key, as a team moving off Django does,
// and checks what used to break the move: hashes rewritten back and forth, Django's tokens
// refused after a ginrest logout-all, and a password changed in Django not revoking
// ginrest's tokens.
func TestBesideDjango(t *testing.T) {
	python := djangoPython(t)
	dir, err := filepath.Abs(filepath.Join("..", "scripts", "django"))
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "shared.sqlite3")
	env := append(os.Environ(), "SECRET_KEY="+testKey, "DJANGO_DB="+dbPath, "DJANGO_SQLITE_WAL=1",
		"PASSWORD_ITERATIONS=260000", "ACCESS_TOKEN_LIFETIME=5m") // Django 3.2's count, as a real Django service has
	django := &djangoService{t: t, python: python, dir: dir, env: env}
	django.manage("migrate", "--noinput")
	django.shell(`from django.contrib.auth.models import User; User.objects.create_user("alice", password="wonderland-42")`)
	storedHash := func() string {
		t.Helper()
		return django.shell(`from django.contrib.auth.models import User; print(User.objects.get(username="alice").password)`)
	}
	djangoHash := storedHash()
	if !strings.HasPrefix(djangoHash, "pbkdf2_sha256$260000$") {
		t.Fatalf("Django made %q, want a 260,000-iteration hash", djangoHash)
	}
	django.serve()

	// ginrest on the same file, with its default clock and no request-user cache: what it
	// reads is what Django wrote.
	db, err := models.Open("sqlite:///" + dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(db) })
	if _, err := models.Migrate(t.Context(), db); err != nil {
		t.Fatalf("migrate Django's database: %v", err)
	}
	s := testSettings()
	s.UserCacheTTL = 0
	app, err := urls.NewApp(s, db, urls.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ginrest := httptest.NewServer(app.Handler())
	t.Cleanup(ginrest.Close)

	login := func(base, password string) (status int, access, refresh string) {
		t.Helper()
		status, body := call(t, base, "POST", "/api/token/", "", map[string]string{"username": "alice", "password": password})
		access, _ = body["access"].(string)
		refresh, _ = body["refresh"].(string)
		return status, access, refresh
	}
	mustLogin := func(name, base, password string) (string, string) {
		t.Helper()
		status, access, refresh := login(base, password)
		if status != 200 || access == "" {
			t.Fatalf("login on %s: %d", name, status)
		}
		return access, refresh
	}
	protected := func(base, token string) (int, string) {
		t.Helper()
		status, body := call(t, base, "GET", "/api/protected/", token, nil)
		code, _ := body["code"].(string)
		return status, code
	}
	expect := func(what string, gotStatus int, gotCode string, wantStatus int, wantCode string) {
		t.Helper()
		if gotStatus != wantStatus || gotCode != wantCode {
			t.Errorf("%s: %d %q, want %d %q", what, gotStatus, gotCode, wantStatus, wantCode)
		}
	}

	// Both log alice in, and each accepts the other's tokens; neither rewrites her hash.
	djangoAccess, _ := mustLogin("Django", django.url, "wonderland-42")
	ginrestAccess, _ := mustLogin("ginrest", ginrest.URL, "wonderland-42")
	mustLogin("Django", django.url, "wonderland-42")
	if got := storedHash(); got != djangoHash {
		t.Errorf("the hash changed across logins on both services: %q, was %q", got, djangoHash)
	}
	for _, c := range []struct{ name, base, token string }{
		{"Django's token on ginrest", ginrest.URL, djangoAccess},
		{"ginrest's token on Django", django.url, ginrestAccess},
	} {
		status, code := protected(c.base, c.token)
		expect(c.name, status, code, 200, "")
	}

	// A logout-all on ginrest revokes every earlier token, Django's included, and Django's
	// later tokens work on ginrest.
	if status, body := call(t, ginrest.URL, "POST", "/api/token/logout-all/", ginrestAccess, nil); status != 200 {
		t.Fatalf("logout-all: %d %v", status, body)
	}
	revokedSecond := time.Now().Unix()
	status, code := protected(ginrest.URL, djangoAccess)
	expect("Django's token from before the logout-all, on ginrest", status, code, 401, "token_revoked")
	for time.Now().Unix() <= revokedSecond { // iat has whole seconds: a token of that second is refused by design
		time.Sleep(50 * time.Millisecond)
	}
	djangoAfter, _ := mustLogin("Django", django.url, "wonderland-42")
	status, code = protected(ginrest.URL, djangoAfter)
	expect("Django's token from after the logout-all, on ginrest", status, code, 200, "")
	ginrestAfter, ginrestRefresh := mustLogin("ginrest", ginrest.URL, "wonderland-42")

	// A password changed in Django revokes alice's earlier tokens on ginrest, both
	// services' own.
	django.shell(`from django.contrib.auth.models import User; u = User.objects.get(username="alice"); u.set_password("looking-glass-7"); u.save()`)
	status, code = protected(ginrest.URL, ginrestAfter)
	expect("ginrest's token after a password change in Django", status, code, 401, "password_changed")
	status, code = protected(ginrest.URL, djangoAfter)
	expect("Django's earlier token after a password change in Django", status, code, 401, "password_changed")
	status, body := call(t, ginrest.URL, "POST", "/api/token/refresh/", "", map[string]string{"refresh": ginrestRefresh})
	if got, _ := body["code"].(string); status != 401 || got != "password_changed" {
		t.Errorf("ginrest's refresh token after a password change in Django: %d %v", status, body)
	}
	if status, _, _ := login(ginrest.URL, "wonderland-42"); status != 401 {
		t.Errorf("the old password on ginrest: %d, want 401", status)
	}
	changed := storedHash()
	newAccess, _ := mustLogin("ginrest", ginrest.URL, "looking-glass-7")
	status, code = protected(django.url, newAccess)
	expect("ginrest's token after the change, on Django", status, code, 200, "")
	if got := storedHash(); got != changed {
		t.Errorf("ginrest's login rewrote the hash Django set: %q, was %q", got, changed)
	}
}
