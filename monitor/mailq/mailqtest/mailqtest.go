// Package mailqtest has a fake mailq.Runner that records the commands it
// is asked to run and answers them from a function, as
// net/http/httptest records requests. It never runs anything: tests of
// the ssh path use it, so no remote host is ever contacted.
package mailqtest

import (
	"context"
	"slices"
	"sync"
	"time"

	"feedplan/monitor/mailq"
)

// Call is one command a Runner was asked to run.
type Call struct {
	Args []string
	Env  []string
	At   time.Time // time.Now() when it was asked (a fake clock's, in a synctest bubble)
}

// Runner records commands and answers them with Answer.
type Runner struct {
	// Answer returns the command's standard output or error; nil answers
	// every command with no output and no error.
	Answer func(cmd mailq.Command) ([]byte, error)

	mu    sync.Mutex
	calls []Call
}

var _ mailq.Runner = (*Runner)(nil)

// Run records cmd and answers it; it returns ctx's error, without
// answering, when ctx is done.
func (r *Runner) Run(ctx context.Context, cmd mailq.Command) ([]byte, error) {
	r.mu.Lock()
	r.calls = append(r.calls, Call{Args: slices.Clone(cmd.Args), Env: slices.Clone(cmd.Env), At: time.Now()})
	r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.Answer == nil {
		return nil, nil
	}
	return r.Answer(cmd)
}

// Calls returns the commands run so far, in order.
func (r *Runner) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}
