package pdu_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"feedplan/pdu"
	"feedplan/pdu/oids"
	"feedplan/pdu/pdutest"
)

// TestSentry4Simulator reads the example site's three-phase Sentry4 units
// from the simulator's SNMP agent and compares them with the planner.
func TestSentry4Simulator(t *testing.T) {
	sim := vendorStartSite(t)
	for _, name := range []string{"r05-a", "r05-b", "r06-a", "r06-b"} {
		t.Run(name, func(t *testing.T) {
			r := sim.read(t, name)
			if r.Driver != "servertech-sentry4" || r.Model != "C2W24TE-DQME2M00" || r.Partial {
				t.Fatalf("Read(%s) = driver %q, model %q, partial %v %q; want servertech-sentry4, C2W24TE-DQME2M00, complete",
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
				if b.Phase != i+1 || !vendorIs(b.RatedAmps, 16) || b.Tripped == nil || *b.Tripped {
					t.Errorf("Read(%s).Banks[%d] = phase %d, rated %s, tripped %v; want phase %d, 16 A, not tripped", name, i, b.Phase, vendorShow(b.RatedAmps), b.Tripped, i+1)
				}
			}
			sim.compare(t, r, 0.005) // hundredths of an amp
			for _, o := range r.Outlets {
				if o.On == nil || !*o.On {
					t.Errorf("Read(%s).Outlets[%d].On = %v; want true", name, o.Number, o.On)
				}
			}
		})
	}
}

func TestSentry4SwitchOutlet(t *testing.T) {
	vendorStartSite(t).roundTrip(t, "r05-b", 9) // kvm-2's second supply
}

// TestSentry4Recordings reads two real Sentry4 recordings served by the
// real snmpsimd. Both hold a master (unit 1, cord AA) and a link unit
// (unit 2, cord BA); only the master is read. Neither holds outlet rows,
// although the cords count 36 and 24 outlets: the reading says so.
func TestSentry4Recordings(t *testing.T) {
	addr := vendorRecordings(t, "sentry4", "sentry4_switched8i")

	t.Run("C2S42CE", func(t *testing.T) {
		// Master cord AA: L15-30P, a 208 V delta (phases AA:L1-L2 …).
		r := vendorReadRecording(t, addr, "sentry4")
		if r.Driver != "servertech-sentry4" || r.Model != "C2S42CE-YCMFAM00" || r.Firmware != "Version 8.0n" {
			t.Fatalf("Read(C2S42CE) = driver %q, model %q, firmware %q; want servertech-sentry4, C2S42CE-YCMFAM00, Version 8.0n",
				r.Driver, r.Model, r.Firmware)
		}
		vendorCheckPartial(t, r, "outlets: read 0 of the 36")
		if len(r.Phases) != 3 || len(r.Banks) != 3 || len(r.Outlets) != 0 {
			t.Fatalf("Read(C2S42CE) = %d phases, %d banks, %d outlets; want 3, 3, 0", len(r.Phases), len(r.Banks), len(r.Outlets))
		}
		p := r.Phases
		vendorCheckValues(t, "Read(C2S42CE)", []vendorValue{
			{"Watts", r.Watts, 1701},          // st4InputCordActivePower.1.1 = 1701 W (the link cord's 1265 W is not added)
			{"EnergyKWh", r.EnergyKWh, 893.7}, // st4InputCordEnergy.1.1 = 8937 tenths of a kWh
			// st4LineCurrent.1.1.n in hundredths of an amp.
			{"Phases[0].Amps", p[0].Amps, 5.60}, // 560 / 100
			{"Phases[1].Amps", p[1].Amps, 3.69}, // 369 / 100
			{"Phases[2].Amps", p[2].Amps, 5.60}, // 560 / 100
			// No st4LineCurrentCapacity rows: the cord's
			// st4InputCordCurrentCapacity.1.1 = 30 A.
			{"Phases[0].RatedAmps", p[0].RatedAmps, 30},
			// st4PhaseVoltage.1.1.n in tenths of a volt, line to line.
			{"Phases[0].Volts", p[0].Volts, 207.9}, // 2079 / 10
			{"Phases[1].Volts", p[1].Volts, 208.9}, // 2089 / 10
			{"Phases[2].Volts", p[2].Volts, 209.4}, // 2094 / 10
			// st4PhaseActivePower.1.1.n in watts.
			{"Phases[0].Watts", p[0].Watts, 415},
			{"Phases[2].Watts", p[2].Watts, 848},
		})
		if p[0].PF != nil || r.Banks[0].Amps != nil || r.Banks[0].RatedAmps != nil {
			t.Errorf("Read(C2S42CE) = phase PF %s, branch amps %s, rated %s; want absent (not recorded)",
				vendorShow(p[0].PF), vendorShow(r.Banks[0].Amps), vendorShow(r.Banks[0].RatedAmps))
		}
		// st4BranchStatus.1.1.n = 0 (normal), st4BranchCurrentStatus = 0.
		if b := r.Banks[0]; b.Tripped == nil || *b.Tripped || b.LoadState != "normal" {
			t.Errorf("Read(C2S42CE).Banks[0] = tripped %v, load %q; want false, normal", b.Tripped, b.LoadState)
		}
	})

	t.Run("switched8i", func(t *testing.T) {
		// Served sorted: the file has two IP-MIB lines out of order.
		// Master cord AA: L6-30P, single phase (line AA:L, phase
		// AA:L-L/N), two branches.
		r := vendorReadRecording(t, addr, "sentry4_switched8i")
		if r.Driver != "servertech-sentry4" {
			t.Fatalf("Read(switched8i).Driver = %q; want servertech-sentry4", r.Driver)
		}
		vendorCheckPartial(t, r, "outlets: read 0 of the 24")
		if len(r.Phases) != 1 || len(r.Banks) != 2 {
			t.Fatalf("Read(switched8i) = %d phases, %d banks; want 1, 2", len(r.Phases), len(r.Banks))
		}
		vendorCheckValues(t, "Read(switched8i)", []vendorValue{
			{"Watts", r.Watts, 806},                            // st4InputCordActivePower.1.1 = 806 W
			{"EnergyKWh", r.EnergyKWh, 3472},                   // 34720 tenths of a kWh
			{"Phases[0].Amps", r.Phases[0].Amps, 4.03},         // st4LineCurrent.1.1.1 = 403 hundredths
			{"Phases[0].Volts", r.Phases[0].Volts, 211.7},      // st4PhaseVoltage.1.1.1 = 2117 tenths
			{"Phases[0].Watts", r.Phases[0].Watts, 806},        // st4PhaseActivePower.1.1.1
			{"Phases[0].RatedAmps", r.Phases[0].RatedAmps, 30}, // st4InputCordCurrentCapacity.1.1
		})
	})
}

// sentry4Fake is a three-phase master (unit 1, cord 1) with a link unit
// (unit 2) beside it: lines at 2.56, 1.28 and 0.64 A, two branches, two
// outlets.
func sentry4Fake() *pdutest.Client {
	c := pdutest.New().
		OID(oids.SysObjectID+".0", oids.SysObjectIDSentry4).
		Str(oids.St4SystemProductName+".0", "Sentry Switched PDU").
		Str(oids.St4UnitModel+".1", "C2W24TE-DQME2M00")
	for unit := 1; unit <= 2; unit++ {
		cord := fmt.Sprintf("%d.1", unit)
		c.Str(oids.St4InputCordID+"."+cord, fmt.Sprintf("%cA", 'A'+unit-1)).
			Int(oids.St4InputCordActivePower+"."+cord, 1000*unit).
			Int(oids.St4InputCordEnergy+"."+cord, 12345*unit).
			Int(oids.St4InputCordCurrentCapacity+"."+cord, 32).
			Int(oids.St4InputCordLineCount+"."+cord, 3).
			Int(oids.St4InputCordBranchCount+"."+cord, 2).
			Int(oids.St4InputCordOutletCount+"."+cord, 2)
		for n := 1; n <= 3; n++ {
			i := fmt.Sprintf("%s.%d", cord, n)
			c.Int(oids.St4LineState+"."+i, int(oids.St4StateOn)).
				Int(oids.St4LineCurrent+"."+i, 256>>(n-1)*unit).
				Int(oids.St4LineCurrentCapacity+"."+i, 16).
				Int(oids.St4LineCurrentStatus+"."+i, int(oids.St4StatusNormal)).
				Int(oids.St4PhaseState+"."+i, int(oids.St4StateOn)).
				Int(oids.St4PhaseVoltage+"."+i, 2301).
				Int(oids.St4PhaseActivePower+"."+i, 500).
				Int(oids.St4PhasePowerFactor+"."+i, 95)
		}
		for n := 1; n <= 2; n++ {
			i := fmt.Sprintf("%s.%d", cord, n)
			c.Int(oids.St4BranchState+"."+i, int(oids.St4StateOn)).
				Int(oids.St4BranchStatus+"."+i, int(oids.St4StatusNormal)).
				Int(oids.St4BranchCurrent+"."+i, 150*n).
				Int(oids.St4BranchCurrentCapacity+"."+i, 20).
				Int(oids.St4BranchCurrentStatus+"."+i, int(oids.St4StatusNormal)).
				Str(oids.St4BranchPhaseID+"."+i, fmt.Sprintf("AA%d", n)).
				Str(oids.St4OutletName+"."+i, fmt.Sprintf("kvm-%d", n)).
				Str(oids.St4OutletCapabilities+"."+i, "\xc0"). // switched, pops
				Int(oids.St4OutletState+"."+i, int(oids.St4StateOn)).
				Int(oids.St4OutletCurrent+"."+i, 101*n).
				Int(oids.St4OutletActivePower+"."+i, 230*n).
				Int(oids.St4OutletEnergy+"."+i, 4500).
				Int(oids.St4OutletControlAction+"."+i, int(oids.St4ActionNone))
		}
	}
	return c
}

func TestSentry4Fake(t *testing.T) {
	tests := []struct {
		name    string
		change  func(c *pdutest.Client)
		check   func(t *testing.T, r *pdu.Reading)
		partial string
	}{
		{"master only", nil, func(t *testing.T, r *pdu.Reading) {
			vendorCheckValues(t, "Read(fake)", []vendorValue{
				{"Watts", r.Watts, 1000},                   // unit 1's cord; the link's 2000 W is not added
				{"EnergyKWh", r.EnergyKWh, 1234.5},         // 12345 tenths of a kWh
				{"Phases[0].Amps", r.Phases[0].Amps, 2.56}, // 256 hundredths
				{"Phases[1].Amps", r.Phases[1].Amps, 1.28}, // 128 hundredths
				{"Phases[2].Amps", r.Phases[2].Amps, 0.64},
				{"Phases[0].Volts", r.Phases[0].Volts, 230.1}, // 2301 tenths
				{"Phases[0].PF", r.Phases[0].PF, 0.95},
				{"Phases[0].RatedAmps", r.Phases[0].RatedAmps, 16},
				{"Banks[1].Amps", r.Banks[1].Amps, 3}, // 300 hundredths
				{"Banks[1].RatedAmps", r.Banks[1].RatedAmps, 20},
				{"Outlets[1].Amps", r.Outlets[1].Amps, 2.02}, // 202 hundredths
				{"Outlets[1].Watts", r.Outlets[1].Watts, 460},
				{"Outlets[1].EnergyKWh", r.Outlets[1].EnergyKWh, 4.5}, // 4500 Wh
			})
			if r.Banks[1].Phase != 2 || r.Outlets[1].Name != "kvm-2" || r.Outlets[1].On == nil || !*r.Outlets[1].On {
				t.Errorf("Read(fake) = bank 2 phase %d, outlet 2 %q on %v; want 2, kvm-2, on", r.Banks[1].Phase, r.Outlets[1].Name, r.Outlets[1].On)
			}
		}, ""},
		{"-1 not available", func(c *pdutest.Client) {
			c.Int(oids.St4OutletCurrent+".1.1.1", -1).Int(oids.St4OutletActivePower+".1.1.1", -1).Int(oids.St4OutletEnergy+".1.1.1", -1)
			c.Int(oids.St4LineCurrentCapacity+".1.1.1", -1).Int(oids.St4PhaseVoltage+".1.1.1", -1)
		}, func(t *testing.T, r *pdu.Reading) {
			if o := r.Outlets[0]; o.Amps != nil || o.Watts != nil || o.EnergyKWh != nil {
				t.Errorf("Read(fake).Outlets[0] = %s A, %s W, %s kWh; want all absent (-1)", vendorShow(o.Amps), vendorShow(o.Watts), vendorShow(o.EnergyKWh))
			}
			if p := r.Phases[0]; p.Volts != nil || !vendorIs(p.RatedAmps, 32) {
				t.Errorf("Read(fake).Phases[0] = %s V, rated %s A; want absent, and the cord's 32 A", vendorShow(p.Volts), vendorShow(p.RatedAmps))
			}
		}, ""},
		{"breaker tripped", func(c *pdutest.Client) {
			c.Int(oids.St4BranchStatus+".1.1.2", int(oids.St4StatusBreakerTripped))
		}, func(t *testing.T, r *pdu.Reading) {
			if a, b := r.Banks[0].Tripped, r.Banks[1].Tripped; a == nil || *a || b == nil || !*b {
				t.Errorf("Read(fake).Banks tripped = %v, %v; want false, true", a, b)
			}
		}, ""},
		{"not switched", func(c *pdutest.Client) {
			c.Str(oids.St4OutletCapabilities+".1.1.1", "\x40") // pops only
		}, func(t *testing.T, r *pdu.Reading) {
			if r.Outlets[0].On != nil || r.Outlets[1].On == nil {
				t.Errorf("Read(fake) outlets on = %v, %v; want absent (not switched), present", r.Outlets[0].On, r.Outlets[1].On)
			}
		}, ""},
		{"outlet names walk fails", func(c *pdutest.Client) {
			c.WalkFaults = map[string]pdutest.WalkFault{oids.St4OutletName: {After: 1, Err: errors.New("request timeout (after 1 retries)")}}
		}, func(t *testing.T, r *pdu.Reading) {
			if len(r.Outlets) != 1 || len(r.Phases) != 3 {
				t.Errorf("Read(fake) = %d outlets, %d phases; want 1 and 3", len(r.Outlets), len(r.Phases))
			}
		}, "walking outlet names"},
		{"lines end silently", func(c *pdutest.Client) {
			c.WalkFaults = map[string]pdutest.WalkFault{oids.St4LineState: {After: 2}}
		}, func(t *testing.T, r *pdu.Reading) {
			if len(r.Phases) != 2 {
				t.Errorf("Read(fake) = %d phases; want 2", len(r.Phases))
			}
		}, "lines: read 2 of the 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := sentry4Fake()
			if tc.change != nil {
				tc.change(c)
			}
			r, err := pdu.Read(t.Context(), c, pdu.Target{Name: "fake", Address: "fake"}, time.Now())
			if err != nil {
				t.Fatalf("Read(fake): %v", err)
			}
			vendorCheckPartial(t, r, tc.partial)
			if len(r.Banks) != 2 || r.Driver != "servertech-sentry4" {
				t.Fatalf("Read(fake) = driver %q, %d banks; want servertech-sentry4, 2", r.Driver, len(r.Banks))
			}
			tc.check(t, r)
		})
	}
}

// TestSentry4FakeRequests: one walk per table (cords, lines, branches,
// outlet names), all restricted to the master, and one GET.
func TestSentry4FakeRequests(t *testing.T) {
	c := sentry4Fake()
	d, _ := pdu.DriverNamed("servertech-sentry4")
	var r pdu.Reading
	if err := d.Read(t.Context(), c, &r); err != nil {
		t.Fatal(err)
	}
	if w, g := c.Requests("walk"), c.Requests("get"); w != 4 || g != 1 {
		t.Errorf("Read(fake) = %d walks, %d GETs; want 4, 1\n%v", w, g, c.Calls())
	}
	for _, call := range c.Calls() {
		if call.Op == "walk" && !strings.HasSuffix(call.OIDs[0], ".1") {
			t.Errorf("Read(fake) walked %s; want a walk under the master (unit 1)", call.OIDs[0])
		}
	}
}

func TestSentry4FakeSwitchOutlet(t *testing.T) {
	for cmd, want := range map[pdu.OutletCommand]oids.St4OutletAction{
		pdu.On: oids.St4ActionOn, pdu.Off: oids.St4ActionOff, pdu.Reboot: oids.St4ActionReboot,
	} {
		t.Run(string(cmd), func(t *testing.T) {
			vendorSwitchFake(t, "servertech-sentry4", sentry4Fake(), 2, cmd, oids.St4OutletControlAction+".1.1.2", int(want))
		})
	}
}

func TestSentry4Probe(t *testing.T) {
	d, _ := pdu.DriverNamed("servertech-sentry4")
	if !d.Matches(".1.3.6.1.4.1.1718.4") || d.Matches("1.3.6.1.4.1.1718.3") {
		t.Errorf("Matches(1718.4, 1718.3) = %v, %v; want true, false", d.Matches(".1.3.6.1.4.1.1718.4"), d.Matches("1.3.6.1.4.1.1718.3"))
	}
	firmwareOnly := pdutest.New().Str(oids.St4SystemFirmwareVersion+".0", "Version 8.0n")
	for name, tc := range map[string]struct {
		c    *pdutest.Client
		want bool
	}{"product name": {sentry4Fake(), true}, "firmware only": {firmwareOnly, true}, "empty": {pdutest.New(), false}} {
		if got := d.Probe(t.Context(), tc.c); got != tc.want {
			t.Errorf("Probe(%s) = %v; want %v", name, got, tc.want)
		}
	}
}
