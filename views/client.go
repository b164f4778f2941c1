package views

import (
	"context"

	"ginrest/rest"
	"ginrest/tokens"
)

// clientContext is the request's context telling the token serializers which request is
// asking, for the session a refresh token is recorded in (its User-Agent, and the client's
// address as TRUSTED_PROXIES reveal it).
func clientContext(r *rest.Request) context.Context {
	return tokens.WithRequest(r.Context(), r.HTTP)
}
