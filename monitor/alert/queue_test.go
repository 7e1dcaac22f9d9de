package alert

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recorder is a send func that records each call's time (since the bubble
// started) and batch, and answers from a script of errors.
type recorder struct {
	mu    sync.Mutex
	start time.Time
	calls []string
	errs  []error // per call; nil past the end
}

func (r *recorder) send(ctx context.Context, events []Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, ev := range events {
		ids = append(ids, ev.Kind.String()+" "+ev.Alert.Key)
	}
	n := len(r.calls)
	r.calls = append(r.calls, fmt.Sprintf("%v %s", time.Since(r.start), strings.Join(ids, ",")))
	if n < len(r.errs) {
		return r.errs[n]
	}
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func fired(key string) Event    { return Event{Kind: Fired, Alert: al("r", key)} }
func resolved(key string) Event { return Event{Kind: Resolved, Alert: al("r", key)} }

var errDown = errors.New("connection refused")

func TestQueue(t *testing.T) {
	d := Delivery{Backoff: time.Second, MaxBackoff: 4 * time.Second, Attempts: 4, Timeout: 5 * time.Second}
	cases := []struct {
		name    string
		d       Delivery
		resend  time.Duration
		errs    []error
		actions func(q *queue, stop func()) // at time 0 unless they sleep (in the bubble's fake time)
		want    []string
		dropped uint64
	}{
		{name: "delivers in order, in batches",
			d:       Delivery{MaxBatch: 2},
			actions: func(q *queue, stop func()) { q.notify([]Event{fired("a"), fired("b"), fired("c")}) },
			want:    []string{"0s firing a,firing b", "0s firing c"}},
		{name: "retries with doubling backoff up to the maximum",
			d:       d,
			errs:    []error{errDown, errDown, errDown},
			actions: func(q *queue, stop func()) { q.notify([]Event{fired("a")}) },
			want:    []string{"0s firing a", "1s firing a", "3s firing a", "7s firing a"}},
		{name: "drops a batch after its attempts",
			d:    d,
			errs: []error{errDown, errDown, errDown, errDown},
			actions: func(q *queue, stop func()) {
				q.notify([]Event{fired("a")})
				time.Sleep(8 * time.Second)
				q.notify([]Event{fired("b")})
			},
			want:    []string{"0s firing a", "1s firing a", "3s firing a", "7s firing a", "8s firing b"},
			dropped: 1},
		{name: "a permanent error is not retried",
			d:       d,
			errs:    []error{permanent{errors.New("answered 400 Bad Request")}},
			actions: func(q *queue, stop func()) { q.notify([]Event{fired("a"), fired("b")}) },
			want:    []string{"0s firing a,firing b"},
			dropped: 2},
		{name: "resends what fires, not what resolved",
			resend: time.Minute,
			actions: func(q *queue, stop func()) {
				q.notify([]Event{fired("a"), fired("b")})
				time.Sleep(90 * time.Second)
				q.notify([]Event{resolved("a")})
				time.Sleep(time.Minute)
			},
			want: []string{"0s firing a,firing b", "1m0s firing a,firing b", "1m30s resolved a", "2m0s firing b", "3m0s firing b"}},
		{name: "shutting down flushes what is queued",
			d:    Delivery{Backoff: time.Hour, MaxBackoff: time.Hour},
			errs: []error{errDown},
			actions: func(q *queue, stop func()) {
				q.notify([]Event{fired("a")})
				time.Sleep(time.Minute) // a waits an hour for its retry
				q.notify([]Event{resolved("a")})
				stop()
			},
			want: []string{"0s firing a", "1m0s firing a,resolved a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := &recorder{start: time.Now(), errs: tc.errs}
				q, err := newQueue("test", tc.d, tc.resend, discard(), r.send)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan struct{})
				go func() { q.run(ctx); close(done) }()
				tc.actions(q, cancel)
				time.Sleep(time.Minute - time.Nanosecond) // let retries finish, short of the next resend
				synctest.Wait()
				cancel()
				<-done
				if got := r.got(); !slices.Equal(got, tc.want) {
					t.Errorf("sends = %q; want %q", got, tc.want)
				}
				if _, dropped := q.stats(); dropped != tc.dropped {
					t.Errorf("dropped = %d; want %d", dropped, tc.dropped)
				}
			})
		})
	}
}

// A full queue drops its oldest events and says so, and Notify never
// waits for a receiver that does not answer.
func TestQueueFullDropsOldest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		block := make(chan struct{})
		var mu sync.Mutex
		var sent []string
		q, err := newQueue("test", Delivery{QueueSize: 3, MaxBatch: 10}, 0, discard(), func(ctx context.Context, evs []Event) error {
			<-block
			mu.Lock()
			defer mu.Unlock()
			for _, ev := range evs {
				sent = append(sent, ev.Alert.Key)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { q.run(ctx); close(done) }()
		q.notify([]Event{fired("first")}) // taken by the blocked send
		synctest.Wait()
		if err := q.notify([]Event{fired("a"), fired("b")}); err != nil {
			t.Errorf("notify within the queue's size = %v", err)
		}
		err = q.notify([]Event{fired("c"), fired("d")})
		if err == nil || !strings.Contains(err.Error(), "dropped the 1 oldest") {
			t.Errorf("notify past the queue's size = %v; want dropped the 1 oldest", err)
		}
		close(block)
		synctest.Wait()
		cancel()
		<-done
		if want := []string{"first", "b", "c", "d"}; !slices.Equal(sent, want) {
			t.Errorf("sent %q; want %q", sent, want)
		}
		if _, dropped := q.stats(); dropped != 1 {
			t.Errorf("dropped = %d; want 1", dropped)
		}
	})
}

func TestDeliveryRejects(t *testing.T) {
	for _, d := range []Delivery{{QueueSize: -1}, {Timeout: -time.Second}, {Backoff: time.Minute, MaxBackoff: time.Second}} {
		if _, err := newQueue("test", d, 0, discard(), nil); err == nil {
			t.Errorf("newQueue(%+v) = nil error; want one", d)
		}
	}
	if _, err := newQueue("test", Delivery{}, 0, nil, nil); err == nil || !strings.Contains(err.Error(), "no logger") {
		t.Errorf("newQueue without a logger = %v; want no logger", err)
	}
}
