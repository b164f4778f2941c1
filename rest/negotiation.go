package rest

import "strings"

// Renders are the media types DRF's default renderers claim (JSON and the browsable API);
// ginrest answers text/html clients with JSON until it has a browsable API.
var Renders = []string{"application/json", "text/html"}

// acceptable is DRF's content negotiation reduced to a yes or no: some media range of the
// Accept header matches a renderer. Parameters (q, charset, indent) do not decide a match,
// as in DRF. No header means anything. extra are the media types the view renders itself
// (APIView.Renders).
func acceptable(accept []string, extra []string) bool {
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
			for _, renders := range [2][]string{Renders, extra} {
				for _, r := range renders {
					rm, rs, _ := strings.Cut(r, "/")
					if (main == "*" || strings.EqualFold(main, rm)) && (sub == "*" || strings.EqualFold(sub, rs)) {
						return true
					}
				}
			}
		}
	}
	return false
}

// AcceptedMediaType is DRF's request.accepted_media_type, as far as its parameters go:
// the media range of the Accept header that DRF's DefaultContentNegotiation picks (the
// most specific ranges first: with parameters, then type/subtype, type/*, */*; in header
// order within each, q ignored, as DRF orders them), and its parameters with lower-case
// names and unquoted values. AcceptHeaderVersioning reads its version parameter. No
// header, or none that matches, gives "application/json" and no parameters.
func (r *Request) AcceptedMediaType() (string, map[string]string) {
	type mediaRange struct {
		full, main, sub string
		params          map[string]string
		precedence      int
	}
	var ranges []mediaRange
	for _, header := range r.HTTP.Header.Values("Accept") {
		for item := range strings.SplitSeq(header, ",") {
			typ, rawParams, _ := strings.Cut(item, ";")
			typ = strings.TrimSpace(typ)
			if typ == "" {
				continue
			}
			m := mediaRange{full: strings.TrimSpace(item), params: map[string]string{}}
			m.main, m.sub, _ = strings.Cut(typ, "/")
			for p := range strings.SplitSeq(rawParams, ";") {
				k, v, ok := strings.Cut(p, "=")
				if k = strings.ToLower(strings.TrimSpace(k)); ok && k != "" {
					v = strings.TrimSpace(v)
					if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
						v = v[1 : len(v)-1]
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
		for _, renderer := range Renders {
			rm, rs, _ := strings.Cut(renderer, "/")
			for _, m := range ranges {
				if m.precedence == precedence && (m.main == "*" || strings.EqualFold(m.main, rm)) && (m.sub == "*" || strings.EqualFold(m.sub, rs)) {
					return m.full, m.params
				}
			}
		}
	}
	return Renders[0], nil
}
