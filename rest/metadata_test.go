package rest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"ginrest/rest"
)

// Described answers GET, POST and PUT, and describes its fields for OPTIONS, labelling them
// with the method asked about.
type Described struct{ rest.APIView }

var (
	_ rest.ActionDescriber = (*Described)(nil)
	_ rest.Poster          = (*Described)(nil)
	_ rest.Putter          = (*Described)(nil)
)

func (*Described) Get(*rest.Request) (*rest.Response, error)  { return rest.OK("GET"), nil }
func (*Described) Post(*rest.Request) (*rest.Response, error) { return rest.OK("POST"), nil }
func (*Described) Put(*rest.Request) (*rest.Response, error)  { return rest.OK("PUT"), nil }
func (*Described) Describe(method string) rest.Fields {
	return rest.Fields{
		{Name: "username", Type: "string", Required: true, Label: "Username " + method, MaxLength: 150},
		{Name: "id", Type: "integer", ReadOnly: true, Label: "ID"},
	}
}

// DescribedPatch answers GET and PATCH: OPTIONS lists actions for PUT and POST only.
type DescribedPatch struct{ rest.APIView }

func (*DescribedPatch) Get(*rest.Request) (*rest.Response, error)   { return rest.OK("GET"), nil }
func (*DescribedPatch) Patch(*rest.Request) (*rest.Response, error) { return rest.OK("PATCH"), nil }
func (*DescribedPatch) Describe(string) rest.Fields {
	return rest.Fields{{Name: "x", Type: "string", Label: "X"}}
}

// TokenObtainPairView and HTMLPageView exist for their names.
type TokenObtainPairView struct{ rest.APIView }
type HTMLPageView struct{ rest.APIView }

// onlyFor allows OPTIONS and the listed methods, whoever asks.
type onlyFor []string

func (o onlyFor) HasPermission(r *rest.Request, _ any) bool {
	return r.HTTP.Method == http.MethodOptions || slices.Contains(o, r.HTTP.Method)
}
func (onlyFor) HasObjectPermission(*rest.Request, any, any) bool { return true }

type metadata struct {
	Name        string                     `json:"name"`
	Description string                     `json:"description"`
	Renders     []string                   `json:"renders"`
	Parses      []string                   `json:"parses"`
	Actions     map[string]json.RawMessage `json:"actions"`
}

func options(t *testing.T, view rest.View, header http.Header) (metadata, string) {
	t.Helper()
	rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodOptions, "/", header, "")
	if rec.Code != 200 {
		t.Fatalf("OPTIONS status = %d, want 200 (body %s)", rec.Code, rec.Body)
	}
	var md metadata
	if err := json.Unmarshal(rec.Body.Bytes(), &md); err != nil {
		t.Fatalf("OPTIONS body %s: %v", rec.Body, err)
	}
	return md, rec.Body.String()
}

func TestOptionsBody(t *testing.T) {
	// The reference's OPTIONS /api/protected/ with a valid token, byte for byte.
	view := &Protected{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)}}
	_, body := options(t, view, hdr("Authorization", "Bearer good"))
	want := `{"name":"Protected","description":"","renders":["application/json","text/html"],` +
		`"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"]}`
	if body != want {
		t.Errorf("body =\n%s\nwant\n%s", body, want)
	}
	if view.Calls() != 0 {
		t.Errorf("OPTIONS called Get")
	}

	t.Run("OPTIONS itself needs the permissions", func(t *testing.T) {
		view := &Protected{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated)}}
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodOptions, "/", nil, "")
		if rec.Code != 401 || rec.Body.String() != bodyNotAuthenticated {
			t.Errorf("status = %d, body %s; want 401", rec.Code, rec.Body)
		}
	})

	t.Run("actions in order, byte for byte", func(t *testing.T) {
		view := &Described{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(allowAny), Description: "Line one.\nLine two."}}
		_, body := options(t, view, nil)
		want := `{"name":"Described","description":"Line one.\nLine two.","renders":["application/json","text/html"],` +
			`"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],"actions":{` +
			`"POST":{"username":{"type":"string","required":true,"read_only":false,"label":"Username POST","max_length":150},` +
			`"id":{"type":"integer","required":false,"read_only":true,"label":"ID"}},` +
			`"PUT":{"username":{"type":"string","required":true,"read_only":false,"label":"Username PUT","max_length":150},` +
			`"id":{"type":"integer","required":false,"read_only":true,"label":"ID"}}}}`
		if body != want {
			t.Errorf("body =\n%s\nwant\n%s", body, want)
		}
	})
}

// GenericListView stands for a generic view such as generics.List[models.Note].
type GenericListView[T any] struct{ rest.APIView }

func (*GenericListView[T]) Get(*rest.Request) (*rest.Response, error) { return rest.OK(nil), nil }

func TestOptionsName(t *testing.T) {
	tests := []struct {
		view rest.View
		want string
	}{
		{&TokenObtainPairView{}, "Token Obtain Pair"},
		{&HTMLPageView{}, "HTML Page"},
		{&GetPostView{}, "Get Post"},
		{&Nothing{}, "Nothing"},
		{&TokenObtainPairView{APIView: rest.APIView{Name: "Custom name"}}, "Custom name"},
		// A generic view is named by its type, not by its type argument's package path.
		{&GenericListView[time.Month]{}, "Generic List"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			tt.view.Base().Permissions = perms(allowAny)
			md, _ := options(t, tt.view, nil)
			if md.Name != tt.want {
				t.Errorf("name = %q, want %q", md.Name, tt.want)
			}
		})
	}
}

// TestOptionsActions checks DRF's SimpleMetadata.determine_actions: PUT and POST only, each
// listed only if the permissions allow a request with that method (DRF checks a clone of
// the request carrying it, not the OPTIONS request).
func TestOptionsActions(t *testing.T) {
	tests := []struct {
		name   string
		view   func() rest.View
		perms  []rest.Permission
		header http.Header
		want   []string
	}{
		{"AllowAny: PUT and POST", func() rest.View { return &Described{} }, perms(allowAny), nil, []string{"POST", "PUT"}},
		{"read-only for the anonymous: none", func() rest.View { return &Described{} }, perms(readOnlyOrAuth), nil, nil},
		{"read-only, authenticated: both", func() rest.View { return &Described{} }, perms(readOnlyOrAuth),
			hdr("Authorization", "Bearer good"), []string{"POST", "PUT"}},
		{"a permission allowing PUT only", func() rest.View { return &Described{} }, perms(onlyFor{"PUT"}), nil, []string{"PUT"}},
		{"a permission allowing POST only", func() rest.View { return &Described{} }, perms(onlyFor{"POST"}), nil, []string{"POST"}},
		{"PATCH is never listed", func() rest.View { return &DescribedPatch{} }, perms(allowAny), nil, nil},
		{"a view that does not describe itself", func() rest.View { return &GetPostView{} }, perms(allowAny), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := tt.view()
			view.Base().Authenticators = auths(bearer)
			view.Base().Permissions = tt.perms
			md, body := options(t, view, tt.header)
			var got []string
			for k := range md.Actions {
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("actions = %q, want %q (body %s)", got, tt.want, body)
			}
			if md.Renders == nil || md.Parses == nil {
				t.Errorf("renders/parses missing: %s", body)
			}
		})
	}
}

func TestFieldsMarshal(t *testing.T) {
	tests := []struct {
		name   string
		fields rest.Fields
		want   string
	}{
		{"empty", rest.Fields{}, `{}`},
		{"order kept, max_length only when set", rest.Fields{
			{Name: "z", Type: "string", Label: "Z"},
			{Name: "a", Type: "integer", Required: true, ReadOnly: true, Label: "A", MaxLength: 3},
		}, `{"z":{"type":"string","required":false,"read_only":false,"label":"Z"},"a":{"type":"integer","required":true,"read_only":true,"label":"A","max_length":3}}`},
		// DRF leaves out a label that is None or "" (a list's child has none).
		{"names are escaped, no empty label", rest.Fields{{Name: `we"ird`, Type: "string"}}, `{"we\"ird":{"type":"string","required":false,"read_only":false}}`},
		{"DRF's key order, child, children and choices", rest.Fields{
			{Name: "n", Type: "integer", Required: true, Label: "N", HelpText: "h", MinValue: int64(0), MaxValue: int64(9)},
			{Name: "s", Type: "string", Label: "S", MinLength: 2, MaxLength: 5},
			{Name: "l", Type: "list", Label: "L", Child: &rest.FieldInfo{Type: "integer", Required: true}},
			{Name: "o", Type: "nested object", Label: "O", Children: rest.Fields{{Name: "x", Type: "boolean", Label: "X"}}},
			{Name: "c", Type: "choice", Label: "C", Choices: []rest.Choice{{Value: "a", DisplayName: "A"}}},
		}, `{"n":{"type":"integer","required":true,"read_only":false,"label":"N","help_text":"h","min_value":0,"max_value":9},` +
			`"s":{"type":"string","required":false,"read_only":false,"label":"S","min_length":2,"max_length":5},` +
			`"l":{"type":"list","required":false,"read_only":false,"label":"L","child":{"type":"integer","required":true,"read_only":false}},` +
			`"o":{"type":"nested object","required":false,"read_only":false,"label":"O","children":{"x":{"type":"boolean","required":false,"read_only":false,"label":"X"}}},` +
			`"c":{"type":"choice","required":false,"read_only":false,"label":"C","choices":[{"value":"a","display_name":"A"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
