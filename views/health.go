package views

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"ginrest/rest"
)

// probeView is what the probes share: they are asked by a load balancer or an
// orchestrator, which holds no credentials, and must never be refused by a throttle, so
// every policy list is empty (not nil, which would mean the settings' defaults); nor does
// it name an API version.
func probeView(name, description string) rest.APIView {
	return rest.APIView{Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{},
		Throttles: []rest.Throttle{}, Versioning: rest.NoVersioning{}, Name: name, Description: description}
}

// Status is the body of a probe that passed.
type Status struct {
	Status string `json:"status"`
}

// Health is the liveness probe (/healthz): the process is up and serving requests. It
// asks nothing else, so that a database outage never gets the process restarted.
type Health struct{ rest.APIView }

var _ rest.Getter = (*Health)(nil)

func NewHealth() *Health {
	return &Health{probeView("Health", "The process is up: 200 {\"status\": \"ok\"}.")}
}

func (*Health) Get(*rest.Request) (*rest.Response, error) {
	return rest.OK(Status{Status: "ok"}), nil
}

// Check is one dependency the readiness probe asks. Name is told to the client, so it
// names the dependency and nothing of where it is or how it failed.
type Check struct {
	Name string
	Ping func(context.Context) error
}

// ReadyTimeout bounds the readiness probe's checks: a dependency slower than this is as
// good as down for the requests the instance would be sent.
const ReadyTimeout = 2 * time.Second

// Ready is the readiness probe (/readyz): every dependency answers, so the instance can
// be sent requests. A 503 names the dependencies that did not answer, in DRF's shape; the
// causes go to the log (the dispatcher logs a 503's cause at WARN).
type Ready struct {
	rest.APIView
	checks []Check
}

var _ rest.Getter = (*Ready)(nil)

func NewReady(checks ...Check) *Ready {
	return &Ready{APIView: probeView("Ready", "Every dependency answers: 200 {\"status\": \"ok\"}, else 503."), checks: checks}
}

func (v *Ready) Get(r *rest.Request) (*rest.Response, error) {
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	errs := make([]error, len(v.checks))
	var wg sync.WaitGroup
	for i, c := range v.checks { // at once: the probe takes as long as the slowest check
		wg.Go(func() { errs[i] = c.Ping(ctx) })
	}
	wg.Wait()
	var down []string
	var causes []error
	for i, err := range errs {
		if err != nil {
			down = append(down, v.checks[i].Name)
			causes = append(causes, fmt.Errorf("%s: %w", v.checks[i].Name, err))
		}
	}
	if len(down) > 0 {
		e := &rest.Error{Status: http.StatusServiceUnavailable, Detail: "Not ready: " + strings.Join(down, ", ") + " unreachable."}
		return nil, &notReady{api: e, cause: errors.Join(causes...)}
	}
	return rest.OK(Status{Status: "ok"}), nil
}

// notReady is the 503 the client sees (errors.As finds it) with the causes it must not.
type notReady struct {
	api   *rest.Error
	cause error
}

func (e *notReady) Error() string   { return "not ready: " + e.cause.Error() }
func (e *notReady) Unwrap() []error { return []error{e.api, e.cause} }
