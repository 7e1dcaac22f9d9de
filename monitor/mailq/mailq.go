package mailq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"time"

	"feedplan/inventory"
)

// Queue is one MTA's mail queue, as a maintenance window uses it.
//
// Hold and Release are idempotent: holding a held queue holds what
// arrived since, and releasing a queue with nothing on hold releases
// nothing. Errors name the queue and, for a command that failed, the
// command and its standard error.
//
// Mail can be on hold before the window for reasons of its own: a HOLD
// action of header_checks quarantines it, or an administrator held it.
// Hold says which messages were on hold before it (Held.Before), and
// Release leaves the messages its keep argument names on hold; a caller
// keeps the Before of its first hold and passes it to Release. Only
// Postfix can tell: the hooks of command and http queues return no
// Before, are given no keep, and must leave such mail on hold themselves.
type Queue interface {
	// Name is the queue's name in the inventory.
	Name() string
	// Status counts the queue's messages.
	Status(ctx context.Context) (Status, error)
	// Hold puts everything queued on hold: it stays queued, and nothing
	// of it is delivered, bounced or expired until Release. It returns
	// how many messages are on hold afterwards and which were on hold
	// already. With an error, what it learned before the error: a
	// Before that is not nil is true even when the hold failed.
	Hold(ctx context.Context) (Held, error)
	// Release releases the held mail, except the messages keep names
	// (queue IDs, as Held.Before lists them), at most rate messages per
	// minute (0: no limit), and asks for its delivery.
	//
	// When ctx is cancelled it stops between two batches and returns
	// what it had released, with ctx's error; a command it is running
	// then runs to its end, so that no batch is left half released. At
	// ctx's deadline, a command still running is killed.
	Release(ctx context.Context, rate float64, keep []string) (Released, error)
}

// Held is what Hold found and did.
type Held struct {
	// Count is how many messages are on hold after the hold, those of
	// Before included; Unknown when the queue does not tell.
	Count int
	// Before lists the queue IDs of the messages that were on hold when
	// Hold began, sorted; empty, not nil, when there were none. Nil when
	// the queue cannot tell (command and http queues).
	Before []string
}

// Released is what Release did.
type Released struct {
	// Count is how many messages it released; Unknown when the queue
	// does not tell.
	Count int
	// Kept is how many held messages it left on hold because keep named
	// them.
	Kept int
}

// Unknown is the count Hold and Release return when the queue does not
// tell (a hook that prints no number).
const Unknown = -1

// ErrNoStatus is the error, wrapped, of Status on a queue whose inventory
// entry has no status command or URL.
var ErrNoStatus = errors.New("no status command or URL in the inventory")

// Status counts a queue's messages.
type Status struct {
	// Incoming counts messages accepted but not yet seen by the queue
	// manager (Postfix: its maildrop and incoming queues).
	Incoming int `json:"incoming"`
	// Active counts messages being delivered.
	Active int `json:"active"`
	// Deferred counts messages waiting to be tried again.
	Deferred int `json:"deferred"`
	// Hold counts messages on hold.
	Hold int `json:"hold"`
	// Oldest is when the oldest queued message arrived; zero when the
	// queue is empty or does not tell.
	Oldest time.Time `json:"-"`
}

// Total is the number of queued messages, held or not.
func (s Status) Total() int { return s.Incoming + s.Active + s.Deferred + s.Hold }

// Age is how long the oldest queued message has waited at now; 0 when
// Oldest is unknown.
func (s Status) Age(now time.Time) time.Duration {
	if s.Oldest.IsZero() {
		return 0
	}
	return max(now.Sub(s.Oldest), 0)
}

// Options are what Open needs besides the inventory entry. The zero
// value runs commands on this machine (or over ssh, as the entry says),
// calls URLs with a 60 s timeout, reads tokens from the environment and
// logs nothing.
type Options struct {
	// Runner runs the commands of postfix and command queues; for a queue
	// with ssh it runs the ssh command. Nil: Exec{}.
	Runner Runner
	// HTTPClient calls the URLs of http queues. Nil: a client with a 60 s
	// timeout.
	HTTPClient *http.Client
	// Getenv reads the variable that token_env names. Nil: os.Getenv.
	Getenv func(string) string
	// Logger gets a debug line, with its duration, for each command or
	// request. Nil: nothing is logged.
	Logger *slog.Logger
}

// Open returns the adapter for q's kind: postfix (also when the kind is
// empty), command or http. It checks what the adapter needs: the hold and
// release hooks of command and http queues, and that the variable
// token_env names is set.
func Open(q *inventory.MailQueue, opts Options) (Queue, error) {
	if q == nil {
		return nil, errors.New("mailq: no mail queue given")
	}
	obj := fmt.Sprintf("mail queue %q", q.Name)
	if q.Name == "" {
		return nil, errors.New("mailq: mail queue has no name")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	log = log.With("queue", q.Name)
	run := opts.Runner
	if run == nil {
		run = Exec{}
	}
	if q.SSH != "" {
		if q.Kind == "http" {
			return nil, fmt.Errorf("%s: ssh: an http queue's URLs are called from this machine", obj)
		}
		run = SSH{Host: q.SSH, Runner: run}
	}
	switch q.Kind {
	case "", "postfix":
		return &postfix{name: q.Name, configDir: q.ConfigDir, run: run, log: log}, nil
	case "command", "http":
		if q.Hold == "" || q.Release == "" {
			return nil, fmt.Errorf("%s: kind %s needs hold and release", obj, q.Kind)
		}
		g := &generic{name: q.Name, kind: q.Kind, hooks: [3]string{q.Hold, q.Release, q.Status}, log: log}
		if q.Kind == "command" {
			g.call = g.command(run)
			return g, nil
		}
		client := opts.HTTPClient
		if client == nil {
			client = &http.Client{Timeout: 60 * time.Second}
		}
		var token inventory.Secret
		if q.TokenEnv != "" {
			getenv := opts.Getenv
			if getenv == nil {
				getenv = os.Getenv
			}
			token = inventory.Secret(getenv(q.TokenEnv))
			if token == "" {
				return nil, fmt.Errorf("%s: token_env: $%s is not set", obj, q.TokenEnv)
			}
		}
		g.call = g.http(client, token)
		return g, nil
	default:
		return nil, fmt.Errorf("%s: kind %q: want postfix, command or http", obj, q.Kind)
	}
}

// checkRate rejects a rate Release cannot pace to.
func checkRate(rate float64) error {
	if rate < 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		return fmt.Errorf("rate %g: want messages per minute, 0 for no limit", rate)
	}
	return nil
}

// detach returns the context a command runs in during a Release: ctx's
// values and deadline, not its cancellation. Cancelling ctx stops a
// release between two commands; its deadline kills the command running.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), d)
	}
	return context.WithCancel(context.WithoutCancel(ctx))
}
