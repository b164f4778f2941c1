// Package viewsets is DRF's viewsets module: Model, DRF's ModelViewSet, one value holding
// a model's list, create, retrieve, update, partial_update and destroy actions and its
// extra actions (DRF's @action), which a router (package routers) turns into URLs.
//
//	notes := &viewsets.Model[models.Note]{
//		GenericAPIView: generics.GenericAPIView[models.Note]{DB: db, Serializer: ser, ...},
//		// DRF's get_permissions() by self.action:
//		ActionPermissions: func(a viewsets.Action) []rest.Permission {
//			if a == viewsets.Destroy {
//				return []rest.Permission{permissions.IsAdminUser}
//			}
//			return nil // the view's Permissions
//		},
//		ExtraActions: []viewsets.ExtraAction[models.Note]{{
//			Name: "toggle", Detail: true, Methods: []string{"POST"}, // POST /api/notes/<pk>/toggle/
//			Handle: func(r *rest.Request, v *generics.GenericAPIView[models.Note]) (*rest.Response, error) {
//				note, err := v.Object(r) // get_object(): 404, object permissions
//				...
//			},
//		}},
//	}
//
// Per-action behaviour is typed: ActionPermissions and ActionSerializer are DRF's
// get_permissions and get_serializer_class reading self.action; an extra action has its
// own Permissions and Serializer (DRF's @action(permission_classes=..., serializer_class=...)).
// A view of a route tells a permission its action with Action(r).
package viewsets
