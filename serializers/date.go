package serializers

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date without a time or a zone, Python's datetime.date: what a
// DateField reads and writes. time.Time is a DateTimeField, so a date needs a type of its
// own; the zero Date is not a valid date (year 0), like Python's date has no zero.
// It is stored by database/sql as "YYYY-MM-DD", which SQLite keeps as text and
// PostgreSQL reads into a date column.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String is ISO 8601, Python's date.isoformat(): "2024-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Date (not a date at all).
func (d Date) IsZero() bool { return d == Date{} }

// Time is midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// MarshalText and UnmarshalText make a Date a JSON string and a form value.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	v, ok := ParseDate(string(b))
	if !ok {
		return fmt.Errorf("serializers: %q is not a date (YYYY-MM-DD)", b)
	}
	*d = v
	return nil
}

// Value is the date for database/sql.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a date column: drivers give a time.Time (PostgreSQL) or text (SQLite).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("serializers: cannot scan %T into a Date", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10] // SQLite may hold "2024-01-02 00:00:00+00:00" for a date written as a time
	}
	return d.UnmarshalText([]byte(s))
}

// isoDate is Django's date_re, which parse_date falls back on after fromisoformat.
var isoDate = regexp.MustCompile(`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$`)

// ParseDate reads an ISO 8601 date as DRF's DateField does (Django's parse_date):
// "2024-01-02", or "2024-1-2"; an impossible date (February 30th) is refused.
func ParseDate(s string) (Date, bool) {
	m := isoDate.FindStringSubmatch(s)
	if m == nil {
		return Date{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if y < 1 || mo < 1 || mo > 12 || d < 1 {
		return Date{}, false
	}
	if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return Date{}, false
	}
	return Date{y, time.Month(mo), d}, true
}

// TimeOfDay is a time of day without a date or a zone, Python's datetime.time: what a
// TimeField reads and writes, to the microsecond. It is stored by database/sql as
// "hh:mm:ss[.uuuuuu]".
type TimeOfDay struct {
	Hour, Minute, Second, Microsecond int
}

// String is Python's time.isoformat(): "hh:mm:ss", with ".uuuuuu" when there are
// microseconds.
func (t TimeOfDay) String() string {
	s := fmt.Sprintf("%02d:%02d:%02d", t.Hour, t.Minute, t.Second)
	if t.Microsecond != 0 {
		s += fmt.Sprintf(".%06d", t.Microsecond)
	}
	return s
}

// TimeOfDayOf is the time of day of t in t's own location.
func TimeOfDayOf(t time.Time) TimeOfDay {
	return TimeOfDay{t.Hour(), t.Minute(), t.Second(), t.Nanosecond() / 1000}
}

func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, ok := ParseTimeOfDay(string(b))
	if !ok {
		return fmt.Errorf("serializers: %q is not a time (hh:mm[:ss[.uuuuuu]])", b)
	}
	*t = v
	return nil
}

// Value is the time for database/sql.
func (t TimeOfDay) Value() (driver.Value, error) { return t.String(), nil }

// Scan reads a time column: a time.Time or text, as drivers give it.
func (t *TimeOfDay) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*t = TimeOfDayOf(v)
		return nil
	case string:
		return t.UnmarshalText([]byte(v))
	case []byte:
		return t.UnmarshalText(v)
	}
	return fmt.Errorf("serializers: cannot scan %T into a TimeOfDay", src)
}

// isoTime is Django's time_re, with the offset Python's time.fromisoformat accepts and
// parse_time then drops: a time of day has no zone.
var isoTime = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:[.,]([0-9]{1,6})[0-9]{0,6})?)?` +
	`(?:Z|[+-][0-9]{2}:?[0-9]{2})?$`)

// ParseTimeOfDay reads a time as DRF's TimeField does (Django's parse_time): "hh:mm",
// "hh:mm:ss", "hh:mm:ss.uuuuuu"; hour 24 or minute 60 are refused.
func ParseTimeOfDay(s string) (TimeOfDay, bool) {
	m := isoTime.FindStringSubmatch(s)
	if m == nil {
		return TimeOfDay{}, false
	}
	num := func(s string) int {
		n, _ := strconv.Atoi(s)
		return n
	}
	t := TimeOfDay{Hour: num(m[1]), Minute: num(m[2]), Second: num(m[3])}
	if m[4] != "" {
		t.Microsecond = num(m[4] + strings.Repeat("0", 6-len(m[4])))
	}
	if t.Hour > 23 || t.Minute > 59 || t.Second > 59 {
		return TimeOfDay{}, false
	}
	return t, true
}
