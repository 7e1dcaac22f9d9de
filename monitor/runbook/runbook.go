package runbook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/atstest"
	"feedplan/planner"
)

// Queues holds and releases mail queues. An adapter per MTA (Postfix)
// implements it.
//
// Mail can be on hold before the window for a reason of its own (a
// quarantine, an administrator): it must stay on hold. The first hold
// step of a queue records what Hold says was on hold before it
// (HoldResult.PreHeld) in the state file, at once, and every release of
// that queue passes it back as keep, in this run or a resumed one. An
// adapter that cannot tell (the hooks of another MTA) returns a nil
// PreHeld and gets no keep: its hooks must leave such mail on hold.
//
// Hold runs to its end or Options.ActionTimeout, even when the run is
// interrupted. Release gets the run's context, with a deadline of its own
// derived from what is held and the rate: when the context is cancelled
// (Ctrl-C) it must stop between two batches, let the command it is
// running finish, and return what it released with the context's error;
// the step is then recorded as interrupted, and a resumed run releases
// the rest.
type Queues interface {
	Hold(ctx context.Context, name string) (HoldResult, error)
	Release(ctx context.Context, name string, ratePerMin float64, keep []string) (ReleaseResult, error)
}

// HoldResult is what a hold found and did. With an error, a PreHeld that
// is not nil is still true, and is recorded.
type HoldResult struct {
	Held    int      // messages on hold afterwards, PreHeld included; < 0: the adapter does not tell
	PreHeld []string // queue IDs on hold before this hold; nil: the adapter cannot tell
}

// ReleaseResult is what a release did.
type ReleaseResult struct {
	Released int // messages released; < 0: the adapter does not tell
	Kept     int // messages left on hold because keep named them
}

// Options configure a run.
type Options struct {
	Plan     *planner.Plan   // required
	PlanFile string          // the plan file as given: for messages, the state and the audit
	PlanSHA  string          // the plan file's digest: a state file of another plan is not resumed
	Site     *inventory.Site // the inventory the plan was made from; required

	Execute bool   // without it, a dry run
	Yes     bool   // confirm manual steps without asking (drills); audited as automatic
	Force   bool   // switch off an outlet even when it carries a running device's last live supply
	Reason  string // why it is forced; required with Force
	// DespiteNoGo executes a plan whose verdict is no-go (a failing
	// pre-flight check, a service below its minimum): the reason, for the
	// audit log. Without it such a plan only runs dry.
	DespiteNoGo string
	From        string // start at this step id, whatever the state says
	Restart     bool   // forget the state and start at the first step
	// OnManual is a shell command run at every manual step before the
	// confirmation (execute only), with the step in its environment:
	// FEEDPLAN_STEP_ID, FEEDPLAN_STEP_KIND, FEEDPLAN_DEVICE, …
	OnManual string

	StateFile string                                      // required
	Audit     func(atstest.Entry) error                   // required with Execute
	Operator  string                                      // who runs it, for the audit log
	Confirm   func(context.Context, string) (bool, error) // asks a person; nil: only Yes confirms
	Power     Power                                       // required
	Queues    Queues                                      // nil: holding and releasing queues become manual steps
	HTTP      *http.Client                                // for URL shutdown actions; nil: a client without a timeout of its own

	Out           io.Writer        // progress for people; required
	Logger        *slog.Logger     // required
	Command       string           // the command that resumes the run, for messages
	Poll          time.Duration    // between reads of a verification (default 2 s)
	PowerWait     time.Duration    // verify-power and verify-on wait this long for power (default 5 min)
	ActionTimeout time.Duration    // a shutdown action, a queue hold, an on-manual command (default 2 min); a release gets a deadline from what it releases
	SwitchTimeout time.Duration    // an SNMP SET and reading its result back (default 20 s)
	Now           func() time.Time // time.Now when nil
}

// Step outcomes.
const (
	Done          = "done"
	Confirmed     = "confirmed"
	AutoConfirmed = "auto-confirmed" // --yes
	Forced        = "forced"         // an outlet switched with --force
	Warning       = "warning"        // done, with something to look at
	Skipped       = "skipped"        // done in an earlier run, or before --from
	SkippedFrom   = "skipped-from"   // in the state: not run, skipped by the operator with --from
	Would         = "would"          // a dry run
	Failed        = "failed"
	Refused       = "refused"
	Declined      = "declined"    // a person answered no
	Interrupted   = "interrupted" // Ctrl-C
)

// stops reports whether an outcome ends the run.
func stops(outcome string) bool {
	return outcome == Failed || outcome == Refused || outcome == Declined || outcome == Interrupted
}

// StepResult is what happened to one step in this run.
type StepResult struct {
	ID      string
	Kind    string
	Outcome string
	Detail  string
	Fix     string // for a step that stopped the run: what to do
	Took    time.Duration

	said bool // the step printed its failures itself: stop does not repeat them
}

// Result is a run's outcome.
type Result struct {
	DryRun bool
	Steps  []StepResult
	Stop   *StepResult // the step the run stopped at; nil when it got to the end
	// Problems counts what a dry run found wrong in the check steps.
	Problems int
	Warnings int
}

// Done reports whether the run went through to the end.
func (r *Result) Done() bool { return r.Stop == nil && r.Problems == 0 }

func (o *Options) check() error {
	var errs []error
	if o.Plan == nil {
		errs = append(errs, errors.New("no plan"))
	}
	if o.Site == nil {
		errs = append(errs, errors.New("no site"))
	}
	if o.Power == nil {
		errs = append(errs, errors.New("no power control"))
	}
	if o.Out == nil {
		errs = append(errs, errors.New("no output"))
	}
	if o.Logger == nil {
		errs = append(errs, errors.New("no logger"))
	}
	if o.StateFile == "" {
		errs = append(errs, errors.New("no state file"))
	}
	if o.Execute && o.Audit == nil {
		errs = append(errs, errors.New("executing needs an audit log"))
	}
	if o.Execute && o.Plan != nil && o.Plan.NoGo() && strings.TrimSpace(o.DespiteNoGo) == "" {
		var why []string
		for _, c := range o.Plan.Preflight.Checks {
			if !c.OK {
				why = append(why, c.Object+": "+c.Detail)
			}
		}
		for _, out := range o.Plan.Outages {
			if !out.Accepted {
				why = append(why, "service "+out.Service+" "+out.Status)
			}
		}
		if len(why) > 3 {
			why = append(why[:3], fmt.Sprintf("and %d more", len(why)-3))
		}
		errs = append(errs, fmt.Errorf("the plan is a no-go (%s): fix that and plan again, or run it anyway with --despite-no-go REASON (audited)", strings.Join(why, "; ")))
	}
	if o.Force && strings.TrimSpace(o.Reason) == "" {
		errs = append(errs, errors.New("forcing needs a reason, for the audit log"))
	}
	if o.From != "" && o.Restart {
		errs = append(errs, errors.New("--from and --restart: choose one"))
	}
	if o.Poll < 0 || o.PowerWait < 0 || o.ActionTimeout < 0 || o.SwitchTimeout < 0 {
		errs = append(errs, errors.New("negative durations"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("runbook: %w", err)
	}
	if o.Poll == 0 {
		o.Poll = 2 * time.Second
	}
	if o.PowerWait == 0 {
		o.PowerWait = 5 * time.Minute
	}
	if o.ActionTimeout == 0 {
		o.ActionTimeout = 2 * time.Minute
	}
	if o.SwitchTimeout == 0 {
		o.SwitchTimeout = 20 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	if o.Command == "" {
		o.Command = "the same command"
	}
	return nil
}

type runner struct {
	opt   Options
	p     *planner.Plan
	site  *inventory.Site
	flow  *planner.Flow
	state *State
	out   io.Writer
	log   *slog.Logger
	res   *Result

	down     map[string]bool   // devices the plan shuts down
	plugOf   map[string]string // "pdu:outlet" → the device plugged in
	lastOn   time.Time         // the last outlet switched on (stagger)
	auditErr error
	loc      *time.Location
}

// Run walks the plan's steps. It returns an error only for what keeps it
// from starting (bad options, a state file of another plan, a scenario
// the inventory does not know); a step that fails, is refused, declined
// or interrupted ends the run with Result.Stop set, and the state file
// says where to resume.
func Run(ctx context.Context, opt Options) (*Result, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	r := &runner{opt: opt, p: opt.Plan, site: opt.Site, out: opt.Out, log: opt.Logger, res: &Result{DryRun: !opt.Execute},
		down: map[string]bool{}, plugOf: map[string]string{}, loc: time.UTC}
	if l, err := time.LoadLocation(r.p.Window.TZ); err == nil && r.p.Window.TZ != "" {
		r.loc = l
	}
	for _, d := range r.p.PowerDown {
		r.down[d.Device] = true
	}
	for _, d := range r.site.Devices {
		for _, pl := range d.PSUs {
			if !pl.Unplugged() {
				r.plugOf[pl.String()] = d.Name
			}
		}
	}
	g := planner.NewGraph(r.site)
	flow, err := planner.NewEvaluator(g, g.NewLoads(nil, r.site.Utilisation)).Flow(r.p.Scenario)
	if err != nil {
		return nil, fmt.Errorf("plan %s: its scenario (%v): %w", opt.PlanFile, r.p.Scenario, err)
	}
	r.flow = flow
	start, err := r.loadState()
	if err != nil {
		return nil, err
	}
	r.header(start)
	if opt.Execute {
		if err := r.writeState(); err != nil {
			return nil, err
		}
		if err := r.auditStart(start); err != nil {
			return nil, err
		}
	}
	r.walk(ctx, start)
	r.footer()
	return r.res, nil
}

// loadState reads the state file and returns the index of the first step
// to consider.
func (r *runner) loadState() (int, error) {
	fresh := &State{Version: StateVersion, Plan: r.opt.PlanFile, PlanSHA: r.opt.PlanSHA, Site: r.site.Name}
	st, err := ReadState(r.opt.StateFile)
	if err != nil {
		return 0, err
	}
	fresh.Queues = st.heldQueues() // what was on hold before the window outlives a restart
	start := 0
	if r.opt.From != "" {
		i := slices.IndexFunc(r.p.Steps, func(s planner.RunStep) bool { return s.ID == r.opt.From })
		if i < 0 {
			return 0, fmt.Errorf("--from %q: the plan has no such step (ids look like %q)", r.opt.From, r.p.Steps[min(1, len(r.p.Steps)-1)].ID)
		}
		start = i
	}
	switch {
	case st == nil || r.opt.Restart:
		r.state = fresh
	case st.PlanSHA != r.opt.PlanSHA && r.opt.From == "":
		return 0, fmt.Errorf("state file %s was written for another version of the plan (sha256 %.12s…, this one is %.12s…): --restart to start it over, or --from STEP to start at a step",
			r.opt.StateFile, st.PlanSHA, r.opt.PlanSHA)
	case st.PlanSHA != r.opt.PlanSHA:
		// --from on a changed plan: keep nothing of the old run.
		r.state = fresh
	default:
		r.state = st
	}
	return start, nil
}

func (r *runner) writeState() error {
	if !r.opt.Execute {
		return nil
	}
	r.state.Updated = r.opt.Now().UTC()
	return WriteState(r.opt.StateFile, r.state)
}

func (r *runner) header(start int) {
	p := r.p
	mode := "DRY RUN: nothing is switched, run, held or confirmed, and no state or audit is written; the check steps read the PDUs (SNMP GET only). Add --execute to run it."
	if r.opt.Execute {
		mode = "EXECUTE: the automatable steps run; every manual step stops for a confirmation"
		if r.opt.Yes {
			mode += " (given automatically: --yes)"
		}
		mode += ". Ctrl-C stops after the current action."
	}
	fmt.Fprintf(r.out, "Plan %s: site %s, %v, %d steps, window %s – %s (%s)\n", r.opt.PlanFile, p.Site, p.Scenario,
		len(p.Steps), p.Window.Start.In(r.loc).Format("2006-01-02 15:04"), p.Window.End.In(r.loc).Format("2006-01-02 15:04"), r.loc)
	fmt.Fprintln(r.out, mode)
	if !p.Preflight.Go {
		what := "the plan's pre-flight was no-go"
		if p.Preflight.Skipped {
			what = "the plan was made without live readings (pre-flight skipped)"
		}
		fmt.Fprintf(r.out, "Note: %s; the check steps read again now.\n", what)
	}
	if r.opt.Force {
		fmt.Fprintf(r.out, "FORCED (%s): an outlet carrying a running device's last live supply is switched off anyway.\n", r.opt.Reason)
	}
	if r.p.NoGo() && r.opt.Execute {
		fmt.Fprintf(r.out, "THE PLAN IS A NO-GO, executed anyway (--despite-no-go: %s).\n", r.opt.DespiteNoGo)
	}
	switch {
	case r.opt.Restart:
		fmt.Fprintln(r.out, "Restarting: the steps done in earlier runs are forgotten (the mail they still hold, and what was on hold before, are remembered).")
	case r.opt.From != "":
		fmt.Fprintf(r.out, "Starting at %s (--from): the %d steps before it are not run, steps from it on run even if done.\n", r.opt.From, start)
	case len(r.state.Steps) > 0:
		last := r.state.Steps[len(r.state.Steps)-1]
		fmt.Fprintf(r.out, "Resuming: %d of %d steps done (last %s at %s); they are skipped.\n", len(r.state.Steps), len(p.Steps), last.ID, last.At.In(r.loc).Format("15:04:05"))
		if s := r.state.Stopped; s != nil {
			fmt.Fprintf(r.out, "The last run stopped at %s (%s): %s\n", s.Step, s.Outcome, s.Detail)
		}
	}
	fmt.Fprintln(r.out)
}

func (r *runner) footer() {
	res := r.res
	fmt.Fprintln(r.out)
	switch {
	case res.Stop != nil:
		s := res.Stop
		fmt.Fprintf(r.out, "STOPPED at %s: %s: %s\n", s.ID, strings.ToUpper(s.Outcome), s.Detail)
		if s.Fix != "" {
			fmt.Fprintf(r.out, "What to do: %s\n", s.Fix)
		}
		if r.opt.Execute {
			fmt.Fprintf(r.out, "The steps done are recorded in %s. To resume at %s, run %s again; to skip it, add --from NEXT-STEP-ID.\n", r.opt.StateFile, s.ID, r.opt.Command)
			r.pending()
		}
	case res.DryRun && res.Problems > 0:
		fmt.Fprintf(r.out, "DRY RUN: %d problem(s) in the checks above; an executed run would stop there. Nothing was changed.\n", res.Problems)
	case res.DryRun:
		fmt.Fprintln(r.out, "DRY RUN done: nothing was changed. Add --execute to run it.")
	default:
		fmt.Fprintf(r.out, "DONE: all %d steps of the plan are done (%d warning(s)).\n", len(r.p.Steps), res.Warnings)
	}
}

// walk runs or describes the steps from start on.
func (r *runner) walk(ctx context.Context, start int) {
	n := len(r.p.Steps)
	for i, st := range r.p.Steps {
		tag := fmt.Sprintf("[%*d/%d] %s", len(fmt.Sprint(n)), i+1, n, st.ID)
		if i < start {
			r.res.Steps = append(r.res.Steps, StepResult{ID: st.ID, Kind: st.Kind, Outcome: Skipped, Detail: "before --from"})
			fmt.Fprintf(r.out, "%s: skipped (before --from %s)\n", tag, r.opt.From)
			// Recorded as done: a later plain resume must not run a step
			// the operator skipped (a shutdown after power-up, an outlet
			// switched off under a running device).
			if _, ok := r.state.done(st.ID); !ok && r.opt.Execute {
				r.state.Steps = append(r.state.Steps, StepState{ID: st.ID, Kind: st.Kind, Outcome: SkippedFrom, At: r.opt.Now().UTC(), Detail: "skipped with --from " + r.opt.From})
				r.audit(atstest.Entry{StepID: st.ID, Step: st.Kind, Device: st.Device, Outcome: SkippedFrom, Detail: "skipped with --from " + r.opt.From})
				if err := r.writeState(); err != nil {
					r.stop(StepResult{ID: st.ID, Kind: st.Kind, Outcome: Failed, Detail: fmt.Sprintf("recording the skip failed: %v", err), Fix: "make the state file writable"})
					return
				}
			}
			continue
		}
		if prev, ok := r.state.done(st.ID); ok && r.opt.From == "" {
			r.res.Steps = append(r.res.Steps, StepResult{ID: st.ID, Kind: st.Kind, Outcome: Skipped, Detail: "done at " + prev.At.Format(time.RFC3339)})
			fmt.Fprintf(r.out, "%s: done at %s (%s) — skipped\n", tag, prev.At.In(r.loc).Format("15:04:05"), prev.Outcome)
			continue
		}
		if ctx.Err() != nil {
			r.stop(StepResult{ID: st.ID, Kind: st.Kind, Outcome: Interrupted, Detail: "interrupted before it started"})
			return
		}
		planned := ""
		if !st.At.IsZero() {
			planned = " (planned " + st.At.In(r.loc).Format("15:04") + ")"
		}
		auto := "auto"
		if !st.Auto {
			auto = "MANUAL"
		}
		fmt.Fprintf(r.out, "%s — %s [%s, %s]%s\n", tag, st.Title, st.Kind, auto, planned)
		began := r.opt.Now()
		var o StepResult
		if r.opt.Execute {
			o = r.execute(ctx, st)
		} else {
			o = r.dry(ctx, st)
		}
		o.ID, o.Kind, o.Took = st.ID, st.Kind, r.opt.Now().Sub(began)
		if r.auditErr != nil && !stops(o.Outcome) {
			o.Outcome, o.Detail, o.Fix = Failed, "audit log: "+r.auditErr.Error(), "make the audit log writable (disk full? permissions?), then resume"
		}
		if stops(o.Outcome) {
			r.stop(o)
			return
		}
		if o.Outcome == Warning {
			r.res.Warnings++
		}
		r.res.Steps = append(r.res.Steps, o)
		if r.opt.Execute {
			fmt.Fprintf(r.out, "    %s (%s)\n", o.Outcome, o.Took.Round(time.Millisecond))
			r.state.Steps = slices.DeleteFunc(r.state.Steps, func(s StepState) bool { return s.ID == st.ID })
			r.state.Steps = append(r.state.Steps, StepState{ID: st.ID, Kind: st.Kind, Outcome: o.Outcome, At: r.opt.Now().UTC(), Detail: o.Detail})
			r.state.Stopped = nil
			if err := r.writeState(); err != nil {
				r.stop(StepResult{ID: st.ID, Kind: st.Kind, Outcome: Failed, Detail: fmt.Sprintf("the step is done but recording it failed: %v", err),
					Fix: "make the state file writable; the step will run again on resume"})
				return
			}
		}
		if ctx.Err() != nil && i+1 < n {
			next := r.p.Steps[i+1]
			r.stop(StepResult{ID: next.ID, Kind: next.Kind, Outcome: Interrupted, Detail: fmt.Sprintf("interrupted after %s (done and recorded)", st.ID)})
			return
		}
	}
	if r.opt.Execute {
		r.audit(atstest.Entry{Step: "end", Outcome: "ok", Detail: fmt.Sprintf("all %d steps done", n)})
	}
}

// stop ends the run at a step: it is recorded in the state and audited.
func (r *runner) stop(o StepResult) {
	r.res.Steps = append(r.res.Steps, o)
	r.res.Stop = &r.res.Steps[len(r.res.Steps)-1]
	if !r.opt.Execute {
		return
	}
	if !o.said {
		fmt.Fprintf(r.out, "    %s: %s\n", strings.ToUpper(o.Outcome), o.Detail)
	}
	r.audit(atstest.Entry{StepID: o.ID, Step: "end", Outcome: o.Outcome, Detail: o.Detail})
	r.state.Stopped = &Stopped{Step: o.ID, Outcome: o.Outcome, At: r.opt.Now().UTC(), Detail: o.Detail}
	if err := r.writeState(); err != nil {
		fmt.Fprintf(r.out, "    and the state could not be recorded: %v\n", err)
	}
}

// audit writes an entry; a failure is kept and stops the run after the
// step.
func (r *runner) audit(e atstest.Entry) error {
	if !r.opt.Execute || r.opt.Audit == nil {
		return nil
	}
	e.Time = r.opt.Now().UTC()
	e.Operator, e.Action, e.Site, e.Plan = r.opt.Operator, "plan-run", r.site.Name, r.opt.PlanFile
	if r.opt.Force && e.Forced && e.Reason == "" {
		e.Reason = r.opt.Reason
	}
	err := r.opt.Audit(e)
	if err != nil && r.auditErr == nil {
		r.auditErr = err
	}
	return err
}

func (r *runner) auditStart(start int) error {
	var d []string
	switch {
	case r.opt.Restart:
		d = append(d, "restart: earlier state forgotten")
	case r.opt.From != "":
		d = append(d, fmt.Sprintf("from %s (%d steps before it not run)", r.opt.From, start))
	case len(r.state.Steps) > 0:
		d = append(d, fmt.Sprintf("resume: %d of %d steps done", len(r.state.Steps), len(r.p.Steps)))
	default:
		d = append(d, fmt.Sprintf("%d steps", len(r.p.Steps)))
	}
	if r.opt.Yes {
		d = append(d, "--yes: manual steps confirmed automatically")
	}
	if r.opt.OnManual != "" {
		d = append(d, "--on-manual: "+r.opt.OnManual)
	}
	if r.p.NoGo() {
		d = append(d, "the plan is a no-go, run anyway (--despite-no-go): "+r.opt.DespiteNoGo)
	}
	e := atstest.Entry{Step: "start", Outcome: "ok", Detail: strings.Join(d, "; "), Forced: r.opt.Force}
	if r.opt.Force {
		e.Reason = r.opt.Reason
	}
	if err := r.audit(e); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// pending says, when a run stops, what it has held or paused and not yet
// let go: if the window is abandoned, these still need their release.
func (r *runner) pending() {
	done := func(id string) bool { _, ok := r.state.done(id); return ok }
	var held, paused []string
	for _, st := range r.p.Steps {
		switch st.Kind {
		case planner.StepHoldQueue:
			if done(st.ID) && !done("release/"+st.Queue) && !slices.Contains(held, st.Queue) {
				held = append(held, st.Queue)
			}
		case planner.StepDeferJob:
			if done(st.ID) && !done("run-job/"+st.Job) {
				paused = append(paused, st.Job)
			}
		}
	}
	if len(held) > 0 {
		fmt.Fprintf(r.out, "Still held: mail queue %s. If the window is abandoned, release it: %s --from release/%s (or by hand).\n", strings.Join(held, ", "), r.opt.Command, held[0])
	}
	if len(paused) > 0 {
		fmt.Fprintf(r.out, "Still paused: job %s. If the window is abandoned, resume it by hand.\n", strings.Join(paused, ", "))
	}
}
