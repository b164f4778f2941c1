// Package schema is drf-spectacular for ginrest: an OpenAPI 3.1 document generated from
// the URL table, each view's methods, serializers, permissions, throttles, pagination and
// filters (Generate), the view that serves it as JSON or YAML (View, drf-spectacular's
// SpectacularAPIView), and Swagger UI and Redoc pages over it (SwaggerUI, Redoc, Asset),
// their scripts embedded from pinned npm releases.
//
// The document is built from the same resolved policies the dispatcher uses
// (rest.Handler's Methods, Authenticators, AllowsAnonymous, Throttled), so it cannot say a
// view is open when the server refuses it. What cannot be inferred, a view declares in its
// APIView.Schema (drf-spectacular's extend_schema); tests/schema_test.go drives every route
// and checks each answer against the document.
package schema
