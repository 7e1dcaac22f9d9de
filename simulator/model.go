package simulator

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"feedplan/inventory"
	"feedplan/planner"
	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
	"feedplan/simulator/profile"
)

// Options configure a site Model.
type Options struct {
	Site *inventory.Site
	Seed int64            // noise seed: the same seed, the same readings
	Now  func() time.Time // the clock; time.Now when nil
	// Refresh is how old a device's rendered values may get before they
	// are rendered again (noise, energy counters). Default 1 s.
	Refresh time.Duration
}

// Model is a simulated site: the power physics of the planner under a
// fault state that changes at run time, rendered per device through the
// vendor profiles. It is safe for concurrent use.
type Model struct {
	site    *inventory.Site
	g       *planner.Graph
	now     func() time.Time
	start   time.Time
	seed    int64
	refresh time.Duration

	mu      sync.Mutex
	faults  Faults
	version uint64
	flow    *planner.Flow
	ev      *planner.Evaluator
	energy  map[string]*energy
	views   map[string]*View
	order   []string
	subs    []func(Event)
	deliver sync.Mutex // held while events are delivered, in order
}

// Faults is the injected fault state; the zero value is a healthy site.
type Faults struct {
	Cut       []string             `json:"cut,omitempty"`          // elements cut by hand: "source:A", "circuit:B-04"
	Tripped   []string             `json:"tripped,omitempty"`      // breakers, banks and inlets that tripped: open until restored
	ATSFail   []string             `json:"ats_fail,omitempty"`     // ATS units that will not transfer
	PSUFail   []string             `json:"psu_fail,omitempty"`     // "device:psu": a supply that silently stops drawing
	Overdraw  map[string]float64   `json:"overdraw,omitempty"`     // device → factor of its normal draw
	Slow      map[string]string    `json:"slow,omitempty"`         // PDU/ATS → delay per request ("300ms")
	Drop      map[string]float64   `json:"drop,omitempty"`         // PDU/ATS → share of requests dropped
	Dead      []string             `json:"dead,omitempty"`         // PDU/ATS agents that do not answer
	OutletOff []string             `json:"outlet_off,omitempty"`   // "pdu:outlet" switched off over SNMP
	Preferred map[string]int       `json:"preferred,omitempty"`    // ATS → preferred input set over SNMP (0 A, 1 B)
	Rebooted  map[string]time.Time `json:"rebooted,omitempty"`     // device agent → when it last rebooted
	Names     map[string]string    `json:"outlet_names,omitempty"` // "pdu:outlet" → a name set over SNMP
	Stuck     map[string]int       `json:"ats_stuck_on,omitempty"` // a failed ATS → the input it was on when it failed
}

type energy struct {
	at      time.Time
	inlet   float64   // kWh
	outlets []float64 // kWh
}

// New builds the model of a validated site.
func New(opt Options) (*Model, error) {
	if opt.Site == nil {
		return nil, fmt.Errorf("simulator: no site")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	switch {
	case opt.Refresh == 0:
		opt.Refresh = time.Second
	case opt.Refresh < time.Millisecond:
		return nil, fmt.Errorf("simulator: refresh %v: want at least 1ms", opt.Refresh)
	}
	m := &Model{
		site: opt.Site, g: planner.NewGraph(opt.Site), now: opt.Now, seed: opt.Seed, refresh: opt.Refresh,
		energy: map[string]*energy{}, views: map[string]*View{},
	}
	m.start = m.now()
	for _, p := range opt.Site.PDUs {
		prof, err := profile.ForPDU(p.Vendor, p.Model)
		if err != nil {
			return nil, fmt.Errorf("pdu %q: %w", p.Name, err)
		}
		m.views[p.Name] = &View{m: m, name: p.Name, pdu: prof, inv: p}
		m.order = append(m.order, p.Name)
	}
	for _, a := range opt.Site.ATS {
		prof, err := profile.ForATS(a.Vendor, a.Model)
		if err != nil {
			return nil, fmt.Errorf("ats %q: %w", a.Name, err)
		}
		m.views[a.Name] = &View{m: m, name: a.Name, ats: prof, atsInv: a}
		m.order = append(m.order, a.Name)
	}
	if err := m.apply(Faults{}); err != nil {
		return nil, err
	}
	return m, nil
}

// Devices lists the simulated PDUs and ATS units in inventory order.
func (m *Model) Devices() []string { return slices.Clone(m.order) }

// Device returns the SNMP view of a PDU or ATS by name.
func (m *Model) Device(name string) (*View, bool) {
	v, ok := m.views[name]
	return v, ok
}

// Faults returns the current fault state.
func (m *Model) Faults() Faults {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.faults.clone()
}

func (f Faults) clone() Faults {
	c := f
	c.Cut, c.Tripped, c.ATSFail, c.PSUFail = slices.Clone(f.Cut), slices.Clone(f.Tripped), slices.Clone(f.ATSFail), slices.Clone(f.PSUFail)
	c.Dead, c.OutletOff = slices.Clone(f.Dead), slices.Clone(f.OutletOff)
	c.Overdraw, c.Slow, c.Drop = maps.Clone(f.Overdraw), maps.Clone(f.Slow), maps.Clone(f.Drop)
	c.Preferred, c.Rebooted, c.Names, c.Stuck = maps.Clone(f.Preferred), maps.Clone(f.Rebooted), maps.Clone(f.Names), maps.Clone(f.Stuck)
	return c
}

// Update changes the fault state through fn, all or nothing: when the new
// state is invalid (an unknown element, device or value) nothing changes.
func (m *Model) Update(fn func(*Faults) error) error {
	m.mu.Lock()
	f := m.faults.clone()
	if err := fn(&f); err != nil {
		m.mu.Unlock()
		return err
	}
	before := m.snapshotLocked()
	if err := m.applyLocked(f); err != nil {
		m.mu.Unlock()
		return err
	}
	events := m.diffLocked(before)
	subs := slices.Clone(m.subs)
	// Take the delivery lock before letting go of the model, so that
	// events reach subscribers in the order the changes were made.
	m.deliver.Lock()
	m.mu.Unlock()
	defer m.deliver.Unlock()
	for _, ev := range events {
		for _, fn := range subs {
			fn(ev)
		}
	}
	return nil
}

// Event is a change a real device would announce with a trap.
type Event struct {
	Device string
	Kind   string // "outlet" (switched on or off), "ats-source" (transferred), "ats-redundancy" (an input lost or back), "reboot"
	Outlet int    // for "outlet": 1-based
	On     bool   // for "outlet": switched on; for "ats-redundancy": redundancy restored
	Source int    // for "ats-source": the input now selected (0 A, 1 B; -1 dark)
}

// Subscribe calls fn, outside the model's lock and in order, for every
// event that follows a change of the fault state. fn must not block long
// and must not change the model (Update, Do, View.Set) itself.
func (m *Model) Subscribe(fn func(Event)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.subs = append(m.subs, fn)
}

// devState is what events are derived from.
type devState struct {
	outletOff map[string]bool
	atsSel    map[string]int
	atsBoth   map[string]bool
	rebooted  map[string]time.Time
}

func (m *Model) snapshotLocked() devState {
	d := devState{outletOff: map[string]bool{}, atsSel: map[string]int{}, atsBoth: map[string]bool{}, rebooted: maps.Clone(m.faults.Rebooted)}
	for _, o := range m.faults.OutletOff {
		d.outletOff[o] = true
	}
	if m.flow != nil {
		for _, a := range m.site.ATS {
			af, _ := m.flow.ATS(a.Name)
			d.atsSel[a.Name] = af.Selected
			d.atsBoth[a.Name] = af.InputLive[0] && af.InputLive[1]
		}
	}
	return d
}

func (m *Model) diffLocked(before devState) []Event {
	after := m.snapshotLocked()
	var evs []Event
	for _, p := range m.site.PDUs {
		for n := 1; n <= p.Outlets; n++ {
			key := p.Name + ":" + strconv.Itoa(n)
			if before.outletOff[key] != after.outletOff[key] {
				evs = append(evs, Event{Device: p.Name, Kind: "outlet", Outlet: n, On: !after.outletOff[key]})
			}
		}
	}
	for _, a := range m.site.ATS {
		if before.atsSel[a.Name] != after.atsSel[a.Name] {
			evs = append(evs, Event{Device: a.Name, Kind: "ats-source", Source: after.atsSel[a.Name]})
		}
		if before.atsBoth[a.Name] != after.atsBoth[a.Name] {
			evs = append(evs, Event{Device: a.Name, Kind: "ats-redundancy", On: after.atsBoth[a.Name]})
		}
	}
	for _, name := range m.order {
		if after.rebooted[name].After(before.rebooted[name]) {
			evs = append(evs, Event{Device: name, Kind: "reboot"})
		}
	}
	return evs
}

func (m *Model) apply(f Faults) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applyLocked(f)
}

// applyLocked validates a fault state and evaluates the site under it.
func (m *Model) applyLocked(f Faults) error {
	sc := planner.Scenario{ATS: planner.Works, ATSUnit: map[string]planner.ATSMode{}}
	for _, c := range f.Cut {
		el, err := planner.ParseElement(c)
		if err != nil {
			return err
		}
		if _, err := m.g.Lookup(el); err != nil {
			return err
		}
		sc.Cut = append(sc.Cut, el)
	}
	for _, c := range f.Tripped {
		el, err := planner.ParseElement(c)
		if err != nil {
			return err
		}
		sc.Cut = append(sc.Cut, el)
	}
	for _, o := range f.OutletOff {
		sc.Cut = append(sc.Cut, planner.Element{Kind: planner.Outlet, Name: o})
	}
	loads := m.g.NewLoads(nil, m.site.Utilisation)
	for a, p := range f.Preferred {
		if m.site.ATSUnit(a) == nil || (p != 0 && p != 1) {
			return fmt.Errorf("ats %q: preferred input %d", a, p)
		}
		if !slices.Contains(f.ATSFail, a) { // a failed switch stays where it is
			if err := m.g.SetATSInput(loads, a, p); err != nil {
				return err
			}
		}
	}
	for _, a := range f.ATSFail {
		if m.site.ATSUnit(a) == nil {
			return fmt.Errorf("ats %q is not in the site", a)
		}
		sc.ATSUnit[a] = planner.Fails
		// A failed switch stays on the input it was on when it failed.
		if in, ok := f.Stuck[a]; ok {
			if err := m.g.SetATSInput(loads, a, in); err != nil {
				return err
			}
		}
	}
	for _, s := range f.PSUFail {
		dev, n, err := splitPSU(s)
		if err != nil {
			return err
		}
		if err := m.g.BreakPSU(loads, dev, n, true); err != nil {
			return err
		}
	}
	for dev, k := range f.Overdraw {
		if err := m.g.ScaleDevice(loads, dev, k); err != nil {
			return err
		}
	}
	for _, name := range append(slices.Clone(f.Dead), append(slices.Collect(maps.Keys(f.Slow)), slices.Collect(maps.Keys(f.Drop))...)...) {
		if m.views[name] == nil {
			return fmt.Errorf("%q is not a PDU or ATS of the site", name)
		}
	}
	for name, d := range f.Slow {
		if _, err := time.ParseDuration(d); err != nil {
			return fmt.Errorf("slow %s: %q is not a duration such as 300ms", name, d)
		}
	}
	for name, r := range f.Drop {
		if r < 0 || r > 1 {
			return fmt.Errorf("drop %s: %g is not a share between 0 and 1", name, r)
		}
	}
	ev := planner.NewEvaluator(m.g, loads)
	flow, err := ev.Flow(sc)
	if err != nil {
		return err
	}
	// A tripped breaker stays open when the overload goes away: latch
	// what the cascade tripped until someone restores it.
	for _, el := range flow.Tripped() {
		if t := el.String(); !slices.Contains(f.Tripped, t) {
			f.Tripped = append(f.Tripped, t)
		}
	}
	m.accrueLocked() // energy up to now at the old loads
	m.faults, m.flow, m.ev = f, flow, ev
	m.version++
	return nil
}

func splitPSU(s string) (string, int, error) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return "", 0, fmt.Errorf("psu %q: want DEVICE:N, e.g. web-1:2", s)
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", 0, fmt.Errorf("psu %q: want DEVICE:N, e.g. web-1:2", s)
	}
	return s[:i], n, nil
}

// accrueLocked adds the energy used since the last accrual at the
// current loads.
func (m *Model) accrueLocked() {
	if m.flow == nil {
		return
	}
	now := m.now()
	for _, p := range m.site.PDUs {
		m.accruePDULocked(p, now)
	}
}

// accruePDULocked brings one PDU's energy counters up to now at the
// current loads; a render needs only its own device's counters.
func (m *Model) accruePDULocked(p *inventory.PDU, now time.Time) {
	e := m.energy[p.Name]
	if e == nil {
		e = &energy{at: m.start, outlets: make([]float64, p.Outlets)}
		m.energy[p.Name] = e
	}
	h := now.Sub(e.at).Hours()
	if h <= 0 || m.flow == nil {
		return
	}
	pf, _ := m.flow.PDU(p.Name)
	for i, o := range pf.Outlets {
		kwh := o.Watts * h / 1000
		e.outlets[i] += kwh
		e.inlet += kwh
	}
	e.at = now
}

// noise returns a deterministic small variation in [-1, 1) for a device,
// a quantity and the current refresh period.
func (m *Model) noise(device, what string, period int64) float64 {
	h := fnv.New64a()
	h.Write([]byte(device))
	h.Write([]byte{0})
	h.Write([]byte(what))
	r := rand.New(rand.NewPCG(uint64(m.seed)^h.Sum64(), uint64(period)))
	return 2*r.Float64() - 1
}

// View is one simulated PDU or ATS as its SNMP agent serves it.
type View struct {
	m      *Model
	name   string
	pdu    profile.PDUProfile
	inv    *inventory.PDU
	ats    profile.ATSProfile
	atsInv *inventory.ATS

	mu      sync.Mutex
	order   mib.Orderer
	table   *mib.Table
	version uint64
	built   time.Time
}

// Name returns the device name.
func (v *View) Name() string { return v.name }

// Profile returns the name of the vendor profile it is rendered with.
func (v *View) Profile() string {
	if v.pdu != nil {
		return v.pdu.Name()
	}
	return v.ats.Name()
}

// current returns the rendered table, rendering again when the fault
// state changed or the values are older than the refresh period.
func (v *View) current() *mib.Table {
	m := v.m
	m.mu.Lock()
	version, now := m.version, m.now()
	m.mu.Unlock()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.table != nil && v.version == version && now.Sub(v.built) < m.refresh {
		return v.table
	}
	m.mu.Lock()
	if v.inv != nil {
		m.accruePDULocked(v.inv, now)
	}
	var vars []mib.Var
	if v.pdu != nil {
		vars = v.pdu.Vars(v.pduStateLocked(now))
	} else {
		vars = v.ats.Vars(v.atsStateLocked(now))
	}
	version = m.version
	m.mu.Unlock()
	v.table, v.version, v.built = v.order.Table(vars), version, now
	return v.table
}

func (m *Model) uptime(name string, now time.Time) time.Duration {
	since := m.start
	if t, ok := m.faults.Rebooted[name]; ok && t.After(since) {
		since = t
	}
	return now.Sub(since)
}

// pduStateLocked renders the state of a PDU; m.mu is held.
func (v *View) pduStateLocked(now time.Time) *profile.PDUState {
	m, p := v.m, v.inv
	period := now.Sub(m.start).Milliseconds() / m.refresh.Milliseconds()
	pf, _ := m.flow.PDU(p.Name)
	freq := 50.0
	if p.Volts < 200 {
		freq = 60
	}
	s := &profile.PDUState{
		Name: p.Name, Vendor: p.Vendor, Model: p.Model, Serial: serial(p.Name),
		Uptime: m.uptime(p.Name, now), Now: now, Powered: pf.Live,
		Phases: p.Phases, RatedAmps: p.Amps, Volts: p.Volts, Frequency: freq + 0.02*m.noise(p.Name, "hz", period),
		PhaseAmps: make([]float64, p.Phases), PhaseVolts: make([]float64, p.Phases), PhaseWatts: make([]float64, p.Phases),
		Outlets: p.Outlets, OutletNames: make([]string, p.Outlets), OutletOn: make([]bool, p.Outlets),
		OutletAmps: make([]float64, p.Outlets), OutletWatts: make([]float64, p.Outlets), OutletEnergy: make([]float64, p.Outlets),
	}
	if e := m.energy[p.Name]; e != nil {
		s.EnergyKWh = e.inlet
		copy(s.OutletEnergy, e.outlets)
	}
	off := map[string]bool{}
	for _, o := range m.faults.OutletOff {
		off[o] = true
	}
	var watts, va float64
	for i, o := range pf.Outlets {
		n := i + 1
		s.OutletOn[i] = !off[p.Name+":"+strconv.Itoa(n)]
		s.OutletNames[i] = "Outlet " + strconv.Itoa(n)
		if o.Device != "" {
			s.OutletNames[i] = fmt.Sprintf("%s psu%d", o.Device, o.PSU)
		}
		if name, ok := m.faults.Names[p.Name+":"+strconv.Itoa(n)]; ok {
			s.OutletNames[i] = name
		}
		if !o.Live || o.Amps == 0 {
			continue
		}
		k := 1 + 0.005*m.noise(p.Name, "o"+strconv.Itoa(n), period)
		s.OutletAmps[i], s.OutletWatts[i] = o.Amps*k, o.Watts*k
		watts += o.Watts * k
		va += o.Amps * k * p.Volts
	}
	for b, bank := range p.Banks {
		bf := pf.Banks[b]
		amps := 0.0
		if bf.Live {
			amps = bf.Amps * (1 + 0.005*m.noise(p.Name, "b"+bank.Name, period))
		}
		s.Banks = append(s.Banks, profile.BankState{Number: b + 1, Phase: bank.Phase, RatedAmps: bank.Amps, Amps: amps, From: bank.Outlets.From, To: bank.Outlets.To, Tripped: bf.Tripped})
	}
	for k := 0; k < p.Phases; k++ {
		if !pf.Live {
			continue
		}
		s.PhaseVolts[k] = p.Volts * (1 + 0.004*m.noise(p.Name, "v"+strconv.Itoa(k), period))
		s.PhaseAmps[k] = pf.Phase[k] * (1 + 0.005*m.noise(p.Name, "a"+strconv.Itoa(k), period))
	}
	s.PowerFactor = 1
	if va > 0 {
		s.PowerFactor = math.Min(1, watts/va)
	}
	for k := range s.PhaseWatts {
		s.PhaseWatts[k] = s.PhaseAmps[k] * s.PhaseVolts[k] * s.PowerFactor
	}
	return s
}

// atsStateLocked renders the state of an ATS; m.mu is held.
func (v *View) atsStateLocked(now time.Time) *profile.ATSState {
	m, a := v.m, v.atsInv
	period := now.Sub(m.start).Milliseconds() / m.refresh.Milliseconds()
	af, _ := m.flow.ATS(a.Name)
	in := m.site.Circuit(a.Inputs[0])
	freq := 50.0
	if in.Volts < 200 {
		freq = 60
	}
	pref := 0
	if a.Preferred == a.Inputs[1] {
		pref = 1
	}
	if p, ok := m.faults.Preferred[a.Name]; ok {
		pref = p
	}
	s := &profile.ATSState{
		Name: a.Name, Vendor: a.Vendor, Model: a.Model, Serial: serial(a.Name), Uptime: m.uptime(a.Name, now), Now: now,
		RatedAmps: a.Amps, Volts: in.Volts, Frequency: freq,
		Selected: af.Selected, Preferred: pref, InputOK: af.InputLive,
		SwitchFailed: slices.Contains(m.faults.ATSFail, a.Name), PhaseSync: af.InputLive[0] && af.InputLive[1],
	}
	for i := range 2 {
		if af.InputLive[i] {
			s.InputVolts[i] = in.Volts * (1 + 0.004*m.noise(a.Name, "v"+strconv.Itoa(i), period))
			s.InputFreq[i] = freq + 0.02*m.noise(a.Name, "hz"+strconv.Itoa(i), period)
		}
	}
	if af.Live {
		s.OutputAmps = max(af.Phase[0], af.Phase[1], af.Phase[2]) * (1 + 0.005*m.noise(a.Name, "a", period))
		s.OutputWatts = s.OutputAmps * in.Volts * 0.95
	}
	s.OverCurrent = s.OutputAmps > a.Amps
	return s
}

func serial(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("FP%010d", h.Sum32())
}

// Get serves a GET.
func (v *View) Get(oid mib.OID) (mib.Value, mib.Status) { return v.current().Get(oid) }

// Next serves a GETNEXT.
func (v *View) Next(oid mib.OID) (mib.OID, mib.Value, bool) { return v.current().Next(oid) }

// Set decodes a SET through the vendor profile and applies its actions:
// switching an outlet de-powers or powers the supply plugged into it;
// changing an ATS's preferred input makes it transfer, if it can.
func (v *View) Set(vars []mib.Var) (int, error) {
	m := v.m
	m.mu.Lock()
	now := m.now()
	var acts []profile.Action
	var idx int
	var err error
	if v.pdu != nil {
		acts, idx, err = v.pdu.Set(v.pduStateLocked(now), vars)
	} else {
		acts, idx, err = v.ats.Set(v.atsStateLocked(now), vars)
	}
	m.mu.Unlock()
	if err != nil {
		return idx, err
	}
	err = m.Update(func(f *Faults) error {
		for _, a := range acts {
			v.applyAction(f, a)
		}
		return nil
	})
	return 0, err
}

func (v *View) applyAction(f *Faults, a profile.Action) {
	if v.ats != nil && a.Preferred >= 0 {
		if f.Preferred == nil {
			f.Preferred = map[string]int{}
		}
		f.Preferred[v.name] = a.Preferred
		return
	}
	outlets := []int{a.Outlet}
	if a.Outlet == 0 && v.inv != nil {
		outlets = outlets[:0]
		for n := 1; n <= v.inv.Outlets; n++ {
			outlets = append(outlets, n)
		}
	}
	for _, n := range outlets {
		key := v.name + ":" + strconv.Itoa(n)
		if a.Name != "" && a.Outlet > 0 {
			if f.Names == nil {
				f.Names = map[string]string{}
			}
			f.Names[key] = a.Name
		}
		switch a.Command {
		case "off":
			if !slices.Contains(f.OutletOff, key) {
				f.OutletOff = append(f.OutletOff, key)
			}
		case "on", "reboot":
			// A reboot cycles the outlet; the simulator models it as on.
			f.OutletOff = slices.DeleteFunc(f.OutletOff, func(s string) bool { return s == key })
		}
	}
	sort.Strings(f.OutletOff)
}

// Behaviour tells the agent how this device answers: slowly, lossily, or
// not at all (a dead card, or a PDU whose inlet is dark).
func (v *View) Behaviour() (time.Duration, bool) {
	m := v.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if slices.Contains(m.faults.Dead, v.name) {
		return 0, true
	}
	if v.inv != nil {
		if pf, _ := m.flow.PDU(v.name); !pf.Live {
			return 0, true // no power, no network card
		}
	} else if af, _ := m.flow.ATS(v.name); !af.InputLive[0] && !af.InputLive[1] {
		return 0, true // an ATS card runs off either input
	}
	var delay time.Duration
	if d, ok := m.faults.Slow[v.name]; ok {
		delay, _ = time.ParseDuration(d)
	}
	if r := m.faults.Drop[v.name]; r > 0 && rand.Float64() < r {
		return delay, true
	}
	return delay, false
}

var _ mib.View = (*View)(nil)

// Endpoint is where one device answers when every device has an address
// of its own.
type Endpoint struct {
	Device      string
	Addr        string          // host:port on loopback
	Communities []string        // the device's name, and its inventory community if it has one
	SNMP        *inventory.SNMP // the inventory's SNMP settings (v3 user and keys), or nil
}

// Users returns the SNMPv3 users the device's agent accepts: those given,
// and the device's own inventory user, so that a poller can use the
// inventory unchanged.
func (e Endpoint) Users(users []agent.User) []agent.User {
	s := e.SNMP
	if s == nil || s.Version != "3" || s.User == "" || slices.ContainsFunc(users, func(u agent.User) bool { return u.Name == s.User }) {
		return users
	}
	return append(slices.Clone(users), agent.User{Name: s.User, Auth: strings.ToUpper(s.AuthProto), AuthKey: s.AuthKey.Reveal(), Priv: strings.ToUpper(s.PrivProto), PrivKey: s.PrivKey.Reveal()})
}

// Endpoints gives each PDU and ATS an address of its own: its inventory
// SNMP address when that is on loopback, else the next free 127.0.1.x.
// port is used where the inventory gives none.
func (m *Model) Endpoints(port int) ([]Endpoint, error) {
	used := map[string]bool{}
	var out []Endpoint
	next := 1
	alloc := func() string {
		for {
			ip := fmt.Sprintf("127.0.%d.%d", 1+next/250, 1+next%250)
			next++
			if !used[ip] {
				return ip
			}
		}
	}
	type dev struct {
		name string
		snmp *inventory.SNMP
	}
	var devs []dev
	for _, p := range m.site.PDUs {
		devs = append(devs, dev{p.Name, p.SNMP})
	}
	for _, a := range m.site.ATS {
		devs = append(devs, dev{a.Name, a.SNMP})
	}
	hosts := make([]string, len(devs))
	ports := make([]int, len(devs))
	for i, d := range devs {
		ports[i] = port
		if d.snmp == nil {
			continue
		}
		host, p := d.snmp.Address, ""
		if h, pp, err := net.SplitHostPort(d.snmp.Address); err == nil {
			host, p = h, pp
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() && ip.To4() != nil {
			key := host + ":" + p
			if used[key] {
				return nil, fmt.Errorf("%s and another device share the address %s", d.name, d.snmp.Address)
			}
			used[key], used[host] = true, true
			hosts[i] = host
			if p != "" {
				n, err := strconv.Atoi(p)
				if err != nil {
					return nil, fmt.Errorf("%s: snmp address %q: bad port", d.name, d.snmp.Address)
				}
				ports[i] = n
			}
		}
	}
	for i, d := range devs {
		if hosts[i] == "" {
			hosts[i] = alloc()
			used[hosts[i]] = true
		}
		e := Endpoint{Device: d.name, Addr: net.JoinHostPort(hosts[i], strconv.Itoa(ports[i])), Communities: []string{d.name}, SNMP: d.snmp}
		if d.snmp != nil && d.snmp.Community != "" {
			e.Communities = append(e.Communities, d.snmp.Community.Reveal())
		}
		out = append(out, e)
	}
	return out, nil
}
