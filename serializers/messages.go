package serializers

// DRF 3.14's field messages (rest_framework/fields.py and serializers.py), and Django's
// validator messages that DRF fields show; MsgRequired, MsgNull, MsgBlank and MsgNotString
// are in fields.go.
const (
	MsgInvalid        = "Invalid value."
	MsgInvalidInteger = "A valid integer is required."
	MsgInvalidNumber  = "A valid number is required."
	MsgInvalidBoolean = "Must be a valid boolean."
	MsgStringTooLarge = "String value too large."
	MsgNullCharacters = "Null characters are not allowed."
	MsgInvalidEmail   = "Enter a valid email address."
	MsgInvalidURL     = "Enter a valid URL."
	MsgInvalidUUID    = "Must be a valid UUID."
	MsgInvalidIPv4    = "Enter a valid IPv4 address."
	MsgInvalidIPv6    = "Enter a valid IPv6 address."
	MsgInvalidIP      = "Enter a valid IPv4 or IPv6 address."
	MsgEmptyList      = "This list may not be empty."
	MsgEmptySelection = "This selection may not be empty."
	MsgEmptyDict      = "This dictionary may not be empty."
	MsgInvalidJSON    = "Value must be valid JSON."
	MsgRegexMismatch  = "This value does not match the required pattern."

	MsgInvalidSlug        = `Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.`
	MsgInvalidSlugUnicode = `Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.`

	MsgExpectedDate     = "Expected a date but got a datetime."
	MsgExpectedDateTime = "Expected a datetime but got a date."

	// DateTimeFormat is how DRF describes ISO 8601 to a client (humanize_datetime).
	DateTimeFormat     = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"
	MsgInvalidDateTime = "Datetime has wrong format. Use one of these formats instead: " + DateTimeFormat + "."

	// DateFormat and TimeFormat are how DRF describes ISO 8601 dates and times.
	DateFormat         = "YYYY-MM-DD"
	TimeFormat         = "hh:mm[:ss[.uuuuuu]]"
	MsgInvalidDate     = "Date has wrong format. Use one of these formats instead: " + DateFormat + "."
	MsgInvalidTime     = "Time has wrong format. Use one of these formats instead: " + TimeFormat + "."
	MsgInvalidDuration = "Duration has wrong format. Use one of these formats instead: " + DurationFormat + "."
)

func msgInvalidChoice(input string) string { return `"` + input + `" is not a valid choice.` }

func msgNotAList(pyType string) string {
	return `Expected a list of items but got type "` + pyType + `".`
}

func msgNotADictOfItems(pyType string) string {
	return `Expected a dictionary of items but got type "` + pyType + `".`
}

func msgNotADict(pyType string) string {
	return "Invalid data. Expected a dictionary, but got " + pyType + "."
}

func msgMaxValue(n string) string { return "Ensure this value is less than or equal to " + n + "." }
func msgMinValue(n string) string { return "Ensure this value is greater than or equal to " + n + "." }

// MsgUnique is ModelSerializer's UniqueValidator message (Django's "unique" message with the
// model's and the field's verbose names): "note with this title already exists."
func MsgUnique(model, field string) string {
	return model + " with this " + field + " already exists."
}
