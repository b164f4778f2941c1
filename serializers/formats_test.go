package serializers_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"ginrest/serializers"
	"ginrest/settings"
)

type event struct {
	At    time.Time             `json:"at"`
	Day   serializers.Date      `json:"day"`
	Start serializers.TimeOfDay `json:"start"`
	Fee   decimal.Decimal       `json:"fee" drf:"decimal_places=2"`
	Tip   decimal.Decimal       `json:"tip" drf:"decimal_places=2,coerce_to_string=true"`
}

// TestFormats: DRF's format settings, as a Formats given to the serializer.
func TestFormats(t *testing.T) {
	e := &event{At: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Day: serializers.Date{Year: 2024, Month: 1, Day: 2},
		Start: serializers.TimeOfDay{Hour: 9, Minute: 30}, Fee: decimal.RequireFromString("1.5"), Tip: decimal.RequireFromString("2")}
	defaults := serializers.New[event]()
	out, _ := json.Marshal(defaults.Represent(e))
	if want := `{"at":"2024-01-02T03:04:05Z","day":"2024-01-02","start":"09:30:00","fee":"1.50","tip":"2.00"}`; string(out) != want {
		t.Errorf("defaults: %s", out)
	}
	custom := defaults.WithFormats(serializers.Formats{
		DateTime: "%d/%m/%Y %H:%M", DateTimeInput: []string{"%d/%m/%Y %H:%M", serializers.ISO8601},
		Date: "%d/%m/%Y", DateInput: []string{"%d/%m/%Y"},
		Time: "%I:%M %p", TimeInput: []string{"%H.%M"},
		CoerceDecimalToString: false,
	})
	out, _ = json.Marshal(custom.Represent(e))
	if want := `{"at":"02/01/2024 03:04","day":"02/01/2024","start":"09:30 AM","fee":1.5,"tip":"2.00"}`; string(out) != want {
		t.Errorf("custom: %s", out)
	}
	v := checkInput(t, custom, `{"at": "03/02/2024 10:00", "day": "04/02/2024", "start": "10.15", "fee": 1, "tip": 1}`, "")
	if !v.At.Equal(time.Date(2024, 2, 3, 10, 0, 0, 0, time.UTC)) || v.Day != (serializers.Date{Year: 2024, Month: 2, Day: 4}) ||
		v.Start != (serializers.TimeOfDay{Hour: 10, Minute: 15}) {
		t.Errorf("custom input: %+v", v)
	}
	checkInput(t, custom, `{"at": "2024-02-03T10:00:00Z", "day": "04/02/2024", "start": "10.15", "fee": 1, "tip": 1}`, "")
	checkInput(t, custom, `{"at": "x", "day": "2024-02-04", "start": "10:15", "fee": 1, "tip": 1}`, `{
		"at": ["Datetime has wrong format. Use one of these formats instead: DD/MM/YYYY hh:mm, YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."],
		"day": ["Date has wrong format. Use one of these formats instead: DD/MM/YYYY."],
		"start": ["Time has wrong format. Use one of these formats instead: hh.mm."]}`)
	// The serializer it was made from keeps DRF's defaults.
	checkInput(t, defaults, `{"at": "2024-02-03T10:00:00Z", "day": "2024-02-04", "start": "10:15", "fee": 1, "tip": 1}`, "")
}

// TestFormatsFromSettings: the settings' defaults are DRF's, and the environment's formats
// reach a serializer through FormatsFrom.
func TestFormatsFromSettings(t *testing.T) {
	if got := serializers.FormatsFrom(settings.Default().REST); !reflect.DeepEqual(got, serializers.Formats{
		DateTime: "iso-8601", DateTimeInput: []string{"iso-8601"}, Date: "iso-8601", DateInput: []string{"iso-8601"},
		Time: "iso-8601", TimeInput: []string{"iso-8601"}, CoerceDecimalToString: true,
	}) {
		t.Errorf("defaults %+v", got)
	}
	s := settings.Default()
	s.REST.DateFormat, s.REST.CoerceDecimalToString = "%d.%m.%Y", false
	ser := serializers.New[event]().WithFormats(serializers.FormatsFrom(s.REST))
	d := ser.Represent(&event{Day: serializers.Date{Year: 2024, Month: 5, Day: 6}, Fee: decimal.RequireFromString("3")})
	day, _ := d.Get("day")
	fee, _ := d.Get("fee")
	if day != "06.05.2024" || fee != json.Number("3.0") { // float(Decimal("3.00")), as DRF's encoder writes it
		t.Errorf("day %v, fee %v", day, fee)
	}
}

// UseFormats (the settings', given by generic views) applies to a serializer that has no
// formats of its own; WithFormats' stay.
func TestUseFormats(t *testing.T) {
	e := &event{Day: serializers.Date{Year: 2024, Month: 1, Day: 2}, Fee: decimal.RequireFromString("1.5")}
	settingsFormats := serializers.DefaultFormats()
	settingsFormats.Date = "%d/%m/%Y"
	own := serializers.DefaultFormats()
	own.Date = "%Y/%m/%d"
	for _, c := range []struct {
		name string
		s    *serializers.Serializer[event]
		want string
	}{
		{"no formats of its own", serializers.New[event]().UseFormats(settingsFormats), `"day":"02/01/2024"`},
		{"WithFormats first", serializers.New[event]().WithFormats(own).UseFormats(settingsFormats), `"day":"2024/01/02"`},
	} {
		out, _ := json.Marshal(c.s.Represent(e))
		if !strings.Contains(string(out), c.want) {
			t.Errorf("%s: %s, want %s", c.name, out, c.want)
		}
	}
}
