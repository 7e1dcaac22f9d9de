package profile

import (
	"fmt"
	"strings"
	"time"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

// apcFamily is what a rack PDU model serves, as the recordings show it.
type apcFamily struct {
	sysObjectID   string
	switched      bool // outlet relays: rPDU2 switched tables, rPDU outlet tables, sPDU
	outletMetered bool // rPDU2 metered-outlet tables, rPDUOutletStatusLoad
	noPowerMeter  bool // -1 for device power/energy/PF and phase voltage/power (AP7900B)
	probeRow      bool // the "no probe installed" row of the temperature/humidity table
	ps2           oids.RPDU2PowerSupplyStatus
	nmc3          bool   // network card 3 (hw21): its sysDescr and firmware versions
	hwRev         string // "HR:" in sysDescr, the ident hardware revisions
}

// apcFamilyOf sorts a model number into what it serves. AP79xxB units run
// rpdu2g firmware on a rPDUB sysObjectID; AP88xx are metered, AP84xx
// metered by outlet, AP86xx switched and metered by outlet, APDU99xx
// switched on a network card 3; anything else is served like the AP89xx
// switched 2G units.
func apcFamilyOf(model string) apcFamily {
	m := strings.ToUpper(strings.TrimSpace(model))
	f := apcFamily{
		sysObjectID: oids.SysObjectIDAPCrPDU2,
		switched:    true,
		probeRow:    true,
		ps2:         oids.RPDU2PowerSupplyNormal,
		hwRev:       "02",
	}
	switch {
	case strings.HasPrefix(m, "AP79") && strings.HasSuffix(m, "B"):
		f.sysObjectID, f.noPowerMeter, f.probeRow, f.hwRev = oids.SysObjectIDAPCrPDUB, true, false, "B2"
	case strings.HasPrefix(m, "AP88"):
		f.switched, f.ps2 = false, oids.RPDU2PowerSupplyNotInstalled
	case strings.HasPrefix(m, "AP84"):
		f.switched, f.outletMetered = false, true
	case strings.HasPrefix(m, "AP86"):
		f.outletMetered = true
	case strings.HasPrefix(m, "APDU99"):
		f.nmc3, f.ps2, f.hwRev = true, oids.RPDU2PowerSupplyNotInstalled, "01"
	}
	return f
}

// apcPDU renders APC Rack PDUs with rpdu2g firmware: the rPDU2 tree with
// the legacy rPDU and (switched units) sPDU trees it serves alongside.
// The PDU is one module (no daisy chain): every table has index 1..N.
type apcPDU struct{ f apcFamily }

func newAPCPDU(model string) *apcPDU { return &apcPDU{f: apcFamilyOf(model)} }

func (p *apcPDU) Name() string        { return "apc-rpdu2" }
func (p *apcPDU) SysObjectID() string { return p.f.sysObjectID }

// apcDate is the NMC's timestamp format.
func apcDate(t time.Time) string { return t.UTC().Format("01/02/2006 15:04:05") }

const apcNameMax = 20 // sPDUOutletName: "Maximum size is 20 characters"

func (p *apcPDU) firmware() (aos, app string) {
	if p.f.nmc3 {
		return "v2.5.0.8", "v2.5.0.6"
	}
	return "v6.8.2", "v6.8.0"
}

func (p *apcPDU) sysDescr(s *PDUState) string {
	// The NMC's own wording, trailing space included (all PDU recordings).
	if p.f.nmc3 {
		return fmt.Sprintf("APC Web/SNMP Management Card (MB:v4.2.9 PF:v2.5.0.8 PN:apc_hw21_aos_2.5.0.8.bin AF1:v2.5.0.6 AN1:apc_hw21_rpdu2g_2.5.0.6.bin MN:%s HR:%s SN: %s MD:04/11/2023) ", s.Model, p.f.hwRev, s.Serial)
	}
	return fmt.Sprintf("APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 PN:apc_hw05_aos_682.bin AF1:v6.8.0 AN1:apc_hw05_rpdu2g_680.bin MN:%s HR:%s SN: %s MD:01/03/2020) ", s.Model, p.f.hwRev, s.Serial)
}

// apcThresholds are the warning levels a fresh unit is configured with:
// near overload at 80 % of the rating, overload at the rating.
func apcThresholds(rated float64) (low, near, over int) {
	return 0, scale(0.8*rated, 1), scale(rated, 1)
}

// rpdu2Load maps a load level to rPDU2's enumeration (normal is 2).
func rpdu2Load(level int) int { return level + 1 }

// rpduLoad maps a load level to rPDU's enumeration (normal is 1).
func rpduLoad(level int) int {
	return [...]int{int(oids.RPDUPhaseLoadLow), int(oids.RPDUPhaseLoadNormal), int(oids.RPDUPhaseLoadNearOverload), int(oids.RPDUPhaseLoadOverload)}[level]
}

func currentLevel(amps, rated float64) int {
	low, near, over := apcThresholds(rated)
	return loadLevel(amps, float64(low), float64(near), float64(over))
}

// orUnsupported is v, or -1 on models that do not measure it.
func (p *apcPDU) orUnsupported(v int) mib.Value {
	if p.f.noPowerMeter {
		return integer(-1)
	}
	return integer(v)
}

func (p *apcPDU) Vars(s *PDUState) []mib.Var {
	var o out
	now := clock(s.Now, s.Uptime)
	start := now.Add(-s.Uptime)
	aos, app := p.firmware()
	np, nb, n := s.phases(), len(s.Banks), s.Outlets

	systemGroup(&o, p.sysDescr(s), p.f.sysObjectID, s.Uptime, s.Name)
	o.cell(oids.APCModuleFirmwareRev, str(aos), 1)
	o.cell(oids.APCModuleFirmwareRev, str(app), 2)

	// rPDU2 identification and device.
	watts, va := s.totalWatts(), s.totalVA()
	ratedW := s.ratedVA()
	o.scalar(oids.RPDU2IdentTableSize, integer(1))
	o.cell(oids.RPDU2IdentIndex, integer(1), 1)
	o.cell(oids.RPDU2IdentModule, integer(1), 1)
	o.cell(oids.RPDU2IdentName, str(s.Name), 1)
	o.cell(oids.RPDU2IdentLocation, str(""), 1)
	o.cell(oids.RPDU2IdentHardwareRev, str(p.f.hwRev), 1)
	o.cell(oids.RPDU2IdentFirmwareRev, str(app), 1)
	o.cell(oids.RPDU2IdentDateOfManufacture, str("01/03/2020"), 1)
	o.cell(oids.RPDU2IdentModelNumber, str(s.Model), 1)
	o.cell(oids.RPDU2IdentSerialNumber, str(s.Serial), 1)
	o.scalar(oids.RPDU2DeviceTableSize, integer(1))

	o.cell(oids.RPDU2DeviceConfigIndex, integer(1), 1)
	o.cell(oids.RPDU2DeviceConfigModule, integer(1), 1)
	o.cell(oids.RPDU2DeviceConfigName, str(s.Name), 1)
	o.cell(oids.RPDU2DeviceConfigLocation, str(""), 1)
	o.cell(oids.RPDU2DeviceConfigLowLoadPowerThreshold, p.orUnsupported(0), 1)
	o.cell(oids.RPDU2DeviceConfigNearOverloadPowerThreshold, p.orUnsupported(scale(0.8*ratedW, 0.01)), 1)
	o.cell(oids.RPDU2DeviceConfigOverloadPowerThreshold, p.orUnsupported(scale(ratedW, 0.01)), 1)

	switched, metered := 0, 0
	if p.f.switched {
		switched = n
	}
	if p.f.outletMetered {
		metered = n
	}
	o.cell(oids.RPDU2DevicePropertiesIndex, integer(1), 1)
	o.cell(oids.RPDU2DevicePropertiesModule, integer(1), 1)
	o.cell(oids.RPDU2DevicePropertiesName, str(s.Name), 1)
	o.cell(oids.RPDU2DevicePropertiesNumOutlets, integer(n), 1)
	o.cell(oids.RPDU2DevicePropertiesNumSwitchedOutlets, integer(switched), 1)
	o.cell(oids.RPDU2DevicePropertiesNumMeteredOutlets, integer(metered), 1)
	o.cell(oids.RPDU2DevicePropertiesNumPhases, integer(np), 1)
	o.cell(oids.RPDU2DevicePropertiesNumMeteredBanks, integer(nb), 1)
	o.cell(oids.RPDU2DevicePropertiesMaxCurrentRating, integer(scale(s.RatedAmps, 1)), 1)
	o.cell(oids.RPDU2DevicePropertiesMaxPhaseCurrentRating, integer(scale(s.RatedAmps, 1)), 1)
	o.cell(oids.RPDU2DevicePropertiesDevicePowerRating, integer(scale(ratedW, 0.01)), 1)

	deviceLoad := integer(int(oids.RPDU2LoadNotSupp))
	if !p.f.noPowerMeter {
		deviceLoad = integer(rpdu2Load(loadLevel(watts, 0, 0.8*ratedW, ratedW)))
	}
	pf := 0.0
	if va > 0 {
		pf = watts / va
	}
	stamp := func(t time.Time) mib.Value {
		if p.f.noPowerMeter {
			return str("notsupported ")
		}
		return str(apcDate(t))
	}
	o.cell(oids.RPDU2DeviceStatusIndex, integer(1), 1)
	o.cell(oids.RPDU2DeviceStatusModule, integer(1), 1)
	o.cell(oids.RPDU2DeviceStatusName, str(s.Name), 1)
	o.cell(oids.RPDU2DeviceStatusLoadState, deviceLoad, 1)
	o.cell(oids.RPDU2DeviceStatusPower, p.orUnsupported(scale(watts, 0.1)), 1) // 0.01 kW
	o.cell(oids.RPDU2DeviceStatusPeakPower, p.orUnsupported(scale(watts, 0.1)), 1)
	o.cell(oids.RPDU2DeviceStatusPeakPowerTimestamp, stamp(now), 1)
	o.cell(oids.RPDU2DeviceStatusPeakPowerStartTime, stamp(start), 1)
	o.cell(oids.RPDU2DeviceStatusEnergy, p.orUnsupported(scale(s.EnergyKWh, 10)), 1) // 0.1 kWh
	o.cell(oids.RPDU2DeviceStatusEnergyStartTime, stamp(start), 1)
	o.cell(oids.RPDU2DeviceStatusCommandPending, integer(int(oids.RPDU2NoCommandPending)), 1)
	o.cell(oids.RPDU2DeviceStatusPowerSupplyAlarm, integer(int(oids.RPDU2PowerSupplyAlarmNormal)), 1)
	o.cell(oids.RPDU2DeviceStatusPowerSupply1Status, integer(int(oids.RPDU2PowerSupplyNormal)), 1)
	o.cell(oids.RPDU2DeviceStatusPowerSupply2Status, integer(int(p.f.ps2)), 1)
	// A date where the recordings show one (AP8959EU3, AP8853), else the
	// NMC's "notsupported " (AP7900B, APDU9959EU3).
	outletsEnergyStart := str("notsupported ")
	if p.f.outletMetered || !p.f.nmc3 && !p.f.noPowerMeter {
		outletsEnergyStart = str(apcDate(start))
	}
	o.cell(oids.RPDU2DeviceStatusOutletsEnergyStartTime, outletsEnergyStart, 1)
	o.cell(oids.RPDU2DeviceStatusApparentPower, p.orUnsupported(scale(va, 0.1)), 1) // 0.01 kVA
	o.cell(oids.RPDU2DeviceStatusPowerFactor, p.orUnsupported(scale(pf, 100)), 1)
	o.cell(oids.RPDU2DeviceStatusNPSType, integer(1), 1) // notNPS

	if p.f.switched {
		o.cell(oids.RPDU2DeviceControlIndex, integer(1), 1)
		o.cell(oids.RPDU2DeviceControlModule, integer(1), 1)
		o.cell(oids.RPDU2DeviceControlName, str(s.Name), 1)
		o.cell(oids.RPDU2DeviceControlCommand, integer(int(oids.RPDU2NoCommandAll)), 1)
	}

	// Phases.
	low, near, over := apcThresholds(s.RatedAmps)
	o.scalar(oids.RPDU2PhaseTableSize, integer(np))
	for ph := 1; ph <= np; ph++ {
		i := uint32(ph)
		amps := at64(s.PhaseAmps, ph-1)
		ppf := 0.0
		if pva := s.phaseVA(ph); pva > 0 {
			ppf = s.phaseWatts(ph) / pva
		}
		o.cell(oids.RPDU2PhaseConfigIndex, integer(ph), i)
		o.cell(oids.RPDU2PhaseConfigModule, integer(1), i)
		o.cell(oids.RPDU2PhaseConfigNumber, integer(ph), i)
		o.cell(oids.RPDU2PhaseConfigOverloadRestriction, integer(int(oids.RPDU2AlwaysAllowTurnOn)), i)
		o.cell(oids.RPDU2PhaseConfigLowLoadCurrentThreshold, integer(low), i)
		o.cell(oids.RPDU2PhaseConfigNearOverloadCurrentThreshold, integer(near), i)
		o.cell(oids.RPDU2PhaseConfigOverloadCurrentThreshold, integer(over), i)
		o.cell(oids.RPDU2PhaseConfigPhasePeakCurrentReset, integer(1), i) // noOperation
		o.cell(oids.RPDU2PhasePropertiesIndex, integer(ph), i)
		o.cell(oids.RPDU2PhasePropertiesModule, integer(1), i)
		o.cell(oids.RPDU2PhasePropertiesNumber, integer(ph), i)
		o.cell(oids.RPDU2PhaseStatusIndex, integer(ph), i)
		o.cell(oids.RPDU2PhaseStatusModule, integer(1), i)
		o.cell(oids.RPDU2PhaseStatusNumber, integer(ph), i)
		o.cell(oids.RPDU2PhaseStatusLoadState, integer(rpdu2Load(currentLevel(amps, s.RatedAmps))), i)
		o.cell(oids.RPDU2PhaseStatusCurrent, integer(scale(amps, 10)), i) // 0.1 A
		o.cell(oids.RPDU2PhaseStatusVoltage, p.orUnsupported(scale(s.phaseVolts(ph), 1)), i)
		o.cell(oids.RPDU2PhaseStatusPower, p.orUnsupported(scale(s.phaseWatts(ph), 0.1)), i)      // 0.01 kW
		o.cell(oids.RPDU2PhaseStatusApparentPower, p.orUnsupported(scale(s.phaseVA(ph), 0.1)), i) // 0.01 kVA
		o.cell(oids.RPDU2PhaseStatusPowerFactor, p.orUnsupported(scale(ppf, 100)), i)
		o.cell(oids.RPDU2PhaseStatusPeakCurrent, integer(scale(amps, 10)), i)
		o.cell(oids.RPDU2PhaseStatusPeakCurrentTimestamp, str(apcDate(now)), i)
		o.cell(oids.RPDU2PhaseStatusPeakCurrentStartTime, str(apcDate(start)), i)
	}

	// Banks.
	o.scalar(oids.RPDU2BankTableSize, integer(nb))
	for bi, b := range s.Banks {
		i := uint32(bi + 1)
		blow, bnear, bover := apcThresholds(b.RatedAmps)
		o.cell(oids.RPDU2BankConfigIndex, integer(bi+1), i)
		o.cell(oids.RPDU2BankConfigModule, integer(1), i)
		o.cell(oids.RPDU2BankConfigNumber, integer(b.Number), i)
		o.cell(oids.RPDU2BankConfigOverloadRestriction, integer(int(oids.RPDU2AlwaysAllowTurnOn)), i)
		o.cell(oids.RPDU2BankConfigLowLoadCurrentThreshold, integer(blow), i)
		o.cell(oids.RPDU2BankConfigNearOverloadCurrentThreshold, integer(bnear), i)
		o.cell(oids.RPDU2BankConfigOverloadCurrentThreshold, integer(bover), i)
		o.cell(oids.RPDU2BankConfigBankPeakCurrentReset, integer(1), i)
		o.cell(oids.RPDU2BankPropertiesIndex, integer(bi+1), i)
		o.cell(oids.RPDU2BankPropertiesModule, integer(1), i)
		o.cell(oids.RPDU2BankPropertiesNumber, integer(b.Number), i)
		o.cell(oids.RPDU2BankPropertiesPhaseLayout, integer(b.phase()), i) // seqPhaseNToNeutral
		o.cell(oids.RPDU2BankPropertiesBreakerRating, integer(scale(b.RatedAmps, 1)), i)
		o.cell(oids.RPDU2BankStatusIndex, integer(bi+1), i)
		o.cell(oids.RPDU2BankStatusModule, integer(1), i)
		o.cell(oids.RPDU2BankStatusNumber, integer(b.Number), i)
		o.cell(oids.RPDU2BankStatusLoadState, integer(rpdu2Load(currentLevel(b.Amps, b.RatedAmps))), i)
		o.cell(oids.RPDU2BankStatusCurrent, integer(scale(b.Amps, 10)), i)
		o.cell(oids.RPDU2BankStatusPeakCurrent, integer(scale(b.Amps, 10)), i)
		o.cell(oids.RPDU2BankStatusPeakCurrentTimestamp, str(apcDate(now)), i)
		o.cell(oids.RPDU2BankStatusPeakCurrentStartTime, str(apcDate(start)), i)
	}

	// Outlets.
	o.scalar(oids.RPDU2OutletSwitchedTableSize, integer(switched))
	o.scalar(oids.RPDU2OutletMeteredTableSize, integer(metered))
	for k := 1; k <= n; k++ {
		i := uint32(k)
		name := s.outletName(k)
		bank := 0
		if b := s.bankOf(k); b >= 0 {
			bank = s.Banks[b].Number
		}
		layout := integer(s.outletPhase(k)) // seqPhaseNToNeutral
		if p.f.switched {
			state, cmd := oids.RPDU2OutletOff, oids.RPDU2ImmediateOff
			if s.outletOn(k) {
				state, cmd = oids.RPDU2OutletOn, oids.RPDU2ImmediateOn
			}
			o.cell(oids.RPDU2OutletSwitchedConfigIndex, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedConfigModule, integer(1), i)
			o.cell(oids.RPDU2OutletSwitchedConfigName, str(name), i)
			o.cell(oids.RPDU2OutletSwitchedConfigNumber, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedConfigPowerOnTime, integer(0), i)
			o.cell(oids.RPDU2OutletSwitchedConfigPowerOffTime, integer(0), i)
			o.cell(oids.RPDU2OutletSwitchedConfigRebootDuration, integer(5), i)
			o.cell(oids.RPDU2OutletSwitchedPropertiesIndex, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedPropertiesModule, integer(1), i)
			o.cell(oids.RPDU2OutletSwitchedPropertiesName, str(name), i)
			o.cell(oids.RPDU2OutletSwitchedPropertiesNumber, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedPropertiesPhaseLayout, layout, i)
			o.cell(oids.RPDU2OutletSwitchedPropertiesBank, integer(bank), i)
			o.cell(oids.RPDU2OutletSwitchedStatusIndex, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedStatusModule, integer(1), i)
			o.cell(oids.RPDU2OutletSwitchedStatusName, str(name), i)
			o.cell(oids.RPDU2OutletSwitchedStatusNumber, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedStatusState, integer(int(state)), i)
			o.cell(oids.RPDU2OutletSwitchedStatusCommandPending, integer(int(oids.RPDU2NoCommandPending)), i)
			o.cell(oids.RPDU2OutletSwitchedControlIndex, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedControlModule, integer(1), i)
			o.cell(oids.RPDU2OutletSwitchedControlName, str(name), i)
			o.cell(oids.RPDU2OutletSwitchedControlNumber, integer(k), i)
			o.cell(oids.RPDU2OutletSwitchedControlCommand, integer(int(cmd)), i)
		}
		if p.f.outletMetered {
			amps, w := s.outletAmps(k), s.outletWatts(k)
			o.cell(oids.RPDU2OutletMeteredConfigIndex, integer(k), i)
			o.cell(oids.RPDU2OutletMeteredConfigModule, integer(1), i)
			o.cell(oids.RPDU2OutletMeteredConfigName, str(name), i)
			o.cell(oids.RPDU2OutletMeteredConfigNumber, integer(k), i)
			o.cell(oids.RPDU2OutletMeteredConfigLowLoadCurrentThreshold, integer(0), i)
			o.cell(oids.RPDU2OutletMeteredConfigNearOverloadCurrentThreshold, integer(scale(0.8*10*s.Volts, 1)), i) // W, a 10 A outlet
			o.cell(oids.RPDU2OutletMeteredConfigOverloadCurrentThreshold, integer(scale(10*s.Volts, 1)), i)
			o.cell(oids.RPDU2OutletMeteredPropertiesIndex, integer(k), i)
			o.cell(oids.RPDU2OutletMeteredPropertiesModule, integer(1), i)
			o.cell(oids.RPDU2OutletMeteredPropertiesName, str(name), i)
			o.cell(oids.RPDU2OutletMeteredPropertiesNumber, integer(k), i)
			o.cell(oids.RPDU2OutletMeteredPropertiesLayout, layout, i)
			o.cell(oids.RPDU2OutletMeteredPropertiesPowerRating, integer(scale(10*s.Volts, 1)), i)
			o.cell(oids.RPDU2OutletMeteredPropertiesBank, integer(bank), i)
			o.cell(oids.RPDU2OutletMeteredStatusIndex, integer(k), i)
			o.cell(oids.RPDU2OutletMeteredStatusModule, integer(1), i)
			o.cell(oids.RPDU2OutletMeteredStatusName, str(name), i)
			o.cell(oids.RPDU2OutletMeteredStatusNumber, integer(k), i)
			o.cell(oids.RPDU2OutletMeteredStatusState, integer(rpdu2Load(loadLevel(w, 0, 0.8*10*s.Volts, 10*s.Volts))), i)
			o.cell(oids.RPDU2OutletMeteredStatusCurrent, integer(scale(amps, 10)), i)
			o.cell(oids.RPDU2OutletMeteredStatusPower, integer(scale(w, 1)), i)
			o.cell(oids.RPDU2OutletMeteredStatusPeakPower, integer(scale(w, 1)), i)
			o.cell(oids.RPDU2OutletMeteredStatusPeakPowerTimestamp, str(apcDate(now)), i)
			o.cell(oids.RPDU2OutletMeteredStatusPeakPowerStartTime, str(apcDate(start)), i)
			o.cell(oids.RPDU2OutletMeteredStatusEnergy, integer(scale(at64(s.OutletEnergy, k-1), 10)), i)
			o.cell(oids.RPDU2OutletMeteredStatusReceptacleType, str("IEC C13"), i)
		}
	}

	if p.f.probeRow {
		o.scalar(oids.RPDU2SensorTempHumidityTableSize, integer(1))
		o.cell(oids.RPDU2SensorTempHumidityStatusIndex, integer(1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusModule, integer(1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusName, str(""), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusNumber, integer(1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusType, integer(4), 1)       // notInstalled
		o.cell(oids.RPDU2SensorTempHumidityStatusCommStatus, integer(1), 1) // notInstalled
		o.cell(oids.RPDU2SensorTempHumidityStatusTempF, integer(-1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusTempC, integer(-1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusTempStatus, integer(1), 1) // notPresent
		o.cell(oids.RPDU2SensorTempHumidityStatusRelativeHumidity, integer(-1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusHumidityStatus, integer(1), 1) // notPresent
		o.cell(oids.RPDU2SensorTempHumidityStatusTempPeakF, integer(-1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusTempPeakC, integer(-1), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusTempPeakTimestamp, str("noTempSensorInstalled"), 1)
		o.cell(oids.RPDU2SensorTempHumidityStatusTempPeakStartTime, str("noTempSensorInstalled"), 1)
	}

	p.legacyRPDU(&o, s, watts, app)
	if p.f.switched {
		p.legacySPDU(&o, s, app)
	}
	return o.vars
}

// legacyRPDU renders the rPDU tree (.318.1.1.12) that rpdu2g firmware
// serves alongside rPDU2.
func (p *apcPDU) legacyRPDU(o *out, s *PDUState, watts float64, app string) {
	np, nb, n := s.phases(), len(s.Banks), s.Outlets
	o.scalar(oids.RPDUIdentName, str(s.Name))
	o.scalar(oids.RPDUIdentHardwareRev, str(p.f.hwRev))
	o.scalar(oids.RPDUIdentFirmwareRev, str(app))
	o.scalar(oids.RPDUIdentDateOfManufacture, str("01/03/2020"))
	o.scalar(oids.RPDUIdentModelNumber, str(s.Model))
	o.scalar(oids.RPDUIdentSerialNumber, str(s.Serial))
	o.scalar(oids.RPDUIdentDeviceRating, integer(scale(s.RatedAmps, 1)))
	o.scalar(oids.RPDUIdentDeviceNumOutlets, integer(n))
	o.scalar(oids.RPDUIdentDeviceNumPhases, integer(np))
	o.scalar(oids.RPDUIdentDeviceNumBreakers, integer(nb))
	breaker := 0.0
	for _, b := range s.Banks {
		breaker = max(breaker, b.RatedAmps)
	}
	o.scalar(oids.RPDUIdentDeviceBreakerRating, integer(scale(breaker, 1)))
	if p.f.noPowerMeter {
		// AP7xxx units compute power from the configured line voltage
		// and the current (AP7900B: 120 V, 2.6 A → 312 W).
		o.scalar(oids.RPDUIdentDeviceLinetoLineVoltage, integer(scale(s.Volts, 1)))
		o.scalar(oids.RPDUIdentDevicePowerWatts, integer(scale(s.Volts*sum(s.PhaseAmps), 1)))
	} else {
		o.scalar(oids.RPDUIdentDeviceLinetoLineVoltage, integer(-1))
		o.scalar(oids.RPDUIdentDevicePowerWatts, integer(scale(watts, 1)))
	}

	maxPhase := scale(s.RatedAmps, 1)
	if nb > 0 {
		maxPhase = 0 // "0 will be returned if the unit is banked"
	}
	o.scalar(oids.RPDULoadDevMaxPhaseLoad, integer(maxPhase))
	o.scalar(oids.RPDULoadDevNumPhases, integer(np))
	o.scalar(oids.RPDULoadDevMaxBankLoad, integer(scale(breaker, 1)))
	o.scalar(oids.RPDULoadDevNumBanks, integer(nb))

	low, near, over := apcThresholds(s.RatedAmps)
	for ph := 1; ph <= np; ph++ {
		i := uint32(ph)
		amps := at64(s.PhaseAmps, ph-1)
		o.cell(oids.RPDULoadPhaseConfigIndex, integer(ph), i)
		o.cell(oids.RPDULoadPhaseConfigLowLoadThreshold, integer(low), i)
		o.cell(oids.RPDULoadPhaseConfigNearOverloadThreshold, integer(near), i)
		o.cell(oids.RPDULoadPhaseConfigOverloadThreshold, integer(over), i)
		o.cell(oids.RPDULoadPhaseConfigAlarm, integer(currentLevel(amps, s.RatedAmps)+1), i) // noLoadAlarm1 … overCurrentAlarm4
		// Load status rows: the phases first, then the banks.
		o.cell(oids.RPDULoadStatusIndex, integer(ph), i)
		o.cell(oids.RPDULoadStatusLoad, gauge(uscale(amps, 10)), i)
		o.cell(oids.RPDULoadStatusLoadState, integer(rpduLoad(currentLevel(amps, s.RatedAmps))), i)
		o.cell(oids.RPDULoadStatusPhaseNumber, integer(ph), i)
		o.cell(oids.RPDULoadStatusBankNumber, integer(0), i)
	}
	for bi, b := range s.Banks {
		row := uint32(np + bi + 1)
		o.cell(oids.RPDULoadStatusIndex, integer(int(row)), row)
		o.cell(oids.RPDULoadStatusLoad, gauge(uscale(b.Amps, 10)), row)
		o.cell(oids.RPDULoadStatusLoadState, integer(rpduLoad(currentLevel(b.Amps, b.RatedAmps))), row)
		o.cell(oids.RPDULoadStatusPhaseNumber, integer(0), row) // bank rows carry no phase (AP8853)
		o.cell(oids.RPDULoadStatusBankNumber, integer(b.Number), row)
		i := uint32(bi + 1)
		blow, bnear, bover := apcThresholds(b.RatedAmps)
		o.cell(oids.RPDULoadBankConfigIndex, integer(bi+1), i)
		o.cell(oids.RPDULoadBankConfigLowLoadThreshold, integer(blow), i)
		o.cell(oids.RPDULoadBankConfigNearOverloadThreshold, integer(bnear), i)
		o.cell(oids.RPDULoadBankConfigOverloadThreshold, integer(bover), i)
		o.cell(oids.RPDULoadBankConfigAlarm, integer(currentLevel(b.Amps, b.RatedAmps)+1), i)
	}

	if !p.f.switched {
		return
	}
	o.scalar(oids.RPDUOutletDevCommand, integer(int(oids.RPDUNoCommandAll)))
	o.scalar(oids.RPDUOutletDevNumCntrlOutlets, integer(n))
	o.scalar(oids.RPDUOutletDevNumTotalOutlets, integer(n))
	for k := 1; k <= n; k++ {
		i := uint32(k)
		name := s.outletName(k)
		bank := 0
		if b := s.bankOf(k); b >= 0 {
			bank = s.Banks[b].Number
		}
		state, cmd := oids.RPDUOutletStatusOff, oids.RPDUImmediateOff
		if s.outletOn(k) {
			state, cmd = oids.RPDUOutletStatusOn, oids.RPDUImmediateOn
		}
		phase := integer(s.outletPhase(k)) // phase1 … phase3
		o.cell(oids.RPDUOutletControlIndex, integer(k), i)
		o.cell(oids.RPDUOutletControlOutletName, str(name), i)
		o.cell(oids.RPDUOutletControlOutletPhase, phase, i)
		o.cell(oids.RPDUOutletControlOutletCommand, integer(int(cmd)), i)
		o.cell(oids.RPDUOutletControlOutletBank, integer(bank), i)
		o.cell(oids.RPDUOutletConfigIndex, integer(k), i)
		o.cell(oids.RPDUOutletConfigOutletName, str(name), i)
		o.cell(oids.RPDUOutletConfigOutletPhase, phase, i)
		o.cell(oids.RPDUOutletConfigPowerOnTime, integer(0), i)
		o.cell(oids.RPDUOutletConfigPowerOffTime, integer(0), i)
		o.cell(oids.RPDUOutletConfigRebootDuration, integer(5), i)
		o.cell(oids.RPDUOutletConfigOutletBank, integer(bank), i)
		o.cell(oids.RPDUOutletStatusIndex, integer(k), i)
		o.cell(oids.RPDUOutletStatusOutletName, str(name), i)
		o.cell(oids.RPDUOutletStatusOutletPhase, phase, i)
		o.cell(oids.RPDUOutletStatusOutletState, integer(int(state)), i)
		o.cell(oids.RPDUOutletStatusCommandPending, integer(2), i) // outletStatusNoCommandPending
		o.cell(oids.RPDUOutletStatusOutletBank, integer(bank), i)
		if p.f.outletMetered {
			o.cell(oids.RPDUOutletStatusLoad, gauge(uscale(s.outletAmps(k), 10)), i)
		}
	}
}

// legacySPDU renders the MasterSwitch sPDU tree (.318.1.1.4) that switched
// rpdu2g units serve (LibreNMS reads outlet state from sPDUOutletCtl).
func (p *apcPDU) legacySPDU(o *out, s *PDUState, app string) {
	n := s.Outlets
	o.scalar(oids.SPDUIdentHardwareRev, str(p.f.hwRev))
	o.scalar(oids.SPDUIdentFirmwareRev, str(app))
	o.scalar(oids.SPDUIdentDateOfManufacture, str("01/03/2020"))
	o.scalar(oids.SPDUIdentModelNumber, str(s.Model))
	o.scalar(oids.SPDUIdentSerialNumber, str(s.Serial))
	o.scalar(oids.SPDUMasterControlSwitch, integer(int(oids.SPDUNoCommand)))
	o.scalar(oids.SPDUOutletControlTableSize, integer(n))
	o.scalar(oids.SPDUOutletConfigTableSize, integer(n))
	for k := 1; k <= n; k++ {
		i := uint32(k)
		ctl := oids.SPDUOutletOff
		if s.outletOn(k) {
			ctl = oids.SPDUOutletOn
		}
		o.cell(oids.SPDUOutletControlIndex, integer(k), i)
		o.cell(oids.SPDUOutletPending, integer(int(oids.RPDU2NoCommandPending)), i)
		o.cell(oids.SPDUOutletCtl, integer(int(ctl)), i)
		o.cell(oids.SPDUOutletCtlName, str(s.outletName(k)), i)
		o.cell(oids.SPDUOutletConfigIndex, integer(k), i)
		o.cell(oids.SPDUOutletPowerOnTime, integer(0), i)
		o.cell(oids.SPDUOutletName, str(s.outletName(k)), i)
		o.cell(oids.SPDUOutletPowerOffTime, integer(0), i)
		o.cell(oids.SPDUOutletRebootDuration, integer(5), i)
	}
}

func sum(v []float64) (t float64) {
	for _, x := range v {
		t += x
	}
	return t
}

// Set decodes outlet commands on the rPDU2, rPDU and sPDU control objects
// (per outlet and for all outlets) and outlet renames. Delayed commands
// act at once: the simulator does not model delays. Cancel and "no
// command" are accepted and do nothing.
func (p *apcPDU) Set(s *PDUState, vars []mib.Var) ([]Action, int, error) {
	outlet := func(index []uint32) int { return lastArc(index) }
	cmds := func(col string, table map[int]string, what string, perOutlet bool) handler {
		return handler{col: col, do: func(index []uint32, v int, _ string) ([]Action, *mib.SetError) {
			c, ok := table[v]
			if !ok {
				return nil, wrongValue(v, what)
			}
			if c == "" {
				return nil, nil
			}
			if perOutlet {
				return outletAction(outlet(index), c), nil
			}
			return outletAction(0, c), nil
		}}
	}
	named := func(col string) handler {
		return handler{col: col, string: true, do: func(index []uint32, _ int, name string) ([]Action, *mib.SetError) {
			if err := nameLength(name, 1, apcNameMax); err != nil {
				return nil, err
			}
			return rename(outlet(index), name), nil
		}}
	}
	st := setter{
		served: p.Vars(s),
		handlers: []handler{
			cmds(oids.RPDU2OutletSwitchedControlCommand, map[int]string{
				int(oids.RPDU2ImmediateOn): CommandOn, int(oids.RPDU2ImmediateOff): CommandOff, int(oids.RPDU2ImmediateReboot): CommandReboot,
				int(oids.RPDU2DelayedOn): CommandOn, int(oids.RPDU2DelayedOff): CommandOff, int(oids.RPDU2DelayedReboot): CommandReboot,
				int(oids.RPDU2CancelPendingCommand): "",
			}, "an rPDU2OutletSwitchedControlCommand one can set", true),
			cmds(oids.RPDU2DeviceControlCommand, map[int]string{
				int(oids.RPDU2ImmediateAllOn): CommandOn, int(oids.RPDU2DelayedAllOn): CommandOn,
				int(oids.RPDU2ImmediateAllOff): CommandOff, int(oids.RPDU2DelayedAllOff): CommandOff,
				int(oids.RPDU2ImmediateAllReboot): CommandReboot, int(oids.RPDU2DelayedAllReboot): CommandReboot,
				int(oids.RPDU2NoCommandAll): "", int(oids.RPDU2CancelAllPendingCommands): "",
			}, "an rPDU2DeviceControlCommand", false),
			cmds(oids.RPDUOutletControlOutletCommand, map[int]string{
				int(oids.RPDUImmediateOn): CommandOn, int(oids.RPDUImmediateOff): CommandOff, int(oids.RPDUImmediateReboot): CommandReboot,
				int(oids.RPDUDelayedOn): CommandOn, int(oids.RPDUDelayedOff): CommandOff, int(oids.RPDUDelayedReboot): CommandReboot,
				int(oids.RPDUCancelPendingCommand): "",
			}, "an rPDUOutletControlOutletCommand", true),
			cmds(oids.RPDUOutletDevCommand, map[int]string{
				int(oids.RPDUImmediateAllOn): CommandOn, int(oids.RPDUDelayedAllOn): CommandOn,
				int(oids.RPDUImmediateAllOff): CommandOff, int(oids.RPDUDelayedAllOff): CommandOff,
				int(oids.RPDUImmediateAllReboot): CommandReboot, int(oids.RPDUDelayedAllReboot): CommandReboot,
				int(oids.RPDUNoCommandAll): "", int(oids.RPDUCancelAllPendingCommands): "",
			}, "an rPDUOutletDevCommand", false),
			cmds(oids.SPDUOutletCtl, map[int]string{
				int(oids.SPDUOutletOn): CommandOn, int(oids.SPDUOutletOff): CommandOff, int(oids.SPDUOutletReboot): CommandReboot,
				int(oids.SPDUOutletOnWithDelay): CommandOn, int(oids.SPDUOutletOffWithDelay): CommandOff, int(oids.SPDUOutletRebootWithDelay): CommandReboot,
			}, "an sPDUOutletCtl one can set", true),
			cmds(oids.SPDUMasterControlSwitch, map[int]string{
				int(oids.SPDUTurnAllOnNow): CommandOn, int(oids.SPDUTurnAllOnSequence): CommandOn,
				int(oids.SPDUTurnAllOffNow): CommandOff, int(oids.SPDUTurnAllOffSequence): CommandOff,
				int(oids.SPDURebootAllNow): CommandReboot, int(oids.SPDURebootAllSequence): CommandReboot,
				int(oids.SPDUNoCommand): "",
			}, "an sPDUMasterControlSwitch", false),
			named(oids.RPDU2OutletSwitchedConfigName),
			named(oids.RPDU2OutletMeteredConfigName),
			named(oids.RPDUOutletConfigOutletName),
			named(oids.SPDUOutletName),
		},
		writable: []string{
			oids.RPDU2DeviceConfigName, oids.RPDU2DeviceConfigLocation,
			oids.RPDU2DeviceConfigLowLoadPowerThreshold, oids.RPDU2DeviceConfigNearOverloadPowerThreshold, oids.RPDU2DeviceConfigOverloadPowerThreshold,
			oids.RPDU2PhaseConfigOverloadRestriction, oids.RPDU2PhaseConfigLowLoadCurrentThreshold, oids.RPDU2PhaseConfigNearOverloadCurrentThreshold,
			oids.RPDU2PhaseConfigOverloadCurrentThreshold, oids.RPDU2PhaseConfigPhasePeakCurrentReset,
			oids.RPDU2BankConfigOverloadRestriction, oids.RPDU2BankConfigLowLoadCurrentThreshold, oids.RPDU2BankConfigNearOverloadCurrentThreshold,
			oids.RPDU2BankConfigOverloadCurrentThreshold, oids.RPDU2BankConfigBankPeakCurrentReset,
			oids.RPDU2OutletSwitchedConfigPowerOnTime, oids.RPDU2OutletSwitchedConfigPowerOffTime, oids.RPDU2OutletSwitchedConfigRebootDuration,
			oids.RPDU2OutletMeteredConfigLowLoadCurrentThreshold, oids.RPDU2OutletMeteredConfigNearOverloadCurrentThreshold,
			oids.RPDU2OutletMeteredConfigOverloadCurrentThreshold,
			oids.RPDUIdentName, oids.RPDUIdentDeviceLinetoLineVoltage,
			oids.RPDULoadPhaseConfigLowLoadThreshold, oids.RPDULoadPhaseConfigNearOverloadThreshold, oids.RPDULoadPhaseConfigOverloadThreshold,
			oids.RPDULoadBankConfigLowLoadThreshold, oids.RPDULoadBankConfigNearOverloadThreshold, oids.RPDULoadBankConfigOverloadThreshold,
			oids.RPDUOutletConfigPowerOnTime, oids.RPDUOutletConfigPowerOffTime, oids.RPDUOutletConfigRebootDuration,
			oids.SPDUOutletPowerOnTime, oids.SPDUOutletPowerOffTime, oids.SPDUOutletRebootDuration,
		},
	}
	return st.run(vars)
}

// systemGroup adds the MIB-2 system group.
func systemGroup(o *out, descr, sysObjectID string, uptime time.Duration, name string) {
	o.scalar(oids.SysDescr, str(descr))
	o.scalar(oids.SysObjectID, oidValue(sysObjectID))
	o.scalar(oids.SysUpTime, timeTicks(uptime))
	o.scalar(oids.SysContact, str(""))
	o.scalar(oids.SysName, str(name))
	o.scalar(oids.SysLocation, str(""))
}
