package settings

import (
	"fmt"
	"net"
	"strconv"
)

// validateOperations checks what operators set for watching the server: METRICS_ADDR.
func (s *Settings) validateOperations() []error {
	var errs []error
	if s.MetricsAddr != "" {
		_, port, err := net.SplitHostPort(s.MetricsAddr)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
			errs = append(errs, fmt.Errorf("settings: METRICS_ADDR %q must be host:port, such as 127.0.0.1:9100", s.MetricsAddr))
		}
	}
	return errs
}
