package monitor

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestSchedulerRejectsBadOptions(t *testing.T) {
	job := func(context.Context) error { return nil }
	for _, tt := range []struct {
		name string
		opt  ScheduleOptions
	}{
		{"no job", ScheduleOptions{Spec: "@every 1s", Logger: quiet()}},
		{"no logger", ScheduleOptions{Spec: "@every 1s", Job: job}},
		{"bad spec", ScheduleOptions{Spec: "0 25 * * *", Logger: quiet(), Job: job}},
		{"bad time zone", ScheduleOptions{Spec: "@every 1s", TZ: "Mars/Base", Logger: quiet(), Job: job}},
		{"negative deadline", ScheduleOptions{Spec: "@every 1s", Deadline: -time.Second, Logger: quiet(), Job: job}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewScheduler(tt.opt); err == nil {
				t.Errorf("NewScheduler(%s) = nil error; want one", tt.name)
			}
		})
	}
}

// TestSchedulerSkipsOverrunsAndSurvivesPanics runs a schedule on the fake
// clock of testing/synctest: every 10 s, a job that takes 25 s on its
// second run (so the next two runs are skipped, not stacked) and panics
// on its first (and still runs after).
func TestSchedulerSkipsOverrunsAndSurvivesPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		s, err := NewScheduler(ScheduleOptions{
			Spec: "@every 10s", Name: "test", Logger: quiet(),
			Job: func(ctx context.Context) error {
				switch calls.Add(1) {
				case 1:
					panic("first run panics")
				case 2:
					select {
					case <-time.After(25 * time.Second):
					case <-ctx.Done():
					}
				case 4:
					return errors.New("fourth run fails")
				}
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		// Runs at 10 s (panic), 20 s (25 s long: until 45 s), 30 s and 40 s
		// skipped, 50 s, 60 s (fails), 70 s.
		time.Sleep(75 * time.Second)
		cancel()
		<-done
		st := s.Stats()
		if st.Panics != 1 || st.Skips != 2 || st.Failures != 1 || calls.Load() != 5 {
			t.Errorf("after 75 s: %d calls, stats %+v; want 5 calls, 1 panic, 2 skips, 1 failure", calls.Load(), st)
		}
	})
}

// TestSchedulerShutdownWaits checks that Run returns only after a running
// job has seen its context end.
func TestSchedulerShutdownWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var ended atomic.Bool
		s, err := NewScheduler(ScheduleOptions{
			Spec: "@every 1s", Logger: quiet(),
			Job: func(ctx context.Context) error {
				<-ctx.Done()
				time.Sleep(time.Second) // cleaning up
				ended.Store(true)
				return ctx.Err()
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		time.Sleep(1500 * time.Millisecond)
		cancel()
		<-done
		if !ended.Load() {
			t.Error("Run returned before the running job finished")
		}
	})
}

func TestSchedulerDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var err atomic.Value
		s, _ := NewScheduler(ScheduleOptions{
			Spec: "@every 10s", Deadline: 3 * time.Second, Logger: quiet(),
			Job: func(ctx context.Context) error {
				<-ctx.Done()
				err.Store(ctx.Err())
				return ctx.Err()
			},
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		time.Sleep(14 * time.Second)
		cancel()
		<-done
		if got, _ := err.Load().(error); !errors.Is(got, context.DeadlineExceeded) {
			t.Errorf("job context ended with %v; want its 3 s deadline", got)
		}
	})
}
