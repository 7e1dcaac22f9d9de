package profile

import (
	"fmt"
	"strings"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

// apcATS renders APC rack ATS units (PowerNet-MIB atsIdent, atsConfig,
// atsStatus, inputs and outputs). AP44xx units (4G card) are the default;
// AP77xx answer with their own sysObjectID and without the 4G-only status
// objects. The state has no output banks, so the bank tables hold only
// the "total" row.
type apcATS struct {
	g4 bool // an AP44xx on a 4G network card
}

func newAPCATS(model string) *apcATS {
	return &apcATS{g4: !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(model)), "AP77")}
}

func (p *apcATS) Name() string { return "apc-ats" }

func (p *apcATS) SysObjectID() string {
	if p.g4 {
		return oids.SysObjectIDAPCATS4G
	}
	return oids.SysObjectIDAPCATS
}

func (p *apcATS) sysDescr(s *ATSState) string {
	// The recording's wording (AP4423, no trailing space), on the 6.5.6
	// firmware that fixed the input voltages of 6.4.7 (LibreNMS #10098).
	app := "ats4g"
	if !p.g4 {
		app = "ats"
	}
	return fmt.Sprintf("APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.5.6 PN:apc_hw05_aos_656.bin AF1:v6.5.6 AN1:apc_hw05_%s_656.bin MN:%s HR:R01 SN: %s MD:06/09/2018)", app, s.Model, s.Serial)
}

// selected is the source the ATS reports as selected (0 A, 1 B). With the
// output dark it is still switched to one of them: the dead one.
func (s *ATSState) selected() int {
	if s.Selected == 0 || s.Selected == 1 {
		return s.Selected
	}
	sel := s.Preferred & 1
	if s.InputOK[sel] && !s.InputOK[1-sel] {
		sel = 1 - sel
	}
	return sel
}

func failOK(ok bool) mib.Value {
	if ok {
		return integer(int(oids.ATSOK))
	}
	return integer(int(oids.ATSFail))
}

func (p *apcATS) Vars(s *ATSState) []mib.Var {
	var o out
	systemGroup(&o, p.sysDescr(s), p.SysObjectID(), s.Uptime, s.Name)
	o.cell(oids.APCModuleFirmwareRev, str("v6.5.6"), 1)
	o.cell(oids.APCModuleFirmwareRev, str("v6.5.6"), 2)

	dark := s.Selected < 0
	outVolts := 0.0
	if !dark {
		outVolts = s.InputVolts[s.selected()]
		if outVolts == 0 {
			outVolts = s.Volts
		}
	}
	amps := s.OutputAmps
	if dark {
		amps = 0
	}
	va := amps * outVolts
	ratedVA := s.RatedAmps * s.Volts
	pct := 0
	if ratedVA > 0 {
		pct = scale(100*va/ratedVA, 1)
	}
	low, near, over := apcThresholds(s.RatedAmps)
	level := loadLevel(amps, float64(low), float64(near), float64(over))
	state := []oids.ATSLoadState{oids.ATSLoadLow, oids.ATSLoadNormal, oids.ATSLoadNearOverload, oids.ATSLoadOverload}[level]
	if s.OverCurrent {
		state = oids.ATSLoadOverload
	}

	o.scalar(oids.ATSIdentHardwareRev, str("R01"))
	o.scalar(oids.ATSIdentFirmwareRev, str("4.1.9"))
	o.scalar(oids.ATSIdentFirmwareDate, str("06/09/2018"))
	o.scalar(oids.ATSIdentDateOfManufacture, str("06/09/2018"))
	o.scalar(oids.ATSIdentModelNumber, str(s.Model))
	o.scalar(oids.ATSIdentSerialNumber, str(s.Serial))
	o.scalar(oids.ATSIdentNominalLineVoltage, integer(scale(s.Volts, 1)))
	o.scalar(oids.ATSIdentNominalLineFrequency, integer(scale(s.Frequency, 1)))
	o.scalar(oids.ATSIdentDeviceRating, integer(scale(s.RatedAmps, 1)))

	o.scalar(oids.ATSConfigProductName, str(s.Name))
	o.scalar(oids.ATSConfigPreferredSource, integer(int(oids.ATSSourceA)+s.Preferred&1))
	o.scalar(oids.ATSConfigFrontPanelLockout, integer(2))    // enableFrontPanel
	o.scalar(oids.ATSConfigVoltageSensitivity, integer(1))   // high
	o.scalar(oids.ATSConfigTransferVoltageRange, integer(2)) // medium
	o.scalar(oids.ATSConfigCurrentLimit, integer(over))
	freqDev := 2 // AP77xx: 1, 2 or 3 Hz
	if p.g4 {
		freqDev = 3 // AP44xx: 3, 5 or 10 Hz
	}
	o.scalar(oids.ATSConfigFrequencyDeviation, integer(freqDev))
	o.scalar(oids.ATSConfigBankTableSize, integer(1))
	o.cell(oids.ATSConfigBankTableIndex, integer(1), 1)
	o.cell(oids.ATSConfigBank, integer(int(oids.ATSBankTotal)), 1)
	o.cell(oids.ATSConfigBankLowLoadThreshold, integer(low), 1)
	o.cell(oids.ATSConfigBankNearOverLoadThreshold, integer(near), 1)
	o.cell(oids.ATSConfigBankOverLoadThreshold, integer(over), 1)
	o.scalar(oids.ATSConfigPhaseTableSize, integer(1))
	o.cell(oids.ATSConfigPhaseTableIndex, integer(1), 1)
	o.cell(oids.ATSConfigPhase, integer(1), 1) // phase1
	o.cell(oids.ATSConfigPhaseLowLoadThreshold, integer(low), 1)
	o.cell(oids.ATSConfigPhaseNearOverLoadThreshold, integer(near), 1)
	o.cell(oids.ATSConfigPhaseOverLoadThreshold, integer(over), 1)

	// Redundancy is lost when the other source is down, or the switch
	// cannot transfer, or the load is too high to allow a transfer.
	redundant := s.InputOK[0] && s.InputOK[1] && !s.SwitchFailed && !s.OverCurrent && !dark
	redundancy, overCurrent, sync := oids.ATSRedundancyLost, oids.ATSCurrentOK, oids.ATSPhasesOutOfSync
	if redundant {
		redundancy = oids.ATSFullyRedundant
	}
	if s.OverCurrent {
		overCurrent = oids.ATSOverCurrent
	}
	if s.PhaseSync {
		sync = oids.ATSPhasesInSync
	}
	o.scalar(oids.ATSStatusCommStatus, integer(oids.ATSCommEstablished))
	o.scalar(oids.ATSStatusSelectedSource, integer(int(oids.ATSSourceA)+s.selected()))
	o.scalar(oids.ATSStatusRedundancyState, integer(int(redundancy)))
	o.scalar(oids.ATSStatusOverCurrentState, integer(overCurrent))
	o.scalar(oids.ATSStatus5VPowerSupply, integer(oids.ATSPowerSupplyOK))
	o.scalar(oids.ATSStatus24VPowerSupply, integer(oids.ATSPowerSupplyOK))
	o.scalar(oids.ATSStatusSwitchStatus, failOK(!s.SwitchFailed))
	o.scalar(oids.ATSStatusFrontPanel, integer(oids.ATSFrontPanelUnlocked))
	o.scalar(oids.ATSStatusSourceAStatus, failOK(s.InputOK[0]))
	o.scalar(oids.ATSStatusSourceBStatus, failOK(s.InputOK[1]))
	o.scalar(oids.ATSStatusPhaseSyncStatus, integer(sync))
	o.scalar(oids.ATSStatusVoltageOutStatus, failOK(!dark))
	o.scalar(oids.ATSStatusHardwareStatus, failOK(true))
	if p.g4 {
		o.scalar(oids.ATSStatusFuseSourceA, integer(oids.ATSFuseClosed))
		o.scalar(oids.ATSStatusFuseSourceB, integer(oids.ATSFuseClosed))
	}

	// Inputs: the input phase rows answer at <input>.<phase>.1.
	o.scalar(oids.ATSNumInputs, integer(2))
	for in := range 2 {
		i := uint32(in + 1)
		o.cell(oids.ATSInputTableIndex, integer(in+1), i)
		o.cell(oids.ATSNumInputPhases, integer(1), i)
		o.cell(oids.ATSInputVoltageOrientation, integer(int(oids.ATSSinglePhase)), i)
		o.cell(oids.ATSInputFrequency, integer(scale(s.InputFreq[in], 1)), i)
		o.cell(oids.ATSInputType, integer(oids.ATSInputTypeMain), i)
		o.cell(oids.ATSInputName, str("Source "+string(rune('A'+in))), i)
		o.cell(oids.ATSInputPhaseTableIndex, integer(in+1), i, 1, 1)
		o.cell(oids.ATSInputPhaseIndex, integer(1), i, 1, 1)
		o.cell(oids.ATSInputVoltage, integer(scale(s.InputVolts[in], 1)), i, 1, 1)
		// Input current, power and the max/min trackers: -1, as a real
		// unit answers (NUT apc-ats-mib.c).
		for _, col := range []string{oids.ATSInputMaxVoltage, oids.ATSInputMinVoltage, oids.ATSInputCurrent, oids.ATSInputMaxCurrent,
			oids.ATSInputMinCurrent, oids.ATSInputPower, oids.ATSInputMaxPower, oids.ATSInputMinPower} {
			o.cell(col, integer(-1), i, 1, 1)
		}
	}

	// The output, its phase row at <output>.<phase>.1, and the bank table.
	outFreq := 0
	if !dark {
		outFreq = scale(s.InputFreq[s.selected()], 1)
	}
	o.scalar(oids.ATSNumOutputs, integer(1))
	o.cell(oids.ATSOutputTableIndex, integer(1), 1)
	o.cell(oids.ATSNumOutputPhases, integer(1), 1)
	o.cell(oids.ATSOutputVoltageOrientation, integer(int(oids.ATSSinglePhase)), 1)
	o.cell(oids.ATSOutputFrequency, integer(outFreq), 1)
	ph := []uint32{1, 1, 1}
	o.cell(oids.ATSOutputPhaseTableIndex, integer(1), ph...)
	o.cell(oids.ATSOutputPhaseIndex, integer(1), ph...)
	o.cell(oids.ATSOutputVoltage, integer(scale(outVolts, 1)), ph...)
	o.cell(oids.ATSOutputCurrent, integer(scale(amps, 10)), ph...) // 0.1 A
	o.cell(oids.ATSOutputLoad, integer(scale(va, 1)), ph...)
	o.cell(oids.ATSOutputPercentLoad, integer(pct), ph...)
	o.cell(oids.ATSOutputPower, integer(scale(va, 1)), ph...)
	o.cell(oids.ATSOutputPercentPower, integer(pct), ph...)
	o.cell(oids.ATSOutputPhaseState, integer(int(state)), ph...)
	for _, col := range []string{oids.ATSOutputMaxCurrent, oids.ATSOutputMinCurrent, oids.ATSOutputMaxLoad, oids.ATSOutputMinLoad,
		oids.ATSOutputMaxPercentLoad, oids.ATSOutputMinPercentLoad, oids.ATSOutputMaxPower, oids.ATSOutputMinPower,
		oids.ATSOutputMaxPercentPower, oids.ATSOutputMinPercentPower} {
		o.cell(col, integer(-1), ph...)
	}
	o.scalar(oids.ATSOutputBankTableSize, integer(1))
	o.cell(oids.ATSOutputBankTableIndex, integer(1), 1)
	o.cell(oids.ATSOutputPhase, integer(1), 1)
	o.cell(oids.ATSOutputBank, integer(int(oids.ATSBankTotal)), 1)
	o.cell(oids.ATSOutputBankCurrent, gauge(uscale(amps, 10)), 1) // Gauge32, 0.1 A
	o.cell(oids.ATSOutputBankState, integer(int(state)), 1)
	o.cell(oids.ATSOutputBankOutputVoltage, integer(scale(outVolts, 1)), 1)
	o.cell(oids.ATSOutputBankLoad, integer(scale(va, 1)), 1)
	o.cell(oids.ATSOutputBankPercentLoad, integer(pct), 1)
	o.cell(oids.ATSOutputBankPower, integer(scale(va, 1)), 1)
	o.cell(oids.ATSOutputBankPercentPower, integer(pct), 1)
	for _, col := range []string{oids.ATSOutputBankMaxCurrent, oids.ATSOutputBankMinCurrent, oids.ATSOutputBankMaxLoad, oids.ATSOutputBankMinLoad,
		oids.ATSOutputBankMaxPercentLoad, oids.ATSOutputBankMinPercentLoad, oids.ATSOutputBankMaxPower, oids.ATSOutputBankMinPower,
		oids.ATSOutputBankMaxPercentPower, oids.ATSOutputBankMinPercentPower} {
		o.cell(col, integer(-1), 1)
	}
	return o.vars
}

// Set decodes atsConfigPreferredSource, the rack ATS's only source
// selection: it returns an Action with Preferred 0 (A) or 1 (B). none(3)
// is valid on a real unit but not modelled.
func (p *apcATS) Set(s *ATSState, vars []mib.Var) ([]Action, int, error) {
	st := setter{
		served: p.Vars(s),
		handlers: []handler{{col: oids.ATSConfigPreferredSource, do: func(_ []uint32, v int, _ string) ([]Action, *mib.SetError) {
			switch oids.ATSSource(v) {
			case oids.ATSSourceA, oids.ATSSourceB:
				return []Action{{Preferred: v - int(oids.ATSSourceA)}}, nil
			case oids.ATSSourceNone:
				return nil, setErr(gosnmp.GenErr, "none(3), no preferred source, is not modelled by the simulator")
			}
			return nil, wrongValue(v, "sourceA(1), sourceB(2) or none(3)")
		}}},
		writable: []string{
			oids.ATSConfigProductName, oids.ATSConfigFrontPanelLockout, oids.ATSConfigVoltageSensitivity,
			oids.ATSConfigTransferVoltageRange, oids.ATSConfigCurrentLimit, oids.ATSConfigFrequencyDeviation,
			oids.ATSConfigBankLowLoadThreshold, oids.ATSConfigBankNearOverLoadThreshold, oids.ATSConfigBankOverLoadThreshold,
			oids.ATSConfigPhaseLowLoadThreshold, oids.ATSConfigPhaseNearOverLoadThreshold, oids.ATSConfigPhaseOverLoadThreshold,
			oids.ATSInputName,
		},
	}
	return st.run(vars)
}
