// Package versioning is DRF's versioning.py: URLPathVersioning as URLPath and
// AcceptHeaderVersioning as AcceptHeader, selected by DEFAULT_VERSIONING_CLASS (a view's
// APIView.Versioning overrides it). A view reads the outcome in Request.Version.
package versioning

import (
	"net/http"
	"slices"

	"ginrest/rest"
)

// Options are DRF's DEFAULT_VERSION, ALLOWED_VERSIONS and VERSION_PARAM.
type Options struct {
	// Default is the version of a request that names none ("" is DRF's None).
	Default string
	// Allowed are the versions accepted; none means any.
	Allowed []string
	// Param is the path parameter, or the Accept header's media type parameter, that
	// names the version ("version").
	Param string
}

// Classes are DRF's versioning classes by name, for urls.Classes.
func Classes() map[string]func(Options) rest.Versioning {
	return map[string]func(Options) rest.Versioning{
		"URLPathVersioning":      func(o Options) rest.Versioning { return URLPath{o} },
		"AcceptHeaderVersioning": func(o Options) rest.Versioning { return AcceptHeader{o} },
	}
}

// allowed is DRF's is_allowed_version: anything when no versions are listed, otherwise
// the default version or a listed one.
func (o Options) allowed(version string) bool {
	if len(o.Allowed) == 0 {
		return true
	}
	return (version != "" && version == o.Default) || slices.Contains(o.Allowed, version)
}

// versions are the versions the schema shows: the allowed ones with the default first, or
// just the default when any is allowed.
func (o Options) versions(inPath bool) rest.Versions {
	allowed := slices.Clone(o.Allowed)
	if o.Default != "" && len(allowed) > 0 && !slices.Contains(allowed, o.Default) {
		allowed = append([]string{o.Default}, allowed...)
	}
	return rest.Versions{InPath: inPath, Param: o.param(), Default: o.Default, Allowed: allowed}
}

func (o Options) param() string {
	if o.Param == "" {
		return "version"
	}
	return o.Param
}

// URLPath is DRF's URLPathVersioning: the version is a path parameter of the route,
// /api/:version/notes/ (Param names it); a route without it has the default version. A
// version not allowed is DRF's 404 "Invalid version in URL path."
type URLPath struct{ Options }

var _ rest.VersionsDescriber = URLPath{}

func (v URLPath) DescribeVersions() rest.Versions { return v.versions(true) }

func (v URLPath) DetermineVersion(r *rest.Request) (string, error) {
	version := r.Param(v.param())
	if version == "" {
		version = v.Default
	}
	if !v.allowed(version) {
		return "", &rest.Error{Status: http.StatusNotFound, Detail: "Invalid version in URL path."}
	}
	return version, nil
}

// AcceptHeader is DRF's AcceptHeaderVersioning: the version is a parameter of the
// accepted media type, Accept: application/json; version=1.0; none gives the default. A
// version not allowed is DRF's 406 'Invalid version in "Accept" header.'
type AcceptHeader struct{ Options }

var _ rest.VersionsDescriber = AcceptHeader{}

func (v AcceptHeader) DescribeVersions() rest.Versions { return v.versions(false) }

var _ rest.Versioning = AcceptHeader{}

func (v AcceptHeader) DetermineVersion(r *rest.Request) (string, error) {
	_, params := r.AcceptedMediaType()
	version, ok := params[v.param()]
	if !ok {
		version = v.Default
	}
	if !v.allowed(version) {
		return "", &rest.Error{Status: http.StatusNotAcceptable, Detail: `Invalid version in "Accept" header.`}
	}
	return version, nil
}
