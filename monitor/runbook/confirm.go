package runbook

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNoAnswer is the error of a confirmation nobody can give: the input
// ended.
var ErrNoAnswer = errors.New("no answer: the input ended (run with --yes for a drill without a person)")

// LineConfirmer asks on w and reads answers from r, a line each: "yes"
// confirms, "no" (or "stop") declines, anything else asks again. A
// cancelled context ends the wait. One goroutine reads r for the
// confirmer's lifetime, so that a cancelled wait loses no line.
func LineConfirmer(r io.Reader, w io.Writer) func(ctx context.Context, prompt string) (bool, error) {
	lines := make(chan string)
	done := make(chan struct{})
	var readErr error
	started := false
	start := func() {
		started = true
		go func() {
			defer close(done)
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				lines <- sc.Text()
			}
			readErr = sc.Err()
		}()
	}
	return func(ctx context.Context, prompt string) (bool, error) {
		if !started {
			start()
		}
		for {
			fmt.Fprint(w, prompt)
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
				switch strings.ToLower(strings.TrimSpace(l)) {
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
