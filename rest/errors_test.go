package rest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"ginrest/rest"
)

func TestErrorMarshalJSON(t *testing.T) {
	type message struct {
		TokenClass string `json:"token_class"`
		Message    string `json:"message"`
	}
	tests := []struct {
		name string
		err  *rest.Error
		want string
	}{
		{"detail only", &rest.Error{Status: 404, Detail: "Not found."}, `{"detail":"Not found."}`},
		{"detail and code", &rest.Error{Status: 401, Detail: "User not found", Code: "user_not_found"},
			`{"detail":"User not found","code":"user_not_found"}`},
		{"detail, code and messages", &rest.Error{Status: 401, Detail: "Given token not valid for any token type",
			Code: "token_not_valid", Messages: []message{{"AccessToken", "Token is invalid or expired"}}},
			`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","message":"Token is invalid or expired"}]}`},
		{"messages without code", &rest.Error{Detail: "d", Messages: []string{"m"}}, `{"detail":"d","messages":["m"]}`},
		{"an empty detail is still rendered", &rest.Error{Status: 400}, `{"detail":""}`},
		{"fields are the whole body", &rest.Error{Status: 400, Detail: "ignored", Code: "ignored",
			Fields: map[string]any{"username": []string{"This field is required."}}},
			`{"username":["This field is required."]}`},
		{"empty fields are an empty body", &rest.Error{Status: 400, Fields: map[string]any{}}, `{}`},
		{"non_field_errors", rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{"Invalid data. Expected a dictionary, but got list."}}),
			`{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"<, > and & are not escaped, as DRF's JSONRenderer", &rest.Error{Detail: `"<b>" & more`},
			`{"detail":"\"<b>\" & more"}`},
		{"fields are not escaped either", rest.ValidationError(map[string]any{"a&b": []string{"<x>"}}), `{"a&b":["<x>"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.err.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("MarshalJSON = %s, want %s", got, tt.want)
			}
			// An encoder goes through MarshalJSON, as the dispatcher's does.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(tt.err); err != nil || buf.String() != string(got)+"\n" {
				t.Errorf("Encode = %s, %v", buf.String(), err)
			}
		})
	}
}

func TestErrorConstructors(t *testing.T) {
	tests := []struct {
		err        *rest.Error
		wantStatus int
		wantDetail string
	}{
		{rest.NotAuthenticated(), 401, "Authentication credentials were not provided."},
		{rest.AuthenticationFailed("Bad."), 401, "Bad."},
		{rest.PermissionDenied(""), 403, "You do not have permission to perform this action."},
		{rest.PermissionDenied("Mine."), 403, "Mine."},
		{rest.NotFound(), 404, "Not found."},
		{rest.MethodNotAllowed("PATCH"), 405, `Method "PATCH" not allowed.`},
		{rest.NotAcceptable(), 406, "Could not satisfy the request Accept header."},
		{rest.UnsupportedMediaType("text/plain; charset=utf-8"), 415, `Unsupported media type "text/plain; charset=utf-8" in request.`},
		{rest.ParseError("JSON parse error - x"), 400, "JSON parse error - x"},
		{rest.RequestTooLarge(), 413, "Request body is too large."},
		{rest.ServerError(), 500, "A server error occurred."},
		{rest.ServiceUnavailable(), 503, "Service temporarily unavailable, try again later."},
	}
	for _, tt := range tests {
		t.Run(tt.wantDetail, func(t *testing.T) {
			if tt.err.Status != tt.wantStatus || tt.err.Detail != tt.wantDetail || tt.err.Code != "" {
				t.Errorf("got %d %q code %q, want %d %q", tt.err.Status, tt.err.Detail, tt.err.Code, tt.wantStatus, tt.wantDetail)
			}
			if got, want := tt.err.Error(), fmt.Sprintf("%d %s", tt.wantStatus, tt.wantDetail); got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		})
	}
	if got := rest.ValidationError(map[string]any{"a": []string{"secret"}}).Error(); strings.Contains(got, "secret") {
		t.Errorf("ValidationError.Error() = %q: it should not carry the field messages", got)
	}
}

// TestHandlerResults checks how the dispatcher renders what a handler returns: DRF's
// handle_exception for errors, its JSONRenderer for data.
func TestHandlerResults(t *testing.T) {
	const secret = "dial tcp 10.0.0.7:5432: password authentication failed for user hunter2"
	tests := []struct {
		name     string
		view     rest.APIView
		result   func() (*rest.Response, error)
		wantCode int
		wantBody string
		wantHdr  map[string]string // "" means absent
		wantLog  string
	}{
		{
			name:     "a plain error is a generic 500; its text is logged, never sent",
			result:   func() (*rest.Response, error) { return nil, errors.New(secret) },
			wantCode: 500, wantBody: bodyServerError, wantLog: secret,
		},
		{
			name:     "a wrapped *rest.Error keeps its status",
			result:   func() (*rest.Response, error) { return nil, fmt.Errorf("loading: %w", rest.NotFound()) },
			wantCode: 404, wantBody: `{"detail":"Not found."}`,
		},
		{
			name: "an error's headers are sent",
			result: func() (*rest.Response, error) {
				return nil, &rest.Error{Status: 429, Detail: "Request was throttled.", Header: http.Header{"Retry-After": {"42"}}}
			},
			wantCode: 429, wantBody: `{"detail":"Request was throttled."}`, wantHdr: map[string]string{"Retry-After": "42"},
		},
		{
			name: "validation errors are the body",
			result: func() (*rest.Response, error) {
				return nil, rest.ValidationError(map[string]any{"password": []string{"This field may not be blank."}})
			},
			wantCode: 400, wantBody: `{"password":["This field may not be blank."]}`,
		},
		{
			name:     "a handler's 401 without any challenge is a 403, as simplejwt's views without WWWAuthenticate would be",
			result:   func() (*rest.Response, error) { return nil, rest.AuthenticationFailed("No active account") },
			wantCode: 403, wantBody: `{"detail":"No active account"}`, wantHdr: map[string]string{"WWW-Authenticate": ""},
		},
		{
			name:     "a handler's 401 takes the view's WWWAuthenticate",
			view:     rest.APIView{WWWAuthenticate: challenge},
			result:   func() (*rest.Response, error) { return nil, rest.AuthenticationFailed("No active account") },
			wantCode: 401, wantBody: `{"detail":"No active account"}`, wantHdr: map[string]string{"WWW-Authenticate": challenge},
		},
		{
			name:     "data that cannot be rendered is a generic 500",
			result:   func() (*rest.Response, error) { return rest.OK(map[string]float64{"x": math.Inf(1)}), nil },
			wantCode: 500, wantBody: bodyServerError, wantLog: "rendering failed",
		},
		{
			name: "a response's status and headers",
			result: func() (*rest.Response, error) {
				return &rest.Response{Status: 201, Data: []int{1}, Header: http.Header{"Location": {"/x/1/"}}}, nil
			},
			wantCode: 201, wantBody: `[1]`, wantHdr: map[string]string{"Location": "/x/1/", "Content-Type": "application/json"},
		},
		{
			name:     "status 0 is 200",
			result:   func() (*rest.Response, error) { return &rest.Response{Data: "ok"}, nil },
			wantCode: 200, wantBody: `"ok"`,
		},
		{
			name:     "204 has no body and, as in DRF, no Content-Type",
			result:   func() (*rest.Response, error) { return rest.NoContent(), nil },
			wantCode: 204, wantBody: "", wantHdr: map[string]string{"Content-Type": "", "Vary": "Accept", "Allow": "GET, HEAD, OPTIONS"},
		},
		{
			name:     "no data: an empty body without Content-Type",
			result:   func() (*rest.Response, error) { return rest.OK(nil), nil },
			wantCode: 200, wantBody: "", wantHdr: map[string]string{"Content-Type": ""}, // Content-Length 0: TestContentLength
		},
		{
			name: "a Content-Type set by the handler is replaced",
			result: func() (*rest.Response, error) {
				return &rest.Response{Data: 1, Header: http.Header{"Content-Type": {"text/html"}}}, nil
			},
			wantCode: 200, wantBody: `1`, wantHdr: map[string]string{"Content-Type": "application/json"},
		},
		{
			name:     "HTML characters are not escaped; U+2028 is, as DRF does",
			result:   func() (*rest.Response, error) { return rest.OK(map[string]string{"h": "<b>&</b>\u2028"}), nil },
			wantCode: 200, wantBody: `{"h":"<b>&</b>\u2028"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := quietLogger()
			view := getter(func(*rest.Request) (*rest.Response, error) { return tt.result() })
			view.APIView = tt.view
			view.Permissions = perms()
			h := rest.NewHandler(view, rest.Defaults{Logger: logger})
			rec := call(t, h, http.MethodGet, "/", nil, "")
			if rec.Code != tt.wantCode {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantCode)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body = %s, want %s", got, tt.wantBody)
			}
			if tt.wantCode == 500 && strings.Contains(rec.Body.String(), "hunter2") {
				t.Errorf("the error's text reached the client")
			}
			for k, v := range tt.wantHdr {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tt.wantLog != "" && !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log %q does not mention %q", logs, tt.wantLog)
			}
			if tt.wantLog == "" && logs.Len() > 0 {
				t.Errorf("unexpected log: %s", logs)
			}
		})
	}
}

// ObjectView loads the object named by ?owner= and checks the object permissions on it.
type ObjectView struct{ rest.APIView }

func (v *ObjectView) Get(r *rest.Request) (*rest.Response, error) {
	if err := r.CheckObjectPermissions(v, r.HTTP.URL.Query().Get("owner")); err != nil {
		return nil, err
	}
	return rest.OK("yours"), nil
}

// TestCheckObjectPermissions checks DRF's check_object_permissions, with the same
// 401-or-403 rule as the request-level check.
func TestCheckObjectPermissions(t *testing.T) {
	tests := []struct {
		name     string
		view     rest.APIView
		header   http.Header
		owner    string
		wantCode int
		wantBody string
		wantWWW  string
	}{
		{"owner", rest.APIView{Authenticators: auths(bearer), Permissions: perms(ownerOnly{})},
			hdr("Authorization", "Bearer good"), "alice", 200, `"yours"`, ""},
		{"not the owner: 403 with the permission's message", rest.APIView{Authenticators: auths(bearer), Permissions: perms(ownerOnly{})},
			hdr("Authorization", "Bearer good"), "bob", 403, `{"detail":"Not yours."}`, ""},
		{"anonymous with authenticators: 401", rest.APIView{Authenticators: auths(bearer), Permissions: perms(ownerOnly{})},
			nil, "alice", 401, bodyNotAuthenticated, challenge},
		{"anonymous without authenticators: 403", rest.APIView{Authenticators: auths(), Permissions: perms(ownerOnly{})},
			nil, "alice", 403, `{"detail":"Not yours."}`, ""},
		{"every permission must allow the object", rest.APIView{Authenticators: auths(bearer), Permissions: perms(allowAny, ownerOnly{})},
			hdr("Authorization", "Bearer good"), "bob", 403, `{"detail":"Not yours."}`, ""},
		{"a PermissionFunc allows every object", rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)},
			hdr("Authorization", "Bearer good"), "bob", 200, `"yours"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := &ObjectView{APIView: tt.view}
			rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, "/?owner="+tt.owner, tt.header, "")
			if rec.Code != tt.wantCode || rec.Body.String() != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", rec.Code, rec.Body, tt.wantCode, tt.wantBody)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.wantWWW {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.wantWWW)
			}
		})
	}
	t.Run("a bare NewRequest has no permissions to deny", func(t *testing.T) {
		r := rest.NewRequest(httptestRequest())
		if err := r.CheckObjectPermissions(nil, "x"); err != nil {
			t.Errorf("CheckObjectPermissions = %v", err)
		}
		if r.User == nil || r.User.IsAuthenticated() {
			t.Errorf("NewRequest's user = %#v, want AnonymousUser", r.User)
		}
	})
}
