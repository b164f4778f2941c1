package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"ginrest/models"
	"ginrest/settings"
	"ginrest/urls"
)

// The browsable API, used as a person uses it in a browser: open /api/, log in, follow the
// link to the notes, create a note with the HTML form, see a field's error next to it,
// page through the list, open a note by its URL (the page fetches it again with the
// token), delete it, log out. Screenshots of each step are kept where BROWSER_ARTIFACTS
// says (a test artifact).
func TestBrowsableAPIInABrowser(t *testing.T) {
	ctx := browser(t)
	s := testSettings()
	s.REST.PageSize = 2
	site := serveWithAlice(t, s)
	// Two notes already, so that with the one the browser adds the list has two pages.
	client := newProcClient(t, site[len("http://"):])
	access, _ := client.login("alice", "wonderland-42")
	var first struct{ ID int64 }
	for _, title := range []string{"first", "second"} {
		if err := json.Unmarshal(apiCall(t, site, http.MethodPost, "/api/notes/", access, fmt.Sprintf(`{"title": %q}`, title), 201), &first); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		got, err := chromedp.Run(step(t, ctx), chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return got
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(step(t, ctx), steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	heading := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//h1[@id="view-name" and text()=%q]`, name)))
	}
	status := func(line string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//b[@id="status" and text()=%q]`, line)))
	}

	do("open the API root", chromedp.Navigate(site+"/api/"), heading("Api Root"), chromedp.WaitVisible(chromedp.ID("login-open")))
	screenshot(t, ctx, "browsable-1-root")

	do("log in",
		chromedp.Click(chromedp.ID("login-open")),
		chromedp.SendKeys(chromedp.ID("login-username"), "alice"),
		chromedp.SendKeys(chromedp.ID("login-password"), "wonderland-42"),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("user")))
	if got := text("#user"); got != "alice" {
		t.Errorf("signed in as %q, want alice", got)
	}

	do("follow the link to the notes", chromedp.Click(chromedp.CSS(`#response-body a[href$="/api/notes/"]`)), heading("Note List"),
		chromedp.WaitVisible(chromedp.ID("html-form")))
	screenshot(t, ctx, "browsable-2-notes")

	do("create a note with the HTML form",
		chromedp.SendKeys(chromedp.ID("field-title"), "Buy milk"),
		chromedp.SendKeys(chromedp.ID("field-body"), "two litres"),
		chromedp.Click(chromedp.ID("html-POST")),
		status("HTTP 201 Created"))
	var created struct {
		ID    int64
		Title string
		Owner string
	}
	body := text("#response-body")
	if err := json.Unmarshal([]byte(body), &created); err != nil || created.Title != "Buy milk" || created.Owner != "alice" {
		t.Fatalf("created %s (%v)", body, err)
	}
	screenshot(t, ctx, "browsable-3-created")

	do("send the form without a title", chromedp.Clear(chromedp.ID("field-title")), chromedp.Click(chromedp.ID("html-POST")),
		status("HTTP 400 Bad Request"), chromedp.WaitVisible(chromedp.CSS(`.field-error[data-field="title"]`)))
	if got := text(`.field-error[data-field="title"]`); got != "This field may not be blank." {
		t.Errorf("the title's error: %q", got)
	}
	screenshot(t, ctx, "browsable-4-field-error")

	do("page through the notes",
		chromedp.Click(chromedp.CSS(".breadcrumb a")), heading("Api Root"),
		chromedp.Click(chromedp.CSS(`#response-body a[href$="/api/notes/"]`)), heading("Note List"),
		chromedp.Click(chromedp.ID("next")),
		chromedp.WaitVisible(chromedp.Search(`//pre[@id="request" and contains(., "page=2")]`)),
		chromedp.WaitVisible(chromedp.ID("previous")))
	if got := text("#response-body"); !strings.Contains(got, `"title": "first"`) {
		t.Errorf("page 2 has not the oldest note: %s", got)
	}
	screenshot(t, ctx, "browsable-5-page-2")
	do("and back", chromedp.Click(chromedp.ID("previous")), chromedp.WaitVisible(chromedp.ID("next")),
		chromedp.WaitVisible(chromedp.Search(`//pre[@id="request" and not(contains(., "page=2"))]`)))

	// A typed URL: the browser asks without the token, the page asks again with it.
	detail := fmt.Sprintf("/api/notes/%d/", created.ID)
	do("open the note by its URL", chromedp.Navigate(site+detail), heading("Note Instance"), chromedp.WaitVisible(chromedp.ID("delete")))
	if got, err := chromedp.Run(step(t, ctx), chromedp.Value(chromedp.ID("field-title"))); err != nil || got != "Buy milk" {
		t.Errorf("the PUT form's title: %q, %v", got, err)
	}
	screenshot(t, ctx, "browsable-6-note")
	do("delete the note", chromedp.Click(chromedp.ID("delete")), chromedp.Click(chromedp.ID("delete-confirm")), status("HTTP 204 No Content"))
	apiCall(t, site, http.MethodGet, detail, access, "", 404)
	screenshot(t, ctx, "browsable-7-deleted")

	do("OPTIONS", chromedp.Click(chromedp.ID("options")),
		chromedp.WaitVisible(chromedp.Search(`//pre[@id="request" and starts-with(., "OPTIONS")]`)))
	if got := text("#response-body"); !strings.Contains(got, `"name": "Note Instance"`) {
		t.Errorf("OPTIONS: %s", got)
	}

	do("log out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login-open")))
	stored, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[int]("sessionStorage.length"))
	if err != nil || stored != 0 {
		t.Errorf("after logout the tab keeps %d items (%v)", stored, err)
	}
	screenshot(t, ctx, "browsable-8-logged-out")
}

// apiCall sends a JSON request with a bearer token to a served app and checks its status.
func apiCall(t *testing.T, site, method, path, access, body string, want int) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, site+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+access)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, out, want)
	}
	return out
}

// In cookie mode the page keeps the access token only: the refresh token stays in its
// HttpOnly cookie, and the page refreshes with the cookie and its CSRF token when the
// access token is refused; logging out clears the cookies.
func TestBrowsableAPICookieModeInABrowser(t *testing.T) {
	ctx := browser(t)
	s := cookieModeSettings()
	site := serveWithAlice(t, s)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(step(t, ctx), steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	stored := func(key string) string {
		t.Helper()
		v, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[string](fmt.Sprintf("sessionStorage.getItem(%q) || ''", key)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cookies := func() map[string]bool {
		t.Helper()
		jar, err := chromedp.Call(step(t, ctx), network.GetCookies, network.GetCookiesParams{URLs: []string{site + s.Sessions.Cookie.Path}})
		if err != nil {
			t.Fatal(err)
		}
		held := map[string]bool{}
		for _, c := range jar.Cookies {
			held[c.Name] = true
		}
		return held
	}

	do("log in", chromedp.Navigate(site+"/api/"), chromedp.Click(chromedp.ID("login-open")),
		chromedp.SendKeys(chromedp.ID("login-username"), "alice"),
		chromedp.SendKeys(chromedp.ID("login-password"), "wonderland-42"),
		chromedp.Click(chromedp.ID("login-submit")), chromedp.WaitVisible(chromedp.ID("user")))
	if stored("ginrest.access") == "" || stored("ginrest.refresh") != "" || !cookies()[s.Sessions.Cookie.Name] {
		t.Fatalf("after login: access %q, refresh %q, cookies %v", stored("ginrest.access"), stored("ginrest.refresh"), cookies())
	}
	// An access token the server refuses (as once it expires): the page refreshes with
	// the cookie and shows the notes.
	do("spoil the access token", chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem("ginrest.access", "spoiled")`))
	do("follow the link to the notes", chromedp.Click(chromedp.CSS(`#response-body a[href$="/api/notes/"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[@id="view-name" and text()="Note List"]`)), chromedp.WaitVisible(chromedp.ID("html-form")))
	if got := stored("ginrest.access"); got == "spoiled" || got == "" {
		t.Errorf("the access token was not refreshed: %q", got)
	}
	do("log out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login-open")))
	if stored("ginrest.access") != "" || cookies()[s.Sessions.Cookie.Name] {
		t.Errorf("after logout: access %q, cookies %v", stored("ginrest.access"), cookies())
	}
}

// serveWithAlice serves an app with settings s on a real origin, with the user alice
// (password wonderland-42).
func serveWithAlice(t *testing.T, s *settings.Settings) string {
	t.Helper()
	app, err := urls.NewApp(s, testDB(t), urls.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	site := listen(t, app.Handler())
	if err := app.Users.Create(t.Context(), &models.User{Username: "alice", IsActive: true}, "wonderland-42"); err != nil {
		t.Fatal(err)
	}
	return site
}

// cookieModeSettings are the test settings in cookie mode over plain http (localhost).
func cookieModeSettings() *settings.Settings {
	s := testSettings()
	s.Sessions.Cookie.Enabled = true
	s.Sessions.Cookie.Secure, s.Sessions.Cookie.InsecureOK = false, true
	return s
}

// The page's login with a second factor: the password answers the mfa step, the form then
// asks for the code, and the code signs the tab in. A wrong code is refused in place.
func TestBrowsableAPISecondFactorInABrowser(t *testing.T) {
	ctx := browser(t)
	s, _ := mfaServer(t)
	secret, _ := s.withDevice()
	site := listen(t, s.Handler)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(step(t, ctx), steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("log in with the password",
		chromedp.Navigate(site+"/api/"),
		chromedp.Click(chromedp.ID("login-open")),
		chromedp.SendKeys(chromedp.ID("login-username"), "alice"),
		chromedp.SendKeys(chromedp.ID("login-password"), mfaPassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("login-code")))
	// The prompt for the code also says "code", so the wait looks for the refusal's own
	// words: waiting on "code" matched at once, and the next step's click raced the answer.
	do("a wrong code",
		chromedp.SendKeys(chromedp.ID("login-code"), s.wrongCode(secret)),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="login-error" and contains(text(), "not valid")]`)))
	do("the code",
		chromedp.SetValue(chromedp.ID("login-code"), s.codeAt(secret, 0)),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("user")))
	if got, err := chromedp.Run(step(t, ctx), chromedp.Text(chromedp.ID("user"))); err != nil || got != "alice" {
		t.Errorf("signed in as %q (%v), want alice", got, err)
	}
}

// A file field is a file input in the HTML form: a note created with a file chosen goes
// as multipart, and the stored attachment's URL comes back.
func TestBrowsableAPIUploadInABrowser(t *testing.T) {
	ctx := browser(t)
	s := testSettings()
	s.Media.Root = t.TempDir()
	site := serveWithAlice(t, s)
	png := filepath.Join(t.TempDir(), "dot.png")
	if err := os.WriteFile(png, onePixelPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(step(t, ctx),
		chromedp.Navigate(site+"/api/notes/"),
		chromedp.Click(chromedp.ID("login-open")),
		chromedp.SendKeys(chromedp.ID("login-username"), "alice"),
		chromedp.SendKeys(chromedp.ID("login-password"), "wonderland-42"),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("field-attachment")),
		chromedp.SendKeys(chromedp.ID("field-title"), "With a file"),
		chromedp.SetUploadFiles(chromedp.ID("field-attachment"), []string{png}),
		chromedp.Click(chromedp.ID("html-POST")),
		chromedp.WaitVisible(chromedp.Search(`//b[@id="status" and text()="HTTP 201 Created"]`)),
	); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(step(t, ctx), chromedp.Text(chromedp.ID("response-body")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "/media/notes_note/dot") || !strings.Contains(body, `"title": "With a file"`) {
		t.Errorf("the created note: %s", body)
	}
	stored, _ := filepath.Glob(filepath.Join(s.Media.Root, "notes_note", "dot*.png"))
	if len(stored) != 1 {
		t.Errorf("stored files: %v", stored)
	}
}

// onePixelPNG is a valid PNG image, 1×1.
func onePixelPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
