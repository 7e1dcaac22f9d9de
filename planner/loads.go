package planner

import (
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
	devW   []float64         // per device, W
	weight []float64         // per PSU: its share while all are live
	fixed  map[int32]float64 // outlet node → amps drawn by something the inventory does not list

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
				a = r.Watts / g.Site.PDU(plug.PDU).Volts
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
	return l
}
