package rest

// APIView is embedded by every view. Its fields are the view's policies; nil means the
// settings default, an empty non-nil slice means none (DRF's `authentication_classes = ()`).
type APIView struct {
	Authenticators []Authenticator
	Permissions    []Permission
	Throttles      []Throttle
	// Versioning is DRF's versioning_class: nil means DEFAULT_VERSIONING_CLASS, and
	// NoVersioning none.
	Versioning Versioning
	// StoredUser declares that the view works on the user as stored (their sessions, their
	// password, what they own): it authenticates with Defaults.StoredUserAuthenticators
	// whatever DEFAULT_AUTHENTICATION_CLASSES say, since a stateless token user will not
	// do, unless it sets Authenticators itself. The view reads the user with
	// models.StoredUser.
	StoredUser bool
	// ThrottleScope is DRF's throttle_scope: the THROTTLE_RATES entry that a scoped
	// throttle (throttling's ScopedRateThrottle) applies to this view; "" means none.
	ThrottleScope string
	// Name and Description are what OPTIONS reports; an empty Name is derived from the
	// view's type name ("TokenObtainPair" → "Token Obtain Pair").
	Name        string
	Description string
	// NoStore marks every response of the view, errors included, Cache-Control: no-store and
	// Pragma: no-cache, as RFC 6749 §5.1 asks of token responses: no browser or proxy cache
	// keeps a token (Django's never_cache, for HTTP/1.0 caches too).
	NoStore bool
	// WWWAuthenticate is sent with a 401 when no authenticator provides a header, as
	// simplejwt's token views do (they authenticate no one, yet answer 401).
	WWWAuthenticate string
	// Renders are the media types the view renders itself besides JSON (DRF's
	// renderer_classes beyond the defaults): a client whose Accept names one of them is
	// not refused 406, and the view answers it with a Response carrying Body.
	Renders []string
	// Schema is what the OpenAPI document says of the view beyond what it infers:
	// drf-spectacular's extend_schema, as data next to the view's other policies.
	Schema Schema
}

// Base gives the dispatcher the embedded APIView of any view.
func (v *APIView) Base() *APIView { return v }

// View is anything that embeds APIView.
type View interface{ Base() *APIView }

// The handler interfaces: a view answers the methods whose interface it implements. Guard
// each view with `var _ rest.Getter = (*MyView)(nil)` so a typo fails to compile instead of
// becoming a 405.
type (
	Getter interface {
		Get(r *Request) (*Response, error)
	}
	Poster interface {
		Post(r *Request) (*Response, error)
	}
	Putter interface {
		Put(r *Request) (*Response, error)
	}
	Patcher interface {
		Patch(r *Request) (*Response, error)
	}
	Deleter interface {
		Delete(r *Request) (*Response, error)
	}
)

// ActionDescriber is optionally implemented by a view to describe the fields a method
// accepts, for OPTIONS (DRF's metadata "actions", taken from the serializer).
type ActionDescriber interface {
	Describe(method string) Fields
}

// CheckObjectPermissions runs the object-level checks of the view's permissions, DRF's
// check_object_permissions; a view calls it once it has loaded the object.
func (r *Request) CheckObjectPermissions(view any, obj any) error {
	for _, p := range r.permissions {
		if !p.HasObjectPermission(r, view, obj) {
			return denied(r, p)
		}
	}
	return nil
}

// denied is DRF's permission_denied: with authenticators configured and none of them
// successful, the client is told to authenticate (401); otherwise it is refused (403).
func denied(r *Request, p Permission) error {
	if len(r.authenticators) > 0 && r.Authenticator == nil {
		return NotAuthenticated()
	}
	msg := ""
	if m, ok := p.(PermissionMessage); ok {
		msg = m.Message()
	}
	return PermissionDenied(msg)
}
