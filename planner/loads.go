package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"feedplan/inventory"
)

// Reading is what a PDU measured on one outlet. A zero field was not
// measured.
type Reading struct {
	Amps  float64 `json:"amps,omitempty"`
	Watts float64 `json:"watts,omitempty"`
}

// Snapshot is a set of measured outlet loads, as the pdu package reads
// them off the hardware.
type Snapshot struct {
	Taken   time.Time                  `json:"taken"`
	Outlets map[inventory.Plug]Reading `json:"-"`
}

// Loads is the draw of every device, ready for evaluation: its total
// power and how it splits over its power supplies while all are live.
type Loads struct {
	devW     []float64         // per device, W
	weight   []float64         // per PSU: its share while all are live
	fixed    map[int32]float64 // outlet node → amps drawn by something the inventory does not list
	broken   []bool            // per PSU: dead although its outlet is live (nil: none)
	atsInput []int8            // per ATS: the input it runs on when both are live, -1 the inventory's preferred (nil: none)

	Utilisation float64 // share of nameplate assumed where nothing was measured
	Measured    int     // devices whose draw was measured
	Estimated   int     // devices whose draw is nameplate × utilisation
	Unlisted    []inventory.Plug
}

// NewLoads works out every device's draw: measured per outlet where the
// snapshot has all of a device's supplies, else nameplate × utilisation
// split evenly. snap may be nil.
func (g *Graph) NewLoads(snap *Snapshot, utilisation float64) *Loads {
	l := &Loads{
		devW:        make([]float64, len(g.devices)),
		weight:      make([]float64, len(g.psuOut)),
		Utilisation: utilisation,
	}
	for di, d := range g.devices {
		measured, total := snap != nil, 0.0
		for p := d.psu0; p < d.psu0+d.npsu && measured; p++ {
			plug := d.dev.PSUs[p-d.psu0]
			if plug.Unplugged() {
				continue
			}
			r, ok := snap.Outlets[plug]
			if !ok {
				measured = false
				break
			}
			w := r.Watts
			if w == 0 {
				w = r.Amps * g.psuVolt[p] * d.pf
			}
			l.weight[p] = w
			total += w
		}
		if measured && total > 0 {
			l.devW[di] = total
			for p := d.psu0; p < d.psu0+d.npsu; p++ {
				l.weight[p] /= total
			}
			l.Measured++
			continue
		}
		l.devW[di] = d.nameplat * utilisation
		for p := d.psu0; p < d.psu0+d.npsu; p++ {
			l.weight[p] = 1
		}
		l.Estimated++
	}
	if snap != nil {
		for plug, r := range snap.Outlets {
			i, ok := g.byName[Element{Outlet, plug.String()}]
			if !ok || g.outDev[i] >= 0 {
				continue
			}
			a := r.Amps
			if a == 0 && r.Watts > 0 {
				// Nothing is known of what draws it: take a server's PF.
				a = r.Watts / (g.Site.PDU(plug.PDU).Volts * inventory.DefaultPF)
			}
			if a > 0 {
				if l.fixed == nil {
					l.fixed = make(map[int32]float64)
				}
				l.fixed[i] = a
				l.Unlisted = append(l.Unlisted, plug)
			}
		}
	}
	slices.SortFunc(l.Unlisted, func(a, b inventory.Plug) int {
		if c := strings.Compare(a.PDU, b.PDU); c != 0 {
			return c
		}
		return a.Outlet - b.Outlet
	})
	return l
}

// Clone returns a copy that can be changed without touching l.
func (l *Loads) Clone() *Loads {
	c := *l
	c.devW = append([]float64(nil), l.devW...)
	c.weight = append([]float64(nil), l.weight...)
	if l.broken != nil {
		c.broken = append([]bool(nil), l.broken...)
	}
	if l.atsInput != nil {
		c.atsInput = append([]int8(nil), l.atsInput...)
	}
	c.fixed = make(map[int32]float64, len(l.fixed))
	for k, v := range l.fixed {
		c.fixed[k] = v
	}
	return &c
}

func (g *Graph) deviceIndex(name string) (int, error) {
	for di := range g.devices {
		if g.devices[di].dev.Name == name {
			return di, nil
		}
	}
	return -1, fmt.Errorf("device %q is not in site %q", name, g.Site.Name)
}

// ScaleDevice multiplies a device's draw (a device that draws more than
// planned, or less).
func (g *Graph) ScaleDevice(l *Loads, device string, factor float64) error {
	di, err := g.deviceIndex(device)
	if err != nil {
		return err
	}
	if factor < 0 {
		return fmt.Errorf("device %q: draw factor %g is negative", device, factor)
	}
	l.devW[di] *= factor
	return nil
}

// BreakPSU marks one supply of a device as dead although its outlet is
// live: it draws nothing and does not count towards min_psus — the
// silent failure the next feed cut exposes. psu is 1-based.
func (g *Graph) BreakPSU(l *Loads, device string, psu int, broken bool) error {
	di, err := g.deviceIndex(device)
	if err != nil {
		return err
	}
	d := &g.devices[di]
	if psu < 1 || psu > int(d.npsu) {
		return fmt.Errorf("device %q has no psu%d (it has %d)", device, psu, d.npsu)
	}
	if l.broken == nil {
		l.broken = make([]bool, len(g.psuOut))
	}
	l.broken[d.psu0+int32(psu-1)] = broken
	return nil
}

// feeds reports whether supply p delivers power when its outlet is live.
func (l *Loads) feeds(p int32) bool { return l.broken == nil || !l.broken[p] }

// SetATSInput says which input an ATS runs on while both are live (0 its
// first, 1 its second): what a poll found, or what an SNMP SET of its
// preferred source chose. Every scenario evaluated with these loads, and
// their baseline, starts from it. -1 goes back to the inventory's
// preferred input.
func (g *Graph) SetATSInput(l *Loads, ats string, input int) error {
	i, ok := g.byName[Element{ATS, ats}]
	if !ok {
		return fmt.Errorf("ats %q is not in site %q", ats, g.Site.Name)
	}
	if input < -1 || input > 1 {
		return fmt.Errorf("ats %q: input %d: want 0, 1 or -1", ats, input)
	}
	if l.atsInput == nil {
		l.atsInput = make([]int8, len(g.ats))
		for k := range l.atsInput {
			l.atsInput[k] = -1
		}
	}
	l.atsInput[g.atsOf[i]] = int8(input)
	return nil
}
