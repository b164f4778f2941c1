package urls

import "ginrest/routers"

// This file is written by `ginrest startapp`, from the methods of this package marked
// //ginrest:routes, one per resource it made: when you remove a resource's files,
// remove its line here too.

// registerApps registers the resources' viewsets on the API's router (apiRouter, api.go).
func (a *App) registerApps(router *routers.Router) {
}
