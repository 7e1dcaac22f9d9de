package pdu

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"
)

// PollOptions tune a poll of many devices.
type PollOptions struct {
	Concurrency int              // devices polled at once (default 64: SNMP waits on slow cards, not on the CPU)
	Deadline    time.Duration    // per device, the whole reading (default 30 s)
	Logger      *slog.Logger     // required
	Now         func() time.Time // clock; time.Now when nil
	// Dial opens a session; Dial of this package when nil (tests pass
	// fakes).
	Dial func(Target, *slog.Logger) (Client, error)
}

// Result is one device's outcome.
type Result struct {
	Target  Target
	Reading *Reading // nil when Err is set
	Err     error
	Took    time.Duration
}

// Poll reads every target with bounded concurrency, one SNMP session per
// goroutine; a slow or dead device costs its own deadline and never holds
// up the others. Results come back in the order of targets.
func Poll(ctx context.Context, targets []Target, opt PollOptions) ([]Result, error) {
	if opt.Logger == nil {
		return nil, errors.New("pdu: Poll needs a logger")
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 64
	}
	if opt.Deadline <= 0 {
		opt.Deadline = 30 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Dial == nil {
		opt.Dial = Dial
	}
	out := make([]Result, len(targets))
	var g errgroup.Group
	g.SetLimit(opt.Concurrency)
	for i, t := range targets {
		g.Go(func() error {
			out[i] = pollOne(ctx, t, opt)
			return nil
		})
	}
	_ = g.Wait() // devices fail alone: their errors are in their Results
	return out, ctx.Err()
}

func pollOne(ctx context.Context, t Target, opt PollOptions) Result {
	start := opt.Now()
	res := Result{Target: t}
	ctx, cancel := context.WithTimeout(ctx, opt.Deadline)
	defer cancel()
	c, err := opt.Dial(t, opt.Logger)
	if err != nil {
		res.Err = err
		return res
	}
	defer c.Close()
	res.Reading, res.Err = Read(ctx, c, t, start)
	res.Took = opt.Now().Sub(start)
	opt.Logger.Debug("polled", "pdu", t.Name, "took", res.Took, "err", res.Err)
	return res
}
