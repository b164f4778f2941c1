package serializers

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// isoDateTime is Django's parse_datetime pattern (what DRF's DateTimeField reads as ISO
// 8601), with the time optional as Python's fromisoformat allows: a date alone is midnight.
var isoDateTime = regexp.MustCompile(`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})` +
	`(?:[T ]([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:[.,]([0-9]{1,6})[0-9]{0,6})?)?` +
	`\s*(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$`)

// ParseDateTime reads an ISO 8601 date-time as DRF's DateTimeField does, in UTC: a time
// without an offset is taken as UTC (DRF's enforce_timezone with TIME_ZONE "UTC"), one with
// an offset is converted, precision stops at microseconds. Impossible dates (February 30th,
// hour 24) are refused.
func ParseDateTime(s string) (time.Time, bool) {
	m := isoDateTime.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	num := func(s string) int {
		n, _ := strconv.Atoi(s)
		return n
	}
	year, month, day := num(m[1]), num(m[2]), num(m[3])
	hour, minute, second := num(m[4]), num(m[5]), num(m[6])
	micro := 0
	if m[7] != "" {
		micro = num(m[7] + strings.Repeat("0", 6-len(m[7])))
	}
	if year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	loc := time.UTC
	if tz := m[8]; tz != "" && tz != "Z" {
		offset := num(tz[1:3]) * 3600
		if rest := strings.TrimPrefix(tz[3:], ":"); rest != "" {
			if num(rest) > 59 {
				return time.Time{}, false
			}
			offset += num(rest) * 60
		}
		if offset >= 24*3600 {
			return time.Time{}, false
		}
		if tz[0] == '-' {
			offset = -offset
		}
		loc = time.FixedZone("", offset)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, micro*1000, loc)
	if t.Day() != day {
		return time.Time{}, false // normalised: the day does not exist in that month
	}
	return t.UTC(), true
}

// FormatDateTime is DRF's DateTimeField.to_representation: Python's isoformat(), with
// microseconds only when there are some and "Z" for UTC, else the offset ("+02:00").
// Representations convert to UTC first, as DRF does with TIME_ZONE "UTC".
func FormatDateTime(t time.Time) string {
	t = t.Truncate(time.Microsecond)
	layout := "2006-01-02T15:04:05Z07:00"
	if t.Nanosecond() != 0 {
		layout = "2006-01-02T15:04:05.000000Z07:00"
	}
	return t.Format(layout)
}
