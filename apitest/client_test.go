package apitest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"ginrest/apitest"
	"ginrest/models"
)

// echo answers with what it received, so a test sees the request the client built.
func echo(w http.ResponseWriter, r *http.Request) {
	got := map[string]any{
		"method": r.Method, "path": r.URL.RequestURI(), "content_type": r.Header.Get("Content-Type"),
		"authorization": r.Header.Get("Authorization"), "x_test": r.Header.Get("X-Test"), "cookie": r.Header.Get("Cookie"),
		"remote_addr": r.RemoteAddr,
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got["form"] = r.MultipartForm.Value
	} else {
		body, _ := io.ReadAll(r.Body)
		got["body"] = string(body)
	}
	switch r.URL.Path {
	case "/list/":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `[1]`)
		return
	case "/set-cookie/":
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/only/here/", Secure: true, HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark", Path: "/"})
	case "/delete-cookie/":
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "", Path: "/only/here/", MaxAge: -1})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(got)
}

func echoClient(t *testing.T) *apitest.Client { return apitest.NewClient(t, http.HandlerFunc(echo)) }

func TestBodiesAreEncodedAsAsked(t *testing.T) {
	cases := []struct {
		name     string
		send     func(c *apitest.Client) *apitest.Response
		method   string
		ct, body string
	}{
		{"POST is JSON by default", func(c *apitest.Client) *apitest.Response {
			return c.Post("/x/", map[string]any{"title": "a", "n": 1})
		}, "POST", "application/json", `{"n":1,"title":"a"}`},
		{"a string body is a JSON string", func(c *apitest.Client) *apitest.Response { return c.Put("/x/", "hi") }, "PUT", "application/json", `"hi"`},
		{"json.RawMessage is sent as it is", func(c *apitest.Client) *apitest.Response {
			return c.Patch("/x/", json.RawMessage(`{"a": [1, 2]}`))
		}, "PATCH", "application/json", `{"a":[1,2]}`},
		{"Form", func(c *apitest.Client) *apitest.Response {
			return c.Post("/x/", map[string]any{"a": 1, "b": []string{"x y", "z&"}, "c": true}, apitest.Form)
		}, "POST", "application/x-www-form-urlencoded", "a=1&b=x+y&b=z%26&c=true"},
		{"Form from url.Values", func(c *apitest.Client) *apitest.Response {
			return c.Post("/x/", url.Values{"refresh": {"tok"}}, apitest.Form)
		}, "POST", "application/x-www-form-urlencoded", "refresh=tok"},
		{"Raw keeps the bytes and the type", func(c *apitest.Client) *apitest.Response {
			return c.Post("/x/", `{"broken":`, apitest.Raw("application/json"))
		}, "POST", "application/json", `{"broken":`},
		{"Raw without a type", func(c *apitest.Client) *apitest.Response {
			return c.Do("PUT", "/x/", []byte("bytes"), apitest.Raw(""))
		}, "PUT", "", "bytes"},
		{"GET has no body", func(c *apitest.Client) *apitest.Response { return c.Get("/x/?page=2") }, "GET", "", ""},
		{"DELETE has no body", func(c *apitest.Client) *apitest.Response { return c.Delete("/x/1/") }, "DELETE", "", ""},
		{"OPTIONS has no body", func(c *apitest.Client) *apitest.Response { return c.Options("/x/") }, "OPTIONS", "", ""},
		{"Do with a body and any method", func(c *apitest.Client) *apitest.Response {
			return c.Do("DELETE", "/x/", map[string]int{"id": 3})
		}, "DELETE", "application/json", `{"id":3}`},
		{"a Header option wins over the body's type", func(c *apitest.Client) *apitest.Response {
			return c.Post("/x/", map[string]int{"id": 3}, apitest.Header("Content-Type", "application/vnd.api+json"))
		}, "POST", "application/vnd.api+json", `{"id":3}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.send(echoClient(t))
			if res.Status != http.StatusOK {
				t.Fatalf("status %d: %s", res.Status, res)
			}
			got := res.Data()
			if got["method"] != tc.method || got["content_type"] != tc.ct || got["body"] != tc.body {
				t.Errorf("sent %s with Content-Type %q and body %q; want %s, %q, %q",
					got["method"], got["content_type"], got["body"], tc.method, tc.ct, tc.body)
			}
		})
	}
	t.Run("the query stays in the path", func(t *testing.T) {
		if got := echoClient(t).Get("/x/?page=2&q=a+b").Data()["path"]; got != "/x/?page=2&q=a+b" {
			t.Errorf("path %v", got)
		}
	})
	t.Run("Multipart", func(t *testing.T) {
		res := echoClient(t).Post("/x/", map[string]string{"username": "alice", "password": "p w"}, apitest.Multipart)
		var got struct {
			ContentType string              `json:"content_type"`
			Form        map[string][]string `json:"form"`
		}
		res.JSON(&got)
		if !strings.HasPrefix(got.ContentType, "multipart/form-data; boundary=") ||
			fmt.Sprint(got.Form) != "map[password:[p w] username:[alice]]" {
			t.Errorf("multipart request: %s", res)
		}
	})
	t.Run("HEAD gets no body, as on the wire", func(t *testing.T) {
		res := echoClient(t).Head("/x/")
		if res.Status != http.StatusOK || len(res.Body) != 0 || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("HEAD: %d %q %v", res.Status, res.Body, res.Header)
		}
	})
}

func TestCredentials(t *testing.T) {
	c := echoClient(t)
	sent := func(opts ...apitest.Option) (auth, xTest any) {
		t.Helper()
		got := c.Get("/x/", opts...).Data()
		return got["authorization"], got["x_test"]
	}
	if a, x := sent(); a != "" || x != "" {
		t.Fatalf("a new client sent %q, %q", a, x)
	}
	c.Credentials("Authorization", "Bearer one", "X-Test", "1")
	if a, x := sent(); a != "Bearer one" || x != "1" {
		t.Errorf("with credentials: %q, %q", a, x)
	}
	if a, _ := sent(apitest.Header("Authorization", "Bearer other")); a != "Bearer other" {
		t.Errorf("a Header option did not win: %q", a)
	}
	if a, _ := sent(); a != "Bearer one" {
		t.Errorf("a Header option outlived its request: %q", a)
	}
	c.Credentials("Authorization", "Bearer two") // replaces all of them, as DRF's
	if a, x := sent(); a != "Bearer two" || x != "" {
		t.Errorf("replaced credentials: %q, %q", a, x)
	}
	c.Credentials()
	if a, _ := sent(); a != "" {
		t.Errorf("cleared credentials still sent %q", a)
	}
	c.Credentials("Authorization", "Bearer three")
	c.Logout()
	if a, _ := sent(); a != "" {
		t.Errorf("Logout kept %q", a)
	}
}

// With changes one request as it leaves: what no other option sets, such as the peer.
func TestWithChangesOneRequest(t *testing.T) {
	c := echoClient(t)
	from := func(addr string) apitest.Option { return apitest.With(func(r *http.Request) { r.RemoteAddr = addr }) }
	if got := c.Get("/x/", from("198.51.100.7:4242")).Data()["remote_addr"]; got != "198.51.100.7:4242" {
		t.Errorf("RemoteAddr with With = %v, want 198.51.100.7:4242", got)
	}
	if got := c.Get("/x/").Data()["remote_addr"]; got == "198.51.100.7:4242" {
		t.Error("With outlived its request")
	}
}

func TestCookiesAreKeptLikeDjangosTestClient(t *testing.T) {
	c := echoClient(t)
	cookieSent := func() any { t.Helper(); return c.Get("/elsewhere/").Data()["cookie"] }
	res := c.Post("/set-cookie/", nil)
	if len(res.Cookies()) != 2 {
		t.Fatalf("response cookies %v", res.Cookies())
	}
	// Sent everywhere, whatever their Path and Secure say, in name order.
	if got := cookieSent(); got != "session=s1; theme=dark" {
		t.Errorf("Cookie %q", got)
	}
	if got := c.Cookie("session"); got == nil || got.Value != "s1" || got.Path != "/only/here/" || !got.HttpOnly {
		t.Errorf("Cookie(session) = %v", got)
	}
	c.Post("/delete-cookie/", nil)
	if got := cookieSent(); got != "theme=dark" {
		t.Errorf("after the server expired one: %q", got)
	}
	c.SetCookie(&http.Cookie{Name: "csrftoken", Value: "abc"})
	if got := cookieSent(); got != "csrftoken=abc; theme=dark" {
		t.Errorf("after SetCookie: %q", got)
	}
	c.Logout()
	if got := cookieSent(); got != "" || len(c.Cookies()) != 0 {
		t.Errorf("after Logout: %q, %v", got, c.Cookies())
	}
}

// The client is used by racing goroutines in the project's own tests.
func TestClientIsSafeForConcurrentUse(t *testing.T) {
	c := echoClient(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c.Credentials("X-Test", fmt.Sprint(i))
			c.Post("/set-cookie/", map[string]int{"i": i})
			c.Get("/x/")
		})
	}
	wg.Wait()
	if len(c.Cookies()) != 2 {
		t.Errorf("cookies %v", c.Cookies())
	}
}

func TestResponse(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 12345678901234567, "title": "a", "tags": ["x"]}`)
	})
	res := apitest.NewClient(t, h).Post("/x/", nil)
	data := res.Data()
	if data["id"] != json.Number("12345678901234567") || data["title"] != "a" {
		t.Errorf("Data() = %#v", data)
	}
	var note struct {
		ID   int64
		Tags []string
	}
	res.JSON(&note)
	if note.ID != 12345678901234567 || len(note.Tags) != 1 {
		t.Errorf("JSON() = %+v", note)
	}
	res.AssertJSON(http.StatusCreated, `{"tags": ["x"], "title": "a", "id": 12345678901234567}`)

	// AssertJSON reports each difference.
	for _, c := range []struct {
		status int
		want   string
		errors string
	}{
		{201, `{"id": 12345678901234567, "title": "a", "tags": ["x"]}`, ""},
		{200, `{"id": 12345678901234567, "title": "a", "tags": ["x"]}`, "status = 201, want 200"},
		{201, `{"id": 12345678901234568, "title": "a", "tags": ["x"]}`, "body = "},
		{201, `{"id": 12345678901234567, "title": "a"}`, "body = "},
	} {
		rec := &recordingTB{TB: t}
		res := apitest.NewClient(rec, h).Post("/x/", nil)
		res.AssertJSON(c.status, c.want)
		if got := strings.Join(rec.errors, "|"); (c.errors == "") != (got == "") || !strings.Contains(got, c.errors) {
			t.Errorf("AssertJSON(%d, %s) reported %q, want %q", c.status, c.want, got, c.errors)
		}
	}
}

// Mistakes in a test fail it with a message that says what to do.
func TestMisuseFailsTheTest(t *testing.T) {
	cases := []struct {
		name, want string
		use        func(c *apitest.Client)
	}{
		{"odd credentials", "name, value pairs", func(c *apitest.Client) { c.Credentials("Authorization") }},
		{"a relative path", "must start with /", func(c *apitest.Client) { c.Get("api/x/") }},
		{"a form of the wrong type", "a form body is", func(c *apitest.Client) { c.Post("/x/", []int{1}, apitest.Form) }},
		{"a form value of the wrong type", `form field "a"`, func(c *apitest.Client) {
			c.Post("/x/", map[string]any{"a": map[string]int{}}, apitest.Multipart)
		}},
		{"a Raw body that is not bytes", "a Raw body is a string or []byte", func(c *apitest.Client) {
			c.Post("/x/", map[string]int{}, apitest.Raw("application/json"))
		}},
		{"a body JSON cannot encode", "encode the body as JSON", func(c *apitest.Client) { c.Post("/x/", make(chan int)) }},
		{"Data of a list", "not a JSON object", func(c *apitest.Client) {
			c.Get("/list/").Data()
		}},
		{"ForceAuthenticate without an Authenticator", "needs a handler that can authenticate users", func(c *apitest.Client) {
			c.ForceAuthenticate(nil) // turning it off is always allowed
			c.ForceAuthenticate(&models.User{ID: 1, Username: "alice"})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fatalOf(t, http.HandlerFunc(echo), c.use); !strings.Contains(got, c.want) {
				t.Errorf("reported %q, want %q", got, c.want)
			}
		})
	}
}

// recordingTB records Errorf and Fatalf; Fatalf ends the goroutine as testing's does.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// fatalOf runs use in a goroutine of its own, as a Fatalf must end one, and returns what
// it reported.
func fatalOf(t *testing.T, h http.Handler, use func(c *apitest.Client)) string {
	rec := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		use(apitest.NewClient(rec, h))
	}()
	<-done
	return strings.Join(rec.errors, "|")
}
