package planner

// Flow is the energised state of a site under a scenario, element by
// element: what is live and what current flows where. The simulator
// renders its SNMP values from it.
type Flow struct {
	g *Graph
	s *state
	l *Loads
}

// PDUFlow is one rack PDU under a scenario. Phase currents are in the
// PDU's own phases (L1 is index 0).
type PDUFlow struct {
	Live    bool
	Tripped bool
	Phase   [3]float64
	Banks   []BankFlow
	Outlets []OutletFlow // outlet n at index n-1
}

// BankFlow is one bank of a PDU.
type BankFlow struct {
	Live    bool
	Tripped bool
	Amps    float64
}

// OutletFlow is one outlet: live when its bank is, drawing what the device
// plugged into it draws through it.
type OutletFlow struct {
	Live   bool
	Amps   float64
	Watts  float64
	Device string // the device plugged in, if any
	PSU    int    // its supply number (1-based), if any
}

// ATSFlow is one ATS under a scenario.
type ATSFlow struct {
	Live      bool
	Selected  int // 0 first input, 1 second, -1 dark
	InputLive [2]bool
	Phase     [3]float64
}

// Flow evaluates a scenario (cascade included) and keeps the per-element
// state. Unlike Evaluate it allocates a fresh working set the Flow owns.
func (e *Evaluator) Flow(sc Scenario) (*Flow, error) {
	s := newState(e.g)
	if err := e.failNodes(s, &sc); err != nil {
		return nil, err
	}
	e.g.run(s, &sc, e.l)
	return &Flow{g: e.g, s: s, l: e.l}, nil
}

// Live reports whether an element is energised.
func (f *Flow) Live(el Element) bool {
	i, ok := f.g.byName[el]
	return ok && f.s.live[i]
}

// PDU returns the state of a PDU by name.
func (f *Flow) PDU(name string) (PDUFlow, bool) {
	g, s := f.g, f.s
	pn, ok := g.pdus[name]
	if !ok {
		return PDUFlow{}, false
	}
	pf := PDUFlow{Live: s.live[pn.pdu], Tripped: s.tripped[pn.pdu] > 0, Phase: s.load[pn.pdu]}
	pf.Banks = make([]BankFlow, pn.nbank)
	for b := range pf.Banks {
		i := pn.bank0 + int32(b)
		pf.Banks[b] = BankFlow{Live: s.live[i], Tripped: s.tripped[i] > 0, Amps: s.load[i][0]}
	}
	pf.Outlets = make([]OutletFlow, pn.noutlet)
	volts := g.Site.PDU(name).Volts
	for o := range pf.Outlets {
		i := pn.outlet0 + int32(o)
		of := OutletFlow{Live: s.live[i], Amps: s.load[i][0]}
		pf_ := 1.0
		if p := g.outDev[i]; p >= 0 {
			d := &g.devices[g.psuDev[p]]
			of.Device, of.PSU, pf_ = d.dev.Name, int(p-d.psu0)+1, d.pf
		}
		of.Watts = of.Amps * volts * pf_
		pf.Outlets[o] = of
	}
	return pf, true
}

// ATS returns the state of an ATS by name.
func (f *Flow) ATS(name string) (ATSFlow, bool) {
	g, s := f.g, f.s
	i, ok := g.byName[Element{ATS, name}]
	if !ok {
		return ATSFlow{}, false
	}
	a := g.atsOf[i]
	an := &g.ats[a]
	return ATSFlow{
		Live:      s.live[i],
		Selected:  int(s.sel[a]),
		InputLive: [2]bool{s.live[an.in[0]], s.live[an.in[1]]},
		Phase:     s.load[i],
	}, true
}

// Running reports whether a device runs.
func (f *Flow) Running(device string) bool {
	for di := range f.g.devices {
		if f.g.devices[di].dev.Name == device {
			return f.s.running[di]
		}
	}
	return false
}

// Tripped lists the breakers, banks and inlets that tripped in the
// cascade, in graph order.
func (f *Flow) Tripped() []Element {
	var out []Element
	for i := int32(0); i < int32(f.g.n); i++ {
		if f.s.tripped[i] > 0 {
			out = append(out, f.g.element(i))
		}
	}
	return out
}
