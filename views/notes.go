package views

import (
	"net/http"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/files"
	"ginrest/filters"
	"ginrest/generics"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/viewsets"
)

// NoteSerializer is the notes' serializer: the model and its url, DRF's
// HyperlinkedIdentityField (a HyperlinkedModelSerializer's url), the absolute address of
// the note on the host the client asked. The url is the API's, not the model's: the model
// can be served anywhere, the url names the route note-detail.
type NoteSerializer struct {
	URL string `json:"url" gorm:"-" drf:"related=identity,view_name=note-detail"`
	models.Note
}

// NewNotes is the demo resource, a ModelViewSet of notes that a router mounts at
// /api/notes/: anyone signed in lists and reads every note, only its author changes or
// deletes it, staff do anything. The owner and the creation time are set by the server,
// never read from input. Lists are paged by the settings' default paginator and take
// ?search= (title, body), ?ordering= (created, title; newest first by default) and
// ?done=true|false. A note may have an attachment, uploaded in a multipart body and stored in
// storage (MEDIA_ROOT); POST also takes a JSON list of notes. Its extra actions: GET /api/notes/mine/ (the caller's notes, filtered
// and paged the same way) and POST /api/notes/<pk>/toggle/ (done ↔ not done).
//
// now is the clock of created. A note's owner is a stored user, so the view declares
// StoredUser: it authenticates with the app's JWTAuthentication whatever
// DEFAULT_AUTHENTICATION_CLASSES says.
func NewNotes(db *gorm.DB, now func() time.Time, storage files.Storage) *viewsets.Model[NoteSerializer] {
	notes := serializers.NewModel[NoteSerializer](db).WithStorage(storage)
	signedIn := []rest.Permission{permissions.IsAuthenticated}
	return &viewsets.Model[NoteSerializer]{
		GenericAPIView: generics.GenericAPIView[NoteSerializer]{
			APIView: rest.APIView{
				StoredUser: true,
				Permissions: []rest.Permission{permissions.And(permissions.IsAuthenticated,
					permissions.Or(permissions.IsAdminUser, permissions.IsOwnerOrReadOnly))},
				Description: "Notes: every signed-in user reads them; their authors, and staff, change them.",
			},
			DB:         db,
			Queryset:   withOwner,
			Serializer: notes,
			Filters: []filters.Backend{
				filters.Exact{Fields: []string{"done"}},
				filters.Search{Fields: []string{"title", "body"}},
				filters.Ordering{Fields: []string{"created", "title"}, Default: []string{"-created"}},
			},
			// POST takes a list of notes too, created all or none (docs/serializers.md).
			BulkCreate: &generics.BulkCreate{MaxLength: 100},
			// serializer.save(owner=request.user): what the client may not set.
			PerformCreate: func(r *rest.Request, v *serializers.Validated[NoteSerializer]) (*NoteSerializer, error) {
				user, err := models.StoredUser(r)
				if err != nil {
					return nil, err
				}
				v.Value.OwnerID, v.Value.Created = user.ID, now().UTC()
				return notes.Create(r.Context(), v)
			},
		},
		ExtraActions: []viewsets.ExtraAction[NoteSerializer]{
			{Name: "mine", Permissions: signedIn, Description: "The caller's own notes.", Handle: mine},
			{Name: "toggle", Detail: true, Methods: []string{http.MethodPost},
				Description: "Marks a note done, or not done again.", Handle: toggle,
				Schema: rest.Operation{NoRequest: true}}, // a POST that reads no body
		},
	}
}

// withOwner is the queryset: every note, with its author's username (Note.Owner).
func withOwner(_ *rest.Request, q *gorm.DB) *gorm.DB {
	return q.Select(`"notes_note".*, (SELECT "auth_user"."username" FROM "auth_user" WHERE "auth_user"."id" = "notes_note"."owner_id") AS "owner"`)
}

// mine is GET /api/notes/mine/: the list, narrowed to the caller's notes.
func mine(r *rest.Request, v *generics.GenericAPIView[NoteSerializer]) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	owner := clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: "owner_id"}, Value: user.ID}
	return v.ListFrom(r, v.Query(r).Where(owner))
}

// toggle is POST /api/notes/<pk>/toggle/: done flips in one statement, so two toggles at
// once flip it twice.
func toggle(r *rest.Request, v *generics.GenericAPIView[NoteSerializer]) (*rest.Response, error) {
	note, err := v.Object(r) // 404, and the owner-or-staff check
	if err != nil {
		return nil, err
	}
	err = v.DB.WithContext(r.Context()).Model(&NoteSerializer{}).Where("id = ?", note.ID).
		Update("done", gorm.Expr(`NOT "done"`)).Error
	if err != nil {
		return nil, err
	}
	if note, err = v.Reload(r, note); err != nil {
		return nil, err
	}
	d, err := v.Represent(r, note)
	if err != nil {
		return nil, err
	}
	return rest.OK(d), nil
}
