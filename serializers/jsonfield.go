package serializers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// readJSON is JSONField.to_internal_value into json.RawMessage. Parsed input is any JSON
// value, kept as it came (numbers keep their text). With binary, or from a form, the
// input is JSON text to parse: a string holding valid JSON, else "Value must be valid
// JSON.".
func readJSON(raw any, binary bool) (json.RawMessage, bool) {
	text, isText := raw.(jsonText)
	if s, ok := raw.(string); ok && binary {
		text, isText = jsonText(s), true
	}
	if isText {
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(text)); err != nil {
			return nil, false
		}
		return b.Bytes(), true
	}
	if binary {
		return nil, false // json.loads of what is not text is a TypeError
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(raw); err != nil {
		return nil, false
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), true
}

// representJSON is JSONField.to_representation: the value itself, or with binary its
// JSON text as Python's json.dumps writes it, which DRF's renderer sends as a string.
func representJSON(v json.RawMessage, binary bool) any {
	if len(v) == 0 {
		v = json.RawMessage("null")
	}
	if !binary {
		return v
	}
	s, err := pythonDumps(v)
	if err != nil {
		return string(v)
	}
	return s
}

// pythonDumps re-writes JSON text as Python's json.dumps does by default: ", " and ": "
// between items, non-ASCII escaped as \uXXXX (ensure_ascii), keys in their order.
func pythonDumps(v json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var b strings.Builder
	// first[i] is whether the container at depth i has had no item yet; key marks that an
	// object's next string is a key.
	type frame struct{ object, first, key bool }
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			b.WriteRune(rune(d))
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].key = true
			}
			continue
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			switch {
			case top.object && top.key && !top.first:
				b.WriteString(", ")
			case top.object && !top.key:
				b.WriteString(": ")
			case !top.object && !top.first:
				b.WriteString(", ")
			}
			top.first = false
			if top.object {
				top.key = !top.key
			}
		}
		switch x := tok.(type) {
		case json.Delim:
			b.WriteRune(rune(x))
			stack = append(stack, frame{object: x == '{', first: true, key: x == '{'})
			continue
		case string:
			b.WriteString(asciiQuote(x))
		case json.Number:
			b.WriteString(pythonNumber(x))
		case bool:
			b.WriteString(strconv.FormatBool(x))
		case nil:
			b.WriteString("null")
		}
	}
}

// asciiQuote is json.dumps of a str with ensure_ascii.
func asciiQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (r >= 0x7f && r < 0x10000):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r >= 0x10000:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
