package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Error is an API exception, DRF's APIException: a status, what the client is told, and the
// headers that go with it. Handlers, authenticators and permissions return it as an error;
// the dispatcher renders it. Any other error becomes a generic 500 whose text never reaches
// the client.
type Error struct {
	Status int
	// Detail is the human message, rendered as {"detail": ...}.
	Detail string
	// Code is rendered as "code" when set. DRF keeps a default code on every exception but
	// shows it only where the reference server does (simplejwt's token errors).
	Code string
	// Messages is simplejwt's per-token-class explanation, rendered as "messages" when set.
	Messages any
	// Fields, when set, is the whole body: validation errors keyed by field name, with
	// "non_field_errors" for the object as a whole.
	Fields map[string]any
	// List, when set, is the whole body: a ListSerializer's errors, one entry per item
	// ({} for a valid one), as DRF renders serializer.errors with many=True.
	List []any
	// Header is added to the response (Retry-After, for example).
	Header http.Header
}

func (e *Error) Error() string {
	if e.Fields != nil || e.List != nil {
		return fmt.Sprintf("%d validation error", e.Status)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Detail)
}

// MarshalJSON renders the body in DRF's shape. Like DRF's JSONRenderer (and the
// dispatcher's encoder) it leaves <, > and & unescaped, so an error body is byte for byte
// the reference's.
func (e *Error) MarshalJSON() ([]byte, error) {
	if e.Fields != nil {
		return marshalUnescaped(e.Fields)
	}
	if e.List != nil {
		return marshalUnescaped(e.List)
	}
	body := struct {
		Detail   string `json:"detail"`
		Code     string `json:"code,omitempty"`
		Messages any    `json:"messages,omitempty"`
	}{e.Detail, e.Code, e.Messages}
	return marshalUnescaped(body)
}

func marshalUnescaped(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// NonFieldErrors is the key DRF uses for errors about the object as a whole.
const NonFieldErrors = "non_field_errors"

// The exceptions of DRF's exceptions.py, with its status codes and words.

func NotAuthenticated() *Error {
	return &Error{Status: http.StatusUnauthorized, Detail: "Authentication credentials were not provided."}
}

// AuthenticationFailed is a 401 for credentials that were given but are wrong.
func AuthenticationFailed(detail string) *Error {
	return &Error{Status: http.StatusUnauthorized, Detail: detail}
}

// PermissionDenied is a 403; detail "" means DRF's default message.
func PermissionDenied(detail string) *Error {
	if detail == "" {
		detail = "You do not have permission to perform this action."
	}
	return &Error{Status: http.StatusForbidden, Detail: detail}
}

func NotFound() *Error { return &Error{Status: http.StatusNotFound, Detail: "Not found."} }

func MethodNotAllowed(method string) *Error {
	return &Error{Status: http.StatusMethodNotAllowed, Detail: fmt.Sprintf("Method %q not allowed.", method)}
}

func NotAcceptable() *Error {
	return &Error{Status: http.StatusNotAcceptable, Detail: "Could not satisfy the request Accept header."}
}

func UnsupportedMediaType(mediaType string) *Error {
	return &Error{Status: http.StatusUnsupportedMediaType, Detail: fmt.Sprintf("Unsupported media type %q in request.", mediaType)}
}

// ParseError is a 400 for a body that could not be parsed.
func ParseError(detail string) *Error {
	return &Error{Status: http.StatusBadRequest, Detail: detail}
}

// RequestTooLarge is a 413 for a body over the configured limit.
func RequestTooLarge() *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Detail: "Request body is too large."}
}

// ValidationError is a 400 whose body is the field errors themselves.
func ValidationError(fields map[string]any) *Error {
	return &Error{Status: http.StatusBadRequest, Fields: fields}
}

// ServerError is what the client sees of any error that is not an *Error: nothing of it.
func ServerError() *Error {
	return &Error{Status: http.StatusInternalServerError, Detail: "A server error occurred."}
}

// ServiceUnavailable is a 503 for a dependency (the database) that is down or overloaded.
// DRF's exceptions.py has no such class; the words are its APIException style.
func ServiceUnavailable() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Detail: "Service temporarily unavailable, try again later."}
}

// Unavailable is a 503 with Retry-After (whole seconds, at least 1) that keeps its cause:
// the dispatcher answers with the *Error and logs the cause, so an operator sees why
// (a SQLite lock held too long, a full connection pool, the password-hashing queue).
func Unavailable(cause error, retryAfter time.Duration) error {
	e := ServiceUnavailable()
	secs := max(int64(math.Ceil(retryAfter.Seconds())), 1)
	e.Header = http.Header{"Retry-After": []string{strconv.FormatInt(secs, 10)}}
	return &unavailable{api: e, cause: cause}
}

// unavailable unwraps to an *Error (errors.As finds it) and to its cause (errors.Is does).
type unavailable struct {
	api   *Error
	cause error
}

func (u *unavailable) Error() string   { return "service unavailable: " + u.cause.Error() }
func (u *unavailable) Unwrap() []error { return []error{u.api, u.cause} }
