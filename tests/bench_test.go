package tests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"ginrest/tokens"
	"ginrest/urls"
)

// The baseline: a bare gin handler answering the same JSON. Compare the other benchmarks
// of a run to it, not to absolute numbers: machines differ.
func BenchmarkBareGin(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.GET("/api/protected/", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"message": "Hello, authenticated user!"})
	})
	serve(b, engine, "")
}

// The protected view: negotiation, JWT authentication (signature, claims, a user query),
// the permission check and the JSON response.
func BenchmarkProtectedView(b *testing.B) {
	h := benchApp(b)
	access, _ := benchLogin(b, h)
	serve(b, h, "Bearer "+access)
}

// benchApp is the demo app with the user alice. It logs each request as runserver does,
// formatted in full, into io.Discard: the test log would keep every line in memory and
// measure its growth instead.
func benchApp(b *testing.B) http.Handler {
	s := newServer(b)
	s.createUser("alice", "wonderland-42")
	app, err := urls.NewApp(s.App.Settings, s.App.DB, urls.Options{Now: s.Clock.Now, Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { app.Close() })
	return app.Handler()
}

// benchLogin logs alice in through h: a new session, and its pair of tokens.
func benchLogin(b *testing.B, h http.Handler) (access, refresh string) {
	req := httptest.NewRequest(http.MethodPost, "/api/token/", strings.NewReader(`{"username":"alice","password":"wonderland-42"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return sessPair(b, rec)
}

func serve(b *testing.B, h http.Handler, authorization string) {
	req := httptest.NewRequest(http.MethodGet, "/api/protected/", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// Token verification alone: signature and claims of an access token.
func BenchmarkTokenVerify(b *testing.B) {
	s := newServer(b)
	token, err := s.App.Tokens.Encode(s.App.Tokens.ForUser(int64(1)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.App.Tokens.Parse(token, tokens.Refresh); err != nil {
			b.Fatal(err)
		}
	}
}

// The verify view with an access token, as scripts/compare.sh drives it: a JSON body, the
// signature and claims (from the verified-token cache after the first time), and the
// user's token version from the request-user cache; an access token needs no blacklist
// lookup, since no row can name one.
func BenchmarkVerifyView(b *testing.B) {
	h := benchApp(b)
	access, _ := benchLogin(b, h)
	body := `{"token":"` + access + `"}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/token/verify/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.String() != "{}" {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// Refresh with rotation, as scripts/compare.sh drives it: 32 clients, each refreshing the
// token it was just given, so that the writer commits their rotations in batches. Its
// ns/op follows the disk's fsyncs; cpu-µs/op, the process's CPU time per refresh (writer,
// requests and GC), is what sets refresh's rate when every core is busy. Both move by
// 15% from run to run on a shared virtual machine; B/op and allocs/op do not.
func BenchmarkRefreshView(b *testing.B) {
	h := benchApp(b)
	const clients = 32
	tokens := make(chan string, clients)
	for range clients {
		_, refresh := benchLogin(b, h)
		tokens <- refresh
	}
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	cpu := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		refresh := <-tokens
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/token/refresh/", strings.NewReader(`{"refresh":"`+refresh+`"}`))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var pair struct{ Refresh string }
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &pair) != nil || pair.Refresh == "" {
				b.Errorf("%d %s", rec.Code, rec.Body)
				return
			}
			refresh = pair.Refresh
		}
	})
	b.StopTimer()
	if used := processCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/op")
	}
}
