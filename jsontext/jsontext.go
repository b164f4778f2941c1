// Package jsontext checks that JSON text is text: UTF-8 throughout, and no \uXXXX escape
// of half a UTF-16 surrogate pair without its other half.
//
// Go's encoding/json turns both into U+FFFD without a word, so two different documents
// would read as one value, and a password with a broken byte would be compared as
// something the client never sent. Python refuses the first (its UTF-8 decoder fails, and
// DRF's JSONParser and PyJWT report it) and keeps the second as a lone surrogate that no
// later step can encode; ginrest refuses both, in request bodies and in tokens.
package jsontext

import (
	"fmt"
	"unicode/utf8"
)

// Valid reports whether b is UTF-8 without unpaired surrogate escapes. It says nothing of
// whether b is well-formed JSON.
func Valid(b []byte) bool { return utf8.Valid(b) && LoneSurrogate(b) < 0 }

// SurrogateError describes the first unpaired surrogate escape of b, or returns "".
func SurrogateError(b []byte) string {
	if at := LoneSurrogate(b); at >= 0 {
		return fmt.Sprintf("unpaired surrogate escape %s at offset %d", b[at:at+6], at)
	}
	return ""
}

// UTF8Error describes the first invalid UTF-8 sequence of b in the words of Python's
// decoder, which DRF's message quotes, or returns "" if b is valid UTF-8.
func UTF8Error(b []byte) string {
	if utf8.Valid(b) {
		return ""
	}
	for i := 0; i < len(b); {
		if r, size := utf8.DecodeRune(b[i:]); r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		n, reason := invalidUTF8(b[i:])
		if n == 1 {
			return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", b[i], i, reason)
		}
		return fmt.Sprintf("'utf-8' codec can't decode bytes in position %d-%d: %s", i, i+n-1, reason)
	}
	return ""
}

// invalidUTF8 is how many bytes of the invalid sequence at the start of b Python's decoder
// reports, and why: the bytes that could still begin a character, then the one that
// cannot (or the end of the data).
func invalidUTF8(b []byte) (n int, reason string) {
	c := b[0]
	lo, hi := byte(0x80), byte(0xBF) // the range of the byte after the first
	var more int
	switch {
	case 0xC2 <= c && c <= 0xDF:
		more = 1
	case 0xE0 <= c && c <= 0xEF:
		more = 2
		if c == 0xE0 {
			lo = 0xA0 // shorter forms are overlong
		} else if c == 0xED {
			hi = 0x9F // UTF-8 encoded surrogates
		}
	case 0xF0 <= c && c <= 0xF4:
		more = 3
		if c == 0xF0 {
			lo = 0x90
		} else if c == 0xF4 {
			hi = 0x8F // above U+10FFFF
		}
	default:
		return 1, "invalid start byte"
	}
	for k := 1; k <= more; k++ {
		if k == len(b) {
			return k, "unexpected end of data"
		}
		if b[k] < lo || b[k] > hi {
			return k, "invalid continuation byte"
		}
		lo, hi = 0x80, 0xBF
	}
	return more + 1, "invalid start byte" // unreachable for a sequence utf8 refused
}

// LoneSurrogate is the offset of the first \uXXXX escape in b that is half of a UTF-16
// surrogate pair without its other half, or -1. Outside strings a backslash is a syntax
// error the decoder reports, so escapes are looked for anywhere; `\\` is skipped as a
// whole so that the text after an escaped backslash is not read as an escape.
func LoneSurrogate(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 < len(b) && b[i+1] != 'u' {
			i++ // \\, \" and the other one-character escapes
			continue
		}
		u, ok := escape(b, i)
		if !ok {
			continue // malformed: the decoder refuses it
		}
		switch {
		case 0xDC00 <= u && u <= 0xDFFF:
			return i // a low half with no high half before it
		case 0xD800 <= u && u <= 0xDBFF:
			if low, ok := escape(b, i+6); !ok || low < 0xDC00 || low > 0xDFFF {
				return i
			}
			i += 11 // the pair, both escapes
		default:
			i += 5
		}
	}
	return -1
}

// escape reads the \uXXXX escape at b[i:].
func escape(b []byte, i int) (rune, bool) {
	if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
		return 0, false
	}
	var u rune
	for _, c := range b[i+2 : i+6] {
		switch {
		case '0' <= c && c <= '9':
			u = u<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			u = u<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			u = u<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return u, true
}
