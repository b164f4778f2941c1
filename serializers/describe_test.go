package serializers_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ginrest/serializers"
)

type described struct {
	ID      int64     `json:"id" drf:"read_only"`
	Title   string    `json:"title" drf:"label=Headline,help_text=What it is about." validate:"min=3,max=100"`
	Email   string    `json:"email" drf:"optional" validate:"email"`
	Site    string    `json:"site" drf:"optional" validate:"url"`
	Status  string    `json:"status" drf:"default=draft" validate:"oneof=draft published"`
	Level   int       `json:"level" drf:"optional" validate:"oneof=1 2"`
	Rating  int       `json:"rating" drf:"optional" validate:"gte=1,lte=5"`
	Price   float64   `json:"price" drf:"optional" validate:"min=0.5"`
	Done    bool      `json:"done" drf:"default=false"`
	DueAt   time.Time `json:"due_at" drf:"optional"`
	Tags    []string  `json:"tags" drf:"optional" validate:"max=3,dive,max=10"`
	Guest   guest     `json:"guest"`
	Guests  []guest   `json:"guests" drf:"optional"`
	Secret  string    `json:"secret" drf:"write_only"`
	Created time.Time `json:"created_at" drf:"read_only"`
	Meta    map[string]any
}

// TestDescribe: OPTIONS lists every field as DRF's SimpleMetadata does.
func TestDescribe(t *testing.T) {
	got, err := json.Marshal(serializers.New[described]().Describe())
	if err != nil {
		t.Fatal(err)
	}
	want := `{
	"id": {"type": "integer", "required": false, "read_only": true, "label": "ID"},
	"title": {"type": "string", "required": true, "read_only": false, "label": "Headline", "help_text": "What it is about.", "min_length": 3, "max_length": 100},
	"email": {"type": "email", "required": false, "read_only": false, "label": "Email"},
	"site": {"type": "url", "required": false, "read_only": false, "label": "Site"},
	"status": {"type": "choice", "required": false, "read_only": false, "label": "Status",
		"choices": [{"value": "draft", "display_name": "draft"}, {"value": "published", "display_name": "published"}]},
	"level": {"type": "choice", "required": false, "read_only": false, "label": "Level",
		"choices": [{"value": 1, "display_name": "1"}, {"value": 2, "display_name": "2"}]},
	"rating": {"type": "integer", "required": false, "read_only": false, "label": "Rating", "min_value": 1, "max_value": 5},
	"price": {"type": "float", "required": false, "read_only": false, "label": "Price", "min_value": 0.5},
	"done": {"type": "boolean", "required": false, "read_only": false, "label": "Done"},
	"due_at": {"type": "datetime", "required": false, "read_only": false, "label": "Due at"},
	"tags": {"type": "list", "required": false, "read_only": false, "label": "Tags", "max_length": 3,
		"child": {"type": "string", "required": true, "read_only": false, "max_length": 10}},
	"guest": {"type": "nested object", "required": true, "read_only": false, "label": "Guest",
		"children": {"name": {"type": "string", "required": true, "read_only": false, "label": "Name"}}},
	"guests": {"type": "field", "required": false, "read_only": false, "label": "Guests",
		"child": {"type": "nested object", "required": true, "read_only": false,
			"children": {"name": {"type": "string", "required": true, "read_only": false, "label": "Name"}}}},
	"secret": {"type": "string", "required": true, "read_only": false, "label": "Secret"},
	"created_at": {"type": "datetime", "required": false, "read_only": true, "label": "Created at"},
	"Meta": {"type": "field", "required": false, "read_only": true, "label": "Meta"}
}`
	if !sameJSON(t, string(got), want) {
		t.Errorf("got %s", got)
	}
	// The keys keep the declaration order.
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(got))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	wantKeys := "id title email site status level rating price done due_at tags guest guests secret created_at Meta"
	if joined := strings.Join(keys, " "); joined != wantKeys {
		t.Errorf("order %s", joined)
	}
}
