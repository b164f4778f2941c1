// Package socialaccount is login with OpenID Connect providers, django-allauth's
// socialaccount: an ID token verified against its provider, and the user it names, found
// by a link (models.SocialAccount), by a trusted verified email, or made (docs/oidc.md).
package socialaccount

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"ginrest/rest"
	"ginrest/settings"
)

// Provider is one configured provider. Discovery runs at its first use, not at start, so
// the server starts while the provider is down; a failed discovery is retried by the next
// login. Safe for concurrent use.
type Provider struct {
	settings.OIDCProvider
	// Timeout bounds each call to the provider (OIDC_TIMEOUT).
	Timeout time.Duration
	// Now is the clock ID tokens' exp is checked against; nil is time.Now.
	Now func() time.Time

	mu         sync.Mutex
	discovered *oidc.Provider
	// oauth is the OAuth 2 client, made with the discovery and kept: x/oauth2 learns, at
	// the first code exchange, whether the token endpoint takes the client's secret in an
	// Authorization header or in the form, and remembers it in the Config. A Config made
	// per exchange tried the header first every time, so a provider that takes the form
	// only (mockoidc) got every code twice.
	oauth *oauth2.Config
}

// NewProvider is a provider of the settings; it makes no request.
func NewProvider(p settings.OIDCProvider, timeout time.Duration, now func() time.Time) *Provider {
	return &Provider{OIDCProvider: p, Timeout: timeout, Now: now}
}

// The messages of a refused ID token or code.
const (
	MsgIDTokenInvalid = "The ID token is not valid."
	MsgIDTokenExpired = "The ID token has expired."
	MsgNonce          = "The ID token's nonce does not match."
	MsgCodeRefused    = "The provider refused the authorization code."
	MsgNoIDToken      = "The provider's answer to the code has no ID token."
)

// unavailable is the 503 of a provider that cannot be reached or answers nonsense: the
// client's credentials may be fine, and a retry later may work.
func (p *Provider) unavailable(cause error) error {
	err := rest.Unavailable(cause, 30*time.Second)
	var api *rest.Error
	if errors.As(err, &api) {
		api.Detail = fmt.Sprintf("The identity provider %q is unavailable. Try again later.", p.Name)
		api.Code = "provider_unavailable"
	}
	return err
}

// client is the HTTP client of every call to the provider.
func (p *Provider) client(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, &http.Client{Timeout: p.Timeout})
}

// provider is the discovered provider, discovering it first if need be, with its OAuth 2
// client. The lock keeps concurrent first logins from discovering it once each.
func (p *Provider) provider(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.discovered != nil {
		return p.discovered, p.oauth, nil
	}
	ctx, cancel := context.WithTimeout(p.client(ctx), p.Timeout)
	defer cancel()
	// NewProvider keeps only the HTTP client of ctx for fetching the keys later, not its
	// deadline.
	op, err := oidc.NewProvider(ctx, p.Issuer)
	if err != nil {
		return nil, nil, p.unavailable(fmt.Errorf("oidc %s: discovery: %w", p.Name, err))
	}
	// No RedirectURL: each login names its own (withRedirect).
	p.discovered = op
	p.oauth = &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(), Scopes: p.Scopes}
	return op, p.oauth, nil
}

// withRedirect adds a login's redirect URI to opts, as oauth2.Config's RedirectURL would.
func withRedirect(redirectURI string, opts ...oauth2.AuthCodeOption) []oauth2.AuthCodeOption {
	if redirectURI != "" {
		opts = append(opts, oauth2.SetAuthURLParam("redirect_uri", redirectURI))
	}
	return opts
}

// Verify checks an ID token: signature by the provider's keys, issuer, audience (the
// client id), expiry, and the nonce when the client sent one. A refusal is a 401; a
// provider whose keys cannot be fetched is a 503.
func (p *Provider) Verify(ctx context.Context, raw, nonce string) (*Identity, error) {
	op, _, err := p.provider(ctx)
	if err != nil {
		return nil, err
	}
	v := op.Verifier(&oidc.Config{ClientID: p.ClientID, Now: p.Now})
	tok, err := v.Verify(p.client(ctx), raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		switch {
		case errors.As(err, &expired):
			return nil, invalid(MsgIDTokenExpired)
		// go-oidc says so only in words: a signature it could not check because the
		// provider's keys could not be fetched is the provider's fault, not the token's.
		case strings.Contains(err.Error(), "fetching keys"):
			return nil, p.unavailable(err)
		}
		return nil, invalid(MsgIDTokenInvalid)
	}
	if nonce != "" && tok.Nonce != nonce {
		return nil, invalid(MsgNonce)
	}
	return identityOf(tok)
}

// Exchange trades an authorization code (with its PKCE verifier and redirect URI) at the
// provider's token endpoint for the ID token that comes with it, then verifies that.
func (p *Provider) Exchange(ctx context.Context, code, verifier, redirectURI, nonce string) (*Identity, error) {
	_, cfg, err := p.provider(ctx)
	if err != nil {
		return nil, err
	}
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	ctx, cancel := context.WithTimeout(p.client(ctx), p.Timeout)
	defer cancel()
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: p.Timeout}), code, withRedirect(redirectURI, opts...)...)
	if err != nil {
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) && refused.Response != nil && refused.Response.StatusCode < 500 {
			return nil, invalid(MsgCodeRefused)
		}
		return nil, p.unavailable(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, invalid(MsgNoIDToken)
	}
	return p.Verify(ctx, raw, nonce)
}

// AuthCodeURL is where a browser login sends the user: the provider's authorization
// endpoint with the state, the nonce and the PKCE challenge (S256) of verifier.
func (p *Provider) AuthCodeURL(ctx context.Context, redirectURI, state, nonce, verifier string) (string, error) {
	_, cfg, err := p.provider(ctx)
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state, withRedirect(redirectURI, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))...), nil
}

func invalid(msg string) error {
	return &rest.Error{Status: http.StatusUnauthorized, Detail: msg, Code: "token_not_valid"}
}
