// Package authentication holds DRF's authentication classes: simplejwt's JWTAuthentication
// as JWT (and JWTStateless), DRF's BasicAuthentication as Basic and TokenAuthentication as
// Token.
package authentication

import "ginrest/rest"

// MsgBadHeader is simplejwt's message for a header of a known type with the wrong number
// of parts.
const MsgBadHeader = "Authorization header must contain two space-delimited values"

// RawToken is JWTAuthentication.get_raw_token: the token of an Authorization header whose
// first word is one of types. ok is false when the header is not ours to judge (empty, or
// another scheme, compared case-sensitively as simplejwt does); err is set when it is ours
// and malformed. Words are split on ASCII whitespace, as Python's bytes.split() does, and
// nothing is allocated.
func RawToken(header string, types []string) (token string, ok bool, err error) {
	first, rest := nextWord(header)
	if first == "" {
		return "", false, nil
	}
	known := false
	for _, t := range types {
		if first == t {
			known = true
			break
		}
	}
	if !known {
		return "", false, nil
	}
	token, rest = nextWord(rest)
	if extra, _ := nextWord(rest); token == "" || extra != "" {
		return "", true, badHeader()
	}
	return token, true, nil
}

func badHeader() *rest.Error {
	return &rest.Error{Status: 401, Detail: MsgBadHeader, Code: "bad_authorization_header"}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// nextWord returns the first whitespace-delimited word of s and what follows it.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	s = s[i:]
	end := wordEnd(s)
	return s[:end], s[end:]
}

// wordEnd is the index of the first white space in s, or len(s). A token is a couple of
// hundred bytes scanned on every request: eight bytes at a time, each eight tested at once
// for a byte below '!' (as every ASCII white space is), and only from the first such eight
// on byte by byte.
func wordEnd(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		// Some byte of x is below '!' (bytes of 0x80 and up never count): the classic
		// has-less-than test, exact as to whether there is one.
		if (x-ones*'!')&^x&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if isSpace(s[i]) {
			return i
		}
	}
	return len(s)
}

// words is DRF's get_authorization_header(request).split(): the Authorization header's
// words, split on ASCII white space as Python's bytes.split() does. Basic and Token read
// the scheme and the number of words from it.
func words(header string) []string {
	var out []string
	for {
		var w string
		w, header = nextWord(header)
		if w == "" {
			return out
		}
		out = append(out, w)
	}
}
