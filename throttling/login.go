package throttling

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"ginrest/audit"
	"ginrest/mfa"
	"ginrest/rest"
)

// Login throttles the token obtain views (scope "login", default 10/min): it counts failed
// logins per username and per client address, and refuses a login while either has had
// the rate's Limit failures in the window, before any password is checked.
//
//   - Per address, it slows credential stuffing (many usernames from one place); per
//     username, guessing one account's password from many places.
//   - A correct login from another address still works while one address is refused,
//     unless that username itself has had Limit failures in the window: then it is refused
//     from everywhere until they leave the window (a 429 with Retry-After, never longer).
//     That is the price of stopping distributed guessing against one account.
//   - A successful login is not counted, and it clears its username's failures: only
//     someone who knows the password can do that, and the owner's own typos then stop
//     counting against them. It does not clear the address's failures, or one valid
//     account would reset an address's allowance for trying others.
//   - Only failed logins count (401): a body with a field missing (400), a throttled
//     request, a server error are taken back.
//
// Each attempt is counted when it is let through and taken back when it turns out not to
// be a failure, so that concurrent attempts cannot exceed the limit while their passwords
// are being checked.
//
// The password change is throttled the same way (PasswordChange): its failures are wrong
// old passwords, counted per user and per address.
type Login struct {
	b    *Backend
	Rate Rate
	// scope names the keys and the security event; account is the account an attempt is
	// against ("" for none); failed tells a failed attempt from the other outcomes.
	scope   string
	event   string
	account func(r *rest.Request) string
	failed  func(err error) bool
}

var _ rest.OutcomeThrottle = (*Login)(nil)

// Login is the login throttle, if THROTTLE_RATES has a "login" rate; without one, logins
// are not throttled.
func (b *Backend) Login() (*Login, bool) {
	rate, ok := b.Rates["login"]
	if !ok {
		return nil, false
	}
	return &Login{b: b, Rate: rate, scope: "login", event: audit.LoginThrottled, account: loginUsername, failed: loginFailed}, true
}

// PasswordChange throttles the password change: wrong old passwords (a 400 naming
// old_password) per user and per address, at THROTTLE_RATES' "password_change" rate, or
// the "login" rate without one, since the old-password check is a password guess like a
// login. A successful change clears the user's failures. Without either rate, it is not
// throttled.
func (b *Backend) PasswordChange() (*Login, bool) {
	rate, ok := b.Rates["password_change"]
	if !ok {
		if rate, ok = b.Rates["login"]; !ok {
			return nil, false
		}
	}
	return &Login{b: b, Rate: rate, scope: "password_change", event: audit.PasswordChangeThrottled, account: userKey, failed: oldPasswordWrong}, true
}

// MFA throttles the second factor: wrong or spent codes and recovery codes (the API
// errors coded mfa.CodeRefused) per user and per address, at THROTTLE_RATES' "mfa" rate,
// or the "login" rate without one. A six-digit code is a small space: with the login's
// 10/min, someone holding the password would need weeks, not minutes. account names the
// user an attempt is against, "" for none: the authenticated user on the device views; on
// the login's second step, the user of the mfa token in the body, which urls verifies
// first so that no one can spend a user's allowance with a token they made up. A right
// code clears the user's failures. Without either rate, codes are not throttled.
func (b *Backend) MFA(account func(r *rest.Request) string) (*Login, bool) {
	rate, ok := b.Rates["mfa"]
	if !ok {
		if rate, ok = b.Rates["login"]; !ok {
			return nil, false
		}
	}
	if account == nil {
		account = userKey
	}
	return &Login{b: b, Rate: rate, scope: "mfa", event: audit.MFAThrottled, account: account, failed: codeRefused}, true
}

// UserKey is the authenticated user's primary key, "" for an anonymous caller: what the
// password change and the device views count failures against.
func UserKey(r *rest.Request) string { return userKey(r) }

// AllowRequest counts the attempt as a failure for good: the dispatcher calls Attempt,
// which can take it back. A login that cannot be counted (the store failed) is refused.
func (l *Login) AllowRequest(r *rest.Request, view any) (bool, time.Duration) {
	ok, wait, _, err := l.Attempt(r, view)
	if err != nil {
		return false, retryDown
	}
	return ok, wait
}

// Attempt counts the login as failed under its address and username, unless either is
// already at the limit; done takes it back unless the login did fail. When the store
// fails, the error is a 503 with Retry-After: no password is checked uncounted.
func (l *Login) Attempt(r *rest.Request, _ any) (bool, time.Duration, func(*rest.Response, error), error) {
	keys := []string{"throttle_{" + l.scope + "}_ip_" + l.b.Ident(r)}
	if account := l.account(r); account != "" {
		// {login} is a Redis Cluster hash tag: both keys live on one node, so one script
		// can update them together.
		keys = append(keys, "throttle_{"+l.scope+"}_user_"+keyPart(account))
	}
	res, err := l.b.hit(r.Context(), keys, l.Rate)
	if err != nil {
		return false, 0, nil, err
	}
	if !res.Allowed {
		// Someone guessing passwords, or the owner locked out by someone who is: logged
		// with the address, not the username (people type their password there).
		events := &audit.Log{Logger: l.b.Logger, Proxies: l.b.Proxies}
		events.Event(r.Context(), l.event, l.scope+" throttled", slog.Int64("retry_after", int64(math.Ceil(res.Wait.Seconds()))))
		return false, res.Wait, nil, nil
	}
	return true, 0, func(_ *rest.Response, err error) {
		if l.failed(err) {
			return
		}
		// The client may have gone; what was counted must still be taken back.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeTimeout)
		defer cancel()
		if err := l.b.Store.Forget(ctx, keys[0], res.ID); err != nil {
			l.b.warn(ctx, "throttle store failed to take back a login attempt", err)
		}
		if len(keys) < 2 {
			return
		}
		var uerr error
		if err == nil && r.HTTP.Method == http.MethodPost { // a login, not an OPTIONS
			uerr = l.b.Store.Reset(ctx, keys[1])
		} else {
			uerr = l.b.Store.Forget(ctx, keys[1], res.ID)
		}
		if uerr != nil {
			l.b.warn(ctx, "throttle store failed to take back a login attempt", uerr)
		}
	}, nil
}

// loginFailed: the credentials were checked and refused.
func loginFailed(err error) bool {
	var e *rest.Error
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized
}

// oldPasswordWrong: the password change refused the old password.
func oldPasswordWrong(err error) bool {
	var e *rest.Error
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
		return false
	}
	_, named := e.Fields["old_password"]
	return named
}

// codeRefused: a code or recovery code was checked and refused.
func codeRefused(err error) bool {
	var e *rest.Error
	return errors.As(err, &e) && e.Code == mfa.CodeRefused
}

// userKey is the authenticated user's id (throttles run after authentication); "" for an
// anonymous caller, whom the view refuses anyway.
func userKey(r *rest.Request) string {
	if r.User == nil || !r.User.IsAuthenticated() {
		return ""
	}
	if u, ok := r.User.(interface{ PK() string }); ok {
		return u.PK()
	}
	return ""
}

// loginUsername is the username the body names, as the obtain serializer reads it
// (trimmed; a JSON number as its text), lower-cased so that case variants of one name
// share a count; "" when the body has none or cannot be parsed (the view then answers 400).
func loginUsername(r *rest.Request) string {
	data, err := r.Data()
	if err != nil {
		return ""
	}
	obj, _ := data.(map[string]any)
	var s string
	switch v := obj["username"].(type) {
	case string:
		s = v
	case json.Number:
		s = string(v)
	}
	return strings.ToLower(strings.TrimSpace(s))
}
