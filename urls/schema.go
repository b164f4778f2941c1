package urls

import (
	"github.com/getkin/kin-openapi/openapi3"

	"ginrest/schema"
)

// DefaultSchemaInfo is the OpenAPI document's title, description and version:
// drf-spectacular's SPECTACULAR_SETTINGS TITLE, DESCRIPTION and VERSION. Change them for
// your API here, or give NewApp Options.SchemaInfo.
func DefaultSchemaInfo() schema.Info {
	return schema.Info{
		Title:       "ginrest API",
		Description: "A Django REST Framework + simplejwt API, in Go. Log in at `/api/token/` and send the access token as `Authorization: Bearer <token>` (Authorize, in Swagger UI).",
		Version:     "1.0.0",
	}
}

// The paths of the document and its pages: drf-spectacular's, as its docs mount them.
const (
	schemaPath       = "/api/schema/"
	schemaAssetsPath = "/api/schema/assets/"
)

// schemaRoutes are the document (GET /api/schema/), Swagger UI, Redoc and their assets.
func (a *App) schemaRoutes() []Route {
	assets := schema.NewAssets(schemaAssetsPath)
	off := !a.Settings.ServeSchema // SERVE_SCHEMA=false
	return []Route{
		{Path: schemaPath, Name: "schema", View: schema.NewView(a.Schema), Off: off},
		{Path: "/api/schema/swagger-ui/", Name: "swagger-ui", View: schema.NewSwaggerUI(a.SchemaInfo.Title, schemaPath, assets), Off: off},
		{Path: "/api/schema/redoc/", Name: "redoc", View: schema.NewRedoc(a.SchemaInfo.Title, schemaPath, assets), Off: off},
		{Path: schemaAssetsPath + ":file", Name: "schema-assets", View: schema.NewAsset(assets, "file"), Off: off},
	}
}

// Schema is the OpenAPI document of the app's URL table (Routes), its views resolved
// against the app's defaults as Mount resolves them.
func (a *App) Schema() (*openapi3.T, error) {
	if a.Routes == nil {
		return nil, schema.ErrNotBuilt
	}
	endpoints := make([]schema.Endpoint, len(a.Routes))
	for i, r := range a.Routes {
		endpoints[i] = schema.Endpoint{Path: r.Path, Name: r.Name, View: r.View}
	}
	return schema.Generate(a.SchemaInfo, endpoints, a.Defaults)
}
