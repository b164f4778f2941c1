package commands

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"ginrest/models"
)

// DefaultAddr is where `go run .` serves.
const DefaultAddr = "127.0.0.1:8000"

// writeMargin is how long past REQUEST_TIMEOUT a response may take to be written.
const writeMargin = 10 * time.Second

// shutdownGrace is how long requests already received may take to finish after SIGTERM.
const shutdownGrace = 25 * time.Second

func runserver(env *Env, args []string) error {
	fs := newFlags("runserver", env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	addr := DefaultAddr
	switch fs.NArg() {
	case 0:
	case 1:
		addr = fs.Arg(0)
		if !strings.Contains(addr, ":") { // Django's `runserver 8080`
			addr = "127.0.0.1:" + addr
		}
	default:
		return usageError{errors.New("runserver takes at most one address")}
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usageError{fmt.Errorf("%q is not a host:port address", addr)}
	}

	s, db, err := setup(env)
	if err != nil {
		return err
	}
	defer closeDB(db)
	if !s.Debug && len(s.AllowedHosts) == 0 {
		// Django's runserver refuses too: with DEBUG off and no ALLOWED_HOSTS, every
		// request would be a 400. Other commands serve nothing, and need none.
		return errors.New("settings: ALLOWED_HOSTS must be set when DEBUG is false (ALLOWED_HOSTS=api.example.com,.example.org): with none, every request is refused with 400")
	}
	ctx := env.Context
	if ctx == nil {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
	}
	ran, err := models.Migrate(ctx, db)
	if err != nil {
		return err
	}
	for _, name := range ran {
		fmt.Fprintf(env.Stdout, "Applied migration %s\n", name)
	}
	// The server's logs (an access line per request) go out in batches: logbuffer.go.
	logs := newLogBuffer(env.Stderr)
	defer logs.Close()
	logged := *env
	logged.Stderr = logs
	app, err := newApp(&logged, s, db)
	if err != nil {
		return err
	}
	defer app.Close() // the Redis client; before closeDB, after the server has stopped
	// A view whose schema declaration makes the OpenAPI document invalid stops the server
	// here, as any other declaration mistake does, not at the first GET /api/schema/.
	if _, err := app.Schema(); err != nil {
		return err
	}
	if s.Debug {
		if err := seedDemoUser(ctx, env, app.Users); err != nil {
			return err
		}
	}

	stopMetrics, err := serveMetrics(env, app, s.MetricsAddr) // METRICS_ADDR: metrics.go
	if err != nil {
		return err
	}
	defer stopMetrics()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// The pruner (TOKEN_PRUNE_INTERVAL) runs until the server stops, and is waited for
	// before the database closes.
	pruneCtx, stopPruning := context.WithCancel(ctx)
	pruned := make(chan struct{})
	go func() {
		defer close(pruned)
		app.RunPruner(pruneCtx)
	}()
	defer func() {
		stopPruning()
		<-pruned
	}()
	conns := &openConns{}
	srv := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Past the request's own deadline (REQUEST_TIMEOUT, which answers 503), so that the
		// handler always answers first: a write timeout that fires closes the connection
		// with no answer at all.
		WriteTimeout:   s.RequestTimeout + writeMargin,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ConnState:      conns.track,
	}
	mode := "production"
	if s.Debug {
		mode = "DEBUG (development only: set DEBUG=false and SECRET_KEY in production)"
	}
	fmt.Fprintf(env.Stdout, "Starting server at http://%s/ in %s mode\nQuit with CONTROL-C.\n", ln.Addr(), mode)
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Requests already received finish; new connections are refused. Shutdown alone would
	// drop, unanswered, a request it reads after it began, and under load an accepted
	// connection's request can wait unread for a while. So: stop accepting, close idle
	// connections and answer the rest with Connection: close, wait for them to close, and
	// only then shut down.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	srv.SetKeepAlivesEnabled(false)
	_ = ln.Close()
	<-served
	conns.wait(shutdownCtx)
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(env.Stdout, "Server stopped.")
	return nil
}

// DemoUsername is the user seeded into an empty database in DEBUG.
const DemoUsername = "demo"

// seedDemoUser creates a demo user with a random password, printed once, when DEBUG is on
// and the database has no user: a known password would survive into production.
func seedDemoUser(ctx context.Context, env *Env, users *models.Users) error {
	n, err := users.Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := rand.Text()[:16]
	if err := users.Create(ctx, &models.User{Username: DemoUsername, Email: "demo@example.com", IsActive: true}, password); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "DEBUG: created demo user %q with password %q\n", DemoUsername, password)
	return nil
}

// openConns tracks the server's connections, so that shutdown can wait for the ones it
// accepted to be answered and closed.
type openConns struct {
	mu    sync.Mutex
	conns map[net.Conn]connState
}

// connState is what wait needs of a connection: whether it has sent a request yet, and
// since when it has been silent if not.
type connState struct {
	state http.ConnState // StateNew, or StateActive once a request came
	since time.Time      // when it was accepted
}

// track runs on every change of a connection's state, twice per request (active, then
// idle), so it does no more than wait needs: the time is read once, when the connection is
// accepted, and the lock is not taken for a connection going idle, which only ever follows
// a request (Active).
func (o *openConns) track(c net.Conn, state http.ConnState) {
	if state == http.StateIdle {
		return
	}
	var accepted time.Time
	if state == http.StateNew {
		accepted = time.Now() // outside the lock
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	switch state {
	case http.StateNew:
		if o.conns == nil {
			o.conns = map[net.Conn]connState{}
		}
		o.conns[c] = connState{state, accepted}
	case http.StateActive:
		if s, ok := o.conns[c]; ok && s.state == http.StateNew {
			o.conns[c] = connState{state, s.since}
		}
	case http.StateClosed, http.StateHijacked:
		delete(o.conns, c)
	}
}

// silentPatience is how long a connection that sends nothing holds up a shutdown: the
// 5 seconds after which http.Server.Shutdown itself treats such a connection as idle.
const silentPatience = 5 * time.Second

// wait returns once every connection has closed, but for those that have sent nothing
// for silentPatience, or when ctx ends.
func (o *openConns) wait(ctx context.Context) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		o.mu.Lock()
		open := 0
		for _, c := range o.conns {
			if c.state != http.StateNew || time.Since(c.since) < silentPatience {
				open++
			}
		}
		o.mu.Unlock()
		if open == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
