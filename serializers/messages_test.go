package serializers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"ginrest/rest"
	"ginrest/serializers"
)

type child struct {
	Name string `json:"name" validate:"max=5"`
}

// everything has one field of each kind; only title is required.
type everything struct {
	Title   string     `json:"title" validate:"max=10,min=2"`
	Plain   string     `json:"plain" drf:"optional,trim_whitespace=false"`
	Blank   string     `json:"blank" drf:"optional,allow_blank" validate:"min=2"`
	Count   int        `json:"count" drf:"optional" validate:"min=1,max=100"`
	Small   int8       `json:"small" drf:"optional"`
	Natural uint16     `json:"natural" drf:"optional"`
	Ratio   float64    `json:"ratio" drf:"optional" validate:"gte=0,lte=1"`
	Done    bool       `json:"done" drf:"optional"`
	Maybe   *bool      `json:"maybe" drf:"optional"`
	Email   string     `json:"email" drf:"optional" validate:"email"`
	Site    string     `json:"site" drf:"optional" validate:"url"`
	Status  string     `json:"status" drf:"optional" validate:"oneof=draft published"`
	Level   int        `json:"level" drf:"optional" validate:"oneof=1 2 3"`
	When    time.Time  `json:"when" drf:"optional"`
	Tags    []string   `json:"tags" drf:"optional" validate:"max=2,dive,max=3"`
	Scores  []int      `json:"scores" drf:"optional,allow_empty=false"`
	Child   child      `json:"child" drf:"optional"`
	Kids    []child    `json:"kids" drf:"optional,allow_empty=false" validate:"max=2"`
	Code    string     `json:"code" drf:"optional" validate:"alpha"`
	UUID    string     `json:"uuid" drf:"optional" validate:"uuid"`
	Both    string     `json:"both" drf:"optional" validate:"max=3,email"`
	Note    *string    `json:"note" drf:"optional"`
	Due     *time.Time `json:"due" drf:"optional"`
}

var everythingSerializer = serializers.New[everything]()

// validate runs the serializer on a JSON body and returns the error body, or "" if valid.
func validate(t *testing.T, body string) (string, *everything) {
	t.Helper()
	data, err := rest.ParseJSON([]byte(body))
	if err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	v, err := everythingSerializer.Validate(context.Background(), data)
	if err != nil {
		var re *rest.Error
		if !errors.As(err, &re) || re.Status != http.StatusBadRequest {
			t.Fatalf("body %s: error %v is not a 400 *rest.Error", body, err)
		}
		out, _ := json.Marshal(re)
		return string(out), nil
	}
	return "", &v.Value
}

// sameJSON compares two JSON texts by value.
func sameJSON(t *testing.T, got, want string) bool {
	t.Helper()
	if got == "" || want == "" {
		return got == want
	}
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

// TestMessages: every message DRF gives for bad input, in DRF's words and shape.
func TestMessages(t *testing.T) {
	long := strings.Repeat("1", 1001)
	tests := []struct {
		name, body, want string
	}{
		{"required", `{}`, `{"title": ["This field is required."]}`},
		{"null", `{"title": null}`, `{"title": ["This field may not be null."]}`},
		{"blank", `{"title": ""}`, `{"title": ["This field may not be blank."]}`},
		{"blank after trimming", `{"title": " \t\n "}`, `{"title": ["This field may not be blank."]}`},
		{"blank without trimming", `{"title": "ok", "plain": ""}`, `{"plain": ["This field may not be blank."]}`},
		{"max_length", `{"title": "12345678901"}`, `{"title": ["Ensure this field has no more than 10 characters."]}`},
		{"max_length counts characters", `{"title": "ééééééééééé"}`, `{"title": ["Ensure this field has no more than 10 characters."]}`},
		{"min_length", `{"title": "a"}`, `{"title": ["Ensure this field has at least 2 characters."]}`},
		{"min_length after trimming", `{"title": "  a  "}`, `{"title": ["Ensure this field has at least 2 characters."]}`},
		{"allow_blank skips the rules", `{"title": "ok", "blank": ""}`, ``},
		{"allow_blank still checks the rest", `{"title": "ok", "blank": "a"}`, `{"blank": ["Ensure this field has at least 2 characters."]}`},
		{"boolean is not a string", `{"title": true}`, `{"title": ["Not a valid string."]}`},
		{"list is not a string", `{"title": ["ab"]}`, `{"title": ["Not a valid string."]}`},
		{"object is not a string", `{"title": {"a": 1}}`, `{"title": ["Not a valid string."]}`},
		{"null character", `{"title": "a\u0000b"}`, `{"title": ["Null characters are not allowed."]}`},
		{"float is not an integer", `{"title": "ok", "count": 5.5}`, `{"count": ["A valid integer is required."]}`},
		{"text is not an integer", `{"title": "ok", "count": "abc"}`, `{"count": ["A valid integer is required."]}`},
		{"boolean is not an integer", `{"title": "ok", "count": true}`, `{"count": ["A valid integer is required."]}`},
		{"empty string is not an integer", `{"title": "ok", "count": ""}`, `{"count": ["A valid integer is required."]}`},
		{"list is not an integer", `{"title": "ok", "count": [1]}`, `{"count": ["A valid integer is required."]}`},
		{"1e20 is not an integer", `{"title": "ok", "count": 1e20}`, `{"count": ["A valid integer is required."]}`},
		{"numeric string too long", `{"title": "ok", "count": "` + long + `"}`, `{"count": ["String value too large."]}`},
		{"max_value", `{"title": "ok", "count": 101}`, `{"count": ["Ensure this value is less than or equal to 100."]}`},
		{"min_value", `{"title": "ok", "count": 0}`, `{"count": ["Ensure this value is greater than or equal to 1."]}`},
		{"int8 range", `{"title": "ok", "small": 128}`, `{"small": ["Ensure this value is less than or equal to 127."]}`},
		{"int8 range below", `{"title": "ok", "small": -129}`, `{"small": ["Ensure this value is greater than or equal to -128."]}`},
		{"uint is not negative", `{"title": "ok", "natural": -1}`, `{"natural": ["Ensure this value is greater than or equal to 0."]}`},
		{"uint16 range", `{"title": "ok", "natural": "65536"}`, `{"natural": ["Ensure this value is less than or equal to 65535."]}`},
		{"huge integer", `{"title": "ok", "count": 123456789012345678901234567890}`, `{"count": ["Ensure this value is less than or equal to 9223372036854775807."]}`},
		{"not a number", `{"title": "ok", "ratio": "abc"}`, `{"ratio": ["A valid number is required."]}`},
		{"nan is refused", `{"title": "ok", "ratio": "nan"}`, `{"ratio": ["A valid number is required."]}`},
		{"float max_value", `{"title": "ok", "ratio": 1.5}`, `{"ratio": ["Ensure this value is less than or equal to 1."]}`},
		{"float min_value", `{"title": "ok", "ratio": "-0.5"}`, `{"ratio": ["Ensure this value is greater than or equal to 0."]}`},
		{"not a boolean", `{"title": "ok", "done": "maybe"}`, `{"done": ["Must be a valid boolean."]}`},
		{"2 is not a boolean", `{"title": "ok", "done": 2}`, `{"done": ["Must be a valid boolean."]}`},
		{"empty string is not a boolean", `{"title": "ok", "done": ""}`, `{"done": ["Must be a valid boolean."]}`},
		{"list is not a boolean", `{"title": "ok", "done": [true]}`, `{"done": ["Must be a valid boolean."]}`},
		{"null boolean", `{"title": "ok", "done": null}`, `{"done": ["This field may not be null."]}`},
		{"email", `{"title": "ok", "email": "not-an-email"}`, `{"email": ["Enter a valid email address."]}`},
		{"url", `{"title": "ok", "site": "not a url"}`, `{"site": ["Enter a valid URL."]}`},
		{"choice", `{"title": "ok", "status": "x"}`, `{"status": ["\"x\" is not a valid choice."]}`},
		{"choice of a number", `{"title": "ok", "status": 5}`, `{"status": ["\"5\" is not a valid choice."]}`},
		{"choice of a boolean", `{"title": "ok", "status": true}`, `{"status": ["\"True\" is not a valid choice."]}`},
		{"choice of a float", `{"title": "ok", "level": 1.0}`, `{"level": ["\"1.0\" is not a valid choice."]}`},
		{"choice of a list", `{"title": "ok", "status": ["draft"]}`, `{"status": ["\"['draft']\" is not a valid choice."]}`},
		{"blank choice", `{"title": "ok", "status": ""}`, `{"status": ["\"\" is not a valid choice."]}`},
		{"datetime", `{"title": "ok", "when": "yesterday"}`, `{"when": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}`},
		{"datetime of a number", `{"title": "ok", "when": 1700000000}`, `{"when": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}`},
		{"impossible date", `{"title": "ok", "when": "2023-02-29T00:00:00Z"}`, `{"when": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}`},
		{"list of a string", `{"title": "ok", "tags": "abc"}`, `{"tags": ["Expected a list of items but got type \"str\"."]}`},
		{"list of a dict", `{"title": "ok", "tags": {"a": 1}}`, `{"tags": ["Expected a list of items but got type \"dict\"."]}`},
		{"list of an int", `{"title": "ok", "tags": 5}`, `{"tags": ["Expected a list of items but got type \"int\"."]}`},
		{"list of a float", `{"title": "ok", "tags": 5.5}`, `{"tags": ["Expected a list of items but got type \"float\"."]}`},
		{"list of a bool", `{"title": "ok", "tags": false}`, `{"tags": ["Expected a list of items but got type \"bool\"."]}`},
		{"list too long", `{"title": "ok", "tags": ["a", "b", "c"]}`, `{"tags": ["Ensure this field has no more than 2 elements."]}`},
		{"list items by index", `{"title": "ok", "tags": ["abcd", "ok"]}`, `{"tags": {"0": ["Ensure this field has no more than 3 characters."]}}`},
		{"list items of each kind", `{"title": "ok", "tags": ["", null, true, "ok"]}`,
			`{"tags": {"0": ["This field may not be blank."], "1": ["This field may not be null."], "2": ["Not a valid string."]}}`},
		{"integer list items", `{"title": "ok", "scores": [1, "x", 3]}`, `{"scores": {"1": ["A valid integer is required."]}}`},
		{"empty list refused", `{"title": "ok", "scores": []}`, `{"scores": ["This list may not be empty."]}`},
		{"nested", `{"title": "ok", "child": {"name": "toolong"}}`, `{"child": {"name": ["Ensure this field has no more than 5 characters."]}}`},
		{"nested required", `{"title": "ok", "child": {}}`, `{"child": {"name": ["This field is required."]}}`},
		{"nested not a dict", `{"title": "ok", "child": "bob"}`, `{"child": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}`},
		{"nested list not a dict", `{"title": "ok", "child": []}`, `{"child": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}}`},
		{"nested null", `{"title": "ok", "child": null}`, `{"child": ["This field may not be null."]}`},
		{"list of objects aligned", `{"title": "ok", "kids": [{"name": "a"}, {}]}`, `{"kids": [{}, {"name": ["This field is required."]}]}`},
		{"list of objects, each error", `{"title": "ok", "kids": ["x", null]}`,
			`{"kids": [{"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}, ["This field may not be null."]]}`},
		{"list of objects not a list", `{"title": "ok", "kids": "x"}`, `{"kids": {"non_field_errors": ["Expected a list of items but got type \"str\"."]}}`},
		{"list of objects empty", `{"title": "ok", "kids": []}`, `{"kids": {"non_field_errors": ["This list may not be empty."]}}`},
		{"list of objects too long", `{"title": "ok", "kids": [{"name": "a"}, {"name": "b"}, {}]}`,
			`{"kids": {"non_field_errors": ["Ensure this field has no more than 2 elements."]}}`},
		{"unknown rule", `{"title": "ok", "code": "abc1"}`, `{"code": ["Invalid value."]}`},
		{"uuid", `{"title": "ok", "uuid": "nope"}`, `{"uuid": ["Must be a valid UUID."]}`},
		{"every failing rule", `{"title": "ok", "both": "abcdef"}`, `{"both": ["Ensure this field has no more than 3 characters.", "Enter a valid email address."]}`},
		{"several fields at once", `{"title": "", "count": "x", "done": "?"}`,
			`{"title": ["This field may not be blank."], "count": ["A valid integer is required."], "done": ["Must be a valid boolean."]}`},
		{"not a dictionary", `["title"]`, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}`},
		{"a string is not a dictionary", `"title"`, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}`},
		{"no data", `null`, `{"non_field_errors": ["No data provided"]}`},
		{"unknown keys are ignored", `{"title": "ok", "nope": 1}`, ``},
		{"nullable fields take null", `{"title": "ok", "maybe": null, "note": null, "due": null}`, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := validate(t, tt.body)
			if !sameJSON(t, got, tt.want) {
				t.Errorf("%s\n got %s\nwant %s", tt.body, got, tt.want)
			}
		})
	}
}
