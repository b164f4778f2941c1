package commands

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"ginrest/urls"
)

// serveMetrics serves the app's metrics at /metrics on METRICS_ADDR, a listener of its
// own: never on the API's, where any client could read them. It does nothing when
// METRICS_ADDR is unset. stop ends it; runserver calls it once the API has drained, so
// that the last scrapes see the end of the drain.
func serveMetrics(env *Env, app *urls.App, addr string) (stop func(), err error) {
	h := app.MetricsHandler()
	if h == nil {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	fmt.Fprintf(env.Stdout, "Serving metrics at http://%s/metrics\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-served
	}, nil
}
