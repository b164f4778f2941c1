package commands

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushEvery is how late a log line of runserver may reach stderr.
const logFlushEvery = 100 * time.Millisecond

// logBuffer batches the server's log lines into few writes: one write (a system call) per
// request's access line cost the protected view a quarter of its throughput under load.
// Lines reach the underlying writer within logFlushEvery, when 64 KiB have gathered, and
// at Close; a line is never split.
type logBuffer struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushing()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.w.Flush()
}

func (b *logBuffer) flushing() {
	defer close(b.done)
	tick := time.NewTicker(logFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			b.flush()
		case <-b.stop:
			b.flush()
			return
		}
	}
}

// Close writes what is buffered and stops the flushing.
func (b *logBuffer) Close() error {
	close(b.stop)
	<-b.done
	return nil
}
