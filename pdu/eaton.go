package pdu

import (
	"context"
	"fmt"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
)

// eatonEPDU reads Eaton G2/G3 ePDUs (EATON-EPDU-MIB, NOTES §1e): the
// master unit, strappingIndex 0, only (daisy-chained units 1.. are
// separate PDUs in an inventory). Every instance starts with the strap:
// productName.0, inputCurrent.0.input.n, outletName.0.outlet.
//
// It walks one column per table for the strap's rows (the …MeasType
// columns of the input voltage, current and power tables, groupType,
// outletName), then GETs, in batches, the columns it needs of those rows:
//
//   - Phases: the first input's current rows (inputCurrentMeasType
//     singlePhase or phase1..3; neutral rows are left out): inputCurrent
//     (mA), inputCurrentCapacity (mA), inputCurrentThStatus; the voltage
//     row of the same phase, line to neutral where there is one (mV); the
//     power row of the same phase: inputWatts (W) and inputPowerFactor
//     (0.001, taken as its magnitude: some firmware sends -946 for 0.946).
//   - Watts, EnergyKWh: inputTotalWatts (W) and inputTotalWh (Wh) summed
//     over the strap's inputs.
//   - Banks: the breaker groups (groupType breaker1pole..3pole, or a group
//     of unknown type that has a breaker status), numbered 1.. in table
//     order: groupCurrent, groupCurrentCapacity (mA), Tripped from
//     groupBreakerStatus (breakerOff), the phase from
//     groupVoltageMeasType. Outlet sections and user-defined groups are
//     not banks.
//   - Outlets: outletName, outletCurrent (mA), outletWatts (W), outletWh
//     (Wh), On from outletControlStatus (off0, on1, pendingOff2 still on,
//     pendingOn3 still off) unless outletControlSwitchable says
//     notSwitchable.
//
// Any negative value means "not available" and is absent.
type eatonEPDU struct{}

// eatonStrap is the strappingIndex read: the master unit.
const eatonStrap = 0

func (eatonEPDU) Name() string { return "eaton-epdu" }

func (eatonEPDU) Matches(sysObjectID string) bool {
	return oidWithin(sysObjectID, oids.SysObjectIDEatonEPDU)
}

// Probe asks the unit table for the master's product name, part number
// and firmware version (the EMA114-10 recording serves no productName).
func (eatonEPDU) Probe(ctx context.Context, c Client) bool {
	s := fmt.Sprintf(".%d", eatonStrap)
	return anyAnswers(ctx, c, oids.EPDUProductName+s, oids.EPDUPartNumber+s, oids.EPDUFirmwareVersion+s)
}

// Values of groupBreakerStatus and outletControlSwitchable, which oids
// does not name.
const (
	eatonBreakerOn     = 1
	eatonBreakerOff    = 2
	eatonNotSwitchable = 2
)

// eatonCurrentPhase is the phase of an inputCurrentMeasType: singlePhase1
// → 1, phase1..3 (3..5) → 1..3, neutral2 → 0.
func eatonCurrentPhase(m int64) int {
	switch {
	case m == 1:
		return 1
	case m >= 3 && m <= 5:
		return int(m) - 2
	}
	return 0
}

// eatonVoltagePhase is the phase of an EPDUMeasType, and whether it is
// line to neutral (or the single phase).
func eatonVoltagePhase(m int64) (int, bool) {
	switch t := oids.EPDUMeasType(m); {
	case t == oids.EPDUSinglePhase:
		return 1, true
	case t >= oids.EPDUPhase1toN && t <= oids.EPDUPhase3toN:
		return int(t-oids.EPDUPhase1toN) + 1, true
	case t >= oids.EPDUPhase1to2 && t <= oids.EPDUPhase3to1:
		return int(t-oids.EPDUPhase1to2) + 1, false
	}
	return 0, false
}

func (eatonEPDU) Read(ctx context.Context, c Client, r *Reading) error {
	f := newSnmpFetch(c, r)
	s := fmt.Sprintf(".%d", eatonStrap)
	currents := Rows(f.walk(ctx, "input currents", oids.EPDUInputCurrentMeasType+s), oids.EPDUInputCurrentEntry)
	voltages := Rows(f.walk(ctx, "input voltages", oids.EPDUInputVoltageMeasType+s), oids.EPDUInputVoltageEntry)
	powers := Rows(f.walk(ctx, "input power", oids.EPDUInputPowerMeasType+s), oids.EPDUInputPowerEntry)
	groups := Rows(f.walk(ctx, "groups", oids.EPDUGroupType+s), oids.EPDUGroupEntry)
	names := Rows(f.walk(ctx, "outlet names", oids.EPDUOutletName+s), oids.EPDUOutletEntry)

	// The strap's inputs (strap.input), from any of the input tables.
	inputs := map[string]bool{}
	for _, rows := range []map[string]map[int]gosnmp.SnmpPDU{currents, voltages, powers} {
		for index := range rows {
			if a := indexArcs(index); len(a) == 3 {
				inputs[fmt.Sprintf("%d.%d", a[0], a[1])] = true
			}
		}
	}
	if len(inputs) == 0 {
		inputs[fmt.Sprintf("%d.1", eatonStrap)] = true
	}
	first := sortedKeys(inputs)[0]

	batch := []string{
		oids.EPDUProductName + s, oids.EPDUPartNumber + s, oids.EPDUSerialNumber + s, oids.EPDUFirmwareVersion + s,
		oids.EPDUGroupCount + s, oids.EPDUOutletCount + s,
	}
	for _, in := range sortedKeys(inputs) {
		batch = append(batch, oids.EPDUInputTotalWatts+"."+in, oids.EPDUInputTotalWh+"."+in)
	}
	batch = appendColumns(batch, sortedKeys(currents), oids.EPDUInputCurrent, oids.EPDUInputCurrentCapacity, oids.EPDUInputCurrentThStatus)
	batch = appendColumns(batch, sortedKeys(voltages), oids.EPDUInputVoltage)
	batch = appendColumns(batch, sortedKeys(powers), oids.EPDUInputWatts, oids.EPDUInputPowerFactor)
	batch = appendColumns(batch, sortedKeys(groups), oids.EPDUGroupBreakerStatus, oids.EPDUGroupCurrent,
		oids.EPDUGroupCurrentCapacity, oids.EPDUGroupCurrentThStatus, oids.EPDUGroupVoltageMeasType)
	batch = appendColumns(batch, sortedKeys(names), oids.EPDUOutletCurrent, oids.EPDUOutletWatts, oids.EPDUOutletWh,
		oids.EPDUOutletControlStatus, oids.EPDUOutletControlSwitchable)
	f.get(ctx, "inputs, groups and outlets", batch)
	at := func(col, index string) gosnmp.SnmpPDU { return f.v(col + "." + index) }

	r.Model, _ = Str(f.v(oids.EPDUPartNumber + s))
	if r.Model == "" {
		r.Model, _ = Str(f.v(oids.EPDUProductName + s))
	}
	r.Serial, _ = Str(f.v(oids.EPDUSerialNumber + s))
	r.Firmware, _ = Str(f.v(oids.EPDUFirmwareVersion + s))
	for _, in := range sortedKeys(inputs) {
		r.Watts = addTo(r.Watts, ratio(at(oids.EPDUInputTotalWatts, in), 1, 0))
		if wh := ratio(at(oids.EPDUInputTotalWh, in), 1, 0); wh != nil {
			r.EnergyKWh = addTo(r.EnergyKWh, F(*wh/1000))
		}
	}

	// Phases of the first input: by current row, with the voltage and
	// power rows of the same phase.
	volts := map[int]*float64{}
	lineToNeutral := map[int]bool{}
	for _, v := range sortedKeys(voltages) {
		m, ok := Int(voltages[v][2])
		ph, ln := eatonVoltagePhase(m)
		if !ok {
			ph, ln = lastArc(v), true // no measurement type: the row number
		}
		if ph == 0 || !inputOf(v, first) || lineToNeutral[ph] && !ln {
			continue
		}
		if x := ratio(at(oids.EPDUInputVoltage, v), 1000, 0); x != nil {
			volts[ph], lineToNeutral[ph] = x, ln
		}
	}
	watts, pf := map[int]*float64{}, map[int]*float64{}
	for _, p := range sortedKeys(powers) {
		m, ok := Int(powers[p][2])
		ph := int(m) // phase1..3; not total (4)
		if !ok || m == 0 {
			ph = lastArc(p) // no or an unknown measurement type: the row number
		}
		if ph < 1 || ph > 3 || !inputOf(p, first) {
			continue
		}
		watts[ph] = ratio(at(oids.EPDUInputWatts, p), 1, 0)
		if n, ok := Int(at(oids.EPDUInputPowerFactor, p)); ok && n >= -1000 && n <= 1000 {
			pf[ph] = F(float64(max(n, -n)) / 1000)
		}
	}
	for _, cr := range sortedKeys(currents) {
		m, ok := Int(currents[cr][2])
		ph := eatonCurrentPhase(m)
		if !ok {
			ph = lastArc(cr) // no measurement type: the row number
		}
		if ph == 0 || !inputOf(cr, first) {
			continue
		}
		r.Phases = append(r.Phases, Phase{
			Number:    ph,
			Amps:      ratio(at(oids.EPDUInputCurrent, cr), 1000, 0),
			RatedAmps: ratio(at(oids.EPDUInputCurrentCapacity, cr), 1000, 1),
			Volts:     volts[ph],
			Watts:     watts[ph],
			PF:        pf[ph],
			LoadState: eatonLoadState(at(oids.EPDUInputCurrentThStatus, cr)),
		})
	}

	// Banks: the breaker groups.
	for _, g := range sortedKeys(groups) {
		typ, _ := Int(groups[g][4])
		breaker, hasBreaker := Int(at(oids.EPDUGroupBreakerStatus, g))
		switch t := oids.EPDUGroupTypeValue(typ); {
		case t >= oids.EPDUGroupBreaker1Pole && t <= oids.EPDUGroupBreaker3Pole:
		case t == 0 && hasBreaker && (breaker == eatonBreakerOn || breaker == eatonBreakerOff):
		default:
			continue
		}
		b := Bank{
			Number:    len(r.Banks) + 1,
			Amps:      ratio(at(oids.EPDUGroupCurrent, g), 1000, 0),
			RatedAmps: ratio(at(oids.EPDUGroupCurrentCapacity, g), 1000, 1),
			LoadState: eatonLoadState(at(oids.EPDUGroupCurrentThStatus, g)),
		}
		if m, ok := Int(at(oids.EPDUGroupVoltageMeasType, g)); ok {
			b.Phase, _ = eatonVoltagePhase(m)
		}
		switch breaker {
		case eatonBreakerOn:
			b.Tripped = B(false)
		case eatonBreakerOff:
			b.Tripped = B(true)
		}
		r.Banks = append(r.Banks, b)
	}

	for _, o := range sortedKeys(names) {
		out := Outlet{
			Number: lastArc(o),
			Amps:   ratio(at(oids.EPDUOutletCurrent, o), 1000, 0),
			Watts:  ratio(at(oids.EPDUOutletWatts, o), 1, 0),
		}
		out.Name, _ = Str(names[o][3])
		if wh := ratio(at(oids.EPDUOutletWh, o), 1, 0); wh != nil {
			out.EnergyKWh = F(*wh / 1000)
		}
		st, ok := Int(at(oids.EPDUOutletControlStatus, o))
		if sw, known := Int(at(oids.EPDUOutletControlSwitchable, o)); ok && !(known && sw == eatonNotSwitchable) {
			switch oids.EPDUOutletStatus(st) {
			case oids.EPDUOutletOn, oids.EPDUOutletPendingOff:
				out.On = B(true)
			case oids.EPDUOutletOff, oids.EPDUOutletPendingOn:
				out.On = B(false)
			}
		}
		r.Outlets = append(r.Outlets, out)
	}
	f.expect("outlets", f.v(oids.EPDUOutletCount+s), len(r.Outlets))
	f.expect("groups", f.v(oids.EPDUGroupCount+s), len(groups))
	return f.result("EATON-EPDU-MIB")
}

// inputOf reports whether a strap.input.n row belongs to input (strap.input).
func inputOf(row, input string) bool {
	a, b := indexArcs(row), indexArcs(input)
	return len(a) == 3 && len(b) == 2 && a[0] == b[0] && a[1] == b[1]
}

// SwitchOutlet writes 0 (now) to outletControlOffCmd, OnCmd or
// RebootCmd of the master's outlet.
func (eatonEPDU) SwitchOutlet(ctx context.Context, c Client, outlet int, cmd OutletCommand) error {
	col, ok := map[OutletCommand]string{
		On: oids.EPDUOutletControlOnCmd, Off: oids.EPDUOutletControlOffCmd, Reboot: oids.EPDUOutletControlRebootCmd,
	}[cmd]
	if !ok {
		return fmt.Errorf("outlet command %q: want on, off or reboot", cmd)
	}
	return setOutlet(ctx, c, outlet, cmd, fmt.Sprintf("%s.%d.%d", col, eatonStrap, outlet), oids.EPDUCommandNow)
}

var _ OutletSwitcher = eatonEPDU{}

// eatonLoadState words a …ThStatus.
func eatonLoadState(v gosnmp.SnmpPDU) string {
	st, ok := Int(v)
	if !ok {
		return ""
	}
	switch oids.EPDUThStatus(st) {
	case oids.EPDUThGood:
		return "normal"
	case oids.EPDUThLowWarning, oids.EPDUThLowCritical:
		return "low"
	case oids.EPDUThHighWarning:
		return "near-overload"
	case oids.EPDUThHighCritical:
		return "overload"
	}
	return ""
}
