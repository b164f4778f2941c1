package passwords

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
	"sync"

	"ginrest/models"
)

// commonPasswords is Django's django/contrib/auth/common-passwords.txt.gz, byte for byte:
// 19,726 passwords, lowercased, one a line (Royce Williams's list, which Django ships).
// Taken from Debian's python3-django 3:3.2.25-0+deb12u7; Django's licence is
// LICENSE.django beside it. Kept compressed, as Django keeps it: it is read once.
//
//go:embed common-passwords.txt.gz
var commonPasswords []byte

// djangoCommon is the embedded list as a set, read at first use: a process that never
// validates a password never pays for it. It is read-only once made.
var djangoCommon = sync.OnceValue(func() map[string]struct{} {
	set, err := ReadList(bytes.NewReader(commonPasswords))
	if err != nil {
		panic("passwords: the embedded common-passwords.txt.gz is unreadable: " + err.Error())
	}
	return set
})

// ReadList reads a password list in the form of Django's: gzip-compressed or plain text,
// one lowercased password a line, surrounding spaces ignored. It is what Common's
// Passwords takes, as CommonPasswordValidator's password_list_path.
func ReadList(r io.Reader) (map[string]struct{}, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		src = zr
	}
	set := map[string]struct{}{}
	scanner := bufio.NewScanner(src)
	for scanner.Scan() {
		set[strings.TrimSpace(scanner.Text())] = struct{}{}
	}
	return set, scanner.Err()
}

// Common is Django's CommonPasswordValidator: a password whose lowercase form, less
// surrounding spaces, is in Passwords is refused. Passwords nil means Django's list.
type Common struct{ Passwords map[string]struct{} }

func (v Common) Validate(password string, _ *models.User) error {
	list := v.Passwords
	if list == nil {
		list = djangoCommon()
	}
	if _, ok := list[strings.TrimSpace(strings.ToLower(password))]; ok {
		return &Error{Code: "password_too_common", Message: "This password is too common."}
	}
	return nil
}
