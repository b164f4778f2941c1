package models

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// sqlitePragmas configure every pooled connection for a server, so they live in the DSN:
// WAL lets readers run beside the writer; _txlock=immediate takes the write lock at BEGIN,
// without which the busy timeout (added by dialectorFor) cannot help a transaction that
// reads then writes; synchronous FULL makes an acknowledged commit survive a crash;
// foreign keys are enforced as on PostgreSQL.
const sqlitePragmas = "_journal_mode=WAL&_foreign_keys=on&_synchronous=FULL&_txlock=immediate"

// DefaultBusyTimeout is how long a SQLite connection waits for another writer's lock
// before the statement fails with "database is locked".
const DefaultBusyTimeout = 5 * time.Second

// Options tune Open; the zero value means the defaults.
type Options struct {
	// BusyTimeout is SQLite's busy_timeout, rounded to milliseconds: how long a write waits
	// for the write lock before failing. Zero means DefaultBusyTimeout. PostgreSQL ignores it.
	BusyTimeout time.Duration
}

// Open connects to DATABASE_URL: sqlite:///relative.db, sqlite:////abs/path.db or
// postgres://…
func Open(databaseURL string) (*gorm.DB, error) { return OpenWith(databaseURL, Options{}) }

// OpenWith is Open with options.
func OpenWith(databaseURL string, opts Options) (*gorm.DB, error) {
	dialector, err := dialectorFor(databaseURL, opts)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		// Queries carry password hashes and tokens: never log them.
		Logger: logger.Discard,
		// Writes that must be atomic open their own transaction; single statements need none.
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
	})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	sqlDB.SetMaxIdleConns(64)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.Ping(); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return db, nil
}

func dialectorFor(databaseURL string, opts Options) (gorm.Dialector, error) {
	switch {
	case strings.HasPrefix(databaseURL, "sqlite://"):
		path, err := SQLitePath(databaseURL)
		if err != nil {
			return nil, err
		}
		busy := opts.BusyTimeout
		if busy == 0 {
			busy = DefaultBusyTimeout
		}
		if busy < 0 {
			return nil, errors.New("database: the busy timeout must not be negative")
		}
		dsn := fmt.Sprintf("file:%s?%s&_busy_timeout=%d", (&url.URL{Path: path}).EscapedPath(), sqlitePragmas, max(busy.Milliseconds(), 1))
		return sqlite.Open(dsn), nil
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return postgres.Open(databaseURL), nil
	}
	return nil, errors.New("DATABASE_URL must start with sqlite:// or postgres://")
}

// SQLitePath is the file a sqlite:// URL names: three slashes then a relative path, four
// for an absolute one (the form of dj-database-url).
func SQLitePath(databaseURL string) (string, error) {
	path := strings.TrimPrefix(databaseURL, "sqlite://")
	if !strings.HasPrefix(path, "/") || len(path) < 2 {
		return "", errors.New("DATABASE_URL: sqlite:///relative.db or sqlite:////absolute/path.db")
	}
	path = path[1:]
	if strings.ContainsAny(path, "?#") {
		return "", errors.New("DATABASE_URL: a sqlite path takes no query; ginrest sets the pragmas")
	}
	return path, nil
}

// IsPostgres reports whether db speaks PostgreSQL.
func IsPostgres(db *gorm.DB) bool { return db.Dialector.Name() == "postgres" }
