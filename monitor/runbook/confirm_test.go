package runbook

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A "yes" typed twice at one question does not answer the next one: the
// next question ignores what was typed before it was asked, and waits.
func TestLineConfirmerIgnoresTypeAhead(t *testing.T) {
	var tick atomic.Int64 // a clock that moves one second per reading
	now := func() time.Time { return time.Unix(tick.Add(1), 0) }
	var out strings.Builder
	ask := lineConfirmer(strings.NewReader("yes\nyes\n"), &out, now)
	ctx := context.Background()
	if ok, err := ask(ctx, "cut done? "); !ok || err != nil {
		t.Fatalf("first question = %v, %v; want confirmed", ok, err)
	}
	// Let the reader take the second line, typed before the next question.
	for tick.Load() < 3 {
		runtime.Gosched()
	}
	ok, err := ask(ctx, "restore done? ")
	if ok || !errors.Is(err, ErrNoAnswer) {
		t.Errorf("second question = %v, %v; want no answer (the only line left was typed before it)", ok, err)
	}
	if !strings.Contains(out.String(), `an answer typed before this question, "yes", is ignored`) {
		t.Errorf("the confirmer did not say it ignored the early answer:\n%s", out.String())
	}
}
