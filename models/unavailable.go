package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"ginrest/rest"
)

// Retry-After for a database that is busy (a lock held by another process, a pool with no
// free connection) and for one that cannot be reached (restarting, closed).
const (
	retryBusy = time.Second
	retryDown = 5 * time.Second
)

// Unavailable is the app's exception handler (rest.Defaults.ExceptionHandler) for the
// database: a failure that is the database's state, not the request's, becomes a 503 with
// Retry-After that keeps the cause for the log; a client that retries later will be
// served. Anything else is returned as it is, and a 500 remains a 500.
func Unavailable(err error) error {
	if err == nil {
		return nil
	}
	var api *rest.Error
	if errors.As(err, &api) {
		return err
	}
	if wait, ok := transient(err); ok {
		return rest.Unavailable(err, wait)
	}
	return err
}

// transient says whether err is the database being busy or away, and how long to wait.
func transient(err error) (time.Duration, bool) {
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		switch lite.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return retryBusy, true
		}
		return 0, false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case strings.HasPrefix(pg.Code, "08"), // connection exception
			strings.HasPrefix(pg.Code, "53"),                           // insufficient resources: too many clients, out of memory
			pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03": // shutting down, starting up
			return retryDown, true
		case pg.Code == "40001", pg.Code == "40P01", pg.Code == "55P03": // serialization, deadlock, lock not available
			return retryBusy, true
		}
		return 0, false
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		// The request's deadline passed while it waited: for a connection, a lock or a row.
		return retryBusy, true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return retryBusy, true
	case errors.As(err, &connect), errors.As(err, &netErr):
		return retryDown, true
	case err.Error() == "sql: database is closed": // database/sql exports no value for it
		return retryDown, true
	}
	return 0, false
}
