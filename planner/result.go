package planner

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// WarnShare is the share of a rating above which a continuous load is a
// warning (continuous-load derating of breakers).
const WarnShare = 0.8

// Step is one round of a cascade: the breakers that tripped together.
type Step struct {
	N       int    `json:"step"`
	Tripped []Trip `json:"tripped"`
}

// Trip is one breaker, bank or inlet that went over its rating.
type Trip struct {
	Element Element `json:"element"`
	Amps    float64 `json:"amps"`
	Rating  float64 `json:"rating"`
}

// DeviceDown is a device that stops, with why each supply is dark.
type DeviceDown struct {
	Device  string       `json:"device"`
	Rack    string       `json:"rack,omitempty"`
	Reasons []SupplyLoss `json:"supplies"` // each dark supply and why
	Live    int          `json:"live_psus"`
	Min     int          `json:"min_psus"`
}

// SupplyLoss is one dark power supply and why it is dark.
type SupplyLoss struct {
	PSU    int    `json:"psu"`              // 1-based
	Outlet string `json:"outlet,omitempty"` // empty for an unplugged supply
	Cause  string `json:"cause"`            // "source A cut", "ats X did not transfer (…) ← circuit A-7 cut"
}

func (l SupplyLoss) String() string {
	if l.Outlet == "" {
		return "psu" + strconv.Itoa(l.PSU) + " " + l.Cause
	}
	return "psu" + strconv.Itoa(l.PSU) + " on " + l.Outlet + " ← " + l.Cause
}

// joinLosses writes a device's dark supplies for people, one group per
// cause: "psu1+3 on r04-a:3,4 ← circuit A-04 ← source A cut".
func joinLosses(ls []SupplyLoss) string { return strings.Join(lossGroups(ls), "; ") }

// lossGroups is joinLosses, a group each.
func lossGroups(ls []SupplyLoss) []string {
	var causes []string
	groups := map[string][]SupplyLoss{}
	for _, l := range ls {
		if _, ok := groups[l.Cause]; !ok {
			causes = append(causes, l.Cause)
		}
		groups[l.Cause] = append(groups[l.Cause], l)
	}
	parts := make([]string, 0, len(causes))
	for _, c := range causes {
		g := groups[c]
		if len(g) == 1 {
			parts = append(parts, g[0].String())
			continue
		}
		var psus, outlets []string
		pdu, samePDU := "", true
		for i, l := range g {
			psus = append(psus, strconv.Itoa(l.PSU))
			p, o, _ := strings.Cut(l.Outlet, ":")
			if i == 0 {
				pdu = p
			} else if p != pdu {
				samePDU = false
			}
			outlets = append(outlets, o)
		}
		where := ""
		switch {
		case g[0].Outlet == "":
			where = " " + c
			parts = append(parts, "psu"+strings.Join(psus, "+")+where)
			continue
		case samePDU:
			where = " on " + pdu + ":" + strings.Join(outlets, ",")
		default:
			var full []string
			for _, l := range g {
				full = append(full, l.Outlet)
			}
			where = " on " + strings.Join(full, ", ")
		}
		parts = append(parts, "psu"+strings.Join(psus, "+")+where+" ← "+c)
	}
	return parts
}

// DeviceRedundancy is a device that keeps running on its last supplies.
type DeviceRedundancy struct {
	Device string       `json:"device"`
	Live   int          `json:"live_psus"`
	Min    int          `json:"min_psus"`
	Lost   []SupplyLoss `json:"lost"` // the supplies that went dark, with why
}

// ServiceImpact is a service whose running members changed.
type ServiceImpact struct {
	Service string `json:"service"`
	Members int    `json:"members"`
	Min     int    `json:"min"`
	Before  int    `json:"running_before"`
	After   int    `json:"running_after"`
	Status  string `json:"status"`          // ok, degraded (fewer but ≥ min), below-min, down, impaired
	Cause   string `json:"cause,omitempty"` // for impaired: the dependency below its minimum
}

// ElementLoad is the load of one rated element before and after.
type ElementLoad struct {
	Element Element `json:"element"`
	Rating  float64 `json:"rating"`
	Before  float64 `json:"before"` // amps on the most loaded phase
	After   float64 `json:"after"`
	Status  string  `json:"status"`          // ok, warn (> 80 %), tripped, dark
	Phase   int     `json:"phase,omitempty"` // for three-phase gear: the most loaded phase, 1-3
}

// worstPhase returns the most loaded phase (1-3) of a three-phase node, or 0.
func (g *Graph) worstPhase(l *[3]float64, i int32) int {
	if g.phases[i] != 3 {
		return 0
	}
	k := 0
	for j := 1; j < 3; j++ {
		if l[j] > l[k] {
			k = j
		}
	}
	return k + 1
}

// Share returns the after-load as a share of the rating.
func (e ElementLoad) Share() float64 { return e.After / e.Rating }

// Transfer is what an ATS did in the scenario.
type Transfer struct {
	ATS     string `json:"ats"`
	From    string `json:"from"`
	To      string `json:"to,omitempty"` // empty when its output went dark
	Outcome string `json:"outcome"`      // one of the outcomes below
	Note    string `json:"note"`
	Relied  bool   `json:"relied_on"` // its output stayed live only because it transferred
}

// What an ATS did when its selected input went dark.
const (
	Transferred         = "transferred"
	NoTransfer          = "did-not-transfer"
	TransferredThenLost = "transferred-then-lost" // its other input tripped after the transfer
	BothDark            = "both-inputs-dark"
)

// lostAfterTransfer reports whether input i went dark because something
// above it tripped (rather than being cut).
func lostAfterTransfer(g *Graph, s *state, i int32) bool {
	for ; i >= 0; i = g.parent[i] {
		if s.tripped[i] > 0 {
			return true
		}
		if s.failed[i] {
			return false
		}
	}
	return false
}

// Result is the answer to a what-if.
type Result struct {
	Site        string             `json:"site"`
	Scenario    Scenario           `json:"scenario"`
	Utilisation float64            `json:"utilisation"`
	Measured    int                `json:"devices_measured"`
	Estimated   int                `json:"devices_estimated"`
	Down        []DeviceDown       `json:"down"`
	AlreadyDown []DeviceDown       `json:"already_down,omitempty"`
	Redundancy  []DeviceRedundancy `json:"redundancy_lost"`
	Services    []ServiceImpact    `json:"services"`
	Cascade     []Step             `json:"cascade"`
	Transfers   []Transfer         `json:"ats_transfers"`
	Elements    []ElementLoad      `json:"elements"`
	Findings    []Finding          `json:"findings,omitempty"` // inventory vs live readings, with --live
}

// Harmful reports whether anything goes down or trips.
func (r *Result) Harmful() bool { return len(r.Down) > 0 || len(r.Cascade) > 0 }

// MarshalText writes "kind:name".
func (e Element) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText parses "kind:name".
func (e *Element) UnmarshalText(b []byte) error {
	x, err := ParseElement(string(b))
	*e = x
	return err
}

// Evaluator answers what-ifs for one graph and one set of loads. It is
// safe for concurrent use.
type Evaluator struct {
	g         *Graph
	l         *Loads
	base      *state
	baseSteps []Step // trips with nothing cut: the site is overloaded as it stands
	pool      sync.Pool
}

// NewEvaluator evaluates the site with nothing cut, as the baseline every
// scenario is compared with.
func NewEvaluator(g *Graph, l *Loads) *Evaluator {
	e := &Evaluator{g: g, l: l}
	e.pool.New = func() any { return newState(g) }
	e.base = newState(g)
	e.baseSteps = g.run(e.base, &Scenario{}, l)
	return e
}

// Graph returns the graph the evaluator works on.
func (e *Evaluator) Graph() *Graph { return e.g }

func (e *Evaluator) failNodes(s *state, sc *Scenario) error {
	var errs []error
	for _, el := range sc.Cut {
		i, err := e.g.Lookup(el)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.failed[i] = true
	}
	for name := range sc.ATSUnit {
		if e.g.Site.ATSUnit(name) == nil {
			errs = append(errs, fmt.Errorf("ats %q is not in site %q", name, e.g.Site.Name))
		}
	}
	return errors.Join(errs...)
}

// Evaluate runs a scenario and reports what goes dark, what loses
// redundancy, which services fall below their minimum, what trips.
func (e *Evaluator) Evaluate(sc Scenario) (*Result, error) {
	s := e.pool.Get().(*state)
	defer e.pool.Put(s)
	s.reset()
	if err := e.failNodes(s, &sc); err != nil {
		return nil, err
	}
	steps := e.g.run(s, &sc, e.l)
	return e.report(s, &sc, steps), nil
}

func (e *Evaluator) report(s *state, sc *Scenario, steps []Step) *Result {
	g, b := e.g, e.base
	r := &Result{
		Site: g.Site.Name, Scenario: *sc, Cascade: steps,
		Utilisation: e.l.Utilisation, Measured: e.l.Measured, Estimated: e.l.Estimated,
		Down: []DeviceDown{}, Redundancy: []DeviceRedundancy{}, Services: []ServiceImpact{},
		Transfers: []Transfer{}, Elements: []ElementLoad{},
	}
	if r.Cascade == nil {
		r.Cascade = []Step{}
	}
	// Count first and allocate once: a feed cut on a large site reports
	// tens of thousands of devices, and growing slices of structs with
	// pointers costs more garbage collection than the evaluation itself.
	var nAlready, nDown, nRed, nLoss int
	for di := range g.devices {
		d := &g.devices[di]
		switch {
		case !b.running[di]:
			nAlready++
			nLoss += int(d.npsu)
		case !s.running[di]:
			nDown++
			nLoss += int(d.npsu)
		case s.nlive[di] < b.nlive[di] && s.nlive[di] <= d.min:
			nRed++
			nLoss += int(b.nlive[di] - s.nlive[di])
		}
	}
	// The element loads and the device lists are independent: when there
	// are thousands of devices to list (a feed cut on a large site), the
	// element loads are built beside them.
	elems := make(chan []ElementLoad, 1)
	if nDown+nRed+nAlready > 4096 {
		go func() { elems <- g.elementLoads(b, s) }()
	} else {
		elems <- g.elementLoads(b, s)
	}
	r.Down, r.Redundancy = make([]DeviceDown, 0, nDown), make([]DeviceRedundancy, 0, nRed)
	if nAlready > 0 {
		r.AlreadyDown = make([]DeviceDown, 0, nAlready)
	}
	arena := make([]SupplyLoss, 0, nLoss)
	if s.memo == nil {
		s.memo = make([]string, g.n)
	}
	now := &reasons{g: g, s: s, l: e.l, sc: sc, memo: map[int32]string{}, slot: s.memo, arena: arena}
	defer func() {
		for _, i := range now.used {
			s.memo[i] = ""
		}
		s.used = now.used[:0]
	}()
	now.used = s.used[:0]
	before := &reasons{g: g, s: b, l: e.l, sc: &Scenario{}, memo: map[int32]string{}}
	for di := range g.devices {
		d := &g.devices[di]
		switch {
		case !b.running[di]:
			r.AlreadyDown = append(r.AlreadyDown, DeviceDown{Device: d.dev.Name, Rack: d.dev.Rack, Reasons: before.psus(di, nil), Live: int(b.nlive[di]), Min: int(d.min)})
		case !s.running[di]:
			r.Down = append(r.Down, DeviceDown{Device: d.dev.Name, Rack: d.dev.Rack, Reasons: now.psus(di, nil), Live: int(s.nlive[di]), Min: int(d.min)})
		case s.nlive[di] < b.nlive[di] && s.nlive[di] <= d.min:
			r.Redundancy = append(r.Redundancy, DeviceRedundancy{Device: d.dev.Name, Live: int(s.nlive[di]), Min: int(d.min), Lost: now.psus(di, b)})
		}
	}
	r.Services = g.serviceImpact(b, s)

	for a := range g.ats {
		an := &g.ats[a]
		if b.sel[a] < 0 {
			continue
		}
		from := an.unit.Inputs[b.sel[a]]
		other := an.in[1-b.sel[a]]
		t := Transfer{ATS: an.unit.Name, From: from}
		switch {
		case s.failed[an.node] || s.tripped[an.node] > 0:
			continue // the ATS itself is cut or tripped: its reason says so
		case s.sel[a] >= 0 && s.sel[a] != b.sel[a]:
			t.To, t.Outcome, t.Relied, t.Note = an.unit.Inputs[s.sel[a]], Transferred, true, g.transferNote(int32(a), sc)
		case s.sel[a] >= 0:
			continue // still on its input
		case s.live[other]:
			t.Outcome, t.Note = NoTransfer, "did not transfer: "+g.whyNoTransfer(int32(a), sc)
		case g.transfers(int32(a), sc) && lostAfterTransfer(g, s, other):
			t.Outcome = TransferredThenLost
			t.Note = fmt.Sprintf("transferred to %s, then lost it: %s", an.unit.Inputs[1-b.sel[a]], (&reasons{g: g, s: s, sc: sc, memo: map[int32]string{}}).chain(other))
		default:
			t.Outcome, t.Note = BothDark, "both inputs dark"
		}
		r.Transfers = append(r.Transfers, t)
	}

	r.Elements = <-elems
	return r
}

// Element statuses, in the order of the names below.
const (
	stOK uint8 = iota
	stWarn
	stTripped
	stDark
	stOver
)

var statusName = [...]string{"ok", "warn", "tripped", "dark", "over"}

// loadRow is an element load before it is written out: no pointers, so
// that tens of thousands of them cost the garbage collector nothing.
type loadRow struct {
	node          int32
	status, phase uint8
	before, after float64
}

// elementLoads lists every rated element whose load changed between b and
// s, or that is above 80 % of its rating or tripped after, most loaded
// first.
func (g *Graph) elementLoads(b, s *state) []ElementLoad {
	rows := s.rows[:0]
	defer func() { s.rows = rows[:0] }()
	for i := int32(0); i < int32(g.n); i++ {
		if g.rating[i] == 0 || g.kind[i] == Outlet {
			continue
		}
		row := loadRow{node: i, before: round1(maxPhase(&b.load[i]))}
		switch {
		case s.tripped[i] > 0:
			row.after, row.status = round1(s.tripAmp[i]), stTripped
		case !s.live[i]:
			row.status = stDark
			if b.live[i] == s.live[i] {
				continue // dark before and after
			}
		default:
			row.after = round1(maxPhase(&s.load[i]))
			row.phase = uint8(g.worstPhase(&s.load[i], i))
			if row.after > WarnShare*g.rating[i] {
				row.status = stWarn
			}
		}
		if row.status == stOK && math.Abs(row.after-row.before) < 0.05 {
			continue
		}
		rows = append(rows, row)
	}
	return g.writeLoads(rows, s)
}

// writeLoads writes rows out most loaded first: a sort of compact keys,
// then one allocation of exactly the elements reported. Sorting the
// ElementLoads themselves cost more than the evaluation on a large site.
func (g *Graph) writeLoads(rows []loadRow, scratch *state) []ElementLoad {
	shares := slices.Grow(scratch.shares[:0], len(rows))[:len(rows)]
	for k := range rows {
		shares[k] = rows[k].after / g.rating[rows[k].node]
	}
	out := make([]ElementLoad, len(rows))
	order := shareOrder(shares, scratch)
	scratch.shares = shares[:0]
	for k, pos := range order {
		row := &rows[pos]
		out[k] = ElementLoad{Element: g.element(row.node), Rating: g.rating[row.node], Before: row.before, After: row.after, Status: statusName[row.status], Phase: int(row.phase)}
	}
	return out
}

// shareOrder returns the positions of shares, highest share first; equal
// shares keep their positions' order (graph order: feeds before panels
// before circuits …), so the order is the same every run; zero shares
// (dark elements) come last. It sorts packed integer keys: the share's
// bits inverted above the position. Shares that agree to 28 significant
// bits (one part in 2.7×10⁸) count as equal.
func shareOrder(shares []float64, scratch *state) []int32 {
	const posBits = 24
	order := slices.Grow(scratch.order[:0], len(shares))[:len(shares)]
	defer func() { scratch.order = order[:0] }()
	if len(shares) >= 1<<posBits {
		for k := range order {
			order[k] = int32(k)
		}
		slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(shares[b], shares[a]) })
		return order
	}
	// Zero shares (dark elements, often half of a feed cut's) need no
	// sorting: they follow in their own order.
	keys := scratch.keys[:0]
	defer func() { scratch.keys = keys[:0] }()
	zero := order[:0]
	for k, sh := range shares {
		if sh == 0 {
			zero = append(zero, int32(k)) // never overtakes k: writes behind the keys read
			continue
		}
		// A share is > 0, so its IEEE bits order like the number; the top
		// 40 bits inverted sort it highest first.
		hi := ^(math.Float64bits(sh) >> posBits) & (1<<(64-posBits) - 1)
		keys = append(keys, hi<<posBits|uint64(k))
	}
	slices.Sort(keys)
	copy(order[len(keys):], zero) // zero is a prefix of order: move it behind the sorted part
	for k, key := range keys {
		order[k] = int32(key & (1<<posBits - 1))
	}
	return order
}

// reasons explains dark supplies. It remembers the explanation of each
// dark feeder, since thousands of supplies share a few causes.
type reasons struct {
	g     *Graph
	s     *state
	l     *Loads
	sc    *Scenario
	memo  map[int32]string
	slot  []string // when set, the memo by node (faster than memo)
	used  []int32  // the nodes set in slot
	arena []SupplyLoss

	lastNode  int32 // a one-entry cache in front of memo
	lastChain string
}

// psus explains each dark supply of a device; with base set, only the
// supplies that were live in base. The losses of all devices share one
// backing array.
func (r *reasons) psus(di int, base *state) []SupplyLoss {
	d := &r.g.devices[di]
	start := len(r.arena)
	for p := d.psu0; p < d.psu0+d.npsu; p++ {
		o := r.g.psuOut[p]
		if o >= 0 && r.s.live[o] && r.l.feeds(p) || base != nil && (o < 0 || !base.live[o] || !r.l.feeds(p)) {
			continue
		}
		if o >= 0 && r.s.live[o] {
			r.arena = append(r.arena, SupplyLoss{PSU: int(p-d.psu0) + 1, Outlet: r.g.name[o], Cause: "the supply itself has failed (its outlet is live)"})
			continue
		}
		r.arena = append(r.arena, r.psu(int(p-d.psu0), o))
	}
	return r.arena[start:len(r.arena):len(r.arena)]
}

// psu follows a dark supply up to its cause.
func (r *reasons) psu(k int, o int32) SupplyLoss {
	if o < 0 {
		return SupplyLoss{PSU: k + 1, Cause: "unplugged"}
	}
	l := SupplyLoss{PSU: k + 1, Outlet: r.g.name[o]}
	if r.s.failed[o] || r.s.tripped[o] > 0 {
		l.Cause = r.cause(o)
	} else {
		l.Cause = r.chain(r.g.parent[o])
	}
	return l
}

// chain explains why node i is dark, from i up to the cause:
// "ats ats-r07 did not transfer (never tested) ← source A cut".
func (r *reasons) chain(i int32) string {
	if i == r.lastNode && r.lastChain != "" {
		return r.lastChain // neighbouring supplies share their bank
	}
	if r.slot != nil {
		if c := r.slot[i]; c != "" {
			r.lastNode, r.lastChain = i, c
			return c
		}
	} else if c, ok := r.memo[i]; ok {
		r.lastNode, r.lastChain = i, c
		return c
	}
	g, s := r.g, r.s
	var c string
	switch {
	case s.failed[i] || s.tripped[i] > 0:
		c = r.cause(i)
	case g.atsOf[i] >= 0:
		a := g.atsOf[i]
		an := &g.ats[a]
		p := g.preferredOf(a, r.l)
		switch {
		case s.live[an.in[1-p]]:
			c = fmt.Sprintf("ats %s did not transfer (%s) ← ", an.unit.Name, g.whyNoTransfer(a, r.sc)) + r.chain(an.in[p])
		case g.transfers(a, r.sc) && lostAfterTransfer(g, s, an.in[1-p]):
			c = fmt.Sprintf("ats %s transferred to %s, then lost it ← ", an.unit.Name, an.unit.Inputs[1-p]) + r.chain(an.in[1-p])
		default:
			c = fmt.Sprintf("ats %s (both inputs dark) ← ", an.unit.Name) + r.chain(an.in[p])
		}
	case g.kind[i] == Circuit:
		// Name the breaker that feeds the PDU: the first thing to check.
		c = g.label(i) + " ← " + r.chain(g.parent[i])
	case g.parent[i] >= 0:
		c = r.chain(g.parent[i])
	}
	if r.slot != nil {
		if c != "" {
			r.slot[i] = c
			r.used = append(r.used, i)
		}
	} else {
		r.memo[i] = c
	}
	return c
}

// cause names a node that was cut or tripped.
func (r *reasons) cause(i int32) string {
	if r.s.failed[i] {
		return r.g.label(i) + " cut"
	}
	return fmt.Sprintf("%s tripped (%.1f A > %g A, cascade step %d)", r.g.label(i), r.s.tripAmp[i], r.g.rating[i], r.s.tripped[i])
}

func (g *Graph) modeOf(a int32, sc *Scenario) ATSMode {
	if m, ok := sc.ATSUnit[g.ats[a].unit.Name]; ok {
		return m
	}
	return sc.ATS
}

func (g *Graph) whyNoTransfer(a int32, sc *Scenario) string {
	u := g.ats[a].unit
	switch g.modeOf(a, sc) {
	case Fails:
		return "assumed to fail"
	case AsTested:
		if u.Test == nil {
			return "never tested, assumed to fail"
		}
		return fmt.Sprintf("test %s %s", u.Test.Result, u.Test.Date)
	}
	return "it was assumed to work"
}

func (g *Graph) transferNote(a int32, sc *Scenario) string {
	u := g.ats[a].unit
	switch {
	case u.Test == nil:
		return "never tested: the output survives only if it really transfers"
	case !u.Test.Passed():
		return fmt.Sprintf("last test %s on %s: the output survives only if it really transfers", u.Test.Result, u.Test.Date)
	}
	return "last test passed on " + u.Test.Date
}

// serviceImpact compares running members per service before and after.
func (g *Graph) serviceImpact(b, s *state) []ServiceImpact {
	out := []ServiceImpact{}
	below := make([]bool, len(g.services))
	impacts := make([]ServiceImpact, len(g.services))
	for si := range g.services {
		sv := &g.services[si]
		im := ServiceImpact{Service: sv.svc.Name, Members: len(sv.members), Min: sv.min, Status: "ok"}
		for _, d := range sv.members {
			if b.running[d] {
				im.Before++
			}
			if s.running[d] {
				im.After++
			}
		}
		switch {
		case im.After == 0:
			im.Status = "down"
		case im.After < im.Min:
			im.Status = "below-min"
		case im.After < im.Before:
			im.Status = "degraded"
		}
		below[si] = im.After < im.Min
		impacts[si] = im
	}
	// A service whose dependency is below its minimum is impaired.
	for changed := true; changed; {
		changed = false
		for si := range g.services {
			if below[si] {
				continue
			}
			for _, dep := range g.services[si].deps {
				if below[dep] {
					below[si], changed = true, true
					impacts[si].Status = "impaired"
					impacts[si].Cause = fmt.Sprintf("depends on %s (%s)", g.services[dep].svc.Name, impacts[dep].Status)
					break
				}
			}
		}
	}
	for _, im := range impacts {
		if im.Status != "ok" {
			out = append(out, im)
		}
	}
	return out
}

// Loaded lists the rated elements whose load, with nothing cut, is above
// share of their rating, most loaded first.
func (e *Evaluator) Loaded(share float64) []ElementLoad {
	g, b := e.g, e.base
	var rows []loadRow
	for i := int32(0); i < int32(g.n); i++ {
		if g.rating[i] == 0 || g.kind[i] == Outlet || !b.live[i] {
			continue
		}
		a := maxPhase(&b.load[i])
		if a > share*g.rating[i] {
			row := loadRow{node: i, before: round1(a), after: round1(a), status: stWarn, phase: uint8(g.worstPhase(&b.load[i], i))}
			if a > g.rating[i] {
				row.status = stOver
			}
			rows = append(rows, row)
		}
	}
	if rows == nil {
		return nil
	}
	return g.writeLoads(rows, &state{})
}
