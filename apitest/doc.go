// Package apitest is DRF's rest_framework.test for ginrest: a Client that speaks HTTP to the
// real router in memory, as APIClient does (JSON bodies by default, form and multipart on
// request, credentials, cookies, ForceAuthenticate), and a Server that builds the app over a
// fresh database with a clock the test sets. The project's own tests use it; so can yours:
//
//	func TestWhoAmI(t *testing.T) {
//		srv := apitest.NewServer(t)
//		alice := srv.CreateUser("alice", "wonderland-42")
//		c := srv.Client()
//		c.ForceAuthenticate(alice)
//		res := c.Get("/api/whoami/")
//		res.AssertJSON(200, `{"id": 1, "username": "alice"}`)
//	}
//
// Nothing listens on a port: requests go to the handler's ServeHTTP through httptest.
// Set DATABASE_URL=postgres://… to run the same tests on PostgreSQL (each test gets a
// schema of its own); by default each gets a SQLite file in its temporary directory.
package apitest
