package planner_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/planner"
)

// physicsSite is small enough to work out by hand. Utilisation 1 and pf 1
// make a device's current its watts / 230 V.
//
//	A ─ PA ─┬ PA-1 (16 A) ─ r1-a (outlets 1-4 bank 1 10 A, 5-8 bank 2 10 A)
//	        ├ PA-2 (16 A) ─┐
//	        └ sub panel SA ─ SA-1 (3-phase 16 A) ─ r2-a (3 banks, one per phase)
//	B ─ PB ─┬ PB-1 (16 A) ─ r1-b
//	        ├ PB-2 (16 A) ─┴ ats-1 (16 A, preferred PA-2) ─ r1-x
//	        └ PB-3 (3-phase 16 A) ─ r2-b
const physicsSite = `
site: physics
utilisation: 1
sources:
  - {name: A, phases: 3}
  - {name: B, phases: 3}
panels:
  - {name: PA, source: A}
  - {name: SA, panel: PA}
  - {name: PB, source: B}
circuits:
  - {name: PA-1, panel: PA, amps: 16}
  - {name: PA-2, panel: PA, amps: 16, phase: 2}
  - {name: SA-1, panel: SA, amps: 16, phases: 3}
  - {name: PB-1, panel: PB, amps: 16}
  - {name: PB-2, panel: PB, amps: 16, phase: 2}
  - {name: PB-3, panel: PB, amps: 16, phases: 3}
ats:
  - {name: ats-1, inputs: [PA-2, PB-2], amps: 16, test: {date: 2026-01-10, result: failed}}
pdus:
  - name: r1-a
    inlet: PA-1
    outlets: 8
    banks: [{outlets: 1-4, amps: 10}, {outlets: 5-8, amps: 10}]
  - name: r1-b
    inlet: PB-1
    outlets: 8
    banks: [{outlets: 1-4, amps: 10}, {outlets: 5-8, amps: 10}]
  - {name: r1-x, inlet: ats-1, outlets: 4}
  - name: r2-a
    inlet: SA-1
    outlets: 6
    banks: [{outlets: 1-2, amps: 16}, {outlets: 3-4, amps: 16}, {outlets: 5-6, amps: 16}]
  - name: r2-b
    inlet: PB-3
    outlets: 6
    banks: [{outlets: 1-2, amps: 16}, {outlets: 3-4, amps: 16}, {outlets: 5-6, amps: 16}]
devices:
  # 2 × 1150 W = 10 A over two feeds: 5 A per side, 10 A on one side.
  - {name: web-1, psus: [r1-a:1, r1-b:1], watts: 1150, pf: 1, services: [web]}
  - {name: web-2, psus: [r1-a:2, r1-b:2], watts: 1150, pf: 1, services: [web]}
  # 4 supplies, needs 2: 2300 W = 10 A, 2.5 A each.
  - {name: chassis, psus: [r1-a:5, r1-b:5, r1-a:6, r1-b:6], min_psus: 2, watts: 2300, pf: 1}
  # single-corded behind the ATS: 460 W = 2 A.
  - {name: sw-1, psus: [r1-x:1], watts: 460, pf: 1, services: [net]}
  # three-phase rack: 2760 W = 12 A on phase 1, 1150 W = 5 A on phase 2.
  - {name: gpu-1, psus: [r2-a:1, r2-b:1], watts: 2760, pf: 1}
  - {name: gpu-2, psus: [r2-a:3, r2-b:3], watts: 1150, pf: 1}
services:
  - {name: web, min: 2}
  - {name: net}
`

func evaluate(t *testing.T, src string, sc planner.Scenario) *planner.Result {
	t.Helper()
	site, err := inventory.Parse("physics.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	g := planner.NewGraph(site)
	r, err := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation)).Evaluate(sc)
	if err != nil {
		t.Fatalf("Evaluate(%s): %v", sc, err)
	}
	return r
}

func cut(els ...string) planner.Scenario {
	var sc planner.Scenario
	for _, e := range els {
		el, err := planner.ParseElement(e)
		if err != nil {
			panic(err)
		}
		sc.Cut = append(sc.Cut, el)
	}
	return sc
}

func downNames(r *planner.Result) []string {
	var out []string
	for _, d := range r.Down {
		out = append(out, d.Device)
	}
	return out
}

func load(r *planner.Result, el string) (planner.ElementLoad, bool) {
	for _, e := range r.Elements {
		if e.Element.String() == el {
			return e, true
		}
	}
	return planner.ElementLoad{}, false
}

func TestTwoOfFourSupplies(t *testing.T) {
	tests := []struct {
		name       string
		cut        []string
		down       bool
		redundancy bool
	}{
		{"one supply lost", []string{"outlet:r1-a:5"}, false, false},
		{"two supplies lost", []string{"outlet:r1-a:5", "outlet:r1-a:6"}, false, true},
		{"three supplies lost", []string{"outlet:r1-a:5", "outlet:r1-a:6", "outlet:r1-b:5"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := evaluate(t, physicsSite, cut(tt.cut...))
			if got := slices.Contains(downNames(r), "chassis"); got != tt.down {
				t.Errorf("Evaluate(cut %v): chassis down = %v; want %v", tt.cut, got, tt.down)
			}
			gotRed := slices.ContainsFunc(r.Redundancy, func(d planner.DeviceRedundancy) bool { return d.Device == "chassis" })
			if gotRed != tt.redundancy {
				t.Errorf("Evaluate(cut %v): chassis loses redundancy = %v; want %v", tt.cut, gotRed, tt.redundancy)
			}
		})
	}
	// With two supplies left, each carries half of 10 A.
	r := evaluate(t, physicsSite, cut("outlet:r1-a:5", "outlet:r1-a:6"))
	if l, ok := load(r, "bank:r1-b/2"); !ok || !near(l.After, 10) || !near(l.Before, 5) {
		t.Errorf("bank r1-b/2 = %+v; want 5 A before, 10 A after", l)
	}
}

func TestATSAssumptions(t *testing.T) {
	tests := []struct {
		mode     planner.ATSMode
		unit     map[string]planner.ATSMode
		down     bool
		relied   bool
		reasonIn string
	}{
		{mode: planner.Works, relied: true},
		{mode: planner.Fails, down: true, reasonIn: "ats ats-1 did not transfer (assumed to fail) ← circuit PA-2 cut"},
		{mode: planner.AsTested, down: true, reasonIn: "test failed 2026-01-10"},
		{mode: planner.Works, unit: map[string]planner.ATSMode{"ats-1": planner.Fails}, down: true},
		{mode: planner.Fails, unit: map[string]planner.ATSMode{"ats-1": planner.Works}, relied: true},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			sc := cut("circuit:PA-2")
			sc.ATS, sc.ATSUnit = tt.mode, tt.unit
			r := evaluate(t, physicsSite, sc)
			down := slices.Contains(downNames(r), "sw-1")
			if down != tt.down {
				t.Fatalf("Evaluate(%s, ats %s %v): sw-1 down = %v; want %v", sc, tt.mode, tt.unit, down, tt.down)
			}
			if down && !strings.Contains(r.Down[0].Reasons[0].String(), tt.reasonIn) {
				t.Errorf("reason = %q; want it to contain %q", r.Down[0].Reasons[0].String(), tt.reasonIn)
			}
			if len(r.Transfers) != 1 || r.Transfers[0].Relied != tt.relied {
				t.Errorf("Transfers = %+v; want one, relied on = %v", r.Transfers, tt.relied)
			}
			if tt.relied {
				// 2 A moved from PA-2 to PB-2.
				if l, ok := load(r, "circuit:PB-2"); !ok || !near(l.After, 2) || l.Before != 0 {
					t.Errorf("circuit PB-2 = %+v; want 0 A before, 2 A after", l)
				}
				if svc := r.Services; len(svc) != 0 {
					t.Errorf("Services = %+v; want none affected", svc)
				}
			} else if len(r.Services) != 1 || r.Services[0].Service != "net" || r.Services[0].Status != "down" {
				t.Errorf("Services = %+v; want net down", r.Services)
			}
		})
	}
}

func TestThreePhasePerPhaseLoad(t *testing.T) {
	// gpu-1 (12 A) on bank 1 = phase 1, gpu-2 (5 A) on bank 2 = phase 2.
	// Cut B: r2-a carries 12 A on L1 (75 %), 5 A on L2; the inlet's rating
	// applies per phase, so 17 A in total does not trip a 16 A inlet.
	r := evaluate(t, physicsSite, cut("pdu:r2-b"))
	if len(r.Cascade) != 0 {
		t.Fatalf("Cascade = %+v; want none (phases are rated separately)", r.Cascade)
	}
	for el, want := range map[string]float64{"pdu:r2-a": 12, "bank:r2-a/1": 12, "bank:r2-a/2": 5, "circuit:SA-1": 12} {
		l, ok := load(r, el)
		if !ok || !near(l.After, want) {
			t.Errorf("%s after = %+v; want %.1f A on its most loaded phase", el, l, want)
		}
	}
	// Cut both gpu-1 supplies but one: gpu-1 at 12 A + a heavier gpu would
	// trip; instead check the status threshold: 12 A of 16 A is 75 %, ok.
	if l, _ := load(r, "pdu:r2-a"); l.Status != "ok" {
		t.Errorf("pdu r2-a status = %q; want ok at 75 %%", l.Status)
	}
}

func TestCascadeTwoSteps(t *testing.T) {
	// Cut A: r1-b bank 1 carries web-1+web-2 = 10 A of 10 A (not over),
	// bank 2 the chassis 10 A of 10 A; the inlet carries 20 A > 16 A and
	// trips in step 1: everything on r1-b goes dark, so the web tier and
	// the chassis are down. Nothing else is over: a single step.
	r := evaluate(t, physicsSite, cut("source:A"))
	if len(r.Cascade) != 1 || len(r.Cascade[0].Tripped) != 1 || r.Cascade[0].Tripped[0].Element.String() != "pdu:r1-b" {
		t.Fatalf("Cascade = %+v; want step 1: pdu r1-b", r.Cascade)
	}
	if got := r.Cascade[0].Tripped[0].Amps; !near(got, 20) {
		t.Errorf("r1-b tripped at %.1f A; want 20 A", got)
	}
	want := []string{"web-1", "web-2", "chassis"}
	if got := downNames(r); !slices.Equal(got, want) {
		t.Errorf("down = %v; want %v", got, want)
	}
	// Two steps: lower the bank rating so bank 1 trips first (10.5 A > 9 A),
	// which leaves the inlet at 10 A (under 16 A): selective tripping takes
	// only the bank. Then raise the load so the inlet also trips.
	two := strings.Replace(physicsSite, "banks: [{outlets: 1-4, amps: 10}, {outlets: 5-8, amps: 10}]\n  - {name: r1-x", "banks: [{outlets: 1-4, amps: 9}, {outlets: 5-8, amps: 12}]\n  - {name: r1-x", 1)
	two = strings.Replace(two, "watts: 2300, pf: 1}", "watts: 3450, pf: 1}", 1) // chassis 15 A
	r = evaluate(t, two, cut("source:A"))
	var steps [][]string
	for _, st := range r.Cascade {
		var names []string
		for _, tr := range st.Tripped {
			names = append(names, tr.Element.String())
		}
		steps = append(steps, names)
	}
	// Step 1: bank r1-b/1 (10 A > 9 A) and bank r1-b/2 (15 A > 12 A) are the
	// most downstream overloads; the inlet (25 A) waits for them, and after
	// they trip it carries nothing.
	wantSteps := [][]string{{"bank:r1-b/1", "bank:r1-b/2"}}
	if !slices.EqualFunc(steps, wantSteps, slices.Equal) {
		t.Errorf("cascade = %v; want %v", steps, wantSteps)
	}
}

func TestPanelFedByPanel(t *testing.T) {
	r := evaluate(t, physicsSite, cut("panel:PA"))
	// PA feeds SA feeds SA-1 feeds r2-a: gpu-1 and gpu-2 move to r2-b.
	for _, el := range []string{"pdu:r2-b", "circuit:PB-3"} {
		if l, ok := load(r, el); !ok || !near(l.After, 12) {
			t.Errorf("%s = %+v; want 12 A after panel PA is cut", el, l)
		}
	}
	if l, ok := load(r, "circuit:SA-1"); !ok || l.Status != "dark" {
		t.Errorf("circuit SA-1 = %+v; want dark", l)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.051 }

func TestBrokenSupplyAndFlow(t *testing.T) {
	site, err := inventory.Parse("physics.yaml", []byte(physicsSite))
	if err != nil {
		t.Fatal(err)
	}
	g := planner.NewGraph(site)
	l := g.NewLoads(nil, site.Utilisation)
	if err := g.BreakPSU(l, "web-1", 2, true); err != nil {
		t.Fatal(err)
	}
	if err := g.ScaleDevice(l, "gpu-2", 2); err != nil {
		t.Fatal(err)
	}
	if err := g.BreakPSU(l, "web-1", 3, true); err == nil {
		t.Error("BreakPSU(web-1, psu3) = nil; want an error (web-1 has 2 supplies)")
	}
	ev := planner.NewEvaluator(g, l)
	// With psu2 dead, web-1 draws all 5+5 A through r1-a:1 already.
	fl, err := ev.Flow(planner.Scenario{})
	if err != nil {
		t.Fatal(err)
	}
	pf, _ := fl.PDU("r1-a")
	if got := pf.Outlets[0]; !near(got.Amps, 5) || got.Device != "web-1" || got.PSU != 1 {
		t.Errorf("Flow: r1-a:1 = %+v; want web-1 psu1 at 5 A", got)
	}
	pb, _ := fl.PDU("r1-b")
	if got := pb.Outlets[0]; got.Amps != 0 || !got.Live {
		t.Errorf("Flow: r1-b:1 = %+v; want live and 0 A (the supply is broken)", got)
	}
	// gpu-2 draws twice its 5 A: 10 A over two sides, 5 A on r2-a phase 2.
	p2, _ := fl.PDU("r2-a")
	if !near(p2.Phase[1], 5) {
		t.Errorf("Flow: r2-a L2 = %.2f A; want 5 A (gpu-2 scaled ×2)", p2.Phase[1])
	}
	// Cutting the A side now takes web-1 down, and says why.
	r, err := ev.Evaluate(cut("pdu:r1-a"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(downNames(r), "web-1") {
		t.Fatalf("down = %v; want web-1 (its B supply is broken)", downNames(r))
	}
	var why []string
	for _, l := range r.Down[0].Reasons {
		why = append(why, l.String())
	}
	if !strings.Contains(strings.Join(why, "; "), "psu2 on r1-b:1 ← the supply itself has failed") {
		t.Errorf("web-1 reasons = %q; want psu2's failure named", why)
	}
	// The incremental sweep agrees with the full evaluation here too.
	for _, im := range ev.Sweep(planner.Scenario{}, planner.SweepOptions{Outlets: true}) {
		want, _ := ev.ImpactOf(im.Element, planner.Scenario{})
		if !slices.Equal(im.Down, want.Down) || im.RedundancyLost != want.RedundancyLost {
			t.Errorf("Sweep(%s) = down %v, %d lose redundancy; Evaluate says %v, %d", im.Element, im.Down, im.RedundancyLost, want.Down, want.RedundancyLost)
		}
	}
}

func TestAuditSeesThroughAnATS(t *testing.T) {
	// srv has one supply behind an ATS whose two inputs both come from
	// panel PA, and one on a PA circuit: it all hangs on panel PA.
	const src = `
site: ats-same-feed
sources: [{name: A}, {name: B}]
panels: [{name: PA, source: A}, {name: PB, source: B}]
circuits:
  - {name: A-1, panel: PA, amps: 16}
  - {name: A-2, panel: PA, amps: 16}
  - {name: A-3, panel: PA, amps: 16}
  - {name: B-1, panel: PB, amps: 16}
ats: [{name: ats-1, inputs: [A-1, A-2], amps: 16, test: {date: 2026-01-01, result: passed}}]
pdus:
  - {name: r1-x, inlet: ats-1, outlets: 4}
  - {name: r1-a, inlet: A-3, outlets: 4}
  - {name: r1-b, inlet: B-1, outlets: 4}
devices:
  - {name: srv, psus: [r1-x:1, r1-a:1], watts: 300}
  - {name: ok, psus: [r1-a:2, r1-b:2], watts: 300}
`
	site, err := inventory.Parse("ats.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := planner.NewGraph(site)
	a := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation)).Audit(planner.Scenario{}, planner.SweepOptions{})
	if len(a.FalseRedundancy) != 1 || a.FalseRedundancy[0].Device != "srv" || !strings.Contains(a.FalseRedundancy[0].Finding, "source A") {
		t.Errorf("FalseRedundancy = %+v; want srv, all on source A (the ATS's two inputs share it)", a.FalseRedundancy)
	}
}

func TestLiveSnapshotTakesATSAsReported(t *testing.T) {
	site, err := inventory.Parse("physics.yaml", []byte(physicsSite))
	if err != nil {
		t.Fatal(err)
	}
	g := planner.NewGraph(site)
	ev := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
	// ats-1 runs on its second input PB-2 and reports PA-2 failed.
	results := []pdu.Result{{Target: pdu.Target{Name: "ats-1"}, Reading: &pdu.Reading{ATS: &pdu.ATS{Selected: 1, Preferred: 0, InputOK: [2]*bool{pdu.B(false), pdu.B(true)}}}}}
	ll := ev.LiveSnapshot(results, time.Time{})
	if len(ll.Down) != 1 || ll.Down[0].String() != "circuit:PA-2" {
		t.Errorf("LiveSnapshot.Down = %v; want circuit:PA-2", ll.Down)
	}
	if len(ll.Findings) != 1 || ll.Findings[0].Kind != "ats-on-other-input" {
		t.Errorf("LiveSnapshot.Findings = %+v; want ats-on-other-input", ll.Findings)
	}
	l, err := ll.Loads(g, site.Utilisation)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := planner.NewEvaluator(g, l).Flow(planner.Scenario{})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := fl.ATS("ats-1"); a.Selected != 1 {
		t.Errorf("ats-1 selected with the live loads = %d; want 1, as it reported", a.Selected)
	}
}
