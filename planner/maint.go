package planner

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
)

// PlanRequest is what a maintenance plan is made from: the scenario (what
// is de-energised during the window), the window, and a poll of the
// site taken now for the pre-flight checks.
type PlanRequest struct {
	Scenario Scenario
	Start    time.Time
	End      time.Time
	Loc      *time.Location // the zone the runbook is shown in

	// Extra lists devices to shut down for the window although they keep
	// power (the operator's choice).
	Extra []string
	// AcceptOutages lists services whose outage the operator accepts: they
	// are still listed, but do not make the plan a no-go.
	AcceptOutages []string

	// Readings is a poll of the site taken now. With SkipPreflight set
	// the plan is made without one, and says that it was.
	Readings      []pdu.Result
	SkipPreflight bool

	// MaxTestAge is how recent an ATS's passed switchover test must be
	// (at the window's start) for the plan to rely on it; default 365 days.
	MaxTestAge time.Duration
	// ATSTests are newer switchover test results than the inventory's
	// (from the monitor's store), by ATS name.
	ATSTests map[string]inventory.ATSTest

	Settings PlanSettings
	SiteFile string
	SiteSHA  string
	Now      time.Time
}

// Defaults of PlanSettings.
const (
	DefaultStagger      = 30 * time.Second
	DefaultShutdownWait = 5 * time.Minute
	DefaultOffAmps      = 0.1
	DefaultSettleAfter  = 30 * time.Minute
	DefaultReleaseRate  = 600 // messages per minute
	DefaultLifetime     = 5 * 24 * time.Hour
	DefaultMaxTestAge   = 365 * 24 * time.Hour // an ATS relied on passed a switchover test this recently
	// preflightLead is how long before the window the pre-flight runs.
	preflightLead = 30 * time.Minute
)

func (s *PlanSettings) defaults() {
	if s.Stagger <= 0 {
		s.Stagger = Duration(DefaultStagger)
	}
	if s.ShutdownWait <= 0 {
		s.ShutdownWait = Duration(DefaultShutdownWait)
	}
	if s.OffAmps <= 0 {
		s.OffAmps = DefaultOffAmps
	}
	if s.SettleAfter <= 0 {
		s.SettleAfter = Duration(DefaultSettleAfter)
	}
	if s.ReleaseRate <= 0 {
		s.ReleaseRate = DefaultReleaseRate
	}
}

// NoGo reports whether the plan must not go ahead as it is: a pre-flight
// check failed, or a service cannot keep its minimum.
func (p *Plan) NoGo() bool {
	for _, c := range p.Preflight.Checks {
		if !c.OK {
			return true
		}
	}
	for _, o := range p.Outages {
		if !o.Accepted {
			return true
		}
	}
	return false
}

// planner holds the work of one Plan call.
type maint struct {
	e      *Evaluator
	g      *Graph
	req    *PlanRequest
	p      *Plan
	s      *state  // the window: the scenario evaluated
	first  *state  // what the cut itself darkens, before anything trips
	res    *Result // and its report
	down   map[int]string
	shed   map[int]bool // devices that draw nothing during the window
	pre    *state       // pretrip, once asked for
	spares []int        // spare, once asked for
}

// Plan makes the runbook for a maintenance window.
func (e *Evaluator) Plan(req PlanRequest) (*Plan, error) {
	if req.Loc == nil {
		req.Loc = time.UTC
	}
	if !req.End.After(req.Start) {
		return nil, fmt.Errorf("the window ends (%s) before it starts (%s)", req.End.In(req.Loc).Format(time.DateTime), req.Start.In(req.Loc).Format(time.DateTime))
	}
	if len(req.Scenario.Cut) == 0 && len(req.Extra) == 0 {
		return nil, errors.New("nothing to plan: say what is cut (--cut) or which devices to shut down (--shutdown)")
	}
	if req.MaxTestAge <= 0 {
		req.MaxTestAge = DefaultMaxTestAge
	}
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	m, err := e.newMaint(req)
	if err != nil {
		return nil, err
	}
	req = *m.req
	if err := m.powerDown(); err != nil {
		return nil, err
	}
	if err := m.outages(); err != nil {
		return nil, err
	}
	shutDown := map[string]bool{}
	for _, pd := range m.p.PowerDown {
		shutDown[pd.Device] = true
	}
	for _, r := range m.res.Redundancy {
		if !shutDown[r.Device] {
			m.p.AtRisk = append(m.p.AtRisk, AtRisk{Device: r.Device, Live: r.Live, Min: r.Min, Lost: joinLosses(r.Lost)})
		}
	}
	m.preflight()
	if err := m.jobs(); err != nil {
		return nil, err
	}
	m.runbook()
	if req.Start.Before(req.Now) {
		m.p.Warnings = append(m.p.Warnings, fmt.Sprintf("the window starts in the past (%s)", m.when(req.Start)))
	}
	m.p.Preflight.Go = !m.p.Preflight.Skipped
	for _, c := range m.p.Preflight.Checks {
		if !c.OK {
			m.p.Preflight.Go = false
			m.p.Reasons = append(m.p.Reasons, c.Object+": "+c.Detail)
		}
	}
	for _, o := range m.p.Outages {
		if !o.Accepted {
			m.p.Reasons = append(m.p.Reasons, fmt.Sprintf("service %s %s during the window (%d running, %d needed)", o.Service, o.Status, o.Running, o.Min))
		}
	}
	switch {
	case m.p.NoGo():
		m.p.Verdict = VerdictNoGo
	case m.p.Preflight.Skipped:
		m.p.Verdict = VerdictNotChecked
	default:
		m.p.Verdict = VerdictGo
	}
	return m.p, nil
}

// newMaint evaluates the window as it will be: the scenario with the
// devices that lose power (and the operator's) shut down first.
func (e *Evaluator) newMaint(req PlanRequest) (*maint, error) {
	req.Settings.defaults()
	g := e.g
	// A switchover test newer than the inventory's decides, under
	// as-tested, whether the ATS transfers.
	for _, name := range slices.Sorted(maps.Keys(req.ATSTests)) {
		t, a := req.ATSTests[name], g.Site.ATSUnit(name)
		_, set := req.Scenario.ATSUnit[name]
		if a == nil || set || req.Scenario.ATS != AsTested || a.Test != nil && t.Date < a.Test.Date {
			continue
		}
		units := maps.Clone(req.Scenario.ATSUnit)
		if units == nil {
			units = map[string]ATSMode{}
		}
		units[name] = Fails
		if t.Passed() {
			units[name] = Works
		}
		req.Scenario.ATSUnit = units
	}
	// The window as it will be: first, what the cut itself darkens (before
	// anything trips); those devices, and the operator's, are shut down
	// and draw nothing; then the scenario again, cascade and all, with
	// that load gone. A controlled power-down can spare the surviving
	// side a trip that the same devices left running would cause.
	first := newState(g)
	if err := e.failNodes(first, &req.Scenario); err != nil {
		return nil, err
	}
	g.energize(first, &req.Scenario, e.l)
	g.draw(first, e.l)
	lw := e.l.Clone()
	shed := map[int]bool{}
	for di := range g.devices {
		if e.base.running[di] && !first.running[di] {
			shed[di] = true
		}
	}
	var errs []error
	for _, name := range req.Extra {
		di, err := g.deviceIndex(name)
		if err != nil {
			if best := inventory.Closest(name, slices.Values(deviceNames(g))); best != "" {
				err = fmt.Errorf("%w (did you mean %s?)", err, best)
			}
			errs = append(errs, fmt.Errorf("--shutdown: %w", err))
			continue
		}
		shed[di] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for di := range shed {
		lw.devW[di] = 0
	}
	w := &Evaluator{g: g, l: lw, base: e.base, baseSteps: e.baseSteps}
	s := newState(g)
	if err := w.failNodes(s, &req.Scenario); err != nil {
		return nil, err
	}
	steps := g.run(s, &req.Scenario, lw)
	m := &maint{e: w, g: g, req: &req, s: s, first: first, res: w.report(s, &req.Scenario, steps), down: map[int]string{}, shed: shed}
	m.p = &Plan{
		Version: PlanVersion, Site: g.Site.Name, SiteFile: req.SiteFile, SiteSHA: req.SiteSHA,
		Created: req.Now.UTC().Truncate(time.Second), Scenario: req.Scenario,
		Window:  PlanWindow{Start: req.Start, End: req.End, TZ: req.Loc.String()},
		Outages: []Outage{}, Reasons: []string{}, AtRisk: []AtRisk{}, Warnings: []string{}, Jobs: []JobDeferral{}, Queues: []QueuePlan{},
		PowerDown: []PowerDown{}, Steps: []RunStep{}, Options: req.Settings, ATSTests: req.ATSTests,
	}
	return m, nil
}

const chosenWhy = "chosen by the operator"

// Recheck runs a saved plan's pre-flight checks again from a poll taken
// now (the evaluator's loads should come from the same poll: see Live):
// the surviving supplies draw, the ATS units relied on are healthy and
// tested, the surviving side stays below 80 %. 'plan run' calls it at its
// check step, so that the night's go rests on the same rules as the
// plan's.
func (e *Evaluator) Recheck(p *Plan, readings []pdu.Result, now time.Time) ([]Check, error) {
	req := PlanRequest{Scenario: p.Scenario, Start: now, End: now.Add(time.Hour), Loc: time.UTC, Readings: readings,
		MaxTestAge: DefaultMaxTestAge, ATSTests: p.ATSTests, Settings: p.Options, Now: now}
	for _, pd := range p.PowerDown {
		if pd.Chosen {
			req.Extra = append(req.Extra, pd.Device)
		}
	}
	m, err := e.newMaint(req)
	if err != nil {
		return nil, err
	}
	if err := m.powerDown(); err != nil {
		return nil, err
	}
	m.preflight()
	return m.p.Preflight.Checks, nil
}

// Live is the site evaluated from a poll (see Evaluator.Live), starting
// from nameplate × the site's utilisation.
func Live(site *inventory.Site, readings []pdu.Result, now time.Time) (*Evaluator, *LiveLoads, error) {
	g := NewGraph(site)
	return NewEvaluator(g, g.NewLoads(nil, site.Utilisation)).Live(readings, now)
}

// powerDown picks the devices to shut down — every running device that
// would lose power, and the operator's — and orders them in waves:
// dependents before what they depend on.
func (m *maint) powerDown() error {
	g, b := m.g, m.e.base
	for _, d := range m.res.Down {
		di, _ := g.deviceIndex(d.Device)
		m.down[di] = "would lose power: " + joinLosses(d.Reasons)
	}
	for _, name := range m.req.Extra {
		di, _ := g.deviceIndex(name)
		if !b.running[di] {
			m.p.Warnings = append(m.p.Warnings, fmt.Sprintf("%s is already without power (not shut down by the plan)", name))
			continue
		}
		if _, ok := m.down[di]; !ok {
			m.down[di] = chosenWhy
		}
	}
	height := g.serviceHeights()
	top := 0
	for _, h := range height {
		top = max(top, h)
	}
	// A device's height is its highest service's; a device that serves
	// nothing the inventory names goes last: something unlisted may need it.
	devHeight := func(di int) int {
		if len(g.devSvc[di]) == 0 {
			return top + 1
		}
		h := 0
		for _, sv := range g.devSvc[di] {
			h = max(h, height[sv])
		}
		return h
	}
	var heights []int
	for di := range m.down {
		heights = append(heights, devHeight(di))
	}
	slices.Sort(heights)
	heights = slices.Compact(heights)
	for di, why := range m.down {
		d := g.devices[di].dev
		pd := PowerDown{Device: d.Name, Wave: slices.Index(heights, devHeight(di)) + 1, Why: why, Chosen: why == chosenWhy, Services: d.Services, Shutdown: d.Shutdown, Outlets: []string{}}
		for _, pl := range d.PSUs {
			if !pl.Unplugged() {
				pd.Outlets = append(pd.Outlets, pl.String())
			}
		}
		m.p.PowerDown = append(m.p.PowerDown, pd)
	}
	slices.SortFunc(m.p.PowerDown, func(a, b PowerDown) int {
		return cmp.Or(cmp.Compare(a.Wave, b.Wave), strings.Compare(a.Device, b.Device))
	})
	return nil
}

func deviceNames(g *Graph) []string {
	names := make([]string, len(g.devices))
	for i := range g.devices {
		names[i] = g.devices[i].dev.Name
	}
	return names
}

// serviceHeights returns, per service, how many levels of services depend
// on it: 0 for one nothing depends on. Shutting down by rising height
// stops dependents before what they depend on; powering up by falling
// height starts dependencies first. (The inventory refuses cycles.)
func (g *Graph) serviceHeights() []int {
	h := make([]int, len(g.services))
	for changed := true; changed; {
		changed = false
		for si := range g.services {
			for _, dep := range g.services[si].deps {
				if h[dep] < h[si]+1 {
					h[dep], changed = h[si]+1, true
				}
			}
		}
	}
	return h
}

// outages names the services that cannot keep their minimum through the
// window, with why.
func (m *maint) outages() error {
	g := m.g
	var errs []error
	for _, name := range m.req.AcceptOutages {
		if g.Site.Service(name) == nil {
			errs = append(errs, fmt.Errorf("--accept-outage: service %q is not in site %q", name, g.Site.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, im := range g.serviceImpact(m.e.base, m.during()) {
		switch im.Status {
		case "below-min", "down", "impaired":
		default:
			continue
		}
		o := Outage{Service: im.Service, Status: im.Status, Running: im.After, Min: im.Min, Reason: im.Cause, Accepted: slices.Contains(m.req.AcceptOutages, im.Service)}
		if o.Reason == "" {
			si := slices.IndexFunc(g.services, func(s svcNode) bool { return s.svc.Name == im.Service })
			var lost []string
			for _, di := range g.services[si].members {
				if why, ok := m.down[int(di)]; ok && m.e.base.running[di] {
					lost = append(lost, g.devices[di].dev.Name+" ("+strings.TrimPrefix(why, "would lose power: ")+")")
				}
			}
			o.Reason = fmt.Sprintf("%d of %d members run during the window, %d needed; shut down: %s", im.After, im.Members, im.Min, strings.Join(lost, "; "))
		}
		m.p.Outages = append(m.p.Outages, o)
	}
	return nil
}

// preflight checks what must hold before anything is touched. The load
// and ATS-test checks need no readings; the others read the poll.
func (m *maint) preflight() {
	pf := &m.p.Preflight
	pf.Checks = []Check{}
	pf.Skipped = m.req.SkipPreflight
	m.loadChecks()
	m.atsChecks()
	if !pf.Skipped {
		pf.Polled = m.req.Now.UTC().Truncate(time.Second).Format(time.RFC3339)
		m.survivorChecks()
	}
	// Go and the verdict are decided at the end of Plan, once the job and
	// window checks are in too.
}

// loadChecks: the surviving side stays below 80 % of every rating, and
// nothing trips.
func (m *maint) loadChecks() {
	pf := &m.p.Preflight
	n := 0
	for _, st := range m.res.Cascade {
		for _, t := range st.Tripped {
			fix := "shut down load behind it for the window"
			if st.N == 1 {
				fix = m.shedFix(t.Element)
			}
			pf.Checks = append(pf.Checks, Check{Name: "surviving-load", Object: t.Element.String(), Detail: fmt.Sprintf("would trip: %.1f A > %g A (cascade step %d)", t.Amps, t.Rating, st.N), Fix: fix})
			n++
		}
	}
	for _, el := range m.res.Elements {
		if el.Status != "warn" {
			continue
		}
		pf.Checks = append(pf.Checks, Check{Name: "surviving-load", Object: el.Element.String(), Detail: fmt.Sprintf("would carry %.1f A of %g A (%.0f %%), above the 80 %% continuous-load limit", el.After, el.Rating, 100*el.Share()),
			Fix: m.shedFix(el.Element)})
		n++
	}
	if n == 0 {
		worst := "nothing on the surviving side changes load"
		for _, el := range m.res.Elements {
			if el.Status == "ok" && el.After > el.Before {
				worst = fmt.Sprintf("the most loaded is %s at %.1f A of %g A (%.0f %%)", el.Element, el.After, el.Rating, 100*el.Share())
				break
			}
		}
		src := "nameplate × utilisation"
		if m.e.l.Measured > 0 {
			src = fmt.Sprintf("measured loads of %d devices", m.e.l.Measured)
		}
		pf.Checks = append(pf.Checks, Check{Name: "surviving-load", Object: "surviving side", OK: true, Detail: "every rating stays below 80 % (" + src + "); " + worst})
	}
}

// testOf returns the newest switchover test of an ATS.
func (m *maint) testOf(a *inventory.ATS) *inventory.ATSTest {
	t := a.Test
	if nt, ok := m.req.ATSTests[a.Name]; ok && (t == nil || nt.Date >= t.Date) {
		t = &nt
	}
	return t
}

// atsChecks: each ATS relied on passed a recent switchover test and, now,
// runs on a healthy input with its other input healthy too.
func (m *maint) atsChecks() {
	pf := &m.p.Preflight
	atsRead := map[string]*pdu.Result{}
	for i := range m.req.Readings {
		r := &m.req.Readings[i]
		atsRead[r.Target.Name] = r
	}
	for _, t := range m.res.Transfers {
		if !t.Relied {
			continue
		}
		a := m.g.Site.ATSUnit(t.ATS)
		obj := "ats:" + a.Name
		test := m.testOf(a)
		c := Check{Name: "ats-tested", Object: obj, Fix: fmt.Sprintf("run 'feedplan ats-test SITE %s --execute' before the window, or shut down what it feeds", a.Name)}
		switch date, err := time.Parse(time.DateOnly, dateOf(test)); {
		case test == nil:
			c.Detail = "never tested, and the window relies on it transferring to " + t.To
		case !test.Passed():
			c.Detail = fmt.Sprintf("last switchover test %s on %s; the window relies on it transferring to %s", test.Result, test.Date, t.To)
		case err == nil && m.req.Start.Sub(date) > m.req.MaxTestAge:
			c.Detail = fmt.Sprintf("last passed test %s is older than %d days at the window's start", test.Date, int(m.req.MaxTestAge.Hours()/24))
		default:
			c.OK, c.Fix = true, ""
			c.Detail = fmt.Sprintf("passed %s; transfers %s → %s", test.Date, t.From, t.To)
		}
		pf.Checks = append(pf.Checks, c)
		if m.req.SkipPreflight {
			continue
		}
		h := Check{Name: "ats-healthy", Object: obj}
		r := atsRead[a.Name]
		switch {
		case r == nil || r.Err != nil || r.Reading == nil || r.Reading.ATS == nil:
			h.Detail = "did not answer the poll: its inputs cannot be confirmed"
			if r != nil && r.Err != nil {
				h.Detail = "did not answer the poll (" + r.Err.Error() + "): its inputs cannot be confirmed"
			}
			h.Fix = "check its network card and SNMP settings, then plan again"
		default:
			h.OK, h.Detail, h.Fix = atsHealthy(a, r.Reading.ATS, t.To)
		}
		pf.Checks = append(pf.Checks, h)
	}
}

func dateOf(t *inventory.ATSTest) string {
	if t == nil {
		return ""
	}
	return t.Date
}

// atsHealthy judges an ATS's reading: on a healthy input, the input it
// must transfer to healthy too, no over-current.
func atsHealthy(a *inventory.ATS, r *pdu.ATS, to string) (ok bool, detail, fix string) {
	other := slices.Index(a.Inputs, to)
	var bad []string
	if r.Selected >= 0 && r.Selected < 2 && r.InputOK[r.Selected] != nil && !*r.InputOK[r.Selected] {
		bad = append(bad, "the input it runs on ("+a.Inputs[r.Selected]+") reports a fault")
	}
	if other >= 0 && r.InputOK[other] != nil && !*r.InputOK[other] {
		bad = append(bad, "the input it must transfer to ("+to+") reports a fault")
	}
	if other >= 0 && r.Selected == other {
		bad = append(bad, "it already runs on "+to+", the input the window leaves it")
	}
	if r.OverCurrent != nil && *r.OverCurrent {
		bad = append(bad, "it reports over-current")
	}
	if r.SwitchOK != nil && !*r.SwitchOK {
		bad = append(bad, "it reports its switch faulty")
	}
	if len(bad) > 0 {
		return false, strings.Join(bad, "; "), "fix the input or the ATS before the window, or shut down what it feeds"
	}
	on := "input " + strconv.Itoa(r.Selected+1)
	if r.Selected >= 0 && r.Selected < 2 {
		on = a.Inputs[r.Selected]
	}
	return true, fmt.Sprintf("on %s, both inputs healthy, no over-current", on), ""
}

// survivorChecks: every device that keeps running through the window on
// fewer supplies draws current on those supplies right now. A dead supply
// is found tonight, not during the cut.
func (m *maint) survivorChecks() {
	g, s, b := m.g, m.s, m.e.base
	pf := &m.p.Preflight
	read := map[string]*pdu.Result{}
	for i := range m.req.Readings {
		r := &m.req.Readings[i]
		read[r.Target.Name] = r
	}
	confirmed, unmetered := 0, 0
	silentPDU := map[string]bool{}
	chosen := map[string]bool{}
	for _, name := range m.req.Extra {
		chosen[name] = true
	}
	for di := range g.devices {
		d := &g.devices[di]
		if !b.running[di] || chosen[d.dev.Name] {
			continue
		}
		// Only devices that lose an outlet in the window depend on the
		// others; a device about to lose its last one (a dead partner) is
		// exactly what this check is for.
		touched := false
		for p := d.psu0; p < d.psu0+d.npsu; p++ {
			if o := g.psuOut[p]; o >= 0 && b.live[o] && !s.live[o] {
				touched = true
			}
		}
		if !touched {
			continue
		}
		var bad []string
		metered, surviving := true, 0
		for k, pl := range d.dev.PSUs {
			o := g.psuOut[d.psu0+int32(k)]
			if o < 0 || !s.live[o] {
				continue // not a surviving supply
			}
			surviving++
			r := read[pl.PDU]
			switch {
			case r == nil || r.Err != nil || r.Reading == nil:
				if !silentPDU[pl.PDU] {
					silentPDU[pl.PDU] = true
					pf.Checks = append(pf.Checks, Check{Name: "survivor-draws", Object: "pdu:" + pl.PDU, Detail: "did not answer the poll: the supplies on it cannot be confirmed",
						Fix: "check the PDU's network card and SNMP settings, then plan again"})
				}
				metered = false
				continue
			}
			out := r.Reading.Outlet(pl.Outlet)
			switch {
			case out != nil && out.On != nil && !*out.On:
				bad = append(bad, fmt.Sprintf("psu%d on %s: the outlet is switched off", k+1, pl))
			case out != nil && out.Amps != nil && *out.Amps < silentAmps:
				bad = append(bad, fmt.Sprintf("psu%d on %s draws %.2f A while its device runs", k+1, pl, *out.Amps))
			case out == nil || out.Amps == nil:
				metered = false
			}
		}
		fix := "reseat or replace the supply (or switch the outlet on) and plan again, or shut the device down for the window (--shutdown " + d.dev.Name + ")"
		if _, off := m.down[di]; off {
			fix = "the plan shuts " + d.dev.Name + " down for the window because of it; reseat or replace the supply before power-up, or the post-checks fail (--shutdown " + d.dev.Name + " acknowledges it)"
		}
		switch {
		case surviving == 0:
			continue // nothing survives to check: it is shut down for the window
		case len(bad) > 0:
			pf.Checks = append(pf.Checks, Check{Name: "survivor-draws", Object: d.dev.Name, Detail: strings.Join(bad, "; ") + ": it would go dark at the cut", Fix: fix})
		case metered:
			confirmed++
		default:
			unmetered++
		}
	}
	detail := fmt.Sprintf("%s that keep running on fewer supplies draw current on them now", plural(confirmed, "device", "devices"))
	if unmetered > 0 {
		detail += fmt.Sprintf("; %d more sit on outlets the PDU does not meter (outlets on, not confirmed by current)", unmetered)
	}
	pf.Checks = append(pf.Checks, Check{Name: "survivor-draws", Object: "surviving supplies", OK: true, Detail: detail})
}

// jobs finds the scheduled jobs that would run on an affected device or
// service during the window. Affected are the devices shut down, the
// services not at full strength, and the devices of services that depend
// on those (a newsletter run while its mail relays are halved is the
// evening's mailing sent late, or bounced).
func (m *maint) jobs() error {
	g := m.g
	aff := Affected{Devices: map[string]string{}, Services: map[string]string{}}
	for di, why := range m.down {
		aff.Devices[g.devices[di].dev.Name] = "shut down for the window (" + strings.TrimPrefix(why, "would lose power: ") + ")"
	}
	// A service with no member to spare makes the services that depend on
	// it, at any depth, affected too; root says which one.
	root := map[int32]string{}
	for _, im := range g.serviceImpact(m.e.base, m.during()) {
		if im.Status == "ok" {
			continue
		}
		st := fmt.Sprintf("%s (%d of %d running, min %d)", im.Status, im.After, im.Members, im.Min)
		if im.Cause != "" {
			st = im.Status + " (" + im.Cause + ")"
		}
		aff.Services[im.Service] = st
		if im.After <= im.Min {
			si := int32(slices.IndexFunc(g.services, func(s svcNode) bool { return s.svc.Name == im.Service }))
			root[si] = im.Service + ", " + st
		}
	}
	dependsOn := map[int32]string{}
	for changed := true; changed; {
		changed = false
		for si := range g.services {
			if _, ok := dependsOn[int32(si)]; ok {
				continue
			}
			for _, dep := range g.services[si].deps {
				why, ok := root[dep]
				if !ok {
					why, ok = dependsOn[dep]
				}
				if ok {
					dependsOn[int32(si)], changed = why, true
					break
				}
			}
		}
	}
	for di := range g.devices {
		d := g.devices[di].dev
		if _, ok := aff.Devices[d.Name]; ok {
			continue
		}
		for _, si := range g.devSvc[di] {
			if why, ok := dependsOn[si]; ok {
				aff.Devices[d.Name] = "running " + g.services[si].svc.Name + ", which depends on " + why
				break
			}
		}
	}
	jobs, err := DeferJobs(g.Site, Window{Start: m.req.Start, End: m.req.End, Loc: m.req.Loc}, aff, DeferOptions{Settle: time.Duration(m.req.Settings.SettleAfter)})
	if err != nil {
		return err
	}
	m.p.Jobs = append(m.p.Jobs, jobs...)
	for _, j := range jobs {
		if j.Conflict {
			m.p.Preflight.Checks = append(m.p.Preflight.Checks, Check{Name: "job-conflict", Object: "job:" + j.Job, Detail: j.Line(m.req.Loc) + "; " + j.Reason,
				Fix: "run it before the window, or move the window; it is marked not deferrable in the inventory"})
		}
	}
	return nil
}

// during is the window's state with the operator's devices stopped too.
func (m *maint) during() *state {
	d := *m.s
	d.running = slices.Clone(m.s.running)
	for di := range m.down {
		d.running[di] = false
	}
	return &d
}

// pretrip is the window before anything trips, with the planned
// power-down: the loads shedFix works from, evaluated once.
func (m *maint) pretrip() *state {
	if m.pre == nil {
		s := newState(m.g)
		_ = m.e.failNodes(s, &m.req.Scenario) // the scenario was checked by newMaint
		m.g.energize(s, &m.req.Scenario, m.e.l)
		m.g.draw(s, m.e.l)
		m.pre = s
	}
	return m.pre
}

// spare is, per service, how many members it can lose during the window
// and keep its minimum, with the planned power-down; computed once.
func (m *maint) spare() []int {
	if m.spares == nil {
		g, b, s := m.g, m.e.base, m.pretrip()
		m.spares = make([]int, len(g.services))
		for si := range g.services {
			sv := &g.services[si]
			run := 0
			for _, di := range sv.members {
				if b.running[di] && s.running[di] && !m.shed[int(di)] {
					run++
				}
			}
			m.spares[si] = run - sv.min
		}
	}
	return m.spares
}

// shedFix proposes devices to shut down for the window so that element el
// stays below 80 % of its rating: the largest draws behind it first,
// among devices whose services keep their minimum without them.
func (m *maint) shedFix(el Element) string {
	g := m.g
	i, err := g.Lookup(el)
	if err != nil {
		return "shut down load behind it for the window (--shutdown DEVICE)"
	}
	// Its load before anything trips, with the planned power-down: the
	// draw of every supply in its subtree, by device.
	s := m.pretrip()
	amps := map[int]float64{}
	stack := []int32{i}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p := g.outDev[n]; p >= 0 {
			amps[int(g.psuDev[p])] += s.psuAmps[p]
		}
		for _, c := range g.child[g.childStart[n]:g.childStart[n+1]] {
			if s.live[c] && g.feeder(s, c) == n { // an ATS hangs below the input it runs on
				stack = append(stack, c)
			}
		}
	}
	type cand struct {
		di   int
		amps float64
	}
	var cands []cand
	for di, a := range amps {
		if !m.shed[di] && s.running[di] && a > 0 {
			cands = append(cands, cand{di, a})
		}
	}
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.amps, x.amps), strings.Compare(g.devices[x.di].dev.Name, g.devices[y.di].dev.Name))
	})
	// Members each service can spare during the window.
	spare := slices.Clone(m.spare())
	load, target := maxPhase(&s.load[i]), WarnShare*g.rating[i]
	var picked []string
	for _, c := range cands {
		if load <= target {
			break
		}
		ok := true
		for _, si := range g.devSvc[c.di] {
			ok = ok && spare[si] > 0
		}
		if !ok {
			continue
		}
		for _, si := range g.devSvc[c.di] {
			spare[si]--
		}
		load -= c.amps
		picked = append(picked, fmt.Sprintf("--shutdown %s (%.1f A)", g.devices[c.di].dev.Name, c.amps))
	}
	switch {
	case len(picked) == 0:
		return "no device behind it can be spared without a service falling below its minimum: lower the load another way, or accept the outage"
	case load > target:
		return fmt.Sprintf("even shutting down every device the services can spare (%s) leaves %.1f A of %g A: lower the load another way", strings.Join(picked, " "), load, g.rating[i])
	}
	return fmt.Sprintf("shut down for the window: %s, which brings it to %.1f A of %g A (%.0f %%); or move the window to when the load is lower",
		strings.Join(picked, " "), load, g.rating[i], 100*load/g.rating[i])
}
