package profile

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

func setVar(oid string, v mib.Value) mib.Var { return mib.Var{OID: mib.MustOID(oid), Value: v} }

func off(outlet int) Action    { return Action{Outlet: outlet, Command: CommandOff, Preferred: -1} }
func on(outlet int) Action     { return Action{Outlet: outlet, Command: CommandOn, Preferred: -1} }
func reboot(outlet int) Action { return Action{Outlet: outlet, Command: CommandReboot, Preferred: -1} }

type setCase struct {
	name   string
	vars   []mib.Var
	want   []Action
	status gosnmp.SNMPError // NoError: success
	index  int
}

func runSets(t *testing.T, label string, set func([]mib.Var) ([]Action, int, error), cases []setCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			acts, index, err := set(tc.vars)
			if tc.status == gosnmp.NoError {
				if err != nil {
					t.Fatalf("Set(%s, %s) = %v", label, tc.name, err)
				}
				if !slices.Equal(acts, tc.want) {
					t.Errorf("Set(%s, %s) = %+v; want %+v", label, tc.name, acts, tc.want)
				}
				return
			}
			var se *mib.SetError
			if !errors.As(err, &se) {
				t.Fatalf("Set(%s, %s) = %+v, %v; want a *mib.SetError %v", label, tc.name, acts, err, tc.status)
			}
			if se.Status != tc.status || index != tc.index || acts != nil {
				t.Errorf("Set(%s, %s) = %+v, index %d, %v; want no actions, index %d, %v", label, tc.name, acts, index, se, tc.index, tc.status)
			}
		})
	}
}

func TestAPCSet(t *testing.T) {
	p, _ := ForPDU("apc", "AP8959EU3")
	s := apcTestState("AP8959EU3")
	i := mib.Integer
	runSets(t, "AP8959EU3", func(v []mib.Var) ([]Action, int, error) { return p.Set(s, v) }, []setCase{
		{name: "rPDU2 immediateOff", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".1", i(int(oids.RPDU2ImmediateOff)))}, want: []Action{off(1)}},
		{name: "rPDU2 immediateOn", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".2", i(int(oids.RPDU2ImmediateOn)))}, want: []Action{on(2)}},
		{name: "rPDU2 delayedReboot acts at once", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".3", i(int(oids.RPDU2DelayedReboot)))}, want: []Action{reboot(3)}},
		{name: "rPDU2 cancel does nothing", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".3", i(int(oids.RPDU2CancelPendingCommand)))}},
		{name: "rPDU2 all off", vars: []mib.Var{setVar(oids.RPDU2DeviceControlCommand+".1", i(int(oids.RPDU2ImmediateAllOff)))}, want: []Action{off(0)}},
		{name: "rPDU immediateOff (2)", vars: []mib.Var{setVar(oids.RPDUOutletControlOutletCommand+".2", i(int(oids.RPDUImmediateOff)))}, want: []Action{off(2)}},
		{name: "rPDU delayedOn is 4", vars: []mib.Var{setVar(oids.RPDUOutletControlOutletCommand+".2", i(int(oids.RPDUDelayedOn)))}, want: []Action{on(2)}},
		{name: "rPDU all on", vars: []mib.Var{setVar(oids.RPDUOutletDevCommand+".0", i(int(oids.RPDUImmediateAllOn)))}, want: []Action{on(0)}},
		{name: "sPDU outletOff", vars: []mib.Var{setVar(oids.SPDUOutletCtl+".3", i(int(oids.SPDUOutletOff)))}, want: []Action{off(3)}},
		{name: "sPDU master turnAllOffNow", vars: []mib.Var{setVar(oids.SPDUMasterControlSwitch+".0", i(int(oids.SPDUTurnAllOffNow)))}, want: []Action{off(0)}},
		{name: "two outlets in one SET", vars: []mib.Var{
			setVar(oids.RPDU2OutletSwitchedControlCommand+".1", i(int(oids.RPDU2ImmediateOff))),
			setVar(oids.SPDUOutletCtl+".3", i(int(oids.SPDUOutletReboot))),
		}, want: []Action{off(1), reboot(3)}},
		{name: "rename", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedConfigName+".2", mib.String("db-2 psu1"))},
			want: []Action{{Outlet: 2, Name: "db-2 psu1", Preferred: -1}}},

		{name: "wrong type", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".1", mib.String("off"))}, status: gosnmp.WrongType},
		{name: "gauge is not INTEGER", vars: []mib.Var{setVar(oids.SPDUOutletCtl+".1", mib.Gauge32(2))}, status: gosnmp.WrongType},
		{name: "out of the enumeration", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".1", i(9))}, status: gosnmp.WrongValue},
		{name: "outletUnknown cannot be set", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".1", i(int(oids.RPDU2OutletUnknown)))}, status: gosnmp.WrongValue},
		{name: "sPDU delayedOn is 5, so 8 is no command", vars: []mib.Var{setVar(oids.SPDUOutletCtl+".1", i(8))}, status: gosnmp.WrongValue},
		{name: "read-only phase current", vars: []mib.Var{setVar(oids.RPDU2PhaseStatusCurrent+".1", i(0))}, status: gosnmp.NotWritable},
		{name: "read-only outlet state", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedStatusState+".1", i(1))}, status: gosnmp.NotWritable},
		{name: "no outlet 25", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".25", i(int(oids.RPDU2ImmediateOff)))}, status: gosnmp.NoCreation},
		{name: "unknown object", vars: []mib.Var{setVar("1.3.6.1.4.1.318.1.1.99.1.0", i(1))}, status: gosnmp.NoCreation},
		{name: "the second variable fails", vars: []mib.Var{
			setVar(oids.RPDU2OutletSwitchedControlCommand+".1", i(int(oids.RPDU2ImmediateOff))),
			setVar(oids.RPDU2OutletSwitchedControlCommand+".2", i(0)),
		}, status: gosnmp.WrongValue, index: 1},
		{name: "threshold: writable, not modelled", vars: []mib.Var{setVar(oids.RPDU2PhaseConfigOverloadCurrentThreshold+".1", i(14))}, status: gosnmp.GenErr},
		{name: "threshold of the wrong type", vars: []mib.Var{setVar(oids.RPDU2PhaseConfigOverloadCurrentThreshold+".1", mib.String("14"))}, status: gosnmp.WrongType},
		{name: "name too long", vars: []mib.Var{setVar(oids.SPDUOutletName+".1", mib.String("a name of 21 octets.."))}, status: gosnmp.WrongLength},
	})

	metered, _ := ForPDU("apc", "AP8853")
	sm := apcTestState("AP8853")
	runSets(t, "AP8853", func(v []mib.Var) ([]Action, int, error) { return metered.Set(sm, v) }, []setCase{
		{name: "a metered PDU has no outlet control", vars: []mib.Var{setVar(oids.RPDU2OutletSwitchedControlCommand+".1", i(int(oids.RPDU2ImmediateOff)))}, status: gosnmp.NoCreation},
		{name: "nor sPDU", vars: []mib.Var{setVar(oids.SPDUOutletCtl+".1", i(int(oids.SPDUOutletOff)))}, status: gosnmp.NoCreation},
	})
}

func TestAPCATSSet(t *testing.T) {
	p, _ := ForATS("apc", "AP4423")
	s := atsTestState()
	i := mib.Integer
	pref := oids.ATSConfigPreferredSource + ".0"
	runSets(t, "AP4423", func(v []mib.Var) ([]Action, int, error) { return p.Set(s, v) }, []setCase{
		{name: "prefer B", vars: []mib.Var{setVar(pref, i(int(oids.ATSSourceB)))}, want: []Action{{Preferred: 1}}},
		{name: "prefer A", vars: []mib.Var{setVar(pref, i(int(oids.ATSSourceA)))}, want: []Action{{Preferred: 0}}},
		{name: "none is not modelled", vars: []mib.Var{setVar(pref, i(int(oids.ATSSourceNone)))}, status: gosnmp.GenErr},
		{name: "out of the enumeration", vars: []mib.Var{setVar(pref, i(4))}, status: gosnmp.WrongValue},
		{name: "wrong type", vars: []mib.Var{setVar(pref, mib.String("B"))}, status: gosnmp.WrongType},
		{name: "selected source is read-only", vars: []mib.Var{setVar(oids.ATSStatusSelectedSource+".0", i(2))}, status: gosnmp.NotWritable},
		{name: "two-part index does not exist", vars: []mib.Var{setVar(oids.ATSInputName+".1.1", mib.String("A"))}, status: gosnmp.NoCreation},
	})
}

func TestRaritanSet(t *testing.T) {
	p, _ := ForPDU("raritan", "PX3-5493U-K2")
	s := apcTestState("PX3-5493U-K2")
	i := mib.Integer
	op := func(outlet int) string { return fmt.Sprintf("%s.1.%d", oids.PDU2SwitchingOperation, outlet) }
	runSets(t, "PX3-5493U-K2", func(v []mib.Var) ([]Action, int, error) { return p.Set(s, v) }, []setCase{
		{name: "off(0)", vars: []mib.Var{setVar(op(1), i(int(oids.PDU2SwitchOff)))}, want: []Action{off(1)}},
		{name: "on(1)", vars: []mib.Var{setVar(op(2), i(int(oids.PDU2SwitchOn)))}, want: []Action{on(2)}},
		{name: "cycle(2)", vars: []mib.Var{setVar(op(3), i(int(oids.PDU2SwitchCycle)))}, want: []Action{reboot(3)}},
		{name: "rename to empty", vars: []mib.Var{setVar(oids.PDU2OutletName+".1.3", mib.String(""))}, want: []Action{{Outlet: 3, Preferred: -1}}},
		{name: "out of the enumeration", vars: []mib.Var{setVar(op(1), i(7))}, status: gosnmp.WrongValue},
		{name: "wrong type", vars: []mib.Var{setVar(op(1), mib.String("off"))}, status: gosnmp.WrongType},
		{name: "switching state is read-only", vars: []mib.Var{setVar(fmt.Sprintf("%s.1.1", oids.PDU2OutletSwitchingState), i(8))}, status: gosnmp.NotWritable},
		{name: "decimal digits are read-only", vars: []mib.Var{setVar(fmt.Sprintf("%s.%d.1.1.1", oids.PDU2InletSensorConfigurationEntry, oids.PDU2SensorColDecimalDigits), mib.Gauge32(2))}, status: gosnmp.NotWritable},
		{name: "a threshold: writable, not modelled", vars: []mib.Var{setVar(fmt.Sprintf("%s.%d.1.1.1", oids.PDU2InletSensorConfigurationEntry, oids.PDU2SensorColUpperCritical), mib.Gauge32(20000))}, status: gosnmp.GenErr},
		{name: "no pdu 2", vars: []mib.Var{setVar(fmt.Sprintf("%s.2.1", oids.PDU2SwitchingOperation), i(0))}, status: gosnmp.NoCreation},
	})
	metered, _ := ForPDU("raritan", "PX3-4724")
	runSets(t, "PX3-4724", func(v []mib.Var) ([]Action, int, error) { return metered.Set(s, v) }, []setCase{
		{name: "no switching on a metered PX", vars: []mib.Var{setVar(op(1), i(0))}, status: gosnmp.NoCreation},
	})
}

func TestSentry4Set(t *testing.T) {
	p, _ := ForPDU("servertech", "C2W24TE-DQME2M00")
	s := apcTestState("C2W24TE-DQME2M00")
	i := mib.Integer
	act := func(outlet int) string { return fmt.Sprintf("%s.1.1.%d", oids.St4OutletControlAction, outlet) }
	runSets(t, "C2W24TE", func(v []mib.Var) ([]Action, int, error) { return p.Set(s, v) }, []setCase{
		{name: "off(2)", vars: []mib.Var{setVar(act(2), i(int(oids.St4ActionOff)))}, want: []Action{off(2)}},
		{name: "on(1)", vars: []mib.Var{setVar(act(1), i(int(oids.St4ActionOn)))}, want: []Action{on(1)}},
		{name: "reboot(3)", vars: []mib.Var{setVar(act(1), i(int(oids.St4ActionReboot)))}, want: []Action{reboot(1)}},
		{name: "none(0) does nothing", vars: []mib.Var{setVar(act(1), i(int(oids.St4ActionNone)))}},
		{name: "queued actions are not modelled", vars: []mib.Var{setVar(act(1), i(int(oids.St4ActionQueueOff)))}, status: gosnmp.GenErr},
		{name: "out of the enumeration", vars: []mib.Var{setVar(act(1), i(7))}, status: gosnmp.WrongValue},
		{name: "wrong type", vars: []mib.Var{setVar(act(1), mib.Gauge32(2))}, status: gosnmp.WrongType},
		{name: "control state is read-only", vars: []mib.Var{setVar(fmt.Sprintf("%s.1.1.1", oids.St4OutletControlState), i(10))}, status: gosnmp.NotWritable},
		{name: "link unit 2 is not there", vars: []mib.Var{setVar(fmt.Sprintf("%s.2.1.1", oids.St4OutletControlAction), i(2))}, status: gosnmp.NoCreation},
		{name: "name of 33 characters", vars: []mib.Var{setVar(fmt.Sprintf("%s.1.1.1", oids.St4OutletName), mib.String("0123456789abcdef0123456789abcdef!"))}, status: gosnmp.WrongLength},
	})
}

func TestEatonSet(t *testing.T) {
	p, _ := ForPDU("eaton", "EMA114-10")
	s := apcTestState("EMA114-10")
	i := mib.Integer
	cmd := func(col string, outlet int) string { return fmt.Sprintf("%s.0.%d", col, outlet) }
	runSets(t, "EMA114-10", func(v []mib.Var) ([]Action, int, error) { return p.Set(s, v) }, []setCase{
		{name: "off now", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlOffCmd, 1), i(oids.EPDUCommandNow))}, want: []Action{off(1)}},
		{name: "off in 30 s acts at once", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlOffCmd, 3), i(30))}, want: []Action{off(3)}},
		{name: "on now", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlOnCmd, 2), i(0))}, want: []Action{on(2)}},
		{name: "reboot", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlRebootCmd, 2), i(0))}, want: []Action{reboot(2)}},
		{name: "cancel does nothing", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlOffCmd, 1), i(oids.EPDUCommandCancel))}},
		{name: "unit off", vars: []mib.Var{setVar(oids.EPDUUnitControlOffCmd+".0", i(0))}, want: []Action{off(0)}},
		{name: "below -1", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlOffCmd, 1), i(-2))}, status: gosnmp.WrongValue},
		{name: "above 99999", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlOffCmd, 1), i(100000))}, status: gosnmp.WrongValue},
		{name: "wrong type", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlOffCmd, 1), mib.String("0"))}, status: gosnmp.WrongType},
		{name: "status is read-only", vars: []mib.Var{setVar(cmd(oids.EPDUOutletControlStatus, 1), i(0))}, status: gosnmp.NotWritable},
		{name: "strap 1 is not there", vars: []mib.Var{setVar(fmt.Sprintf("%s.1.1", oids.EPDUOutletControlOffCmd), i(0))}, status: gosnmp.NoCreation},
		{name: "empty name", vars: []mib.Var{setVar(cmd(oids.EPDUOutletName, 1), mib.String(""))}, status: gosnmp.WrongLength},
	})
}
