package serializers

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DurationFormat is how DRF's DurationField describes what it reads.
const DurationFormat = "[DD] [HH:[MM:]]ss[.uuuuuu]"

// Django's parse_duration patterns. The standard one needs a look-ahead in Python
// ("hours only when minutes follow"), which RE2 lacks: ParseDuration moves a lone
// "hours" group to the minutes instead.
var (
	standardDuration = regexp.MustCompile(`^(?:(-?[0-9]+) (?:days?, )?)?(-?)(?:([0-9]+):)?(?:([0-9]+):)?([0-9]+)(?:[.,]([0-9]{1,6})[0-9]{0,6})?$`)
	isoDuration      = regexp.MustCompile(`^([-+]?)P(?:([0-9]+(?:[.,][0-9]+)?)D)?(?:T(?:([0-9]+(?:[.,][0-9]+)?)H)?(?:([0-9]+(?:[.,][0-9]+)?)M)?(?:([0-9]+(?:[.,][0-9]+)?)S)?)?$`)
	postgresDuration = regexp.MustCompile(`^(?:(-?[0-9]+) (?:days? ?))?(?:([-+])?([0-9]+):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?)?$`)
)

// ParseDuration reads a duration as DRF's DurationField does (Django's parse_duration):
// Django's own "[DD] [[HH:]MM:]ss[.uuuuuu]" ("3 days, 04:05:06" too), ISO 8601's
// "P3DT4H5M6S" and PostgreSQL's "3 days 04:05:06". Python's timedelta reaches 999999999
// days; time.Duration about 292 years, and a longer duration is refused. As in Django,
// PostgreSQL's pattern has every part optional, so "" and "P" are a duration of zero.
func ParseDuration(s string) (time.Duration, bool) {
	var days, hours, minutes, seconds, micros, sign float64 = 0, 0, 0, 0, 0, 1
	parse := func(s string) float64 {
		f, _ := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		return f
	}
	micro := func(s string) float64 {
		if s == "" {
			return 0
		}
		return parse(s + strings.Repeat("0", 6-len(s)))
	}
	if m := standardDuration.FindStringSubmatch(s); m != nil {
		h, mi := m[3], m[4]
		if h != "" && mi == "" {
			h, mi = "", h // "1:30" is minutes and seconds
		}
		days, hours, minutes, seconds, micros = parse(m[1]), parse(h), parse(mi), parse(m[5]), micro(m[6])
		if m[2] == "-" {
			sign = -1
		}
	} else if m := isoDuration.FindStringSubmatch(s); m != nil {
		days, hours, minutes, seconds = parse(m[2]), parse(m[3]), parse(m[4]), parse(m[5])
		if m[1] == "-" {
			sign, days = -1, -days // ISO's sign applies to the days too
		}
	} else if m := postgresDuration.FindStringSubmatch(s); m != nil {
		days, hours, minutes, seconds, micros = parse(m[1]), parse(m[3]), parse(m[4]), parse(m[5]), micro(m[6])
		if m[2] == "-" {
			sign = -1
		}
	} else {
		return 0, false
	}
	// timedelta(days) + sign * timedelta(hours=..., ...), rounded to the microsecond.
	us := days*86400e6 + sign*(hours*3600e6+minutes*60e6+seconds*1e6+micros)
	us = math.RoundToEven(us)
	if math.Abs(us) > float64(math.MaxInt64/1000) {
		return 0, false
	}
	return time.Duration(us) * time.Microsecond, true
}

// FormatDuration is Django's duration_string, what DurationField renders: "[D ]HH:MM:SS"
// with ".uuuuuu" when there are microseconds. A negative duration reads as Python's
// timedelta keeps it, negative days and positive time: -1s is "-1 23:59:59".
func FormatDuration(d time.Duration) string {
	days, hours, minutes, seconds, micros := durationParts(d)
	s := fmt.Sprintf("%02d:%02d:%02d", hours, minutes, seconds)
	if days != 0 {
		s = strconv.FormatInt(days, 10) + " " + s
	}
	if micros != 0 {
		s += fmt.Sprintf(".%06d", micros)
	}
	return s
}

// pythonTimedelta is str() of a timedelta, as DurationField's min_value and max_value
// messages print it: "1 day, 2:03:04", "0:00:30.500000".
func pythonTimedelta(d time.Duration) string {
	days, hours, minutes, seconds, micros := durationParts(d)
	s := fmt.Sprintf("%d:%02d:%02d", hours, minutes, seconds)
	if micros != 0 {
		s += fmt.Sprintf(".%06d", micros)
	}
	if days != 0 {
		unit := "days"
		if days == 1 || days == -1 {
			unit = "day"
		}
		s = fmt.Sprintf("%d %s, %s", days, unit, s)
	}
	return s
}

// durationParts are timedelta's days, seconds and microseconds (the days floored, so the
// rest is never negative), the seconds split into hours, minutes and seconds.
func durationParts(d time.Duration) (days, hours, minutes, seconds, micros int64) {
	us := int64(d / time.Microsecond)
	const perDay = 86400e6
	days = us / perDay
	rem := us % perDay
	if rem < 0 {
		days--
		rem += perDay
	}
	secs := rem / 1e6
	return days, secs / 3600, secs % 3600 / 60, secs % 60, rem % 1e6
}
