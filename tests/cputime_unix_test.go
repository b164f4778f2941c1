//go:build unix

package tests

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, in user and system mode.
func processCPU() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
