// Package metrics is the app's Prometheus metrics: requests by route and status, their
// latency, login outcomes, the password-hashing queue, the database pools and SQLite's
// writer. Each app has a registry of its own (never Prometheus's global one), so a
// process, or a test, can build several apps; runserver serves it on METRICS_ADDR, a
// listener apart from the API.
package metrics

import (
	"database/sql"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ginrest/hashers"
	"ginrest/models"
)

// namespace prefixes every metric of the app.
const namespace = "ginrest"

// Sources are what the metrics read at each scrape, and which routes are logins.
type Sources struct {
	// Hashing reports the password-hashing queue; nil leaves its gauges out.
	Hashing func() hashers.Stats
	// Pools reports the database's connection pools by name (models.PoolStats); nil leaves
	// them out.
	Pools func() map[string]sql.DBStats
	// Writer reports SQLite's one writer (models.SQLiteWriterStats); nil leaves it out, as
	// on PostgreSQL.
	Writer func() models.WriterStats
	// LoginRoutes are the route paths of the login views: a POST to one is a login attempt.
	LoginRoutes []string
}

// Metrics are one app's metrics. Build them with New; ObserveRequest is the
// middleware.RequestObserver that counts requests.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	logins      *prometheus.CounterVec
	loginRoutes map[string]bool
}

// New registers the app's metrics, and Go's and the process's, on a registry of their own.
func New(src Sources) *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry(), loginRoutes: map[string]bool{}}
	for _, r := range src.LoginRoutes {
		m.loginRoutes[r] = true
	}
	m.registerHTTP()
	m.registerLogins()
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if src.Hashing != nil {
		m.registry.MustRegister(hashingCollector(src.Hashing))
	}
	if src.Pools != nil {
		m.registry.MustRegister(poolsCollector(src.Pools))
	}
	if src.Writer != nil {
		m.registry.MustRegister(writerCollector(src.Writer))
	}
	return m
}

// Registry is where the metrics live: register a project's own collectors on it.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the registry in Prometheus's exposition format: mount it at /metrics of
// an address only the monitoring reaches, never beside the API.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
