package tests

import (
	"io"
	"log/slog"

	"ginrest/middleware"
)

// discardLogger logs as runserver does, into nothing.
func discardLogger() *slog.Logger { return slog.New(middleware.NewTextHandler(io.Discard)) }
