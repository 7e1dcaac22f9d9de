package runbook_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/atstest"
	"feedplan/monitor/runbook"
	"feedplan/planner"
)

const siteYAML = `site: lab
sources: [{name: A}, {name: B}]
panels: [{name: PA, source: A, amps: 63}, {name: PB, source: B, amps: 63}]
circuits:
  - {name: A-01, panel: PA, amps: 16}
  - {name: B-01, panel: PB, amps: 16}
pdus:
  - {name: pa, inlet: A-01, outlets: 8, snmp: {address: "127.0.0.1:16101", community: lab-ro}}
  - {name: pb, inlet: B-01, outlets: 8, snmp: {address: "127.0.0.1:16102", community: lab-ro}}
devices:
  - {name: web-1, psus: [pa:1, pb:1], watts: 400}
  - {name: db-1, psus: [pa:2, pb:2], watts: 600}
  - {name: solo-1, psus: [pa:3], watts: 100}
`

func testSite(t *testing.T) *inventory.Site {
	t.Helper()
	s, err := inventory.Parse("site.yaml", []byte(siteYAML))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testLab: web-1 and db-1 draw on both sides, solo-1 on pa only.
func testLab() *lab {
	return newLab().pdu("pa", 8).pdu("pb", 8).
		device("web-1", 1.0, "pa:1", "pb:1").
		device("db-1", 2.0, "pa:2", "pb:2").
		device("solo-1", 0.4, "pa:3")
}

func testPlan(steps ...planner.RunStep) *planner.Plan {
	for i := range steps {
		steps[i].N = i + 1
		if steps[i].Title == "" {
			steps[i].Title = steps[i].ID
		}
	}
	return &planner.Plan{
		Version: planner.PlanVersion, Site: "lab", SiteFile: "site.yaml", SiteSHA: "x",
		Scenario:  planner.Scenario{Cut: []planner.Element{{Kind: planner.Circuit, Name: "A-01"}}},
		PowerDown: []planner.PowerDown{{Device: "web-1", Outlets: []string{"pa:1", "pb:1"}}},
		Steps:     steps,
		Options:   planner.PlanSettings{OffAmps: 0.2, ShutdownWait: planner.Duration(300 * time.Millisecond)},
	}
}

// fullPlan shuts web-1 down (action), cuts A-01 and brings it back.
func fullPlan(action string) *planner.Plan {
	return testPlan(
		planner.RunStep{ID: "check", Kind: planner.StepCheck, Auto: true},
		planner.RunStep{ID: "hold/mx", Kind: planner.StepHoldQueue, Auto: true, Queue: "mx"},
		planner.RunStep{ID: "shutdown/web-1", Kind: planner.StepShutdown, Auto: true, Device: "web-1", Action: action},
		planner.RunStep{ID: "verify-off/web-1", Kind: planner.StepVerifyOff, Auto: true, Device: "web-1", Outlets: []string{"pa:1", "pb:1"}},
		planner.RunStep{ID: "outlet-off/web-1", Kind: planner.StepOutletOff, Auto: true, Device: "web-1", Outlets: []string{"pa:1", "pb:1"}},
		planner.RunStep{ID: "cut", Kind: planner.StepCut, Title: "Open breaker A-01"},
		planner.RunStep{ID: "verify-cut", Kind: planner.StepVerifyCut, Auto: true, PDUs: []string{"pa"}},
		planner.RunStep{ID: "restore", Kind: planner.StepRestore, Title: "Close breaker A-01"},
		planner.RunStep{ID: "verify-power", Kind: planner.StepVerifyPower, Auto: true, PDUs: []string{"pa"}},
		planner.RunStep{ID: "outlet-on/web-1", Kind: planner.StepOutletOn, Auto: true, Device: "web-1", Outlets: []string{"pa:1", "pb:1"}},
		planner.RunStep{ID: "power-on/web-1", Kind: planner.StepPowerOn, Device: "web-1"},
		planner.RunStep{ID: "verify-on/web-1", Kind: planner.StepVerifyOn, Auto: true, Device: "web-1", Outlets: []string{"pa:1", "pb:1"}},
		planner.RunStep{ID: "release/mx", Kind: planner.StepReleaseQ, Auto: true, Queue: "mx", Rate: 60},
		planner.RunStep{ID: "post-check", Kind: planner.StepPostCheck, Auto: true},
	)
}

// audit collects entries in memory.
type audit struct {
	mu sync.Mutex
	es []atstest.Entry
}

func (a *audit) Write(e atstest.Entry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.es = append(a.es, e)
	return nil
}

func (a *audit) entries() []atstest.Entry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.es)
}

// find returns the entries of a step id with an outcome.
func (a *audit) find(stepID, outcome string) []atstest.Entry {
	var out []atstest.Entry
	for _, e := range a.entries() {
		if e.StepID == stepID && e.Step != "end" && (outcome == "" || e.Outcome == outcome) {
			out = append(out, e)
		}
	}
	return out
}

type env struct {
	t      *testing.T
	lab    *lab
	site   *inventory.Site
	audit  *audit
	queues *fakeQueues
	state  string
	out    bytes.Buffer
}

func newEnv(t *testing.T) *env {
	return &env{t: t, lab: testLab(), site: testSite(t), audit: &audit{}, queues: &fakeQueues{},
		state: filepath.Join(t.TempDir(), "plan.state.json")}
}

func (e *env) options(p *planner.Plan) runbook.Options {
	e.t.Helper()
	power, err := runbook.NewSNMP(runbook.SNMPOptions{Site: e.site, Dial: e.lab.Dial, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		e.t.Fatal(err)
	}
	e.out.Reset()
	return runbook.Options{Plan: p, PlanFile: "plan.json", PlanSHA: "sha-1", Site: e.site, StateFile: e.state,
		Audit: e.audit.Write, Operator: "tester", Power: power, Queues: e.queues, Out: &e.out,
		Logger: slog.New(slog.DiscardHandler), Poll: 10 * time.Millisecond, PowerWait: 300 * time.Millisecond,
		ActionTimeout: 5 * time.Second, SwitchTimeout: 2 * time.Second}
}

func (e *env) run(ctx context.Context, opt runbook.Options) *runbook.Result {
	e.t.Helper()
	res, err := runbook.Run(ctx, opt)
	if err != nil {
		e.t.Fatalf("Run: %v\n%s", err, e.out.String())
	}
	return res
}

// shutdownAction makes the lab's device stop when the shutdown runs.
func (e *env) shutdownURL(device string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		e.lab.set(func(l *lab) { l.stopped[device] = true })
		io.WriteString(w, "shutting down")
	}))
	e.t.Cleanup(srv.Close)
	return srv.URL + "/shutdown?token=s3cret-token"
}

// onManual plays the technician: it cuts and restores pa's inlet and
// starts web-1.
func (e *env) technician(ctx context.Context, prompt string) (bool, error) {
	switch {
	case strings.Contains(prompt, "cut:"):
		e.lab.set(func(l *lab) { l.dead["pa"] = true })
	case strings.Contains(prompt, "restore:"):
		e.lab.set(func(l *lab) { delete(l.dead, "pa") })
	case strings.Contains(prompt, "power-on/web-1:"):
		e.lab.set(func(l *lab) { delete(l.stopped, "web-1") })
	}
	return true, nil
}

func TestDryRunChangesNothing(t *testing.T) {
	e := newEnv(t)
	p := fullPlan(e.shutdownURL("web-1"))
	p.Steps[2].Action = "ssh web-1 sudo systemctl poweroff"
	opt := e.options(p)
	opt.Confirm = func(context.Context, string) (bool, error) {
		t.Error("a dry run asked for a confirmation")
		return false, nil
	}
	res := e.run(context.Background(), opt)
	if !res.DryRun || !res.Done() {
		t.Errorf("dry run: Done() = %v, stop %+v, problems %d; want done\n%s", res.Done(), res.Stop, res.Problems, e.out.String())
	}
	if sets := e.lab.Sets(); len(sets) != 0 {
		t.Errorf("dry run switched %v", sets)
	}
	if es := e.audit.entries(); len(es) != 0 {
		t.Errorf("dry run audited %+v", es)
	}
	if len(e.queues.calls) != 0 {
		t.Errorf("dry run touched mail queues: %v", e.queues.calls)
	}
	if _, err := os.Stat(e.state); !os.IsNotExist(err) {
		t.Errorf("dry run wrote a state file (%v)", err)
	}
	out := e.out.String()
	for _, want := range []string{
		"DRY RUN",
		`would run: sh -c "ssh web-1 sudo systemctl poweroff"`,
		"would SNMP SET pa (127.0.0.1:16101, SNMPv2c, the outlet control object of the driver its sysObjectID selects): outlet pa:1 → off",
		"would read pa:1, pb:1 every 10ms until each draws ≤ 0.20 A",
		"would stop and ask: Open breaker A-01 — type yes when done",
		"would hold mail queue mx",
		"would release mail queue mx at 60 messages a minute",
		"ok: survivor-draws surviving supplies: 2 devices that keep running on fewer supplies draw current on them now",
		"ok: solo-1", // no: solo-1 goes down with pa; it is not a survivor
	} {
		if want == "ok: solo-1" {
			if strings.Contains(out, want) {
				t.Errorf("the check counts solo-1 (single-corded on the cut side) as a survivor:\n%s", out)
			}
			continue
		}
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	for _, e := range e.lab.Sets() {
		t.Errorf("switched: %s", e)
	}
}

func TestExecuteWholePlan(t *testing.T) {
	e := newEnv(t)
	p := fullPlan(e.shutdownURL("web-1"))
	opt := e.options(p)
	opt.Execute, opt.Confirm = true, e.technician
	res := e.run(context.Background(), opt)
	if !res.Done() {
		t.Fatalf("Run stopped at %+v\n%s", res.Stop, e.out.String())
	}
	want := []string{"pa:1 off", "pb:1 off", "pa:1 on", "pb:1 on"}
	if got := e.lab.Sets(); !slices.Equal(got, want) {
		t.Errorf("sets = %v; want %v", got, want)
	}
	if got, want := e.queues.calls, []string{"hold mx", "release mx 60"}; !slices.Equal(got, want) {
		t.Errorf("queues = %v; want %v", got, want)
	}
	for _, id := range []string{"cut", "restore", "power-on/web-1"} {
		if len(e.audit.find(id, runbook.Confirmed)) != 1 {
			t.Errorf("no confirmed audit entry for %s", id)
		}
	}
	if es := e.audit.find("verify-cut", "ok"); len(es) != 1 || !strings.Contains(es[0].Detail, "counted as dark") {
		t.Errorf("verify-cut audit = %+v; want ok, pa counted as dark", es)
	}
	for _, es := range e.audit.entries() {
		if strings.Contains(es.Target, "s3cret") || strings.Contains(es.Detail, "s3cret") {
			t.Errorf("the audit log holds the URL's token: %+v", es)
		}
	}
	if strings.Contains(e.out.String(), "s3cret") {
		t.Errorf("the output holds the URL's token:\n%s", e.out.String())
	}
	st, err := runbook.ReadState(e.state)
	if err != nil || st == nil || len(st.Steps) != len(p.Steps) || st.Stopped != nil {
		t.Fatalf("state = %+v, %v; want every step done", st, err)
	}
	// A second run has nothing left to do, and says so.
	res = e.run(context.Background(), opt)
	if !res.Done() || strings.Count(e.out.String(), ") — skipped") != len(p.Steps) || len(e.lab.Sets()) != 4 {
		t.Errorf("a second run: done %v, sets %v\n%s", res.Done(), e.lab.Sets(), e.out.String())
	}
}

func TestRefusesLastLiveSupply(t *testing.T) {
	// web-1 was not shut down: it runs on pa:1 and pb:1.
	p := testPlan(planner.RunStep{ID: "outlet-off/web-1", Kind: planner.StepOutletOff, Auto: true, Device: "web-1", Outlets: []string{"pa:1", "pb:1"}})
	t.Run("refused", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(p)
		opt.Execute = true
		res := e.run(context.Background(), opt)
		// pa:1 may go (pb:1 carries web-1); then pb:1 is its last live supply.
		if got := e.lab.Sets(); !slices.Equal(got, []string{"pa:1 off"}) {
			t.Errorf("sets = %v; want only pa:1 off", got)
		}
		if res.Stop == nil || res.Stop.Outcome != runbook.Refused || !strings.Contains(res.Stop.Detail, "web-1 would lose its last live supply") {
			t.Fatalf("stop = %+v; want refused, last live supply\n%s", res.Stop, e.out.String())
		}
		es := e.audit.find("outlet-off/web-1", runbook.Refused)
		if len(es) != 1 || es[0].Outlet != "pb:1" || es[0].Device != "web-1" {
			t.Errorf("refusal audit = %+v; want one for pb:1 of web-1", es)
		}
		st, _ := runbook.ReadState(e.state)
		if st == nil || st.Stopped == nil || st.Stopped.Outcome != runbook.Refused || len(st.Steps) != 0 {
			t.Errorf("state = %+v; want stopped (refused), nothing done", st)
		}
	})
	t.Run("silent other supply", func(t *testing.T) {
		// db-1's B supply is dead (draws nothing): its A outlet is its last live one.
		e := newEnv(t)
		e.lab.silent["pb:2"] = true
		opt := e.options(testPlan(planner.RunStep{ID: "outlet-off/db-1", Kind: planner.StepOutletOff, Auto: true, Device: "db-1", Outlets: []string{"pa:2"}}))
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || res.Stop.Outcome != runbook.Refused || len(e.lab.Sets()) != 0 {
			t.Errorf("stop = %+v, sets %v; want refused, nothing switched", res.Stop, e.lab.Sets())
		}
	})
	t.Run("forced", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(p)
		opt.Execute, opt.Force, opt.Reason = true, true, "CHG-42: web-1 is being scrapped"
		res := e.run(context.Background(), opt)
		if !res.Done() || !slices.Equal(e.lab.Sets(), []string{"pa:1 off", "pb:1 off"}) {
			t.Fatalf("forced: done %v, sets %v\n%s", res.Done(), e.lab.Sets(), e.out.String())
		}
		es := e.audit.find("outlet-off/web-1", runbook.Forced)
		if len(es) != 1 || !es[0].Forced || es[0].Reason != "CHG-42: web-1 is being scrapped" || es[0].Outlet != "pb:1" {
			t.Errorf("forced audit = %+v; want one for pb:1 with the reason", es)
		}
		if start := e.audit.find("", ""); len(start) == 0 || start[0].Step != "start" || !start[0].Forced {
			t.Errorf("the start entry does not say the run is forced: %+v", start)
		}
	})
	t.Run("outlets not metered", func(t *testing.T) {
		// Nothing proves web-1 draws nothing: refused, until its
		// verify-off step is done (a person confirmed it is off).
		e := newEnv(t)
		e.lab.noMeter = true
		off := planner.RunStep{ID: "outlet-off/web-1", Kind: planner.StepOutletOff, Auto: true, Device: "web-1", Outlets: []string{"pb:1"}}
		e.lab.off["pa:1"] = true
		opt := e.options(testPlan(off))
		opt.Execute = true
		if res := e.run(context.Background(), opt); res.Stop == nil || res.Stop.Outcome != runbook.Refused || !strings.Contains(res.Stop.Detail, "not metered") {
			t.Errorf("unmetered, unverified: stop = %+v; want refused", res.Stop)
		}
		verify := planner.RunStep{ID: "verify-off/web-1", Kind: planner.StepVerifyOff, Auto: true, Device: "web-1", Outlets: []string{"pa:1", "pb:1"}}
		opt = e.options(testPlan(verify, off))
		opt.Execute, opt.Restart = true, true
		opt.Confirm = func(_ context.Context, prompt string) (bool, error) {
			return strings.Contains(prompt, "verify-off/web-1:"), nil
		}
		if res := e.run(context.Background(), opt); !res.Done() || !slices.Equal(e.lab.Sets(), []string{"pb:1 off"}) {
			t.Errorf("unmetered, verified off by a person: stop = %+v, sets %v\n%s", res.Stop, e.lab.Sets(), e.out.String())
		}
	})
	t.Run("no force without a reason", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(p)
		opt.Execute, opt.Force = true, true
		if _, err := runbook.Run(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "reason") {
			t.Errorf("Run with Force and no reason = %v; want an error asking for a reason", err)
		}
	})
}

func TestFailingShutdownStopsAndResumes(t *testing.T) {
	e := newEnv(t)
	marker := filepath.Join(t.TempDir(), "fixed")
	// The shutdown action fails until the marker exists (someone fixes it).
	p := fullPlan(`test -f '` + marker + `' || { echo "web-1: connection refused" >&2; exit 3; }`)
	opt := e.options(p)
	opt.Execute, opt.Confirm = true, e.technician
	res := e.run(context.Background(), opt)
	if res.Stop == nil || res.Stop.ID != "shutdown/web-1" || res.Stop.Outcome != runbook.Failed {
		t.Fatalf("stop = %+v; want shutdown/web-1 failed\n%s", res.Stop, e.out.String())
	}
	for _, want := range []string{"exit status 3", "web-1: connection refused"} {
		if !strings.Contains(res.Stop.Detail, want) {
			t.Errorf("failure detail %q lacks %q", res.Stop.Detail, want)
		}
	}
	out := e.out.String()
	if !strings.Contains(out, "To resume at shutdown/web-1, run the same command again") || !strings.Contains(out, "What to do:") {
		t.Errorf("the output does not say what to do and how to resume:\n%s", out)
	}
	if sets := e.lab.Sets(); len(sets) != 0 {
		t.Errorf("steps after the failed shutdown ran: %v", sets)
	}
	st, _ := runbook.ReadState(e.state)
	if st == nil || len(st.Steps) != 2 || st.Stopped == nil || st.Stopped.Step != "shutdown/web-1" {
		t.Fatalf("state = %+v; want check and hold/mx done, stopped at shutdown/web-1", st)
	}
	if es := e.audit.find("shutdown/web-1", "error"); len(es) != 1 {
		t.Errorf("failed shutdown audit = %+v; want one error entry", es)
	}

	// Fixed: the resumed run skips what is done and goes to the end. The
	// lab device does not stop by itself here: stop it as the action does.
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e.lab.set(func(l *lab) { l.stopped["web-1"] = true })
	opt = e.options(p)
	opt.Execute, opt.Confirm = true, e.technician
	res = e.run(context.Background(), opt)
	if !res.Done() {
		t.Fatalf("resumed run stopped at %+v\n%s", res.Stop, e.out.String())
	}
	out = e.out.String()
	for _, want := range []string{"Resuming: 2 of 14 steps done", "check: done at", "hold/mx: done at", "The last run stopped at shutdown/web-1 (failed)"} {
		if !strings.Contains(out, want) {
			t.Errorf("resumed output lacks %q:\n%s", want, out)
		}
	}
	if got := e.queues.calls; !slices.Equal(got, []string{"hold mx", "release mx 60"}) {
		t.Errorf("queues = %v; want one hold (not again on resume) and one release", got)
	}

	// A state of another plan is refused; --restart and --from override.
	opt = e.options(p)
	opt.Execute, opt.PlanSHA = true, "sha-2"
	if _, err := runbook.Run(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "another version of the plan") {
		t.Errorf("Run on another plan's state = %v; want refused", err)
	}
	opt.From, opt.Confirm = "release/mx", e.technician
	res = e.run(context.Background(), opt)
	if !res.Done() || !slices.Equal(e.queues.calls[2:], []string{"release mx 60"}) {
		t.Errorf("--from release/mx: done %v, queues %v\n%s", res.Done(), e.queues.calls, e.out.String())
	}
	if _, err := runbook.Run(context.Background(), runbook.Options{From: "nope"}); err == nil {
		t.Error("Run with no plan = nil error")
	}
}

func TestManualConfirmation(t *testing.T) {
	p := testPlan(
		planner.RunStep{ID: "defer/backup", Kind: planner.StepDeferJob, Job: "backup", Title: "Pause the backup job"},
		planner.RunStep{ID: "cut", Kind: planner.StepCut, Title: "Open breaker A-01"},
	)
	t.Run("yes", func(t *testing.T) {
		e := newEnv(t)
		var prompts []string
		opt := e.options(p)
		opt.Execute = true
		opt.Confirm = func(_ context.Context, prompt string) (bool, error) {
			prompts = append(prompts, prompt)
			return true, nil
		}
		if res := e.run(context.Background(), opt); !res.Done() {
			t.Fatalf("stop = %+v", res.Stop)
		}
		if len(prompts) != 2 || !strings.Contains(prompts[1], "cut: type yes when done") {
			t.Errorf("prompts = %q", prompts)
		}
		if len(e.audit.find("cut", runbook.Confirmed)) != 1 {
			t.Errorf("no confirmed entry for cut: %+v", e.audit.entries())
		}
	})
	t.Run("no", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(p)
		opt.Execute = true
		opt.Confirm = func(_ context.Context, prompt string) (bool, error) { return !strings.Contains(prompt, "cut:"), nil }
		res := e.run(context.Background(), opt)
		if res.Stop == nil || res.Stop.ID != "cut" || res.Stop.Outcome != runbook.Declined || len(e.audit.find("cut", runbook.Declined)) != 1 {
			t.Errorf("stop = %+v; want cut declined, audited", res.Stop)
		}
	})
	t.Run("--yes", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(p)
		opt.Execute, opt.Yes = true, true
		res := e.run(context.Background(), opt)
		es := e.audit.find("cut", runbook.AutoConfirmed)
		if !res.Done() || len(es) != 1 || !strings.Contains(es[0].Detail, "--yes: no person confirmed") {
			t.Errorf("--yes: done %v, audit %+v", res.Done(), es)
		}
		if !strings.Contains(e.out.String(), "confirmed automatically (--yes)") {
			t.Errorf("output does not say the confirmation was automatic:\n%s", e.out.String())
		}
	})
	t.Run("no terminal", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(p)
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || res.Stop.Outcome != runbook.Failed || !strings.Contains(res.Stop.Fix, "--yes") {
			t.Errorf("stop = %+v; want failed, suggesting --yes", res.Stop)
		}
	})
	t.Run("Ctrl-C while waiting", func(t *testing.T) {
		e := newEnv(t)
		ctx, cancel := context.WithCancel(context.Background())
		opt := e.options(p)
		opt.Execute = true
		opt.Confirm = func(ctx context.Context, prompt string) (bool, error) {
			if strings.Contains(prompt, "cut:") {
				cancel()
				<-ctx.Done()
				return false, ctx.Err()
			}
			return true, nil
		}
		res := e.run(ctx, opt)
		st, _ := runbook.ReadState(e.state)
		if res.Stop == nil || res.Stop.Outcome != runbook.Interrupted || st == nil || len(st.Steps) != 1 || st.Stopped.Step != "cut" {
			t.Errorf("stop = %+v, state %+v; want interrupted at cut with defer/backup done", res.Stop, st)
		}
	})
	t.Run("line confirmer", func(t *testing.T) {
		var w bytes.Buffer
		c := runbook.LineConfirmer(strings.NewReader("maybe\nyes\n"), &w)
		if ok, err := c(context.Background(), "> "); !ok || err != nil {
			t.Errorf("answer = %v, %v; want yes", ok, err)
		}
		if _, err := c(context.Background(), "> "); err == nil {
			t.Error("confirm after the input ended = nil error")
		}
		c = runbook.LineConfirmer(strings.NewReader("no\n"), &w)
		if ok, err := c(context.Background(), "> "); ok || err != nil {
			t.Errorf("answer no = %v, %v; want a refusal", ok, err)
		}
		if !strings.Contains(w.String(), `Type "yes"`) {
			t.Errorf("no hint after a wrong answer: %q", w.String())
		}
	})
}

func TestVerifyAndActionFailures(t *testing.T) {
	t.Run("device never stops drawing", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(testPlan(planner.RunStep{ID: "verify-off/web-1", Kind: planner.StepVerifyOff, Auto: true, Device: "web-1"}))
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || res.Stop.Outcome != runbook.Failed || !strings.Contains(res.Stop.Detail, "web-1 still draws after 300ms: pa:1 0.50 A, pb:1 0.50 A") {
			t.Errorf("stop = %+v", res.Stop)
		}
	})
	t.Run("shutdown command timeout", func(t *testing.T) {
		e := newEnv(t)
		opt := e.options(testPlan(planner.RunStep{ID: "shutdown/web-1", Kind: planner.StepShutdown, Auto: true, Device: "web-1", Action: "sleep 30"}))
		opt.Execute, opt.ActionTimeout = true, 200*time.Millisecond
		began := time.Now()
		res := e.run(context.Background(), opt)
		if res.Stop == nil || !strings.Contains(res.Stop.Detail, "no end within 200ms") || time.Since(began) > 5*time.Second {
			t.Errorf("stop = %+v after %v", res.Stop, time.Since(began))
		}
	})
	t.Run("shutdown URL answers 500", func(t *testing.T) {
		e := newEnv(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "ipmi busy", 500) }))
		defer srv.Close()
		opt := e.options(testPlan(planner.RunStep{ID: "shutdown/web-1", Kind: planner.StepShutdown, Auto: true, Device: "web-1", Action: srv.URL}))
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || !strings.Contains(res.Stop.Detail, "HTTP 500 ipmi busy") {
			t.Errorf("stop = %+v", res.Stop)
		}
	})
	t.Run("verify-cut on a live PDU", func(t *testing.T) {
		e := newEnv(t)
		p := testPlan(planner.RunStep{ID: "verify-cut", Kind: planner.StepVerifyCut, Auto: true, PDUs: []string{"pa"}})
		p.Options.ShutdownWait = planner.Duration(50 * time.Millisecond)
		opt := e.options(p)
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || !strings.Contains(res.Stop.Detail, "PDU pa is not dark: L1 at 230 V") {
			t.Errorf("stop = %+v", res.Stop)
		}
	})
	t.Run("silent PDU the scenario does not cut", func(t *testing.T) {
		e := newEnv(t)
		e.lab.dead["pb"] = true
		p := testPlan(planner.RunStep{ID: "verify-cut", Kind: planner.StepVerifyCut, Auto: true, PDUs: []string{"pb"}})
		p.Options.ShutdownWait = planner.Duration(50 * time.Millisecond)
		opt := e.options(p)
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || !strings.Contains(res.Stop.Detail, "the plan's scenario does not de-energise its inlet") {
			t.Errorf("stop = %+v", res.Stop)
		}
	})
	t.Run("check: a silent surviving PDU is one failure", func(t *testing.T) {
		e := newEnv(t)
		e.lab.dead["pb"] = true
		opt := e.options(testPlan(planner.RunStep{ID: "check", Kind: planner.StepCheck, Auto: true}))
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || !strings.Contains(res.Stop.Detail, "survivor-draws pdu:pb: did not answer the poll: the supplies on it cannot be confirmed") {
			t.Fatalf("stop = %+v", res.Stop)
		}
		if strings.Contains(e.out.String(), "db-1 would go down") {
			t.Errorf("the silent PDU is reported per device, not once:\n%s", e.out.String())
		}
	})
	t.Run("post-check finds a silent supply", func(t *testing.T) {
		e := newEnv(t)
		e.lab.silent["pb:2"] = true
		opt := e.options(testPlan(planner.RunStep{ID: "post-check", Kind: planner.StepPostCheck, Auto: true, Device: "db-1"}))
		opt.Execute = true
		res := e.run(context.Background(), opt)
		if res.Stop == nil || !strings.Contains(res.Stop.Detail, "db-1 has not got its redundancy back: pb:2 0.00 A") {
			t.Errorf("stop = %+v", res.Stop)
		}
	})
}

func TestStateFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.state.json")
	s := &runbook.State{Version: runbook.StateVersion, Plan: "p.json", Steps: []runbook.StepState{{ID: "check", Outcome: "done"}}}
	for range 3 {
		if err := runbook.WriteState(path, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := runbook.ReadState(path)
	if err != nil || got == nil || len(got.Steps) != 1 {
		t.Fatalf("ReadState = %+v, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files; want the state file alone (no temporary left)", len(entries))
	}
	if runbook.DefaultStateFile("maint/plan.json") != "maint/plan.state.json" {
		t.Errorf("DefaultStateFile = %q", runbook.DefaultStateFile("maint/plan.json"))
	}
}
