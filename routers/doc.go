// Package routers is DRF's routers module: a Router turns registered viewsets into the
// URL table's routes, DRF's way —
//
//	router := routers.NewDefault("/api/")
//	router.Register("notes", views.NewNotes(...), "")   // basename "" → the model's: note
//
//	/api/notes/              note-list      GET list, POST create
//	/api/notes/mine/         note-mine      an extra action with Detail false
//	/api/notes/:pk/          note-detail    GET retrieve, PUT update, PATCH partial_update, DELETE destroy
//	/api/notes/:pk/toggle/   note-toggle    an extra action with Detail true
//	/api/                    api-root       {"notes": "http://host/api/notes/"} (NewDefault only)
//
// and urls.Patterns appends router.URLs() to the table.
package routers
