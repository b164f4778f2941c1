package views

import (
	"net/http"

	"ginrest/rest"
	"ginrest/tokens"
)

// JWKS serves the public keys that verify this server's tokens as an RFC 7517 JWK Set, at
// /.well-known/jwks.json: what another service's JWK_URL points at. It holds public keys
// only, so it authenticates no one and allows anyone. It is mounted only with an asymmetric
// ALGORITHM: an HS secret is never published.
type JWKS struct {
	rest.APIView
	Set tokens.JWKSet
}

var _ rest.Getter = (*JWKS)(nil)

func NewJWKS(backend *tokens.Backend) *JWKS {
	return &JWKS{
		APIView: rest.APIView{
			Authenticators: []rest.Authenticator{},
			Permissions:    []rest.Permission{},
			Name:           "JWKS",
			Description:    "The public keys that verify this server's tokens, as a JWK Set.",
			Schema: rest.Schema{Tags: []string{"token"}, Operations: map[string]rest.Operation{
				http.MethodGet: {Responses: map[int]any{http.StatusOK: tokens.JWKSet{}}},
			}},
		},
		Set: backend.JWKS(),
	}
}

// jwksCacheControl lets clients keep the set for 5 minutes, PyJWKClient's lifespan: a key
// published ahead in VERIFYING_KEYS reaches them before it signs.
var jwksCacheControl = []string{"public, max-age=300"}

func (v *JWKS) Get(*rest.Request) (*rest.Response, error) {
	return &rest.Response{Status: http.StatusOK, Data: v.Set, Header: http.Header{"Cache-Control": jwksCacheControl}}, nil
}
