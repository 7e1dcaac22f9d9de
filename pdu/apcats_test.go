package pdu_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/pdu/oids"
	"feedplan/pdu/pdutest"
	"feedplan/planner"
	"feedplan/simulator"
)

// apcATSWant is what a test expects of an ATS reading; nil pointers and
// empty slices are expected to be absent.
type apcATSWant struct {
	selected, preferred int
	inputOK             [2]*bool
	redundant, switchOK *bool
	overCurrent, sync   *bool
	volts, hz           [2]*float64
	amps                []float64
	watts, rated        *float64
	load                string
}

// check compares a reading with w; volts, hz and amps within tol (the
// simulator's noise), exactly when tol is 0.
func (w apcATSWant) check(t *testing.T, name string, r *pdu.Reading, tol float64) {
	t.Helper()
	a := r.ATS
	if a == nil {
		t.Fatalf("Read(%s).ATS = nil; want the ATS state", name)
	}
	if a.Selected != w.selected || a.Preferred != w.preferred {
		t.Errorf("Read(%s).ATS selected %d, preferred %d; want %d, %d", name, a.Selected, a.Preferred, w.selected, w.preferred)
	}
	for i := range 2 {
		if apcBoolS(a.InputOK[i]) != apcBoolS(w.inputOK[i]) {
			t.Errorf("Read(%s).ATS.InputOK[%d] = %s; want %s", name, i, apcBoolS(a.InputOK[i]), apcBoolS(w.inputOK[i]))
		}
		if !apcWithin(a.InputVolts[i], w.volts[i], tol) || !apcWithin(a.InputHz[i], w.hz[i], tol) {
			t.Errorf("Read(%s).ATS input %d = %s V, %s Hz; want %s V, %s Hz", name, i, apcF(a.InputVolts[i]), apcF(a.InputHz[i]), apcF(w.volts[i]), apcF(w.hz[i]))
		}
	}
	for _, b := range []struct {
		what      string
		got, want *bool
	}{{"Redundant", a.Redundant, w.redundant}, {"SwitchOK", a.SwitchOK, w.switchOK}, {"OverCurrent", a.OverCurrent, w.overCurrent}, {"PhaseSync", a.PhaseSync, w.sync}} {
		if apcBoolS(b.got) != apcBoolS(b.want) {
			t.Errorf("Read(%s).ATS.%s = %s; want %s", name, b.what, apcBoolS(b.got), apcBoolS(b.want))
		}
	}
	if len(a.OutputAmps) != len(w.amps) {
		t.Errorf("Read(%s).ATS.OutputAmps = %v; want %v", name, a.OutputAmps, w.amps)
	} else {
		for i := range w.amps {
			if !apcWithin(&a.OutputAmps[i], &w.amps[i], tol) {
				t.Errorf("Read(%s).ATS.OutputAmps[%d] = %v; want %v", name, i, a.OutputAmps[i], w.amps[i])
			}
		}
	}
	if !apcSame(a.OutputWatts, w.watts) || !apcSame(r.Watts, w.watts) || !apcSame(a.RatedAmps, w.rated) || r.LoadState != w.load {
		t.Errorf("Read(%s) = %s W (ATS %s W), rated %s A, load %q; want %s W, rated %s A, %q", name, apcF(r.Watts), apcF(a.OutputWatts), apcF(a.RatedAmps), r.LoadState, apcF(w.watts), apcF(w.rated), w.load)
	}
}

// apcWithin compares within 2 % (tol 0.02) plus half a tenth.
func apcWithin(got, want *float64, tol float64) bool {
	if got == nil || want == nil || tol == 0 {
		return apcSame(got, want)
	}
	return math.Abs(*got-*want) <= tol*math.Abs(*want)+0.05
}

// TestAPCATSSimulated reads the example site's two AP4423 units, sets the
// preferred source over SNMP, and cuts feed A under them.
func TestAPCATSSimulated(t *testing.T) {
	s := apcStartSite(t)
	read := func(t *testing.T, name string) *pdu.Reading {
		t.Helper()
		r, err := apcRead(t, s.target(name))
		if err != nil {
			t.Fatalf("Read(%s): %v", name, err)
		}
		if r.Driver != "apc-ats" || r.Model != "AP4423" || r.Partial {
			t.Errorf("Read(%s) = driver %q, model %q, problems %q; want apc-ats, AP4423, none", name, r.Driver, r.Model, r.Problems)
		}
		return r
	}
	outAmps := func(fl *planner.Flow, name string) []float64 {
		af, _ := fl.ATS(name)
		return []float64{max(af.Phase[0], af.Phase[1], af.Phase[2])}
	}
	yes, no := pdu.B(true), pdu.B(false)
	healthy := func(fl *planner.Flow, name string) apcATSWant {
		return apcATSWant{
			selected: 0, preferred: 0, inputOK: [2]*bool{yes, yes},
			redundant: yes, switchOK: yes, overCurrent: no, sync: yes,
			volts: [2]*float64{pdu.F(230), pdu.F(230)}, hz: [2]*float64{pdu.F(50), pdu.F(50)},
			// atsInputPower is -1 on AP44xx: no watts.
			amps: outAmps(fl, name), rated: pdu.F(16), load: "normal",
		}
	}

	t.Run("healthy", func(t *testing.T) {
		fl := s.flow(t)
		for _, name := range []string{"ats-r03", "ats-r07"} {
			healthy(fl, name).check(t, name, read(t, name), 0.02)
		}
	})

	t.Run("SetPreferred", func(t *testing.T) {
		d := apcDriver(t, "apc-ats").(pdu.PreferredSetter)
		for _, input := range []int{1, 0} {
			if err := d.SetPreferred(t.Context(), apcDial(t, s.target("ats-r03")), input); err != nil {
				t.Fatalf("SetPreferred(ats-r03, %d): %v", input, err)
			}
			r := read(t, "ats-r03")
			if r.ATS.Selected != input || r.ATS.Preferred != input {
				t.Errorf("after SetPreferred(ats-r03, %d): Read(ats-r03).ATS selected %d, preferred %d; want %d, %d", input, r.ATS.Selected, r.ATS.Preferred, input, input)
			}
			if got, ok := s.m.Faults().Preferred["ats-r03"]; !ok || got != input {
				t.Errorf("after SetPreferred(ats-r03, %d): simulator Preferred[ats-r03] = %d, %v; want %d", input, got, ok, input)
			}
		}
	})

	t.Run("feed A cut", func(t *testing.T) {
		if err := s.m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
			t.Fatal(err)
		}
		defer s.m.Do(simulator.Command{Op: "restore", Target: "source:A"}) //nolint:errcheck
		fl := s.flow(t, planner.Element{Kind: planner.Source, Name: "A"})
		w := healthy(fl, "ats-r03")
		// Transferred to B; A reads 0 V and 0 Hz (a measurement, not -1).
		w.selected, w.inputOK[0], w.redundant, w.sync = 1, no, no, no
		w.volts[0], w.hz[0] = pdu.F(0), pdu.F(0)
		w.check(t, "ats-r03", read(t, "ats-r03"), 0.02)
		if w.amps[0] < 0.5 {
			t.Errorf("planner: ats-r03 carries %v A after the transfer; want a real load to compare", w.amps)
		}
	})

	t.Run("feed A cut, ats-r07 fails to transfer", func(t *testing.T) {
		for _, c := range []simulator.Command{{Op: "ats-fail", Target: "ats-r07"}, {Op: "cut", Target: "source:A"}} {
			if err := s.m.Do(c); err != nil {
				t.Fatal(err)
			}
		}
		// Still on the dead input A, nothing out, the switch failed.
		w := apcATSWant{
			selected: 0, preferred: 0, inputOK: [2]*bool{no, yes},
			redundant: no, switchOK: no, overCurrent: no, sync: no,
			volts: [2]*float64{pdu.F(0), pdu.F(230)}, hz: [2]*float64{pdu.F(0), pdu.F(50)},
			amps: []float64{0}, rated: pdu.F(16), load: "normal", // a low-load threshold of 0 A: no low warning
		}
		w.check(t, "ats-r07", read(t, "ats-r07"), 0.02)
		// And the strip behind it is dark: it does not answer.
		tg := s.target("r07-c")
		tg.Timeout, tg.Retries = 300*time.Millisecond, 0
		if _, err := apcRead(t, tg); err == nil || !strings.Contains(err.Error(), "timed out") {
			t.Errorf("Read(r07-c) behind a failed ATS = %v; want a timeout", err)
		}
	})
}

// TestAPCATSRecording reads the AP4423 recording (LibreNMS apc_ats)
// served by snmpsimd. It holds atsIdent and atsStatus scalars only (no
// preferred source, no input or output tables):
//
//	8.1.5.0 AP4423, 8.1.6.0 "<private>", 8.1.2.0 4.1.9 (the ATS firmware;
//	  318.1.4.2.4.1.4.2 says v1.0.6 and sysDescr AF1:v6.4.7);
//	8.5.1.2.0 = 1 sourceA → Selected 0; no 8.4.2.0 → Preferred -1;
//	8.5.1.3.0 = 2 fullyRedundant → Redundant true;
//	8.5.1.10.0 = 2 ok → SwitchOK true; no 8.5.1.4.0 → OverCurrent nil;
//	8.5.1.12.0 / 13.0 = 2 ok → InputOK both true;
//	8.5.1.14.0 = 1 inSync → PhaseSync true;
//	no 8.1.9.0 → RatedAmps nil; sysUpTime 34715820 → 347158.2 s.
func TestAPCATSRecording(t *testing.T) {
	t.Parallel()
	sim := apcStartSnmpsimd(t, "apc_ats")
	r, err := apcRead(t, pdu.Target{Name: "apc_ats", Address: sim.Addr, Community: inventory.Secret("apc_ats"), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("Read(apc_ats): %v", err)
	}
	if r.Driver != "apc-ats" || r.Model != "AP4423" || r.Serial != "<private>" || r.Firmware != "4.1.9" || r.Partial {
		t.Errorf("Read(apc_ats) = %q %q %q %q, problems %q; want apc-ats AP4423 <private> 4.1.9, none", r.Driver, r.Model, r.Serial, r.Firmware, r.Problems)
	}
	if r.Uptime == nil || math.Abs(float64(*r.Uptime)-347158.2) > 1e-6 {
		t.Errorf("Read(apc_ats).Uptime = %v; want 347158.2 s", r.Uptime)
	}
	yes := pdu.B(true)
	apcATSWant{
		selected: 0, preferred: -1, inputOK: [2]*bool{yes, yes},
		redundant: yes, switchOK: yes, sync: yes,
	}.check(t, "apc_ats", r, 0)
}

// apcFakeATS is an AP4423 as the fake serves it: phase rows at the
// three-part index, or the MIB's two-part one.
func apcFakeATS(threePart bool) *pdutest.Client {
	c := pdutest.New()
	c.OID(oids.SysObjectID+".0", oids.SysObjectIDAPCATS4G)
	c.Str(oids.ATSIdentModelNumber+".0", "AP4423")
	c.Str(oids.ATSIdentSerialNumber+".0", "5A1822E00123")
	c.Str(oids.ATSIdentFirmwareRev+".0", "6.5.6")
	c.Int(oids.ATSIdentDeviceRating+".0", 16)
	c.Int(oids.ATSStatusSelectedSource+".0", 2)
	c.Int(oids.ATSStatusRedundancyState+".0", 2)
	c.Int(oids.ATSStatusOverCurrentState+".0", 2)
	c.Int(oids.ATSStatusSwitchStatus+".0", 2)
	c.Int(oids.ATSStatusSourceAStatus+".0", 2)
	c.Int(oids.ATSStatusSourceBStatus+".0", 2)
	c.Int(oids.ATSStatusPhaseSyncStatus+".0", 1)
	c.Int(oids.ATSConfigPreferredSource+".0", 2)
	c.Int(oids.ATSInputFrequency+".1", 50)
	c.Int(oids.ATSInputFrequency+".2", 49)
	idx := func(row, phase int) string {
		if threePart {
			return fmt.Sprintf(".%d.%d.1", row, phase)
		}
		return fmt.Sprintf(".%d.%d", row, phase)
	}
	c.Int(oids.ATSInputVoltage+idx(1, 1), 229)
	c.Int(oids.ATSInputVoltage+idx(2, 1), 231)
	c.Int(oids.ATSInputPower+idx(1, 1), -1)
	c.Int(oids.ATSInputPower+idx(2, 1), 712)
	c.Int(oids.ATSOutputCurrent+idx(1, 1), 31)
	c.Int(oids.ATSOutputPhaseState+idx(1, 1), 1)
	c.Int(oids.ATSOutputLoad+idx(1, 1), 713)
	c.Int(oids.ATSOutputPower+idx(1, 1), 713)
	return c
}

func TestAPCATSFake(t *testing.T) {
	yes, no := pdu.B(true), pdu.B(false)
	// On source B (2) with B preferred (2); input B: 231 V, 49 Hz, 712 W
	// (atsInputPower, the one figure in watts); output 31 → 3.1 A.
	onB := apcATSWant{
		selected: 1, preferred: 1, inputOK: [2]*bool{yes, yes},
		redundant: yes, switchOK: yes, overCurrent: no, sync: yes,
		volts: [2]*float64{pdu.F(229), pdu.F(231)}, hz: [2]*float64{pdu.F(50), pdu.F(49)},
		amps: []float64{3.1}, watts: pdu.F(712), rated: pdu.F(16), load: "normal",
	}
	for _, tc := range []struct {
		name string
		fake func() *pdutest.Client
		want apcATSWant
	}{
		{"three-part index", func() *pdutest.Client { return apcFakeATS(true) }, onB},
		{"two-part index, as the MIB says", func() *pdutest.Client { return apcFakeATS(false) }, onB},
		{"-1 everywhere", func() *pdutest.Client {
			c := apcFakeATS(true)
			for _, o := range []string{
				oids.ATSIdentDeviceRating + ".0", oids.ATSStatusSelectedSource + ".0", oids.ATSStatusRedundancyState + ".0",
				oids.ATSStatusOverCurrentState + ".0", oids.ATSStatusSwitchStatus + ".0", oids.ATSStatusSourceAStatus + ".0",
				oids.ATSStatusSourceBStatus + ".0", oids.ATSStatusPhaseSyncStatus + ".0", oids.ATSConfigPreferredSource + ".0",
				oids.ATSInputFrequency + ".1", oids.ATSInputFrequency + ".2", oids.ATSInputVoltage + ".1.1.1", oids.ATSInputVoltage + ".2.1.1",
				oids.ATSInputPower + ".2.1.1", oids.ATSOutputCurrent + ".1.1.1", oids.ATSOutputPhaseState + ".1.1.1",
			} {
				c.Int(o, -1)
			}
			return c
		}, apcATSWant{selected: -1, preferred: -1}},
		{"source A selected, no preference, over current, out of sync", func() *pdutest.Client {
			c := apcFakeATS(true)
			c.Int(oids.ATSStatusSelectedSource+".0", 1)
			c.Int(oids.ATSConfigPreferredSource+".0", 3)
			c.Int(oids.ATSStatusOverCurrentState+".0", 1)
			c.Int(oids.ATSStatusRedundancyState+".0", 1)
			c.Int(oids.ATSStatusPhaseSyncStatus+".0", 2)
			c.Int(oids.ATSStatusSourceBStatus+".0", 1)
			c.Int(oids.ATSOutputPhaseState+".1.1.1", 4)
			return c
		}, apcATSWant{
			selected: 0, preferred: -1, inputOK: [2]*bool{yes, no},
			redundant: no, switchOK: yes, overCurrent: yes, sync: no,
			volts: [2]*float64{pdu.F(229), pdu.F(231)}, hz: [2]*float64{pdu.F(50), pdu.F(49)},
			amps: []float64{3.1}, rated: pdu.F(16), load: "overload", // input A's power is -1
		}},
		{"three phases", func() *pdutest.Client {
			c := apcFakeATS(true)
			for ph := 1; ph <= 3; ph++ {
				c.Int(fmt.Sprintf("%s.1.%d.1", oids.ATSOutputCurrent, ph), 100+ph)
				c.Int(fmt.Sprintf("%s.1.%d.1", oids.ATSOutputPhaseState, ph), []int{1, 3, 1}[ph-1])
				c.Int(fmt.Sprintf("%s.2.%d.1", oids.ATSInputPower, ph), 2000+ph)
			}
			return c
		}, func() apcATSWant {
			w := onB
			w.amps, w.watts, w.load = []float64{10.1, 10.2, 10.3}, pdu.F(6006), "near-overload"
			return w
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.fake()
			r := &pdu.Reading{}
			if err := apcDriver(t, "apc-ats").Read(t.Context(), c, r); err != nil {
				t.Fatalf("Read(%s): %v", tc.name, err)
			}
			if r.Model != "AP4423" || r.Partial {
				t.Errorf("Read(%s) = model %q, problems %q; want AP4423, none", tc.name, r.Model, r.Problems)
			}
			tc.want.check(t, tc.name, r, 0)
			if n := len(c.Calls()); n != 1 {
				t.Errorf("Read(%s) sent %d requests; want 1", tc.name, n)
			}
		})
	}

	t.Run("not an ATS", func(t *testing.T) {
		err := apcDriver(t, "apc-ats").Read(t.Context(), pdutest.New(), &pdu.Reading{})
		if err == nil || err.Error() != "no atsIdent or atsStatus object answers" {
			t.Errorf("Read(empty agent) = %v; want no atsIdent or atsStatus object answers", err)
		}
	})
}

func TestAPCATSFakeSetPreferred(t *testing.T) {
	for _, tc := range []struct {
		input int
		value int // atsConfigPreferredSource; 0: refused
		err   string
	}{
		{0, 1, ""},
		{1, 2, ""},
		{2, 0, "preferred input 2: want 0 (A) or 1 (B)"},
		{-1, 0, "preferred input -1: want 0 (A) or 1 (B)"},
	} {
		t.Run(fmt.Sprint(tc.input), func(t *testing.T) {
			c := apcFakeATS(true)
			err := apcDriver(t, "apc-ats").(pdu.PreferredSetter).SetPreferred(t.Context(), c, tc.input)
			sets := c.Sets()
			if tc.value == 0 {
				if err == nil || err.Error() != tc.err || len(sets) != 0 {
					t.Errorf("SetPreferred(%d) = %v, set %v; want %q, nothing set", tc.input, err, sets, tc.err)
				}
				return
			}
			want := oids.ATSConfigPreferredSource + ".0"
			if err != nil || len(sets) != 1 || strings.TrimPrefix(sets[0].Name, ".") != want || sets[0].Type != gosnmp.Integer || sets[0].Value != tc.value {
				t.Errorf("SetPreferred(%d) = %v, set %+v; want %s = INTEGER %d", tc.input, err, sets, want, tc.value)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		c := apcFakeATS(true)
		c.SetErr = func([]gosnmp.SnmpPDU) error { return fmt.Errorf("ats-r03: set refused: NotWritable (variable 1)") }
		err := apcDriver(t, "apc-ats").(pdu.PreferredSetter).SetPreferred(t.Context(), c, 1)
		if err == nil || err.Error() != "setting atsConfigPreferredSource to source B: ats-r03: set refused: NotWritable (variable 1)" {
			t.Errorf("SetPreferred(1) on a refusing unit = %v; want the refusal, naming the source", err)
		}
	})
}
