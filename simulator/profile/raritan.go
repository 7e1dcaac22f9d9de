package profile

import (
	"fmt"
	"math"
	"strings"
	"time"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

// raritan renders Raritan PX2/PX3/PX4 units (PDU2-MIB) as one unit
// (pduId 1) with one inlet, an overcurrent protector per bank and the
// outlets. The model number says what the outlets do: the first digit
// after "PXn-" is 1 or 2 for inlet metering only, 3 for switched outlets,
// 4 for metered outlets and 5 for both; other model numbers get 5.
//
// Every value is scaled by its sensor's decimal digits (the same as the
// PX3-5493U-K2 recording): current 3, voltage/power/energy 0, power
// factor 2, frequency 1.
type raritan struct {
	switchable bool
	metered    bool // per-outlet sensors
}

func newRaritan(model string) *raritan {
	r := &raritan{switchable: true, metered: true}
	m := strings.ToUpper(strings.TrimSpace(model))
	if i := strings.Index(m, "-"); strings.HasPrefix(m, "PX") && i >= 0 && i+1 < len(m) {
		switch m[i+1] {
		case '1', '2':
			r.switchable, r.metered = false, false
		case '3':
			r.metered = false
		case '4':
			r.switchable = false
		}
	}
	return r
}

func (r *raritan) Name() string        { return "raritan-px" }
func (r *raritan) SysObjectID() string { return oids.SysObjectIDRaritanPDU2 }

// rsensor is one numeric sensor's configuration.
type rsensor struct {
	typ      oids.PDU2SensorType
	units    oids.PDU2SensorUnits
	digits   int
	maximum  float64 // in the sensor's unit
	hyst     float64
	lc, lw   float64 // lower critical, warning thresholds (0: none)
	uc, uw   float64 // upper critical, warning thresholds
	enabled  []int   // enabled threshold bits
	discrete bool    // a state sensor (onOff, trip): no value
}

func (x rsensor) scaled(v float64) uint32 { return uscale(v, math.Pow10(x.digits)) }

// state is the sensor state for a reading.
func (x rsensor) state(v float64) oids.PDU2SensorState {
	on := func(bit int) bool {
		for _, b := range x.enabled {
			if b == bit {
				return true
			}
		}
		return false
	}
	switch {
	case on(3) && v >= x.uc:
		return oids.PDU2StateAboveUpperCritical
	case on(2) && v >= x.uw:
		return oids.PDU2StateAboveUpperWarning
	case on(0) && v < x.lc:
		return oids.PDU2StateBelowLowerCritical
	case on(1) && v < x.lw:
		return oids.PDU2StateBelowLowerWarning
	}
	return oids.PDU2StateNormal
}

// currentSensor warns at 65 % and alarms at 80 % of the rating, as a PX3
// comes configured; maximum is the sensor's range (inlet 3600 A, OCP
// 1800 A, outlet 150 A on a PX3).
func currentSensor(rated, maximum float64) rsensor {
	return rsensor{typ: oids.PDU2RMSCurrent, units: oids.PDU2UnitAmp, digits: 3, maximum: maximum, hyst: 1,
		uc: 0.8 * rated, uw: 0.65 * rated, enabled: []int{2, 3}}
}

// voltageSensor has the PX3's thresholds around the nominal voltage (188,
// 194, 247, 254 V for 230 V), enabled on inlets only.
func voltageSensor(v float64, enabled bool) rsensor {
	x := rsensor{typ: oids.PDU2RMSVoltage, units: oids.PDU2UnitVolt, maximum: 500, hyst: 2,
		lc: math.Round(0.817 * v), lw: math.Round(0.843 * v), uc: math.Round(1.104 * v), uw: math.Round(1.074 * v)}
	if enabled {
		x.enabled = []int{0, 1, 2, 3}
	}
	return x
}

func powerSensors(maxW float64) []rsensor {
	return []rsensor{
		{typ: oids.PDU2ActivePower, units: oids.PDU2UnitWatt, maximum: maxW},
		{typ: oids.PDU2ApparentPower, units: oids.PDU2UnitVoltAmp, maximum: maxW},
		{typ: oids.PDU2PowerFactor, units: oids.PDU2UnitNone, digits: 2, maximum: 1},
		{typ: oids.PDU2ActiveEnergy, units: oids.PDU2UnitWattHour, maximum: math.MaxUint32},
	}
}

var frequencySensor = rsensor{typ: oids.PDU2Frequency, units: oids.PDU2UnitHertz, digits: 1, maximum: 6500}

// reading is a sensor's current value (or state, for discrete sensors).
type reading struct {
	v     float64
	state oids.PDU2SensorState // for discrete sensors
}

// ratedVolts is how Raritan words a voltage rating.
func ratedVolts(v float64, phases int) string {
	switch {
	case phases == 3 && v >= 200:
		return "380-415V"
	case phases == 3:
		return "208V"
	case v >= 200:
		return "200-240V"
	}
	return "100-120V"
}

func (r *raritan) inletSensors(s *PDUState) []rsensor {
	maxW := 504000.0
	sensors := []rsensor{currentSensor(s.RatedAmps, 3600), voltageSensor(s.Volts, true)}
	if s.phases() == 3 {
		// A three-phase inlet measures current and voltage per pole.
		sensors = []rsensor{{typ: oids.PDU2UnbalancedCurrent, units: oids.PDU2UnitPercent, maximum: 100}}
	}
	sensors = append(sensors, powerSensors(maxW)...)
	return append(sensors, frequencySensor)
}

func (r *raritan) outletSensors(s *PDUState) []rsensor {
	var sensors []rsensor
	if r.metered {
		sensors = append(sensors, currentSensor(10, 150), voltageSensor(s.Volts, false))
		sensors = append(sensors, powerSensors(21000)...)
	}
	if r.switchable {
		sensors = append(sensors, rsensor{typ: oids.PDU2OnOff, units: oids.PDU2UnitNone, discrete: true})
	}
	if r.metered {
		sensors = append(sensors, frequencySensor)
	}
	return sensors
}

// sensorConfig renders a …SensorConfigurationEntry row.
func sensorConfig(o *out, entry string, x rsensor, index ...uint32) {
	idx := append(append([]uint32{}, index...), uint32(x.typ))
	o.column(entry, oids.PDU2SensorColLogAvailable, truth(true), idx...)
	o.column(entry, oids.PDU2SensorColUnits, integer(int(x.units)), idx...)
	o.column(entry, oids.PDU2SensorColDecimalDigits, gauge(uint32(x.digits)), idx...)
	o.column(entry, oids.PDU2SensorColAccuracy, gauge(0), idx...)
	resolution := uint32(1)
	if x.discrete {
		resolution = 0
	}
	o.column(entry, oids.PDU2SensorColResolution, gauge(resolution), idx...)
	o.column(entry, oids.PDU2SensorColTolerance, gauge(0), idx...)
	o.column(entry, oids.PDU2SensorColMaximum, gauge(x.scaled(x.maximum)), idx...)
	o.column(entry, oids.PDU2SensorColMinimum, gauge(0), idx...)
	o.column(entry, oids.PDU2SensorColHysteresis, gauge(x.scaled(x.hyst)), idx...)
	o.column(entry, oids.PDU2SensorColStateChangeDelay, gauge(0), idx...)
	o.column(entry, oids.PDU2SensorColLowerCritical, gauge(x.scaled(x.lc)), idx...)
	o.column(entry, oids.PDU2SensorColLowerWarning, gauge(x.scaled(x.lw)), idx...)
	o.column(entry, oids.PDU2SensorColUpperCritical, gauge(x.scaled(x.uc)), idx...)
	o.column(entry, oids.PDU2SensorColUpperWarning, gauge(x.scaled(x.uw)), idx...)
	o.column(entry, oids.PDU2SensorColEnabledThresholds, bits(1, x.enabled...), idx...)
	o.column(entry, oids.PDU2SensorColSignedMaximum, signed(x.scaled(x.maximum)), idx...)
	o.column(entry, oids.PDU2SensorColSignedMinimum, integer(0), idx...)
	o.column(entry, oids.PDU2SensorColSignedLowerCritical, signed(x.scaled(x.lc)), idx...)
	o.column(entry, oids.PDU2SensorColSignedLowerWarning, signed(x.scaled(x.lw)), idx...)
	o.column(entry, oids.PDU2SensorColSignedUpperCritical, signed(x.scaled(x.uc)), idx...)
	o.column(entry, oids.PDU2SensorColSignedUpperWarning, signed(x.scaled(x.uw)), idx...)
}

// signed is the Integer32 twin of an Unsigned32 reading: 0 when it does
// not fit, as the PX3 answers for its energy counter's maximum.
func signed(u uint32) mib.Value {
	if u > math.MaxInt32 {
		return integer(0)
	}
	return integer(int(u))
}

// measurement renders a …SensorMeasurementsEntry row. A discrete sensor
// (onOff, trip) has a state and zeros; only energy sensors have the reset
// timestamp.
func measurement(o *out, entry string, x rsensor, r reading, now, start time.Time, index ...uint32) {
	idx := append(append([]uint32{}, index...), uint32(x.typ))
	state, value := r.state, uint32(0)
	if !x.discrete {
		state, value = x.state(r.v), x.scaled(r.v)
	}
	// A power factor without a load is unavailable (PX3: state -1, no
	// extremes).
	history := !x.discrete
	if x.typ == oids.PDU2PowerFactor && r.v == 0 {
		state, history = oids.PDU2StateUnavailable, false
	}
	sv := signed(value)
	if x.scaled(x.maximum) > math.MaxInt32 {
		sv = integer(0) // out of Integer32's range: undefined, 0 on a PX3
	}
	// The simulator keeps no history: the extremes are the reading, seen
	// now, since the start; discrete sensors have none.
	ts, reset := unixSeconds(now), unixSeconds(start)
	if !history {
		ts = 0
	}
	if x.discrete {
		reset = 0
	}
	o.column(entry, oids.PDU2MeasColIsAvailable, truth(true), idx...)
	o.column(entry, oids.PDU2MeasColState, integer(int(state)), idx...)
	o.column(entry, oids.PDU2MeasColValue, gauge(value), idx...)
	o.column(entry, oids.PDU2MeasColTimeStamp, gauge(unixSeconds(now)), idx...)
	o.column(entry, oids.PDU2MeasColSignedValue, sv, idx...)
	o.column(entry, oids.PDU2MeasColMinMaxValid, truth(history), idx...)
	o.column(entry, oids.PDU2MeasColMinValue, gauge(value), idx...)
	o.column(entry, oids.PDU2MeasColSignedMinValue, sv, idx...)
	o.column(entry, oids.PDU2MeasColMinTimeStamp, gauge(ts), idx...)
	o.column(entry, oids.PDU2MeasColMaxValue, gauge(value), idx...)
	o.column(entry, oids.PDU2MeasColSignedMaxValue, sv, idx...)
	o.column(entry, oids.PDU2MeasColMaxTimeStamp, gauge(ts), idx...)
	o.column(entry, oids.PDU2MeasColMinMaxResetTimeStamp, gauge(reset), idx...)
	if x.typ == oids.PDU2ActiveEnergy {
		o.column(entry, oids.PDU2MeasColResetTimeStamp, gauge(reset), idx...)
	}
}

func (r *raritan) Vars(s *PDUState) []mib.Var {
	var o out
	now := clock(s.Now, s.Uptime)
	start := now.Add(-s.Uptime)
	const fw = "4.2.0.5-50274"
	systemGroup(&o, fmt.Sprintf("Raritan PDU, MD:%s HW:0x10 FW:%s", s.Model, fw), oids.SysObjectIDRaritanPDU2, s.Uptime, s.Name)

	np, n := s.phases(), s.Outlets
	ratedV := ratedVolts(s.Volts, np)
	ratedA := fmt.Sprintf("%gA", s.RatedAmps)
	o.scalar(oids.PDU2PduCount, integer(1))
	o.cell(oids.PDU2PduManufacturer, str("Raritan"), 1)
	o.cell(oids.PDU2PduModel, str(s.Model), 1)
	o.cell(oids.PDU2PduSerialNumber, str(s.Serial), 1)
	o.cell(oids.PDU2PduRatedVoltage, str(ratedV), 1)
	o.cell(oids.PDU2PduRatedCurrent, str(ratedA), 1)
	o.cell(oids.PDU2PduRatedFrequency, str("50/60Hz"), 1)
	o.cell(oids.PDU2PduRatedVA, str(fmt.Sprintf("%.1fkVA", s.ratedVA()/1000)), 1)
	o.cell(oids.PDU2InletCount, integer(1), 1)
	o.cell(oids.PDU2OverCurrentProtectorCount, integer(len(s.Banks)), 1)
	o.cell(oids.PDU2OutletCount, integer(n), 1)
	o.cell(oids.PDU2PduName, str(s.Name), 1)
	o.cell(oids.PDU2BoardFirmwareVersion, str(fw), 1, oids.PDU2BoardTypeMainController, 1)

	// The inlet.
	poles, plug, descr := 2, -1, "IEC 60309 2P+E 6h 32A"
	switch {
	case np == 3 && s.RatedAmps <= 16:
		poles, plug, descr = 4, 27, "IEC 60309 3P+N+E 6h 16A" // plugIEC603095WIRE415V16A
	case np == 3:
		poles, plug, descr = 4, 28, "IEC 60309 3P+N+E 6h 32A" // plugIEC603095WIRE415V32A
	case s.Volts < 200:
		plug, descr = 42, "NEMA L6-30P" // plugNEMAL630P
	case s.RatedAmps <= 16:
		plug, descr = 7, "IEC 60309 2P+E 6h 16A" // plugIEC603093WIRE250V16A
	default:
		plug = 10 // plugIEC603093WIRE250V32A
	}
	in := []uint32{1, 1}
	o.cell(oids.PDU2InletLabel, str("I1"), in...)
	o.cell(oids.PDU2InletName, str(""), in...)
	o.cell(oids.PDU2InletPlug, integer(plug), in...)
	o.cell(oids.PDU2InletPoleCount, integer(poles), in...)
	o.cell(oids.PDU2InletRatedVoltage, str(ratedV), in...)
	o.cell(oids.PDU2InletRatedCurrent, str(ratedA), in...)
	o.cell(oids.PDU2InletRatedFrequency, str(""), in...) // empty on the PX3
	o.cell(oids.PDU2InletRatedVA, str(""), in...)
	caps := []int{0, 3, 4, 5, 6, 7, 22} // the sensor types, less one
	if np == 3 {
		caps = []int{2, 4, 5, 6, 7, 22}
	}
	o.cell(oids.PDU2InletDeviceCapabilities, bits(10, caps...), in...)
	if np == 3 {
		o.cell(oids.PDU2InletPoleCapabilities, bits(10, 0, 3, 4), in...)
	} else {
		o.cell(oids.PDU2InletPoleCapabilities, bits(10), in...)
	}
	o.cell(oids.PDU2InletPlugDescriptor, str(descr), in...)
	o.cell(oids.PDU2InletEnableState, truth(true), in...)
	o.cell(oids.PDU2InletIsDC, truth(false), in...)
	o.cell(oids.PDU2InletLinePairCount, integer(0), in...)
	o.cell(oids.PDU2InletLinePairCapabilities, bits(10), in...)

	amps := at64(s.PhaseAmps, 0)
	watts, va := s.totalWatts(), s.totalVA()
	pf := 0.0
	if va > 0 {
		pf = watts / va
	}
	values := map[oids.PDU2SensorType]float64{
		oids.PDU2RMSCurrent: amps, oids.PDU2RMSVoltage: s.phaseVolts(1),
		oids.PDU2ActivePower: watts, oids.PDU2ApparentPower: va, oids.PDU2PowerFactor: pf,
		oids.PDU2ActiveEnergy: s.EnergyKWh * 1000, oids.PDU2Frequency: s.Frequency,
		oids.PDU2UnbalancedCurrent: unbalance(s.PhaseAmps),
	}
	for _, x := range r.inletSensors(s) {
		sensorConfig(&o, oids.PDU2InletSensorConfigurationEntry, x, in...)
		measurement(&o, oids.PDU2InletSensorMeasurementsEntry, x, reading{v: values[x.typ]}, now, start, in...)
	}
	if np == 3 {
		for pole := 1; pole <= 3; pole++ {
			pi := []uint32{1, 1, uint32(pole)}
			o.cell(oids.PDU2InletPoleLine, integer(pole), pi...) // lineL1 … lineL3
			o.cell(oids.PDU2InletPoleNode, integer(pole), pi...)
			for _, x := range []rsensor{currentSensor(s.RatedAmps, 3600), voltageSensor(s.Volts, true),
				{typ: oids.PDU2ActivePower, units: oids.PDU2UnitWatt, maximum: 504000}} {
				v := map[oids.PDU2SensorType]float64{oids.PDU2RMSCurrent: at64(s.PhaseAmps, pole-1),
					oids.PDU2RMSVoltage: s.phaseVolts(pole), oids.PDU2ActivePower: s.phaseWatts(pole)}[x.typ]
				sensorConfig(&o, oids.PDU2InletPoleSensorConfigurationEntry, x, pi...)
				measurement(&o, oids.PDU2InletPoleSensorMeasurementsEntry, x, reading{v: v}, now, start, pi...)
			}
		}
	}

	// Overcurrent protectors, one per bank.
	for bi, b := range s.Banks {
		ci := []uint32{1, uint32(bi + 1)}
		o.cell(oids.PDU2OverCurrentProtectorLabel, str(fmt.Sprintf("C%d", b.Number)), ci...)
		o.cell(oids.PDU2OverCurrentProtectorName, str(""), ci...)
		o.cell(oids.PDU2OverCurrentProtectorType, integer(int(oids.PDU2OCPBreaker1Pole)), ci...)
		o.cell(oids.PDU2OverCurrentProtectorRatedCurrent, str(fmt.Sprintf("%gA", b.RatedAmps)), ci...)
		o.cell(oids.PDU2OverCurrentProtectorPoleCount, integer(1), ci...)
		o.cell(oids.PDU2OverCurrentProtectorCapabilities, bits(11, 0, 14), ci...) // rmsCurrent, trip
		o.cell(oids.PDU2OverCurrentProtectorPowerSource, oidValue(oids.PDU2InletLabel+".1.1"), ci...)
		trip := rsensor{typ: oids.PDU2Trip, units: oids.PDU2UnitNone, discrete: true}
		tripState := oids.PDU2StateClosed
		if b.Tripped {
			tripState = oids.PDU2StateOpen
		}
		cur := currentSensor(b.RatedAmps, 1800)
		sensorConfig(&o, oids.PDU2OverCurrentProtectorSensorConfigurationEntry, cur, ci...)
		sensorConfig(&o, oids.PDU2OverCurrentProtectorSensorConfigurationEntry, trip, ci...)
		measurement(&o, oids.PDU2OverCurrentProtectorSensorMeasurementsEntry, cur, reading{v: b.Amps}, now, start, ci...)
		measurement(&o, oids.PDU2OverCurrentProtectorSensorMeasurementsEntry, trip, reading{state: tripState}, now, start, ci...)
	}

	// Outlets.
	outletCaps := []int{}
	if r.metered {
		outletCaps = append(outletCaps, 0, 3, 4, 5, 6, 7, 22)
	}
	if r.switchable {
		outletCaps = append(outletCaps, 13)
	}
	for k := 1; k <= n; k++ {
		oi := []uint32{1, uint32(k)}
		source := oids.PDU2InletLabel + ".1.1"
		if b := s.bankOf(k); b >= 0 {
			source = fmt.Sprintf("%s.1.%d", oids.PDU2OverCurrentProtectorLabel, b+1)
		}
		o.cell(oids.PDU2OutletLabel, str(fmt.Sprint(k)), oi...)
		o.cell(oids.PDU2OutletName, str(s.outletName(k)), oi...)
		o.cell(oids.PDU2OutletReceptacle, integer(5), oi...) // receptacleIEC320C13
		o.cell(oids.PDU2OutletPoleCount, integer(2), oi...)
		o.cell(oids.PDU2OutletRatedVoltage, str(ratedVolts(s.Volts, 1)), oi...)
		o.cell(oids.PDU2OutletRatedCurrent, str("10A"), oi...)
		o.cell(oids.PDU2OutletRatedVA, str(""), oi...)
		o.cell(oids.PDU2OutletDeviceCapabilities, bits(10, outletCaps...), oi...)
		o.cell(oids.PDU2OutletPoleCapabilities, bits(10), oi...)
		o.cell(oids.PDU2OutletPowerCyclingPowerOffPeriod, gauge(10), oi...)
		o.cell(oids.PDU2OutletStateOnStartup, integer(3), oi...) // globalOutletStateOnStartup
		o.cell(oids.PDU2OutletUseGlobalPowerCyclingPowerOffPeriod, truth(true), oi...)
		o.cell(oids.PDU2OutletSwitchable, truth(r.switchable), oi...)
		o.cell(oids.PDU2OutletReceptacleDescriptor, str("IEC 60320 C13"), oi...)
		o.cell(oids.PDU2OutletNonCritical, truth(false), oi...)
		o.cell(oids.PDU2OutletSequenceDelay, gauge(0), oi...)
		o.cell(oids.PDU2OutletPowerSource, oidValue(source), oi...)
		o.cell(oids.PDU2OutletServiceMode, truth(false), oi...)

		on := s.outletOn(k)
		onOff := oids.PDU2StateOff
		if on {
			onOff = oids.PDU2StateOn
		}
		volts, ova := 0.0, s.outletVA(k)
		if on {
			volts = s.phaseVolts(s.outletPhase(k))
		}
		opf := 0.0
		if ova > 0 {
			opf = s.outletWatts(k) / ova
		}
		ov := map[oids.PDU2SensorType]float64{
			oids.PDU2RMSCurrent: s.outletAmps(k), oids.PDU2RMSVoltage: volts,
			oids.PDU2ActivePower: s.outletWatts(k), oids.PDU2ApparentPower: ova, oids.PDU2PowerFactor: opf,
			oids.PDU2ActiveEnergy: at64(s.OutletEnergy, k-1) * 1000, oids.PDU2Frequency: s.Frequency,
		}
		for _, x := range r.outletSensors(s) {
			sensorConfig(&o, oids.PDU2OutletSensorConfigurationEntry, x, oi...)
			measurement(&o, oids.PDU2OutletSensorMeasurementsEntry, x, reading{v: ov[x.typ], state: onOff}, now, start, oi...)
		}
		if r.switchable {
			op := oids.PDU2SwitchOff
			if on {
				op = oids.PDU2SwitchOn
			}
			o.cell(oids.PDU2SwitchingOperation, integer(int(op)), oi...)
			o.cell(oids.PDU2OutletSwitchingState, integer(int(onOff)), oi...)
			o.cell(oids.PDU2OutletSwitchingTimeStamp, gauge(unixSeconds(start)), oi...)
			o.cell(oids.PDU2OutletSuspendedState, truth(false), oi...)
		}
	}
	return o.vars
}

// unbalance is the current imbalance of three phases in percent: the
// largest deviation from the mean over the mean.
func unbalance(a []float64) float64 {
	if len(a) < 3 {
		return 0
	}
	mean := (a[0] + a[1] + a[2]) / 3
	if mean <= 0 {
		return 0
	}
	dev := 0.0
	for _, x := range a[:3] {
		dev = max(dev, math.Abs(x-mean))
	}
	return 100 * dev / mean
}

// Set decodes switchingOperation (off, on, cycle) on switchable outlets
// and outlet renames.
func (r *raritan) Set(s *PDUState, vars []mib.Var) ([]Action, int, error) {
	st := setter{
		served: r.Vars(s),
		handlers: []handler{
			{col: oids.PDU2SwitchingOperation, do: func(index []uint32, v int, _ string) ([]Action, *mib.SetError) {
				c, ok := map[int]string{int(oids.PDU2SwitchOff): CommandOff, int(oids.PDU2SwitchOn): CommandOn, int(oids.PDU2SwitchCycle): CommandReboot}[v]
				if !ok {
					return nil, wrongValue(v, "off(0), on(1) or cycle(2)")
				}
				return outletAction(lastArc(index), c), nil
			}},
			{col: oids.PDU2OutletName, string: true, do: func(index []uint32, _ int, name string) ([]Action, *mib.SetError) {
				if err := nameLength(name, 0, 255); err != nil {
					return nil, err
				}
				return rename(lastArc(index), name), nil
			}},
		},
		writable: []string{
			oids.PDU2PduName, oids.PDU2InletName, oids.PDU2InletEnableState, oids.PDU2OverCurrentProtectorName,
			oids.PDU2OutletPowerCyclingPowerOffPeriod, oids.PDU2OutletStateOnStartup, oids.PDU2OutletUseGlobalPowerCyclingPowerOffPeriod,
			oids.PDU2OutletNonCritical, oids.PDU2OutletSequenceDelay, oids.PDU2OutletServiceMode,
		},
	}
	for _, entry := range []string{oids.PDU2InletSensorConfigurationEntry, oids.PDU2InletPoleSensorConfigurationEntry,
		oids.PDU2OverCurrentProtectorSensorConfigurationEntry, oids.PDU2OutletSensorConfigurationEntry} {
		for _, col := range []int{oids.PDU2SensorColLogAvailable, oids.PDU2SensorColHysteresis, oids.PDU2SensorColStateChangeDelay,
			oids.PDU2SensorColLowerCritical, oids.PDU2SensorColLowerWarning, oids.PDU2SensorColUpperCritical, oids.PDU2SensorColUpperWarning,
			oids.PDU2SensorColEnabledThresholds, oids.PDU2SensorColSignedLowerCritical, oids.PDU2SensorColSignedLowerWarning,
			oids.PDU2SensorColSignedUpperCritical, oids.PDU2SensorColSignedUpperWarning} {
			st.writable = append(st.writable, fmt.Sprintf("%s.%d", entry, col))
		}
	}
	return st.run(vars)
}
