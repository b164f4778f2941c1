package models

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
)

func TestWithStatementCaches(t *testing.T) {
	for _, tc := range []struct {
		name, url, want string
	}{
		{"adds both", "postgres://u@h:5432/db?sslmode=disable",
			"postgres://u@h:5432/db?description_cache_capacity=0&sslmode=disable&statement_cache_capacity=128"},
		{"no query", "postgres://u@h/db", "postgres://u@h/db?description_cache_capacity=0&statement_cache_capacity=128"},
		{"statement capacity set", "postgres://u@h/db?statement_cache_capacity=16", "postgres://u@h/db?statement_cache_capacity=16"},
		{"description capacity set", "postgres://u@h/db?description_cache_capacity=64", "postgres://u@h/db?description_cache_capacity=64"},
		{"exec mode set", "postgres://u@h/db?default_query_exec_mode=cache_describe", "postgres://u@h/db?default_query_exec_mode=cache_describe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := withStatementCaches(tc.url)
			if err != nil || got != tc.want {
				t.Errorf("withStatementCaches(%q) = %q, %v; want %q", tc.url, got, err, tc.want)
			}
		})
	}
	if _, err := withStatementCaches("postgres://u@h:port/db"); err == nil {
		t.Error("an invalid URL was taken")
	}
}

// A connection of the pool has the capacities, and the default exec mode still works.
func TestPostgresStatementCaches(t *testing.T) {
	db := postgresDB(t)
	var n int
	if err := db.Raw("SELECT 1 + ?", 1).Scan(&n).Error; err != nil || n != 2 {
		t.Fatalf("SELECT 1 + 1 = %d, %v", n, err)
	}
	pool, err := writePool(db)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pool.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(c any) error {
		cfg := c.(*stdlib.Conn).Conn().Config()
		if cfg.StatementCacheCapacity != 128 || cfg.DescriptionCacheCapacity != 0 {
			t.Errorf("statement cache %d, description cache %d; want 128 and 0", cfg.StatementCacheCapacity, cfg.DescriptionCacheCapacity)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
