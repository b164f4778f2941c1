package tests

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"ginrest/models"
	"ginrest/urls"
)

// Passkeys in a real browser: Chromium's virtual authenticator (CDP's WebAuthn domain)
// stands for the device, and a page (testdata/passkeys) is the WebAuthn client, turning
// the options' base64url into ArrayBuffers and the credential back. It signs in with the
// password, registers a passkey, logs in with the passkey alone; then logs in with the
// password and finishes the mfa step with the passkey. What the software authenticator of
// webauthn_test.go cannot show: that a browser accepts the options and the server accepts
// what a browser makes of them. Screenshots are kept where BROWSER_ARTIFACTS says.
func TestWebAuthnInABrowser(t *testing.T) {
	ctx := browser(t)
	// The origin must be known before the app is built (WEBAUTHN_RP_ORIGINS), so the port
	// is taken first. The page is opened as localhost, not 127.0.0.1: a secure context, and
	// a domain for the RP ID.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	site := fmt.Sprintf("http://localhost:%d", l.Addr().(*net.TCPAddr).Port)
	s := testSettings()
	s.WebAuthn.RPID, s.WebAuthn.RPOrigins = "localhost", []string{site}
	app, err := urls.NewApp(s, testDB(t), urls.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Users.Create(t.Context(), &models.User{Username: "alice", IsActive: true}, passkeyPassword); err != nil {
		t.Fatal(err)
	}
	// The page is the test's, beside the app's routes, with a CSP of its own (no inline
	// script) rather than the app's.
	page := map[string]string{"/passkeys/": "page.html", "/passkeys/page.js": "page.js"}
	api := app.Handler()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := page[r.URL.Path]
		if !ok {
			api.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		http.ServeFile(w, r, filepath.Join("testdata", "passkeys", name))
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)

	if _, err := chromedp.Call(step(t, ctx), webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("enable WebAuthn: %v", err)
	}
	if _, err := chromedp.Call(step(t, ctx), webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
	}}); err != nil {
		t.Fatalf("add the virtual authenticator: %v", err)
	}

	// click presses a button of the page and decodes the outcome it writes.
	click := func(button string, outcome any) {
		t.Helper()
		ctx := step(t, ctx)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID(button)), chromedp.WaitVisible(chromedp.ID("outcome-"+button))); err != nil {
			t.Fatalf("%s: %v", button, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("outcome-"+button)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(got), outcome); err != nil {
			t.Fatalf("%s: %s (%v)", button, got, err)
		}
	}
	type pair struct {
		Status          int
		Access, Refresh string
		Detail          json.RawMessage
	}

	if err := chromedp.Do(step(t, ctx), chromedp.Navigate(site+"/passkeys/"),
		chromedp.SendKeys(chromedp.ID("username"), "alice"),
		chromedp.SendKeys(chromedp.ID("password"), passkeyPassword)); err != nil {
		t.Fatalf("open the page: %v", err)
	}
	var first struct {
		Failed   string
		Answer   json.RawMessage
		Register struct {
			Status int
			Body   struct {
				SignCount int64 `json:"sign_count"`
			}
		}
		Login pair
	}
	click("passkey", &first)
	screenshot(t, ctx, "webauthn-1-passkey")
	if first.Failed != "" || first.Register.Status != http.StatusCreated {
		t.Fatalf("registration: %+v", first)
	}
	if first.Login.Status != http.StatusOK || first.Login.Access == "" || first.Login.Refresh == "" {
		t.Fatalf("passwordless login: %+v %s", first.Login, first.Login.Detail)
	}
	apiCall(t, site, http.MethodGet, "/api/protected/", first.Login.Access, "", http.StatusOK)
	var list []struct {
		SignCount int64  `json:"sign_count"`
		LastUsed  string `json:"last_used"`
	}
	if err := json.Unmarshal(apiCall(t, site, http.MethodGet, "/api/auth/webauthn/credentials/", first.Login.Access, "", http.StatusOK), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SignCount <= first.Register.Body.SignCount || list[0].LastUsed == "" {
		t.Errorf("after the login the credentials are %+v, registered with sign count %d", list, first.Register.Body.SignCount)
	}

	var second struct {
		Failed  string
		Answer  json.RawMessage
		MFAStep int `json:"mfa_step"`
		Finish  pair
	}
	click("second-factor", &second)
	screenshot(t, ctx, "webauthn-2-second-factor")
	if second.Failed != "" || second.MFAStep != http.StatusOK {
		t.Fatalf("the password login: %s %s, want the mfa step", second.Failed, second.Answer)
	}
	if second.Finish.Status != http.StatusOK || second.Finish.Access == "" || second.Finish.Refresh == "" {
		t.Fatalf("the mfa step with the passkey: %+v %s", second.Finish, second.Finish.Detail)
	}
	apiCall(t, site, http.MethodGet, "/api/protected/", second.Finish.Access, "", http.StatusOK)
}
