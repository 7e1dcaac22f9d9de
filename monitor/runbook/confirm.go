package runbook

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ErrNoAnswer is the error of a confirmation nobody can give: the input
// ended.
var ErrNoAnswer = errors.New("no answer: the input ended (run with --yes for a drill without a person)")

// LineConfirmer asks on w and reads answers from r, a line each: "yes"
// confirms, "no" (or "stop") declines, anything else asks again. A
// cancelled context ends the wait. One goroutine reads r for the
// confirmer's lifetime, so that a cancelled wait loses no line. A line
// typed before the question was asked is not its answer (a "yes" typed
// twice at the cut must not confirm the next step unread): it is dropped.
func LineConfirmer(r io.Reader, w io.Writer) func(ctx context.Context, prompt string) (bool, error) {
	return lineConfirmer(r, w, time.Now)
}

type line struct {
	text string
	at   time.Time // when it was read
}

func lineConfirmer(r io.Reader, w io.Writer, now func() time.Time) func(ctx context.Context, prompt string) (bool, error) {
	lines := make(chan line)
	done := make(chan struct{})
	var readErr error
	started := false
	start := func() {
		started = true
		go func() {
			defer close(done)
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				lines <- line{sc.Text(), now()}
			}
			readErr = sc.Err()
		}()
	}
	return func(ctx context.Context, prompt string) (bool, error) {
		asked := now()
		if !started {
			start() // after the question's time: what it reads answers it
		}
		for {
			fmt.Fprint(w, prompt)
		wait:
			select {
			case <-ctx.Done():
				fmt.Fprintln(w)
				return false, ctx.Err()
			case <-done:
				fmt.Fprintln(w)
				if readErr != nil {
					return false, fmt.Errorf("reading the answer: %w", readErr)
				}
				return false, ErrNoAnswer
			case l := <-lines:
				if l.at.Before(asked) {
					fmt.Fprintf(w, "\n  (an answer typed before this question, %q, is ignored)\n%s", l.text, prompt)
					goto wait
				}
				switch strings.ToLower(strings.TrimSpace(l.text)) {
				case "yes":
					return true, nil
				case "no", "stop":
					return false, nil
				}
				fmt.Fprintln(w, `  Type "yes" when it is done, or "no" to stop the run here.`)
			}
		}
	}
}
