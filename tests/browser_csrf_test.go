package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"ginrest/models"
	"ginrest/urls"
)

// chromium is the browser the browser tests drive (CHROMIUM, else Debian's chromium on
// PATH). Without one they skip, unless BROWSER_TESTS=1 (.ci/run installs it and sets it),
// where its absence fails them.
func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		msg := "no Chromium for the browser tests (apt-get install chromium, or set CHROMIUM)"
		if os.Getenv("BROWSER_TESTS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// browser is a headless Chromium for the test's duration.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.Flag("disable-dev-shm-usage", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, for the context's life
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// step bounds one browser step, against a hang, not as a timing assertion: each takes
// well under a second.
func step(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// screenshot keeps the page as it is now in $BROWSER_ARTIFACTS/<name>.png, when the
// artifacts are asked for (CI keeps them).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BROWSER_ARTIFACTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(step(t, ctx), chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// listen serves h on localhost:<a free port> until the test ends, as a real origin.
func listen(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return fmt.Sprintf("http://localhost:%d", l.Addr().(*net.TCPAddr).Port)
}

// In cookie mode, a page on another origin of the same site (the cookies go with its
// requests: SameSite=Lax lets same-site form posts carry them) cannot use the victim's
// cookies: a real browser submits the attacker's forms to refresh (with the attacker's
// token in the body, to swap sessions), to log in as the attacker, and to log out, and
// each is refused with 403 by Origin; the victim's cookies are still in the browser, and
// still refresh as the victim.
func TestCookieModeCSRFInABrowser(t *testing.T) {
	ctx := browser(t)
	s := cookieModeSettings()
	app, err := urls.NewApp(s, testDB(t), urls.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	site := listen(t, app.Handler())
	// Users: the victim, and the attacker's own account.
	for _, u := range [][2]string{{"alice", "wonderland-42"}, {"mallory", "evil-but-valid-42"}} {
		if err := app.Users.Create(t.Context(), &models.User{Username: u[0], IsActive: true}, u[1]); err != nil {
			t.Fatal(err)
		}
	}
	login := func(username, password string) (refresh, csrf string) {
		t.Helper()
		resp, err := http.Post(site+"/api/token/", "application/json",
			strings.NewReader(fmt.Sprintf(`{"username": %q, "password": %q}`, username, password)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			switch c.Name {
			case s.Sessions.Cookie.Name:
				refresh = c.Value
			case s.Sessions.Cookie.CSRFName:
				csrf = c.Value
			}
		}
		if resp.StatusCode != 200 || refresh == "" || csrf == "" {
			t.Fatalf("login %s: %d, cookies %v", username, resp.StatusCode, resp.Cookies())
		}
		return refresh, csrf
	}
	victimRefresh, victimCSRF := login("alice", "wonderland-42")
	attackerRefresh, _ := login("mallory", "evil-but-valid-42")

	// The attacker's pages, on another origin of the same site.
	forms := map[string]string{
		"/swap":   formPage(site+"/api/token/refresh/", map[string]string{"refresh": attackerRefresh}),
		"/login":  formPage(site+"/api/token/", map[string]string{"username": "mallory", "password": "evil-but-valid-42"}),
		"/logout": formPage(site+"/api/token/blacklist/", map[string]string{"refresh": attackerRefresh}),
	}
	evil := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := forms[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))

	// The victim's browser holds her cookies, as after she logged in on the site.
	httpOnly := true
	for _, c := range []network.SetCookieParams{
		{Name: s.Sessions.Cookie.Name, Value: victimRefresh, Domain: "localhost", Path: s.Sessions.Cookie.Path, HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax},
		{Name: s.Sessions.Cookie.CSRFName, Value: victimCSRF, Domain: "localhost", Path: "/", SameSite: network.CookieSameSiteLax},
	} {
		if _, err := chromedp.Call(step(t, ctx), network.SetCookie, c); err != nil {
			t.Fatalf("set the victim's cookie %s: %v", c.Name, err)
		}
	}
	for _, name := range []string{"/swap", "/login", "/logout"} {
		t.Run(strings.TrimPrefix(name, "/"), func(t *testing.T) {
			ctx := step(t, ctx)
			err := chromedp.Do(ctx,
				chromedp.Navigate(evil+name),
				chromedp.Click(chromedp.ID("go")),
				// The browser asked for HTML: the answer is the browsable API's page, which
				// shows the response's JSON.
				chromedp.WaitVisible(chromedp.ID("response-body")),
			)
			if err != nil {
				t.Fatalf("submit the attacker's form: %v", err)
			}
			body, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("response-body")))
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("CSRF Failed: Origin checking failed - %s does not match any trusted origins.", evil)
			var got struct{ Detail string }
			if json.Unmarshal([]byte(body), &got) != nil || got.Detail != want {
				t.Errorf("answer %q, want the 403 %q", body, want)
			}
		})
	}

	// The browser still holds the victim's own cookies, and they refresh as her.
	jar, err := chromedp.Call(step(t, ctx), network.GetCookies, network.GetCookiesParams{URLs: []string{site + s.Sessions.Cookie.Path}})
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]string{}
	for _, c := range jar.Cookies {
		held[c.Name] = c.Value
	}
	if held[s.Sessions.Cookie.Name] != victimRefresh || held[s.Sessions.Cookie.CSRFName] != victimCSRF {
		t.Fatalf("the browser's cookies changed: %v", held)
	}
	req, _ := http.NewRequest(http.MethodPost, site+"/api/token/refresh/", nil)
	req.AddCookie(&http.Cookie{Name: s.Sessions.Cookie.Name, Value: victimRefresh})
	req.AddCookie(&http.Cookie{Name: s.Sessions.Cookie.CSRFName, Value: victimCSRF})
	req.Header.Set("X-CSRFToken", victimCSRF)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var refreshed struct{ Access string }
	json.NewDecoder(resp.Body).Decode(&refreshed)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the victim's refresh: %d", resp.StatusCode)
	}
	if got := claimsOf(t, refreshed.Access)["user_id"]; fmt.Sprint(got) != "1" {
		t.Errorf("the victim's refresh gave user_id %v, want alice's 1", got)
	}
	// The attacker's token was never spent by the forms: it still refreshes, as mallory.
	resp, err = http.Post(site+"/api/token/refresh/", "application/json", strings.NewReader(fmt.Sprintf(`{"refresh": %q}`, attackerRefresh)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the attacker's own refresh after the refused forms: %d, want 200", resp.StatusCode)
	}
}

// formPage is an attacker's page: a form that posts fields to action when #go is clicked.
func formPage(action string, fields map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><form method="post" action="%s">`, html.EscapeString(action))
	for k, v := range fields {
		fmt.Fprintf(&b, `<input type="hidden" name="%s" value="%s">`, html.EscapeString(k), html.EscapeString(v))
	}
	b.WriteString(`<button id="go" type="submit">win a prize</button></form>`)
	return b.String()
}
