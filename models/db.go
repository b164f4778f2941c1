package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"
)

// sqlitePragmas configure every pooled connection for a server, so they live in the DSN:
// WAL lets readers run beside the writer; synchronous FULL makes an acknowledged commit
// survive a crash; foreign keys are enforced as on PostgreSQL. The writer adds
// _txlock=immediate, which takes the write lock at BEGIN, without which the busy timeout
// cannot help a transaction that reads then writes (another process holds the lock).
const sqlitePragmas = "_journal_mode=WAL&_foreign_keys=on&_synchronous=FULL"

// DefaultBusyTimeout is how long a SQLite connection waits for another writer's lock
// before the statement fails with "database is locked".
const DefaultBusyTimeout = 5 * time.Second

// Options tune Open; the zero value means the defaults.
type Options struct {
	// BusyTimeout is SQLite's busy_timeout, rounded to milliseconds: how long a write waits
	// for the write lock before failing. Zero means DefaultBusyTimeout. PostgreSQL ignores it.
	BusyTimeout time.Duration
	// MaxConns caps the open connections of PostgreSQL's pool (DATABASE_MAX_CONNS), and of
	// SQLite's pool of readers, which also stays within SQLiteReaders; zero means
	// DefaultMaxConns. A request that finds every connection busy waits for one until its
	// context ends.
	MaxConns int
}

// SQLiteReaders is how many read connections a SQLite database opens at most, below
// MaxConns: twice the CPUs Go uses, and at least 4. A SQLite read runs on the CPU (the
// file is in the page cache), so more readers than that run no more reads at once; each
// costs an OS thread while it works (cgo) and its own page cache and statements. On a
// 2-core machine, 10 readers against 4 added about 2.5 MB to the peak of a burst of 200
// logins, and refresh ran no faster.
func SQLiteReaders() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// DefaultMaxConns is the connection cap of one process: with PostgreSQL's default
// max_connections of 100 (3 kept for superusers), 9 processes fit beside psql and a cron
// job. N processes need N × DATABASE_MAX_CONNS < max_connections − superuser_reserved.
const DefaultMaxConns = 10

// Open connects to DATABASE_URL: sqlite:///relative.db, sqlite:////abs/path.db or
// postgres://…
func Open(databaseURL string) (*gorm.DB, error) { return OpenWith(databaseURL, Options{}) }

// gormConfig is every connection's ORM configuration. prepare is gorm's PrepareStmt.
func gormConfig(prepare bool) *gorm.Config {
	return &gorm.Config{
		// Queries carry password hashes and tokens: never log them.
		Logger: logger.Discard,
		// Writes that must be atomic open their own transaction; single statements need none.
		SkipDefaultTransaction: true,
		PrepareStmt:            prepare,
	}
}

// OpenWith is Open with options.
//
// SQLite allows one writer at a time. Writers that each hold a pooled connection fight
// over the file lock inside SQLite, where busy_timeout sleeps and retries with no queue,
// and under load some lose with "database is locked". So a SQLite database is two pools,
// as pocketbase keeps them: one connection that writes (every transaction and every
// statement that is not a SELECT), for which writers queue in Go, and a pool of read-only
// connections for the SELECTs outside transactions, which WAL lets run beside the writer.
// gorm's dbresolver routes each statement. A write still waits busy_timeout for another
// process's lock, and fails after it; the app answers that with a 503 (Unavailable).
func OpenWith(databaseURL string, opts Options) (*gorm.DB, error) {
	maxConns := opts.MaxConns
	if maxConns == 0 {
		maxConns = DefaultMaxConns
	}
	if maxConns < 1 {
		return nil, errors.New("database: the connection cap must be at least 1")
	}
	var p *pools
	var err error
	switch {
	case strings.HasPrefix(databaseURL, "sqlite://"):
		p, err = openSQLite(databaseURL, opts.BusyTimeout, min(maxConns, SQLiteReaders()))
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		p, err = openPostgres(databaseURL, maxConns)
	default:
		return nil, errors.New("DATABASE_URL must start with sqlite:// or postgres://")
	}
	if err != nil {
		return nil, err
	}
	if err := p.db.Use(p); err != nil {
		p.close()
		return nil, fmt.Errorf("database: %w", err)
	}
	return p.db, nil
}

func openSQLite(databaseURL string, busy time.Duration, readers int) (*pools, error) {
	path, err := SQLitePath(databaseURL)
	if err != nil {
		return nil, err
	}
	if busy == 0 {
		busy = DefaultBusyTimeout
	}
	if busy < 0 {
		return nil, errors.New("database: the busy timeout must not be negative")
	}
	base := fmt.Sprintf("file:%s?%s&_busy_timeout=%d", (&url.URL{Path: path}).EscapedPath(), sqlitePragmas, max(busy.Milliseconds(), 1))
	p := &pools{writer: sql.OpenDB(newSQLiteConnector(base+"&_txlock=immediate", writerPragmas...))}
	if p.db, err = gorm.Open(sqlite.Dialector{Conn: p.writer}, gormConfig(true)); err != nil {
		p.writer.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	// One connection, kept open: its page cache stays warm and the queue for it is Go's.
	p.writer.SetMaxOpenConns(1)
	p.writer.SetMaxIdleConns(1)
	// query_only: a statement routed here by mistake fails loudly instead of writing
	// beside the writer.
	if p.reader, err = sql.Open("sqlite3", base+"&_query_only=true"); err != nil {
		p.close()
		return nil, fmt.Errorf("database: %w", err)
	}
	p.reader.SetMaxOpenConns(readers)
	p.reader.SetMaxIdleConns(readers)
	p.reader.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.ping(context.Background()); err != nil {
		p.close()
		return nil, fmt.Errorf("database: %w", err)
	}
	p.resolver = dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{sqlite.Dialector{Conn: p.reader}},
	})
	p.batches = newBatcher(p.db, p.writer)
	return p, nil
}

func openPostgres(databaseURL string, maxConns int) (*pools, error) {
	// pgx prepares each statement once per connection and keeps it (its statement cache),
	// so gorm's own prepared statements would only add their hazard: gorm prepares a
	// statement on whatever connection is free, and a request needing it waits for that
	// without a deadline — while transactions hold every connection of the pool, forever.
	// (SQLite's driver keeps nothing, so there gorm prepares; its transactions run apart,
	// models.Transaction.)
	databaseURL, err := withStatementCaches(databaseURL)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(postgres.Open(databaseURL), gormConfig(false))
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	p := &pools{db: db}
	if p.writer, err = db.DB(); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	// Without a cap, a burst opens a connection per request and PostgreSQL answers
	// "too many clients" to this process and every other one.
	p.writer.SetMaxOpenConns(maxConns)
	p.writer.SetMaxIdleConns(maxConns)
	p.writer.SetConnMaxIdleTime(5 * time.Minute)
	p.writer.SetConnMaxLifetime(30 * time.Minute)
	if err := p.ping(context.Background()); err != nil {
		p.close()
		return nil, fmt.Errorf("database: %w", err)
	}
	return p, nil
}

// Statement caches of each PostgreSQL connection, where DATABASE_URL does not set them.
// pgx keeps two, each made for 512 statements: about 50 kB a connection, 0.5 MB of the live
// heap over DefaultMaxConns, which the GC lets grow to twice that before it collects. The
// app runs a few dozen distinct statements, and the description cache serves only the
// exec mode cache_describe, which it does not use (pgx's default is cache_statement).
const (
	statementCacheCapacity   = "128"
	descriptionCacheCapacity = "0"
)

// withStatementCaches is databaseURL with the caches' capacities, unless it sets them or
// an exec mode (cache_describe needs a description cache).
func withStatementCaches(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", errors.New("DATABASE_URL: not a valid postgres:// URL")
	}
	q := u.Query()
	if q.Has("statement_cache_capacity") || q.Has("description_cache_capacity") || q.Has("default_query_exec_mode") {
		return databaseURL, nil
	}
	q.Set("statement_cache_capacity", statementCacheCapacity)
	q.Set("description_cache_capacity", descriptionCacheCapacity)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// pools are the connection pools behind a *gorm.DB, kept as a gorm plugin so that Close,
// Ping and Stats find them from the *gorm.DB alone.
type pools struct {
	db       *gorm.DB
	writer   *sql.DB // PostgreSQL: the only pool
	reader   *sql.DB // SQLite only
	resolver *dbresolver.DBResolver
	batches  *batcher // SQLite only: Transaction's group commit
}

const poolsPlugin = "ginrest:pools"

func (p *pools) Name() string { return poolsPlugin }

func (p *pools) Initialize(db *gorm.DB) error {
	if p.resolver != nil {
		return db.Use(p.resolver)
	}
	return nil
}

func (p *pools) ping(ctx context.Context) error {
	for _, pool := range []*sql.DB{p.writer, p.reader} {
		if pool != nil {
			if err := pool.PingContext(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *pools) close() error {
	if p.batches != nil {
		p.batches.close()
	}
	var errs []error
	for _, pool := range []*sql.DB{p.reader, p.writer} {
		if pool != nil {
			errs = append(errs, pool.Close())
		}
	}
	return errors.Join(errs...)
}

func poolsOf(db *gorm.DB) (*pools, bool) {
	p, ok := db.Config.Plugins[poolsPlugin].(*pools)
	return p, ok
}

// Close closes every pool of a database that Open opened.
func Close(db *gorm.DB) error {
	if p, ok := poolsOf(db); ok {
		return p.close()
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers (readiness). On SQLite it asks a reader: the one
// writer connection may be busy committing, which says nothing about readiness, and a
// ping queued behind it would report a busy server as down.
func Ping(ctx context.Context, db *gorm.DB) error {
	if p, ok := poolsOf(db); ok {
		if p.reader != nil {
			return p.reader.PingContext(ctx)
		}
		return p.ping(ctx)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// PoolStats are the statistics of a database's pools, by name ("write", "read").
func PoolStats(db *gorm.DB) map[string]sql.DBStats {
	stats := map[string]sql.DBStats{}
	if p, ok := poolsOf(db); ok {
		stats["write"] = p.writer.Stats()
		if p.reader != nil {
			stats["read"] = p.reader.Stats()
		}
	}
	return stats
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

// readPool is the pool for SELECTs outside a transaction: SQLite's readers, or the one pool.
// writePool is the pool that writes go to: SQLite's single writer connection, or
// PostgreSQL's one pool.
func writePool(db *gorm.DB) (*sql.DB, error) {
	if p, ok := poolsOf(db); ok && p.writer != nil {
		return p.writer, nil
	}
	return db.DB()
}

func readPool(db *gorm.DB) (*sql.DB, error) {
	if p, ok := poolsOf(db); ok && p.reader != nil {
		return p.reader, nil
	}
	return db.DB()
}
