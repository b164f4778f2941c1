package settings_test

import (
	"strings"
	"testing"

	"ginrest/settings"
)

func TestMetricsAddr(t *testing.T) {
	s, err := settings.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.MetricsAddr != "" {
		t.Errorf("METRICS_ADDR defaults to %q, want unset (no metrics)", s.MetricsAddr)
	}
	for _, addr := range []string{"127.0.0.1:9100", ":9100", "[::1]:0", "localhost:9100"} {
		s, err := settings.Load(env(map[string]string{"METRICS_ADDR": addr}))
		if err != nil || s.MetricsAddr != addr {
			t.Errorf("METRICS_ADDR=%s: %v, %q", addr, err, s.MetricsAddr)
		}
	}
	for _, addr := range []string{"9100", "127.0.0.1", "127.0.0.1:metrics", "127.0.0.1:70000", "http://127.0.0.1:9100"} {
		_, err := settings.Load(env(map[string]string{"METRICS_ADDR": addr}))
		if err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
			t.Errorf("METRICS_ADDR=%s: error %v, want one naming METRICS_ADDR", addr, err)
		}
	}
}
