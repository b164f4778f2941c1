package models

import (
	"gorm.io/gorm"

	"ginrest/rest"
)

// Tag is a label of the demo's notes, table notes_tag. Tags are each user's own: a user
// lists, names and attaches only theirs (Note.QuerysetTags), and two users may have a tag
// of the same slug (UNIQUE(owner_id, slug)). Notes refer to tags by id or by slug
// (/api/notes/ tags and tag_slugs); a tag's url is its /api/tags/<pk>/.
type Tag struct {
	ID   int64  `json:"id" gorm:"column:id;primaryKey" drf:"read_only"`
	URL  string `json:"url" gorm:"-" drf:"related=identity,view_name=tag-detail"`
	Name string `json:"name" gorm:"column:name" validate:"max=50"`
	Slug string `json:"slug" gorm:"column:slug" drf:"slug" validate:"max=50"`
	// OwnerID is the user who made the tag, set by the server.
	OwnerID int64 `json:"-" gorm:"column:owner_id"`
}

func (Tag) TableName() string { return "notes_tag" }

// String is the tag as Django's __str__ would show it: StringRelatedField's text.
func (t Tag) String() string { return t.Name }

// IsOwnedBy is true for the stored user who made the tag (permissions.Owned).
func (t *Tag) IsOwnedBy(u rest.User) bool {
	user, ok := u.(*User)
	return ok && user.ID == t.OwnerID
}

// OwnTags narrows q, a query of tags, to those of the request's stored user; nothing
// without one.
func OwnTags(r *rest.Request, q *gorm.DB) *gorm.DB {
	if r != nil {
		if user, ok := r.User.(*User); ok {
			return q.Where(`"notes_tag"."owner_id" = ?`, user.ID)
		}
	}
	return q.Where("1 = 0")
}
