package models_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"ginrest/models"
	"ginrest/rest"
)

// Unavailable turns the database's state into a 503 with Retry-After, keeping the cause,
// and leaves every other error alone.
func TestUnavailable(t *testing.T) {
	bug := errors.New("a bug")
	notFound := rest.NotFound()
	cases := []struct {
		name       string
		err        error
		retryAfter string // "" means the error is returned as it was
	}{
		{"sqlite busy", sqlite3.Error{Code: sqlite3.ErrBusy}, "1"},
		{"sqlite locked, wrapped", fmt.Errorf("rotate: %w", sqlite3.Error{Code: sqlite3.ErrLocked}), "1"},
		{"sqlite constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, ""},
		{"too many clients", &pgconn.PgError{Code: "53300"}, "5"},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, "5"},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, "5"},
		{"connection failure", &pgconn.PgError{Code: "08006"}, "5"},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, "1"},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, "1"},
		{"unique violation", &pgconn.PgError{Code: "23505"}, ""},
		{"deadline while waiting for a connection", fmt.Errorf("query: %w", context.DeadlineExceeded), "1"},
		{"bad connection", driver.ErrBadConn, "1"},
		{"connection done", sql.ErrConnDone, "1"},
		{"refused dial", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "5"},
		{"closed pool", errors.New("sql: database is closed"), "5"},
		{"a bug", bug, ""},
		{"no rows", sql.ErrNoRows, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := models.Unavailable(c.err)
			if c.retryAfter == "" {
				if got != c.err {
					t.Errorf("Unavailable(%v) = %v, want it unchanged", c.err, got)
				}
				return
			}
			var e *rest.Error
			if !errors.As(got, &e) || e.Status != http.StatusServiceUnavailable || e.Header.Get("Retry-After") != c.retryAfter {
				t.Fatalf("Unavailable(%v) = %#v, want a 503 with Retry-After %s", c.err, got, c.retryAfter)
			}
			if !errors.Is(got, c.err) {
				t.Errorf("the cause %v is lost", c.err)
			}
		})
	}
	if got := models.Unavailable(notFound); got != notFound {
		t.Errorf("an API error changed: %v", got)
	}
	if models.Unavailable(nil) != nil {
		t.Error("nil is not an error")
	}
}
