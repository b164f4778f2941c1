package rest

// flatStrings decodes the body every token endpoint receives, a flat object of plain ASCII
// strings such as {"token": "eyJ..."}, without encoding/json: decoding it generically was a
// tenth of the server's CPU on a verify. ok is false for any other body (a number, nesting,
// an escape, a byte outside printable ASCII, anything malformed), which the full parser then
// reads, so every value and every error is the full parser's; FuzzFlatStrings holds the
// two to the same value wherever this one answers.
func flatStrings(body []byte) (obj map[string]any, ok bool) {
	i := skipJSONSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil, false
	}
	obj = make(map[string]any, 2)
	i = skipJSONSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return obj, skipJSONSpace(body, i+1) == len(body)
	}
	for {
		key, next, ok := plainJSONString(body, i)
		if !ok {
			return nil, false
		}
		i = skipJSONSpace(body, next)
		if i >= len(body) || body[i] != ':' {
			return nil, false
		}
		value, next, ok := plainJSONString(body, skipJSONSpace(body, i+1))
		if !ok {
			return nil, false
		}
		obj[key] = value // a repeated key: the last one, as encoding/json
		i = skipJSONSpace(body, next)
		switch {
		case i < len(body) && body[i] == ',':
			i = skipJSONSpace(body, i+1)
		case i < len(body) && body[i] == '}':
			return obj, skipJSONSpace(body, i+1) == len(body)
		default:
			return nil, false
		}
	}
}

// plainJSONString reads a string of printable ASCII without escapes that starts at i, and
// returns it and the index after its closing quote.
func plainJSONString(body []byte, i int) (string, int, bool) {
	if i >= len(body) || body[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(body); j++ {
		switch c := body[j]; {
		case c == '"':
			return string(body[i+1 : j]), j + 1, true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return "", 0, false
		}
	}
	return "", 0, false
}

func skipJSONSpace(body []byte, i int) int {
	for i < len(body) {
		switch body[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
