package runbook

import (
	"strings"
	"testing"

	"feedplan/pdu"
)

// A PDU reads dark only on evidence: a voltage below 10 V. No current is
// no proof at verify-cut, when the plan has already shut its devices down.
func TestDark(t *testing.T) {
	for _, c := range []struct {
		name string
		r    pdu.Reading
		dark bool
		says string
	}{
		{"volts and no current", pdu.Reading{Phases: []pdu.Phase{{Number: 1, Volts: pdu.F(0.4), Amps: pdu.F(0)}}}, true, "0 V"},
		{"live", pdu.Reading{Phases: []pdu.Phase{{Number: 1, Volts: pdu.F(229), Amps: pdu.F(0)}}}, false, "L1 at 229 V"},
		{"no volts, 0 A", pdu.Reading{Phases: []pdu.Phase{{Number: 1, Amps: pdu.F(0)}}}, false, "0 A does not show its inlet is dead"},
		{"no volts, outlets at 0 A", pdu.Reading{Outlets: []pdu.Outlet{{Number: 1, Amps: pdu.F(0)}}}, false, "no voltage reading"},
		{"no volts, current", pdu.Reading{Phases: []pdu.Phase{{Number: 1, Amps: pdu.F(3.2)}}}, false, "3.20 A"},
		{"nothing", pdu.Reading{}, false, "neither current nor voltage"},
	} {
		dark, says := dark(&c.r, 0.1)
		if dark != c.dark || !strings.Contains(says, c.says) {
			t.Errorf("%s: dark %v (%q); want %v (%q)", c.name, dark, says, c.dark, c.says)
		}
	}
}
