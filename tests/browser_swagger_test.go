package tests

import (
	"testing"

	"github.com/chromedp/chromedp"

	"ginrest/models"
	"ginrest/urls"
)

// Swagger UI, served from the binary, is usable as a person uses it: "Authorize" with an
// access token from /api/token/, then "Try it out" on the protected view answers 200.
// A screenshot of the answer is kept where BROWSER_ARTIFACTS says (a test artifact).
func TestSwaggerUIAuthorizeInABrowser(t *testing.T) {
	ctx := browser(t)
	app, err := urls.NewApp(testSettings(), testDB(t), urls.Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	api := listen(t, app.Handler())
	if err := app.Users.Create(t.Context(), &models.User{Username: "alice", IsActive: true}, "wonderland-42"); err != nil {
		t.Fatal(err)
	}
	access, _ := newProcClient(t, api[len("http://"):]).login("alice", "wonderland-42")

	op := "#operations-protected-api_protected_retrieve"
	err = chromedp.Do(step(t, ctx),
		chromedp.Navigate(api+"/api/schema/swagger-ui/"),
		chromedp.WaitVisible(chromedp.CSS("button.btn.authorize")),
		// Without a token the view says 401 in the page.
		chromedp.Click(chromedp.CSS(op+" .opblock-summary")),
		chromedp.Click(chromedp.CSS(op+" .try-out__btn")),
		chromedp.Click(chromedp.CSS(op+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")),
	)
	if err != nil {
		t.Fatalf("try the protected view without a token: %v", err)
	}
	status, err := chromedp.Run(step(t, ctx), chromedp.Text(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")))
	if err != nil || status != "401" {
		t.Fatalf("without a token: %q, %v; want 401", status, err)
	}
	err = chromedp.Do(step(t, ctx),
		chromedp.Click(chromedp.CSS("button.btn.authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux input")),
		chromedp.SendKeys(chromedp.CSS(".modal-ux input"), access),
		chromedp.Click(chromedp.CSS(".modal-ux .auth-btn-wrapper button.authorize")),
		chromedp.Click(chromedp.CSS(".modal-ux .auth-btn-wrapper .btn-done")),
		// Clear the first answer, so that the wait below is for the new one.
		chromedp.Click(chromedp.CSS(op+" .btn-clear")),
		chromedp.WaitNotPresent(chromedp.CSS(op+" .live-responses-table")),
		chromedp.Click(chromedp.CSS(op+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")),
	)
	if err != nil {
		t.Fatalf("authorize and try again: %v", err)
	}
	status, err = chromedp.Run(step(t, ctx), chromedp.Text(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")))
	if err != nil || status != "200" {
		t.Errorf("after Authorize: %q, %v; want 200", status, err)
	}
	screenshot(t, ctx, "swagger-ui-authorized")
}
