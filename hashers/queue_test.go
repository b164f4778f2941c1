package hashers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stepClock moves on by step at every reading, so a hash timed alone measures exactly step.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// blocker is a fake hash per caller: it reports its start, then holds its worker until
// released.
type blocker struct {
	started chan int
	release []chan struct{}
}

func newBlocker(n int) *blocker {
	b := &blocker{started: make(chan int, n), release: make([]chan struct{}, n)}
	for i := range b.release {
		b.release[i] = make(chan struct{})
	}
	return b
}

func (b *blocker) hash(i int) func() {
	return func() {
		b.started <- i
		<-b.release[i]
	}
}

// arrive calls q.Do in a goroutine and returns once the call holds a worker or waits in
// line, so that callers arrive in a known order. The channel gets Do's result.
func arrive(t *testing.T, q *Queue, ctx context.Context, hash func()) <-chan error {
	t.Helper()
	before := q.Stats()
	done := make(chan error, 1)
	go func() { done <- q.Do(ctx, hash) }()
	waitUntil(t, func() bool {
		s := q.Stats()
		return s.Running+s.Waiting > before.Running+before.Waiting
	})
	return done
}

// waitUntil polls a condition that goroutines of the test will make true; it decides no
// outcome, it only waits for a state the test then checks.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

// More callers than workers: they start in the order they arrived, whichever worker
// frees first.
func TestQueueServesInArrivalOrder(t *testing.T) {
	const n = 8
	q := &Queue{Workers: 2}
	b := newBlocker(n)
	results := make([]<-chan error, n)
	var order []int
	for i := range n {
		results[i] = arrive(t, q, context.Background(), b.hash(i))
		if i < 2 { // holds a worker: wait for it to start, so order records starts in turn
			order = append(order, <-b.started)
		}
	}
	if s := q.Stats(); s.Running != 2 || s.Waiting != n-2 {
		t.Fatalf("stats = %+v, want 2 running, %d waiting", s, n-2)
	}
	// Free the workers in an order unlike the arrivals: the later of the two running first.
	for _, i := range []int{1, 0, 3, 2, 5, 4, 7, 6} {
		close(b.release[i])
		if err := <-results[i]; err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if len(order) < n {
			order = append(order, <-b.started)
		}
	}
	for i, got := range order {
		if got != i {
			t.Fatalf("start order %v, want arrival order", order)
		}
	}
}

// Never more hashes at once than workers, however many callers arrive together.
func TestQueueBoundsConcurrency(t *testing.T) {
	const workers, callers = 3, 24
	q := &Queue{Workers: workers}
	var active, most atomic.Int32
	gate := make(chan struct{})
	hash := func() {
		n := active.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-gate
		active.Add(-1)
	}
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() { errs <- q.Do(context.Background(), hash) })
	}
	waitUntil(t, func() bool { s := q.Stats(); return s.Running+s.Waiting == callers })
	if s := q.Stats(); s.Running != workers || s.Waiting != callers-workers {
		t.Fatalf("stats = %+v, want %d running", s, workers)
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := most.Load(); got != workers {
		t.Errorf("at most %d hashes at once, want %d", got, workers)
	}
	if s := q.Stats(); s.Running != 0 || s.Waiting != 0 {
		t.Errorf("stats after = %+v, want idle", s)
	}
}

// A caller whose estimated wait exceeds the bound is refused at arrival, without joining
// the line; the estimate is the line ahead × the measured mean ÷ workers.
func TestQueueRefusesPastTheBound(t *testing.T) {
	q := &Queue{Workers: 1, Timeout: 15 * time.Second, Now: (&stepClock{step: 10 * time.Second}).Now}
	// Before any hash is timed nothing is refused: a full line is not a reason yet.
	b := newBlocker(4)
	first := arrive(t, q, context.Background(), b.hash(0))
	<-b.started
	second := arrive(t, q, context.Background(), b.hash(1))
	close(b.release[0])
	close(b.release[1])
	for _, done := range []<-chan error{first, second} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// Each hash was timed alone on the step clock: 10s, so the mean is 10s.
	if s := q.Stats(); s.Mean != 10*time.Second {
		t.Fatalf("mean = %v, want 10s", s.Mean)
	}

	running := arrive(t, q, context.Background(), b.hash(2))
	<-b.started
	waiting := arrive(t, q, context.Background(), b.hash(3)) // 1 ahead: 10s ≤ 15s
	err := q.Do(context.Background(), func() { t.Error("a refused hash ran") })
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) {
		t.Fatalf("Do = %v, want a *BusyError", err)
	}
	if busy.Wait != 20*time.Second { // 2 ahead × 10s ÷ 1 worker
		t.Errorf("Wait = %v, want 20s", busy.Wait)
	}
	if s := q.Stats(); s.Running != 1 || s.Waiting != 1 {
		t.Errorf("stats = %+v: the refused caller must not join the line", s)
	}
	close(b.release[2])
	close(b.release[3])
	for _, done := range []<-chan error{running, waiting} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// The estimate shares the line among the workers.
func TestQueueEstimateSharesWorkers(t *testing.T) {
	q := &Queue{Workers: 4, Timeout: time.Minute}
	q.observe(8 * time.Second)
	q.mu.Lock()
	q.resolve()
	q.running = 4
	for range 5 {
		q.waiting.PushBack(make(chan struct{}))
	}
	got := q.estimate()
	q.mu.Unlock()
	if want := 12 * time.Second; got != want { // (5 waiting + 1) × 8s ÷ 4
		t.Errorf("estimate = %v, want %v", got, want)
	}
}

// The mean is seeded by the first hash, then moves an eighth of the way to each new one.
func TestQueueMovingMean(t *testing.T) {
	q := &Queue{}
	for _, c := range []struct{ hash, mean time.Duration }{
		{10 * time.Second, 10 * time.Second},
		{18 * time.Second, 11 * time.Second},
		{3 * time.Second, 10 * time.Second},
	} {
		q.observe(c.hash)
		if got := q.Stats().Mean; got != c.mean {
			t.Errorf("after a %v hash: mean %v, want %v", c.hash, got, c.mean)
		}
	}
}

// A caller whose context ends while it waits leaves the line, and the worker goes to the
// next caller in line, not to it.
func TestQueueContextLeavesTheLine(t *testing.T) {
	q := &Queue{Workers: 1}
	b := newBlocker(3)
	running := arrive(t, q, context.Background(), b.hash(0))
	<-b.started
	ctx, cancel := context.WithCancel(context.Background())
	leaving := arrive(t, q, ctx, b.hash(1))
	staying := arrive(t, q, context.Background(), b.hash(2))
	cancel()
	if err := <-leaving; !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
	if s := q.Stats(); s.Running != 1 || s.Waiting != 1 {
		t.Fatalf("stats = %+v, want the cancelled caller gone", s)
	}
	close(b.release[0])
	if got := <-b.started; got != 2 {
		t.Fatalf("caller %d started, want 2", got)
	}
	close(b.release[2])
	for _, done := range []<-chan error{running, staying} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Do(ctx, func() { t.Error("ran with an ended context") }); !errors.Is(err, context.Canceled) {
		t.Errorf("Do(ended ctx) = %v, want context.Canceled", err)
	}
}

// A context that ends as its caller is handed the worker loses no worker, whichever
// happens first: afterwards the queue is idle. (Which path a round takes is up to the
// scheduler; every round must end idle.)
func TestQueueCancelRacingHandOff(t *testing.T) {
	q := &Queue{Workers: 1}
	for range 200 {
		gate := make(chan struct{})
		holder := arrive(t, q, context.Background(), func() { <-gate })
		ctx, cancel := context.WithCancel(context.Background())
		waiter := arrive(t, q, ctx, func() {})
		go cancel()
		close(gate)
		if err := <-holder; err != nil {
			t.Fatal(err)
		}
		if err := <-waiter; err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		if s := q.Stats(); s.Running != 0 || s.Waiting != 0 {
			t.Fatalf("stats = %+v, want idle", s)
		}
	}
}

// NewQueue sizes the pool to the CPUs Go uses.
func TestNewQueueWorkers(t *testing.T) {
	q := NewQueue(time.Second)
	if got, want := q.Stats().Workers, q.Workers; got != want || got < 1 {
		t.Errorf("workers = %d, want GOMAXPROCS = %d", got, want)
	}
	if got := (&Queue{}).Stats().Workers; got < 1 {
		t.Errorf("zero Queue workers = %d, want GOMAXPROCS", got)
	}
}
