package serializers

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// UUID is a UUID, Python's uuid.UUID: what a UUIDField reads and writes. ginrest has no
// UUID library among its dependencies, and a field type needs only reading and printing.
// It is stored by database/sql as hyphenated text, which PostgreSQL reads into a uuid
// column.
type UUID [16]byte

// String is the hyphenated lower-case form (DRF's format "hex_verbose").
func (u UUID) String() string {
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// IsZero reports whether u is the nil UUID.
func (u UUID) IsZero() bool { return u == UUID{} }

func (u UUID) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

func (u *UUID) UnmarshalText(b []byte) error {
	v, ok := ParseUUID(string(b))
	if !ok {
		return fmt.Errorf("serializers: %q is not a UUID", b)
	}
	*u = v
	return nil
}

// Value is the UUID for database/sql.
func (u UUID) Value() (driver.Value, error) { return u.String(), nil }

// Scan reads a uuid column: text, or 16 raw bytes.
func (u *UUID) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return u.UnmarshalText([]byte(v))
	case []byte:
		if len(v) == 16 {
			copy(u[:], v)
			return nil
		}
		return u.UnmarshalText(v)
	}
	return fmt.Errorf("serializers: cannot scan %T into a UUID", src)
}

// pythonHexInt is what Python's int(text, 16) accepts.
var pythonHexInt = regexp.MustCompile(`^\s*[+-]?[0-9a-fA-F](?:_?[0-9a-fA-F])*\s*$`)

// ParseUUID reads a UUID as Python's uuid.UUID(hex=...) does, which DRF's UUIDField
// calls: "urn:" and "uuid:" are removed, then surrounding braces and every hyphen, and
// the 32 characters left are read as a hexadecimal integer.
func ParseUUID(s string) (UUID, bool) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	s = strings.ReplaceAll(strings.Trim(s, "{}"), "-", "")
	if len([]rune(s)) != 32 || !pythonHexInt.MatchString(s) {
		return UUID{}, false
	}
	n, ok := new(big.Int).SetString(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 16)
	if !ok {
		return UUID{}, false
	}
	return uuidFromInt(n)
}

// uuidFromInt is uuid.UUID(int=n): n must fit in 128 bits and not be negative.
func uuidFromInt(n *big.Int) (UUID, bool) {
	if n.Sign() < 0 || n.BitLen() > 128 {
		return UUID{}, false
	}
	var u UUID
	n.FillBytes(u[:])
	return u, true
}
