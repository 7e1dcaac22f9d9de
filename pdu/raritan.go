package pdu

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
)

// raritanPX reads Raritan PX2/PX3/PX4 and PX3TS units (PDU2-MIB, NOTES
// §1c): the primary unit (pduId 1) only; link units (pduId 2..) that
// share its agent are not read.
//
// It walks the DecimalDigits column of the inlet, inlet pole and
// overcurrent protector sensor configuration tables (which sensors exist,
// and the scale of each: value / 10^digits) and the outlet names. Outlets
// carry the same few sensors each, so it GETs their DecimalDigits with
// the measurements (IsAvailable, State, Value) of every sensor it needs,
// in batches, rather than walk the outlet sensor table (8 rows an outlet
// on a PX3). A sensor whose IsAvailable is false or whose State is
// unavailable (-1) is absent; firmware that serves neither (PX2 030004)
// has its values taken as they are.
//
//   - Phases: the poles of the inlet (L1..L3 by inletPoleLine) when the
//     inlet measures per pole (three-phase), else the inlet itself as
//     phase 1: rmsCurrent, rmsVoltage, activePower, powerFactor; the
//     rating is inletRatedCurrent ("32A"). The inlet is inlet 1, or on a
//     transfer switch the active inlet.
//   - Watts, EnergyKWh: activePower and activeEnergy (Wh) summed over the
//     unit's inlets.
//   - Banks: the overcurrent protectors (C1, C2 …): rmsCurrent, the
//     rating from overCurrentProtectorRatedCurrent ("16A"), Tripped from
//     the trip sensor (open = tripped, closed = not).
//   - Outlets: outletName, rmsCurrent, activePower, activeEnergy, and On
//     from the onOff sensor, or from outletSwitchingState on units whose
//     outlets have no onOff sensor.
//   - ATS (PX3TS only): transferSwitchActiveInlet and
//     transferSwitchPreferredInlet (inlet 1 = A), the inlets' voltage and
//     frequency.
type raritanPX struct{}

// raritanUnit is the pduId read: the primary unit.
const raritanUnit = 1

func (raritanPX) Name() string { return "raritan-px" }

func (raritanPX) Matches(sysObjectID string) bool {
	return oidWithin(sysObjectID, oids.SysObjectIDRaritanPDU2)
}

// Probe asks for the unit's model and inlet count.
func (raritanPX) Probe(ctx context.Context, c Client) bool {
	return anyAnswers(ctx, c, oids.PDU2PduModel+".1", oids.PDU2InletCount+".1")
}

// raritanSensor is one sensor: its table's index (pduId.inlet.type,
// pduId.inlet.pole.type, pduId.ocp.type or pduId.outlet.type) and scale.
type raritanSensor struct {
	index  string
	arcs   []int // index arcs; the last is the sensor type
	digits int
}

func (s raritanSensor) typ() oids.PDU2SensorType { return oids.PDU2SensorType(s.arcs[len(s.arcs)-1]) }

// raritanSensors walks one sensor configuration table's DecimalDigits
// column for the unit.
func raritanSensors(ctx context.Context, f *snmpFetch, what, entry string) []raritanSensor {
	root := fmt.Sprintf("%s.%d.%d", entry, oids.PDU2SensorColDecimalDigits, raritanUnit)
	var out []raritanSensor
	for index, cols := range Rows(f.walk(ctx, what, root), entry) {
		n, ok := Int(cols[oids.PDU2SensorColDecimalDigits])
		arcs := indexArcs(index)
		if !ok || n < 0 || n > 15 || len(arcs) < 3 {
			continue
		}
		out = append(out, raritanSensor{index: index, arcs: arcs, digits: int(n)})
	}
	slices.SortFunc(out, func(a, b raritanSensor) int { return compareIndex(a.index, b.index) })
	return out
}

// raritanSensorSet is a table's sensors by object (inlet, pole, ocp or
// outlet: the index without the sensor type) and type.
type raritanSensorSet map[string]map[oids.PDU2SensorType]raritanSensor

func groupSensors(sensors []raritanSensor, want ...oids.PDU2SensorType) raritanSensorSet {
	set := raritanSensorSet{}
	for _, s := range sensors {
		if !slices.Contains(want, s.typ()) {
			continue
		}
		obj := s.index[:strings.LastIndexByte(s.index, '.')]
		if set[obj] == nil {
			set[obj] = map[oids.PDU2SensorType]raritanSensor{}
		}
		set[obj][s.typ()] = s
	}
	return set
}

// measurementOIDs are the OIDs to GET for the sensors of a set.
func (set raritanSensorSet) measurementOIDs(entry string) []string {
	var out []string
	for _, obj := range sortedKeys(set) {
		types := make([]int, 0, len(set[obj]))
		for t := range set[obj] {
			types = append(types, int(t))
		}
		slices.Sort(types)
		for _, t := range types {
			s := set[obj][oids.PDU2SensorType(t)]
			for _, col := range []int{oids.PDU2MeasColIsAvailable, oids.PDU2MeasColState, oids.PDU2MeasColValue} {
				if col == oids.PDU2MeasColValue && raritanDiscrete(s.typ()) {
					continue
				}
				out = append(out, fmt.Sprintf("%s.%d.%s", entry, col, s.index))
			}
		}
	}
	return out
}

func raritanDiscrete(t oids.PDU2SensorType) bool {
	return t == oids.PDU2OnOff || t == oids.PDU2Trip
}

// raritanReading reads sensors of one table from the fetched varbinds.
type raritanReading struct {
	f     *snmpFetch
	entry string // the measurements entry
	set   raritanSensorSet
}

// available reports whether a sensor exists and is available, with its
// state when the agent serves one (PX2 firmware serves only values).
func (m raritanReading) available(obj string, t oids.PDU2SensorType) (s raritanSensor, state oids.PDU2SensorState, hasState, ok bool) {
	s, ok = m.set[obj][t]
	if !ok {
		return s, 0, false, false
	}
	if a, ok := Int(m.f.v(fmt.Sprintf("%s.%d.%s", m.entry, oids.PDU2MeasColIsAvailable, s.index))); ok && a != int64(oids.PDU2True) {
		return s, 0, false, false
	}
	n, hasState := Int(m.f.v(fmt.Sprintf("%s.%d.%s", m.entry, oids.PDU2MeasColState, s.index)))
	if hasState && n == int64(oids.PDU2StateUnavailable) {
		return s, 0, false, false
	}
	return s, oids.PDU2SensorState(n), hasState, true
}

// value is a numeric sensor's reading, scaled by its decimal digits.
func (m raritanReading) value(obj string, t oids.PDU2SensorType) *float64 {
	s, _, _, ok := m.available(obj, t)
	if !ok {
		return nil
	}
	return ratio(m.f.v(fmt.Sprintf("%s.%d.%s", m.entry, oids.PDU2MeasColValue, s.index)), math.Pow10(s.digits), 0)
}

// state is a sensor's state, when available and served.
func (m raritanReading) state(obj string, t oids.PDU2SensorType) (oids.PDU2SensorState, bool) {
	_, st, hasState, ok := m.available(obj, t)
	return st, ok && hasState
}

// loadState words a numeric sensor's threshold state.
func (m raritanReading) loadState(obj string, t oids.PDU2SensorType) string {
	st, ok := m.state(obj, t)
	if !ok {
		return ""
	}
	switch st {
	case oids.PDU2StateNormal:
		return "normal"
	case oids.PDU2StateBelowLowerWarning, oids.PDU2StateBelowLowerCritical:
		return "low"
	case oids.PDU2StateAboveUpperWarning:
		return "near-overload"
	case oids.PDU2StateAboveUpperCritical:
		return "overload"
	}
	return ""
}

func (raritanPX) Read(ctx context.Context, c Client, r *Reading) error {
	f := newSnmpFetch(c, r)
	u := fmt.Sprintf(".%d", raritanUnit)
	ts := fmt.Sprintf(".%d.1", raritanUnit) // pduId.transferSwitchId
	firmware := fmt.Sprintf("%s.%d.%d.1", oids.PDU2BoardFirmwareVersion, raritanUnit, oids.PDU2BoardTypeMainController)
	f.get(ctx, "unit configuration", []string{
		oids.PDU2PduModel + u, oids.PDU2PduSerialNumber + u, firmware,
		oids.PDU2InletCount + u, oids.PDU2OverCurrentProtectorCount + u, oids.PDU2OutletCount + u,
		oids.PDU2TransferSwitchActiveInlet + ts, oids.PDU2TransferSwitchPreferredInlet + ts,
	})
	r.Model, _ = Str(f.v(oids.PDU2PduModel + u))
	r.Serial, _ = Str(f.v(oids.PDU2PduSerialNumber + u))
	r.Firmware, _ = Str(f.v(firmware))
	active, hasActive := Int(f.v(oids.PDU2TransferSwitchActiveInlet + ts))
	preferred, hasPreferred := Int(f.v(oids.PDU2TransferSwitchPreferredInlet + ts))
	transfer := hasActive || hasPreferred

	inletTypes := []oids.PDU2SensorType{oids.PDU2RMSCurrent, oids.PDU2RMSVoltage, oids.PDU2ActivePower, oids.PDU2PowerFactor, oids.PDU2ActiveEnergy}
	if transfer {
		inletTypes = append(inletTypes, oids.PDU2Frequency)
	}
	inlets := groupSensors(raritanSensors(ctx, f, "inlet sensors", oids.PDU2InletSensorConfigurationEntry), inletTypes...)
	poles := groupSensors(raritanSensors(ctx, f, "inlet pole sensors", oids.PDU2InletPoleSensorConfigurationEntry),
		oids.PDU2RMSCurrent, oids.PDU2RMSVoltage, oids.PDU2ActivePower, oids.PDU2PowerFactor)
	ocps := groupSensors(raritanSensors(ctx, f, "overcurrent protector sensors", oids.PDU2OverCurrentProtectorSensorConfigurationEntry),
		oids.PDU2RMSCurrent, oids.PDU2Trip)
	names := Rows(f.walk(ctx, "outlet names", oids.PDU2OutletName+u), oids.PDU2OutletConfigurationEntry)
	f.expect("outlet names", f.v(oids.PDU2OutletCount+u), len(names))

	// The outlets: those named, and those the unit counts. Their sensors
	// are the same few types on every outlet, so their decimal digits
	// come with the measurements rather than from a walk of the outlet
	// sensor table (8 rows an outlet on a PX3).
	outletObjs := map[string]bool{}
	for obj := range names {
		outletObjs[obj] = true
	}
	if n, ok := Int(f.v(oids.PDU2OutletCount + u)); ok {
		for k := int64(1); k <= min(n, 1024); k++ {
			outletObjs[fmt.Sprintf("%d.%d", raritanUnit, k)] = true
		}
	}
	outletTypes := []oids.PDU2SensorType{oids.PDU2RMSCurrent, oids.PDU2ActivePower, oids.PDU2ActiveEnergy, oids.PDU2OnOff}
	candidates := raritanSensorSet{}
	for obj := range outletObjs {
		candidates[obj] = map[oids.PDU2SensorType]raritanSensor{}
		for _, t := range outletTypes {
			index := fmt.Sprintf("%s.%d", obj, t)
			candidates[obj][t] = raritanSensor{index: index, arcs: indexArcs(index)}
		}
	}

	// The inlet whose lines are the phases: inlet 1, or the active inlet
	// of a transfer switch; its poles, when it measures per pole.
	inlet := fmt.Sprintf("%d.1", raritanUnit)
	if hasActive && active > 0 {
		inlet = fmt.Sprintf("%d.%d", raritanUnit, active)
	}
	var inletPoles []string
	for _, obj := range sortedKeys(poles) {
		if strings.HasPrefix(obj, inlet+".") && len(poles[obj]) > 0 {
			if _, ok := poles[obj][oids.PDU2RMSCurrent]; ok {
				inletPoles = append(inletPoles, obj)
			}
		}
	}

	var batch []string
	batch = append(batch, inlets.measurementOIDs(oids.PDU2InletSensorMeasurementsEntry)...)
	batch = append(batch, poles.measurementOIDs(oids.PDU2InletPoleSensorMeasurementsEntry)...)
	batch = append(batch, ocps.measurementOIDs(oids.PDU2OverCurrentProtectorSensorMeasurementsEntry)...)
	for _, obj := range sortedKeys(candidates) {
		for _, t := range outletTypes {
			batch = append(batch, fmt.Sprintf("%s.%d.%s", oids.PDU2OutletSensorConfigurationEntry, oids.PDU2SensorColDecimalDigits, candidates[obj][t].index))
		}
	}
	batch = append(batch, candidates.measurementOIDs(oids.PDU2OutletSensorMeasurementsEntry)...)
	batch = append(batch, oids.PDU2InletRatedCurrent+"."+inlet)
	for _, p := range inletPoles {
		batch = append(batch, oids.PDU2InletPoleLine+"."+p)
	}
	for _, o := range sortedKeys(ocps) {
		batch = append(batch, oids.PDU2OverCurrentProtectorRatedCurrent+"."+o)
	}
	f.get(ctx, "sensor measurements", batch)

	// The outlet sensors that exist: those with decimal digits.
	outlets := raritanSensorSet{}
	for obj, types := range candidates {
		for t, x := range types {
			d, ok := Int(f.v(fmt.Sprintf("%s.%d.%s", oids.PDU2OutletSensorConfigurationEntry, oids.PDU2SensorColDecimalDigits, x.index)))
			if !ok || d < 0 || d > 15 {
				continue
			}
			if outlets[obj] == nil {
				outlets[obj] = map[oids.PDU2SensorType]raritanSensor{}
			}
			x.digits = int(d)
			outlets[obj][t] = x
		}
	}

	in := raritanReading{f, oids.PDU2InletSensorMeasurementsEntry, inlets}
	pole := raritanReading{f, oids.PDU2InletPoleSensorMeasurementsEntry, poles}
	ocp := raritanReading{f, oids.PDU2OverCurrentProtectorSensorMeasurementsEntry, ocps}
	out := raritanReading{f, oids.PDU2OutletSensorMeasurementsEntry, outlets}

	// Phases.
	rated := parseAmps(f.v(oids.PDU2InletRatedCurrent + "." + inlet))
	if len(inletPoles) > 0 {
		for i, p := range inletPoles {
			n := i + 1
			if line, ok := Int(f.v(oids.PDU2InletPoleLine + "." + p)); ok {
				if line == int64(oids.PDU2LineNeutral) {
					continue
				}
				if line >= int64(oids.PDU2LineL1) && line <= int64(oids.PDU2LineL3) {
					n = int(line)
				}
			}
			r.Phases = append(r.Phases, Phase{
				Number: n, Amps: pole.value(p, oids.PDU2RMSCurrent), Volts: pole.value(p, oids.PDU2RMSVoltage),
				Watts: pole.value(p, oids.PDU2ActivePower), PF: pole.value(p, oids.PDU2PowerFactor),
				RatedAmps: rated, LoadState: pole.loadState(p, oids.PDU2RMSCurrent),
			})
		}
	} else if _, ok := inlets[inlet]; ok {
		r.Phases = append(r.Phases, Phase{
			Number: 1, Amps: in.value(inlet, oids.PDU2RMSCurrent), Volts: in.value(inlet, oids.PDU2RMSVoltage),
			Watts: in.value(inlet, oids.PDU2ActivePower), PF: in.value(inlet, oids.PDU2PowerFactor),
			RatedAmps: rated, LoadState: in.loadState(inlet, oids.PDU2RMSCurrent),
		})
	}

	// The unit's power and energy: every inlet's.
	for _, obj := range sortedKeys(inlets) {
		r.Watts = addTo(r.Watts, in.value(obj, oids.PDU2ActivePower))
		if wh := in.value(obj, oids.PDU2ActiveEnergy); wh != nil {
			r.EnergyKWh = addTo(r.EnergyKWh, F(*wh/1000))
		}
	}

	// Banks: the overcurrent protectors.
	for _, obj := range sortedKeys(ocps) {
		b := Bank{
			Number:    lastArc(obj),
			Amps:      ocp.value(obj, oids.PDU2RMSCurrent),
			RatedAmps: parseAmps(f.v(oids.PDU2OverCurrentProtectorRatedCurrent + "." + obj)),
			LoadState: ocp.loadState(obj, oids.PDU2RMSCurrent),
		}
		if st, ok := ocp.state(obj, oids.PDU2Trip); ok {
			switch st {
			case oids.PDU2StateOpen:
				b.Tripped = B(true)
			case oids.PDU2StateClosed:
				b.Tripped = B(false)
			}
		}
		r.Banks = append(r.Banks, b)
	}

	// Outlets: every outlet with a name or a sensor.
	numbers := map[int]string{}
	for obj := range names {
		numbers[lastArc(obj)] = obj
	}
	onOff := false
	for obj, s := range outlets {
		numbers[lastArc(obj)] = obj
		_, has := s[oids.PDU2OnOff]
		onOff = onOff || has
	}
	var switching map[string]map[int]gosnmp.SnmpPDU
	if !onOff && len(numbers) > 0 {
		// No onOff sensors: a switched unit says so in the switching table.
		switching = Rows(f.walk(ctx, "outlet switching states", oids.PDU2OutletSwitchingState+u), oids.PDU2OutletSwitchControlEntry)
	}
	for _, n := range sortedInts(numbers) {
		obj := numbers[n]
		o := Outlet{
			Number: n,
			Amps:   out.value(obj, oids.PDU2RMSCurrent),
			Watts:  out.value(obj, oids.PDU2ActivePower),
		}
		o.Name, _ = Str(names[obj][3])
		if wh := out.value(obj, oids.PDU2ActiveEnergy); wh != nil {
			o.EnergyKWh = F(*wh / 1000)
		}
		st, ok := out.state(obj, oids.PDU2OnOff)
		if !ok {
			var sw int64
			sw, ok = Int(switching[obj][3]) // outletSwitchingState
			st = oids.PDU2SensorState(sw)
		}
		if ok && (st == oids.PDU2StateOn || st == oids.PDU2StateOff) {
			o.On = B(st == oids.PDU2StateOn)
		}
		r.Outlets = append(r.Outlets, o)
	}
	f.expect("outlets", f.v(oids.PDU2OutletCount+u), len(r.Outlets))
	f.expect("overcurrent protectors", f.v(oids.PDU2OverCurrentProtectorCount+u), len(r.Banks))

	if transfer {
		a := &ATS{Selected: -1, Preferred: -1}
		if hasActive && active >= 1 && active <= 2 {
			a.Selected = int(active) - 1
		}
		if hasPreferred && preferred >= 1 && preferred <= 2 {
			a.Preferred = int(preferred) - 1
		}
		for i := range 2 {
			obj := fmt.Sprintf("%d.%d", raritanUnit, i+1)
			a.InputVolts[i] = in.value(obj, oids.PDU2RMSVoltage)
			a.InputHz[i] = in.value(obj, oids.PDU2Frequency)
		}
		r.ATS = a
	}
	return f.result("PDU2-MIB")
}

// SwitchOutlet sets switchingOperation: on, off or cycle (reboot).
func (raritanPX) SwitchOutlet(ctx context.Context, c Client, outlet int, cmd OutletCommand) error {
	op, ok := map[OutletCommand]oids.PDU2SwitchingOperationValue{
		On: oids.PDU2SwitchOn, Off: oids.PDU2SwitchOff, Reboot: oids.PDU2SwitchCycle,
	}[cmd]
	if !ok {
		return fmt.Errorf("outlet command %q: want on, off or reboot", cmd)
	}
	return setOutlet(ctx, c, outlet, cmd, fmt.Sprintf("%s.%d.%d", oids.PDU2SwitchingOperation, raritanUnit, outlet), int(op))
}

var _ OutletSwitcher = raritanPX{}

// parseAmps reads a Raritan rating string: "32A", "16 A", "30A (UL)".
func parseAmps(v gosnmp.SnmpPDU) *float64 {
	s, ok := Str(v)
	if !ok {
		return nil
	}
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	a, err := strconv.ParseFloat(s[:end], 64)
	if err != nil || a <= 0 || !strings.HasPrefix(strings.TrimSpace(s[end:]), "A") {
		return nil
	}
	return &a
}

// Helpers shared by the Raritan, Sentry4 and Eaton drivers.

// snmpFetch collects the varbinds a driver reads, by OID, and turns a
// failed request into a problem of the reading. After a timeout or the
// end of the context it sends nothing more: the device is not answering,
// and each further request would cost another timeout.
type snmpFetch struct {
	c       Client
	r       *Reading
	vars    map[string]gosnmp.SnmpPDU // by OID without the leading dot
	errs    []error
	stopped bool
	values  int // varbinds read that carry a value
}

func newSnmpFetch(c Client, r *Reading) *snmpFetch {
	return &snmpFetch{c: c, r: r, vars: map[string]gosnmp.SnmpPDU{}}
}

func (f *snmpFetch) keep(vars []gosnmp.SnmpPDU) {
	for _, v := range vars {
		f.vars[strings.TrimPrefix(v.Name, ".")] = v
		if !Absent(v) {
			f.values++
		}
	}
}

func (f *snmpFetch) fail(ctx context.Context, what string, err error) {
	f.r.problem("%s: %v", what, err)
	f.errs = append(f.errs, fmt.Errorf("%s: %w", what, err))
	if ctx.Err() != nil || errors.Is(err, ErrTimeout) {
		f.stopped = true
	}
}

// get GETs oids (the client splits them into requests of MaxOids).
func (f *snmpFetch) get(ctx context.Context, what string, oids []string) {
	if len(oids) == 0 || f.stopped {
		return
	}
	vars, err := f.c.Get(ctx, oids...)
	f.keep(vars)
	if err != nil {
		f.fail(ctx, "reading "+what, err)
	}
}

// walk walks root and returns what it read, which it keeps as well.
func (f *snmpFetch) walk(ctx context.Context, what, root string) []gosnmp.SnmpPDU {
	if f.stopped {
		return nil
	}
	vars, err := f.c.Walk(ctx, root)
	f.keep(vars)
	if err != nil {
		f.fail(ctx, "walking "+what, err)
	}
	return vars
}

// v returns the varbind read for oid, or a NoSuchObject one.
func (f *snmpFetch) v(oid string) gosnmp.SnmpPDU {
	if v, ok := f.vars[oid]; ok {
		return v
	}
	return gosnmp.SnmpPDU{Name: "." + oid, Type: gosnmp.NoSuchObject}
}

// expect records a problem when the device counts more rows of a table
// than were read: a walk that ended early without an error, as gosnmp's
// do on an error-status (NOTES §4.9).
func (f *snmpFetch) expect(what string, count gosnmp.SnmpPDU, read int) {
	if n, ok := Int(count); ok && n > int64(read) {
		f.r.problem("%s: read %d of the %d the device counts", what, read, n)
	}
}

// result is the error of Read: nil when anything was read, else why not.
func (f *snmpFetch) result(mib string) error {
	r := f.r
	if len(r.Phases) > 0 || len(r.Banks) > 0 || len(r.Outlets) > 0 || r.Watts != nil || r.EnergyKWh != nil {
		return nil
	}
	if len(f.errs) > 0 {
		return errors.Join(f.errs...)
	}
	return fmt.Errorf("no %s power objects answer", mib)
}

// oidWithin reports whether oid (with a leading dot or without) is base
// or under it.
func oidWithin(oid, base string) bool {
	oid = strings.TrimPrefix(oid, ".")
	return oid == base || strings.HasPrefix(oid, base+".")
}

// anyAnswers reports whether a GET of oids brings back a value for any.
func anyAnswers(ctx context.Context, c Client, oids ...string) bool {
	vars, err := c.Get(ctx, oids...)
	if err != nil {
		return false
	}
	for _, v := range vars {
		if !Absent(v) {
			return true
		}
	}
	return false
}

// ratio is an integer varbind divided by div, or nil when it is absent
// or below least (the vendors' "not available": -1 for Sentry4, any
// negative for Eaton and Raritan's unsigned values).
func ratio(v gosnmp.SnmpPDU, div float64, least int64) *float64 {
	n, ok := Int(v)
	if !ok || n < least {
		return nil
	}
	x := float64(n) / div
	return &x
}

// addTo adds v to sum, either of which may be nil.
func addTo(sum, v *float64) *float64 {
	switch {
	case v == nil:
		return sum
	case sum == nil:
		return F(*v)
	}
	return F(*sum + *v)
}

// setOutlet writes one INTEGER to switch an outlet.
func setOutlet(ctx context.Context, c Client, outlet int, cmd OutletCommand, oid string, value int) error {
	if outlet < 1 {
		return fmt.Errorf("outlet %d: outlets are numbered from 1", outlet)
	}
	if err := c.Set(ctx, gosnmp.SnmpPDU{Name: oid, Type: gosnmp.Integer, Value: value}); err != nil {
		return fmt.Errorf("switching outlet %d %s: %w", outlet, cmd, err)
	}
	return nil
}

// indexArcs splits a row index ("1.1.3") into numbers; nil when it is not
// numeric.
func indexArcs(index string) []int {
	parts := strings.Split(index, ".")
	arcs := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		arcs[i] = n
	}
	return arcs
}

// lastArc is the last number of a row index.
func lastArc(index string) int {
	arcs := indexArcs(index)
	if len(arcs) == 0 {
		return 0
	}
	return arcs[len(arcs)-1]
}

// compareIndex orders row indexes numerically, arc by arc.
func compareIndex(a, b string) int {
	return slices.Compare(indexArcs(a), indexArcs(b))
}

// sortedKeys returns a map's row indexes in numeric order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareIndex)
	return keys
}

func sortedInts[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
