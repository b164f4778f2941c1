package urls

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ginrest/rest"
)

// Handler mounts the URL table (Routes) on gin: the one place that knows gin. Views see
// rest.Request.
func (a *App) Handler() http.Handler {
	return a.Mount(a.Routes)
}

// Mount serves routes with DRF's behaviour around them: JSON 404s, slash redirects,
// security headers and panics answered with a generic 500; with the health probes, a
// request id, an access log line and metrics for every request.
func (a *App) Mount(routes []Route) http.Handler {
	gin.SetMode(gin.ReleaseMode) // no route dump on stdout; the mode is gin's global, set once per process
	engine := gin.New()
	engine.RedirectTrailingSlash = true // 301 for GET, 307 for the rest: Django's APPEND_SLASH, keeping the method
	engine.RedirectFixedPath = false
	engine.HandleMethodNotAllowed = false // every method reaches the view, which answers 405 in DRF's words
	_ = engine.SetTrustedProxies(nil)     // X-Forwarded-For is ignored unless proxies are configured
	notFound := rest.NotFoundHandler()
	engine.NoRoute(func(c *gin.Context) { notFound.ServeHTTP(c.Writer, c.Request) })
	// The probes (/healthz, /readyz: operations.go) beside the table, not in it.
	all := append(a.probeRoutes(), routes...)
	// The mounted routes are what reverse() and resolve() see (hyperlinked fields).
	d := a.Defaults
	patterns := make([]rest.URLPattern, len(all))
	for i, route := range all {
		patterns[i] = rest.URLPattern{Name: route.Name, Path: route.Path}
	}
	d.URLs = rest.NewURLConf(patterns)
	for _, route := range all {
		h := rest.NewHandler(route.View, d)
		engine.Any(route.Path, func(c *gin.Context) {
			// The pattern, not the raw path, names the request in the metrics. (The
			// request's deadline, REQUEST_TIMEOUT, is in its context already: middleware.Begin.)
			rest.InfoFrom(c.Request.Context()).SetRoute(route.Path)
			var params []rest.Param
			if len(c.Params) > 0 {
				params = make([]rest.Param, len(c.Params))
				for i, p := range c.Params {
					params[i] = rest.Param{Key: p.Key, Value: p.Value}
				}
			}
			h.Serve(c.Writer, c.Request, params)
		})
	}
	return a.wrap(engine) // the middleware: operations.go
}
