package tests

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/settings"
)

// SQLite's one writer is in the metrics: each write request's transaction is answered by
// a batch, requests one after another make a batch each, and the time spent committing
// and running the batches grows. PostgreSQL has no one writer, and no such metrics.
func TestWriterMetrics(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.MetricsAddr = "127.0.0.1:0" })
	s.createUser("alice", "alice-pw")
	_, refresh := s.login("alice", "alice-pw")
	if models.IsPostgres(s.App.DB) {
		if body := scrape(t, s); strings.Contains(body, "ginrest_db_writer_") {
			t.Errorf("writer metrics on PostgreSQL:\n%s", body)
		}
		return
	}
	before := writerMetrics(t, scrape(t, s))
	const refreshes = 3
	for range refreshes { // one after the other: a batch each
		rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
		assertStatus(t, rec, http.StatusOK, "refresh")
		var pair struct{ Refresh string }
		mustJSON(t, rec.Body.Bytes(), &pair)
		refresh = pair.Refresh
	}
	after := writerMetrics(t, scrape(t, s))
	batches := after["batches_total"] - before["batches_total"]
	if batches < refreshes {
		t.Errorf("%v batches for %d refreshes", batches, refreshes)
	}
	if txs := after["transactions_total"] - before["transactions_total"]; txs != batches {
		t.Errorf("%v transactions in %v batches of requests made one at a time", txs, batches)
	}
	commit := after["commit_seconds_total"] - before["commit_seconds_total"]
	busy := after["busy_seconds_total"] - before["busy_seconds_total"]
	if commit <= 0 || busy < commit {
		t.Errorf("commit %vs, busy %vs: want commits timed, within the busy time", commit, busy)
	}
}

// writerMetrics reads the ginrest_db_writer_ counters of a scrape, by the rest of their name.
func writerMetrics(t *testing.T, body string) map[string]float64 {
	t.Helper()
	const prefix = "ginrest_db_writer_"
	values := map[string]float64{}
	for line := range strings.Lines(body) {
		name, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || !strings.HasPrefix(name, prefix) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		values[strings.TrimPrefix(name, prefix)] = v
	}
	for _, name := range []string{"batches_total", "transactions_total", "commit_seconds_total", "busy_seconds_total"} {
		if _, ok := values[name]; !ok {
			t.Fatalf("the scrape has no %s%s:\n%s", prefix, name, body)
		}
	}
	return values
}
