package runbook_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feedplan/monitor/runbook"
)

// A step skipped with --from is recorded: a plain resume after a later
// stop does not go back and run it (here: web-1's shutdown action after
// web-1 was shut down by hand, which would run again after power-up).
func TestFromThenResumeDoesNotRunSkippedSteps(t *testing.T) {
	e := newEnv(t)
	ran := filepath.Join(t.TempDir(), "ran")
	// The action fails, and logs every time it runs.
	p := fullPlan(`echo x >> '` + ran + `'; exit 3`)
	opt := e.options(p)
	opt.Execute, opt.Confirm = true, e.technician
	if res := e.run(context.Background(), opt); res.Stop == nil || res.Stop.ID != "shutdown/web-1" {
		t.Fatalf("stop = %+v; want shutdown/web-1", res.Stop)
	}
	// The technician shuts web-1 down by hand and goes on from verify-off;
	// the run then stops at the cut (the technician says no).
	e.lab.set(func(l *lab) { l.stopped["web-1"] = true })
	opt = e.options(p)
	opt.Execute, opt.From = true, "verify-off/web-1"
	opt.Confirm = func(context.Context, string) (bool, error) { return false, nil }
	if res := e.run(context.Background(), opt); res.Stop == nil || res.Stop.ID != "cut" {
		t.Fatalf("stop = %+v; want the cut declined", res.Stop)
	}
	st, err := runbook.ReadState(e.state)
	if err != nil {
		t.Fatal(err)
	}
	if rec, ok := findStep(st, "shutdown/web-1"); !ok || rec.Outcome != runbook.SkippedFrom {
		t.Errorf("state of shutdown/web-1 = %+v, %v; want %s", rec, ok, runbook.SkippedFrom)
	}
	if es := e.audit.find("shutdown/web-1", runbook.SkippedFrom); len(es) != 1 {
		t.Errorf("audit of the skip = %+v; want one entry", es)
	}
	// The plain resume: from the cut to the end, the shutdown not again.
	opt = e.options(p)
	opt.Execute, opt.Confirm = true, e.technician
	res := e.run(context.Background(), opt)
	if !res.Done() {
		t.Fatalf("resume stopped at %+v\n%s", res.Stop, e.out.String())
	}
	if b, _ := os.ReadFile(ran); strings.Count(string(b), "x") != 1 {
		t.Errorf("the shutdown action ran %d times; want once (the first, failed run)", strings.Count(string(b), "x"))
	}
}

func findStep(st *runbook.State, id string) (runbook.StepState, bool) {
	if st == nil {
		return runbook.StepState{}, false
	}
	for _, s := range st.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return runbook.StepState{}, false
}
