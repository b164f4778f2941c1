package views

import (
	"net/http"

	"errors"

	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/tokens"
)

// SessionInfo is one live session as the API shows it: a login and the refresh tokens
// rotated from it.
type SessionInfo struct {
	ID string `json:"id"`
	// Times are rendered as DRF's DateTimeField does (ISO 8601, microseconds, Z).
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at"`
	ExpiresAt  string `json:"expires_at"`
	UserAgent  string `json:"user_agent"`
	// IPAddress is null when the client's address was not an IP.
	IPAddress *string `json:"ip_address"`
}

// Sessions lists the caller's live sessions, the most recently used first:
// GET /api/token/sessions/. Which one is the caller's own is not said: an access token
// does not name its session.
type Sessions struct {
	rest.APIView
	families *tokens.Families
}

var _ rest.Getter = (*Sessions)(nil)

// NewSessions builds the view.
func NewSessions(families *tokens.Families) *Sessions {
	return &Sessions{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Description: "Lists the caller's live refresh-token sessions.",
		Schema: rest.Schema{Tags: []string{"token"}, Operations: map[string]rest.Operation{
			http.MethodGet: {Responses: map[int]any{http.StatusOK: []SessionInfo{}}},
		}}}, families: families}
}

func (v *Sessions) Get(r *rest.Request) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	sessions, err := v.families.Live(r.Context(), user.ID)
	if err != nil {
		return nil, err
	}
	out := make([]SessionInfo, len(sessions))
	for i, s := range sessions {
		out[i] = SessionInfo{ID: s.ID, CreatedAt: serializers.FormatDateTime(s.CreatedAt.UTC()),
			LastUsedAt: serializers.FormatDateTime(s.LastUsedAt.UTC()),
			ExpiresAt:  serializers.FormatDateTime(s.ExpiresAt.UTC()), UserAgent: s.UserAgent}
		if s.IPAddress != "" {
			out[i].IPAddress = &s.IPAddress
		}
	}
	return rest.OK(out), nil
}

// Session ends one of the caller's sessions: DELETE /api/token/sessions/<id>/ blacklists
// its refresh tokens (its access tokens live out their few minutes, as after a logout).
// Another user's session is a 404, as is one that does not exist: nothing tells them apart.
type Session struct {
	rest.APIView
	families *tokens.Families
	cookies  *Cookies // nil unless AUTH_COOKIE
}

var _ rest.Deleter = (*Session)(nil)

// NewSession builds the view; cookies nil unless AUTH_COOKIE.
func NewSession(families *tokens.Families, cookies *Cookies) *Session {
	return &Session{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Description: "Ends one of the caller's sessions.",
		Schema: rest.Schema{Tags: []string{"token"}, Operations: map[string]rest.Operation{
			http.MethodDelete: {Detail: true}, // another user's session is not found
		}}}, families: families, cookies: cookies}
}

func (v *Session) Delete(r *rest.Request) (*rest.Response, error) {
	if err := v.cookies.Check(r); err != nil { // it ends a session: another site must not
		return nil, err
	}
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	err = v.families.End(r.Context(), user.ID, r.Param("id"))
	if errors.Is(err, tokens.ErrNoSession) {
		return nil, rest.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return rest.NoContent(), nil
}
