package models

import (
	"time"

	"ginrest/rest"
)

// Note is the demo resource's model, table notes_note (an app "notes" in Django's
// naming): a note belongs to the user who wrote it. The struct is also its serializer
// (serializers.NewModel[models.Note]): the tags declare DRF's fields.
type Note struct {
	ID    int64  `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	Title string `json:"title" gorm:"column:title" validate:"max=100"`
	// Body and Done are optional as a ModelSerializer makes a TextField(blank=True) and a
	// BooleanField(default=False): absent from a POST they are "" and false, absent from a
	// PUT they keep their values.
	Body string `json:"body" gorm:"column:body" drf:"allow_blank,optional"`
	Done bool   `json:"done" gorm:"column:done" drf:"optional"`
	// Owner is the author's username, read with the note (views.NewNotes's queryset
	// selects it from auth_user) and never written: DRF's
	// ReadOnlyField(source="owner.username").
	Owner   string    `json:"owner" gorm:"column:owner;->" drf:"read_only"`
	OwnerID int64     `json:"-" gorm:"column:owner_id"`
	Created time.Time `json:"created" gorm:"column:created" drf:"read_only"`
}

func (Note) TableName() string { return "notes_note" }

// IsOwnedBy is true for the stored user who wrote the note (permissions.Owned).
func (n *Note) IsOwnedBy(u rest.User) bool {
	user, ok := u.(*User)
	return ok && user.ID == n.OwnerID
}
