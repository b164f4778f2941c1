package tests

import (
	"net/http"
	"strings"
	"testing"

	"ginrest/settings"
)

// DRF's format settings apply to the app's serializers, as in DRF: the notes' dates, times
// and decimals are read and rendered by DATETIME_FORMAT, DATE_FORMAT, DATE_INPUT_FORMATS and
// COERCE_DECIMAL_TO_STRING without the views naming them.
func TestFormatSettingsReachTheNotes(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) {
		s.REST.DateTimeFormat = "%Y-%m-%d %H:%M"
		s.REST.DateFormat = "%d/%m/%Y"
		s.REST.DateInputFormats = []string{"%d/%m/%Y"}
		s.REST.CoerceDecimalToString = false
	})
	alice := s.apiUser("alice")
	rec := s.send(alice, http.MethodPost, "/api/notes/", `{"title": "Milk", "due": "02/01/2030", "estimate": "1.5"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	note := bodyMap(t, rec)
	if note["due"] != "02/01/2030" {
		t.Errorf("due %v, want DATE_FORMAT's 02/01/2030", note["due"])
	}
	if !strings.Contains(rec.Body.String(), `"estimate":1.5,`) {
		t.Errorf("estimate %v, want the number 1.5 (COERCE_DECIMAL_TO_STRING=false): %s", note["estimate"], rec.Body)
	}
	created := s.Clock.Now().UTC().Format("2006-01-02 15:04")
	if note["created"] != created {
		t.Errorf("created %v, want DATETIME_FORMAT's %s", note["created"], created)
	}
	rec = s.send(alice, http.MethodPost, "/api/notes/", `{"title": "Milk", "due": "2030-01-02"}`)
	assertJSON(t, rec, http.StatusBadRequest, `{"due": ["Date has wrong format. Use one of these formats instead: DD/MM/YYYY."]}`)
}
