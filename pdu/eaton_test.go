package pdu_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"feedplan/pdu"
	"feedplan/pdu/oids"
	"feedplan/pdu/pdutest"
)

// TestEatonSimulator reads the example site's three-phase Eaton G3 units
// from the simulator's SNMP agent and compares them with the planner.
func TestEatonSimulator(t *testing.T) {
	sim := vendorStartSite(t)
	for _, name := range []string{"r07-a", "r07-b", "r08-a", "r08-b"} {
		t.Run(name, func(t *testing.T) {
			r := sim.read(t, name)
			if r.Driver != "eaton-epdu" || r.Model != "EMAB03" || r.Partial {
				t.Fatalf("Read(%s) = driver %q, model %q, partial %v %q; want eaton-epdu, EMAB03, complete",
					name, r.Driver, r.Model, r.Partial, r.Problems)
			}
			if len(r.Phases) != 3 {
				t.Fatalf("Read(%s).Phases = %s; want L1, L2, L3", name, vendorPhases(r.Phases))
			}
			for k, p := range r.Phases {
				if p.Number != k+1 || !vendorIs(p.RatedAmps, 16) || p.Volts == nil || *p.Volts < 220 || *p.Volts > 240 {
					t.Errorf("Read(%s).Phases[%d] = L%d, rated %s A, %s V; want L%d, 16 A, about 230 V", name, k, p.Number, vendorShow(p.RatedAmps), vendorShow(p.Volts), k+1)
				}
			}
			for i, b := range r.Banks {
				if b.Number != i+1 || !vendorIs(b.RatedAmps, 16) || b.Tripped == nil || *b.Tripped {
					t.Errorf("Read(%s).Banks[%d] = number %d, rated %s, tripped %v; want %d, 16 A, not tripped", name, i, b.Number, vendorShow(b.RatedAmps), b.Tripped, i+1)
				}
			}
			sim.compare(t, r, 0.0005) // milliamps
		})
	}
}

func TestEatonSwitchOutlet(t *testing.T) {
	vendorStartSite(t).roundTrip(t, "r08-a", 17) // ci-1's first supply
}

// TestEatonRecording reads the real EMA114-10 recording (ePDU MA, 120 V
// single phase, 24 outlets) served by the real snmpsimd. Every instance
// starts with the strappingIndex 0.
func TestEatonRecording(t *testing.T) {
	addr := vendorRecordings(t, "eatonpdu_2")
	r := vendorReadRecording(t, addr, "eatonpdu_2")
	if r.Driver != "eaton-epdu" || r.Model != "EMA114-10" || r.Serial != "H619P44058" || r.Firmware != "05.01.0002" {
		t.Fatalf("Read(EMA114-10) = driver %q, model %q, serial %q, firmware %q; want eaton-epdu, EMA114-10, H619P44058, 05.01.0002",
			r.Driver, r.Model, r.Serial, r.Firmware)
	}
	vendorCheckPartial(t, r, "")
	if len(r.Phases) != 1 || len(r.Banks) != 0 || len(r.Outlets) != 24 {
		t.Fatalf("Read(EMA114-10) = %d phases, %d banks, %d outlets; want 1, 0 (no group rows recorded), 24", len(r.Phases), len(r.Banks), len(r.Outlets))
	}
	p, o := r.Phases[0], r.Outlets
	vendorCheckValues(t, "Read(EMA114-10)", []vendorValue{
		{"Phases[0].Amps", p.Amps, 14.108},                 // inputCurrent.0.1.1 = 14108 mA
		{"Phases[0].RatedAmps", p.RatedAmps, 16},           // inputCurrentCapacity.0.1.1 = 16000 mA
		{"Phases[0].Volts", p.Volts, 118.45},               // inputVoltage.0.1.1 = 118450 mV
		{"Phases[0].Watts", p.Watts, 1589},                 // inputWatts.0.1.1 = 1589 W
		{"Phases[0].PF", p.PF, 0.946},                      // inputPowerFactor.0.1.1 = -946 thousandths: |-946| / 1000
		{"Watts", r.Watts, 1584},                           // inputTotalWatts.0.1 = 1584 W
		{"EnergyKWh", r.EnergyKWh, 8185.493},               // inputTotalWh.0.1 = 8185493 Wh
		{"Outlets[0].Amps", o[0].Amps, 0.79},               // outletCurrent.0.1 = 790 mA
		{"Outlets[0].Watts", o[0].Watts, 80},               // outletWatts.0.1 = 80 W
		{"Outlets[0].EnergyKWh", o[0].EnergyKWh, 785.621},  // outletWh.0.1 = 785621 Wh
		{"Outlets[1].Amps", o[1].Amps, 2.202},              // 2202 mA
		{"Outlets[2].Amps", o[2].Amps, 1.215},              // 1215 mA
		{"Outlets[23].Amps", o[23].Amps, 0},                // outlet 24: 0 mA
		{"Outlets[23].EnergyKWh", o[23].EnergyKWh, 34.532}, // 34532 Wh
	})
	// inputCurrentThStatus.0.1.1 = 3 (highWarning: 14108 mA over the
	// 12800 mA upper warning).
	if p.LoadState != "near-overload" {
		t.Errorf("Read(EMA114-10).Phases[0].LoadState = %q; want near-overload", p.LoadState)
	}
	if o[0].Name != "Power strip + s-rw-lab-rack" || o[0].On == nil || !*o[0].On {
		t.Errorf("Read(EMA114-10).Outlets[0] = %q, on %v; want \"Power strip + s-rw-lab-rack\", on (outletControlStatus 1)", o[0].Name, o[0].On)
	}
}

// eatonFake is a three-phase wye master (strap 0) beside a daisy-chained
// unit (strap 1): three phase current rows and a neutral row, line-to-line
// voltage rows before the line-to-neutral ones, an outlet section and
// three breakers, three outlets.
func eatonFake() *pdutest.Client {
	c := pdutest.New().OID(oids.SysObjectID+".0", oids.SysObjectIDEatonEPDU)
	for strap := 0; strap <= 1; strap++ {
		s := fmt.Sprintf(".%d", strap)
		c.Str(oids.EPDUPartNumber+s, fmt.Sprintf("EMAB0%d", strap+3)).
			Str(oids.EPDUFirmwareVersion+s, "05.01.0002").
			Int(oids.EPDUGroupCount+s, 4).Int(oids.EPDUOutletCount+s, 3).
			Int(oids.EPDUInputTotalWatts+s+".1", 1500+strap).Gauge(oids.EPDUInputTotalWh+s+".1", 987654)
		for n := 1; n <= 4; n++ { // phase1..3 (measType 3..5), then the neutral (2)
			i := fmt.Sprintf("%s.1.%d", s, n)
			m := map[int]int{1: 3, 2: 4, 3: 5, 4: 2}[n]
			c.Int(oids.EPDUInputCurrentMeasType+i, m).
				Int(oids.EPDUInputCurrent+i, 2000*n+strap).
				Int(oids.EPDUInputCurrentCapacity+i, 16000).
				Int(oids.EPDUInputCurrentThStatus+i, int(oids.EPDUThGood))
		}
		for n := 1; n <= 6; n++ { // phase1to2..3to1 (5..7), then phase1toN..3toN (2..4)
			i := fmt.Sprintf("%s.1.%d", s, n)
			m := map[int]int{1: 5, 2: 6, 3: 7, 4: 2, 5: 3, 6: 4}[n]
			c.Int(oids.EPDUInputVoltageMeasType+i, m).Int(oids.EPDUInputVoltage+i, 1000*(m+100))
		}
		for n := 1; n <= 4; n++ { // phase1..3, total
			i := fmt.Sprintf("%s.1.%d", s, n)
			c.Int(oids.EPDUInputPowerMeasType+i, n).Int(oids.EPDUInputWatts+i, 100*n).Int(oids.EPDUInputPowerFactor+i, -950)
		}
		for g := 1; g <= 4; g++ { // an outlet section, then breakers on L1..L3
			i := fmt.Sprintf("%s.%d", s, g)
			typ, status := oids.EPDUGroupBreaker1Pole, 1
			if g == 1 {
				typ, status = oids.EPDUGroupOutletSection, 0
			}
			c.Int(oids.EPDUGroupType+i, int(typ)).
				Int(oids.EPDUGroupBreakerStatus+i, status).
				Int(oids.EPDUGroupCurrent+i, 1500*g).
				Int(oids.EPDUGroupCurrentCapacity+i, 20000).
				Int(oids.EPDUGroupCurrentThStatus+i, int(oids.EPDUThGood)).
				Int(oids.EPDUGroupVoltageMeasType+i, int(oids.EPDUPhase1toN)+g-2)
		}
		for n := 1; n <= 3; n++ {
			i := fmt.Sprintf("%s.%d", s, n)
			c.Str(oids.EPDUOutletName+i, fmt.Sprintf("host-%d", n)).
				Int(oids.EPDUOutletCurrent+i, 1234*n).
				Int(oids.EPDUOutletWatts+i, 250*n).
				Gauge(oids.EPDUOutletWh+i, 42000).
				Int(oids.EPDUOutletControlStatus+i, n-1). // off, on, pendingOff
				Int(oids.EPDUOutletControlSwitchable+i, 1).
				Int(oids.EPDUOutletControlOffCmd+i, oids.EPDUCommandCancel).
				Int(oids.EPDUOutletControlOnCmd+i, oids.EPDUCommandCancel).
				Int(oids.EPDUOutletControlRebootCmd+i, oids.EPDUCommandCancel)
		}
	}
	return c
}

func TestEatonFake(t *testing.T) {
	tests := []struct {
		name    string
		change  func(c *pdutest.Client)
		check   func(t *testing.T, r *pdu.Reading)
		partial string
	}{
		{"strap 0", nil, func(t *testing.T, r *pdu.Reading) {
			if r.Model != "EMAB03" || len(r.Phases) != 3 || len(r.Banks) != 3 || len(r.Outlets) != 3 {
				t.Fatalf("Read(fake) = model %q, %d phases, %d banks, %d outlets; want strap 0's EMAB03, 3, 3 (not the section), 3",
					r.Model, len(r.Phases), len(r.Banks), len(r.Outlets))
			}
			vendorCheckValues(t, "Read(fake)", []vendorValue{
				{"Watts", r.Watts, 1500},                    // inputTotalWatts.0.1, not strap 1's 1501
				{"EnergyKWh", r.EnergyKWh, 987.654},         // 987654 Wh
				{"Phases[0].Amps", r.Phases[0].Amps, 2},     // inputCurrent.0.1.1 = 2000 mA, not strap 1's 2001
				{"Phases[2].Amps", r.Phases[2].Amps, 6},     // 6000 mA; the neutral row (8000 mA) is no phase
				{"Phases[0].Volts", r.Phases[0].Volts, 102}, // phase1toN (2): 102000 mV, not phase1to2's 105000
				{"Phases[2].Volts", r.Phases[2].Volts, 104},
				{"Phases[1].Watts", r.Phases[1].Watts, 200},
				{"Phases[1].PF", r.Phases[1].PF, 0.95}, // |-950| / 1000
				{"Banks[0].Amps", r.Banks[0].Amps, 3},  // group 2 (the first breaker): 3000 mA
				{"Banks[0].RatedAmps", r.Banks[0].RatedAmps, 20},
				{"Outlets[1].Amps", r.Outlets[1].Amps, 2.468}, // 2468 mA
				{"Outlets[1].EnergyKWh", r.Outlets[1].EnergyKWh, 42},
			})
			if b := r.Banks[2]; b.Number != 3 || b.Phase != 3 || b.Tripped == nil || *b.Tripped {
				t.Errorf("Read(fake).Banks[2] = number %d, phase %d, tripped %v; want 3, 3, false", b.Number, b.Phase, b.Tripped)
			}
			for i, want := range []bool{false, true, true} { // off, on, pendingOff
				if o := r.Outlets[i]; o.On == nil || *o.On != want || o.Name != fmt.Sprintf("host-%d", i+1) {
					t.Errorf("Read(fake).Outlets[%d] = %q on %v; want host-%d on %v", i, o.Name, o.On, i+1, want)
				}
			}
		}, ""},
		{"negative not available", func(c *pdutest.Client) {
			c.Int(oids.EPDUInputCurrent+".0.1.1", -1).Int(oids.EPDUInputCurrentCapacity+".0.1.1", -1).
				Int(oids.EPDUOutletWatts+".0.2", -1).Int(oids.EPDUGroupCurrent+".0.2", -1000)
		}, func(t *testing.T, r *pdu.Reading) {
			if p := r.Phases[0]; p.Amps != nil || p.RatedAmps != nil {
				t.Errorf("Read(fake).Phases[0] = %s A, rated %s; want absent", vendorShow(p.Amps), vendorShow(p.RatedAmps))
			}
			if r.Outlets[1].Watts != nil || r.Banks[0].Amps != nil {
				t.Errorf("Read(fake) = outlet 2 %s W, bank 1 %s A; want absent", vendorShow(r.Outlets[1].Watts), vendorShow(r.Banks[0].Amps))
			}
		}, ""},
		{"breaker off", func(c *pdutest.Client) { c.Int(oids.EPDUGroupBreakerStatus+".0.3", 2) }, func(t *testing.T, r *pdu.Reading) {
			if b := r.Banks[1].Tripped; b == nil || !*b {
				t.Errorf("Read(fake).Banks[1].Tripped = %v; want true (groupBreakerStatus breakerOff)", b)
			}
		}, ""},
		{"not switchable", func(c *pdutest.Client) { c.Int(oids.EPDUOutletControlSwitchable+".0.2", 2) }, func(t *testing.T, r *pdu.Reading) {
			if r.Outlets[1].On != nil {
				t.Errorf("Read(fake).Outlets[1].On = %v; want absent (notSwitchable)", *r.Outlets[1].On)
			}
		}, ""},
		{"outlet names walk fails", func(c *pdutest.Client) {
			c.WalkFaults = map[string]pdutest.WalkFault{oids.EPDUOutletName: {After: 2, Err: errors.New("request timeout (after 1 retries)")}}
		}, func(t *testing.T, r *pdu.Reading) {
			if len(r.Outlets) != 2 || len(r.Phases) != 3 {
				t.Errorf("Read(fake) = %d outlets, %d phases; want 2, 3", len(r.Outlets), len(r.Phases))
			}
		}, "walking outlet names"},
		{"groups end silently", func(c *pdutest.Client) {
			c.WalkFaults = map[string]pdutest.WalkFault{oids.EPDUGroupType: {After: 2}}
		}, func(t *testing.T, r *pdu.Reading) {
			if len(r.Banks) != 1 {
				t.Errorf("Read(fake) = %d banks; want 1", len(r.Banks))
			}
		}, "groups: read 2 of the 4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := eatonFake()
			if tc.change != nil {
				tc.change(c)
			}
			r, err := pdu.Read(t.Context(), c, pdu.Target{Name: "fake", Address: "fake"}, time.Now())
			if err != nil {
				t.Fatalf("Read(fake): %v", err)
			}
			vendorCheckPartial(t, r, tc.partial)
			if r.Driver != "eaton-epdu" || len(r.Phases) == 0 || len(r.Banks) == 0 {
				t.Fatalf("Read(fake) = driver %q, %d phases, %d banks; want eaton-epdu, phases and banks", r.Driver, len(r.Phases), len(r.Banks))
			}
			tc.check(t, r)
		})
	}
}

// TestEatonFakeRequests: the strap's rows are found with five column
// walks, all under strap 0, and read with one GET.
func TestEatonFakeRequests(t *testing.T) {
	c := eatonFake()
	d, _ := pdu.DriverNamed("eaton-epdu")
	var r pdu.Reading
	if err := d.Read(t.Context(), c, &r); err != nil {
		t.Fatal(err)
	}
	if w, g := c.Requests("walk"), c.Requests("get"); w != 5 || g != 1 {
		t.Errorf("Read(fake) = %d walks, %d GETs; want 5, 1\n%v", w, g, c.Calls())
	}
	for _, call := range c.Calls() {
		if call.Op == "walk" && call.OIDs[0][len(call.OIDs[0])-2:] != ".0" {
			t.Errorf("Read(fake) walked %s; want a walk under strap 0", call.OIDs[0])
		}
	}
}

func TestEatonFakeSwitchOutlet(t *testing.T) {
	for cmd, col := range map[pdu.OutletCommand]string{
		pdu.On: oids.EPDUOutletControlOnCmd, pdu.Off: oids.EPDUOutletControlOffCmd, pdu.Reboot: oids.EPDUOutletControlRebootCmd,
	} {
		t.Run(string(cmd), func(t *testing.T) {
			// 0: now, on the master's (strap 0) outlet 3.
			vendorSwitchFake(t, "eaton-epdu", eatonFake(), 3, cmd, col+".0.3", oids.EPDUCommandNow)
		})
	}
}

func TestEatonProbe(t *testing.T) {
	d, _ := pdu.DriverNamed("eaton-epdu")
	if !d.Matches("1.3.6.1.4.1.534.6.6.7") || d.Matches("1.3.6.1.4.1.534.6.6.6") {
		t.Errorf("Matches(534.6.6.7, 534.6.6.6) = %v, %v; want true, false", d.Matches("1.3.6.1.4.1.534.6.6.7"), d.Matches("1.3.6.1.4.1.534.6.6.6"))
	}
	strap1 := pdutest.New().Str(oids.EPDUPartNumber+".1", "EMAB03")
	for name, tc := range map[string]struct {
		c    *pdutest.Client
		want bool
	}{"strap 0": {eatonFake(), true}, "strap 1 only": {strap1, false}, "empty": {pdutest.New(), false}} {
		if got := d.Probe(t.Context(), tc.c); got != tc.want {
			t.Errorf("Probe(%s) = %v; want %v", name, got, tc.want)
		}
	}
}
