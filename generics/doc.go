// Package generics is DRF's generics and mixins modules: GenericAPIView, a view of one
// model that lists, creates, retrieves, updates and destroys it through a serializer,
// with filters, pagination and object permissions, and the concrete views that combine
// those actions (ListCreate, RetrieveUpdateDestroy, ...).
//
// DRF's class attributes are fields, its overridable methods are func fields (hooks), and
// the model is the type parameter:
//
//	notes := serializers.NewModel[models.Note](db)
//	view := &generics.ListCreate[models.Note]{GenericAPIView: generics.GenericAPIView[models.Note]{
//		APIView:    rest.APIView{Permissions: []rest.Permission{permissions.IsAuthenticated}},
//		DB:         db,                                      // queryset = Note.objects.all()
//		Serializer: notes,                                   // serializer_class
//		Queryset: func(r *rest.Request, q *gorm.DB) *gorm.DB { // get_queryset()
//			return q.Where("owner_id = ?", r.User.(*models.User).ID)
//		},
//		Filters: []filters.Backend{filters.Search{Fields: []string{"title"}}}, // filter_backends
//		PerformCreate: func(r *rest.Request, v *serializers.Validated[models.Note]) (*models.Note, error) {
//			v.Value.OwnerID = r.User.(*models.User).ID  // serializer.save(owner=request.user)
//			return notes.Create(r.Context(), v)
//		},
//	}}
//
// What a client sees is DRF's: POST answers 201 with the representation, PUT is a full
// update and PATCH a partial one (200), DELETE is 204 with no body; a missing or malformed
// id is 404 {"detail": "Not found."}; object permissions are checked on every object
// (403, or 401 for an anonymous client); Allow lists the view's methods in DRF's order.
//
// Pagination nil means the settings' default (DEFAULT_PAGINATION_CLASS, PAGE_SIZE), which
// urls.App.Mount gives each view through UseDefaults; pagination.None turns it off.
// Declaration mistakes (a lookup field, a filter field the model lacks) panic in
// UseDefaults, at startup.
package generics
