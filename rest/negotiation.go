package rest

import "strings"

// Renders are the media types DRF's default renderers claim (JSON and the browsable API);
// ginrest answers text/html clients with JSON until it has a browsable API.
var Renders = []string{"application/json", "text/html"}

// acceptable is DRF's content negotiation reduced to a yes or no: some media range of the
// Accept header matches a renderer. Parameters (q, charset, indent) do not decide a match,
// as in DRF. No header means anything.
func acceptable(accept []string) bool {
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
			for _, r := range Renders {
				rm, rs, _ := strings.Cut(r, "/")
				if (main == "*" || strings.EqualFold(main, rm)) && (sub == "*" || strings.EqualFold(sub, rs)) {
					return true
				}
			}
		}
	}
	return false
}
