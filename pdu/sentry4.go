package pdu

import (
	"context"
	"fmt"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
)

// sentry4 reads ServerTech PRO2/PRO1 units (Sentry4-MIB, NOTES §1d): the
// master unit (unit 1, ID "A") only. Link units (unit 2.., "B"…) answer
// on the master's agent but are separate PDUs in an inventory, each on
// its own circuit; reading them into the master's Reading would mix two
// PDUs, so they are left out (a Target option could select one later).
//
// Lines, phases, branches and outlets are indexed unit.cord.n. It walks
// one column per table to find the rows of the master's first cord (the
// cords' ID, line and branch State, outlet Name), then GETs, in batches,
// the columns it needs of those rows (a phase with the line of the same
// number):
//
//   - Phases: the cord's lines (L1..L3, or L): st4LineCurrent (0.01 A),
//     st4LineCurrentCapacity (A, else the cord's st4InputCordCurrentCapacity),
//     and from the phase of the same number st4PhaseVoltage (0.1 V),
//     st4PhaseActivePower (W) and st4PhasePowerFactor (0.01). On a delta
//     cord phase n is the pair Ln-Ln+1, so its voltage is line to line.
//   - Watts, EnergyKWh: st4InputCordActivePower (W) and st4InputCordEnergy
//     (0.1 kWh) summed over the master's cords.
//   - Banks: the branches: st4BranchCurrent (0.01 A), st4BranchCurrentCapacity
//     (A), the phase from st4BranchPhaseID ("AA2" → 2), Tripped from
//     st4BranchStatus (breakerTripped, fuseBlown).
//   - Outlets: st4OutletName, st4OutletCurrent (0.01 A), st4OutletActivePower
//     (W), st4OutletEnergy (Wh), and On from st4OutletState (on1/off2) on
//     outlets whose st4OutletCapabilities say switched.
//
// Thresholds (0.1 A) are not read; the load states come from the
// …CurrentStatus columns. -1 ("not available") is absent.
type sentry4 struct{}

// sentry4FuseBlown is the DeviceStatus fuseBlown(13), which oids does
// not name.
const sentry4FuseBlown oids.St4DeviceStatus = 13

// Master unit and its cord whose lines, branches and outlets are read.
const (
	sentry4Unit = 1
	sentry4Cord = 1
)

func (sentry4) Name() string { return "servertech-sentry4" }

func (sentry4) Matches(sysObjectID string) bool {
	return oidWithin(sysObjectID, oids.SysObjectIDSentry4)
}

// Probe asks for st4SystemProductName, and the firmware version beside
// it: the LibreNMS recording of a C2S42CE serves the version only.
func (sentry4) Probe(ctx context.Context, c Client) bool {
	return anyAnswers(ctx, c, oids.St4SystemProductName+".0", oids.St4SystemFirmwareVersion+".0")
}

func (sentry4) Read(ctx context.Context, c Client, r *Reading) error {
	f := newSnmpFetch(c, r)
	unit := fmt.Sprintf(".%d", sentry4Unit)
	cord := fmt.Sprintf("%d.%d", sentry4Unit, sentry4Cord)
	cords := sortedKeys(Rows(f.walk(ctx, "input cords", oids.St4InputCordID+unit), oids.St4InputCordConfigEntry))
	if len(cords) == 0 {
		cords = []string{cord}
	}
	lines := sortedKeys(Rows(f.walk(ctx, "lines", oids.St4LineState+"."+cord), oids.St4LineMonitorEntry))
	branches := sortedKeys(Rows(f.walk(ctx, "branches", oids.St4BranchState+"."+cord), oids.St4BranchMonitorEntry))
	names := Rows(f.walk(ctx, "outlet names", oids.St4OutletName+"."+cord), oids.St4OutletConfigEntry)
	outlets := sortedKeys(names)

	batch := []string{
		oids.St4SystemFirmwareVersion + ".0", oids.St4UnitModel + unit, oids.St4UnitProductSN + unit,
		oids.St4InputCordCurrentCapacity + "." + cord, oids.St4InputCordLineCount + "." + cord,
		oids.St4InputCordBranchCount + "." + cord, oids.St4InputCordOutletCount + "." + cord,
	}
	for _, cd := range cords {
		batch = append(batch, oids.St4InputCordActivePower+"."+cd, oids.St4InputCordEnergy+"."+cd)
	}
	batch = appendColumns(batch, lines, oids.St4LineCurrent, oids.St4LineCurrentCapacity, oids.St4LineCurrentStatus)
	batch = appendColumns(batch, lines, oids.St4PhaseVoltage, oids.St4PhaseActivePower, oids.St4PhasePowerFactor) // phase n beside line n
	batch = appendColumns(batch, branches, oids.St4BranchCurrent, oids.St4BranchCurrentCapacity,
		oids.St4BranchStatus, oids.St4BranchCurrentStatus, oids.St4BranchPhaseID)
	batch = appendColumns(batch, outlets, oids.St4OutletCapabilities, oids.St4OutletState,
		oids.St4OutletCurrent, oids.St4OutletActivePower, oids.St4OutletEnergy)
	f.get(ctx, "cords, lines, phases, branches and outlets", batch)
	at := func(col, index string) gosnmp.SnmpPDU { return f.v(col + "." + index) }

	r.Firmware, _ = Str(f.v(oids.St4SystemFirmwareVersion + ".0"))
	r.Model, _ = Str(f.v(oids.St4UnitModel + unit))
	r.Serial, _ = Str(f.v(oids.St4UnitProductSN + unit))
	for _, cd := range cords {
		r.Watts = addTo(r.Watts, ratio(at(oids.St4InputCordActivePower, cd), 1, 0))
		r.EnergyKWh = addTo(r.EnergyKWh, ratio(at(oids.St4InputCordEnergy, cd), 10, 0))
	}

	cordRating := ratio(at(oids.St4InputCordCurrentCapacity, cord), 1, 1)
	for _, l := range lines {
		ph := Phase{
			Number:    lastArc(l),
			Amps:      ratio(at(oids.St4LineCurrent, l), 100, 0),
			RatedAmps: ratio(at(oids.St4LineCurrentCapacity, l), 1, 1),
			Volts:     ratio(at(oids.St4PhaseVoltage, l), 10, 0), // the phase of the same number
			Watts:     ratio(at(oids.St4PhaseActivePower, l), 1, 0),
			PF:        ratio(at(oids.St4PhasePowerFactor, l), 100, 0),
			LoadState: sentry4LoadState(at(oids.St4LineCurrentStatus, l)),
		}
		if ph.RatedAmps == nil {
			ph.RatedAmps = cordRating
		}
		r.Phases = append(r.Phases, ph)
	}

	for _, b := range branches {
		bank := Bank{
			Number:    lastArc(b),
			Amps:      ratio(at(oids.St4BranchCurrent, b), 100, 0),
			RatedAmps: ratio(at(oids.St4BranchCurrentCapacity, b), 1, 1),
			LoadState: sentry4LoadState(at(oids.St4BranchCurrentStatus, b)),
		}
		if id, ok := Str(at(oids.St4BranchPhaseID, b)); ok {
			bank.Phase = trailingNumber(id)
		}
		if st, ok := Int(at(oids.St4BranchStatus, b)); ok {
			switch oids.St4DeviceStatus(st) {
			case oids.St4StatusBreakerTripped, sentry4FuseBlown:
				bank.Tripped = B(true)
			case oids.St4StatusNormal, oids.St4StatusLowAlarm, oids.St4StatusLowWarning,
				oids.St4StatusHighWarning, oids.St4StatusHighAlarm:
				bank.Tripped = B(false)
			}
		}
		r.Banks = append(r.Banks, bank)
	}

	for _, o := range outlets {
		out := Outlet{
			Number: lastArc(o),
			Amps:   ratio(at(oids.St4OutletCurrent, o), 100, 0),
			Watts:  ratio(at(oids.St4OutletActivePower, o), 1, 0),
		}
		out.Name, _ = Str(names[o][3])
		if wh := ratio(at(oids.St4OutletEnergy, o), 1, 0); wh != nil {
			out.EnergyKWh = F(*wh / 1000)
		}
		// BITS switched(0), pops(1): bit 0 is the first octet's top bit.
		caps, known := at(oids.St4OutletCapabilities, o).Value.([]byte)
		switched := !known || len(caps) > 0 && caps[0]&0x80 != 0
		if st, ok := Int(at(oids.St4OutletState, o)); ok && switched {
			switch oids.St4DeviceState(st) {
			case oids.St4StateOn:
				out.On = B(true)
			case oids.St4StateOff:
				out.On = B(false)
			}
		}
		r.Outlets = append(r.Outlets, out)
	}
	f.expect("lines", at(oids.St4InputCordLineCount, cord), len(r.Phases))
	f.expect("branches", at(oids.St4InputCordBranchCount, cord), len(r.Banks))
	f.expect("outlets", at(oids.St4InputCordOutletCount, cord), len(r.Outlets))
	return f.result("Sentry4-MIB")
}

// SwitchOutlet sets st4OutletControlAction of the master's first cord's
// outlet: on, off or reboot.
func (sentry4) SwitchOutlet(ctx context.Context, c Client, outlet int, cmd OutletCommand) error {
	action, ok := map[OutletCommand]oids.St4OutletAction{
		On: oids.St4ActionOn, Off: oids.St4ActionOff, Reboot: oids.St4ActionReboot,
	}[cmd]
	if !ok {
		return fmt.Errorf("outlet command %q: want on, off or reboot", cmd)
	}
	oid := fmt.Sprintf("%s.%d.%d.%d", oids.St4OutletControlAction, sentry4Unit, sentry4Cord, outlet)
	return setOutlet(ctx, c, outlet, cmd, oid, int(action))
}

var _ OutletSwitcher = sentry4{}

// sentry4LoadState words a …CurrentStatus.
func sentry4LoadState(v gosnmp.SnmpPDU) string {
	st, ok := Int(v)
	if !ok {
		return ""
	}
	switch oids.St4DeviceStatus(st) {
	case oids.St4StatusNormal:
		return "normal"
	case oids.St4StatusLowAlarm, oids.St4StatusLowWarning:
		return "low"
	case oids.St4StatusHighWarning:
		return "near-overload"
	case oids.St4StatusHighAlarm:
		return "overload"
	}
	return ""
}

// appendColumns appends column.index for every column and row.
func appendColumns(batch, rows []string, columns ...string) []string {
	for _, row := range rows {
		for _, col := range columns {
			batch = append(batch, col+"."+row)
		}
	}
	return batch
}

// trailingNumber is the number an ID ends with ("AA2" → 2), or 0.
func trailingNumber(s string) int {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n := 0
	for _, c := range s[i:] {
		n = n*10 + int(c-'0')
		if n > 1<<20 {
			return 0
		}
	}
	return n
}
