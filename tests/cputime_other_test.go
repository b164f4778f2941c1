//go:build !unix

package tests

import "time"

// processCPU is 0 where getrusage is not available: BenchmarkRefreshView then reports no
// CPU time.
func processCPU() time.Duration { return 0 }
