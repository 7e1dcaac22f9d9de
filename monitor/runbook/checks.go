package runbook

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"feedplan/inventory"
	"feedplan/monitor/atstest"
	"feedplan/pdu"
	"feedplan/planner"
)

// readAll reads PDUs and ATS units, a few at a time, each on its own
// session.
func (r *runner) readAll(ctx context.Context, names []string) (map[string]*pdu.Reading, map[string]error) {
	rd, errs := map[string]*pdu.Reading{}, map[string]error{}
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(16)
	for _, name := range names {
		g.Go(func() error {
			x, err := r.opt.Power.Read(ctx, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[name] = err
			} else {
				rd[name] = x
			}
			return nil
		})
	}
	_ = g.Wait() // errors are per device
	return rd, errs
}

func (r *runner) shutdownWait() time.Duration {
	if d := time.Duration(r.p.Options.ShutdownWait); d > 0 {
		return d
	}
	return 5 * time.Minute
}

// live reports whether the plan's scenario leaves an outlet powered.
func (r *runner) live(plug string) bool {
	return r.flow.Live(planner.Element{Kind: planner.Outlet, Name: plug})
}

// affected lists the devices with a supply the scenario de-energises.
func (r *runner) affected() []*inventory.Device {
	var out []*inventory.Device
	for _, d := range r.site.Devices {
		for _, p := range d.PSUs {
			if !p.Unplugged() && !r.live(p.String()) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// report collects the lines of a check.
type report struct {
	fails, warns, oks []string
}

func (rep *report) ok(format string, args ...any) {
	rep.oks = append(rep.oks, fmt.Sprintf(format, args...))
}
func (rep *report) warn(format string, args ...any) {
	rep.warns = append(rep.warns, fmt.Sprintf(format, args...))
}
func (rep *report) fail(format string, args ...any) {
	rep.fails = append(rep.fails, fmt.Sprintf(format, args...))
}

// print writes the report and returns the step's result.
func (r *runner) finish(st planner.RunStep, rep *report, fix string) StepResult {
	for _, l := range rep.oks {
		r.say("ok: %s", l)
	}
	for _, l := range rep.warns {
		r.say("WARNING: %s", l)
	}
	for _, l := range rep.fails {
		r.say("FAILED: %s", l)
	}
	e := atstest.Entry{StepID: st.ID, Step: st.Kind, Device: st.Device, Outcome: "ok"}
	res := StepResult{Outcome: Done, Detail: fmt.Sprintf("%d ok", len(rep.oks))}
	switch {
	case len(rep.fails) > 0:
		e.Outcome, e.Detail = "failed", strings.Join(rep.fails, "; ")
		short := rep.fails[0]
		if len(rep.fails) > 1 {
			short = fmt.Sprintf("%d checks failed (above); the first: %s", len(rep.fails), rep.fails[0])
		}
		res = StepResult{Outcome: Failed, Detail: short, Fix: fix, said: true}
	case len(rep.warns) > 0:
		e.Outcome, e.Detail = Warning, strings.Join(rep.warns, "; ")
		res = StepResult{Outcome: Warning, Detail: strings.Join(rep.warns, "; ")}
	default:
		e.Detail = strings.Join(rep.oks, "; ")
	}
	r.audit(e)
	return res
}

// check re-runs the plan's pre-flight from a poll taken now, by the
// planner's own rules (planner.Recheck): every device that keeps running
// on fewer supplies draws on them, every ATS relied on is healthy and
// tested, the surviving side stays below 80 %. It also checks that every
// PDU whose outlets the run switches answers.
func (r *runner) check(ctx context.Context, st planner.RunStep) StepResult {
	rep := &report{}
	var names []string
	for _, p := range r.site.PDUs {
		if p.SNMP != nil {
			names = append(names, p.Name)
		}
	}
	for _, a := range r.site.ATS {
		if a.SNMP != nil {
			names = append(names, a.Name)
		}
	}
	rd, errs := r.readAll(ctx, names)
	if ctx.Err() != nil {
		return StepResult{Outcome: Interrupted, Detail: "interrupted while reading"}
	}
	results := make([]pdu.Result, 0, len(names))
	for _, n := range names {
		results = append(results, pdu.Result{Target: pdu.Target{Name: n}, Reading: rd[n], Err: errs[n]})
	}
	now := r.opt.Now()
	live, _, err := planner.Live(r.site, results, now)
	var checks []planner.Check
	if err == nil {
		checks, err = live.Recheck(r.p, results, now)
	}
	if err != nil {
		rep.fail("evaluating the poll: %v", err)
	}
	for _, c := range checks {
		if c.OK {
			rep.ok("%s %s: %s", c.Name, c.Object, c.Detail)
		} else {
			rep.fail("%s %s: %s (fix: %s)", c.Name, c.Object, c.Detail, c.Fix)
		}
	}
	var switched []string
	for _, s := range r.p.Steps {
		if s.Kind == planner.StepOutletOff || s.Kind == planner.StepOutletOn {
			for _, o := range r.stepOutlets(s) {
				if pl, err := inventory.ParsePlug(o); err == nil && !contains(switched, pl.PDU) {
					switched = append(switched, pl.PDU)
				}
			}
		}
	}
	for _, p := range switched {
		if err := errs[p]; err != nil {
			rep.fail("PDU %s, whose outlets the run switches, does not answer: %v", p, err)
		}
	}
	return r.finish(st, rep, "repair what failed (a dead supply, a loose cord, an ATS input, a load), or change the plan; then resume (or --from the next step to go ahead regardless)")
}

func inputName(a *inventory.ATS, i int) string {
	if a != nil && i >= 0 && i < len(a.Inputs) {
		return fmt.Sprintf("%c (%s)", 'A'+i, a.Inputs[i])
	}
	if i < 0 {
		return "none"
	}
	return fmt.Sprintf("%c", 'A'+i)
}

// poll runs read until it says done or the deadline passes.
func (r *runner) poll(ctx context.Context, wait time.Duration, read func() (done bool)) (done bool, err error) {
	deadline := r.opt.Now().Add(wait)
	for {
		if read() {
			return true, nil
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if !r.opt.Now().Before(deadline) {
			return false, nil
		}
		if err := sleep(ctx, min(r.opt.Poll, max(deadline.Sub(r.opt.Now()), time.Millisecond))); err != nil {
			return false, err
		}
	}
}

// verifyOff waits for a shut-down device's outlets to draw no more than
// OffAmps. An outlet that is not metered cannot prove it: the step then
// asks a person.
func (r *runner) verifyOff(ctx context.Context, st planner.RunStep) StepResult {
	plugs := r.stepOutlets(st)
	off := r.p.Options.OffAmps
	var last []outletState
	unmetered := false
	r.say("reading %s every %v until each draws ≤ %.2f A (up to %v)", strings.Join(plugs, ", "), r.opt.Poll, off, r.shutdownWait())
	done, err := r.poll(ctx, r.shutdownWait(), func() bool {
		last = r.readOutlets(ctx, plugs)
		unmetered = false
		for _, o := range last {
			d, known := o.drawing(off)
			if d || o.err != nil {
				return false
			}
			if !known {
				unmetered = true
			}
		}
		return true
	})
	seen := describe(last)
	if err != nil {
		return StepResult{Outcome: Interrupted, Detail: "interrupted while waiting: " + seen}
	}
	if !done {
		r.audit(atstest.Entry{StepID: st.ID, Step: st.Kind, Device: st.Device, Outcome: "failed", Detail: seen})
		return StepResult{Outcome: Failed, Detail: fmt.Sprintf("%s still draws after %v: %s", st.Device, r.shutdownWait(), seen),
			Fix: fmt.Sprintf("check on its console that %s shut down (or shut it down by hand), then resume", st.Device)}
	}
	if unmetered {
		return r.manual(ctx, st, fmt.Sprintf("these outlets do not meter current (%s): check %s is off (LEDs, console) before its outlets are switched.", seen, st.Device))
	}
	r.say("off: %s", seen)
	r.audit(atstest.Entry{StepID: st.ID, Step: st.Kind, Device: st.Device, Outcome: "ok", Detail: seen})
	return StepResult{Outcome: Done, Detail: seen}
}

func describe(states []outletState) string {
	var s []string
	for _, o := range states {
		s = append(s, o.String())
	}
	return listOr(s)
}

// silentNote says how a PDU that does not answer after the cut counts.
func (r *runner) silentNote(p string) string {
	if pf, ok := r.flow.PDU(p); ok && !pf.Live {
		return "; a PDU that does not answer counts as dark (the plan's scenario de-energises its inlet, and its network card with it)"
	}
	return "; it must answer (the plan's scenario does not de-energise its inlet)"
}

// wantInput is the input an ATS must select once the cut is done: the
// one the scenario leaves live.
func (r *runner) wantInput(a string) (string, int) {
	af, ok := r.flow.ATS(a)
	unit := r.site.ATSUnit(a)
	switch {
	case !ok:
		return "?", -2
	case af.InputLive[0] && !af.InputLive[1]:
		return inputName(unit, 0), 0
	case af.InputLive[1] && !af.InputLive[0]:
		return inputName(unit, 1), 1
	case !af.InputLive[0] && !af.InputLive[1]:
		return "none (both inputs are cut)", -1
	}
	return "either (both inputs stay live)", 2
}

// dark reports whether a PDU reading shows a dead inlet: no current
// above the off threshold and no voltage where it reports one.
func dark(x *pdu.Reading, off float64) (bool, string) {
	var amps float64
	metered, volts := false, false
	for _, ph := range x.Phases {
		if ph.Volts != nil {
			volts = true
			if *ph.Volts >= 10 {
				return false, fmt.Sprintf("L%d at %.0f V", ph.Number, *ph.Volts)
			}
		}
		if ph.Amps != nil {
			metered = true
			amps += *ph.Amps
		}
	}
	if !metered {
		for _, o := range x.Outlets {
			if o.Amps != nil {
				metered = true
				amps += *o.Amps
			}
		}
	}
	switch {
	case metered && amps > off:
		return false, fmt.Sprintf("%.2f A", amps)
	case volts:
		return true, fmt.Sprintf("0 V, %.2f A", amps)
	case !metered:
		return false, "answers, and reports neither current nor voltage"
	}
	// Its devices were shut down before the cut: no current is no proof.
	return false, fmt.Sprintf("%.2f A but no voltage reading: with its devices already off, 0 A does not show its inlet is dead (check with a meter, then resume --from the next step)", amps)
}

// verifyCut checks that the cut really happened: the PDUs read dark and
// every ATS selects its surviving input. It reads until that holds or
// ShutdownWait passes: a technician may confirm a moment early.
func (r *runner) verifyCut(ctx context.Context, st planner.RunStep) StepResult {
	var rep *report
	wait := min(r.shutdownWait(), time.Minute)
	_, err := r.poll(ctx, wait, func() bool {
		rep = &report{}
		rd, errs := r.readAll(ctx, append(append([]string(nil), st.PDUs...), st.ATS...))
		for _, p := range st.PDUs {
			if err := errs[p]; err != nil {
				if pf, ok := r.flow.PDU(p); ok && !pf.Live {
					rep.ok("PDU %s does not answer: counted as dark (the plan's scenario de-energises its inlet) — %v", p, err)
				} else {
					rep.fail("PDU %s does not answer, and the plan's scenario does not de-energise its inlet: cannot tell it is dark (%v)", p, err)
				}
				continue
			}
			if d, why := dark(rd[p], r.p.Options.OffAmps); d {
				rep.ok("PDU %s is dark: %s", p, why)
			} else {
				rep.fail("PDU %s is not dark: %s", p, why)
			}
		}
		for _, a := range st.ATS {
			name, want := r.wantInput(a)
			if err := errs[a]; err != nil {
				rep.fail("ATS %s does not answer: %v", a, err)
				continue
			}
			x := rd[a].ATS
			switch {
			case x == nil:
				rep.fail("ATS %s: the reading has no ATS state", a)
			case want >= 0 && want <= 1 && x.Selected != want:
				rep.fail("ATS %s is on input %s; it must be on %s", a, inputName(r.site.ATSUnit(a), x.Selected), name)
			default:
				rep.ok("ATS %s is on input %s", a, inputName(r.site.ATSUnit(a), x.Selected))
			}
		}
		return len(rep.fails) == 0
	})
	if err != nil {
		return StepResult{Outcome: Interrupted, Detail: "interrupted while reading"}
	}
	return r.finish(st, rep, "check the right elements were opened (labels, panel schedule); if the cut is wrong, restore at once. Resume when the PDUs read dark.")
}

// verifyPower waits for the restored PDUs to answer with a live inlet,
// and the ATS units to see both inputs again.
func (r *runner) verifyPower(ctx context.Context, st planner.RunStep) StepResult {
	var rep *report
	_, err := r.poll(ctx, r.opt.PowerWait, func() bool {
		rep = &report{}
		rd, errs := r.readAll(ctx, append(append([]string(nil), st.PDUs...), st.ATS...))
		for _, p := range st.PDUs {
			switch {
			case errs[p] != nil:
				rep.fail("PDU %s does not answer: %v", p, errs[p])
			default:
				if d, why := dark(rd[p], r.p.Options.OffAmps); d && hasVolts(rd[p]) {
					rep.fail("PDU %s answers but its inlet is dark: %s", p, why)
				} else {
					rep.ok("PDU %s is live: %s", p, why)
				}
			}
		}
		for _, a := range st.ATS {
			if errs[a] != nil {
				rep.fail("ATS %s does not answer: %v", a, errs[a])
				continue
			}
			x := rd[a].ATS
			if x == nil || x.InputOK[0] == nil || x.InputOK[1] == nil || !*x.InputOK[0] || !*x.InputOK[1] {
				rep.fail("ATS %s does not see both inputs OK yet", a)
				continue
			}
			rep.ok("ATS %s sees both inputs OK (on input %s)", a, inputName(r.site.ATSUnit(a), x.Selected))
		}
		return len(rep.fails) == 0
	})
	if err != nil {
		return StepResult{Outcome: Interrupted, Detail: "interrupted while reading"}
	}
	return r.finish(st, rep, "check the breakers are closed and the PDUs' network cards have booted (a minute or two), then resume")
}

func hasVolts(x *pdu.Reading) bool {
	for _, ph := range x.Phases {
		if ph.Volts != nil {
			return true
		}
	}
	return false
}

// watchPDUs are the PDUs a watch step reads: its own, else the live PDUs
// that carry the affected devices' surviving supplies.
func (r *runner) watchPDUs(st planner.RunStep) []string {
	if len(st.PDUs) > 0 {
		return st.PDUs
	}
	var out []string
	for _, d := range r.affected() {
		for _, p := range d.PSUs {
			if !p.Unplugged() && r.live(p.String()) && !contains(out, p.PDU) {
				out = append(out, p.PDU)
			}
		}
	}
	sort.Strings(out)
	return out
}

// watch reads the surviving side once: every phase below 80 % of its
// rating. Above is a warning (the technician decides), not a stop.
func (r *runner) watch(ctx context.Context, st planner.RunStep) StepResult {
	rep := &report{}
	names := r.watchPDUs(st)
	rd, errs := r.readAll(ctx, names)
	if ctx.Err() != nil {
		return StepResult{Outcome: Interrupted, Detail: "interrupted while reading"}
	}
	for _, p := range names {
		if errs[p] != nil {
			rep.warn("PDU %s does not answer: %v", p, errs[p])
			continue
		}
		inv := r.site.PDU(p)
		worst, at := 0.0, ""
		for _, ph := range rd[p].Phases {
			rating := 0.0
			if ph.RatedAmps != nil {
				rating = *ph.RatedAmps
			} else if inv != nil {
				rating = inv.Amps
			}
			if ph.Amps == nil || rating <= 0 {
				continue
			}
			if s := *ph.Amps / rating; s > worst {
				worst, at = s, fmt.Sprintf("L%d %.1f A of %.0f A", ph.Number, *ph.Amps, rating)
			}
		}
		switch {
		case at == "":
			rep.ok("PDU %s answers (no phase current against a rating)", p)
		case worst >= 0.8:
			rep.warn("PDU %s at %.0f %% (%s): above 80 %%, watch it and keep the window short", p, worst*100, at)
		default:
			rep.ok("PDU %s at %.0f %% (%s)", p, worst*100, at)
		}
	}
	return r.finish(st, rep, "")
}

// verifyOn waits for a device to draw again on its outlets, every one of
// them on.
func (r *runner) verifyOn(ctx context.Context, st planner.RunStep) StepResult {
	plugs := r.stepOutlets(st)
	off := r.p.Options.OffAmps
	var last []outletState
	unmetered := false
	r.say("reading %s every %v until %s draws > %.2f A (up to %v)", strings.Join(plugs, ", "), r.opt.Poll, st.Device, off, r.opt.PowerWait)
	done, err := r.poll(ctx, r.opt.PowerWait, func() bool {
		last = r.readOutlets(ctx, plugs)
		total, metered := 0.0, false
		unmetered = false
		for _, o := range last {
			if o.err != nil || o.on != nil && !*o.on {
				return false
			}
			if o.amps == nil {
				unmetered = true
				continue
			}
			metered = true
			total += *o.amps
		}
		return !metered || total > off
	})
	seen := describe(last)
	if err != nil {
		return StepResult{Outcome: Interrupted, Detail: "interrupted while waiting: " + seen}
	}
	if !done {
		r.audit(atstest.Entry{StepID: st.ID, Step: st.Kind, Device: st.Device, Outcome: "failed", Detail: seen})
		return StepResult{Outcome: Failed, Detail: fmt.Sprintf("%s does not draw after %v: %s", st.Device, r.opt.PowerWait, seen),
			Fix: fmt.Sprintf("start %s (power button, IPMI) and check its outlets are on, then resume", st.Device)}
	}
	if unmetered {
		return r.manual(ctx, st, fmt.Sprintf("some outlets do not meter current (%s): check %s runs.", seen, st.Device))
	}
	r.say("on: %s", seen)
	r.audit(atstest.Entry{StepID: st.ID, Step: st.Kind, Device: st.Device, Outcome: "ok", Detail: seen})
	return StepResult{Outcome: Done, Detail: seen}
}

// postDevices are the devices a post-check covers: its own, else every
// device the plan shut down or whose supplies the scenario cut.
func (r *runner) postDevices(st planner.RunStep) []string {
	if st.Device != "" {
		return []string{st.Device}
	}
	var out []string
	if len(st.Outlets) > 0 {
		for _, o := range st.Outlets {
			if d := r.plugOf[o]; d != "" && !contains(out, d) {
				out = append(out, d)
			}
		}
		return out
	}
	for _, d := range r.p.PowerDown {
		out = append(out, d.Device)
	}
	for _, d := range r.affected() {
		if !contains(out, d.Name) {
			out = append(out, d.Name)
		}
	}
	return out
}

// postCheck reads every supply of the devices: each must be on, its PDU
// live, and drawing (where metered): redundancy is back.
func (r *runner) postCheck(ctx context.Context, st planner.RunStep) StepResult {
	rep := &report{}
	devices := r.postDevices(st)
	var plugs []string
	for _, d := range devices {
		plugs = append(plugs, r.devicePlugs(d)...)
	}
	states := r.readOutlets(ctx, plugs)
	if ctx.Err() != nil {
		return StepResult{Outcome: Interrupted, Detail: "interrupted while reading"}
	}
	off := r.p.Options.OffAmps
	rd, errs := r.readAll(ctx, st.PDUs)
	for _, p := range st.PDUs {
		if errs[p] != nil {
			rep.fail("PDU %s does not answer: %v", p, errs[p])
		} else if d, why := dark(rd[p], off); d && hasVolts(rd[p]) {
			rep.fail("PDU %s is dark: %s", p, why)
		}
	}
	byPlug := map[string]outletState{}
	for _, s := range states {
		byPlug[s.plug] = s
	}
	for _, d := range devices {
		var bad, seen []string
		for _, p := range r.devicePlugs(d) {
			s := byPlug[p]
			seen = append(seen, s.String())
			switch d, known := s.drawing(off); {
			case s.err != nil, s.on != nil && !*s.on, known && !d:
				bad = append(bad, s.String())
			}
		}
		if len(bad) > 0 {
			rep.fail("%s has not got its redundancy back: %s", d, strings.Join(bad, ", "))
		} else {
			rep.ok("%s: %s", d, listOr(seen))
		}
	}
	return r.finish(st, rep, "look at the supplies named (a PSU that stays dark, an outlet still off, a cord), repair, then resume")
}
