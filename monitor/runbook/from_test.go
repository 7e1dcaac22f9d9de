package runbook_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feedplan/monitor/runbook"
	"feedplan/planner"
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

// A no-go plan runs dry, but is not executed unless the operator says why.
func TestNoGoPlanIsNotExecuted(t *testing.T) {
	e := newEnv(t)
	p := fullPlan(e.shutdownURL("web-1"))
	p.Preflight.Checks = []planner.Check{{Name: "surviving-load", Object: "pdu:pb", Detail: "would trip: 17.3 A > 16 A"}}
	opt := e.options(p)
	opt.Execute, opt.Confirm = true, e.technician
	if _, err := runbook.Run(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "the plan is a no-go (pdu:pb: would trip") {
		t.Fatalf("executing a no-go plan: err = %v; want a refusal naming why", err)
	}
	if sets := e.lab.Sets(); len(sets) != 0 {
		t.Errorf("the refused run switched %v", sets)
	}
	// The verdict field is not trusted: the checks decide.
	p.Verdict = planner.VerdictGo
	if _, err := runbook.Run(context.Background(), opt); err == nil {
		t.Error("a no-go plan whose verdict field says go was executed")
	}
	opt.DespiteNoGo = "breaker pb replaced by a 32 A one this afternoon"
	if res := e.run(context.Background(), opt); !res.Done() {
		t.Fatalf("--despite-no-go run stopped at %+v\n%s", res.Stop, e.out.String())
	}
	if es := e.audit.find("", "ok"); len(es) == 0 || !strings.Contains(es[0].Detail, "breaker pb replaced") {
		t.Errorf("the start entry does not carry the reason: %+v", es)
	}
	// A dry run of it is fine.
	opt = e.options(p)
	if _, err := runbook.Run(context.Background(), opt); err != nil {
		t.Errorf("dry run of a no-go plan: %v", err)
	}
}

// A run that stops after holding a queue says it is still held, and how
// to release it if the window is abandoned.
func TestStopSaysWhatIsStillHeld(t *testing.T) {
	e := newEnv(t)
	p := fullPlan("exit 3") // the shutdown fails, after the hold
	opt := e.options(p)
	opt.Execute, opt.Confirm = true, e.technician
	res := e.run(context.Background(), opt)
	if res.Stop == nil || res.Stop.ID != "shutdown/web-1" {
		t.Fatalf("stop = %+v", res.Stop)
	}
	if !strings.Contains(e.out.String(), "Still held: mail queue mx. If the window is abandoned, release it:") {
		t.Errorf("the stop does not say mx is still held:\n%s", e.out.String())
	}
}
