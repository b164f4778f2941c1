package settings_test

import (
	"testing"

	"ginrest/settings"
)

// TestFormatSettings: DRF's format settings, read from the environment.
func TestFormatSettings(t *testing.T) {
	s, err := settings.Load(env(map[string]string{
		"DATETIME_FORMAT": "%Y-%m-%d %H:%M", "DATE_INPUT_FORMATS": "%d/%m/%Y,iso-8601", "COERCE_DECIMAL_TO_STRING": "false",
	}))
	if err != nil {
		t.Fatal(err)
	}
	r := s.REST
	if r.DateTimeFormat != "%Y-%m-%d %H:%M" || len(r.DateInputFormats) != 2 || r.DateInputFormats[0] != "%d/%m/%Y" ||
		r.CoerceDecimalToString || r.DateFormat != "iso-8601" || r.TimeInputFormats[0] != "iso-8601" {
		t.Errorf("REST %+v", r)
	}
}
