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

// VersionsDescriber is a Versioning that tells the schema how a request names its version,
// so that the document shows each one (drf-spectacular's versioning support).
type VersionsDescriber interface {
	DescribeVersions() Versions
}

// Versions are a versioning scheme's versions as the schema shows them.
type Versions struct {
	// InPath: the version is the path parameter Param; otherwise it is the parameter
	// Param of the Accept header's media type (application/json; version=1.0).
	InPath bool
	Param  string
	// Default is the version of a request that names none; Allowed the versions accepted,
	// none meaning any.
	Default string
	Allowed []string
}

// Versioning is the view's versioning class as resolved against the defaults, nil for
// none.
func (h *Handler) Versioning() Versioning { return h.versioning }
