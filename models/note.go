package models

import (
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"ginrest/files"
	"ginrest/rest"
	"ginrest/serializers"
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
	// Due is a DateField(null=True, blank=True); Estimate hours a
	// DecimalField(max_digits=5, decimal_places=2, null=True, blank=True).
	Due      *serializers.Date `json:"due" gorm:"column:due" drf:"optional"`
	Estimate *decimal.Decimal  `json:"estimate" gorm:"column:estimate" drf:"optional,max_digits=5,decimal_places=2,min_value=0"`
	// Tags is a ManyToManyField(Tag, blank=True) through notes_note_tags, written by id
	// (PrimaryKeyRelatedField(many=True)). TagSlugs is the same association by slug
	// (SlugRelatedField(many=True, slug_field="slug", source="tags")): a client sends one
	// or the other, and both are rendered. Either only takes the caller's own tags.
	Tags     []Tag `json:"tags" gorm:"many2many:notes_note_tags;joinForeignKey:note_id;joinReferences:tag_id" drf:"related=pk,optional"`
	TagSlugs []Tag `json:"tag_slugs" gorm:"-" drf:"related=slug,slug_field=slug,source=Tags,optional"`
	// Attachment is an optional file (a FileField(blank=True): its name, "" for none),
	// uploaded in a multipart body and rendered as its absolute URL.
	Attachment files.File `json:"attachment" gorm:"column:attachment" drf:"optional" validate:"max=100"`
}

func (Note) TableName() string { return "notes_note" }

// QuerysetTags is the queryset of tags and tag_slugs: the caller's own tags (DRF's
// get_queryset of a related field).
func (*Note) QuerysetTags(r *rest.Request, q *gorm.DB) *gorm.DB { return OwnTags(r, q) }

// QuerysetTagSlugs is QuerysetTags for tag_slugs.
func (*Note) QuerysetTagSlugs(r *rest.Request, q *gorm.DB) *gorm.DB { return OwnTags(r, q) }

// IsOwnedBy is true for the stored user who wrote the note (permissions.Owned).
func (n *Note) IsOwnedBy(u rest.User) bool {
	user, ok := u.(*User)
	return ok && user.ID == n.OwnerID
}
