package rest

import (
	"errors"
	"strconv"
	"strings"
)

// Renders are the media types DRF's default renderers claim, in their order: JSON, and the
// browsable API (HTML for a person, Defaults.Pages). Without a page renderer, text/html
// clients are answered with JSON.
var Renders = []string{"application/json", "text/html"}

// The renderers' formats, DRF's URL_FORMAT_OVERRIDE (?format=json, ?format=api): a format
// keeps one renderer, whose media type the Accept header must still allow. Other values are
// left to the view (the schema view's ?format=yaml).
const (
	formatParam = "format"
	formatJSON  = "json"
	formatAPI   = "api"
)

// acceptable is DRF's content negotiation reduced to a yes or no: some media range of the
// Accept header matches a renderer. Parameters (q, charset, indent) do not decide a match,
// as in DRF. No header means anything. extra are the media types the view renders itself
// (APIView.Renders).
func acceptable(accept []string, renders, extra []string) bool {
	if len(accept) == 0 {
		return true
	}
	for _, header := range accept {
		for header != "" {
			var item string
			item, header, _ = strings.Cut(header, ",")
			item, _, _ = strings.Cut(item, ";")
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			main, sub, _ := strings.Cut(item, "/")
			for _, rs := range [2][]string{renders, extra} {
				for _, r := range rs {
					if matches(main, sub, r) {
						return true
					}
				}
			}
		}
	}
	return false
}

// matches reports whether the media range main/sub covers the media type renderer.
func matches(main, sub, renderer string) bool {
	rm, rs, _ := strings.Cut(renderer, "/")
	return (main == "*" || strings.EqualFold(main, rm)) && (sub == "*" || strings.EqualFold(sub, rs))
}

// AcceptedMediaType is DRF's request.accepted_media_type, as far as its parameters go:
// the media range of the Accept header that DRF's DefaultContentNegotiation picks (the
// most specific ranges first: with parameters, then type/subtype, type/*, */*; in header
// order within each, q ignored, as DRF orders them), and its parameters with lower-case
// names and unquoted values. AcceptHeaderVersioning reads its version parameter. No
// header, or none that matches, gives "application/json" and no parameters.
func (r *Request) AcceptedMediaType() (string, map[string]string) {
	_, full, params := selectRenderer(r.HTTP.Header.Values("Accept"), Renders)
	if full == "" {
		return Renders[0], nil
	}
	return full, params
}

// selectRenderer is DRF's select_renderer over renders: the renderer chosen, the media
// range that chose it and its parameters; "" when none matches (or no header).
func selectRenderer(accept []string, renders []string) (renderer, full string, params map[string]string) {
	type mediaRange struct {
		full, main, sub string
		params          map[string]string
		precedence      int
	}
	ranges := make([]mediaRange, 0, 8) // on the stack: an Accept header has a few ranges
	for _, header := range accept {
		for item := range strings.SplitSeq(header, ",") {
			typ, rawParams, _ := strings.Cut(item, ";")
			typ = strings.TrimSpace(typ)
			if typ == "" {
				continue
			}
			m := mediaRange{full: strings.TrimSpace(item)} // params made for the first one: most ranges have none
			m.main, m.sub, _ = strings.Cut(typ, "/")
			for p := range strings.SplitSeq(rawParams, ";") {
				k, v, ok := strings.Cut(p, "=")
				if k = strings.ToLower(strings.TrimSpace(k)); ok && k != "" {
					v = strings.TrimSpace(v)
					if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
						v = v[1 : len(v)-1]
					}
					if m.params == nil {
						m.params = map[string]string{}
					}
					m.params[k] = v
				}
			}
			_, onlyQ := m.params["q"]
			switch {
			case m.main == "*":
				m.precedence = 0
			case m.sub == "*":
				m.precedence = 1
			case len(m.params) == 0 || (onlyQ && len(m.params) == 1):
				m.precedence = 2
			default:
				m.precedence = 3
			}
			ranges = append(ranges, m)
		}
	}
	for precedence := 3; precedence >= 0; precedence-- {
		for _, renderer := range renders {
			for _, m := range ranges {
				if m.precedence == precedence && matches(m.main, m.sub, renderer) {
					return renderer, m.full, m.params
				}
			}
		}
	}
	return "", "", nil
}

// negotiate is DRF's perform_content_negotiation: 406 when no renderer suits the Accept
// header (after ?format= kept one); otherwise it notes on the request whether the answer
// is a page (text/html chosen, with a page renderer) and the JSON indent asked for.
func (h *Handler) negotiate(r *Request) error {
	renders := Renders
	if strings.Contains(r.HTTP.URL.RawQuery, formatParam) { // most name none: no parsing
		format, _ := r.QueryParam(formatParam)
		switch {
		case format == formatJSON:
			renders = Renders[:1]
		case format == formatAPI && h.pages != nil:
			renders = Renders[1:]
		}
	}
	accept := r.HTTP.Header.Values("Accept")
	renderer, _, params := selectRenderer(accept, renders)
	if renderer == "" {
		// No renderer chosen: no Accept header, or one that only the view's own media types
		// (APIView.Renders) or nothing at all suit. A chosen renderer made the header
		// acceptable already, and the header is not parsed a second time for it.
		if !acceptable(accept, renders, h.base.Renders) {
			return NotAcceptable()
		}
		renderer = renders[0] // DRF's first renderer
	}
	switch renderer {
	case Renders[1]:
		r.page = h.pages != nil
	case Renders[0]:
		r.indent = int8(indent(params["indent"]))
	}
	return nil
}

// indent is DRF's JSONRenderer.get_indent: the indent parameter of the accepted media type
// (application/json; indent=4) as a number of spaces, kept within 0 to 8; 0 (none, or not a
// number) renders compact JSON.
func indent(param string) int {
	if param == "" { // the usual case: Atoi's error for it would cost an allocation per request
		return 0
	}
	n, err := strconv.Atoi(param)
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(param, "-") {
		return 8 // Python's int() has no range: min(huge, 8)
	}
	return max(min(n, 8), 0)
}
