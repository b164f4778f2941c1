package rest

// Authenticator is DRF's BaseAuthentication. Authenticate returns (nil, nil, nil) when the
// request does not carry its kind of credentials, so the next authenticator may try; an
// error when it does and they are bad; otherwise the user and what vouched for them.
type Authenticator interface {
	Authenticate(r *Request) (User, any, error)
	// AuthenticateHeader is the WWW-Authenticate value sent with a 401. A 401 with no
	// header to send becomes a 403, as in DRF.
	AuthenticateHeader(r *Request) string
}

// Permission is DRF's BasePermission. Both checks must be safe for concurrent use: one
// value serves every request.
type Permission interface {
	HasPermission(r *Request, view any) bool
	HasObjectPermission(r *Request, view any, obj any) bool
}

// PermissionMessage is optionally implemented by a Permission to say why it denied, DRF's
// permission.message.
type PermissionMessage interface {
	Message() string
}

// PermissionFunc adapts a request-level check to a Permission that allows every object.
type PermissionFunc func(r *Request, view any) bool

func (f PermissionFunc) HasPermission(r *Request, view any) bool { return f(r, view) }

func (f PermissionFunc) HasObjectPermission(*Request, any, any) bool { return true }
