package planner

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
)

// Finding is a mismatch between the inventory and what the PDUs measure.
type Finding struct {
	Kind   string `json:"kind"`   // unlisted-load, silent-psu, unreachable, partial
	Where  string `json:"where"`  // "r01-a:7", a device or a PDU
	Detail string `json:"detail"` // what was seen and what to do
}

// LiveLoads is what the planner makes of a poll.
type LiveLoads struct {
	Snapshot   *Snapshot
	Findings   []Finding
	Measured   int // outlets with a measured current
	Calibrated int // outlets whose current was scaled to a measured bank or phase
	// Silent lists supplies that draw nothing while their partner carries
	// the device: taken as dead (Graph.BreakPSU) by Loads.
	Silent []SilentPSU
	// ATSInputs is the input each ATS that answered runs on (0 its first,
	// 1 its second): Loads evaluates it as it is now.
	ATSInputs map[string]int
	// Down lists the ATS input circuits their ATS reports failed: known to
	// be dark now. (A PDU that does not answer may only have lost its
	// network; its outlets keep their estimated loads.)
	Down []Element
}

// SilentPSU is one supply found drawing nothing.
type SilentPSU struct {
	Device string
	PSU    int // 1-based
}

// Loads turns the live snapshot into loads for evaluation: measured draws,
// and the silent supplies taken as dead, so that a cut shows what they
// would take down.
func (ll *LiveLoads) Loads(g *Graph, utilisation float64) (*Loads, error) {
	l := g.NewLoads(ll.Snapshot, utilisation)
	for _, s := range ll.Silent {
		if err := g.BreakPSU(l, s.Device, s.PSU, true); err != nil {
			return nil, err
		}
	}
	for ats, in := range ll.ATSInputs {
		if err := g.SetATSInput(l, ats, in); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Live evaluates the site from a poll: measured loads where the PDUs
// meter them, estimates (e's loads) scaled to what they measure elsewhere,
// supplies found silent taken as dead, ATS units on the input they report.
// It returns the evaluator of those loads and what the poll showed.
func (e *Evaluator) Live(results []pdu.Result, now time.Time) (*Evaluator, *LiveLoads, error) {
	ll := e.LiveSnapshot(results, now)
	l, err := ll.Loads(e.g, e.l.Utilisation)
	if err != nil {
		return nil, nil, err
	}
	return NewEvaluator(e.g, l), ll, nil
}

// silentAmps is the current below which a supply is taken to draw nothing.
const silentAmps = 0.05

// LiveSnapshot turns PDU readings into per-outlet loads. Outlets the PDU
// meters are taken as measured. On PDUs that meter only banks or phases,
// each outlet's estimated current (nameplate × utilisation, split over the
// supplies) is scaled so that the bank — or else the phase — adds up to
// what the PDU measures. It also reports where the inventory and the
// readings disagree: current on an outlet the inventory says is empty, a
// supply at 0 A while its partner carries the device.
func (e *Evaluator) LiveSnapshot(results []pdu.Result, now time.Time) *LiveLoads {
	g := e.g
	live := &LiveLoads{Snapshot: &Snapshot{Taken: now, Outlets: map[inventory.Plug]Reading{}}}
	base := e.base
	metered := map[inventory.Plug]pdu.Outlet{} // outlets whose current the PDU measures
	for _, res := range results {
		name := res.Target.Name
		if res.Err != nil {
			live.Findings = append(live.Findings, Finding{Kind: "unreachable", Where: name, Detail: res.Err.Error() + "; its outlets keep their estimated loads"})
			continue
		}
		r := res.Reading
		if r.Partial {
			live.Findings = append(live.Findings, Finding{Kind: "partial", Where: name, Detail: strings.Join(r.Problems, "; ")})
		}
		if a := g.Site.ATSUnit(name); a != nil && r.ATS != nil {
			live.atsState(a, r.ATS)
			continue
		}
		pn, ok := g.pdus[name]
		if !ok {
			continue // a PDU the inventory does not list
		}
		inv := g.Site.PDU(name)
		measured := make([]bool, pn.noutlet)
		for _, o := range r.Outlets {
			if o.Number < 1 || o.Number > int(pn.noutlet) || o.Amps == nil {
				continue
			}
			plug := inventory.Plug{PDU: name, Outlet: o.Number}
			rd := Reading{Amps: *o.Amps}
			if o.Watts != nil {
				rd.Watts = *o.Watts
			}
			live.Snapshot.Outlets[plug] = rd
			metered[plug] = o
			measured[o.Number-1] = true
			live.Measured++
			if node := pn.outlet0 + int32(o.Number-1); g.outDev[node] < 0 && *o.Amps > 0.1 {
				live.Findings = append(live.Findings, Finding{Kind: "unlisted-load", Where: plug.String(),
					Detail: fmt.Sprintf("draws %.2f A but the inventory has nothing on it: add the device, or the planner misses its load", *o.Amps)})
			}
		}
		// Calibrate the unmetered outlets to their bank, else their phase.
		for b, bank := range inv.Banks {
			want := bankAmps(r, b+1)
			if want == nil {
				want = phaseShare(r, inv, bank.Phase, b)
			}
			if want == nil {
				continue
			}
			est, metered := 0.0, 0.0
			for n := bank.Outlets.From; n <= bank.Outlets.To; n++ {
				if measured[n-1] {
					metered += live.Snapshot.Outlets[inventory.Plug{PDU: name, Outlet: n}].Amps
				} else {
					est += base.load[pn.outlet0+int32(n-1)][0]
				}
			}
			if est <= 0 {
				continue
			}
			k := math.Max(0, *want-metered) / est
			for n := bank.Outlets.From; n <= bank.Outlets.To; n++ {
				node := pn.outlet0 + int32(n-1)
				if measured[n-1] || g.outDev[node] < 0 {
					continue
				}
				live.Snapshot.Outlets[inventory.Plug{PDU: name, Outlet: n}] = Reading{Amps: base.load[node][0] * k}
				live.Calibrated++
			}
		}
	}
	// A supply at 0 A while its partner carries the device: dead or
	// unplugged, and the next feed cut would expose it. Only metered
	// outlets can tell.
	for di := range g.devices {
		d := &g.devices[di]
		var silent []string
		var silentPSUs []SilentPSU
		carrying := false
		for p := d.psu0; p < d.psu0+d.npsu; p++ {
			plug := d.dev.PSUs[p-d.psu0]
			o, ok := metered[plug]
			if !ok || o.On != nil && !*o.On {
				continue // not metered, or switched off on purpose
			}
			if *o.Amps < silentAmps {
				silent = append(silent, fmt.Sprintf("psu%d on %s", p-d.psu0+1, plug))
				silentPSUs = append(silentPSUs, SilentPSU{d.dev.Name, int(p-d.psu0) + 1})
			} else {
				carrying = true
			}
		}
		if carrying && len(silent) > 0 {
			live.Silent = append(live.Silent, silentPSUs...)
			live.Findings = append(live.Findings, Finding{Kind: "silent-psu", Where: d.dev.Name,
				Detail: strings.Join(silent, ", ") + " draws 0 A while its partner carries the load: a dead or unplugged supply that the next feed cut would expose (evaluated as dead); check it before the window"})
		}
	}
	slices.SortStableFunc(live.Findings, func(a, b Finding) int { return strings.Compare(a.Kind, b.Kind) })
	return live
}

// atsState records what an ATS reports: the input it runs on, and the
// inputs it reports failed.
func (live *LiveLoads) atsState(a *inventory.ATS, r *pdu.ATS) {
	for i, ok := range r.InputOK {
		if ok != nil && !*ok {
			live.Down = append(live.Down, Element{Kind: Circuit, Name: a.Inputs[i]})
		}
	}
	if r.Selected < 0 {
		return
	}
	if live.ATSInputs == nil {
		live.ATSInputs = map[string]int{}
	}
	live.ATSInputs[a.Name] = r.Selected
	if a.Inputs[r.Selected] != a.Preferred {
		live.Findings = append(live.Findings, Finding{Kind: "ats-on-other-input", Where: a.Name,
			Detail: fmt.Sprintf("runs on %s, not its preferred %s: evaluated as it is now", a.Inputs[r.Selected], a.Preferred)})
	}
}

func bankAmps(r *pdu.Reading, n int) *float64 {
	for _, b := range r.Banks {
		if b.Number == n {
			return b.Amps
		}
	}
	return nil
}

// phaseShare is a bank's share of its phase's measured current, when the
// bank is the only one on that phase.
func phaseShare(r *pdu.Reading, inv *inventory.PDU, phase, bank int) *float64 {
	for i, b := range inv.Banks {
		if i != bank && b.Phase == phase {
			return nil
		}
	}
	for _, p := range r.Phases {
		if p.Number == phase {
			return p.Amps
		}
	}
	return nil
}
