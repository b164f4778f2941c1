package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"ginrest/models"
	"ginrest/urls"
)

// corsPage is a front end's page on another origin: it logs in to the API in cookie mode
// with credentials, refreshes with the CSRF token from the readable cookie, calls the
// protected view with the access token, and writes what each step answered into #out.
const corsPage = `<!doctype html><pre id="pending">…</pre><script>
const api = %q;
async function step(name, req) {
  try {
    const r = await fetch(api + req.path, Object.assign({credentials: "include"}, req.init));
    let body = null;
    try { body = await r.json(); } catch (e) {}
    return {name, status: r.status, body};
  } catch (e) {
    return {name, error: String(e)};
  }
}
(async () => {
  const out = [];
  out.push(await step("login", {path: "/api/token/", init: {method: "POST",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify({username: "alice", password: "wonderland-42"})}}));
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || "";
  out.push(await step("refresh", {path: "/api/token/refresh/", init: {method: "POST", headers: {"X-CSRFToken": csrf}}}));
  const access = (out[1].body || {}).access || "";
  out.push(await step("protected", {path: "/api/protected/", init: {headers: {"Authorization": "Bearer " + access}}}));
  const pre = document.createElement("pre");
  pre.id = "out";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>`

type corsStep struct {
	Name   string
	Status int
	Body   map[string]any
	Error  string
}

// A front end on another origin uses cookie mode across origins in a real browser: with
// CORS_ALLOWED_ORIGINS, CORS_ALLOW_CREDENTIALS and CSRF_TRUSTED_ORIGINS naming it, its
// credentialed fetches log in (the refresh cookie set by the API's origin), refresh with
// the CSRF token, and call a protected view; a page on an origin not allowed gets nothing
// it can read.
func TestCookieModeAcrossOriginsInABrowser(t *testing.T) {
	ctx := browser(t)
	var api string
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, corsPage, api)
	})
	frontEnd, stranger := listen(t, page), listen(t, page)

	s := testSettings()
	s.Sessions.Cookie.Enabled = true
	s.Sessions.Cookie.Secure, s.Sessions.Cookie.InsecureOK = false, true // plain http on localhost
	s.Sessions.Cookie.TrustedOrigins = []string{frontEnd}
	s.CORS.AllowedOrigins, s.CORS.AllowCredentials = []string{frontEnd}, true
	app, err := urls.NewApp(s, testDB(t), urls.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	api = listen(t, app.Handler())
	if err := app.Users.Create(t.Context(), &models.User{Username: "alice", IsActive: true}, "wonderland-42"); err != nil {
		t.Fatal(err)
	}

	run := func(t *testing.T, origin string) []corsStep {
		t.Helper()
		ctx := step(t, ctx)
		if err := chromedp.Do(ctx, chromedp.Navigate(origin+"/"), chromedp.WaitVisible(chromedp.ID("out"))); err != nil {
			t.Fatalf("the page on %s: %v", origin, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("out")))
		if err != nil {
			t.Fatal(err)
		}
		var steps []corsStep
		if err := json.Unmarshal([]byte(text), &steps); err != nil || len(steps) != 3 {
			t.Fatalf("the page wrote %q", text)
		}
		return steps
	}

	t.Run("an allowed front end", func(t *testing.T) {
		for _, st := range run(t, frontEnd) {
			if st.Error != "" || st.Status != http.StatusOK {
				t.Errorf("%s: status %d, error %q, body %v; want 200", st.Name, st.Status, st.Error, st.Body)
			}
			if _, leaked := st.Body["refresh"]; leaked {
				t.Errorf("%s: the body holds the refresh token; in cookie mode only the cookie does", st.Name)
			}
		}
	})
	t.Run("an origin not allowed", func(t *testing.T) {
		// The browser withholds every answer from the page: no CORS header names it.
		for _, st := range run(t, stranger) {
			if st.Error == "" {
				t.Errorf("%s: the page read status %d, body %v; want a CORS failure", st.Name, st.Status, st.Body)
			}
		}
	})
}
