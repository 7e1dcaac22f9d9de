package profile

import (
	"fmt"
	"math"
	"strings"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

// sentry4 renders ServerTech PRO2 units (Sentry4-MIB) as the master unit
// "A" (index 1) with one input cord "AA" (index 1.1): its lines and phases
// (one of each per phase; a three-phase unit with 208 V outlets is a delta
// cord whose phases are the line pairs L1-L2 …, others are wye, L1-N …), an
// overcurrent protector and a branch per bank, and the outlets. C2S…
// models are Smart (no outlet relays, no per-outlet metering), C2W…
// Switched, C2X… Smart with per-outlet metering (POPS); others are
// served as Switched with POPS.
type sentry4 struct {
	switched bool
	pops     bool // per-outlet power sensing
}

func newSentry4(model string) *sentry4 {
	m := strings.ToUpper(sentry4Model(model))
	switch {
	case strings.HasPrefix(m, "C2S"):
		return &sentry4{}
	case strings.HasPrefix(m, "C2X"):
		return &sentry4{pops: true}
	}
	return &sentry4{switched: true, pops: true}
}

// sentry4Model drops the family name inventories put before the model.
func sentry4Model(model string) string {
	m := strings.TrimSpace(model)
	if f := strings.Fields(m); len(f) == 2 && strings.EqualFold(f[0], "sentry4") {
		return f[1]
	}
	return m
}

func (p *sentry4) Name() string        { return "servertech-sentry4" }
func (p *sentry4) SysObjectID() string { return oids.SysObjectIDSentry4 }

func (p *sentry4) productName() string {
	if p.switched {
		return "Sentry Switched PDU"
	}
	return "Sentry Smart PDU"
}

// sentryLevel compares a value with its high warning and alarm.
func sentryLevel(x, warn, alarm float64) oids.St4DeviceStatus {
	switch {
	case alarm > 0 && x >= alarm:
		return oids.St4StatusHighAlarm
	case warn > 0 && x >= warn:
		return oids.St4StatusHighWarning
	}
	return oids.St4StatusNormal
}

func status(v oids.St4DeviceStatus) mib.Value { return integer(int(v)) }

func (p *sentry4) Vars(s *PDUState) []mib.Var {
	var o out
	// Real units answer "Sentry Smart PDU" for sysDescr whatever the
	// product (sentry4_switched8i says so with a switched product name).
	systemGroup(&o, "Sentry Smart PDU", oids.SysObjectIDSentry4, s.Uptime, s.Name)
	np, nb, n := s.phases(), len(s.Banks), s.Outlets
	three := np == 3
	delta := three && s.Volts >= 190 && s.Volts < 220

	o.scalar(oids.St4SystemProductName, str(p.productName()))
	o.scalar(oids.St4SystemFirmwareVersion, str("Version 8.0n"))
	o.scalar(oids.St4SystemUnitCount, integer(1))

	caps := bits(1) // single phase
	switch {
	case delta:
		caps = bits(1, 1, 3) // phase3, delta
	case three:
		caps = bits(1, 1, 2) // phase3, wye
	}
	o.cell(oids.St4UnitID, str("A"), 1)
	o.cell(oids.St4UnitName, str(s.Name), 1)
	o.cell(oids.St4UnitProductSN, str(s.Serial), 1)
	o.cell(oids.St4UnitModel, str(sentry4Model(s.Model)), 1)
	o.cell(oids.St4UnitType, integer(int(oids.St4UnitPrimary)), 1)
	o.cell(oids.St4UnitCapabilities, caps, 1)
	o.cell(oids.St4UnitInputCordCount, integer(1), 1)
	o.cell(oids.St4UnitStatus, status(oids.St4StatusNormal), 1)

	// The input cord.
	cord := []uint32{1, 1}
	// North American twist-lock plugs below 220 V, IEC 60309 above.
	nominal, vmin, vmax := s.Volts, 200, 240
	nema := "30P"
	if s.RatedAmps <= 20 {
		nema = "20P"
	}
	plug := fmt.Sprintf("IEC 60309 %gA", s.RatedAmps)
	switch {
	case delta:
		plug = "L15-" + nema
	case three && s.Volts >= 220:
		nominal, vmin, vmax, plug = s.Volts*math.Sqrt(3), 380, 415, fmt.Sprintf("IEC 60309 %gA 5P", s.RatedAmps)
	case three:
		nominal, plug = s.Volts*math.Sqrt(3), "L21-"+nema
	case s.Volts < 190:
		vmin, vmax, plug = 100, 120, "L5-"+nema
	case s.Volts < 220:
		plug = "L6-" + nema
	}
	powerCap := s.ratedVA()
	if delta {
		powerCap = math.Sqrt(3) * s.Volts * s.RatedAmps
	}
	powerCap = math.Floor(powerCap) // 10807 VA for 30 A at 208 V delta, as recorded
	watts, va := s.totalWatts(), s.totalVA()
	pf := 0.0
	if va > 0 {
		pf = watts / va
	}
	o.cell(oids.St4InputCordID, str("AA"), cord...)
	o.cell(oids.St4InputCordName, str("Master_Cord_A"), cord...)
	o.cell(oids.St4InputCordInletType, str(plug), cord...)
	o.cell(oids.St4InputCordNominalVoltage, integer(scale(nominal, 10)), cord...) // 0.1 V
	o.cell(oids.St4InputCordNominalVoltageMin, integer(vmin), cord...)
	o.cell(oids.St4InputCordNominalVoltageMax, integer(vmax), cord...)
	o.cell(oids.St4InputCordCurrentCapacity, integer(scale(s.RatedAmps, 1)), cord...)
	o.cell(oids.St4InputCordCurrentCapacityMax, integer(scale(s.RatedAmps, 1)), cord...)
	o.cell(oids.St4InputCordPowerCapacity, integer(scale(powerCap, 1)), cord...)
	o.cell(oids.St4InputCordLineCount, integer(np), cord...)
	o.cell(oids.St4InputCordPhaseCount, integer(np), cord...)
	o.cell(oids.St4InputCordOcpCount, integer(nb), cord...)
	o.cell(oids.St4InputCordBranchCount, integer(nb), cord...)
	o.cell(oids.St4InputCordOutletCount, integer(n), cord...)

	utilized := 0
	if powerCap > 0 {
		utilized = scale(va/powerCap, 1000) // 0.1 %
	}
	o.cell(oids.St4InputCordState, integer(int(oids.St4StateOn)), cord...)
	o.cell(oids.St4InputCordStatus, status(oids.St4StatusNormal), cord...)
	o.cell(oids.St4InputCordActivePower, integer(scale(watts, 1)), cord...)
	o.cell(oids.St4InputCordActivePowerStatus, status(sentryLevel(watts, 0.7*powerCap, 0.8*powerCap)), cord...)
	o.cell(oids.St4InputCordApparentPower, integer(scale(va, 1)), cord...)
	o.cell(oids.St4InputCordApparentPowerStatus, status(sentryLevel(va, 0.7*powerCap, 0.8*powerCap)), cord...)
	o.cell(oids.St4InputCordPowerUtilized, integer(utilized), cord...)
	o.cell(oids.St4InputCordPowerFactor, integer(scale(pf, 100)), cord...)
	o.cell(oids.St4InputCordPowerFactorStatus, status(oids.St4StatusNormal), cord...)
	o.cell(oids.St4InputCordEnergy, integer(scale(s.EnergyKWh, 10)), cord...)    // 0.1 kWh
	o.cell(oids.St4InputCordFrequency, integer(scale(s.Frequency, 10)), cord...) // 0.1 Hz
	if three {
		// The MIB says tenths of a percent, but the C2S42CE answers whole
		// percent: 26 for lines at 5.60, 3.69 and 5.60 A (25.6 %).
		o.cell(oids.St4InputCordOutOfBalance, integer(scale(unbalance(s.PhaseAmps), 1)), cord...)
		// Normal even past the thresholds, as the C2S42CE answers (26 against
		// a 20 % alarm).
		o.cell(oids.St4InputCordOutOfBalanceStatus, status(oids.St4StatusNormal), cord...)
	}
	o.cell(oids.St4InputCordNotifications, bits(1, 0, 1), cord...)
	for col, v := range map[string]int{
		oids.St4InputCordActivePowerLowAlarm: 0, oids.St4InputCordActivePowerLowWarning: 0,
		oids.St4InputCordActivePowerHighWarning: scale(0.7*powerCap, 1), oids.St4InputCordActivePowerHighAlarm: scale(0.8*powerCap, 1),
		oids.St4InputCordApparentPowerLowAlarm: 0, oids.St4InputCordApparentPowerLowWarning: 0,
		oids.St4InputCordApparentPowerHighWarning: scale(0.7*powerCap, 1), oids.St4InputCordApparentPowerHighAlarm: scale(0.8*powerCap, 1),
		oids.St4InputCordPowerFactorLowAlarm: 30, oids.St4InputCordPowerFactorLowWarning: 40,
	} {
		o.cell(col, integer(v), cord...)
	}
	if three {
		o.cell(oids.St4InputCordOutOfBalanceHighWarning, integer(15), cord...)
		o.cell(oids.St4InputCordOutOfBalanceHighAlarm, integer(20), cord...)
	}

	// Lines and phases, one of each per phase.
	lineLabel := func(ph int) string {
		if three {
			return fmt.Sprintf("AA:L%d", ph)
		}
		return "AA:L"
	}
	phaseLabel := func(ph int) string {
		switch {
		case delta:
			return fmt.Sprintf("AA:L%d-L%d", ph, ph%3+1)
		case three:
			return fmt.Sprintf("AA:L%d-N", ph)
		}
		return "AA:L-L/N"
	}
	id := func(k int) string { return fmt.Sprintf("AA%d", k) }
	for ph := 1; ph <= np; ph++ {
		i := []uint32{1, 1, uint32(ph)}
		amps, volts := at64(s.PhaseAmps, ph-1), s.phaseVolts(ph)
		warn, alarm := 0.7*s.RatedAmps, 0.8*s.RatedAmps
		branches, outlets := 0, 0
		for _, b := range s.Banks {
			if b.phase() == ph {
				branches++
			}
		}
		for k := 1; k <= n; k++ {
			if s.outletPhase(k) == ph {
				outlets++
			}
		}
		o.cell(oids.St4LineID, str(id(ph)), i...)
		o.cell(oids.St4LineLabel, str(lineLabel(ph)), i...)
		o.cell(oids.St4LineCurrentCapacity, integer(scale(s.RatedAmps, 1)), i...)
		o.cell(oids.St4LineState, integer(int(oids.St4StateOn)), i...)
		o.cell(oids.St4LineStatus, status(oids.St4StatusNormal), i...)
		o.cell(oids.St4LineCurrent, integer(scale(amps, 100)), i...) // 0.01 A
		o.cell(oids.St4LineCurrentStatus, status(sentryLevel(amps, warn, alarm)), i...)
		o.cell(oids.St4LineCurrentUtilized, integer(utilization(amps, s.RatedAmps)), i...)
		o.cell(oids.St4LineCurrentLowAlarm, integer(0), i...)
		o.cell(oids.St4LineCurrentLowWarning, integer(0), i...)
		o.cell(oids.St4LineCurrentHighWarning, integer(scale(warn, 10)), i...) // 0.1 A
		o.cell(oids.St4LineCurrentHighAlarm, integer(scale(alarm, 10)), i...)

		ppf, pva := 0.0, s.phaseVA(ph)
		if pva > 0 {
			ppf = s.phaseWatts(ph) / pva
		}
		share := 0.0
		if watts > 0 {
			share = s.phaseWatts(ph) / watts
		}
		o.cell(oids.St4PhaseID, str(id(ph)), i...)
		o.cell(oids.St4PhaseLabel, str(phaseLabel(ph)), i...)
		o.cell(oids.St4PhaseNominalVoltage, integer(scale(s.Volts, 10)), i...)
		o.cell(oids.St4PhaseBranchCount, integer(branches), i...)
		o.cell(oids.St4PhaseOutletCount, integer(outlets), i...)
		o.cell(oids.St4PhaseState, integer(int(oids.St4StateOn)), i...)
		o.cell(oids.St4PhaseStatus, status(oids.St4StatusNormal), i...)
		o.cell(oids.St4PhaseVoltage, integer(scale(volts, 10)), i...)
		o.cell(oids.St4PhaseVoltageStatus, status(oids.St4StatusNormal), i...)
		dev := 0
		if s.Volts > 0 {
			dev = scale((volts-s.Volts)/s.Volts, 1000) // 0.1 %
		}
		o.cell(oids.St4PhaseVoltageDeviation, integer(dev), i...)
		phaseAmps := amps
		if delta {
			phaseAmps = amps / math.Sqrt(3) // a pair's current, balanced
		}
		o.cell(oids.St4PhaseCurrent, integer(scale(phaseAmps, 100)), i...)
		o.cell(oids.St4PhaseCurrentCrestFactor, integer(14), i...) // 1.4, a typical switch-mode load
		o.cell(oids.St4PhaseActivePower, integer(scale(s.phaseWatts(ph), 1)), i...)
		o.cell(oids.St4PhaseApparentPower, integer(scale(pva, 1)), i...)
		o.cell(oids.St4PhasePowerFactor, integer(scale(ppf, 100)), i...)
		o.cell(oids.St4PhasePowerFactorStatus, status(oids.St4StatusNormal), i...)
		o.cell(oids.St4PhaseReactance, integer(2), i...) // inductive
		o.cell(oids.St4PhaseEnergy, integer(scale(s.EnergyKWh*share, 10)), i...)
	}

	// A breaker (OCP) and a branch per bank.
	for bi, b := range s.Banks {
		i := []uint32{1, 1, uint32(bi + 1)}
		label := fmt.Sprintf("AA:BR%d", b.Number)
		if three {
			label = fmt.Sprintf("%s-BR%d", phaseLabel(b.phase()), b.Number)
		}
		ocp, state := oids.St4StatusNormal, oids.St4StateOn
		if b.Tripped {
			ocp, state = oids.St4StatusBreakerTripped, oids.St4StateOff
		}
		outlets := max(0, b.To-b.From+1)
		warn, alarm := 0.7*b.RatedAmps, 0.8*b.RatedAmps
		o.cell(oids.St4OcpID, str(id(b.Number)), i...)
		o.cell(oids.St4OcpLabel, str(label), i...)
		o.cell(oids.St4OcpType, integer(1), i...) // breaker
		o.cell(oids.St4OcpCurrentCapacity, integer(scale(b.RatedAmps, 1)), i...)
		o.cell(oids.St4OcpCurrentCapacityMax, integer(scale(b.RatedAmps, 1)), i...)
		o.cell(oids.St4OcpBranchCount, integer(1), i...)
		o.cell(oids.St4OcpOutletCount, integer(outlets), i...)
		o.cell(oids.St4OcpStatus, status(ocp), i...)
		o.cell(oids.St4BranchID, str(id(b.Number)), i...)
		o.cell(oids.St4BranchLabel, str(label), i...)
		o.cell(oids.St4BranchCurrentCapacity, integer(scale(b.RatedAmps, 1)), i...)
		o.cell(oids.St4BranchPhaseID, str(id(b.phase())), i...)
		o.cell(oids.St4BranchOcpID, str(id(b.Number)), i...)
		o.cell(oids.St4BranchOutletCount, integer(outlets), i...)
		o.cell(oids.St4BranchState, integer(int(state)), i...)
		o.cell(oids.St4BranchStatus, status(ocp), i...)
		o.cell(oids.St4BranchCurrent, integer(scale(b.Amps, 100)), i...)
		o.cell(oids.St4BranchCurrentStatus, status(sentryLevel(b.Amps, warn, alarm)), i...)
		o.cell(oids.St4BranchCurrentUtilized, integer(utilization(b.Amps, b.RatedAmps)), i...)
		o.cell(oids.St4BranchCurrentLowAlarm, integer(0), i...)
		o.cell(oids.St4BranchCurrentLowWarning, integer(0), i...)
		o.cell(oids.St4BranchCurrentHighWarning, integer(scale(warn, 10)), i...)
		o.cell(oids.St4BranchCurrentHighAlarm, integer(scale(alarm, 10)), i...)
	}

	// Outlets.
	var outletCaps []int
	if p.switched {
		outletCaps = append(outletCaps, 0)
	}
	if p.pops {
		outletCaps = append(outletCaps, 1)
	}
	capA := 10.0 // IEC C13
	if s.Volts < 200 {
		capA = 12
	}
	for k := 1; k <= n; k++ {
		i := []uint32{1, 1, uint32(k)}
		ocpID, branchID := "", ""
		if b := s.bankOf(k); b >= 0 {
			ocpID, branchID = id(s.Banks[b].Number), id(s.Banks[b].Number)
		}
		volts := s.phaseVolts(s.outletPhase(k))
		o.cell(oids.St4OutletID, str(id(k)), i...)
		o.cell(oids.St4OutletName, str(s.outletName(k)), i...)
		o.cell(oids.St4OutletCapabilities, bits(1, outletCaps...), i...)
		o.cell(oids.St4OutletSocketType, str("C13"), i...)
		o.cell(oids.St4OutletCurrentCapacity, integer(scale(capA, 1)), i...)
		o.cell(oids.St4OutletPowerCapacity, integer(scale(capA*s.Volts, 1)), i...)
		o.cell(oids.St4OutletWakeupState, integer(0), i...) // on
		o.cell(oids.St4OutletPostOnDelay, integer(0), i...)
		o.cell(oids.St4OutletPhaseID, str(id(s.outletPhase(k))), i...)
		o.cell(oids.St4OutletOcpID, str(ocpID), i...)
		o.cell(oids.St4OutletBranchID, str(branchID), i...)

		on := s.outletOn(k)
		state := oids.St4StateOff
		if on {
			state = oids.St4StateOn
		}
		o.cell(oids.St4OutletState, integer(int(state)), i...)
		o.cell(oids.St4OutletStatus, status(oids.St4StatusNormal), i...)
		amps, w, ova := s.outletAmps(k), s.outletWatts(k), s.outletVA(k)
		opf := 0.0
		if ova > 0 {
			opf = w / ova
		}
		if !on {
			volts = 0
		}
		metered := func(v int) mib.Value {
			if p.pops {
				return integer(v)
			}
			return integer(-1)
		}
		o.cell(oids.St4OutletCurrent, metered(scale(amps, 100)), i...) // 0.01 A
		o.cell(oids.St4OutletCurrentStatus, status(sentryLevel(amps, 0.7*capA, 0.8*capA)), i...)
		o.cell(oids.St4OutletCurrentUtilized, metered(utilization(amps, capA)), i...)
		o.cell(oids.St4OutletVoltage, metered(scale(volts, 10)), i...)
		o.cell(oids.St4OutletActivePower, metered(scale(w, 1)), i...)
		o.cell(oids.St4OutletActivePowerStatus, status(oids.St4StatusNormal), i...)
		o.cell(oids.St4OutletApparentPower, metered(scale(ova, 1)), i...)
		o.cell(oids.St4OutletPowerFactor, metered(scale(opf, 100)), i...)
		o.cell(oids.St4OutletPowerFactorStatus, status(oids.St4StatusNormal), i...)
		o.cell(oids.St4OutletCurrentCrestFactor, metered(14), i...)
		o.cell(oids.St4OutletReactance, integer(2), i...)                                   // inductive
		o.cell(oids.St4OutletEnergy, metered(scale(at64(s.OutletEnergy, k-1), 1000)), i...) // Wh
		if p.switched {
			cs := oids.St4ControlOff
			if on {
				cs = oids.St4ControlOn
			}
			o.cell(oids.St4OutletControlState, integer(int(cs)), i...)
			o.cell(oids.St4OutletControlAction, integer(int(oids.St4ActionNone)), i...)
		}
	}
	return o.vars
}

// utilization is amps against capacity, in 0.1 %.
func utilization(amps, capacity float64) int {
	if capacity <= 0 {
		return 0
	}
	return scale(amps/capacity, 1000)
}

// Set decodes st4OutletControlAction (on, off, reboot; none does nothing)
// and outlet renames. Queued actions wait for st4OutletQueueControl,
// which is not modelled: they are refused with genErr.
func (p *sentry4) Set(s *PDUState, vars []mib.Var) ([]Action, int, error) {
	st := setter{
		served: p.Vars(s),
		handlers: []handler{
			{col: oids.St4OutletControlAction, do: func(index []uint32, v int, _ string) ([]Action, *mib.SetError) {
				switch oids.St4OutletAction(v) {
				case oids.St4ActionNone:
					return nil, nil
				case oids.St4ActionOn:
					return outletAction(lastArc(index), CommandOn), nil
				case oids.St4ActionOff:
					return outletAction(lastArc(index), CommandOff), nil
				case oids.St4ActionReboot:
					return outletAction(lastArc(index), CommandReboot), nil
				case oids.St4ActionQueueOn, oids.St4ActionQueueOff, oids.St4ActionQueueReboot:
					return nil, setErr(gosnmp.GenErr, "queued actions (%d) are not modelled by the simulator", v)
				}
				return nil, wrongValue(v, "none(0), on(1), off(2), reboot(3) or a queued action (4-6)")
			}},
			{col: oids.St4OutletName, string: true, do: func(index []uint32, _ int, name string) ([]Action, *mib.SetError) {
				if err := nameLength(name, 0, 32); err != nil {
					return nil, err
				}
				return rename(lastArc(index), name), nil
			}},
		},
		writable: []string{
			oids.St4UnitName, oids.St4InputCordName, oids.St4InputCordNominalVoltage, oids.St4InputCordCurrentCapacity,
			oids.St4InputCordNotifications, oids.St4InputCordActivePowerLowAlarm, oids.St4InputCordActivePowerLowWarning,
			oids.St4InputCordActivePowerHighWarning, oids.St4InputCordActivePowerHighAlarm, oids.St4InputCordApparentPowerLowAlarm,
			oids.St4InputCordApparentPowerLowWarning, oids.St4InputCordApparentPowerHighWarning, oids.St4InputCordApparentPowerHighAlarm,
			oids.St4InputCordPowerFactorLowAlarm, oids.St4InputCordPowerFactorLowWarning, oids.St4InputCordOutOfBalanceHighWarning,
			oids.St4InputCordOutOfBalanceHighAlarm,
			oids.St4LineCurrentLowAlarm, oids.St4LineCurrentLowWarning, oids.St4LineCurrentHighWarning, oids.St4LineCurrentHighAlarm,
			oids.St4OcpCurrentCapacity,
			oids.St4BranchCurrentLowAlarm, oids.St4BranchCurrentLowWarning, oids.St4BranchCurrentHighWarning, oids.St4BranchCurrentHighAlarm,
			oids.St4OutletWakeupState, oids.St4OutletPostOnDelay,
		},
	}
	return st.run(vars)
}
