package models

import (
	"context"
	"database/sql/driver"

	"github.com/mattn/go-sqlite3"
)

// writerPragmas run on every connection the SQLite writer opens, for what the DSN cannot
// say. temp_store=MEMORY keeps statement journals in memory: every request in a write
// batch runs in a savepoint, and SQLite journals each page a savepoint changes. In a
// temporary file that is a file created and unlinked per batch and a pwrite per page, more
// system calls than the WAL itself takes; in memory it is a copy. A statement journal only
// serves a rollback to a savepoint, so nothing durable depends on it.
var writerPragmas = []string{"PRAGMA temp_store = MEMORY"}

// sqliteConnector opens mattn/go-sqlite3 connections to dsn and runs pragmas on each, as
// a driver.Connector: sql.OpenDB takes it, and nothing is registered process-wide.
type sqliteConnector struct {
	dsn     string
	pragmas []string
	driver  *sqlite3.SQLiteDriver
}

var _ driver.Connector = (*sqliteConnector)(nil)

func newSQLiteConnector(dsn string, pragmas ...string) *sqliteConnector {
	c := &sqliteConnector{dsn: dsn, pragmas: pragmas}
	c.driver = &sqlite3.SQLiteDriver{ConnectHook: c.configure}
	return c
}

func (c *sqliteConnector) configure(conn *sqlite3.SQLiteConn) error {
	for _, p := range c.pragmas {
		if _, err := conn.Exec(p, nil); err != nil {
			return err
		}
	}
	return nil
}

func (c *sqliteConnector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }

func (c *sqliteConnector) Driver() driver.Driver { return c.driver }
