package views

import (
	"gorm.io/gorm"

	"ginrest/filters"
	"ginrest/generics"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/viewsets"
)

// NewTags is the notes' tags, a ModelViewSet a router mounts at /api/tags/: a signed-in
// user lists, makes, reads, changes (PUT, PATCH) and deletes their own tags, and sees no
// one else's (another's tag is a 404, as DRF's get_object() over a narrowed queryset). A
// slug the user already has is a 400 (UNIQUE(owner_id, slug)). Notes name tags by id or
// by slug, and link them by url (/api/tags/<pk>/).
func NewTags(db *gorm.DB) *viewsets.Model[models.Tag] {
	tags := serializers.NewModel[models.Tag](db)
	return &viewsets.Model[models.Tag]{
		GenericAPIView: generics.GenericAPIView[models.Tag]{
			APIView: rest.APIView{
				StoredUser:  true,
				Permissions: []rest.Permission{permissions.IsAuthenticated},
				Description: "The caller's tags, which their notes refer to by id or slug.",
			},
			DB:         db,
			Queryset:   models.OwnTags,
			Serializer: tags,
			Filters:    []filters.Backend{filters.Ordering{Fields: []string{"slug", "name"}, Default: []string{"slug"}}},
			// serializer.save(owner=request.user)
			PerformCreate: func(r *rest.Request, v *serializers.Validated[models.Tag]) (*models.Tag, error) {
				user, err := models.StoredUser(r)
				if err != nil {
					return nil, err
				}
				v.Value.OwnerID = user.ID
				return tags.Create(r.Context(), v)
			},
		},
	}
}
