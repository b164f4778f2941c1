package urls

import (
	"errors"
	"fmt"
	"strings"

	"ginrest/rest"
	"ginrest/throttling"
	"ginrest/tokens"
)

// RedisKeyPrefix is put before every throttle key in Redis.
const RedisKeyPrefix = "ginrest:"

// setUpThrottling builds the throttling backend (memory, or Redis with REDIS_URL), the
// default throttles (DEFAULT_THROTTLE_CLASSES) and the login throttle. NewApp then checks
// that every throttle of the URL table has its rate, as DRF's ImproperlyConfigured would.
func (a *App) setUpThrottling(opts Options) error {
	store := opts.ThrottleStore
	if store == nil && a.Settings.RedisURL != "" {
		rs, err := throttling.OpenRedis(a.Settings.RedisURL, RedisKeyPrefix)
		if err != nil {
			return err
		}
		store = rs
		a.closers = append(a.closers, rs) // App.Close closes it
	}
	b, err := throttling.New(a.Settings, store, opts.Now, a.Logger)
	if err != nil {
		return err
	}
	a.Throttling = b
	if a.Defaults.Throttles, err = a.classes.throttles(b, a.Settings.REST.DefaultThrottleClasses); err != nil {
		return err
	}
	// The login throttle comes on top of the defaults, which simplejwt's views keep in DRF.
	if login, ok := b.Login(); ok {
		a.LoginThrottles = append(append([]rest.Throttle{}, a.Defaults.Throttles...), login)
	}
	if change, ok := b.PasswordChange(); ok {
		a.PasswordChangeThrottles = append(append([]rest.Throttle{}, a.Defaults.Throttles...), change)
	}
	if codes, ok := b.MFA(a.mfaAccount); ok {
		a.MFAThrottles = append(append([]rest.Throttle{}, a.Defaults.Throttles...), codes)
	}
	return nil
}

// mfaAccount is whose codes a request tries: the authenticated user on the device views;
// on the login's second step, the user its mfa token names, once the token's signature and
// times check out (a token made up or expired names no one: its request is counted by
// address only, and the view refuses it).
func (a *App) mfaAccount(r *rest.Request) string {
	if key := throttling.UserKey(r); key != "" {
		return key
	}
	data, err := r.Data()
	if err != nil {
		return ""
	}
	obj, _ := data.(map[string]any)
	raw, _ := obj["mfa_token"].(string)
	if raw == "" {
		return ""
	}
	t, err := a.Tokens.Parse(strings.TrimSpace(raw), tokens.MFA)
	if err != nil {
		return ""
	}
	claim, ok := a.Tokens.UserID(t)
	if !ok {
		return ""
	}
	return fmt.Sprint(claim)
}

// checkThrottles asks every throttle that can whether it can work for its view.
func (a *App) checkThrottles(routes []Route) error {
	var errs []error
	for _, route := range routes {
		throttles := route.View.Base().Throttles
		if throttles == nil {
			throttles = a.Defaults.Throttles
		}
		for _, t := range throttles {
			if c, ok := t.(throttling.ViewChecker); ok {
				if err := c.CheckView(route.View); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}
