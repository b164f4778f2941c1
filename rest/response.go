package rest

import "net/http"

// Response is what a handler returns: a status, data to render as JSON, and extra headers.
type Response struct {
	Status int
	Data   any
	Header http.Header
	// Body, when not nil, is sent as it is, with ContentType, instead of Data as JSON: the
	// answer of a view that renders another media type itself (the OpenAPI document in
	// YAML, an HTML page, a script).
	Body        []byte
	ContentType string
}

// OK is a 200 response with data.
func OK(data any) *Response { return &Response{Status: http.StatusOK, Data: data} }

// Created is a 201 response with data.
func Created(data any) *Response { return &Response{Status: http.StatusCreated, Data: data} }

// NoContent is a 204 response.
func NoContent() *Response { return &Response{Status: http.StatusNoContent} }
