package metrics

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"ginrest/middleware"
)

// unmatched is the route label of a request no route matched (a 404, a slash redirect):
// one series for all of them, whatever paths clients invent.
const unmatched = "unmatched"

// latencyBuckets reach REQUEST_TIMEOUT's default (60s): a login queued for a CPU, or a
// request waiting for a database connection, is slow, and worth seeing as such.
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

func (m *Metrics) registerHTTP() {
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "http", Name: "requests_total",
		Help: "Requests served, by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time to serve a request, by route pattern and method.",
		Buckets: latencyBuckets,
	}, []string{"route", "method"})
	m.registry.MustRegister(m.requests, m.latency)
}

// ObserveRequest counts a finished request; middleware.Metrics calls it.
func (m *Metrics) ObserveRequest(e middleware.Entry) {
	route := e.Route
	if route == "" {
		route = unmatched
	}
	method := methodLabel(e.Method)
	m.requests.WithLabelValues(route, method, strconv.Itoa(e.Status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(e.Duration.Seconds())
	if e.Method == http.MethodPost && m.loginRoutes[e.Route] {
		m.logins.WithLabelValues(loginOutcome(e.Status)).Inc()
	}
}

// methodLabel keeps the method label to the methods HTTP defines: any other is the
// client's invention, and would make a series per invention.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "OTHER"
}
