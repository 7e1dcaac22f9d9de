package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// Delivery configures how a network notifier delivers: its Notify only
// queues the events, and its Run loop sends them in order, in batches,
// with a timeout per attempt and retries with exponential backoff. Zero
// fields take the defaults.
type Delivery struct {
	QueueSize  int           // events waiting at most (default 1000); when full the oldest are dropped, and counted
	MaxBatch   int           // events per send (default 64)
	Timeout    time.Duration // per attempt (default 10 s)
	Attempts   int           // per batch, before it is dropped (default 5)
	Backoff    time.Duration // before the first retry (default 1 s); doubles per retry
	MaxBackoff time.Duration // the longest wait between attempts (default 30 s)
}

func (d Delivery) withDefaults() (Delivery, error) {
	if d.QueueSize < 0 || d.MaxBatch < 0 || d.Timeout < 0 || d.Attempts < 0 || d.Backoff < 0 || d.MaxBackoff < 0 {
		return d, fmt.Errorf("delivery %+v: negative setting", d)
	}
	def := func(v *int, n int) {
		if *v == 0 {
			*v = n
		}
	}
	defd := func(v *time.Duration, n time.Duration) {
		if *v == 0 {
			*v = n
		}
	}
	def(&d.QueueSize, 1000)
	def(&d.MaxBatch, 64)
	def(&d.Attempts, 5)
	defd(&d.Timeout, 10*time.Second)
	defd(&d.Backoff, time.Second)
	defd(&d.MaxBackoff, 30*time.Second)
	if d.MaxBackoff < d.Backoff {
		return d, fmt.Errorf("delivery: max backoff %v is below backoff %v", d.MaxBackoff, d.Backoff)
	}
	return d, nil
}

// permanent marks an error that retrying will not cure (a 4xx answer).
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

func isPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// queue is the delivery machinery shared by the network notifiers.
type queue struct {
	name   string // "alertmanager http://…", for logs and errors
	send   func(context.Context, []Event) error
	d      Delivery
	log    *slog.Logger
	resend time.Duration // 0: none

	mu      sync.Mutex
	buf     []Event
	firing  map[string]Event // what receivers were last told is firing, by Alert.ID (when resending)
	dropped uint64
	wake    chan struct{}
}

func newQueue(name string, d Delivery, resend time.Duration, log *slog.Logger, send func(context.Context, []Event) error) (*queue, error) {
	d, err := d.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if log == nil {
		return nil, fmt.Errorf("%s: no logger", name)
	}
	return &queue{name: name, send: send, d: d, log: log.With("notifier", name), resend: resend,
		firing: map[string]Event{}, wake: make(chan struct{}, 1)}, nil
}

// notify queues events without blocking; when the queue is full the
// oldest events are dropped and an error says how many.
func (q *queue) notify(events []Event) error {
	if len(events) == 0 {
		return nil
	}
	q.mu.Lock()
	if q.resend > 0 {
		for _, ev := range events {
			if ev.Kind == Fired {
				q.firing[ev.Alert.ID()] = ev
			} else {
				delete(q.firing, ev.Alert.ID())
			}
		}
	}
	q.buf = append(q.buf, events...)
	over := len(q.buf) - q.d.QueueSize
	if over > 0 {
		q.buf = append(q.buf[:0], q.buf[over:]...)
		q.dropped += uint64(over)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	if over > 0 {
		return fmt.Errorf("%s: queue full (%d events): dropped the %d oldest", q.name, q.d.QueueSize, over)
	}
	return nil
}

func (q *queue) take() []Event {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.buf), q.d.MaxBatch)
	if n == 0 {
		return nil
	}
	b := append([]Event(nil), q.buf[:n]...)
	q.buf = append(q.buf[:0], q.buf[n:]...)
	return b
}

// requeueFiring queues what is firing again, unless the queue is still
// busy: a queue that is behind will be resent at the next tick.
func (q *queue) requeueFiring() {
	q.mu.Lock()
	if len(q.buf) > 0 || len(q.firing) == 0 {
		q.mu.Unlock()
		return
	}
	for _, id := range slices.Sorted(maps.Keys(q.firing)) {
		q.buf = append(q.buf, q.firing[id])
	}
	q.mu.Unlock()
	q.log.Debug("resending firing alerts", "count", len(q.buf))
}

func (q *queue) stats() (queued int, dropped uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf), q.dropped
}

// run delivers until ctx is done, then makes one last attempt, within
// one Timeout, to send what is still queued.
func (q *queue) run(ctx context.Context) error {
	var tick <-chan time.Time
	if q.resend > 0 {
		t := time.NewTicker(q.resend)
		defer t.Stop()
		tick = t.C
	}
	for {
		if ctx.Err() != nil {
			q.flush(ctx)
			return nil
		}
		if b := q.take(); b != nil {
			q.deliver(ctx, b)
			continue
		}
		select {
		case <-ctx.Done():
			q.flush(ctx)
			return nil
		case <-q.wake:
		case <-tick:
			q.requeueFiring()
		}
	}
}

// deliver sends a batch, retrying with backoff; a batch that fails
// Attempts times, or permanently, is dropped.
func (q *queue) deliver(ctx context.Context, b []Event) {
	wait := q.d.Backoff
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			q.putBack(b)
			return
		}
		start := time.Now()
		actx, cancel := context.WithTimeout(ctx, q.d.Timeout)
		err := q.send(actx, b)
		cancel()
		q.log.Debug("sent", "events", len(b), "attempt", attempt, "took", time.Since(start), "err", err)
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			q.putBack(b) // shutting down: flush gets one more go
			return
		}
		if isPermanent(err) || attempt >= q.d.Attempts {
			q.mu.Lock()
			q.dropped += uint64(len(b))
			q.mu.Unlock()
			q.log.Error("events dropped", "events", len(b), "attempts", attempt, "err", err)
			return
		}
		q.log.Warn("send failed; retrying", "attempt", attempt, "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			q.putBack(b)
			return
		case <-t.C:
		}
		wait = min(2*wait, q.d.MaxBackoff)
	}
}

func (q *queue) putBack(b []Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.buf = append(b, q.buf...)
	if over := len(q.buf) - q.d.QueueSize; over > 0 {
		q.buf = q.buf[over:]
		q.dropped += uint64(over)
	}
}

func (q *queue) flush(ctx context.Context) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.d.Timeout)
	defer cancel()
	for {
		b := q.take()
		if b == nil {
			return
		}
		if err := q.send(fctx, b); err != nil {
			n, _ := q.stats()
			q.mu.Lock()
			q.dropped += uint64(len(b) + n)
			q.buf = nil
			q.mu.Unlock()
			q.log.Error("shutting down: events dropped", "events", len(b)+n, "err", err)
			return
		}
	}
}
