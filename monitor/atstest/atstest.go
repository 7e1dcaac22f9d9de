package atstest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/planner"
)

// Options configure one switchover test.
type Options struct {
	Site *inventory.Site // required
	ATS  string          // the ATS's inventory name; required

	// Dial opens an SNMP session; pdu.Dial when nil.
	Dial func(pdu.Target, *slog.Logger) (pdu.Client, error)

	// Execute makes the ATS transfer. Without it Run is a dry run: it
	// reads the ATS and the PDUs behind it, checks the preconditions and
	// says what it would do, and changes nothing.
	Execute bool
	// Force overrides the preconditions a person may knowingly accept
	// (devices that go down if the ATS fails to transfer, a switch or
	// redundancy fault the ATS reports, a PDU behind it not answering);
	// never an input that is down or an over-current. It needs a Reason,
	// which goes to the audit log.
	Force  bool
	Reason string
	// Operator is who runs the test, for the audit log ("alice@ops-1").
	Operator string

	PollEvery time.Duration // how often the ATS and the PDUs behind it are read during the test (default 200 ms)
	Deadline  time.Duration // for each transfer, there and back (default 10 s)
	Timeout   time.Duration // per SNMP request (default 1 s)
	Retries   int           // per SNMP request (default 1; -1 for none)

	Logger *slog.Logger // required
	// Audit receives every executed step before Run goes on: refused,
	// start, set-preferred, transferred or no-transfer, back or not-back,
	// done. An executed test needs it; when it fails to record the start,
	// nothing is done.
	Audit func(Entry) error
	Now   func() time.Time // clock; time.Now when nil
}

// Result is a test's outcome. A test that ran and failed, or was refused,
// is a Result with Passed false and a Reason, not an error.
type Result struct {
	Site, ATS string
	From, To  string // the input circuit it runs on, and the other one
	DryRun    bool   // nothing was done
	Refused   bool   // a precondition does not hold: nothing was done
	Forced    bool   // preconditions were overridden (Options.Force)
	Passed    bool   // it transferred, came back, and nothing behind it lost power
	Reason    string // why it failed or was refused; for a dry run, what it would do

	// AtRisk lists the running devices that go down if the ATS does not
	// transfer when its selected input fails: what a failed test could
	// take down, as the planner sees it.
	AtRisk []string
	// Downstream lists the PDUs behind the ATS that were watched.
	Downstream []string

	TransferTook time.Duration // from the SET to the poll that saw the other input selected
	BackTook     time.Duration // the same, back
	// DownstreamLost lists what lost power behind the ATS during the
	// test: "r03-c: no answer at +0.40 s (…)".
	DownstreamLost []string
	Steps          []string // what was checked and done, in order
}

// OK reports whether the test passed, or, for a dry run, whether it
// would run.
func (r *Result) OK() bool { return r.Passed || r.DryRun && !r.Refused }

// Run checks the preconditions and, with Options.Execute, runs the test.
// It returns an error only for options that cannot work (an unknown ATS,
// one without an SNMP address, a missing logger or audit sink).
func Run(ctx context.Context, opt Options) (*Result, error) {
	t, err := newTester(opt)
	if err != nil {
		return nil, err
	}
	return t.run(ctx), nil
}

type tester struct {
	opt    Options
	ats    *inventory.ATS
	target pdu.Target
	downs  []*inventory.PDU
	res    *Result
	start  time.Time
	log    *slog.Logger

	c      pdu.Client // the ATS's session, used by run's goroutine only
	setter pdu.PreferredSetter
}

func newTester(opt Options) (*tester, error) {
	switch {
	case opt.Site == nil:
		return nil, errors.New("ats test: no site")
	case opt.Logger == nil:
		return nil, errors.New("ats test: no logger")
	case opt.ATS == "":
		return nil, errors.New("ats test: no ATS named")
	case opt.Force && strings.TrimSpace(opt.Reason) == "":
		return nil, errors.New("ats test: forcing needs a reason, for the audit log")
	case opt.Execute && opt.Audit == nil:
		return nil, errors.New("ats test: an executed test needs an audit log")
	case opt.PollEvery < 0 || opt.Deadline < 0 || opt.Timeout < 0:
		return nil, fmt.Errorf("ats test: negative interval (poll every %v, deadline %v, timeout %v)", opt.PollEvery, opt.Deadline, opt.Timeout)
	}
	a := opt.Site.ATSUnit(opt.ATS)
	if a == nil {
		var names []string
		for _, u := range opt.Site.ATS {
			names = append(names, u.Name)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("ats %q: site %q has no ATS", opt.ATS, opt.Site.Name)
		}
		return nil, fmt.Errorf("ats %q is not in site %q (it has %s)", opt.ATS, opt.Site.Name, strings.Join(names, ", "))
	}
	if a.SNMP == nil || a.SNMP.Address == "" {
		return nil, fmt.Errorf("ats %q has no snmp address in the inventory", a.Name)
	}
	if len(a.Inputs) != 2 {
		return nil, fmt.Errorf("ats %q: %d inputs; want 2", a.Name, len(a.Inputs))
	}
	if opt.PollEvery == 0 {
		opt.PollEvery = 200 * time.Millisecond
	}
	if opt.Deadline == 0 {
		opt.Deadline = 10 * time.Second
	}
	if opt.Timeout == 0 {
		opt.Timeout = time.Second
	}
	switch {
	case opt.Retries == 0:
		opt.Retries = 1
	case opt.Retries < 0:
		opt.Retries = 0
	}
	if opt.Dial == nil {
		opt.Dial = pdu.Dial
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Operator == "" {
		opt.Operator = "unknown"
	}
	t := &tester{opt: opt, ats: a, log: opt.Logger.With("ats", a.Name),
		res: &Result{Site: opt.Site.Name, ATS: a.Name, DryRun: !opt.Execute}}
	t.target = t.targetOf(a.Name, a.SNMP)
	for _, p := range opt.Site.PDUs {
		if p.Inlet == a.Name {
			t.downs = append(t.downs, p)
		}
	}
	return t, nil
}

func (t *tester) targetOf(name string, s *inventory.SNMP) pdu.Target {
	tg := pdu.TargetOf(name, s)
	tg.Timeout, tg.Retries = t.opt.Timeout, t.opt.Retries
	return tg
}

// step records what was checked or done.
func (t *tester) step(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	t.res.Steps = append(t.res.Steps, s)
	t.log.Info(s)
}

// since formats the time since the test started, "+1.23 s".
func (t *tester) since(at time.Time) string {
	return fmt.Sprintf("+%.2f s", at.Sub(t.start).Seconds())
}

func (t *tester) audit(e Entry) error {
	if t.opt.Audit == nil {
		return nil
	}
	e.Time, e.Operator, e.Action, e.Site, e.ATS = t.opt.Now(), t.opt.Operator, "ats-test", t.res.Site, t.res.ATS
	e.Forced = t.res.Forced
	if e.Forced {
		e.Reason = t.opt.Reason
	}
	err := t.opt.Audit(e)
	if err != nil {
		t.log.Error("audit log", "step", e.Step, "err", err)
	}
	return err
}

func (t *tester) refuse(reason string) *Result {
	t.res.Refused, t.res.Reason = true, reason
	t.step("refused: %s", reason)
	if t.opt.Execute {
		t.audit(Entry{Step: "refused", Outcome: "refused", Detail: reason}) //nolint:errcheck // logged; nothing was done
	}
	return t.res
}

func (t *tester) run(ctx context.Context) *Result {
	t.start = t.opt.Now()
	c, err := t.opt.Dial(t.target, t.log)
	if err != nil {
		return t.refuse(fmt.Sprintf("cannot reach %s: %v", t.target, err))
	}
	defer c.Close()
	t.c = c
	r, err := t.readATS(ctx)
	if err != nil {
		return t.refuse(fmt.Sprintf("cannot read the ATS: %v", err))
	}
	d, err := pdu.DriverNamed(r.Driver)
	if err != nil {
		return t.refuse(err.Error())
	}
	setter, ok := d.(pdu.PreferredSetter)
	if !ok {
		return t.refuse(fmt.Sprintf("driver %s cannot set an ATS's preferred input", r.Driver))
	}
	t.setter, t.target.Driver = setter, r.Driver // no detection on the reads that follow
	at := r.ATS
	t.step("read %s (%s): %s", t.ats.Name, t.target.Address, t.describe(at))

	base := t.readDownstream(ctx)
	hard, soft := t.preconditions(at, base)
	if err := ctx.Err(); err != nil {
		return t.refuse(fmt.Sprintf("interrupted before the test: %v", err))
	}
	if len(hard) > 0 {
		return t.refuse(strings.Join(hard, "; "))
	}
	if len(soft) > 0 {
		if !t.opt.Force {
			return t.refuse(strings.Join(soft, "; ") + " (--force --reason TEXT to test anyway)")
		}
		t.res.Forced = true
		t.step("forced (%s) past: %s", t.opt.Reason, strings.Join(soft, "; "))
	} else {
		t.step("preconditions hold")
	}
	from, to := at.Selected, 1-at.Selected
	t.res.From, t.res.To = t.ats.Inputs[from], t.ats.Inputs[to]
	watched := "nothing behind it answers SNMP"
	if len(t.res.Downstream) > 0 {
		watched = "watching " + strings.Join(t.res.Downstream, ", ") + " for a loss of power"
	}
	plan := fmt.Sprintf("set %s's preferred input to %s, wait up to %v (reading it every %v) for it to select %s, %s; then set it back to %s and wait for %s",
		t.ats.Name, t.res.To, t.opt.Deadline, t.opt.PollEvery, t.res.To, watched, t.res.From, t.res.From)
	if !t.opt.Execute {
		t.res.Reason = "dry run: would " + plan + "; run with --execute to do it"
		t.step("dry run: would %s", plan)
		return t.res
	}
	t.step("plan: %s", plan)
	return t.execute(ctx, from, to, base)
}

// describe writes an ATS reading for people.
func (t *tester) describe(at *pdu.ATS) string {
	in := func(i int) string {
		if i < 0 || i > 1 {
			return "unknown"
		}
		return t.ats.Inputs[i]
	}
	health := func(b *bool, yes, no string) string {
		switch {
		case b == nil:
			return "unknown"
		case *b:
			return yes
		}
		return no
	}
	return fmt.Sprintf("selected %s, preferred %s, input %s %s, input %s %s, redundancy %s, over-current %s, switch %s",
		in(at.Selected), in(at.Preferred),
		t.ats.Inputs[0], health(at.InputOK[0], "OK", "FAILED"), t.ats.Inputs[1], health(at.InputOK[1], "OK", "FAILED"),
		health(at.Redundant, "full", "LOST"), health(at.OverCurrent, "YES", "no"), health(at.SwitchOK, "OK", "FAILED"))
}

// preconditions lists what forbids the test (hard) and what only a
// forced test may override (soft).
func (t *tester) preconditions(at *pdu.ATS, base map[string]*pdu.Reading) (hard, soft []string) {
	a := t.ats
	for i, ok := range at.InputOK {
		switch {
		case ok == nil:
			hard = append(hard, fmt.Sprintf("%s does not report the health of input %s", a.Name, a.Inputs[i]))
		case !*ok:
			hard = append(hard, fmt.Sprintf("input %s of %s is down: restore it before testing", a.Inputs[i], a.Name))
		}
	}
	if at.OverCurrent != nil && *at.OverCurrent {
		hard = append(hard, fmt.Sprintf("%s is in over-current: it would refuse to transfer; shed load behind it first", a.Name))
	}
	switch {
	case at.Selected < 0:
		hard = append(hard, fmt.Sprintf("%s does not say which input it runs on", a.Name))
	case at.Preferred < 0:
		hard = append(hard, fmt.Sprintf("%s does not say which input it prefers: the test could not set it back", a.Name))
	case at.Selected != at.Preferred:
		hard = append(hard, fmt.Sprintf("%s runs on %s, not on its preferred input %s: find out why before testing", a.Name, a.Inputs[at.Selected], a.Inputs[at.Preferred]))
	}
	if len(hard) > 0 {
		return hard, soft
	}
	if at.SwitchOK == nil || !*at.SwitchOK {
		soft = append(soft, fmt.Sprintf("%s reports its transfer switch %s", a.Name, map[bool]string{true: "status unknown", false: "FAILED"}[at.SwitchOK == nil]))
	}
	if at.Redundant == nil || !*at.Redundant {
		soft = append(soft, fmt.Sprintf("%s reports redundancy %s although both inputs are OK", a.Name, map[bool]string{true: "unknown", false: "LOST"}[at.Redundant == nil]))
	}
	for _, p := range t.downs {
		if p.SNMP == nil || p.SNMP.Address == "" {
			t.step("%s (behind %s) has no snmp address: it cannot be watched", p.Name, a.Name)
			continue
		}
		if base[p.Name] == nil {
			soft = append(soft, fmt.Sprintf("%s (behind %s) does not answer now: a loss of power there could not be seen", p.Name, a.Name))
		}
	}
	if s := t.atRisk(at.Selected); s != "" {
		soft = append(soft, s)
	}
	return hard, soft
}

// atRisk asks the planner what goes down if the ATS does not transfer
// when its selected input fails, and says whether that refuses the test:
// it does when the ATS did not pass its last switchover test (or never
// had one), the case where a failure is to be expected. For an ATS that
// passed, the devices are listed and the test goes on.
func (t *tester) atRisk(selected int) string {
	a, site := t.ats, t.opt.Site
	g := planner.NewGraph(site)
	l := g.NewLoads(nil, site.Utilisation)
	if err := g.SetATSInput(l, a.Name, selected); err != nil {
		return fmt.Sprintf("planner: %v", err)
	}
	cut := planner.Element{Kind: planner.Circuit, Name: a.Inputs[selected]}
	r, err := planner.NewEvaluator(g, l).Evaluate(planner.Scenario{Cut: []planner.Element{cut}, ATSUnit: map[string]planner.ATSMode{a.Name: planner.Fails}})
	if err != nil {
		return fmt.Sprintf("planner: %v", err)
	}
	for _, d := range r.Down {
		t.res.AtRisk = append(t.res.AtRisk, d.Device)
	}
	if len(r.Down) == 0 {
		t.step("planner: if %s does not transfer when %s fails, no running device goes down", a.Name, cut.Name)
		return ""
	}
	what := fmt.Sprintf("if %s does not transfer when %s fails, %d running devices go down: %s", a.Name, cut.Name, len(r.Down), strings.Join(t.res.AtRisk, ", "))
	switch {
	case a.Test == nil:
		return what + fmt.Sprintf(", and %s has never passed a switchover test", a.Name)
	case !a.Test.Passed():
		return what + fmt.Sprintf(", and %s failed its last switchover test (%s)", a.Name, a.Test.Date)
	}
	t.step("planner: %s; %s passed its last switchover test (%s)", what, a.Name, a.Test.Date)
	return ""
}

// readATS reads the ATS, with a deadline of its own.
func (t *tester) readATS(ctx context.Context) (*pdu.Reading, error) {
	ctx, cancel := context.WithTimeout(ctx, t.opt.Deadline)
	defer cancel()
	start := time.Now()
	r, err := pdu.Read(ctx, t.c, t.target, t.opt.Now())
	t.log.Debug("read ats", "took", time.Since(start), "err", err)
	if err != nil {
		return nil, err
	}
	if r.ATS == nil {
		return nil, fmt.Errorf("%s: driver %s reads no ATS state", t.target, r.Driver)
	}
	return r, nil
}

// readDownstream reads every PDU behind the ATS once, each over its own
// session: the baseline the watch compares with. A PDU that does not
// answer is missing from the map.
func (t *tester) readDownstream(ctx context.Context) map[string]*pdu.Reading {
	out := map[string]*pdu.Reading{}
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(16)
	for _, p := range t.downs {
		if p.SNMP == nil || p.SNMP.Address == "" {
			continue
		}
		t.res.Downstream = append(t.res.Downstream, p.Name)
		tg := t.targetOf(p.Name, p.SNMP)
		g.Go(func() error {
			r, err := t.readOnce(ctx, tg)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.log.Warn("pdu behind the ATS does not answer", "pdu", p.Name, "err", err)
				return nil
			}
			out[p.Name] = r
			return nil
		})
	}
	g.Wait() //nolint:errcheck // errors are per PDU
	for _, name := range t.res.Downstream {
		if r := out[name]; r != nil {
			t.step("read %s (behind %s): answers, %d outlets on", name, t.ats.Name, outletsOn(r))
		}
	}
	return out
}

func (t *tester) readOnce(ctx context.Context, tg pdu.Target) (*pdu.Reading, error) {
	c, err := t.opt.Dial(tg, t.log)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, t.opt.Deadline)
	defer cancel()
	return pdu.Read(ctx, c, tg, t.opt.Now())
}

func outletsOn(r *pdu.Reading) int {
	n := 0
	for _, o := range r.Outlets {
		if o.On != nil && *o.On {
			n++
		}
	}
	return n
}

// execute runs the test proper.
func (t *tester) execute(ctx context.Context, from, to int, base map[string]*pdu.Reading) *Result {
	res := t.res
	if err := t.audit(Entry{Step: "start", Outcome: "ok", Input: res.To,
		Detail: fmt.Sprintf("transfer %s → %s and back; at risk if it fails: %s", res.From, res.To, listOrNone(res.AtRisk))}); err != nil {
		res.Refused, res.Reason = true, fmt.Sprintf("the audit log cannot record the start (%v): nothing was done", err)
		t.step("refused: %s", res.Reason)
		return res
	}
	// The watch and the way back run to the end even when ctx is
	// cancelled (Ctrl-C): an ATS left on its other input is what the test
	// must never do.
	bg := context.WithoutCancel(ctx)
	w := t.watch(bg, base)
	res.Downstream = w.names

	var failures []string
	setAt := t.opt.Now()
	err := t.setPreferred(ctx, to)
	transferred := false
	if err != nil {
		failures = append(failures, fmt.Sprintf("setting the preferred input to %s: %v", res.To, err))
	} else {
		var last string
		res.TransferTook, last, transferred = t.waitSelected(ctx, to, setAt)
		if transferred {
			t.step("%s: %s selected %s after %v", t.since(t.opt.Now()), t.ats.Name, res.To, res.TransferTook.Round(time.Millisecond))
			t.audit(Entry{Step: "transferred", Outcome: "ok", Input: res.To, TookMS: ms(res.TransferTook)}) //nolint:errcheck // logged
			w.waitRound(t.opt.Now(), t.opt.Now().Add(t.opt.Deadline))
		} else {
			f := fmt.Sprintf("%s did not transfer to %s within %v: %s", t.ats.Name, res.To, t.opt.Deadline, last)
			if ctx.Err() != nil {
				f = fmt.Sprintf("interrupted while waiting for %s to transfer to %s: %s", t.ats.Name, res.To, last)
			}
			failures = append(failures, f)
			t.step("%s: %s", t.since(t.opt.Now()), f)
			t.audit(Entry{Step: "no-transfer", Outcome: "failed", Input: res.To, Detail: f}) //nolint:errcheck // logged
		}
	}

	// Back to where it was, whatever happened, and with a context of its
	// own.
	backAt := t.opt.Now()
	back := false
	if err := t.setPreferred(bg, from); err != nil {
		failures = append(failures, fmt.Sprintf("setting the preferred input back to %s: %v: set it by hand", res.From, err))
	} else {
		var last string
		res.BackTook, last, back = t.waitSelected(bg, from, backAt)
		if back {
			if transferred {
				t.step("%s: %s back on %s after %v", t.since(t.opt.Now()), t.ats.Name, res.From, res.BackTook.Round(time.Millisecond))
			} else {
				t.step("%s: %s runs on %s and prefers it again", t.since(t.opt.Now()), t.ats.Name, res.From)
			}
			t.audit(Entry{Step: "back", Outcome: "ok", Input: res.From, TookMS: ms(res.BackTook)}) //nolint:errcheck // logged
			w.waitRound(t.opt.Now(), t.opt.Now().Add(t.opt.Deadline))
		} else {
			f := fmt.Sprintf("%s did not transfer back to %s within %v: %s; it prefers %s again, check it by hand", t.ats.Name, res.From, t.opt.Deadline, last, res.From)
			failures = append(failures, f)
			t.step("%s: %s", t.since(t.opt.Now()), f)
			t.audit(Entry{Step: "not-back", Outcome: "failed", Input: res.From, Detail: f}) //nolint:errcheck // logged
		}
	}
	res.DownstreamLost = w.stop()
	for _, l := range res.DownstreamLost {
		t.step("lost power behind %s: %s", t.ats.Name, l)
	}
	if len(res.DownstreamLost) > 0 {
		failures = append(failures, fmt.Sprintf("power was lost behind %s: %s", t.ats.Name, strings.Join(res.DownstreamLost, "; ")))
	} else if len(res.Downstream) > 0 {
		t.step("%s kept answering with power throughout", strings.Join(res.Downstream, ", "))
	}

	if len(failures) == 0 {
		res.Passed = true
		res.Reason = fmt.Sprintf("transferred %s → %s in %v and back in %v", res.From, res.To, res.TransferTook.Round(time.Millisecond), res.BackTook.Round(time.Millisecond))
		if len(res.Downstream) > 0 {
			res.Reason += "; " + strings.Join(res.Downstream, ", ") + " never lost power"
		}
	} else {
		res.Reason = strings.Join(failures, "; ")
	}
	outcome := map[bool]string{true: "passed", false: "failed"}[res.Passed]
	t.step("%s: %s", outcome, res.Reason)
	t.audit(Entry{Step: "done", Outcome: outcome, Detail: res.Reason, TookMS: ms(res.TransferTook)}) //nolint:errcheck // logged
	return res
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

// setPreferred sets the preferred input and records it, in the audit log
// too.
func (t *tester) setPreferred(ctx context.Context, input int) error {
	ctx, cancel := context.WithTimeout(ctx, t.opt.Deadline)
	defer cancel()
	start := time.Now()
	err := t.setter.SetPreferred(ctx, t.c, input)
	t.log.Debug("set preferred", "input", t.ats.Inputs[input], "took", time.Since(start), "err", err)
	e := Entry{Step: "set-preferred", Outcome: "ok", Input: t.ats.Inputs[input]}
	if err != nil {
		e.Outcome, e.Detail = "error", err.Error()
		t.step("%s: setting the preferred input of %s to %s: %v", t.since(t.opt.Now()), t.ats.Name, t.ats.Inputs[input], err)
	} else {
		t.step("%s: set the preferred input of %s to %s", t.since(t.opt.Now()), t.ats.Name, t.ats.Inputs[input])
	}
	t.audit(e) //nolint:errcheck // logged; the start was recorded, and the way back must not stop here
	return err
}

// waitSelected reads the ATS every PollEvery until it selects want or the
// deadline passes. It returns the time from since, and what the last
// read said.
func (t *tester) waitSelected(ctx context.Context, want int, since time.Time) (time.Duration, string, bool) {
	deadline := since.Add(t.opt.Deadline)
	last := "no answer"
	for {
		r, err := t.readATS(ctx)
		now := t.opt.Now()
		switch {
		case err != nil:
			last = fmt.Sprintf("the last read failed: %v", err)
		case r.ATS.Selected == want:
			return now.Sub(since), "", true
		case r.ATS.Selected < 0:
			last = "it reports no selected input"
		default:
			last = fmt.Sprintf("it still runs on %s", t.ats.Inputs[r.ATS.Selected])
		}
		if !now.Before(deadline) || ctx.Err() != nil {
			return now.Sub(since), last, false
		}
		wait := min(t.opt.PollEvery, deadline.Sub(now))
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// watcher reads the PDUs behind the ATS, each from its own goroutine
// over its own session, until stopped, and keeps the first loss of power
// each shows: no answer (a PDU without power has no network card), an
// uptime that went back (its card rebooted), an inlet phase at 0 V, an
// outlet that was on and is off.
type watcher struct {
	t      *tester
	cancel context.CancelFunc
	wg     sync.WaitGroup
	tick   chan struct{} // a read finished

	names []string // the PDUs watched: those that answered before the test

	mu   sync.Mutex
	lost map[string]string
	last map[string]time.Time // when each PDU's last finished read started
}

func (t *tester) watch(ctx context.Context, base map[string]*pdu.Reading) *watcher {
	ctx, cancel := context.WithCancel(ctx)
	w := &watcher{t: t, cancel: cancel, tick: make(chan struct{}, 1), lost: map[string]string{}, last: map[string]time.Time{}}
	for _, p := range t.downs {
		b := base[p.Name]
		if b == nil {
			continue // not answering before the test (forced): nothing to compare
		}
		tg := t.targetOf(p.Name, p.SNMP)
		tg.Driver = b.Driver
		w.names = append(w.names, p.Name)
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.run(ctx, tg, b)
		}()
	}
	return w
}

func (w *watcher) run(ctx context.Context, tg pdu.Target, base *pdu.Reading) {
	t := w.t
	c, err := t.opt.Dial(tg, t.log)
	if err != nil {
		w.report(tg.Name, t.opt.Now(), fmt.Sprintf("cannot open a session: %v", err))
		return
	}
	defer c.Close()
	for {
		start := t.opt.Now()
		rctx, cancel := context.WithTimeout(ctx, t.opt.Deadline)
		r, err := pdu.Read(rctx, c, tg, start)
		cancel()
		if ctx.Err() != nil {
			return // stopped: a read cut short says nothing
		}
		var lost string
		if err != nil {
			lost = fmt.Sprintf("no answer at %s (%v)", t.since(start), err)
		} else {
			lost = lostPower(base, r)
			if lost != "" {
				lost += " at " + t.since(start)
			}
		}
		w.report(tg.Name, start, lost)
		select {
		case <-ctx.Done():
			return
		case <-time.After(t.opt.PollEvery):
		}
	}
}

func (w *watcher) report(name string, start time.Time, lost string) {
	w.mu.Lock()
	if lost != "" && w.lost[name] == "" {
		w.lost[name] = lost
		w.t.log.Warn("power lost behind the ATS", "pdu", name, "what", lost)
	}
	w.last[name] = start
	w.mu.Unlock()
	select {
	case w.tick <- struct{}{}:
	default:
	}
}

// lostPower compares a reading with the one before the test.
func lostPower(base, r *pdu.Reading) string {
	if base.Uptime != nil && r.Uptime != nil && *r.Uptime+1 < *base.Uptime {
		return fmt.Sprintf("its card rebooted (uptime %.0f s, was %.0f s)", float64(*r.Uptime), float64(*base.Uptime))
	}
	for _, p := range base.Phases {
		if p.Volts == nil || *p.Volts <= 0 {
			continue
		}
		i := slices.IndexFunc(r.Phases, func(q pdu.Phase) bool { return q.Number == p.Number })
		if i >= 0 && r.Phases[i].Volts != nil && *r.Phases[i].Volts < 0.5**p.Volts {
			return fmt.Sprintf("inlet phase L%d at %.0f V, was %.0f V", p.Number, *r.Phases[i].Volts, *p.Volts)
		}
	}
	for _, o := range base.Outlets {
		if o.On == nil || !*o.On {
			continue
		}
		i := slices.IndexFunc(r.Outlets, func(q pdu.Outlet) bool { return q.Number == o.Number })
		if i >= 0 && r.Outlets[i].On != nil && !*r.Outlets[i].On {
			return fmt.Sprintf("outlet %d is off, was on", o.Number)
		}
	}
	return ""
}

// waitRound waits until every watched PDU finished a read that started
// after after, or until until: a transfer is only seen to have kept the
// power on once each PDU was read after it.
func (w *watcher) waitRound(after, until time.Time) {
	for {
		w.mu.Lock()
		done := true
		for _, name := range w.names {
			if !w.last[name].After(after) {
				done = false
			}
		}
		w.mu.Unlock()
		now := w.t.opt.Now()
		if done || !now.Before(until) {
			return
		}
		select {
		case <-w.tick:
		case <-time.After(until.Sub(now)):
		}
	}
}

// stop ends the watch and returns what lost power, by PDU.
func (w *watcher) stop() []string {
	w.cancel()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, name := range w.names {
		if l := w.lost[name]; l != "" {
			out = append(out, name+": "+l)
		}
	}
	return out
}
