package serializers_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ginrest/rest"
	"ginrest/serializers"
)

// booking checks a field (DRF's validate_<field>) and the whole object (validate).
type booking struct {
	Room  string `json:"room"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Guest guest  `json:"guest" drf:"optional"`

	calls []string // which hooks ran, to check that failed fields skip theirs
}

type guest struct {
	Name string `json:"name"`
}

var (
	_ serializers.FieldValidator  = (*booking)(nil)
	_ serializers.ObjectValidator = (*booking)(nil)
	_ serializers.FieldValidator  = (*guest)(nil)
)

var errDown = errors.New("database is down")

func (b *booking) ValidateField(c *serializers.Context, name string) error {
	b.calls = append(b.calls, name)
	switch name {
	case "room":
		b.Room = strings.ToUpper(b.Room) // hooks may normalise
		switch b.Room {
		case "CLOSED":
			return serializers.Invalid("This room is closed.")
		case "BROKEN":
			return errDown
		case "FORBIDDEN":
			return rest.PermissionDenied("")
		}
	case "start":
		if b.Start < 0 {
			return serializers.Invalid("Must not be negative.", "Really.")
		}
	}
	return nil
}

func (b *booking) Validate(c *serializers.Context) error {
	b.calls = append(b.calls, "validate")
	switch {
	case b.End == 99:
		return rest.ValidationError(map[string]any{"end": []string{"Too late."}})
	case b.End <= b.Start && (!c.Partial || c.Has("end")):
		return serializers.Invalid("End must be after start.")
	}
	if r := c.Request; r != nil && r.HTTP.Header.Get("X-Closed") != "" {
		return serializers.Invalid("Closed for " + r.HTTP.Header.Get("X-Closed") + ".")
	}
	return nil
}

func (g *guest) ValidateField(c *serializers.Context, name string) error {
	if g.Name == "nobody" {
		return serializers.Invalid("Who?")
	}
	return nil
}

var bookings = serializers.New[booking]()

func TestHooks(t *testing.T) {
	tests := []struct {
		name, body string
		errBody    string
		room       string
		calls      []string
	}{
		{name: "all good", body: `{"room": "a1", "start": 1, "end": 2}`, room: "A1", calls: []string{"room", "start", "end", "validate"}},
		{name: "field hook refuses", body: `{"room": "closed", "start": 1, "end": 2}`, errBody: `{"room": ["This room is closed."]}`},
		{name: "several messages", body: `{"room": "a", "start": -1, "end": 2}`, errBody: `{"start": ["Must not be negative.", "Really."]}`},
		{name: "no hook for a field that failed its own checks", body: `{"room": "a", "start": "x", "end": 2}`,
			errBody: `{"start": ["A valid integer is required."]}`},
		{name: "object hook: non_field_errors", body: `{"room": "a", "start": 2, "end": 1}`, errBody: `{"non_field_errors": ["End must be after start."]}`},
		{name: "object hook: a field", body: `{"room": "a", "start": 2, "end": 99}`, errBody: `{"end": ["Too late."]}`},
		{name: "object hook skipped when a field failed", body: `{"room": "closed", "start": 2, "end": 1}`, errBody: `{"room": ["This room is closed."]}`},
		{name: "nested hook", body: `{"room": "a", "start": 1, "end": 2, "guest": {"name": "nobody"}}`, errBody: `{"guest": {"name": ["Who?"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := bookings.Validate(t.Context(), parse(t, tt.body))
			if tt.errBody != "" {
				if !sameJSON(t, errorBody(t, err), tt.errBody) {
					t.Fatalf("error %s, want %s", errorBody(t, err), tt.errBody)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Value.Room != tt.room {
				t.Errorf("room %q, want %q", v.Value.Room, tt.room)
			}
			if strings.Join(v.Value.calls, ",") != strings.Join(tt.calls, ",") {
				t.Errorf("calls %v, want %v", v.Value.calls, tt.calls)
			}
		})
	}
}

// A hook's error that is not a 400 stops validation and comes back as it is.
func TestHookErrors(t *testing.T) {
	_, err := bookings.Validate(t.Context(), parse(t, `{"room": "broken", "start": 1, "end": 2}`))
	if !errors.Is(err, errDown) {
		t.Errorf("got %v, want the hook's error", err)
	}
	_, err = bookings.Validate(t.Context(), parse(t, `{"room": "forbidden", "start": 1, "end": 2}`))
	var re *rest.Error
	if !errors.As(err, &re) || re.Status != http.StatusForbidden {
		t.Errorf("got %v, want the hook's 403", err)
	}
}

func TestHookContext(t *testing.T) {
	// Partial: the object hook sees what the input set (Has) and the instance.
	instance := &booking{Room: "A", Start: 5, End: 9}
	v, err := bookings.ValidateUpdate(t.Context(), instance, parse(t, `{"start": 7}`), true)
	if err != nil {
		t.Fatalf("PATCH start within range: %v", err)
	}
	if v.Value.Start != 7 || v.Value.End != 9 {
		t.Errorf("value %+v", v.Value)
	}
	_, err = bookings.ValidateUpdate(t.Context(), instance, parse(t, `{"end": 3}`), true)
	if !sameJSON(t, errorBody(t, err), `{"non_field_errors": ["End must be after start."]}`) {
		t.Errorf("PATCH end before start: %s", errorBody(t, err))
	}
	// The request reaches hooks through its Context.
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("X-Closed", "holidays")
	ctx := rest.NewRequest(req).Context()
	_, err = bookings.Validate(ctx, parse(t, `{"room": "a", "start": 1, "end": 2}`))
	if !sameJSON(t, errorBody(t, err), `{"non_field_errors": ["Closed for holidays."]}`) {
		t.Errorf("with request: %s", errorBody(t, err))
	}
}

// contextual checks what Context carries into a hook.
type contextual struct {
	Name string `json:"name"`
	seen *serializers.Context
}

func (c *contextual) Validate(ctx *serializers.Context) error {
	c.seen = ctx
	return nil
}

func TestContextFields(t *testing.T) {
	s := serializers.New[contextual]()
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "v")
	instance := &contextual{Name: "old"}
	v, err := s.ValidateUpdate(ctx, instance, parse(t, `{"name": "new"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	c := v.Value.seen
	if c == nil || c.Value(key{}) != "v" || c.Instance != any(instance) || !c.Partial || c.Request != nil || !c.Has("name") {
		t.Fatalf("context %+v", c)
	}
	v, err = s.Validate(ctx, parse(t, `{"name": "new"}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := v.Value.seen; c.Instance != nil || c.Partial {
		t.Errorf("create context %+v", c)
	}
}
