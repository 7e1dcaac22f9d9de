package profile

import (
	"fmt"
	"math"
	"strings"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

// eaton renders Eaton G3 ePDUs (EATON-EPDU-MIB) as the master unit
// (strappingIndex 0) with one input, a breaker group per bank (or one
// outlet section holding every outlet when there are no banks) and the
// outlets. The part number says what the unit does: EMA… managed
// (switched and metered by outlet), EMS… switched, EMO… metered by
// outlet, EMI… metered at the input, EBA… basic; others are managed.
type eaton struct {
	unitType oids.EPDUUnitTypeValue
	switched bool
	metered  bool // per-outlet metering
}

func newEaton(model string) *eaton {
	m := strings.ToUpper(model)
	switch {
	case strings.Contains(m, "EMS"):
		return &eaton{unitType: oids.EPDUUnitSwitched, switched: true}
	case strings.Contains(m, "EMO"):
		return &eaton{unitType: oids.EPDUUnitAdvancedMonitored, metered: true}
	case strings.Contains(m, "EMI"):
		return &eaton{unitType: oids.EPDUUnitMonitored}
	case strings.Contains(m, "EBA"):
		return &eaton{unitType: oids.EPDUUnitBasic}
	}
	return &eaton{unitType: oids.EPDUUnitManaged, switched: true, metered: true}
}

func (p *eaton) Name() string        { return "eaton-epdu" }
func (p *eaton) SysObjectID() string { return oids.SysObjectIDEatonEPDU }

// eatonPartNumber drops the family words inventories put before the part
// number ("ePDU G3 EMAB03" → "EMAB03").
func eatonPartNumber(model string) string {
	f := strings.Fields(model)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// productName words the unit as its sysDescr does: "ePDU MA 36U-C IN:
// L5-20P 16A 1P OUT: 24x5-20R".
func (p *eaton) productName(s *PDUState) string {
	kind := map[oids.EPDUUnitTypeValue]string{
		oids.EPDUUnitManaged: "MA", oids.EPDUUnitSwitched: "SW", oids.EPDUUnitAdvancedMonitored: "MO",
		oids.EPDUUnitMonitored: "MI", oids.EPDUUnitBasic: "BA",
	}[p.unitType]
	plug, socket := eatonPlug(s)
	return fmt.Sprintf("ePDU %s 0U IN: %s %gA %dP OUT: %dx%s", kind, plug, s.RatedAmps, s.phases(), s.Outlets, socket)
}

// eatonPlug is the inlet plug and outlet socket for the rating: North
// American NEMA below 200 V, IEC otherwise.
func eatonPlug(s *PDUState) (plug, socket string) {
	switch {
	case s.Volts < 200 && s.phases() == 3:
		return "L21-20P", "5-20R"
	case s.Volts < 200:
		return "L5-20P", "5-20R"
	case s.phases() == 3:
		return "IEC309 32A 5P", "C13"
	}
	return "IEC309 32A 3P", "C13"
}

// eatonPlugType is inputPlugType for the rating.
func eatonPlugType(s *PDUState) int {
	switch {
	case s.Volts < 200 && s.phases() == 3:
		return 321 // nemaL2120
	case s.Volts < 200:
		return 123 // nemaL520
	case s.phases() == 3:
		return 303 // iec560P9
	}
	return 104 // iec332P6
}

func (p *eaton) thStatus(ma, warn, crit float64) mib.Value {
	switch {
	case crit > 0 && ma >= crit:
		return integer(int(oids.EPDUThHighCritical))
	case warn > 0 && ma >= warn:
		return integer(int(oids.EPDUThHighWarning))
	}
	return integer(int(oids.EPDUThGood))
}

// pfThousandths is a power factor as this firmware sends it: thousandths,
// negative under load (the EMA114-10 recording: -946 for 0.946) and 1000
// without.
func pfThousandths(pf, va float64) int {
	if va <= 0 {
		return 1000
	}
	return -scale(pf, 1000)
}

// crest is a current's crest factor in thousandths: 1.414 for a sine, 0
// without current (as the EMA114-10 answers for idle outlets).
func crest(amps float64) int {
	if amps <= 0 {
		return 0
	}
	return 1414
}

func (p *eaton) Vars(s *PDUState) []mib.Var {
	var o out
	now := clock(s.Now, s.Uptime)
	start := now.Add(-s.Uptime)
	product := p.productName(s)
	systemGroup(&o, product, oids.SysObjectIDEatonEPDU, s.Uptime, s.Name)
	np, n := s.phases(), s.Outlets
	groups := len(s.Banks)
	if groups == 0 {
		groups = 1 // one outlet section
	}

	u := []uint32{0}
	o.cell(oids.EPDUProductName, str(product), u...)
	o.cell(oids.EPDUPartNumber, str(eatonPartNumber(s.Model)), u...)
	o.cell(oids.EPDUSerialNumber, str(s.Serial), u...)
	o.cell(oids.EPDUFirmwareVersion, str("05.01.0002"), u...)
	o.cell(oids.EPDUUnitName, str(s.Name), u...)
	o.cell(oids.EPDUUnitType, integer(int(p.unitType)), u...)
	o.cell(oids.EPDUInputCount, integer(1), u...)
	o.cell(oids.EPDUGroupCount, integer(groups), u...)
	o.cell(oids.EPDUOutletCount, integer(n), u...)
	o.cell(oids.EPDUCommunicationStatus, integer(0), u...) // good
	o.cell(oids.EPDUInternalStatus, integer(0), u...)      // good
	if p.switched {
		o.cell(oids.EPDUUnitControlOffCmd, integer(oids.EPDUCommandCancel), u...)
		o.cell(oids.EPDUUnitControlOnCmd, integer(oids.EPDUCommandCancel), u...)
	}

	// The input, indexed strap.input, and its per-phase rows.
	in := []uint32{0, 1}
	inputType, voltMeas, curMeas := 1, oids.EPDUSinglePhase, 1 // singlePhase
	if np == 3 {
		inputType = 4 // threePhaseWye
	}
	watts, va := s.totalWatts(), s.totalVA()
	pf := 0.0
	if va > 0 {
		pf = watts / va
	}
	o.cell(oids.EPDUInputType, integer(inputType), in...)
	o.cell(oids.EPDUInputFrequency, integer(scale(s.Frequency, 10)), in...) // 0.1 Hz
	o.cell(oids.EPDUInputFrequencyStatus, integer(0), in...)                // good
	o.cell(oids.EPDUInputVoltageCount, integer(np), in...)
	o.cell(oids.EPDUInputCurrentCount, integer(np), in...)
	o.cell(oids.EPDUInputPowerCount, integer(np), in...)
	o.cell(oids.EPDUInputPlugType, integer(eatonPlugType(s)), in...)
	o.cell(oids.EPDUInputFeedColor, gauge(0), in...)
	o.cell(oids.EPDUInputFeedName, str("Input 1"), in...)
	warnMA, critMA := 800*s.RatedAmps, 1000*s.RatedAmps // 80 % and 100 % of the rating, in mA
	for ph := 1; ph <= np; ph++ {
		i := []uint32{0, 1, uint32(ph)}
		vm, cm := voltMeas, curMeas
		if np == 3 {
			vm, cm = oids.EPDUMeasType(int(oids.EPDUPhase1toN)+ph-1), 2+ph // phaseNtoN, phaseN
		}
		volts, amps := s.phaseVolts(ph), at64(s.PhaseAmps, ph-1)
		ma := 1000 * amps
		o.cell(oids.EPDUInputVoltageMeasType, integer(int(vm)), i...)
		o.cell(oids.EPDUInputVoltage, integer(scale(volts, 1000)), i...) // mV
		o.cell(oids.EPDUInputVoltageThStatus, integer(int(oids.EPDUThGood)), i...)
		o.cell(oids.EPDUInputVoltageThLowerWarning, integer(scale(0.8*s.Volts, 1000)), i...)
		o.cell(oids.EPDUInputVoltageThLowerCritical, integer(scale(0.76*s.Volts, 1000)), i...)
		o.cell(oids.EPDUInputVoltageThUpperWarning, integer(scale(1.1*s.Volts, 1000)), i...)
		o.cell(oids.EPDUInputVoltageThUpperCritical, integer(scale(1.18*s.Volts, 1000)), i...)
		o.cell(oids.EPDUInputCurrentMeasType, integer(cm), i...)
		o.cell(oids.EPDUInputCurrentCapacity, integer(scale(s.RatedAmps, 1000)), i...) // mA
		o.cell(oids.EPDUInputCurrent, integer(scale(amps, 1000)), i...)
		o.cell(oids.EPDUInputCurrentThStatus, p.thStatus(ma, warnMA, critMA), i...)
		o.cell(oids.EPDUInputCurrentThLowerWarning, integer(0), i...)
		o.cell(oids.EPDUInputCurrentThLowerCritical, integer(-1), i...)
		o.cell(oids.EPDUInputCurrentThUpperWarning, integer(scale(warnMA, 1)), i...)
		o.cell(oids.EPDUInputCurrentThUpperCritical, integer(scale(critMA, 1)), i...)
		o.cell(oids.EPDUInputCurrentCrestFactor, integer(crest(amps)), i...) // 0.001
		o.cell(oids.EPDUInputCurrentPercentLoad, integer(utilization(amps, s.RatedAmps)/10), i...)
		o.cell(oids.EPDUInputPhaseDesignator, str(fmt.Sprintf("L%d", ph)), i...)
		pva, pw := s.phaseVA(ph), s.phaseWatts(ph)
		ppf := 0.0
		if pva > 0 {
			ppf = pw / pva
		}
		share := 0.0
		if watts > 0 {
			share = pw / watts
		}
		o.cell(oids.EPDUInputPowerMeasType, integer(ph), i...) // phaseN
		o.cell(oids.EPDUInputVA, integer(scale(pva, 1)), i...)
		o.cell(oids.EPDUInputWatts, integer(scale(pw, 1)), i...)
		o.cell(oids.EPDUInputWh, gauge(uscale(s.EnergyKWh*share, 1000)), i...)
		o.cell(oids.EPDUInputWhTimer, gauge(0), i...) // Gauge32, 0 (never reset) on the EMA114-10
		o.cell(oids.EPDUInputPowerFactor, integer(pfThousandths(ppf, pva)), i...)
		o.cell(oids.EPDUInputVAR, integer(-reactive(pva, pw)), i...)
	}
	o.cell(oids.EPDUInputTotalVA, integer(scale(va, 1)), in...)
	o.cell(oids.EPDUInputTotalWatts, integer(scale(watts, 1)), in...)
	o.cell(oids.EPDUInputTotalWh, gauge(uscale(s.EnergyKWh, 1000)), in...)
	o.cell(oids.EPDUInputTotalWhTimer, gauge(unixSeconds(start)), in...)
	o.cell(oids.EPDUInputTotalPowerFactor, integer(scale(pf, 1000)), in...) // positive here (the recording)
	o.cell(oids.EPDUInputTotalVAR, integer(-reactive(va, watts)), in...)
	o.cell(oids.EPDUInputPowerCapacity, integer(scale(s.ratedVA(), 1)), in...)

	// Groups: a breaker per bank, or one section of every outlet.
	type group struct {
		kind            oids.EPDUGroupTypeValue
		from, to, phase int
		rated, amps     float64
		tripped         bool
	}
	var gs []group
	for _, b := range s.Banks {
		gs = append(gs, group{oids.EPDUGroupBreaker1Pole, b.From, b.To, b.phase(), b.RatedAmps, b.Amps, b.Tripped})
	}
	if len(gs) == 0 {
		gs = append(gs, group{kind: oids.EPDUGroupOutletSection, from: 1, to: n, phase: 1, rated: s.RatedAmps, amps: sum(s.PhaseAmps)})
	}
	for gi, g := range gs {
		i := []uint32{0, uint32(gi + 1)}
		breaker := 0 // notApplicable
		if g.kind != oids.EPDUGroupOutletSection {
			breaker = 1 // breakerOn
			if g.tripped {
				breaker = 2
			}
		}
		gw := 0.0
		for k := g.from; k <= g.to; k++ {
			gw += s.outletWatts(k)
		}
		gva := g.amps * s.phaseVolts(g.phase)
		o.cell(oids.EPDUGroupID, str(fmt.Sprint(gi+1)), i...)
		o.cell(oids.EPDUGroupName, str(fmt.Sprintf("Group %d", gi+1)), i...)
		o.cell(oids.EPDUGroupType, integer(int(g.kind)), i...)
		o.cell(oids.EPDUGroupBreakerStatus, integer(breaker), i...)
		o.cell(oids.EPDUGroupChildCount, integer(max(0, g.to-g.from+1)), i...)
		o.cell(oids.EPDUGroupDesignator, str(fmt.Sprintf("A%d", gi+1)), i...)
		o.cell(oids.EPDUGroupInputIndex, integer(1), i...)
		gvm := voltMeas
		if np == 3 {
			gvm = oids.EPDUMeasType(int(oids.EPDUPhase1toN) + g.phase - 1)
		}
		o.cell(oids.EPDUGroupVoltageMeasType, integer(int(gvm)), i...)
		o.cell(oids.EPDUGroupVoltage, integer(scale(s.phaseVolts(g.phase), 1000)), i...)
		o.cell(oids.EPDUGroupVoltageThStatus, integer(int(oids.EPDUThGood)), i...)
		o.cell(oids.EPDUGroupCurrentCapacity, integer(scale(g.rated, 1000)), i...)
		o.cell(oids.EPDUGroupCurrent, integer(scale(g.amps, 1000)), i...)
		o.cell(oids.EPDUGroupCurrentThStatus, p.thStatus(1000*g.amps, 800*g.rated, 1000*g.rated), i...)
		o.cell(oids.EPDUGroupCurrentThLowerWarning, integer(0), i...)
		o.cell(oids.EPDUGroupCurrentThLowerCritical, integer(-1), i...)
		o.cell(oids.EPDUGroupCurrentThUpperWarning, integer(scale(0.8*g.rated, 1000)), i...)
		o.cell(oids.EPDUGroupCurrentThUpperCritical, integer(scale(g.rated, 1000)), i...)
		o.cell(oids.EPDUGroupCurrentPercentLoad, integer(utilization(g.amps, g.rated)/10), i...)
		o.cell(oids.EPDUGroupVA, integer(scale(gva, 1)), i...)
		o.cell(oids.EPDUGroupWatts, integer(scale(gw, 1)), i...)
		o.cell(oids.EPDUGroupWh, gauge(0), i...)
	}

	// Outlets.
	plug, _ := eatonPlug(s)
	outletType, capA := 1, 10.0 // iecC13
	if strings.HasPrefix(plug, "L") {
		outletType, capA = 22, 16 // nema520
	}
	for k := 1; k <= n; k++ {
		i := []uint32{0, uint32(k)}
		g := 0
		if b := s.bankOf(k); b >= 0 {
			g = b
		}
		parentType := 2 // section
		if len(s.Banks) > 0 {
			parentType = 1 // breaker
		}
		phaseID := 1 // singlePhase
		if np == 3 {
			phaseID = 1 + s.outletPhase(k) // phaseNtoN
		}
		o.cell(oids.EPDUOutletID, str(fmt.Sprint(k)), i...)
		o.cell(oids.EPDUOutletName, str(s.outletName(k)), i...)
		o.cell(oids.EPDUOutletParentCount, integer(1), i...)
		o.cell(oids.EPDUOutletType, integer(outletType), i...)
		o.cell(oids.EPDUOutletDesignator, str(fmt.Sprintf("A%d", k)), i...)
		o.cell(oids.EPDUOutletPhaseID, integer(phaseID), i...)
		o.cell(oids.EPDUOutletParentType, integer(parentType), 0, uint32(k), 1)
		// Real units point at groupID.<group>, leaving out the strap index.
		o.cell(oids.EPDUOutletParentOID, oidValue(fmt.Sprintf("%s.%d", oids.EPDUGroupID, g+1)), 0, uint32(k), 1)

		if p.metered {
			amps, w, ova := s.outletAmps(k), s.outletWatts(k), s.outletVA(k)
			opf := 0.0
			if ova > 0 {
				opf = w / ova
			}
			ma := 1000 * amps
			o.cell(oids.EPDUOutletCurrentCapacity, integer(scale(capA, 1000)), i...)
			o.cell(oids.EPDUOutletCurrent, integer(scale(amps, 1000)), i...) // mA
			o.cell(oids.EPDUOutletCurrentThStatus, p.thStatus(ma, 800*capA, 1000*capA), i...)
			o.cell(oids.EPDUOutletCurrentThLowerWarning, integer(0), i...)
			o.cell(oids.EPDUOutletCurrentThLowerCritical, integer(-1), i...)
			o.cell(oids.EPDUOutletCurrentThUpperWarning, integer(scale(0.8*capA, 1000)), i...)
			o.cell(oids.EPDUOutletCurrentThUpperCritical, integer(scale(capA, 1000)), i...)
			o.cell(oids.EPDUOutletCurrentCrestFactor, integer(crest(amps)), i...) // 0.001
			o.cell(oids.EPDUOutletCurrentPercentLoad, integer(-1), i...)
			o.cell(oids.EPDUOutletVA, integer(scale(ova, 1)), i...)
			o.cell(oids.EPDUOutletWatts, integer(scale(w, 1)), i...)
			o.cell(oids.EPDUOutletWh, gauge(uscale(at64(s.OutletEnergy, k-1), 1000)), i...)
			o.cell(oids.EPDUOutletWhTimer, gauge(unixSeconds(start)), i...)
			o.cell(oids.EPDUOutletPowerFactor, integer(pfThousandths(opf, ova)), i...)
			o.cell(oids.EPDUOutletVAR, integer(-reactive(ova, w)), i...)
		}
		if p.switched {
			st := oids.EPDUOutletOff
			if s.outletOn(k) {
				st = oids.EPDUOutletOn
			}
			o.cell(oids.EPDUOutletControlStatus, integer(int(st)), i...)
			o.cell(oids.EPDUOutletControlOffCmd, integer(oids.EPDUCommandCancel), i...)
			o.cell(oids.EPDUOutletControlOnCmd, integer(oids.EPDUCommandCancel), i...)
			o.cell(oids.EPDUOutletControlRebootCmd, integer(oids.EPDUCommandCancel), i...)
			o.cell(oids.EPDUOutletControlPowerOnState, integer(2), i...) // lastState
			o.cell(oids.EPDUOutletControlSequenceDelay, integer(k), i...)
			o.cell(oids.EPDUOutletControlRebootOffTime, integer(10), i...)
			o.cell(oids.EPDUOutletControlSwitchable, integer(1), i...) // switchable
			o.cell(oids.EPDUOutletControlShutoffDelay, integer(120), i...)
		}
	}
	if p.switched {
		o.cell(oids.EPDUOutletAutomaticShutoff, integer(0), u...) // notApplicable
	}
	return o.vars
}

// reactive is the reactive power (var) for apparent and active power.
func reactive(va, w float64) int {
	if va <= w {
		return 0
	}
	return scale(math.Sqrt(va*va-w*w), 1)
}

// Set decodes outletControlOffCmd, OnCmd and RebootCmd (0: now, n > 0:
// after n s, which the simulator does at once; -1 cancels) on outlets and
// on the unit (all outlets), and outlet renames.
func (p *eaton) Set(s *PDUState, vars []mib.Var) ([]Action, int, error) {
	cmd := func(col, command string, all bool) handler {
		return handler{col: col, do: func(index []uint32, v int, _ string) ([]Action, *mib.SetError) {
			if v < oids.EPDUCommandCancel || v > oids.EPDUCommandMax {
				return nil, wrongValue(v, "a delay from -1 (cancel) to 99999 s")
			}
			if v == oids.EPDUCommandCancel {
				return nil, nil
			}
			if all {
				return outletAction(0, command), nil
			}
			return outletAction(lastArc(index), command), nil
		}}
	}
	st := setter{
		served: p.Vars(s),
		handlers: []handler{
			cmd(oids.EPDUOutletControlOffCmd, CommandOff, false),
			cmd(oids.EPDUOutletControlOnCmd, CommandOn, false),
			cmd(oids.EPDUOutletControlRebootCmd, CommandReboot, false),
			cmd(oids.EPDUUnitControlOffCmd, CommandOff, true),
			cmd(oids.EPDUUnitControlOnCmd, CommandOn, true),
			{col: oids.EPDUOutletName, string: true, do: func(index []uint32, _ int, name string) ([]Action, *mib.SetError) {
				if err := nameLength(name, 1, 31); err != nil {
					return nil, err
				}
				return rename(lastArc(index), name), nil
			}},
		},
		writable: []string{
			oids.EPDUUnitName, oids.EPDUInputFeedColor, oids.EPDUInputFeedName,
			oids.EPDUInputVoltageThLowerWarning, oids.EPDUInputVoltageThLowerCritical, oids.EPDUInputVoltageThUpperWarning,
			oids.EPDUInputVoltageThUpperCritical, oids.EPDUInputCurrentThLowerWarning, oids.EPDUInputCurrentThLowerCritical,
			oids.EPDUInputCurrentThUpperWarning, oids.EPDUInputCurrentThUpperCritical, oids.EPDUInputWh, oids.EPDUInputTotalWh,
			oids.EPDUGroupName, oids.EPDUGroupCurrentThLowerWarning, oids.EPDUGroupCurrentThLowerCritical,
			oids.EPDUGroupCurrentThUpperWarning, oids.EPDUGroupCurrentThUpperCritical,
			oids.EPDUOutletCurrentThLowerWarning, oids.EPDUOutletCurrentThLowerCritical, oids.EPDUOutletCurrentThUpperWarning,
			oids.EPDUOutletCurrentThUpperCritical, oids.EPDUOutletWh, oids.EPDUOutletControlPowerOnState,
			oids.EPDUOutletControlSequenceDelay, oids.EPDUOutletControlRebootOffTime, oids.EPDUOutletControlSwitchable,
			oids.EPDUOutletControlShutoffDelay, oids.EPDUOutletAutomaticShutoff,
		},
	}
	return st.run(vars)
}
