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
type Login struct {
	b    *Backend
	Rate Rate
}

var _ rest.OutcomeThrottle = (*Login)(nil)

// Login is the login throttle, if THROTTLE_RATES has a "login" rate; without one, logins
// are not throttled.
func (b *Backend) Login() (*Login, bool) {
	rate, ok := b.Rates["login"]
	if !ok {
		return nil, false
	}
	return &Login{b: b, Rate: rate}, true
}

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
	keys := []string{"throttle_{login}_ip_" + l.b.Ident(r)}
	username := loginUsername(r)
	if username != "" {
		// {login} is a Redis Cluster hash tag: both keys live on one node, so one script
		// can update them together.
		keys = append(keys, "throttle_{login}_user_"+keyPart(username))
	}
	res, err := l.b.hit(r.Context(), keys, l.Rate)
	if err != nil {
		return false, 0, nil, err
	}
	if !res.Allowed {
		// Someone guessing passwords, or the owner locked out by someone who is: logged
		// with the address, not the username (people type their password there).
		events := &audit.Log{Logger: l.b.Logger, Proxies: l.b.Proxies}
		events.Event(r.Context(), audit.LoginThrottled, "login throttled", slog.Int64("retry_after", int64(math.Ceil(res.Wait.Seconds()))))
		return false, res.Wait, nil, nil
	}
	return true, 0, func(_ *rest.Response, err error) {
		if loginFailed(err) {
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
