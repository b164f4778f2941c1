package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/generics"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/routers"
	"ginrest/schema"
	"ginrest/serializers"
	"ginrest/urls"
	"ginrest/views"
	"ginrest/viewsets"
)

// A HyperlinkedModelSerializer through the real router, as an app would have one: memos
// (the notes' table) whose tags are links, served by a viewset registered with basename ""
// so that its routes are named memo-list and memo-detail, the names the serializer links to.

// memo is a note seen through a hyperlinked serializer: no url declared (the serializer
// adds it), its tags linked without a view_name (tag-detail by default).
type memo struct {
	ID      int64        `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	Title   string       `json:"title" gorm:"column:title" validate:"max=100"`
	Body    string       `json:"-" gorm:"column:body"`
	Done    bool         `json:"-" gorm:"column:done"`
	Created time.Time    `json:"-" gorm:"column:created"`
	OwnerID int64        `json:"-" gorm:"column:owner_id"`
	Tags    []models.Tag `json:"tags" gorm:"many2many:notes_note_tags;joinForeignKey:note_id;joinReferences:tag_id" drf:"related=hyperlink,optional"`
}

func (memo) TableName() string { return "notes_note" }

// QuerysetTags: only the caller's own tags may be linked.
func (*memo) QuerysetTags(r *rest.Request, q *gorm.DB) *gorm.DB { return models.OwnTags(r, q) }

func memoViewSet(db *gorm.DB) *viewsets.Model[memo] {
	memos := serializers.NewHyperlinkedModel[memo](db)
	return &viewsets.Model[memo]{GenericAPIView: generics.GenericAPIView[memo]{
		APIView:    rest.APIView{StoredUser: true, Permissions: []rest.Permission{permissions.IsAuthenticated}},
		DB:         db,
		Serializer: memos,
		PerformCreate: func(r *rest.Request, v *serializers.Validated[memo]) (*memo, error) {
			user, err := models.StoredUser(r)
			if err != nil {
				return nil, err
			}
			v.Value.OwnerID, v.Value.Created = user.ID, time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
			return memos.Create(r.Context(), v)
		},
	}}
}

func TestHyperlinkedModelSerializerHTTP(t *testing.T) {
	s := newServer(t)
	alice, bob := s.apiUser("alice"), s.apiUser("bob")
	home, work := s.addTag(alice.User, "Home", "home"), s.addTag(alice.User, "Work", "work")
	bobs := s.addTag(bob.User, "Bob's", "bobs")
	router := routers.NewDefault("/hl/")
	router.Register("memos", memoViewSet(s.App.DB), "")
	// The tags' viewset with a hyperlinked serializer: models.Tag declares its url, which
	// is used as it is.
	tags := views.NewTags(s.App.DB)
	tags.Serializer = serializers.NewHyperlinkedModel[models.Tag](s.App.DB)
	router.Register("tags", tags, "")
	m := s.mounted(urls.Include(router.URLs())...)
	const host = "http://example.com"
	tagURL := func(tag models.Tag) string { return fmt.Sprintf("%s/hl/tags/%d/", host, tag.ID) }

	// POST with links: url first, the tags as links (by primary key, as the view loads them).
	rec := m.send(alice, http.MethodPost, "/hl/memos/",
		fmt.Sprintf(`{"title": "m", "tags": [%q, "/hl/tags/%d/"]}`, tagURL(work), home.ID))
	if rec.Code != http.StatusCreated || !strings.HasPrefix(rec.Body.String(), `{"url":"`+host+`/hl/memos/`) {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	created := bodyMap(t, rec)
	self := fmt.Sprintf("%s/hl/memos/%v/", host, created["id"])
	assertJSONValue(t, created, fmt.Sprintf(`{"url": %q, "id": %v, "title": "m", "tags": [%q, %q]}`,
		self, created["id"], tagURL(home), tagURL(work)))

	// The url resolves: GET it is the same object; the list carries the same url.
	got := m.get(alice, strings.TrimPrefix(self, host))
	if got.Code != http.StatusOK {
		t.Fatalf("GET url: %d %s", got.Code, got.Body)
	}
	detail := bodyMap(t, got)
	if detail["url"] != self || detail["id"] != created["id"] || detail["title"] != "m" {
		t.Errorf("GET url: %v", detail)
	}
	list := bodyMap(t, m.get(alice, "/hl/memos/"))
	if first := list["results"].([]any)[0].(map[string]any); first["url"] != self {
		t.Errorf("list url %v, want %s", first["url"], self)
	}
	// A tag's link resolves to the tag.
	tag := m.get(alice, fmt.Sprintf("/hl/tags/%d/", home.ID))
	if tag.Code != http.StatusOK || bodyMap(t, tag)["url"] != tagURL(home) || bodyMap(t, tag)["slug"] != "home" {
		t.Errorf("GET tag: %d %s", tag.Code, tag.Body)
	}

	// Links that name no tag of the caller's are refused with DRF's messages.
	tests := []struct {
		name, link, want string
	}{
		{"no route", host + "/nowhere/", "Invalid hyperlink - No URL match."},
		{"another view", strings.TrimPrefix(self, host), "Invalid hyperlink - Incorrect URL match."},
		{"another's tag", tagURL(bobs), "Invalid hyperlink - Object does not exist."},
		{"not a pk", "/hl/tags/x/", "Incorrect type. Expected URL string, received str."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := m.send(alice, http.MethodPost, "/hl/memos/", fmt.Sprintf(`{"title": "m", "tags": [%q]}`, tt.link))
			assertJSON(t, rec, http.StatusBadRequest, fmt.Sprintf(`{"tags": [%q]}`, tt.want))
		})
	}

	// OPTIONS describes url as DRF's SimpleMetadata does a HyperlinkedIdentityField.
	options := bodyMap(t, m.send(alice, http.MethodOptions, "/hl/memos/", ""))
	post := options["actions"].(map[string]any)["POST"].(map[string]any)
	assertJSONValue(t, post["url"], `{"type": "field", "required": false, "read_only": true, "label": "Url"}`)

	// The OpenAPI document: url a read-only string of format uri, the tags an array of them.
	var endpoints []schema.Endpoint
	for _, r := range router.URLs() {
		endpoints = append(endpoints, schema.Endpoint{Path: r.Path, Name: r.Name, View: r.View})
	}
	doc, err := schema.Generate(schema.Info{Title: "t", Version: "1"}, endpoints, s.App.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	body := doc.Paths.Value("/hl/memos/{pk}/").Get.Responses.Value("200").Value.Content["application/json"].Schema.Value
	url, tagLinks := body.Properties["url"].Value, body.Properties["tags"].Value
	if !url.Type.Is("string") || url.Format != "uri" || !url.ReadOnly || body.Required[0] != "url" {
		t.Errorf("url: %+v, required %v", url, body.Required)
	}
	if !tagLinks.Type.Is("array") || tagLinks.Items.Value.Format != "uri" {
		t.Errorf("tags: %+v", tagLinks)
	}
}
