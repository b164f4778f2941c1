package tests

import (
	"net/http"
	"strconv"
	"testing"

	"ginrest/models"
	"ginrest/socialaccount"
)

// TestIdentities: a user lists their identities and unlinks them, except the last one of
// a user who has no password, as allauth refuses it.
func TestIdentities(t *testing.T) {
	m := oidcProvider(t)
	s := newServer(t, withOIDC(m, deadIssuer(t)))
	bob := s.createUser("bob", "pw-bob-123", func(u *models.User) { u.Email = "bob@example.com" })

	// ann is made by her first login: no password.
	login := func(sub, email string) string {
		rec := s.do(oidcLogin(s, "mock", idToken(t, s, m, sub, email)))
		if rec.Code != http.StatusOK {
			t.Fatalf("login %s: %d %s", sub, rec.Code, rec.Body)
		}
		return bodyMap(t, rec)["access"].(string)
	}
	ann := login("sub-ann", "ann@example.com")
	login("sub-ann-2", "ann@example.com") // a second identity, linked by the verified email
	bobAccess := login("sub-bob", "bob@example.com")

	rec := s.getWith("/api/auth/identities/", ann)
	var links []socialaccount.Link
	mustJSON(t, rec.Body.Bytes(), &links)
	if rec.Code != http.StatusOK || len(links) != 2 || links[0].UID != "sub-ann" || links[0].Provider == nil || *links[0].Provider != "mock" ||
		links[0].Issuer != m.Issuer() || links[0].Email != "ann@example.com" || links[0].DateJoined == "" || links[0].LastLogin == "" {
		t.Fatalf("identities: %d %s", rec.Code, rec.Body)
	}
	path := func(id int64) string { return "/api/auth/identities/" + strconv.FormatInt(id, 10) + "/" }
	del := func(access, p string) req { return jsonReq("DELETE", p, access, "") }
	notFound := `{"detail":"Not found."}`
	lastLogin := `{"non_field_errors":["` + socialaccount.MsgLastLogin + `"]}`
	bobLink := linkedUser(t, s, m, "sub-bob")
	if bobLink != bob.ID {
		t.Fatalf("bob's identity is linked to %d", bobLink)
	}
	var bobRow models.SocialAccount
	if err := s.App.DB.Where("uid = ?", "sub-bob").Take(&bobRow).Error; err != nil {
		t.Fatal(err)
	}

	assertJSON(t, s.do(del(ann, path(bobRow.ID))), http.StatusNotFound, notFound) // another's
	assertJSON(t, s.do(del(ann, "/api/auth/identities/x/")), http.StatusNotFound, notFound)
	assertJSON(t, s.do(del(ann, path(999999))), http.StatusNotFound, notFound)
	assertJSON(t, s.do(del("", path(links[0].ID))), http.StatusUnauthorized, `{"detail":"Authentication credentials were not provided."}`)
	if rec := s.do(del(ann, path(links[0].ID))); rec.Code != http.StatusNoContent {
		t.Fatalf("unlink one of two: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, s.do(del(ann, path(links[1].ID))), http.StatusBadRequest, lastLogin)
	assertJSON(t, s.getWith("/api/auth/identities/", ann), http.StatusOK, mustString(t, []socialaccount.Link{links[1]}))
	// bob has a password: his only identity goes.
	if rec := s.do(del(bobAccess, path(bobRow.ID))); rec.Code != http.StatusNoContent {
		t.Fatalf("unlink bob's only identity: %d %s", rec.Code, rec.Body)
	}
	if linkedUser(t, s, m, "sub-bob") != 0 {
		t.Error("bob's identity is still linked")
	}
}

func mustString(t testing.TB, v any) string { return string(mustMarshal(t, v)) }
