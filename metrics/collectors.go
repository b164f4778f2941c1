package metrics

import (
	"database/sql"
	"sort"

	"github.com/prometheus/client_golang/prometheus"

	"ginrest/hashers"
	"ginrest/models"
)

// collector reads its values at each scrape: the queue and the pools keep their own
// counts, which would only go stale copied into gauges.
type collector struct {
	descs   []*prometheus.Desc
	collect func(ch chan<- prometheus.Metric)
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// field is one value of a stats struct S, exported as a metric without labels.
type field[S any] struct {
	name, help string
	kind       prometheus.ValueType
	value      func(S) float64
}

// statsCollector exports fields of what read returns at each scrape, under
// ginrest_<subsystem>_<name>.
func statsCollector[S any](subsystem string, read func() S, fields ...field[S]) prometheus.Collector {
	descs := make([]*prometheus.Desc, len(fields))
	for i, f := range fields {
		descs[i] = prometheus.NewDesc(prometheus.BuildFQName(namespace, subsystem, f.name), f.help, nil, nil)
	}
	return &collector{
		descs: descs,
		collect: func(ch chan<- prometheus.Metric) {
			s := read()
			for i, f := range fields {
				ch <- prometheus.MustNewConstMetric(descs[i], f.kind, f.value(s))
			}
		},
	}
}

// hashingCollector exports the password-hashing queue (PASSWORD_HASHING_QUEUE_TIMEOUT):
// waiting hashes that climb toward workers × timeout / mean mean logins about to be refused.
func hashingCollector(stats func() hashers.Stats) prometheus.Collector {
	type h = hashers.Stats
	return statsCollector("password_hashing", stats,
		field[h]{"workers", "Password hashes that may run at once (the CPUs).",
			prometheus.GaugeValue, func(s h) float64 { return float64(s.Workers) }},
		field[h]{"running", "Password hashes running now.",
			prometheus.GaugeValue, func(s h) float64 { return float64(s.Running) }},
		field[h]{"waiting", "Password hashes waiting for a worker.",
			prometheus.GaugeValue, func(s h) float64 { return float64(s.Waiting) }},
		field[h]{"mean_seconds", "Moving average of a password hash's duration; 0 before the first.",
			prometheus.GaugeValue, func(s h) float64 { return s.Mean.Seconds() }},
	)
}

// poolsCollector exports the database's connection pools by name: PostgreSQL's one pool
// ("write"), or SQLite's writer ("write") and readers ("read"). Waits that grow mean
// requests queue for a connection (DATABASE_MAX_CONNS).
func poolsCollector(pools func() map[string]sql.DBStats) prometheus.Collector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", name), help, []string{"pool"}, nil)
	}
	maxOpen := desc("max_open_connections", "The pool's cap on open connections.")
	open := desc("open_connections", "Connections open, in use or idle.")
	inUse := desc("in_use_connections", "Connections in use.")
	idle := desc("idle_connections", "Connections idle.")
	waits := desc("waits_total", "Times a query waited for a connection.")
	waited := desc("wait_seconds_total", "Total time queries waited for a connection.")
	return &collector{
		descs: []*prometheus.Desc{maxOpen, open, inUse, idle, waits, waited},
		collect: func(ch chan<- prometheus.Metric) {
			stats := pools()
			names := make([]string, 0, len(stats))
			for name := range stats {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				s := stats[name]
				ch <- prometheus.MustNewConstMetric(maxOpen, prometheus.GaugeValue, float64(s.MaxOpenConnections), name)
				ch <- prometheus.MustNewConstMetric(open, prometheus.GaugeValue, float64(s.OpenConnections), name)
				ch <- prometheus.MustNewConstMetric(inUse, prometheus.GaugeValue, float64(s.InUse), name)
				ch <- prometheus.MustNewConstMetric(idle, prometheus.GaugeValue, float64(s.Idle), name)
				ch <- prometheus.MustNewConstMetric(waits, prometheus.CounterValue, float64(s.WaitCount), name)
				ch <- prometheus.MustNewConstMetric(waited, prometheus.CounterValue, s.WaitDuration.Seconds(), name)
			}
		},
	}
}

// writerCollector exports SQLite's one writer, which commits the requests' writes in
// batches (models.Transaction): a busy rate near 1 means writes queue for it, and the
// commit's mean latency, mostly the WAL's fsync, is what the disk costs each batch.
func writerCollector(stats func() models.WriterStats) prometheus.Collector {
	type w = models.WriterStats
	return statsCollector("db_writer", stats,
		field[w]{"batches_total", "Batches SQLite's writer ran, each one transaction with one commit.",
			prometheus.CounterValue, func(s w) float64 { return float64(s.Batches) }},
		field[w]{"transactions_total", "Requests' transactions answered by the writer's batches; over batches_total, the mean batch.",
			prometheus.CounterValue, func(s w) float64 { return float64(s.Transactions) }},
		field[w]{"commit_seconds_total", "Time the writer spent committing, the WAL's fsync included.",
			prometheus.CounterValue, func(s w) float64 { return s.Commit.Seconds() }},
		field[w]{"busy_seconds_total", "Time the writer spent running batches; its rate is the share of time it had work.",
			prometheus.CounterValue, func(s w) float64 { return s.Busy.Seconds() }},
	)
}
