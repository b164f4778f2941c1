package metrics

import (
	"net/http"

	"ginrest/middleware"

	"github.com/prometheus/client_golang/prometheus"
)

// The outcomes of a login attempt. They are read from the status the login view answered,
// which is the one place that sees them all: the throttle refuses before the view runs,
// the hashing queue and the database refuse inside it.
const (
	loginSuccess   = "success"   // 200: tokens issued
	loginFailure   = "failure"   // 401: wrong credentials, or an inactive user
	loginThrottled = "throttled" // 429: the login throttle (THROTTLE_RATES login=...)
	loginRefused   = "refused"   // 503: the hashing queue was full, or the database unavailable
	loginInvalid   = "invalid"   // another 4xx: a field missing, a body that does not parse
	loginError     = "error"     // another 5xx
	loginAbandoned = "abandoned" // 499: the client went away before it was answered
)

func (m *Metrics) registerLogins() {
	m.logins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "login_attempts_total",
		Help: "Login attempts (POSTs to the token obtain views), by outcome: success, failure, throttled, refused, invalid, error, abandoned.",
	}, []string{"outcome"})
	// Every outcome is exported from the start, at 0, so that a rate over it exists before
	// the first failure does.
	for _, o := range []string{loginSuccess, loginFailure, loginThrottled, loginRefused, loginInvalid, loginError, loginAbandoned} {
		m.logins.WithLabelValues(o)
	}
	m.registry.MustRegister(m.logins)
}

func loginOutcome(status int) string {
	switch {
	case status >= 200 && status < 300:
		return loginSuccess
	case status == http.StatusUnauthorized:
		return loginFailure
	case status == http.StatusTooManyRequests:
		return loginThrottled
	case status == middleware.StatusClientClosedRequest:
		return loginAbandoned
	case status == http.StatusServiceUnavailable:
		return loginRefused
	case status >= 500:
		return loginError
	}
	return loginInvalid
}
