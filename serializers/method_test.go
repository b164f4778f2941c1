package serializers_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/serializers"
)

// comment has a HiddenField with CurrentUserDefault, one with a default method, a
// SerializerMethodField and a ReadOnlyField.
type comment struct {
	Text    string `json:"text"`
	Owner   int64  `json:"owner" drf:"hidden,current_user"`
	Source  string `json:"source" drf:"hidden"`
	Channel string `json:"channel" drf:"hidden,default=web"`
	Preview string `json:"preview" drf:"method"`
	Votes   int    `json:"votes" drf:"read_only"`
}

func (c *comment) DefaultSource(ctx *serializers.Context) (string, error) {
	if ctx.Request == nil {
		return "code", nil
	}
	return ctx.Request.HTTP.Header.Get("User-Agent"), nil
}

func (c *comment) GetPreview(ctx *serializers.Context) (any, error) {
	if c.Text == "fail" {
		return nil, errors.New("no preview")
	}
	by := "someone"
	if ctx.Request != nil && ctx.Request.User.IsAuthenticated() {
		by = "you"
	}
	return strings.ToUpper(c.Text) + " by " + by, nil
}

var comments = serializers.New[comment]()

func userRequest(t *testing.T, user rest.User) *rest.Request {
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("User-Agent", "tester")
	r := rest.NewRequest(req)
	r.User = user
	return r
}

// TestHiddenFields: hidden fields ignore input, take their default (the request's user,
// a method's value, a literal), and are neither rendered nor described.
func TestHiddenFields(t *testing.T) {
	r := userRequest(t, &models.User{ID: 42})
	v, err := comments.Validate(r.Context(), parse(t, `{"text": "hi", "owner": 7, "source": "forged", "channel": "x", "votes": 5}`))
	if err != nil {
		t.Fatal(errorBody(t, err))
	}
	if got := v.Value; got.Owner != 42 || got.Source != "tester" || got.Channel != "web" || got.Votes != 0 {
		t.Errorf("validated %+v", got)
	}
	if got := strings.Join(v.Fields(), " "); got != "text owner source channel" {
		t.Errorf("fields %s", got)
	}
	// PATCH leaves hidden fields out, as DRF's get_default skips on partial.
	v, err = comments.ValidateUpdate(r.Context(), &comment{Owner: 1}, parse(t, `{"text": "b"}`), true)
	if err != nil || v.Value.Owner != 1 || v.Has("owner") {
		t.Errorf("partial: %+v %v", v, err)
	}
	// Without an authenticated user a current_user default is the view's mistake: not a 400.
	_, err = comments.Validate(userRequest(t, rest.AnonymousUser{}).Context(), parse(t, `{"text": "hi"}`))
	if err == nil || isBadRequest(err) {
		t.Errorf("anonymous: %v", err)
	}
	out, _ := json.Marshal(comments.Describe())
	if !sameJSON(t, string(out), `{
		"text": {"type": "string", "required": true, "read_only": false, "label": "Text"},
		"preview": {"type": "field", "required": false, "read_only": true, "label": "Preview"},
		"votes": {"type": "integer", "required": false, "read_only": true, "label": "Votes"}}`) {
		t.Errorf("describe %s", out)
	}
}

// TestMethodField: Get<Name> renders the field, with the request when rendered with
// RepresentContext; its error is returned.
func TestMethodField(t *testing.T) {
	c := &comment{Text: "hi", Owner: 1, Votes: 3}
	out, _ := json.Marshal(comments.Represent(c))
	if string(out) != `{"text":"hi","preview":"HI by someone","votes":3}` {
		t.Errorf("Represent: %s", out)
	}
	d, err := comments.RepresentContext(userRequest(t, &models.User{ID: 1}).Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := d.Get("preview"); p != "HI by you" {
		t.Errorf("RepresentContext: %v", p)
	}
	if _, err := comments.RepresentContext(t.Context(), &comment{Text: "fail"}); err == nil || !strings.Contains(err.Error(), "no preview") {
		t.Errorf("method error: %v", err)
	}
}

type badMethod struct {
	X string `json:"x" drf:"method"`
}

func (badMethod) GetX() string { return "" }

type noDefault struct {
	X string `json:"x" drf:"hidden"`
}

type badDefault struct {
	X string `json:"x" drf:"hidden"`
}

func (*badDefault) DefaultX(*serializers.Context) (int, error) { return 0, nil }

// TestMethodDeclarationMistakes panic when the serializer is built.
func TestMethodDeclarationMistakes(t *testing.T) {
	for name, build := range map[string]func(){
		"method signature":  func() { serializers.New[badMethod]() },
		"hidden no default": func() { serializers.New[noDefault]() },
		"default type":      func() { serializers.New[badDefault]() },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			build()
		}()
	}
}
