package serializers

import (
	"slices"
	"strings"
	"time"

	"ginrest/settings"
)

// ISO8601 is DRF's ISO_8601 format name: the format setting that means ISO 8601.
const ISO8601 = "iso-8601"

// Formats are DRF's format settings: how dates and times are read and rendered, and
// whether decimals render as strings. A serializer uses DefaultFormats (DRF's defaults)
// unless given others with WithFormats; settings.Settings.Formats builds one from the
// environment. A format is ISO8601 or a Python strftime format ("%d/%m/%Y"), as DRF's
// settings take them; "" is ISO8601.
type Formats struct {
	DateTime      string   // DATETIME_FORMAT
	DateTimeInput []string // DATETIME_INPUT_FORMATS; empty means [ISO8601]
	Date          string   // DATE_FORMAT
	DateInput     []string // DATE_INPUT_FORMATS
	Time          string   // TIME_FORMAT
	TimeInput     []string // TIME_INPUT_FORMATS
	// CoerceDecimalToString renders decimals as strings ("12.50"), DRF's default; false
	// renders them as JSON numbers. A field's coerce_to_string option wins.
	CoerceDecimalToString bool
}

// FormatsFrom are the formats the settings name (DATETIME_FORMAT, DATE_INPUT_FORMATS,
// COERCE_DECIMAL_TO_STRING...). A serializer takes them with WithFormats; one built by New
// alone has DRF's defaults, whatever the settings say.
func FormatsFrom(s settings.RESTFramework) Formats {
	return Formats{
		DateTime: s.DateTimeFormat, DateTimeInput: slices.Clone(s.DateTimeInputFormats),
		Date: s.DateFormat, DateInput: slices.Clone(s.DateInputFormats),
		Time: s.TimeFormat, TimeInput: slices.Clone(s.TimeInputFormats),
		CoerceDecimalToString: s.CoerceDecimalToString,
	}
}

// DefaultFormats are DRF's defaults: ISO 8601 everywhere, decimals as strings.
func DefaultFormats() Formats {
	return Formats{DateTime: ISO8601, Date: ISO8601, Time: ISO8601, CoerceDecimalToString: true}
}

func isISO(format string) bool { return format == "" || strings.EqualFold(format, ISO8601) }

func inputFormats(formats []string) []string {
	if len(formats) == 0 {
		return []string{ISO8601}
	}
	return formats
}

// humanize is DRF's humanize_datetime: the formats as the message names them, ISO 8601
// as iso (DateTimeFormat, "YYYY-MM-DD", "hh:mm[:ss[.uuuuuu]]").
func humanize(formats []string, iso string) string {
	formats = inputFormats(formats)
	out := make([]string, len(formats))
	for i, f := range formats {
		if isISO(f) {
			out[i] = iso
			continue
		}
		out[i] = humanizeReplacer.Replace(f)
	}
	return strings.Join(out, ", ")
}

// humanizeReplacer is humanize_datetime.humanize_strptime's table.
var humanizeReplacer = strings.NewReplacer(
	"%Y", "YYYY", "%y", "YY", "%m", "MM", "%b", "[Jan-Dec]", "%B", "[January-December]",
	"%d", "DD", "%H", "hh", "%I", "hh", "%M", "mm", "%S", "ss", "%f", "uuuuuu",
	"%a", "[Mon-Sun]", "%A", "[Monday-Sunday]", "%p", "[AM|PM]", "%z", "[+HHMM|-HHMM]",
)

// goLayout turns a Python strftime format into a Go layout, for the directives DRF's
// users put in format settings; an unknown directive is kept as text.
func goLayout(strftime string) string {
	return layoutReplacer.Replace(strftime)
}

var layoutReplacer = strings.NewReplacer(
	"%Y", "2006", "%y", "06", "%m", "01", "%d", "02", "%H", "15", "%I", "03", "%M", "04",
	"%S", "05", "%f", "000000", "%p", "PM", "%b", "Jan", "%B", "January", "%a", "Mon",
	"%A", "Monday", "%z", "-0700", "%Z", "MST", "%j", "002", "%%", "%",
)

// parseWith reads s with a strftime format, as datetime.strptime does (Go's parser is
// stricter with widths: "%m" wants two digits).
func parseWith(format, s string) (time.Time, bool) {
	t, err := time.Parse(goLayout(format), s)
	return t, err == nil
}

// Messages whose format list depends on the formats in use.
func (fm *Formats) msgDateTime() string {
	return "Datetime has wrong format. Use one of these formats instead: " + humanize(fm.DateTimeInput, DateTimeFormat) + "."
}

func (fm *Formats) msgDate() string {
	return "Date has wrong format. Use one of these formats instead: " + humanize(fm.DateInput, DateFormat) + "."
}

func (fm *Formats) msgTime() string {
	return "Time has wrong format. Use one of these formats instead: " + humanize(fm.TimeInput, TimeFormat) + "."
}

// readDateTime is DateTimeField.to_internal_value over the input formats. A value that
// is not a string matches none.
func (fm *Formats) readDateTime(raw any) (time.Time, []string) {
	if t, ok := raw.(time.Time); ok {
		return t.UTC(), nil
	}
	if _, ok := raw.(Date); ok {
		return time.Time{}, []string{MsgExpectedDateTime}
	}
	s, ok := raw.(string)
	if ok {
		for _, f := range inputFormats(fm.DateTimeInput) {
			if isISO(f) {
				if t, ok := ParseDateTime(s); ok {
					return t, nil
				}
			} else if t, ok := parseWith(f, s); ok {
				return t.UTC(), nil
			}
		}
	}
	return time.Time{}, []string{fm.msgDateTime()}
}

// readDate is DateField.to_internal_value: a time.Time given in code is a datetime,
// refused as DRF refuses a datetime object.
func (fm *Formats) readDate(raw any) (Date, []string) {
	switch v := raw.(type) {
	case time.Time:
		return Date{}, []string{MsgExpectedDate}
	case Date:
		return v, nil
	case string:
		for _, f := range inputFormats(fm.DateInput) {
			if isISO(f) {
				if d, ok := ParseDate(v); ok {
					return d, nil
				}
			} else if t, ok := parseWith(f, v); ok {
				return DateOf(t), nil
			}
		}
	}
	return Date{}, []string{fm.msgDate()}
}

// readTime is TimeField.to_internal_value.
func (fm *Formats) readTime(raw any) (TimeOfDay, []string) {
	switch v := raw.(type) {
	case TimeOfDay:
		return v, nil
	case string:
		for _, f := range inputFormats(fm.TimeInput) {
			if isISO(f) {
				if t, ok := ParseTimeOfDay(v); ok {
					return t, nil
				}
			} else if t, ok := parseWith(f, v); ok {
				return TimeOfDayOf(t), nil
			}
		}
	}
	return TimeOfDay{}, []string{fm.msgTime()}
}

// Renderings under the output formats.
func (fm *Formats) dateTime(t time.Time) string {
	if isISO(fm.DateTime) {
		return FormatDateTime(t.UTC())
	}
	return t.UTC().Format(goLayout(fm.DateTime))
}

func (fm *Formats) date(d Date) string {
	if isISO(fm.Date) {
		return d.String()
	}
	return d.Time(time.UTC).Format(goLayout(fm.Date))
}

func (fm *Formats) timeOfDay(t TimeOfDay) string {
	if isISO(fm.Time) {
		return t.String()
	}
	return time.Date(2000, 1, 1, t.Hour, t.Minute, t.Second, t.Microsecond*1000, time.UTC).Format(goLayout(fm.Time))
}
