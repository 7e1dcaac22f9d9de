package planner

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Impact sums up what one failed element does, for ranking in a sweep.
type Impact struct {
	Element        Element      `json:"element"`
	Down           []string     `json:"down"`            // devices that stop
	RedundancyLost int          `json:"redundancy_lost"` // devices left on their last supplies
	ServicesBelow  []string     `json:"services_below_min"`
	Trips          int          `json:"trips"`
	Worst          *ElementLoad `json:"worst,omitempty"` // the most loaded element whose load rose
	Relied         []string     `json:"ats_relied_on,omitempty"`
	NoTransfer     []string     `json:"ats_not_transferring,omitempty"`
}

// Harmful reports whether the failure takes a device down or trips anything.
func (im *Impact) Harmful() bool { return len(im.Down) > 0 || im.Trips > 0 }

// SweepOptions tune an N-1 sweep.
type SweepOptions struct {
	Outlets bool // fail every outlet too (each takes one supply)
	Workers int  // parallel workers; 0 means GOMAXPROCS
}

// Sweep fails every element in turn under the scenario's ATS assumptions
// and returns the impacts, most harmful first.
//
// Each failure is evaluated incrementally: only the failed element's
// subtree goes dark, only the devices with a supply in it redistribute
// their draw, and only their feeders' loads change. When that pushes
// something over its rating the failure is evaluated in full, cascade
// and all.
func (e *Evaluator) Sweep(tmpl Scenario, opt SweepOptions) []Impact {
	g := e.g
	elems := g.Elements(opt.Outlets)
	out := make([]Impact, len(elems))
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScratch(g)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(elems) {
					return
				}
				out[i] = e.impactOf(sc, g.byName[elems[i]], tmpl)
			}
		}()
	}
	wg.Wait()
	slices.SortStableFunc(out, compareImpact)
	return out
}

func compareImpact(a, b Impact) int {
	if c := cmp.Compare(len(b.Down), len(a.Down)); c != 0 {
		return c
	}
	if c := cmp.Compare(len(b.ServicesBelow), len(a.ServicesBelow)); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Trips, a.Trips); c != 0 {
		return c
	}
	if c := cmp.Compare(b.RedundancyLost, a.RedundancyLost); c != 0 {
		return c
	}
	return cmp.Compare(worstShare(b), worstShare(a))
}

func worstShare(im Impact) float64 {
	if im.Worst == nil {
		return 0
	}
	return im.Worst.Share()
}

// ImpactOf evaluates one failed element in full and sums it up; the sweep
// gives the same answer faster.
func (e *Evaluator) ImpactOf(el Element, tmpl Scenario) (Impact, error) {
	sc := tmpl
	sc.Cut = []Element{el}
	r, err := e.Evaluate(sc)
	if err != nil {
		return Impact{}, err
	}
	return summarise(el, r), nil
}

// summarise turns a full result into an Impact.
func summarise(el Element, r *Result) Impact {
	im := Impact{Element: el, Down: []string{}}
	for _, d := range r.Down {
		im.Down = append(im.Down, d.Device)
	}
	im.RedundancyLost = len(r.Redundancy)
	for _, s := range r.Services {
		if s.After < s.Min && s.After < s.Before {
			im.ServicesBelow = append(im.ServicesBelow, s.Service)
		}
	}
	for _, st := range r.Cascade {
		im.Trips += len(st.Tripped)
	}
	for _, t := range r.Transfers {
		switch t.Outcome {
		case Transferred:
			im.Relied = append(im.Relied, t.ATS)
		case NoTransfer:
			im.NoTransfer = append(im.NoTransfer, t.ATS)
		}
	}
	slices.Sort(im.Down)
	slices.Sort(im.ServicesBelow)
	slices.Sort(im.Relied)
	slices.Sort(im.NoTransfer)
	for _, x := range r.Elements {
		if x.Status != "tripped" && x.Status != "dark" && x.After-x.Before >= 0.05 {
			if worse(&x, im.Worst) {
				x := x
				im.Worst = &x
			}
		}
	}
	return im
}

// worse reports whether a is more loaded than b (nil), by share of its
// rating, then by name so that ties break the same way every time.
func worse(a, b *ElementLoad) bool {
	if b == nil {
		return true
	}
	if sa, sb := a.Share(), b.Share(); sa != sb {
		return sa > sb
	}
	return a.Element.String() < b.Element.String()
}

// scratch is one sweep worker's reusable working set. Marks are stamped
// with a generation number so nothing needs clearing between elements.
type scratch struct {
	gen     uint32
	dead    []uint32 // node dark in this failure
	stack   []int32
	pending []int32 // ATS nodes whose input went dark

	devSeen []uint32
	devs    []int32

	deltaAt []uint32
	delta   [][3]float64
	touched []int32

	transfer []uint32 // per ATS: transferred in this failure

	svcSeen []uint32
	svcDown []int32
	svcs    []int32
}

func newScratch(g *Graph) *scratch {
	return &scratch{
		dead:     make([]uint32, g.n),
		devSeen:  make([]uint32, len(g.devices)),
		deltaAt:  make([]uint32, g.n),
		delta:    make([][3]float64, g.n),
		transfer: make([]uint32, len(g.ats)),
		svcSeen:  make([]uint32, len(g.services)),
		svcDown:  make([]int32, len(g.services)),
	}
}

func (e *Evaluator) impactOf(sc *scratch, x int32, tmpl Scenario) Impact {
	g, b := e.g, e.base
	el := g.element(x)
	full := func() Impact {
		im, _ := e.ImpactOf(el, tmpl)
		return im
	}
	if len(e.baseSteps) > 0 || !b.live[x] {
		return full() // the baseline already trips or is dark: no shortcut
	}
	sc.gen++
	gen := sc.gen
	sc.devs, sc.touched, sc.svcs, sc.pending = sc.devs[:0], sc.touched[:0], sc.svcs[:0], sc.pending[:0]
	im := Impact{Element: el, Down: []string{}}

	// 1. Darken x's subtree; ATS units decide when both inputs are known.
	kill := func(i int32) {
		sc.dead[i] = gen
		sc.stack = append(sc.stack, i)
	}
	kill(x)
	for len(sc.stack) > 0 || len(sc.pending) > 0 {
		for len(sc.stack) > 0 {
			i := sc.stack[len(sc.stack)-1]
			sc.stack = sc.stack[:len(sc.stack)-1]
			if p := g.outDev[i]; p >= 0 {
				d := g.psuDev[p]
				if sc.devSeen[d] != gen {
					sc.devSeen[d] = gen
					sc.devs = append(sc.devs, d)
				}
			}
			for _, c := range g.child[g.childStart[i]:g.childStart[i+1]] {
				if sc.dead[c] == gen || !b.live[c] {
					continue
				}
				if g.atsOf[c] >= 0 {
					sc.pending = append(sc.pending, c)
					continue
				}
				kill(c)
			}
		}
		// Circuits never hang below an ATS, so by now both inputs of every
		// pending ATS are final.
		for _, i := range sc.pending {
			if sc.dead[i] == gen {
				continue
			}
			a := g.atsOf[i]
			an := &g.ats[a]
			cur := b.sel[a]
			if sc.dead[an.in[cur]] != gen {
				continue // its selected input is still live
			}
			other := an.in[1-cur]
			if sc.dead[other] != gen && b.live[other] && g.transfers(a, &tmpl) {
				if sc.transfer[a] != gen {
					sc.transfer[a] = gen
					im.Relied = append(im.Relied, an.unit.Name)
				}
				continue
			}
			if sc.dead[other] != gen && b.live[other] {
				im.NoTransfer = append(im.NoTransfer, an.unit.Name)
			}
			kill(i)
		}
		sc.pending = sc.pending[:0]
	}

	// 2. What x carried leaves its feeders; then the affected devices
	// redistribute their draw over their live supplies.
	l := b.load[x]
	sc.walk(g, b, x, [3]float64{-l[0], -l[1], -l[2]})
	for _, d := range sc.devs {
		if !b.running[d] {
			continue
		}
		dn := &g.devices[d]
		n, wsum := int32(0), 0.0
		for p := dn.psu0; p < dn.psu0+dn.npsu; p++ {
			if o := g.psuOut[p]; o >= 0 && b.live[o] && sc.dead[o] != gen && e.l.feeds(p) {
				n++
				wsum += e.l.weight[p]
			}
		}
		running := n >= dn.min && n > 0
		for p := dn.psu0; p < dn.psu0+dn.npsu; p++ {
			o := g.psuOut[p]
			if o < 0 || !b.live[o] || sc.dead[o] == gen || !e.l.feeds(p) {
				continue
			}
			amps := 0.0
			if running {
				amps = g.supplyAmps(e.l, int(d), p, n, wsum)
			}
			if dl := amps - b.psuAmps[p]; dl != 0 {
				sc.walk(g, b, o, [3]float64{dl})
			}
		}
		switch {
		case !running:
			im.Down = append(im.Down, dn.dev.Name)
			for _, s := range g.devSvc[d] {
				if sc.svcSeen[s] != gen {
					sc.svcSeen[s] = gen
					sc.svcDown[s] = 0
					sc.svcs = append(sc.svcs, s)
				}
				sc.svcDown[s]++
			}
		case n < b.nlive[d] && n <= dn.min:
			im.RedundancyLost++
		}
	}
	// A transferred ATS brings its whole load to its other input.
	for _, name := range im.Relied {
		a := g.atsOf[g.byName[Element{ATS, name}]]
		an := &g.ats[a]
		sc.walk(g, b, an.in[1-b.sel[a]], b.load[an.node])
	}

	// 3. Check what changed.
	for _, i := range sc.touched {
		if sc.dead[i] == gen || g.rating[i] == 0 {
			continue
		}
		after := b.load[i]
		for k := range after {
			after[k] += sc.delta[i][k]
		}
		if g.overloaded(&after, i) {
			return full() // a trip: evaluate the cascade in full
		}
		before, now := round1(maxPhase(&b.load[i])), round1(maxPhase(&after))
		if now-before >= 0.05 {
			el := ElementLoad{Element: g.element(i), Rating: g.rating[i], Before: before, After: now, Status: "ok", Phase: g.worstPhase(&after, i)}
			if now > WarnShare*el.Rating {
				el.Status = "warn"
			}
			if worse(&el, im.Worst) {
				im.Worst = &el
			}
		}
	}
	for _, s := range sc.svcs {
		sv := &g.services[s]
		before := 0
		for _, d := range sv.members {
			if b.running[d] {
				before++
			}
		}
		if after := before - int(sc.svcDown[s]); after < sv.min {
			im.ServicesBelow = append(im.ServicesBelow, sv.svc.Name)
		}
	}
	slices.Sort(im.Down)
	slices.Sort(im.ServicesBelow)
	slices.Sort(im.Relied)
	slices.Sort(im.NoTransfer)
	return im
}

// walk adds a change of current at node i to i and every node feeding it,
// following ATS units to the input they use after this failure.
func (sc *scratch) walk(g *Graph, b *state, i int32, d [3]float64) {
	for i >= 0 {
		if sc.deltaAt[i] != sc.gen {
			sc.deltaAt[i] = sc.gen
			sc.delta[i] = [3]float64{}
			sc.touched = append(sc.touched, i)
		}
		sc.delta[i][0] += d[0]
		sc.delta[i][1] += d[1]
		sc.delta[i][2] += d[2]
		var f int32
		if a := g.atsOf[i]; a >= 0 {
			sel := b.sel[a]
			if sc.transfer[a] == sc.gen {
				sel = 1 - sel
			}
			f = g.ats[a].in[sel]
		} else {
			f = g.parent[i]
		}
		if s := g.shift[i]; s != 0 {
			d = [3]float64{d[(3-s)%3], d[(4-s)%3], d[(5-s)%3]}
		}
		i = f
	}
}
