package serializers_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"ginrest/rest"
	"ginrest/serializers"
)

// kinds has one field of each DRF field type beyond the basic ones; every field is
// optional, so that a table row names only the field it is about.
type kinds struct {
	Price    decimal.Decimal       `json:"price" drf:"optional,max_digits=5,decimal_places=2"`
	Loose    decimal.Decimal       `json:"loose" drf:"optional"`
	Bounded  decimal.Decimal       `json:"bounded" drf:"optional,min_value=0.5,max_value=10"`
	Number   decimal.Decimal       `json:"number" drf:"optional,decimal_places=1,coerce_to_string=false"`
	MaybeDec *decimal.Decimal      `json:"maybe_dec" drf:"optional,max_digits=4,decimal_places=1"`
	Day      serializers.Date      `json:"day" drf:"optional"`
	At       serializers.TimeOfDay `json:"at" drf:"optional"`
	Took     time.Duration         `json:"took" drf:"optional"`
	Short    time.Duration         `json:"short" drf:"optional,min_value=1,max_value=1 00:00:00"`
	ID       serializers.UUID      `json:"id" drf:"optional"`
	HexID    serializers.UUID      `json:"hex_id" drf:"optional,format=hex"`
	IP       netip.Addr            `json:"ip" drf:"optional"`
	IPv4     netip.Addr            `json:"ipv4" drf:"optional,protocol=IPv4"`
	IPv6     netip.Addr            `json:"ipv6" drf:"optional,protocol=IPv6"`
	IPText   string                `json:"ip_text" drf:"optional,protocol=both"`
	Slug     string                `json:"slug" drf:"optional,slug"`
	Uslug    string                `json:"uslug" drf:"optional,slug,allow_unicode"`
	Code     string                `json:"code" drf:"optional,regex=^[A-Z]{2,3}(-[0-9]{1,2})?$"`
	Data     json.RawMessage       `json:"data" drf:"optional"`
	Blob     json.RawMessage       `json:"blob" drf:"optional,binary"`
	Scores   map[string]int        `json:"scores" drf:"optional" validate:"dive,min=0"`
	Labels   map[string]string     `json:"labels" drf:"optional,allow_empty=false"`
	Colors   []string              `json:"colors" drf:"optional" validate:"oneof=red green blue"`
	Sizes    []int                 `json:"sizes" drf:"optional,allow_empty=false" validate:"oneof=1 2 3"`
}

var kindsSerializer = serializers.New[kinds]()

// checkInput validates body with s and compares the error body (DRF's) with want, "" for
// valid input; it returns the validated value.
func checkInput[T any](t *testing.T, s *serializers.Serializer[T], body, want string) *T {
	t.Helper()
	data, err := rest.ParseJSON([]byte(body))
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	v, err := s.Validate(t.Context(), data)
	got := ""
	if err != nil {
		re, ok := err.(*rest.Error)
		if !ok {
			t.Fatalf("%s: %v is not a *rest.Error", body, err)
		}
		out, _ := json.Marshal(re)
		got = string(out)
	}
	if !sameJSON(t, got, want) {
		t.Fatalf("%s:\ngot  %s\nwant %s", body, got, want)
	}
	if v == nil {
		return nil
	}
	return &v.Value
}

// TestFieldTypes: each field type reads its valid inputs into the Go value and renders it
// back as DRF does (in, then the field's representation).
func TestFieldTypes(t *testing.T) {
	tests := []struct {
		name, body, field string
		want              string // the field's representation, as JSON
	}{
		// DecimalField: quantized to decimal_places, rendered as a string.
		{"decimal", `{"price": "12.5"}`, "price", `"12.50"`},
		{"decimal from a number", `{"price": 12.5}`, "price", `"12.50"`},
		{"decimal from an integer", `{"price": 3}`, "price", `"3.00"`},
		{"decimal trimmed, signed", `{"price": " -1.25 "}`, "price", `"-1.25"`},
		{"decimal with underscores (Python's Decimal)", `{"price": "1_0.5"}`, "price", `"10.50"`},
		{"decimal from an exponent", `{"price": "1.5e2"}`, "price", `"150.00"`},
		{"decimal with no places keeps its own", `{"loose": "1.500"}`, "loose", `"1.500"`},
		{"decimal 1e3 without places", `{"loose": "1e3"}`, "loose", `"1000"`},
		{"decimal small", `{"loose": ".001"}`, "loose", `"0.001"`},
		{"decimal as a number (coerce_to_string=false)", `{"number": "2.5"}`, "number", `2.5`},
		{"decimal min and max", `{"bounded": "0.5"}`, "bounded", `"0.5"`},
		{"nullable decimal from blank", `{"maybe_dec": " "}`, "maybe_dec", `null`},
		{"nullable decimal", `{"maybe_dec": "1.5"}`, "maybe_dec", `"1.5"`},
		// DateField, TimeField, DurationField.
		{"date", `{"day": "2024-02-29"}`, "day", `"2024-02-29"`},
		{"date without zero padding", `{"day": "2024-3-7"}`, "day", `"2024-03-07"`},
		{"time", `{"at": "13:45"}`, "at", `"13:45:00"`},
		{"time with seconds", `{"at": "7:05:09"}`, "at", `"07:05:09"`},
		{"time with microseconds", `{"at": "13:45:00.5"}`, "at", `"13:45:00.500000"`},
		{"time with an offset drops it", `{"at": "13:45:00+02:00"}`, "at", `"13:45:00"`},
		{"duration in seconds", `{"took": "90"}`, "took", `"00:01:30"`},
		{"duration as a number", `{"took": 3.5}`, "took", `"00:00:03.500000"`},
		{"duration mm:ss", `{"took": "1:30"}`, "took", `"00:01:30"`},
		{"duration hh:mm:ss", `{"took": "2:03:04"}`, "took", `"02:03:04"`},
		{"duration with days", `{"took": "3 04:05:06.5"}`, "took", `"3 04:05:06.500000"`},
		{"duration Python's str", `{"took": "1 day, 0:00:01"}`, "took", `"1 00:00:01"`},
		{"duration ISO 8601", `{"took": "P1DT2H3M4.5S"}`, "took", `"1 02:03:04.500000"`},
		{"duration ISO 8601 negative", `{"took": "-PT1S"}`, "took", `"-1 23:59:59"`},
		{"duration negative", `{"took": "-00:00:01"}`, "took", `"-1 23:59:59"`},
		{"duration PostgreSQL", `{"took": "3 days 04:05:06"}`, "took", `"3 04:05:06"`},
		{"duration within min and max", `{"short": "1"}`, "short", `"00:00:01"`},
		// UUIDField.
		{"uuid hyphenated", `{"id": "6F9619FF-8B86-D011-B42D-00C04FC964FF"}`, "id", `"6f9619ff-8b86-d011-b42d-00c04fc964ff"`},
		{"uuid hex", `{"id": "6f9619ff8b86d011b42d00c04fc964ff"}`, "id", `"6f9619ff-8b86-d011-b42d-00c04fc964ff"`},
		{"uuid urn with braces", `{"id": "urn:uuid:{6f9619ff-8b86-d011-b42d-00c04fc964ff}"}`, "id", `"6f9619ff-8b86-d011-b42d-00c04fc964ff"`},
		{"uuid from an integer", `{"id": 1}`, "id", `"00000000-0000-0000-0000-000000000001"`},
		{"uuid format=hex", `{"hex_id": "6f9619ff-8b86-d011-b42d-00c04fc964ff"}`, "hex_id", `"6f9619ff8b86d011b42d00c04fc964ff"`},
		// IPAddressField.
		{"ipv4", `{"ip": " 192.168.0.1 "}`, "ip", `"192.168.0.1"`},
		{"ipv6 compressed", `{"ip": "2001:0db8:0000:0000:0000:0000:0000:0001"}`, "ip", `"2001:db8::1"`},
		{"ipv4-mapped unpacked with both", `{"ip": "::ffff:10.0.0.1"}`, "ip", `"10.0.0.1"`},
		{"ipv4-mapped kept with IPv6", `{"ipv6": "::ffff:10.0.0.1"}`, "ipv6", `"::ffff:10.0.0.1"`},
		{"protocol IPv4", `{"ipv4": "10.0.0.1"}`, "ipv4", `"10.0.0.1"`},
		{"an address in a string", `{"ip_text": "2001:DB8:0::1"}`, "ip_text", `"2001:db8::1"`},
		// SlugField, RegexField.
		{"slug", `{"slug": " a-b_C9 "}`, "slug", `"a-b_C9"`},
		{"unicode slug", `{"uslug": "café-1"}`, "uslug", `"café-1"`},
		{"regex", `{"code": "FR-75"}`, "code", `"FR-75"`},
		// JSONField.
		{"json object", `{"data": {"b": [1, 2.50, null], "a": "x"}}`, "data", `{"b": [1, 2.50, null], "a": "x"}`},
		{"json string", `{"data": "text"}`, "data", `"text"`},
		{"json number", `{"data": 12}`, "data", `12`},
		{"json binary", `{"blob": "{\"b\":[1,2.5],\"a\":\"é\"}"}`, "blob", `"{\"b\": [1, 2.5], \"a\": \"\\u00e9\"}"`},
		// DictField.
		{"dict of integers", `{"scores": {"a": "1", "b": 2}}`, "scores", `{"a": 1, "b": 2}`},
		{"dict of strings", `{"labels": {"k": " v "}}`, "labels", `{"k": "v"}`},
		// MultipleChoiceField.
		{"multiple choice", `{"colors": ["red", "blue", "red"]}`, "colors", `["red", "blue"]`},
		{"multiple choice empty", `{"colors": []}`, "colors", `[]`},
		{"multiple choice of integers", `{"sizes": ["1", 3]}`, "sizes", `[1, 3]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := checkInput(t, kindsSerializer, tt.body, "")
			got, ok := kindsSerializer.Represent(v).Get(tt.field)
			if !ok {
				t.Fatalf("no %s in the representation", tt.field)
			}
			out, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, string(out), tt.want) {
				t.Errorf("%s: %s = %s, want %s", tt.body, tt.field, out, tt.want)
			}
		})
	}
}

// TestFieldTypeMessages: what each field type refuses, in DRF 3.14's words.
func TestFieldTypeMessages(t *testing.T) {
	long := strings.Repeat("1", 1001)
	tests := []struct{ name, body, want string }{
		{"decimal text", `{"price": "abc"}`, `{"price": ["A valid number is required."]}`},
		{"decimal blank", `{"price": ""}`, `{"price": ["A valid number is required."]}`},
		{"decimal boolean", `{"price": true}`, `{"price": ["A valid number is required."]}`},
		{"decimal NaN", `{"price": "NaN"}`, `{"price": ["A valid number is required."]}`},
		{"decimal Infinity", `{"price": "Infinity"}`, `{"price": ["A valid number is required."]}`},
		{"decimal -inf", `{"price": "-inf"}`, `{"price": ["A valid number is required."]}`},
		{"decimal list", `{"price": [1]}`, `{"price": ["A valid number is required."]}`},
		{"decimal too long", `{"price": "` + long + `"}`, `{"price": ["String value too large."]}`},
		{"decimal max_digits", `{"price": "1234.56"}`, `{"price": ["Ensure that there are no more than 5 digits in total."]}`},
		{"decimal trailing zeros count", `{"price": "1.000"}`, `{"price": ["Ensure that there are no more than 2 decimal places."]}`},
		{"decimal decimal_places", `{"price": "0.125"}`, `{"price": ["Ensure that there are no more than 2 decimal places."]}`},
		{"decimal whole digits", `{"price": "1234"}`, `{"price": ["Ensure that there are no more than 3 digits before the decimal point."]}`},
		{"decimal exponent digits", `{"price": "1e5"}`, `{"price": ["Ensure that there are no more than 5 digits in total."]}`},
		{"decimal a float's digits", `{"price": 1e3}`, `{"price": ["Ensure that there are no more than 3 digits before the decimal point."]}`},
		{"decimal max_value", `{"bounded": "10.01"}`, `{"bounded": ["Ensure this value is less than or equal to 10."]}`},
		{"decimal min_value", `{"bounded": 0.25}`, `{"bounded": ["Ensure this value is greater than or equal to 0.5."]}`},
		{"decimal null", `{"price": null}`, `{"price": ["This field may not be null."]}`},
		{"date format", `{"day": "02/01/2024"}`, `{"day": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`},
		{"date impossible", `{"day": "2023-02-29"}`, `{"day": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`},
		{"date with a time", `{"day": "2024-01-02T03:04:05"}`, `{"day": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`},
		{"date number", `{"day": 20240102}`, `{"day": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`},
		{"time format", `{"at": "1pm"}`, `{"at": ["Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."]}`},
		{"time hour 24", `{"at": "24:00"}`, `{"at": ["Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."]}`},
		{"duration format", `{"took": "an hour"}`, `{"took": ["Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu]."]}`},
		{"duration boolean", `{"took": true}`, `{"took": ["Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu]."]}`},
		{"duration max_value", `{"short": "1 00:00:01"}`, `{"short": ["Ensure this value is less than or equal to 1 day, 0:00:00."]}`},
		{"duration min_value", `{"short": "0.5"}`, `{"short": ["Ensure this value is greater than or equal to 0:00:01."]}`},
		{"uuid short", `{"id": "6f9619ff-8b86-d011-b42d-00c04fc964f"}`, `{"id": ["Must be a valid UUID."]}`},
		{"uuid not hex", `{"id": "zf9619ff-8b86-d011-b42d-00c04fc964ff"}`, `{"id": ["Must be a valid UUID."]}`},
		{"uuid negative", `{"id": -1}`, `{"id": ["Must be a valid UUID."]}`},
		{"uuid float", `{"id": 1.5}`, `{"id": ["Must be a valid UUID."]}`},
		{"uuid list", `{"id": []}`, `{"id": ["Must be a valid UUID."]}`},
		{"ip", `{"ip": "300.1.1.1"}`, `{"ip": ["Enter a valid IPv4 or IPv6 address."]}`},
		{"ip leading zeros", `{"ip": "010.1.1.1"}`, `{"ip": ["Enter a valid IPv4 or IPv6 address."]}`},
		{"ip bad IPv6", `{"ip": "1::2::3"}`, `{"ip": ["Enter a valid IPv4 or IPv6 address."]}`},
		{"ip number", `{"ip": 1}`, `{"ip": ["Enter a valid IPv4 or IPv6 address."]}`},
		{"ip blank", `{"ip": ""}`, `{"ip": ["This field may not be blank."]}`},
		{"an address in a string", `{"ip_text": "1.2.3"}`, `{"ip_text": ["Enter a valid IPv4 or IPv6 address."]}`},
		{"IPv4 protocol refuses IPv6", `{"ipv4": "::1"}`, `{"ipv4": ["Enter a valid IPv4 address."]}`},
		{"IPv6 protocol refuses IPv4", `{"ipv6": "10.0.0.1"}`, `{"ipv6": ["Enter a valid IPv6 address."]}`},
		{"IPv6 protocol, bad IPv6: DRF's own message", `{"ipv6": "1::2::3"}`, `{"ipv6": ["Enter a valid IPv4 or IPv6 address."]}`},
		{"slug", `{"slug": "a b"}`, `{"slug": ["Enter a valid \"slug\" consisting of letters, numbers, underscores or hyphens."]}`},
		{"slug not unicode", `{"slug": "café"}`, `{"slug": ["Enter a valid \"slug\" consisting of letters, numbers, underscores or hyphens."]}`},
		{"unicode slug", `{"uslug": "a.b"}`, `{"uslug": ["Enter a valid \"slug\" consisting of Unicode letters, numbers, underscores, or hyphens."]}`},
		{"slug blank", `{"slug": ""}`, `{"slug": ["This field may not be blank."]}`},
		{"regex", `{"code": "fr-75"}`, `{"code": ["This value does not match the required pattern."]}`},
		{"json null", `{"data": null}`, `{"data": ["This field may not be null."]}`},
		{"json binary not JSON", `{"blob": "{oops"}`, `{"blob": ["Value must be valid JSON."]}`},
		{"json binary not text", `{"blob": {"a": 1}}`, `{"blob": ["Value must be valid JSON."]}`},
		{"dict of a list", `{"scores": [1]}`, `{"scores": ["Expected a dictionary of items but got type \"list\"."]}`},
		{"dict of a string", `{"scores": "a"}`, `{"scores": ["Expected a dictionary of items but got type \"str\"."]}`},
		{"dict values", `{"scores": {"a": "x", "b": -1, "c": 1}}`, `{"scores": {"a": ["A valid integer is required."], "b": ["Ensure this value is greater than or equal to 0."]}}`},
		{"dict empty", `{"labels": {}}`, `{"labels": ["This dictionary may not be empty."]}`},
		{"dict null value", `{"labels": {"a": null}}`, `{"labels": {"a": ["This field may not be null."]}}`},
		{"multiple choice wrong", `{"colors": ["red", "pink"]}`, `{"colors": ["\"pink\" is not a valid choice."]}`},
		{"multiple choice string", `{"colors": "red"}`, `{"colors": ["Expected a list of items but got type \"str\"."]}`},
		{"multiple choice object", `{"colors": {"a": 1}}`, `{"colors": ["Expected a list of items but got type \"dict\"."]}`},
		{"multiple choice empty", `{"sizes": []}`, `{"sizes": ["This selection may not be empty."]}`},
		{"multiple choice integer", `{"sizes": [4]}`, `{"sizes": ["\"4\" is not a valid choice."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkInput(t, kindsSerializer, tt.body, tt.want) })
	}
}

// TestFieldTypeValues: the Go values the field types read.
func TestFieldTypeValues(t *testing.T) {
	v := checkInput(t, kindsSerializer, `{"price": "1.5", "day": "2024-01-02", "at": "01:02:03.000004",
		"took": "1 00:00:00.000001", "id": "00000000-0000-0000-0000-0000000000ff", "ip": "10.0.0.1",
		"data": [1, "a"], "scores": {"x": 3}, "colors": ["green"]}`, "")
	if !v.Price.Equal(decimal.RequireFromString("1.50")) || v.Price.Exponent() != -2 {
		t.Errorf("price %v (exponent %d)", v.Price, v.Price.Exponent())
	}
	if v.Day != (serializers.Date{Year: 2024, Month: time.January, Day: 2}) {
		t.Errorf("day %v", v.Day)
	}
	if v.At != (serializers.TimeOfDay{Hour: 1, Minute: 2, Second: 3, Microsecond: 4}) {
		t.Errorf("at %v", v.At)
	}
	if v.Took != 24*time.Hour+time.Microsecond {
		t.Errorf("took %v", v.Took)
	}
	if v.ID[15] != 0xff || v.ID[14] != 0 {
		t.Errorf("id %v", v.ID)
	}
	if v.IP != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("ip %v", v.IP)
	}
	if string(v.Data) != `[1,"a"]` {
		t.Errorf("data %s", v.Data)
	}
	if v.Scores["x"] != 3 || len(v.Colors) != 1 || v.Colors[0] != "green" {
		t.Errorf("scores %v colors %v", v.Scores, v.Colors)
	}
}

// TestDescribeFieldTypes: OPTIONS names the field types as DRF 3.14's SimpleMetadata
// does: DurationField and JSONField are not in its label_lookup ("field"), UUIDField and
// IPAddressField are strings, a Decimal bound is text (force_str).
func TestDescribeFieldTypes(t *testing.T) {
	got, err := json.Marshal(kindsSerializer.Describe())
	if err != nil {
		t.Fatal(err)
	}
	opt := func(typ, label string) string {
		return `{"type": "` + typ + `", "required": false, "read_only": false, "label": "` + label + `"}`
	}
	want := `{
	"price": ` + opt("decimal", "Price") + `,
	"loose": ` + opt("decimal", "Loose") + `,
	"bounded": {"type": "decimal", "required": false, "read_only": false, "label": "Bounded", "min_value": "0.5", "max_value": "10"},
	"number": ` + opt("decimal", "Number") + `,
	"maybe_dec": ` + opt("decimal", "Maybe dec") + `,
	"day": ` + opt("date", "Day") + `,
	"at": ` + opt("time", "At") + `,
	"took": ` + opt("field", "Took") + `,
	"short": {"type": "field", "required": false, "read_only": false, "label": "Short", "min_value": "0:00:01", "max_value": "1 day, 0:00:00"},
	"id": ` + opt("string", "ID") + `,
	"hex_id": ` + opt("string", "Hex id") + `,
	"ip": ` + opt("string", "Ip") + `,
	"ipv4": ` + opt("string", "Ipv4") + `,
	"ipv6": ` + opt("string", "Ipv6") + `,
	"ip_text": ` + opt("string", "Ip text") + `,
	"slug": ` + opt("slug", "Slug") + `,
	"uslug": ` + opt("slug", "Uslug") + `,
	"code": ` + opt("regex", "Code") + `,
	"data": ` + opt("field", "Data") + `,
	"blob": ` + opt("field", "Blob") + `,
	"scores": {"type": "nested object", "required": false, "read_only": false, "label": "Scores",
		"child": {"type": "integer", "required": true, "read_only": false, "min_value": 0}},
	"labels": {"type": "nested object", "required": false, "read_only": false, "label": "Labels",
		"child": {"type": "string", "required": true, "read_only": false}},
	"colors": {"type": "multiple choice", "required": false, "read_only": false, "label": "Colors",
		"choices": [{"value": "red", "display_name": "red"}, {"value": "green", "display_name": "green"}, {"value": "blue", "display_name": "blue"}]},
	"sizes": {"type": "multiple choice", "required": false, "read_only": false, "label": "Sizes",
		"choices": [{"value": 1, "display_name": "1"}, {"value": 2, "display_name": "2"}, {"value": 3, "display_name": "3"}]}
}`
	if !sameJSON(t, string(got), want) {
		t.Errorf("got %s", got)
	}
}
