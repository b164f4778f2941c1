package rest

// Versioning is DRF's BaseVersioning: which version of the API a request asks for. The
// dispatcher asks it after content negotiation and before authentication, as DRF's
// initial() does, and keeps the answer in Request.Version; an error (DRF's NotFound or
// NotAcceptable) answers the request. Package versioning has DRF's classes.
type Versioning interface {
	DetermineVersion(r *Request) (string, error)
}

// NoVersioning is the Versioning of a view that wants none whatever
// DEFAULT_VERSIONING_CLASS says, DRF's `versioning_class = None` on a view: its requests'
// Version is "": APIView{Versioning: rest.NoVersioning{}}. The health probes use it, since
// an orchestrator names no version.
type NoVersioning struct{}

func (NoVersioning) DetermineVersion(*Request) (string, error) { return "", nil }
