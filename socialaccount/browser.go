package socialaccount

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"ginrest/rest"
	"ginrest/seal"
	"ginrest/settings"
)

// Browser is the login ginrest runs in the browser itself (docs/oidc.md): Start sends the
// user to the provider with a state, a nonce and a PKCE verifier, kept in a cookie sealed
// under SECRET_KEY (no store to share between processes); Finish, at the callback, checks
// the state against that cookie, exchanges the code with the verifier and verifies the ID
// token, its nonce included. Safe for concurrent use.
type Browser struct {
	Provider *Provider
	// Sealer seals the state cookie (StateInfo); Lifetime is OIDC_STATE_LIFETIME.
	Sealer   *seal.Sealer
	Lifetime time.Duration
	// Origins are OIDC_REDIRECT_ORIGINS, parsed: where a next URL may lead besides this
	// server's paths.
	Origins []settings.TrustedOrigin
	// Now is the clock of the state's expiry; nil is time.Now.
	Now func() time.Time
}

// StateInfo is the state cookie's own key (HKDF info) under SECRET_KEY.
const StateInfo = "ginrest.oidc.login-state.v1"

// The refusals of a callback.
const (
	MsgStateMissing  = "The login has expired or was started in another browser. Start again."
	MsgStateMismatch = "The login's state does not match. Start again."
	MsgNextNotSafe   = "This URL is not one a login may lead to."
)

// loginState is what the state cookie holds between Start and Finish.
type loginState struct {
	State       string `json:"state"`
	Nonce       string `json:"nonce"`
	Verifier    string `json:"verifier"`
	RedirectURI string `json:"redirect_uri"`
	Next        string `json:"next,omitempty"`
	Expires     int64  `json:"exp"`
}

func (b *Browser) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// additional binds a state cookie to its provider.
func (b *Browser) additional() []byte { return []byte("oidc-state:" + b.Provider.Name) }

// Start begins a login whose callback is redirectURI and which ends at next ("" for the
// callback's own answer): the URL of the provider to send the browser to, and the sealed
// state to keep in its cookie. A provider that cannot be discovered is a 503.
func (b *Browser) Start(ctx context.Context, redirectURI, next string) (authURL, sealed string, err error) {
	st := loginState{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(),
		RedirectURI: redirectURI, Next: next, Expires: b.now().Add(b.Lifetime).Unix()}
	if authURL, err = b.Provider.AuthCodeURL(ctx, redirectURI, st.State, st.Nonce, st.Verifier); err != nil {
		return "", "", err
	}
	plain, err := json.Marshal(st)
	if err != nil {
		return "", "", err
	}
	return authURL, b.Sealer.Seal(plain, b.additional()), nil
}

// Finish ends a login at its callback: sealed is the state cookie's value ("" for none),
// query the callback's query. It answers the identity the provider vouches for and the
// next URL Start was given. The caller clears the cookie whatever the outcome: a state
// serves one callback.
func (b *Browser) Finish(ctx context.Context, sealed string, query url.Values) (*Identity, string, error) {
	if code := query.Get("error"); code != "" {
		return nil, "", providerError(b.Provider, code)
	}
	st, err := b.open(sealed)
	if err != nil {
		return nil, "", err
	}
	// Constant time: the state is the secret that ties this callback to this browser.
	if got := query.Get("state"); got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.State)) != 1 {
		return nil, "", &rest.Error{Status: http.StatusBadRequest, Detail: MsgStateMismatch, Code: "state_mismatch"}
	}
	code := query.Get("code")
	if code == "" {
		return nil, "", rest.ValidationError(map[string]any{"code": []string{"This field is required."}})
	}
	id, err := b.Provider.Exchange(ctx, code, st.Verifier, st.RedirectURI, st.Nonce)
	if err != nil {
		return nil, "", err
	}
	return id, st.Next, nil
}

// open reads the state cookie: missing, not sealed by this server for this provider, or
// expired are one refusal, since the user's remedy is the same.
func (b *Browser) open(sealed string) (*loginState, error) {
	missing := &rest.Error{Status: http.StatusBadRequest, Detail: MsgStateMissing, Code: "state_missing"}
	if sealed == "" {
		return nil, missing
	}
	plain, _, err := b.Sealer.Open(sealed, b.additional())
	if err != nil {
		return nil, missing
	}
	var st loginState
	if json.Unmarshal(plain, &st) != nil || st.State == "" || b.now().Unix() >= st.Expires {
		return nil, missing
	}
	return &st, nil
}

// errorCode is an OAuth 2 error code as RFC 6749 §4.1.2.1 spells them; anything else a
// callback's query says is not repeated to the client.
var errorCode = regexp.MustCompile(`^[a-z_]{1,64}$`)

// providerError is the answer to a provider that redirected with an error instead of a
// code (RFC 6749 §4.1.2.1): the user refused (access_denied), or the request was wrong, a
// 400; the provider's own trouble (server_error, temporarily_unavailable), a 503.
func providerError(p *Provider, code string) error {
	if !errorCode.MatchString(code) {
		code = "provider_error"
	}
	if code == "server_error" || code == "temporarily_unavailable" {
		return p.unavailable(fmt.Errorf("oidc %s: the authorization endpoint answered %s", p.Name, code))
	}
	return &rest.Error{Status: http.StatusBadRequest, Code: code,
		Detail: fmt.Sprintf("The identity provider %q did not sign the user in: %s.", p.Name, code)}
}

// random is 256 random bits, base64url: a state, a nonce.
func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxNext bounds a next URL: it travels in a cookie.
const maxNext = 2000

// SafeNext says whether a login may lead to next, Django's url_has_allowed_host_and_scheme:
// a path of this server ("/app/", never "//host" or "/\host", which browsers take for
// another host), or an http(s) URL of one of the Origins; nothing with credentials,
// control characters or backslashes, which browsers read in ways a parser may not.
func (b *Browser) SafeNext(next string) bool {
	if next == "" || len(next) > maxNext || strings.ContainsAny(next, `\`) {
		return false
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.User != nil || u.Opaque != "" {
		return false
	}
	if u.Scheme == "" && u.Host == "" {
		return strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Host)
	for _, o := range b.Origins {
		if o.Matches(u.Scheme, host) {
			return true
		}
	}
	return false
}
