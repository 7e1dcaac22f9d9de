package profile

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

func TestForPDU(t *testing.T) {
	for _, tc := range []struct {
		vendor, model   string
		name, sysObject string
	}{
		{"APC", "AP8959EU3", "apc-rpdu2", oids.SysObjectIDAPCrPDU2},
		{"apc", "AP7921B", "apc-rpdu2", oids.SysObjectIDAPCrPDUB},
		{" Schneider Electric ", "AP8853", "apc-rpdu2", oids.SysObjectIDAPCrPDU2},
		{"Raritan", "PX3-5493U-K2", "raritan-px", oids.SysObjectIDRaritanPDU2},
		{"ServerTech", "Sentry4 C2W24TE-DQME2M00", "servertech-sentry4", oids.SysObjectIDSentry4},
		{"Server Technology", "C2WG36MJ", "servertech-sentry4", oids.SysObjectIDSentry4},
		{"EATON", "ePDU G3 EMAB03", "eaton-epdu", oids.SysObjectIDEatonEPDU},
	} {
		t.Run(tc.vendor+"/"+tc.model, func(t *testing.T) {
			p, err := ForPDU(tc.vendor, tc.model)
			if err != nil {
				t.Fatalf("ForPDU(%q, %q): %v", tc.vendor, tc.model, err)
			}
			if p.Name() != tc.name || p.SysObjectID() != tc.sysObject {
				t.Errorf("ForPDU(%q, %q) = %s, %s; want %s, %s", tc.vendor, tc.model, p.Name(), p.SysObjectID(), tc.name, tc.sysObject)
			}
		})
	}
	_, err := ForPDU("Vertiv", "MPH2")
	if err == nil || !strings.Contains(err.Error(), `"Vertiv"`) || !strings.Contains(err.Error(), "apc, eaton, raritan, servertech") {
		t.Errorf("ForPDU(Vertiv) error = %v; want it to name the vendor and list the known ones", err)
	}
}

func TestForATS(t *testing.T) {
	for _, tc := range []struct{ model, sysObject string }{
		{"AP4423", oids.SysObjectIDAPCATS4G},
		{"AP7724", oids.SysObjectIDAPCATS},
	} {
		p, err := ForATS("APC", tc.model)
		if err != nil || p.Name() != "apc-ats" || p.SysObjectID() != tc.sysObject {
			t.Errorf("ForATS(APC, %s) = %v, %v; want apc-ats with %s", tc.model, p, err, tc.sysObject)
		}
	}
	if _, err := ForATS("Eaton", "STS16"); err == nil || !strings.Contains(err.Error(), "known: apc") {
		t.Errorf("ForATS(Eaton) error = %v; want the known vendors", err)
	}
}

// rendered indexes a rendering by OID.
type rendered map[string]mib.Value

func render(vars []mib.Var) rendered {
	r := rendered{}
	for _, v := range vars {
		r[v.OID.String()] = v.Value
	}
	return r
}

// at returns the instance of col at index, written as in the MIB.
func inst(col string, index ...uint32) string { return at(col, index...).String() }

type want struct {
	what  string
	oid   string
	value mib.Value // zero Type: must be absent
}

func checkWants(t *testing.T, label string, r rendered, wants []want) {
	t.Helper()
	for _, w := range wants {
		t.Run(w.what, func(t *testing.T) {
			got, ok := r[w.oid]
			if w.value.Type == 0 {
				if ok {
					t.Errorf("Vars(%s)[%s] = %v; want no such instance", label, w.what, got.Value)
				}
				return
			}
			if !ok {
				t.Fatalf("Vars(%s)[%s] is missing (%s)", label, w.what, w.oid)
			}
			if got.Type != w.value.Type || !sameValue(got, w.value) {
				t.Errorf("Vars(%s)[%s] = %v (%v); want %v (%v)", label, w.what, show(got), got.Type, show(w.value), w.value.Type)
			}
		})
	}
}

// apcTestState is a small AP8959EU3-like PDU: 4.9 A at 230 V on one
// phase, outlet 2 switched off (its meter still holds a stale 1 A).
func apcTestState(model string) *PDUState {
	return &PDUState{
		Name: "pdu-r1-a", Vendor: "apc", Model: model, Serial: "5A1638E01463", Uptime: 90 * time.Second,
		Now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Powered: true,
		Phases: 1, RatedAmps: 16, Volts: 230, Frequency: 50,
		PhaseAmps: []float64{4.9}, PhaseVolts: []float64{230}, PhaseWatts: []float64{1078}, PowerFactor: 0.96, EnergyKWh: 1234.56,
		Outlets: 3, OutletNames: []string{"web-1 psu1", "db-1 psu1", "Outlet 3"}, OutletOn: []bool{true, false, true},
		OutletAmps: []float64{3.9, 1.0, 0}, OutletWatts: []float64{860, 230, 0}, OutletEnergy: []float64{10, 2, 0},
	}
}

func TestAPCVars(t *testing.T) {
	p, _ := ForPDU("apc", "AP8959EU3")
	r := render(p.Vars(apcTestState("AP8959EU3")))
	checkWants(t, "AP8959EU3", r, []want{
		{"sysObjectID", inst(oids.SysObjectID, 0), mib.ObjectID(mib.MustOID(oids.SysObjectIDAPCrPDU2))},
		{"sysUpTime", inst(oids.SysUpTime, 0), mib.TimeTicks(9000)},
		{"sysName", inst(oids.SysName, 0), mib.String("pdu-r1-a")},
		// 4.9 A is 49 tenths, an INTEGER; 1078 W is 108 hundredths of a kW.
		{"phase current", inst(oids.RPDU2PhaseStatusCurrent, 1), mib.Integer(49)},
		{"phase voltage", inst(oids.RPDU2PhaseStatusVoltage, 1), mib.Integer(230)},
		{"phase power", inst(oids.RPDU2PhaseStatusPower, 1), mib.Integer(108)},
		{"phase load state", inst(oids.RPDU2PhaseStatusLoadState, 1), mib.Integer(int(oids.RPDU2Normal))},
		{"phase near-overload threshold", inst(oids.RPDU2PhaseConfigNearOverloadCurrentThreshold, 1), mib.Integer(13)},
		{"device power", inst(oids.RPDU2DeviceStatusPower, 1), mib.Integer(108)},
		{"device apparent power", inst(oids.RPDU2DeviceStatusApparentPower, 1), mib.Integer(113)}, // 4.9 × 230 = 1127 VA
		{"device power factor", inst(oids.RPDU2DeviceStatusPowerFactor, 1), mib.Integer(96)},
		{"device energy", inst(oids.RPDU2DeviceStatusEnergy, 1), mib.Integer(12346)}, // 0.1 kWh
		{"device power rating", inst(oids.RPDU2DevicePropertiesDevicePowerRating, 1), mib.Integer(37)},
		{"peak power timestamp", inst(oids.RPDU2DeviceStatusPeakPowerTimestamp, 1), mib.String("01/02/2025 03:04:05")},
		{"outlet 1 state", inst(oids.RPDU2OutletSwitchedStatusState, 1), mib.Integer(int(oids.RPDU2OutletOn))},
		{"outlet 2 state", inst(oids.RPDU2OutletSwitchedStatusState, 2), mib.Integer(int(oids.RPDU2OutletOff))},
		{"outlet 2 control reads immediateOff", inst(oids.RPDU2OutletSwitchedControlCommand, 2), mib.Integer(int(oids.RPDU2ImmediateOff))},
		{"outlet 2 name", inst(oids.RPDU2OutletSwitchedStatusName, 2), mib.String("db-1 psu1")},
		{"switched table size", inst(oids.RPDU2OutletSwitchedTableSize, 0), mib.Integer(3)},
		{"no metered outlets", inst(oids.RPDU2OutletMeteredStatusCurrent, 1), mib.Value{}},
		// The legacy trees: rPDU load in tenths as Gauge32, on1/off2.
		{"rPDU load", inst(oids.RPDULoadStatusLoad, 1), mib.Gauge32(49)},
		{"rPDU load state", inst(oids.RPDULoadStatusLoadState, 1), mib.Integer(int(oids.RPDUPhaseLoadNormal))},
		{"rPDU power", inst(oids.RPDUIdentDevicePowerWatts, 0), mib.Integer(1078)},
		{"rPDU line-to-line voltage", inst(oids.RPDUIdentDeviceLinetoLineVoltage, 0), mib.Integer(-1)},
		{"rPDU outlet 2 state", inst(oids.RPDUOutletStatusOutletState, 2), mib.Integer(int(oids.RPDUOutletStatusOff))},
		{"rPDU outlet 1 command reads immediateOn", inst(oids.RPDUOutletControlOutletCommand, 1), mib.Integer(int(oids.RPDUImmediateOn))},
		{"sPDU outlet 2", inst(oids.SPDUOutletCtl, 2), mib.Integer(int(oids.SPDUOutletOff))},
		{"sPDU outlet 3", inst(oids.SPDUOutletCtl, 3), mib.Integer(int(oids.SPDUOutletOn))},
		{"sPDU model", inst(oids.SPDUIdentModelNumber, 0), mib.String("AP8959EU3")},
		{"no outlet 4", inst(oids.RPDU2OutletSwitchedStatusState, 4), mib.Value{}},
	})
}

func TestAPCFamilies(t *testing.T) {
	for _, tc := range []struct {
		model string
		wants []want
	}{
		{"AP7900B", []want{
			{"sysObjectID", inst(oids.SysObjectID, 0), mib.ObjectID(mib.MustOID(oids.SysObjectIDAPCrPDUB))},
			{"device power unsupported", inst(oids.RPDU2DeviceStatusPower, 1), mib.Integer(-1)},
			{"device load state unsupported", inst(oids.RPDU2DeviceStatusLoadState, 1), mib.Integer(int(oids.RPDU2LoadNotSupp))},
			{"phase voltage unsupported", inst(oids.RPDU2PhaseStatusVoltage, 1), mib.Integer(-1)},
			{"phase current still measured", inst(oids.RPDU2PhaseStatusCurrent, 1), mib.Integer(49)},
			{"line-to-line voltage", inst(oids.RPDUIdentDeviceLinetoLineVoltage, 0), mib.Integer(230)},
			{"no probe row", inst(oids.RPDU2SensorTempHumidityStatusType, 1), mib.Value{}},
		}},
		{"AP8853", []want{
			{"no switched outlets", inst(oids.RPDU2OutletSwitchedTableSize, 0), mib.Integer(0)},
			{"no control row", inst(oids.RPDU2OutletSwitchedControlCommand, 1), mib.Value{}},
			{"no sPDU", inst(oids.SPDUOutletCtl, 1), mib.Value{}},
			{"no rPDU outlets", inst(oids.RPDUOutletStatusOutletState, 1), mib.Value{}},
			{"power supply 2", inst(oids.RPDU2DeviceStatusPowerSupply2Status, 1), mib.Integer(int(oids.RPDU2PowerSupplyNotInstalled))},
		}},
		{"AP8641", []want{
			{"metered outlet 1 current", inst(oids.RPDU2OutletMeteredStatusCurrent, 1), mib.Integer(39)},
			{"metered outlet 2 reads 0 A when off", inst(oids.RPDU2OutletMeteredStatusCurrent, 2), mib.Integer(0)},
			{"metered outlet 1 power", inst(oids.RPDU2OutletMeteredStatusPower, 1), mib.Integer(860)},
			{"metered outlet 1 energy", inst(oids.RPDU2OutletMeteredStatusEnergy, 1), mib.Integer(100)},
			{"rPDU outlet load", inst(oids.RPDUOutletStatusLoad, 1), mib.Gauge32(39)},
			{"switched too", inst(oids.RPDU2OutletSwitchedStatusState, 2), mib.Integer(int(oids.RPDU2OutletOff))},
		}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			p, _ := ForPDU("apc", tc.model)
			checkWants(t, tc.model, render(p.Vars(apcTestState(tc.model))), tc.wants)
		})
	}
}

func TestAPCBanks(t *testing.T) {
	s := apcTestState("AP8853")
	s.RatedAmps = 32
	s.Banks = []BankState{{Number: 1, Phase: 1, RatedAmps: 16, Amps: 0.2, From: 1, To: 2}, {Number: 2, Phase: 1, RatedAmps: 16, Amps: 14, From: 3, To: 3}}
	p, _ := ForPDU("apc", "AP8853")
	checkWants(t, "AP8853 with banks", render(p.Vars(s)), []want{
		{"bank 2 current", inst(oids.RPDU2BankStatusCurrent, 2), mib.Integer(140)},
		{"bank 2 near overload", inst(oids.RPDU2BankStatusLoadState, 2), mib.Integer(int(oids.RPDU2NearOverload))},
		{"bank breaker", inst(oids.RPDU2BankPropertiesBreakerRating, 1), mib.Integer(16)},
		// rPDU load rows: the phase first (bank 0), then the banks (phase 0).
		{"rPDU row 1 is the phase", inst(oids.RPDULoadStatusBankNumber, 1), mib.Integer(0)},
		{"rPDU row 3 is bank 2", inst(oids.RPDULoadStatusBankNumber, 3), mib.Integer(2)},
		{"rPDU row 3 has no phase", inst(oids.RPDULoadStatusPhaseNumber, 3), mib.Integer(0)},
		{"rPDU row 3 load", inst(oids.RPDULoadStatusLoad, 3), mib.Gauge32(140)},
		{"rPDU row 3 near overload", inst(oids.RPDULoadStatusLoadState, 3), mib.Integer(int(oids.RPDUPhaseLoadNearOverload))},
		{"rPDU max phase load is 0 when banked", inst(oids.RPDULoadDevMaxPhaseLoad, 0), mib.Integer(0)},
	})
}

func atsTestState() *ATSState {
	return &ATSState{
		Name: "ats-r9", Vendor: "apc", Model: "AP4423", Serial: "5A1516T15268", Uptime: time.Hour,
		RatedAmps: 16, Volts: 230, Frequency: 50, Selected: 1, Preferred: 0, InputOK: [2]bool{false, true},
		InputVolts: [2]float64{0, 229.6}, InputFreq: [2]float64{0, 50.02}, OutputAmps: 7.34, OutputWatts: 1600,
	}
}

func TestAPCATSVars(t *testing.T) {
	p, _ := ForATS("apc", "AP4423")
	r := render(p.Vars(atsTestState()))
	checkWants(t, "AP4423", r, []want{
		{"selected source B", inst(oids.ATSStatusSelectedSource, 0), mib.Integer(int(oids.ATSSourceB))},
		{"preferred source A", inst(oids.ATSConfigPreferredSource, 0), mib.Integer(int(oids.ATSSourceA))},
		{"redundancy lost", inst(oids.ATSStatusRedundancyState, 0), mib.Integer(int(oids.ATSRedundancyLost))},
		{"source A failed", inst(oids.ATSStatusSourceAStatus, 0), mib.Integer(int(oids.ATSFail))},
		{"source B ok", inst(oids.ATSStatusSourceBStatus, 0), mib.Integer(int(oids.ATSOK))},
		{"switch ok", inst(oids.ATSStatusSwitchStatus, 0), mib.Integer(int(oids.ATSOK))},
		{"out of sync", inst(oids.ATSStatusPhaseSyncStatus, 0), mib.Integer(oids.ATSPhasesOutOfSync)},
		// The three-part index real units answer with.
		{"input B voltage at .2.1.1", inst(oids.ATSInputVoltage, 2, 1, 1), mib.Integer(230)},
		{"no two-part input row", inst(oids.ATSInputVoltage, 2, 1), mib.Value{}},
		{"input current unsupported", inst(oids.ATSInputCurrent, 1, 1, 1), mib.Integer(-1)},
		{"input B frequency", inst(oids.ATSInputFrequency, 2), mib.Integer(50)},
		{"output current in tenths at .1.1.1", inst(oids.ATSOutputCurrent, 1, 1, 1), mib.Integer(73)},
		{"output load VA", inst(oids.ATSOutputLoad, 1, 1, 1), mib.Integer(1685)}, // 7.34 A × 229.6 V
		{"output percent load", inst(oids.ATSOutputPercentLoad, 1, 1, 1), mib.Integer(46)},
		{"bank total current, Gauge32 tenths", inst(oids.ATSOutputBankCurrent, 1), mib.Gauge32(73)},
		{"bank total", inst(oids.ATSOutputBank, 1), mib.Integer(int(oids.ATSBankTotal))},
		{"device rating", inst(oids.ATSIdentDeviceRating, 0), mib.Integer(16)},
	})
	sysDescr := string(r[inst(oids.SysDescr, 0)].Value.([]byte))
	if !strings.HasPrefix(sysDescr, "APC Web/SNMP Management Card (") || !strings.Contains(sysDescr, "MN:AP4423") {
		t.Errorf("Vars(AP4423)[sysDescr] = %q; want the NMC's wording", sysDescr)
	}

	for _, tc := range []struct {
		name   string
		change func(*ATSState)
		oid    string
		want   int
	}{
		{"both sources ok: redundant", func(s *ATSState) { s.InputOK = [2]bool{true, true}; s.PhaseSync = true }, inst(oids.ATSStatusRedundancyState, 0), int(oids.ATSFullyRedundant)},
		{"switch failed: not redundant", func(s *ATSState) { s.InputOK = [2]bool{true, true}; s.SwitchFailed = true }, inst(oids.ATSStatusRedundancyState, 0), int(oids.ATSRedundancyLost)},
		{"switch failed: switch status", func(s *ATSState) { s.SwitchFailed = true }, inst(oids.ATSStatusSwitchStatus, 0), int(oids.ATSFail)},
		{"over current", func(s *ATSState) { s.OverCurrent = true }, inst(oids.ATSStatusOverCurrentState, 0), oids.ATSOverCurrent},
		{"dark output: voltage out failed", func(s *ATSState) { s.Selected = -1 }, inst(oids.ATSStatusVoltageOutStatus, 0), int(oids.ATSFail)},
		{"dark output: still on the dead source A", func(s *ATSState) { s.Selected = -1 }, inst(oids.ATSStatusSelectedSource, 0), int(oids.ATSSourceA)},
		{"dark output: no current", func(s *ATSState) { s.Selected = -1 }, inst(oids.ATSOutputCurrent, 1, 1, 1), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := atsTestState()
			tc.change(s)
			got := render(p.Vars(s))[tc.oid]
			if n, _ := number(got); int(n) != tc.want {
				t.Errorf("Vars(AP4423, %s)[%s] = %v; want %d", tc.name, tc.oid, got.Value, tc.want)
			}
		})
	}
}

func TestRaritanVars(t *testing.T) {
	s := apcTestState("PX3-5493U-K2")
	s.Vendor, s.RatedAmps, s.PhaseAmps, s.PhaseVolts, s.PhaseWatts = "raritan", 32, []float64{7.467}, []float64{229}, []float64{1665}
	s.Frequency, s.EnergyKWh = 50.02, 74057.676
	s.Banks = []BankState{{Number: 1, Phase: 1, RatedAmps: 16, Amps: 4.9, From: 1, To: 2}, {Number: 2, Phase: 1, RatedAmps: 16, From: 3, To: 3, Tripped: true}}
	p, _ := ForPDU("raritan", "PX3-5493U-K2")
	in := func(entry string, col int, sensor oids.PDU2SensorType) string {
		return inst(fmt.Sprintf("%s.%d", entry, col), 1, 1, uint32(sensor))
	}
	out := func(entry string, col int, outlet uint32, sensor oids.PDU2SensorType) string {
		return inst(fmt.Sprintf("%s.%d", entry, col), 1, outlet, uint32(sensor))
	}
	ocp := func(col int, n uint32, sensor oids.PDU2SensorType) string {
		return inst(fmt.Sprintf("%s.%d", oids.PDU2OverCurrentProtectorSensorMeasurementsEntry, col), 1, n, uint32(sensor))
	}
	m, c := oids.PDU2InletSensorMeasurementsEntry, oids.PDU2InletSensorConfigurationEntry
	om := oids.PDU2OutletSensorMeasurementsEntry
	checkWants(t, "PX3-5493U-K2", render(p.Vars(s)), []want{
		// Values scaled by the sensor's decimal digits: 7.467 A with 3.
		{"inlet current digits", in(c, oids.PDU2SensorColDecimalDigits, oids.PDU2RMSCurrent), mib.Gauge32(3)},
		{"inlet current", in(m, oids.PDU2MeasColValue, oids.PDU2RMSCurrent), mib.Gauge32(7467)},
		{"inlet current signed", in(m, oids.PDU2MeasColSignedValue, oids.PDU2RMSCurrent), mib.Integer(7467)},
		{"inlet current upper critical (25.6 A)", in(c, oids.PDU2SensorColUpperCritical, oids.PDU2RMSCurrent), mib.Gauge32(25600)},
		{"inlet voltage", in(m, oids.PDU2MeasColValue, oids.PDU2RMSVoltage), mib.Gauge32(229)},
		{"inlet power", in(m, oids.PDU2MeasColValue, oids.PDU2ActivePower), mib.Gauge32(1665)},
		{"inlet power factor, 2 digits", in(m, oids.PDU2MeasColValue, oids.PDU2PowerFactor), mib.Gauge32(97)}, // 1665 W / (7.467 A × 229 V)
		{"inlet energy in Wh", in(m, oids.PDU2MeasColValue, oids.PDU2ActiveEnergy), mib.Gauge32(74057676)},
		{"inlet energy has no signed value", in(m, oids.PDU2MeasColSignedValue, oids.PDU2ActiveEnergy), mib.Integer(0)},
		{"inlet frequency (1 digit)", in(m, oids.PDU2MeasColValue, oids.PDU2Frequency), mib.Gauge32(500)},
		{"inlet state normal", in(m, oids.PDU2MeasColState, oids.PDU2RMSCurrent), mib.Integer(int(oids.PDU2StateNormal))},
		{"outlet 1 current", out(om, oids.PDU2MeasColValue, 1, oids.PDU2RMSCurrent), mib.Gauge32(3900)},
		{"outlet 2 off reads 0 A", out(om, oids.PDU2MeasColValue, 2, oids.PDU2RMSCurrent), mib.Gauge32(0)},
		{"outlet 2 off", out(om, oids.PDU2MeasColState, 2, oids.PDU2OnOff), mib.Integer(int(oids.PDU2StateOff))},
		{"outlet 1 on", out(om, oids.PDU2MeasColState, 1, oids.PDU2OnOff), mib.Integer(int(oids.PDU2StateOn))},
		{"outlet 2 switching state", inst(oids.PDU2OutletSwitchingState, 1, 2), mib.Integer(int(oids.PDU2StateOff))},
		{"outlet 3 power source is C2", inst(oids.PDU2OutletPowerSource, 1, 3), mib.ObjectID(mib.MustOID(oids.PDU2OverCurrentProtectorLabel + ".1.2"))},
		{"OCP 1 current", ocp(oids.PDU2MeasColValue, 1, oids.PDU2RMSCurrent), mib.Gauge32(4900)},
		{"OCP 1 closed", ocp(oids.PDU2MeasColState, 1, oids.PDU2Trip), mib.Integer(int(oids.PDU2StateClosed))},
		{"OCP 2 tripped", ocp(oids.PDU2MeasColState, 2, oids.PDU2Trip), mib.Integer(int(oids.PDU2StateOpen))},
		{"OCP label", inst(oids.PDU2OverCurrentProtectorLabel, 1, 2), mib.String("C2")},
		{"outlet count", inst(oids.PDU2OutletCount, 1), mib.Integer(3)},
	})

	// An outlet-metered PX3-4xxx has no switching; an inlet-metered
	// PX3-1xxx has no outlet sensors at all.
	for _, tc := range []struct{ model, oid string }{
		{"PX3-4724", inst(oids.PDU2SwitchingOperation, 1, 1)},
		{"PX3-1730", out(om, oids.PDU2MeasColValue, 1, oids.PDU2RMSCurrent)},
	} {
		p, _ := ForPDU("raritan", tc.model)
		if v, ok := render(p.Vars(s))[tc.oid]; ok {
			t.Errorf("Vars(%s)[%s] = %v; want no such instance", tc.model, tc.oid, v.Value)
		}
	}
}

func TestSentry4Vars(t *testing.T) {
	s := apcTestState("C2W24TE-DQME2M00")
	s.Vendor, s.RatedAmps, s.Volts, s.Frequency = "servertech", 30, 208, 60
	s.PhaseAmps, s.PhaseVolts, s.PhaseWatts = []float64{4.9}, []float64{208.4}, []float64{980}
	s.Banks = []BankState{{Number: 1, Phase: 1, RatedAmps: 20, Amps: 3.9, From: 1, To: 2}, {Number: 2, Phase: 1, RatedAmps: 20, From: 3, To: 3, Tripped: true}}
	p, _ := ForPDU("servertech", "Sentry4 C2W24TE-DQME2M00")
	checkWants(t, "C2W24TE", render(p.Vars(s)), []want{
		{"product", inst(oids.St4SystemProductName, 0), mib.String("Sentry Switched PDU")},
		{"unit model without the family", inst(oids.St4UnitModel, 1), mib.String("C2W24TE-DQME2M00")},
		{"cord nominal voltage, tenths", inst(oids.St4InputCordNominalVoltage, 1, 1), mib.Integer(2080)},
		{"cord power capacity", inst(oids.St4InputCordPowerCapacity, 1, 1), mib.Integer(6240)},
		{"cord plug", inst(oids.St4InputCordInletType, 1, 1), mib.String("L6-30P")},
		{"cord frequency, tenths", inst(oids.St4InputCordFrequency, 1, 1), mib.Integer(600)},
		// Currents in hundredths, thresholds in tenths.
		{"line current 4.9 A", inst(oids.St4LineCurrent, 1, 1, 1), mib.Integer(490)},
		{"line high alarm 24 A", inst(oids.St4LineCurrentHighAlarm, 1, 1, 1), mib.Integer(240)},
		{"phase voltage, tenths", inst(oids.St4PhaseVoltage, 1, 1, 1), mib.Integer(2084)},
		{"branch 1 current", inst(oids.St4BranchCurrent, 1, 1, 1), mib.Integer(390)},
		{"branch 2 tripped", inst(oids.St4BranchStatus, 1, 1, 2), mib.Integer(int(oids.St4StatusBreakerTripped))},
		{"OCP 2 tripped", inst(oids.St4OcpStatus, 1, 1, 2), mib.Integer(int(oids.St4StatusBreakerTripped))},
		{"outlet 1 current", inst(oids.St4OutletCurrent, 1, 1, 1), mib.Integer(390)},
		{"outlet 1 energy in Wh", inst(oids.St4OutletEnergy, 1, 1, 1), mib.Integer(10000)},
		{"outlet 2 off reads 0 A", inst(oids.St4OutletCurrent, 1, 1, 2), mib.Integer(0)},
		{"outlet 2 off", inst(oids.St4OutletState, 1, 1, 2), mib.Integer(int(oids.St4StateOff))},
		{"outlet 2 control state off", inst(oids.St4OutletControlState, 1, 1, 2), mib.Integer(int(oids.St4ControlOff))},
		{"outlet 1 control state on", inst(oids.St4OutletControlState, 1, 1, 1), mib.Integer(int(oids.St4ControlOn))},
		{"outlet 3 on branch 2", inst(oids.St4OutletBranchID, 1, 1, 3), mib.String("AA2")},
	})
	// A Smart (C2S) unit has no relays and no outlet metering.
	smart, _ := ForPDU("servertech", "C2S42CE-YCMFAM00")
	checkWants(t, "C2S42CE", render(smart.Vars(s)), []want{
		{"no outlet control", inst(oids.St4OutletControlAction, 1, 1, 1), mib.Value{}},
		{"outlet current not measured", inst(oids.St4OutletCurrent, 1, 1, 1), mib.Integer(-1)},
	})
}

func TestEatonVars(t *testing.T) {
	s := apcTestState("EMA114-10")
	s.Vendor, s.Volts, s.Frequency = "eaton", 120, 60
	s.PhaseAmps, s.PhaseVolts, s.PhaseWatts = []float64{14.108}, []float64{118.45}, []float64{1584}
	p, _ := ForPDU("eaton", "ePDU MA EMA114-10")
	checkWants(t, "EMA114-10", render(p.Vars(s)), []want{
		// The master unit is strappingIndex 0.
		{"part number at .0", inst(oids.EPDUPartNumber, 0), mib.String("EMA114-10")},
		{"input voltage in mV", inst(oids.EPDUInputVoltage, 0, 1, 1), mib.Integer(118450)},
		{"input current in mA", inst(oids.EPDUInputCurrent, 0, 1, 1), mib.Integer(14108)},
		{"input current high warning", inst(oids.EPDUInputCurrentThStatus, 0, 1, 1), mib.Integer(int(oids.EPDUThHighWarning))},
		{"input capacity in mA", inst(oids.EPDUInputCurrentCapacity, 0, 1, 1), mib.Integer(16000)},
		{"input frequency, tenths", inst(oids.EPDUInputFrequency, 0, 1), mib.Integer(600)},
		{"total power", inst(oids.EPDUInputTotalWatts, 0, 1), mib.Integer(1584)},
		{"outlet 1 current in mA", inst(oids.EPDUOutletCurrent, 0, 1), mib.Integer(3900)},
		{"outlet 2 off reads 0 mA", inst(oids.EPDUOutletCurrent, 0, 2), mib.Integer(0)},
		{"outlet 2 status off(0)", inst(oids.EPDUOutletControlStatus, 0, 2), mib.Integer(int(oids.EPDUOutletOff))},
		{"outlet 1 status on(1)", inst(oids.EPDUOutletControlStatus, 0, 1), mib.Integer(int(oids.EPDUOutletOn))},
		{"outlet 1 energy in Wh", inst(oids.EPDUOutletWh, 0, 1), mib.Gauge32(10000)},
		{"no pending off command", inst(oids.EPDUOutletControlOffCmd, 0, 1), mib.Integer(-1)},
		{"parent is the section, without the strap", inst(oids.EPDUOutletParentOID, 0, 1, 1), mib.ObjectID(mib.MustOID(oids.EPDUGroupID + ".1"))},
		{"nothing at strap 1", inst(oids.EPDUPartNumber, 1), mib.Value{}},
	})
}

// TestVarsAreServable checks what the agent needs of every rendering:
// unique OIDs, and values of the Go types gosnmp encodes.
func TestVarsAreServable(t *testing.T) {
	states := map[string]*PDUState{}
	for _, vm := range [][2]string{{"apc", "AP8959EU3"}, {"apc", "AP7900B"}, {"apc", "AP8641"}, {"raritan", "PX3-5493U-K2"},
		{"raritan", "PX2-4724"}, {"servertech", "C2W24TE"}, {"servertech", "C2S42CE"}, {"eaton", "EMA114-10"}, {"eaton", "EMI101"}} {
		for _, phases := range []int{1, 3} {
			s := apcTestState(vm[1])
			if phases == 3 {
				s.Phases, s.PhaseAmps, s.PhaseVolts, s.PhaseWatts = 3, []float64{4, 5, 6}, []float64{230, 231, 229}, []float64{900, 1100, 1300}
				s.Banks = []BankState{{Number: 1, Phase: 1, RatedAmps: 16, Amps: 4, From: 1, To: 1}, {Number: 2, Phase: 2, RatedAmps: 16, Amps: 5, From: 2, To: 2},
					{Number: 3, Phase: 3, RatedAmps: 16, Amps: 6, From: 3, To: 3}}
			}
			states[fmt.Sprintf("%s %s %d-phase", vm[0], vm[1], phases)] = s
		}
	}
	for name, s := range states {
		vendor, model, _ := strings.Cut(name, " ")
		model, _, _ = strings.Cut(model, " ")
		p, err := ForPDU(vendor, model)
		if err != nil {
			t.Fatal(err)
		}
		checkServable(t, name, p.Vars(s))
	}
	p, _ := ForATS("apc", "AP4423")
	checkServable(t, "AP4423", p.Vars(atsTestState()))
}

func checkServable(t *testing.T, name string, vars []mib.Var) {
	t.Helper()
	seen := map[string]bool{}
	for _, v := range vars {
		o := v.OID.String()
		if seen[o] {
			t.Errorf("Vars(%s) renders %s twice", name, o)
		}
		seen[o] = true
		ok := false
		switch v.Value.Type {
		case gosnmp.Integer:
			_, ok = v.Value.Value.(int)
		case gosnmp.OctetString:
			_, ok = v.Value.Value.([]byte)
		case gosnmp.ObjectIdentifier:
			_, ok = v.Value.Value.(string)
		case gosnmp.Gauge32, gosnmp.TimeTicks, gosnmp.Counter32:
			_, ok = v.Value.Value.(uint32)
		}
		if !ok {
			t.Errorf("Vars(%s)[%s] = %T %v of type %v; want a value gosnmp encodes", name, o, v.Value.Value, v.Value.Value, v.Value.Type)
		}
	}
	if len(vars) < 50 {
		t.Errorf("Vars(%s) renders %d variables; want a device's worth", name, len(vars))
	}
}
