package tests

import (
	"net/http"
	"testing"

	"ginrest/apitest"
)

// Tests written with apitest (DRF's APIClient) use these two helpers; the older ones use
// server (helpers_test.go).

// obtainPair logs in through the client, failing the test if it cannot.
func obtainPair(t testing.TB, c *apitest.Client, username, password string) (access, refresh string) {
	t.Helper()
	res := c.Post("/api/token/", map[string]string{"username": username, "password": password})
	if res.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", username, res.Status, res)
	}
	var pair struct{ Access, Refresh string }
	res.JSON(&pair)
	return pair.Access, pair.Refresh
}

// bearer authenticates one request with a token.
func bearer(token string) apitest.Option { return apitest.Header("Authorization", "Bearer "+token) }
