package serializers_test

import (
	"testing"
	"time"

	"ginrest/serializers"
)

// TestParseDuration: Django's parse_duration, its three patterns and their corners.
func TestParseDuration(t *testing.T) {
	valid := map[string]time.Duration{
		"30":                30 * time.Second,
		"1:30":              90 * time.Second,
		"1:02:03":           time.Hour + 2*time.Minute + 3*time.Second,
		"1:02:03.5":         time.Hour + 2*time.Minute + 3500*time.Millisecond,
		"1:02:03,000001":    time.Hour + 2*time.Minute + 3*time.Second + time.Microsecond,
		"1.1234567":         time.Second + 123456*time.Microsecond, // digits past the sixth are ignored
		"2 1:00:00":         49 * time.Hour,
		"-2 1:00:00":        -47 * time.Hour, // timedelta(days=-2) + 1h
		"-1:00:00":          -time.Hour,
		"2 days, 0:00:00":   48 * time.Hour,
		"P2D":               48 * time.Hour,
		"PT0.5S":            500 * time.Millisecond,
		"P0.5D":             12 * time.Hour,
		"-P1DT1H":           -25 * time.Hour,
		"+PT1M":             time.Minute,
		"P":                 0, // every part optional in Django's patterns
		"":                  0,
		"3 days 04:05:06":   3*24*time.Hour + 4*time.Hour + 5*time.Minute + 6*time.Second,
		"-3 days -04:05:06": -3*24*time.Hour - 4*time.Hour - 5*time.Minute - 6*time.Second,
		"1 day 00:00:00.25": 24*time.Hour + 250*time.Millisecond,
	}
	for in, want := range valid {
		if got, ok := serializers.ParseDuration(in); !ok || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"1:2:3:4", "abc", "1 hour", "P1Y", "1.", "1:60x", "110000 00:00:00", " 30"} {
		if got, ok := serializers.ParseDuration(in); ok {
			t.Errorf("ParseDuration(%q) = %v, want refused", in, got)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                          "00:00:00",
		time.Microsecond:           "00:00:00.000001",
		25*time.Hour + time.Second: "1 01:00:01",
		-time.Second:               "-1 23:59:59",
		-49 * time.Hour:            "-3 23:00:00",
		1500 * time.Nanosecond:     "00:00:00.000001", // to the microsecond, as timedelta
	} {
		if got := serializers.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
