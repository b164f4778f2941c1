package urls

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"ginrest/metrics"
	"ginrest/middleware"
	"ginrest/models"
	"ginrest/rest"
	"ginrest/views"
)

// What operators look at: the probes, the access log, the request id and the metrics.

// The probes' paths: fixed names that orchestrators expect (Kubernetes' /healthz and
// /readyz), outside the API's URL table and its trailing-slash convention.
const (
	HealthPath = "/healthz"
	ReadyPath  = "/readyz"
)

// probeRoutes are mounted beside the URL table (Mount): they are not the API's, and no
// router, schema or throttle check of the table sees them.
func (a *App) probeRoutes() []Route {
	return []Route{
		{Path: HealthPath, Name: "healthz", View: views.NewHealth()},
		{Path: ReadyPath, Name: "readyz", View: views.NewReady(a.readyChecks()...)},
	}
}

// readyChecks are the dependencies without which a request cannot be served: the
// database, and Redis when the throttles count there (REDIS_URL, or an Options store).
func (a *App) readyChecks() []views.Check {
	checks := []views.Check{{Name: "database", Ping: func(ctx context.Context) error { return models.Ping(ctx, a.DB) }}}
	if r, ok := a.Throttling.Store.(interface{ Ping(context.Context) error }); ok {
		checks = append(checks, views.Check{Name: "redis", Ping: r.Ping})
	}
	return checks
}

// setUpOperations builds the access log and, with METRICS_ADDR, the metrics. NewApp calls
// it once the URL table is built: the metrics need the login routes' paths.
func (a *App) setUpOperations(opts Options) {
	if opts.DevAccessLog != nil {
		a.accessLog = middleware.DevAccess(opts.DevAccessLog)
	} else {
		a.accessLog = middleware.SlogAccess(a.Logger, HealthPath, ReadyPath)
	}
	if a.Settings.MetricsAddr == "" {
		return
	}
	var logins []string
	for _, r := range a.Routes {
		if r.Name == "token_obtain_pair" || r.Name == "token_obtain_sliding" {
			logins = append(logins, r.Path)
		}
	}
	src := metrics.Sources{
		Hashing:     a.Users.HashingQueue().Stats,
		Pools:       func() map[string]sql.DBStats { return models.PoolStats(a.DB) },
		LoginRoutes: logins,
	}
	if _, ok := models.SQLiteWriterStats(a.DB); ok {
		src.Writer = func() models.WriterStats { s, _ := models.SQLiteWriterStats(a.DB); return s }
	}
	a.Metrics = metrics.New(src)
}

// wrap puts the router inside what every request goes through, outermost first,
// Django's MIDDLEWARE: security headers; the request id, before anything logs; the access
// log and the metrics, outside Recoverer so that a panic is logged and counted as the 500
// it is answered with; then the ALLOWED_HOSTS check, before any route or view (the probes
// aside: orchestrators call them by the pod's address); then CORS, whose preflights are
// answered before any authentication or throttle, and only for an allowed host.
func (a *App) wrap(router http.Handler) http.Handler {
	chain := []func(http.Handler) http.Handler{
		rest.SecurityHeaders,
		middleware.Begin(a.Settings.RequestTimeout),
		middleware.RequestID(a.Proxies),
		middleware.AccessLog(a.accessLog),
	}
	if a.Metrics != nil {
		chain = append(chain, middleware.Metrics(a.Metrics))
	}
	chain = append(chain, rest.CheckHost(a.Settings.AllowedHostPatterns(), HealthPath, ReadyPath))
	if a.cors != nil {
		chain = append(chain, a.cors)
	}
	return middleware.Chain(rest.Recoverer(a.Logger, router), chain...)
}

// MetricsHandler serves the metrics (runserver mounts it at /metrics on METRICS_ADDR);
// nil when METRICS_ADDR is unset.
func (a *App) MetricsHandler() http.Handler {
	if a.Metrics == nil {
		return nil
	}
	return a.Metrics.Handler()
}

// Close releases what NewApp opened (the Redis client of REDIS_URL); the database is the
// caller's to close, after. Call it once the server has stopped.
func (a *App) Close() error {
	var errs []error
	for _, c := range a.closers {
		errs = append(errs, c.Close())
	}
	a.closers = nil
	return errors.Join(errs...)
}
