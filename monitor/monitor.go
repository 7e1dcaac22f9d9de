package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/planner"
)

// Options configure a Monitor.
type Options struct {
	Site     *inventory.Site // required
	Schedule string          // cron spec of the poll (default "@every 30s")
	TZ       string          // of the schedule (default UTC)
	Logger   *slog.Logger    // required

	Concurrency int           // devices polled at once (default: pdu's)
	Timeout     time.Duration // per SNMP request (default 2 s)
	Retries     int           // per SNMP request (default 1; -1 for none)

	// ATSTestMaxAge is how old an ATS's last passed switchover test may
	// get before it is overdue (default 90 days).
	ATSTestMaxAge time.Duration

	// LastATSTest, when set, gives an ATS's last switchover test as
	// recorded by 'feedplan ats-test' (ok false when none is recorded); it
	// wins over the inventory's test record when it is newer.
	LastATSTest func(ats string) (at time.Time, passed, ok bool)

	Now  func() time.Time                                   // clock; time.Now when nil
	Dial func(pdu.Target, *slog.Logger) (pdu.Client, error) // pdu.Dial when nil

	// OnCycle receives every cycle's state: the alert engine and the
	// history sink hang here. It must not block for long.
	OnCycle func(ctx context.Context, s *State)
}

// Condition is something wrong right now; the alert engine turns
// conditions into alerts that fire and resolve once.
type Condition struct {
	Rule        string            // ats-not-preferred, ats-redundancy-lost, …
	Key         string            // what it is about: "ats-r07", "db-1:2", "feed:A"
	Severity    string            // critical, warning, info
	Summary     string            // one line naming the equipment
	Description string            // what is wrong and what to do
	Value       float64           // for threshold rules (a share of a rating)
	Labels      map[string]string // site, equipment, feed …
}

// FeedRisk is what losing one feed now would do, on live loads.
type FeedRisk struct {
	Source string
	Result *planner.Result
}

// State is one cycle's outcome.
type State struct {
	Time       time.Time
	Took       time.Duration
	Results    []pdu.Result
	Live       *planner.LiveLoads
	Loaded     []planner.ElementLoad // above 75 % of a rating now
	Risks      []FeedRisk
	Conditions []Condition
}

// Monitor polls a site and evaluates it.
type Monitor struct {
	opt     Options
	g       *planner.Graph
	targets []pdu.Target
	est     *planner.Evaluator

	cycle  sync.Mutex // one cycle at a time: the schedule and a trap may both ask for one
	mu     sync.Mutex
	latest *State
}

// New checks the options and builds the monitor.
func New(opt Options) (*Monitor, error) {
	if opt.Site == nil || opt.Logger == nil {
		return nil, errors.New("monitor: needs a site and a logger")
	}
	if opt.Schedule == "" {
		opt.Schedule = "@every 30s"
	}
	if _, err := ParseSpec(opt.Schedule); err != nil {
		return nil, fmt.Errorf("monitor: schedule %q: %w", opt.Schedule, err)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Second
	}
	switch {
	case opt.Retries == 0:
		opt.Retries = 1
	case opt.Retries < 0:
		opt.Retries = 0
	}
	if opt.ATSTestMaxAge <= 0 {
		opt.ATSTestMaxAge = 90 * 24 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	m := &Monitor{opt: opt, g: planner.NewGraph(opt.Site)}
	m.est = planner.NewEvaluator(m.g, m.g.NewLoads(nil, opt.Site.Utilisation))
	m.targets = pdu.SiteTargets(opt.Site, opt.Timeout, opt.Retries)
	if len(m.targets) == 0 {
		return nil, fmt.Errorf("monitor: no PDU or ATS of site %q has an snmp address", opt.Site.Name)
	}
	return m, nil
}

// Latest returns the last cycle's state, or nil before the first.
func (m *Monitor) Latest() *State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.latest
}

// Run polls on the schedule until ctx ends.
func (m *Monitor) Run(ctx context.Context) error {
	s, err := NewScheduler(ScheduleOptions{
		Spec: m.opt.Schedule, TZ: m.opt.TZ, Name: "poll", Logger: m.opt.Logger,
		Job: func(ctx context.Context) error { _, err := m.Cycle(ctx); return err },
	})
	if err != nil {
		return err
	}
	return s.Run(ctx)
}

// Cycle polls every device once, evaluates the site on the live loads and
// derives the conditions.
func (m *Monitor) Cycle(ctx context.Context) (*State, error) {
	m.cycle.Lock()
	defer m.cycle.Unlock()
	now := m.opt.Now()
	results, err := pdu.Poll(ctx, m.targets, pdu.PollOptions{Concurrency: m.opt.Concurrency, Logger: m.opt.Logger, Dial: m.opt.Dial, Now: m.opt.Now})
	if err != nil {
		return nil, err
	}
	st := &State{Time: now, Results: results}
	ev, live, err := m.est.Live(results, now)
	if err != nil {
		return nil, err
	}
	st.Live = live
	site := m.opt.Site
	// From 75 %: the alert engine fires load-high above 80 % and resolves
	// it below 75 %, so a load hovering at 80 % does not flap.
	st.Loaded = ev.Loaded(0.75)
	for _, src := range site.Sources {
		cut := append([]planner.Element{{Kind: planner.Source, Name: src.Name}}, st.Live.Down...)
		r, err := ev.Evaluate(planner.Scenario{Cut: cut, ATS: planner.AsTested})
		if err != nil {
			return nil, err
		}
		st.Risks = append(st.Risks, FeedRisk{Source: src.Name, Result: r})
	}
	st.Conditions = m.conditions(st, now)
	st.Took = m.opt.Now().Sub(now)
	m.mu.Lock()
	m.latest = st
	m.mu.Unlock()
	if m.opt.OnCycle != nil {
		m.opt.OnCycle(ctx, st)
	}
	return st, nil
}

// conditions turns a cycle's state into what is wrong now.
func (m *Monitor) conditions(st *State, now time.Time) []Condition {
	site := m.opt.Site
	var out []Condition
	add := func(c Condition) {
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		c.Labels["site"], c.Labels["rule"] = site.Name, c.Rule
		out = append(out, c)
	}
	for _, r := range st.Results {
		name := r.Target.Name
		if r.Err != nil {
			add(Condition{Rule: "device-unreachable", Key: name, Severity: "warning",
				Summary:     fmt.Sprintf("%s does not answer SNMP", name),
				Description: fmt.Sprintf("%v. Its readings are missing from this cycle: check its network card and cabling; a PDU whose inlet has no power does not answer either.", r.Err),
				Labels:      map[string]string{"equipment": name}})
			continue
		}
		a := site.ATSUnit(name)
		if a == nil || r.Reading.ATS == nil {
			continue
		}
		at := r.Reading.ATS
		labels := map[string]string{"equipment": name}
		if at.Selected >= 0 && a.Inputs[at.Selected] != a.Preferred {
			add(Condition{Rule: "ats-not-preferred", Key: name, Severity: "warning", Labels: labels,
				Summary:     fmt.Sprintf("ATS %s runs on %s, not its preferred input %s", name, a.Inputs[at.Selected], a.Preferred),
				Description: fmt.Sprintf("Its preferred input %s is down or was switched away from. Until it is back, a loss of %s takes everything behind %s down.", a.Preferred, a.Inputs[at.Selected], name)})
		}
		for i, ok := range at.InputOK {
			if ok != nil && !*ok {
				add(Condition{Rule: "ats-redundancy-lost", Key: name + ":" + a.Inputs[i], Severity: "critical", Labels: labels,
					Summary:     fmt.Sprintf("ATS %s: input %s has failed; redundancy lost", name, a.Inputs[i]),
					Description: fmt.Sprintf("%s runs on one input only. Restore circuit %s before any work on the other feed.", name, a.Inputs[i])})
			}
		}
		if at.OverCurrent != nil && *at.OverCurrent {
			add(Condition{Rule: "ats-over-current", Key: name, Severity: "critical", Labels: labels,
				Summary:     fmt.Sprintf("ATS %s is in over-current: it will refuse to transfer", name),
				Description: "An ATS in over-current does not switch to its other input when the selected one fails. Shed load behind it now."})
		}
	}
	for _, a := range site.ATS {
		labels := map[string]string{"equipment": a.Name}
		// The last test: the inventory's record, or a newer one recorded
		// by 'feedplan ats-test'.
		date, tested := a.TestDate()
		passed := a.Test.Passed()
		if m.opt.LastATSTest != nil {
			if at, p, ok := m.opt.LastATSTest(a.Name); ok && (!tested || at.After(date)) {
				date, passed, tested = at, p, true
			}
		}
		when := date.Format(time.DateOnly)
		switch {
		case !tested:
			add(Condition{Rule: "ats-test-overdue", Key: a.Name, Severity: "warning", Labels: labels,
				Summary:     fmt.Sprintf("ATS %s has never passed a switchover test", a.Name),
				Description: "Until it is tested, feedplan assumes it will not transfer. Test it (feedplan ats-test) before planned work on either feed."})
		case !passed:
			add(Condition{Rule: "ats-test-failed", Key: a.Name, Severity: "critical", Labels: labels,
				Summary:     fmt.Sprintf("ATS %s failed its last switchover test (%s)", a.Name, when),
				Description: "Everything single-corded behind it goes dark when its selected input fails. Repair or replace it, or move the single-corded gear, before any feed maintenance."})
		case now.Sub(date) > m.opt.ATSTestMaxAge:
			add(Condition{Rule: "ats-test-overdue", Key: a.Name, Severity: "warning", Labels: labels,
				Summary:     fmt.Sprintf("ATS %s: last switchover test %s is older than %d days", a.Name, when, int(m.opt.ATSTestMaxAge.Hours()/24)),
				Description: "Test it again before planned work on either feed."})
		}
	}
	for _, s := range st.Live.Silent {
		key := fmt.Sprintf("%s:%d", s.Device, s.PSU)
		add(Condition{Rule: "psu-unpowered", Key: key, Severity: "critical", Labels: map[string]string{"equipment": s.Device},
			Summary:     fmt.Sprintf("%s psu%d draws 0 A while its partner carries the device", s.Device, s.PSU),
			Description: "A dead or unplugged supply: the next cut of the other feed takes the device down. Check the supply and its cord."})
	}
	for _, f := range st.Live.Findings {
		if f.Kind == "unlisted-load" {
			add(Condition{Rule: "inventory-drift", Key: f.Where, Severity: "info", Labels: map[string]string{"equipment": f.Where},
				Summary: fmt.Sprintf("current on %s, which the inventory says is empty", f.Where), Description: f.Detail})
		}
	}
	for _, l := range st.Loaded {
		el := l.Element.String()
		add(Condition{Rule: "load-high", Key: el, Severity: "warning", Value: l.Share(), Labels: map[string]string{"equipment": el},
			Summary:     fmt.Sprintf("%s %s carries %.1f A of %g A (%.0f %%)", l.Element.Kind, l.Element.Name, l.After, l.Rating, 100*l.Share()),
			Description: "Above 80 % of a breaker's rating is more than a continuous load should be. Move load before it grows."})
	}
	for _, risk := range st.Risks {
		r := risk.Result
		if !r.Harmful() {
			continue
		}
		var trips []string
		worst := 0.0
		for _, stp := range r.Cascade {
			for _, t := range stp.Tripped {
				trips = append(trips, fmt.Sprintf("%s %s reaches %.1f A of %g A and trips", t.Element.Kind, t.Element.Name, t.Amps, t.Rating))
				worst = max(worst, t.Amps/t.Rating)
			}
		}
		what := strings.Join(trips, "; ")
		if what == "" {
			what = "nothing trips"
		}
		add(Condition{Rule: "failover-risk", Key: "feed:" + risk.Source, Severity: "critical", Value: worst,
			Labels:      map[string]string{"feed": risk.Source},
			Summary:     fmt.Sprintf("if feed %s fails now, %s, taking %d devices down", risk.Source, what, len(r.Down)),
			Description: fmt.Sprintf("%s Run 'feedplan whatif SITE --cut source:%s --live' for the device list and the chain of reasons.", r.Verdict(), risk.Source)})
	}
	return out
}
