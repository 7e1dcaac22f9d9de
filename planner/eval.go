package planner

import (
	"fmt"
	"math"
	"strings"
)

// ATSMode is what a scenario assumes an ATS does when its selected input
// goes dark.
type ATSMode uint8

const (
	// Works: the ATS transfers to its other input if that one is live.
	Works ATSMode = iota
	// Fails: the ATS does not transfer; its output goes dark.
	Fails
	// AsTested: it transfers only if its last switchover test passed.
	AsTested
)

var atsModeNames = [...]string{"works", "fails", "as-tested"}

func (m ATSMode) String() string { return atsModeNames[m] }

// ParseATSMode parses works, fails or as-tested.
func ParseATSMode(s string) (ATSMode, error) {
	for i, n := range atsModeNames {
		if s == n {
			return ATSMode(i), nil
		}
	}
	return 0, fmt.Errorf("ats assumption %q: want works, fails or as-tested", s)
}

// MarshalText writes the mode's name.
func (m ATSMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses works, fails or as-tested (a saved plan's scenario).
func (m *ATSMode) UnmarshalText(b []byte) error {
	x, err := ParseATSMode(string(b))
	*m = x
	return err
}

// Scenario is a set of failed elements and what each ATS is assumed to do.
type Scenario struct {
	Cut     []Element          `json:"cut"`
	ATS     ATSMode            `json:"ats"`                // for every ATS not named in ATSUnit
	ATSUnit map[string]ATSMode `json:"ats_unit,omitempty"` // per ATS, by name
}

// preferredOf returns the input ATS a selects when both are live: the
// inventory's preferred input, unless the loads say it runs on the other
// (see Graph.SetATSInput).
func (g *Graph) preferredOf(a int32, l *Loads) uint8 {
	if l.atsInput != nil && l.atsInput[a] >= 0 {
		return uint8(l.atsInput[a])
	}
	return g.ats[a].preferred
}

func (sc Scenario) String() string {
	var parts []string
	for _, e := range sc.Cut {
		parts = append(parts, e.String())
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing")
	}
	return "cut " + strings.Join(parts, ", ")
}

// state is one evaluation's working set; reused through a pool.
type state struct {
	failed  []bool
	tripped []int32 // cascade step at which the node tripped; 0 = not
	tripAmp []float64
	live    []bool
	sel     []int8 // per ATS: selected input, or -1 when dark
	load    [][3]float64
	psuAmps []float64
	running []bool
	nlive   []int32 // per device: live supplies
	overDsc []bool  // scratch: has an overloaded descendant

	// Scratch of the report, kept with the pooled state so that a what-if
	// on a large site does not allocate it anew.
	rows   []loadRow
	memo   []string // per node: why it is dark (reasons.chain); "" unknown
	used   []int32  // the nodes memo holds, to clear them after
	shares []float64
	keys   []uint64
	order  []int32
}

func newState(g *Graph) *state {
	return &state{
		failed:  make([]bool, g.n),
		tripped: make([]int32, g.n),
		tripAmp: make([]float64, g.n),
		live:    make([]bool, g.n),
		sel:     make([]int8, len(g.ats)),
		load:    make([][3]float64, g.n),
		psuAmps: make([]float64, len(g.psuOut)),
		running: make([]bool, len(g.devices)),
		nlive:   make([]int32, len(g.devices)),
		overDsc: make([]bool, g.n),
	}
}

func (s *state) reset() {
	clear(s.failed)
	clear(s.tripped)
	clear(s.tripAmp)
}

// transfers reports whether ATS a transfers under the scenario.
func (g *Graph) transfers(a int32, sc *Scenario) bool {
	mode := sc.ATS
	if m, ok := sc.ATSUnit[g.ats[a].unit.Name]; ok {
		mode = m
	}
	switch mode {
	case Works:
		return true
	case AsTested:
		return g.ats[a].unit.Test.Passed()
	}
	return false
}

// energize marks every node live or dark, top down.
func (g *Graph) energize(s *state, sc *Scenario, l *Loads) {
	for i := 0; i < g.n; i++ {
		on := false
		switch {
		case s.failed[i] || s.tripped[i] > 0:
		case g.kind[i] == Source:
			on = true
		case g.atsOf[i] >= 0:
			a := g.atsOf[i]
			an := &g.ats[a]
			p := g.preferredOf(a, l)
			s.sel[a] = -1
			if s.live[an.in[p]] {
				s.sel[a], on = int8(p), true
			} else if s.live[an.in[1-p]] && g.transfers(a, sc) {
				s.sel[a], on = int8(1-p), true
			}
		default:
			on = s.live[g.parent[i]]
		}
		s.live[i] = on
	}
}

// feeder returns the node that feeds node i now: its parent, or an ATS's
// selected input (-1 when dark).
func (g *Graph) feeder(s *state, i int32) int32 {
	if a := g.atsOf[i]; a >= 0 {
		if s.sel[a] < 0 {
			return -1
		}
		return g.ats[a].in[s.sel[a]]
	}
	return g.parent[i]
}

// draw runs the devices and sums their current up the tree.
func (g *Graph) draw(s *state, l *Loads) {
	for di := range g.devices {
		d := &g.devices[di]
		n, wsum := int32(0), 0.0
		for p := d.psu0; p < d.psu0+d.npsu; p++ {
			if o := g.psuOut[p]; o >= 0 && s.live[o] && l.feeds(p) {
				n++
				wsum += l.weight[p]
			}
		}
		s.nlive[di] = n
		s.running[di] = n >= d.min && n > 0
		for p := d.psu0; p < d.psu0+d.npsu; p++ {
			s.psuAmps[p] = 0
			o := g.psuOut[p]
			if !s.running[di] || o < 0 || !s.live[o] || !l.feeds(p) {
				continue
			}
			s.psuAmps[p] = g.supplyAmps(l, di, p, n, wsum)
		}
	}
	clear(s.load)
	for p, o := range g.psuOut {
		if o >= 0 {
			s.load[o][0] = s.psuAmps[p]
		}
	}
	for o, a := range l.fixed {
		if s.live[o] {
			s.load[o][0] += a
		}
	}
	for i := int32(g.n - 1); i >= 0; i-- {
		if !s.live[i] {
			continue
		}
		f := g.feeder(s, i)
		if f < 0 {
			continue
		}
		addShifted(&s.load[f], &s.load[i], g.shift[i])
	}
}

// supplyAmps is the current supply p of running device di carries when n
// of its supplies, with weights adding up to wsum, are live.
func (g *Graph) supplyAmps(l *Loads, di int, p, n int32, wsum float64) float64 {
	share := 1 / float64(n)
	if wsum > 0 {
		share = l.weight[p] / wsum
	}
	return l.devW[di] * share / (g.psuVolt[p] * g.devices[di].pf)
}

func addShifted(dst, src *[3]float64, shift uint8) {
	if shift == 0 {
		dst[0] += src[0]
		dst[1] += src[1]
		dst[2] += src[2]
		return
	}
	for k := uint8(0); k < 3; k++ {
		dst[(k+shift)%3] += src[k]
	}
}

func maxPhase(l *[3]float64) float64 { return max(l[0], l[1], l[2]) }

// overloaded reports whether node i carries more than its rating.
func (g *Graph) overloaded(l *[3]float64, i int32) bool {
	r := g.rating[i]
	return r > 0 && maxPhase(l) > r*(1+1e-9)
}

// run evaluates the scenario whose failed elements are set in s:
// energise, draw, trip what is over its rating (the most downstream
// breakers first, as selective breakers do) and repeat until nothing
// changes. It returns the cascade steps.
func (g *Graph) run(s *state, sc *Scenario, l *Loads) []Step {
	var steps []Step
	for step := int32(1); ; step++ {
		g.energize(s, sc, l)
		g.draw(s, l)
		clear(s.overDsc)
		any := false
		for i := int32(0); i < int32(g.n); i++ {
			if s.live[i] && g.overloaded(&s.load[i], i) {
				any = true
				for f := g.feeder(s, i); f >= 0; f = g.feeder(s, f) {
					s.overDsc[f] = true
				}
			}
		}
		if !any {
			return steps
		}
		st := Step{N: int(step)}
		for i := int32(0); i < int32(g.n); i++ {
			if s.live[i] && !s.overDsc[i] && g.overloaded(&s.load[i], i) {
				s.tripped[i] = step
				s.tripAmp[i] = maxPhase(&s.load[i])
				st.Tripped = append(st.Tripped, Trip{Element: g.element(i), Amps: round1(s.tripAmp[i]), Rating: g.rating[i]})
			}
		}
		steps = append(steps, st)
	}
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
