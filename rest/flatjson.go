package rest

import "ginrest/jsonflat"

// flatStrings decodes the body every token endpoint receives, a flat object of plain ASCII
// strings such as {"token": "eyJ..."}, without encoding/json (jsonflat). ok is false for
// any other body (a number, nesting, an escape, a byte outside printable ASCII, anything
// malformed), which the full parser then reads, so every value and every error is the full
// parser's; FuzzFlatStrings holds the two to the same value wherever this one answers.
func flatStrings(body []byte) (obj map[string]any, ok bool) { return jsonflat.Object(body, false) }
