package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is one scheduled run. Its context ends at the run's deadline or at
// shutdown.
type Job func(ctx context.Context) error

// ScheduleOptions configure a Scheduler.
type ScheduleOptions struct {
	Spec     string        // a cron spec ("*/30 * * * * *" with seconds, "@every 30s", "0 3 * * 1")
	TZ       string        // IANA time zone of the spec (default UTC)
	Deadline time.Duration // per run (default: none beyond shutdown)
	Name     string        // for logs
	Logger   *slog.Logger  // required
	Job      Job           // required
}

// Scheduler runs a job on a cron schedule. A run that is still going when
// the next is due makes that one skip (never stack); a panicking run is
// recovered, logged and counted, and the job still runs next time (cron
// v3.0.1's own Recover + SkipIfStillRunning chain disables a job for good
// after one panic, so the wrapping is done here); shutdown waits for the
// running job.
type Scheduler struct {
	opt     ScheduleOptions
	loc     *time.Location
	sched   cron.Schedule
	running atomic.Bool
	runs    atomic.Int64
	skips   atomic.Int64
	panics  atomic.Int64
	fails   atomic.Int64
}

// ParseSpec parses a cron spec as the Scheduler does: five fields, or six
// with seconds first, or a descriptor (@every 30s, @hourly).
func ParseSpec(spec string) (cron.Schedule, error) {
	return cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor).Parse(spec)
}

// NewScheduler checks the options; nothing runs until Run.
func NewScheduler(opt ScheduleOptions) (*Scheduler, error) {
	if opt.Logger == nil || opt.Job == nil {
		return nil, errors.New("monitor: a scheduler needs a logger and a job")
	}
	if opt.TZ == "" {
		opt.TZ = "UTC"
	}
	loc, err := time.LoadLocation(opt.TZ)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: time zone %q: %w", opt.Name, opt.TZ, err)
	}
	sched, err := ParseSpec(opt.Spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: cron spec %q: %w", opt.Name, opt.Spec, err)
	}
	if opt.Deadline < 0 {
		return nil, fmt.Errorf("schedule %s: negative deadline %v", opt.Name, opt.Deadline)
	}
	return &Scheduler{opt: opt, loc: loc, sched: sched}, nil
}

// Stats counts what the scheduler did.
type Stats struct{ Runs, Skips, Panics, Failures int64 }

// Stats returns the counters.
func (s *Scheduler) Stats() Stats {
	return Stats{s.runs.Load(), s.skips.Load(), s.panics.Load(), s.fails.Load()}
}

// slogCron routes cron's own logging to slog.
type slogCron struct{ log *slog.Logger }

func (l slogCron) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l slogCron) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// Run runs the schedule until ctx ends, then waits for a running job
// (whose context is cancelled) to return.
func (s *Scheduler) Run(ctx context.Context) error {
	c := cron.New(cron.WithLocation(s.loc), cron.WithLogger(slogCron{s.opt.Logger}))
	var wg sync.WaitGroup
	c.Schedule(s.sched, cron.FuncJob(func() {
		wg.Add(1)
		defer wg.Done()
		s.runOnce(ctx)
	}))
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	wg.Wait()
	return nil
}

// runOnce runs the job unless it is still running, recovering a panic.
func (s *Scheduler) runOnce(ctx context.Context) {
	log := s.opt.Logger.With("job", s.opt.Name)
	if !s.running.CompareAndSwap(false, true) {
		s.skips.Add(1)
		log.Warn("skipped a run: the previous one is still going")
		return
	}
	defer s.running.Store(false)
	defer func() {
		if p := recover(); p != nil {
			s.panics.Add(1)
			log.Error("run panicked; it runs again at the next time", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if ctx.Err() != nil {
		return
	}
	if s.opt.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opt.Deadline)
		defer cancel()
	}
	s.runs.Add(1)
	start := time.Now()
	if err := s.opt.Job(ctx); err != nil {
		s.fails.Add(1)
		log.Warn("run failed", "err", err, "took", time.Since(start))
		return
	}
	log.Debug("run done", "took", time.Since(start))
}
