package main

import "testing"

func TestParseWrk(t *testing.T) {
	out := "Running 10s test @ http://127.0.0.1:18090\n  1 threads and 32 connections\n" +
		"WRK requests=1200 duration_us=10000000 p50_us=700 p99_us=5200 max_us=14000 errors=2 statuses=200:1000,401:150,200:40,503:10\n"
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.requests != 1200 || r.durationUS != 10_000_000 || r.p50 != 700 || r.p99 != 5200 || r.max != 14000 || r.errors != 2 {
		t.Errorf("figures: %+v", r)
	}
	if got := r.statusList(); got != "200×1040 401×150 503×10" {
		t.Errorf("statuses %q", got)
	}
	if r.fives() != 10 {
		t.Errorf("5xx %d, want 10", r.fives())
	}
	for _, bad := range []string{"", "Running\n", "WRK requests=x duration_us=1\n", "WRK requests=1 duration_us=0\n", "WRK requests=1 duration_us=1 statuses=200:x\n"} {
		if _, err := parseWrk(bad); err == nil {
			t.Errorf("parseWrk(%q) succeeded", bad)
		}
	}
}
