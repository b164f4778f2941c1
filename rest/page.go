package rest

import "net/http"

// PageRenderer renders a response for a person: DRF's BrowsableAPIRenderer. The
// dispatcher calls it when content negotiation picks text/html (a browser's Accept, or
// ?format=api) and Defaults.Pages is set; package renderers has the one the app uses. rest
// knows only this interface, so the core imports no templates.
type PageRenderer interface {
	// RenderPage renders p as an HTML document, with the headers the document needs (its
	// Content-Security-Policy). An error is logged and the client gets the JSON instead.
	RenderPage(p *Page) (body []byte, header http.Header, err error)
}

// Page is what the browsable API shows of one request and its response: DRF's
// renderer_context, with what get_context works out from the view already worked out.
type Page struct {
	Request *Request
	// Name and Description are the view's, as OPTIONS reports them.
	Name, Description string
	// Status, Header and Data are the response as a JSON client gets it: its headers are
	// the view's plus Allow, Content-Type and Vary (the middleware's security headers
	// aside). A 204's page is sent as a 200 (DRF's "munge"), since a 204 has no body.
	Status int
	Header http.Header
	Data   any
	// Forms are the methods among POST, PUT and PATCH that the view answers and the
	// caller's permissions allow (DRF's show_form_for_method), in that order, each with
	// the fields its serializer describes (nil for a view that describes none).
	Forms []Form
	// Delete is whether the page has a DELETE button: the view answers DELETE and the
	// permissions allow it. (Every page has an OPTIONS button.)
	Delete bool
}

// Form is one method's form: the fields it takes, as OPTIONS describes them.
type Form struct {
	Method string
	Fields Fields
}

// ObjectChecker is a view whose detail requests name an object (generics' views): the
// page asks it whether a PUT, PATCH or DELETE may act on that object, as DRF's
// show_form_for_method checks the object's permissions, so that a note of another user
// has no edit forms. An error (404, 403) means no form.
type ObjectChecker interface {
	CheckObject(r *Request) error
}

// pageMethods are the methods a page has a form for, in DRF's order.
var pageMethods = [...]string{http.MethodPost, http.MethodPut, http.MethodPatch}

// pageOf is the page of a response: the permissions of each form's method are checked
// against a copy of the request carrying it, as OPTIONS checks them.
func (h *Handler) pageOf(r *Request, resp *Response) *Page {
	p := &Page{Request: r, Name: h.base.Name, Description: h.base.Description,
		Status: resp.Status, Data: resp.Data, Header: http.Header{}}
	if p.Status == 0 {
		p.Status = http.StatusOK
	}
	for k, v := range resp.Header {
		p.Header[k] = v
	}
	p.Header["Allow"] = h.allowHeader
	if resp.Data != nil {
		p.Header["Content-Type"] = jsonContentType
	}
	p.Header["Vary"] = varyAccept
	describer, _ := h.view.(ActionDescriber)
	for _, m := range pageMethods {
		if !h.pageAllows(r, m) {
			continue
		}
		f := Form{Method: m}
		if describer != nil {
			f.Fields = describer.Describe(m)
		}
		p.Forms = append(p.Forms, f)
	}
	p.Delete = h.pageAllows(r, http.MethodDelete)
	return p
}

// pageAllows is DRF's show_form_for_method: the view answers method, the caller's
// permissions allow it, and so do the object's for a method that changes one.
func (h *Handler) pageAllows(r *Request, method string) bool {
	if _, ok := h.methods[method]; !ok {
		return false
	}
	as := withMethod(r, method)
	if h.checkPermissions(as) != nil {
		return false
	}
	if objects, ok := h.view.(ObjectChecker); ok && method != http.MethodPost {
		return objects.CheckObject(as) == nil
	}
	return true
}

// renderPage renders the page of resp; ok is false when the renderer failed (logged), and
// the client then gets JSON.
func (h *Handler) renderPage(r *Request, resp *Response) (body []byte, header http.Header, ok bool) {
	body, header, err := h.pages.RenderPage(h.pageOf(r, resp))
	if err != nil {
		h.logger.ErrorContext(r.Context(), "rendering the browsable API failed", "path", r.HTTP.URL.Path, "error", err)
		return nil, nil, false
	}
	return body, header, true
}
