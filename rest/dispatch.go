package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Defaults are the policies a view gets for the fields it leaves nil: DRF's
// DEFAULT_AUTHENTICATION_CLASSES, DEFAULT_PERMISSION_CLASSES and DEFAULT_THROTTLE_CLASSES,
// built from settings.
type Defaults struct {
	Authenticators []Authenticator
	// StoredUserAuthenticators authenticate the views that declare StoredUser: those whose
	// user is the one stored (the app's JWTAuthentication). A StoredUser view mounted
	// without them stops the server at start.
	StoredUserAuthenticators []Authenticator
	Permissions              []Permission
	Throttles                []Throttle
	// Versioning is DEFAULT_VERSIONING_CLASS, nil for none.
	Versioning Versioning
	// Parsers bound request bodies; the zero value means JSON, form and multipart with a
	// 1 MiB limit.
	Parsers *Parsers
	// Logger receives the errors that clients only see as a generic 500, and the causes of
	// 503s.
	Logger *slog.Logger
	// ExceptionHandler is DRF's EXCEPTION_HANDLER: it sees every error a view, an
	// authenticator or a permission returns before it is rendered, and may turn it into an
	// *Error (the app maps a locked database or a full connection pool to a 503). nil
	// leaves errors as they are.
	ExceptionHandler func(error) error
	// SecureProxySSLHeader is SECURE_PROXY_SSL_HEADER: which header, set by a proxy that
	// terminates TLS, makes a request https (Request.IsSecure). The zero value trusts none.
	SecureProxySSLHeader ProxySSLHeader
	// Pages renders the responses of text/html clients (a browser, or ?format=api) as
	// DRF's browsable API; nil answers them with JSON. The app sets it unless
	// BROWSABLE_API=false.
	Pages PageRenderer
	// Prepare, when set, is given each view before its policies are resolved, for the
	// defaults rest knows nothing of: the app gives generic views and viewsets their
	// paginator (DEFAULT_PAGINATION_CLASS) there. NewHandler is the one place a view
	// gets its defaults, however it is mounted.
	Prepare func(View)
	// URLs are the app's named routes, which Request.Reverse and Request.Resolve read
	// (hyperlinked serializer fields); nil: none.
	URLs *URLConf
}

type handlerFunc func(r *Request) (*Response, error)

// Handler is a view made servable: DRF's as_view(). It is an http.Handler.
type Handler struct {
	view           any
	base           *APIView
	authenticators []Authenticator
	permissions    []Permission
	throttles      []Throttle
	versioning     Versioning
	parsers        *Parsers
	logger         *slog.Logger
	exceptions     func(error) error
	proxySSL       ProxySSLHeader
	pages          PageRenderer
	urls           *URLConf
	methods        map[string]handlerFunc
	allow          string
	allowHeader    []string
}

// NewHandler resolves a view's policies against the defaults and finds its handler
// methods, once, so that nothing is looked up per request.
func NewHandler(view View, d Defaults) *Handler {
	if d.Prepare != nil {
		d.Prepare(view)
	}
	base := view.Base()
	h := &Handler{view: view, base: base, authenticators: base.Authenticators, permissions: base.Permissions,
		parsers: d.Parsers, logger: d.Logger, exceptions: d.ExceptionHandler, proxySSL: d.SecureProxySSLHeader,
		pages: d.Pages, urls: d.URLs, methods: map[string]handlerFunc{}}
	if h.authenticators == nil {
		h.authenticators = d.Authenticators
		if base.StoredUser {
			if d.StoredUserAuthenticators == nil {
				panic(fmt.Sprintf("rest: %T declares StoredUser, and the defaults have no StoredUserAuthenticators", view))
			}
			h.authenticators = d.StoredUserAuthenticators
		}
	}
	if h.permissions == nil {
		h.permissions = d.Permissions
	}
	h.throttles = base.Throttles
	if h.throttles == nil {
		h.throttles = d.Throttles
	}
	h.versioning = base.Versioning
	if h.versioning == nil {
		h.versioning = d.Versioning
	}
	if _, none := h.versioning.(NoVersioning); none {
		h.versioning = nil
	}
	if h.parsers == nil {
		h.parsers = &defaultParsers
	}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if base.Name == "" {
		base.Name = nameFromType(view)
	}
	// DRF's allowed_methods order: get, post, put, patch, delete, head, options.
	var allow []string
	if v, ok := view.(Getter); ok {
		h.methods[http.MethodGet] = v.Get
		h.methods[http.MethodHead] = v.Get // Django's View answers HEAD with get.
		allow = append(allow, http.MethodGet)
	}
	if v, ok := view.(Poster); ok {
		h.methods[http.MethodPost] = v.Post
		allow = append(allow, http.MethodPost)
	}
	if v, ok := view.(Putter); ok {
		h.methods[http.MethodPut] = v.Put
		allow = append(allow, http.MethodPut)
	}
	if v, ok := view.(Patcher); ok {
		h.methods[http.MethodPatch] = v.Patch
		allow = append(allow, http.MethodPatch)
	}
	if v, ok := view.(Deleter); ok {
		h.methods[http.MethodDelete] = v.Delete
		allow = append(allow, http.MethodDelete)
	}
	allow = bindHandlers(view, h.methods, allow) // DRF's as_view(actions): bound.go
	if _, ok := h.methods[http.MethodHead]; ok {
		allow = append(allow, http.MethodHead)
	}
	h.methods[http.MethodOptions] = h.options
	allow = append(allow, http.MethodOptions)
	h.allow = strings.Join(allow, ", ")
	h.allowHeader = []string{h.allow}
	return h
}

// Allow is the value of the Allow header of every response of this view.
func (h *Handler) Allow() string { return h.allow }

// ServeHTTP is DRF's dispatch.
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	h.Serve(w, req, nil)
}

// Serve is ServeHTTP with the path parameters the router matched.
func (h *Handler) Serve(w http.ResponseWriter, req *http.Request, params []Param) {
	r := &Request{HTTP: req, User: AnonymousUser{}, Params: params,
		authenticators: h.authenticators, permissions: h.permissions, parsers: h.parsers, proxySSL: h.proxySSL, urls: h.urls}
	r.ctx.r = r
	defer r.RemoveUploads()
	resp, err := h.dispatch(r)
	if err != nil {
		resp = h.handleError(r, err)
	}
	h.write(w, r, resp)
}

// dispatch is DRF's initial() followed by the handler: negotiation, version,
// authentication, permissions, throttles, and only then the method, so an anonymous POST
// to a GET-only protected view is 401, not 405.
func (h *Handler) dispatch(r *Request) (*Response, error) {
	if err := h.negotiate(r); err != nil {
		return nil, err
	}
	if h.versioning != nil {
		version, err := h.versioning.DetermineVersion(r)
		if err != nil {
			return nil, err
		}
		r.Version, r.VersioningScheme = version, h.versioning
	}
	if err := h.authenticate(r); err != nil {
		return nil, err
	}
	if err := h.checkPermissions(r); err != nil {
		return nil, err
	}
	if len(h.throttles) == 0 {
		return h.handle(r)
	}
	done, err := h.checkThrottles(r)
	var resp *Response
	if err == nil {
		resp, err = h.handle(r)
	}
	for _, f := range done {
		f(resp, err)
	}
	return resp, err
}

// handle calls the method's handler.
func (h *Handler) handle(r *Request) (*Response, error) {
	fn, ok := h.methods[r.HTTP.Method]
	if !ok {
		return nil, MethodNotAllowed(r.HTTP.Method)
	}
	return fn(r)
}

func (h *Handler) authenticate(r *Request) error {
	for _, a := range h.authenticators {
		user, auth, err := a.Authenticate(r)
		if err != nil {
			return err
		}
		if user != nil {
			r.User, r.Auth, r.Authenticator = user, auth, a
			InfoFrom(r.Context()).SetUser(user) // for the access log and every later log line
			return nil
		}
	}
	return nil
}

func (h *Handler) checkPermissions(r *Request) error {
	for _, p := range h.permissionsFor(r) {
		if !p.HasPermission(r, h.view) {
			return denied(r, p)
		}
	}
	return nil
}

// handleError is DRF's handle_exception plus its default exception handler.
func (h *Handler) handleError(r *Request, err error) *Response {
	if h.exceptions != nil {
		err = h.exceptions(err)
	}
	var e *Error
	switch {
	case errors.Is(r.Context().Err(), context.Canceled) && !errors.As(err, &e):
		// The client went away (or the server is stopping) and the work was abandoned:
		// not the server's fault, and nobody reads the answer.
		h.logger.DebugContext(r.Context(), "request abandoned", "method", r.HTTP.Method, "path", r.HTTP.URL.Path, "error", err)
		InfoFrom(r.Context()).SetAbandoned() // the access log and the metrics count it apart
		e = ServiceUnavailable()
	case !errors.As(err, &e):
		h.logger.ErrorContext(r.Context(), "request failed", "method", r.HTTP.Method, "path", r.HTTP.URL.Path, "error", err)
		e = ServerError()
	case e.Status >= http.StatusInternalServerError && err != error(e):
		// A 503 that carries its cause (Unavailable): the client is told to retry, the
		// operator why. A warning, not an error: the server is working as designed.
		h.logger.WarnContext(r.Context(), "request refused", "method", r.HTTP.Method, "path", r.HTTP.URL.Path, "status", e.Status, "error", err)
	}
	resp := &Response{Status: e.Status, Data: e}
	if e.Header != nil {
		resp.Header = e.Header.Clone()
	}
	if e.Status == http.StatusUnauthorized {
		challenge := ""
		if len(h.authenticators) > 0 {
			challenge = h.authenticators[0].AuthenticateHeader(r)
		}
		if challenge == "" {
			challenge = h.base.WWWAuthenticate
		}
		if challenge == "" {
			resp.Status = http.StatusForbidden
		} else {
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			resp.Header.Set("WWW-Authenticate", challenge)
		}
	}
	return resp
}

// Header values every response shares; net/http only reads them.
var (
	jsonContentType = []string{"application/json"}
	htmlContentType = []string{"text/html; charset=utf-8"}
	varyAccept      = []string{"Accept"}
	noStore         = []string{"no-store"}
	pragmaNoCache   = []string{"no-cache"}
)

// serverDeclaresLength is the body size below which net/http declares Content-Length
// itself for a handler that writes its body in one go and returns: its buffer before
// chunking (bufferBeforeChunkingSize, 2 kB; HTTP/2's is larger). TestContentLength checks
// the header on the wire on both sides of it.
const serverDeclaresLength = 2048

// renderer is a buffer with its JSON encoder, pooled: rendering allocates nothing of its own.
type renderer struct {
	buf      bytes.Buffer
	enc      *json.Encoder
	indented bytes.Buffer // the body indented, for Accept: application/json; indent=N
}

// spaces are the indents of indent=1 to 8.
const spaces = "        "

var renderers = sync.Pool{New: func() any {
	rd := &renderer{}
	rd.enc = json.NewEncoder(&rd.buf)
	rd.enc.SetEscapeHTML(false) // DRF's JSONRenderer does not escape <, > and &.
	return rd
}}

// write renders the whole body before sending anything, so an encoding failure is a clean
// 500 and never a partial write.
func (h *Handler) write(w http.ResponseWriter, r *Request, resp *Response) {
	rd := renderers.Get().(*renderer)
	defer func() {
		if rd.buf.Cap() <= 64<<10 && rd.indented.Cap() <= 64<<10 { // a large body's buffer is left to the GC, not kept
			renderers.Put(rd)
		}
	}()
	buf := &rd.buf
	buf.Reset()
	contentType := jsonContentType
	status := resp.Status
	var pageHeader http.Header
	if r.page && resp.Body == nil {
		// The browsable API: the page is the body. A 204's page goes as a 200, as DRF's
		// does, since a 204 has none; the page still says 204.
		if page, header, ok := h.renderPage(r, resp); ok {
			resp = &Response{Status: status, Header: resp.Header, Body: page, ContentType: htmlContentType[0]}
			pageHeader = header
			if status == http.StatusNoContent {
				status = http.StatusOK
			}
		}
	}
	if resp.Body == nil && resp.Data != nil {
		if err := rd.enc.Encode(resp.Data); err != nil {
			h.logger.ErrorContext(r.Context(), "rendering failed", "path", r.HTTP.URL.Path, "error", err)
			buf.Reset()
			_ = rd.enc.Encode(ServerError())
			resp, status = &Response{Status: http.StatusInternalServerError}, http.StatusInternalServerError
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	body := buf.Bytes()
	if r.indent > 0 && len(body) > 0 {
		// Accept: application/json; indent=4, as DRF's JSONRenderer indents.
		rd.indented.Reset()
		if json.Indent(&rd.indented, body, "", spaces[:r.indent]) == nil {
			body = rd.indented.Bytes()
		}
	}
	if resp.Body != nil { // rendered by the view: sent as it is, never copied
		body, contentType = resp.Body, []string{resp.ContentType}
	}
	hdr := w.Header()
	for k, v := range resp.Header {
		hdr[k] = v
	}
	for k, v := range pageHeader {
		hdr[k] = v
	}
	// Canonical keys and shared values: no canonicalising or allocating per response.
	if len(body) > 0 {
		hdr["Content-Type"] = contentType
	} else {
		// DRF's Response drops the Content-Type of an empty rendering (a 204, or no data).
		delete(hdr, "Content-Type")
	}
	if vary := hdr["Vary"]; len(vary) > 0 {
		// A middleware varied the response already (CORS: Origin): add to it.
		hdr["Vary"] = append(slices.Clip(vary), "Accept")
	} else {
		hdr["Vary"] = varyAccept
	}
	hdr["Allow"] = h.allowHeader
	if h.base.NoStore {
		hdr["Cache-Control"] = noStore
		hdr["Pragma"] = pragmaNoCache
	}
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	// A body below serverDeclaresLength, written whole by a handler that then returns, gets
	// its Content-Length from the server (net/http's ResponseWriter.Write documents it),
	// outside the header map: one entry fewer to set, copy and sort on every answer. HEAD
	// writes no body to measure, and a larger body would be chunked, so both declare it.
	if r.HTTP.Method == http.MethodHead || len(body) >= serverDeclaresLength {
		r.contentLength[0] = strconv.Itoa(len(body))
		hdr["Content-Length"] = r.contentLength[:]
	}
	w.WriteHeader(status)
	if r.HTTP.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
