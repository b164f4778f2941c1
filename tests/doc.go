// Package tests holds the project's HTTP tests: each speaks to the real router through
// httptest, as a client would. Set DATABASE_URL=postgres://… to run them against
// PostgreSQL (each test gets a schema of its own); by default each gets a SQLite file.
package tests
