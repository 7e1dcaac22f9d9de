package pdu

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
)

// apcATS reads APC rack ATS units (PowerNet-MIB automaticTransferSwitch,
// .318.1.1.8): AP77xx, AP44xx (4G card) and 5G units. The InfraStruXure
// ATS (sysObjectID 318.1.3.19) serves another tree and is not read.
//
// Everything is read in one GET: the identity and status scalars, the
// preferred source, each input's frequency, and the input-phase and
// output-phase cells of up to three phases. Those two tables are indexed
// <input>.<phase> in the MIB but real units answer at <input>.<phase>.1
// (NUT apc-ats-mib.c, LibreNMS): the driver asks for both shapes and
// takes the three-part one when both answer.
//
// The MIB gives the output in VA only (atsOutputLoad, atsOutputPower);
// the one figure in watts is atsInputPower, per phase of each input. The
// driver reports OutputWatts as that of the selected input, and nothing
// when the unit does not support it (-1, as AP44xx answer).
type apcATS struct{}

func (apcATS) Name() string { return "apc-ats" }

var apcATSObjectIDs = []string{oids.SysObjectIDAPCATS, oids.SysObjectIDAPCATS4G, oids.SysObjectIDAPCATS5G}

func (apcATS) Matches(sysObjectID string) bool {
	return slices.Contains(apcATSObjectIDs, strings.TrimPrefix(sysObjectID, "."))
}

func (apcATS) Probe(ctx context.Context, c Client) bool {
	v, err := apcGet(ctx, c, []string{apcAt(oids.ATSIdentModelNumber, 0)})
	return err == nil && v.str(oids.ATSIdentModelNumber, 0) != ""
}

// apcATSPhases is how many phases of each input and of the output the
// driver asks for.
const apcATSPhases = 3

// apcATSRequest lists what Read asks for.
func apcATSRequest() []string {
	names := []string{
		apcAt(oids.ATSIdentModelNumber, 0),
		apcAt(oids.ATSIdentSerialNumber, 0),
		apcAt(oids.ATSIdentFirmwareRev, 0),
		apcAt(oids.ATSIdentDeviceRating, 0),
		apcAt(oids.ATSStatusSelectedSource, 0),
		apcAt(oids.ATSStatusRedundancyState, 0),
		apcAt(oids.ATSStatusOverCurrentState, 0),
		apcAt(oids.ATSStatusSwitchStatus, 0),
		apcAt(oids.ATSStatusSourceAStatus, 0),
		apcAt(oids.ATSStatusSourceBStatus, 0),
		apcAt(oids.ATSStatusPhaseSyncStatus, 0),
		apcAt(oids.ATSConfigPreferredSource, 0),
		apcAt(oids.ATSInputFrequency, 1),
		apcAt(oids.ATSInputFrequency, 2),
	}
	for in := 1; in <= 2; in++ {
		for ph := 1; ph <= apcATSPhases; ph++ {
			for _, col := range []string{oids.ATSInputVoltage, oids.ATSInputPower} {
				names = append(names, apcAt(col, in, ph, 1), apcAt(col, in, ph))
			}
		}
	}
	for ph := 1; ph <= apcATSPhases; ph++ {
		for _, col := range []string{oids.ATSOutputCurrent, oids.ATSOutputPhaseState} {
			names = append(names, apcAt(col, 1, ph, 1), apcAt(col, 1, ph))
		}
	}
	return names
}

// apcPhaseCell is a cell of the input- or output-phase table: at the
// three-part index real units answer with, else at the MIB's two-part one.
func (v apcVals) apcPhaseCell(col string, row, phase int) gosnmp.SnmpPDU {
	if p := v.at(col, row, phase, 1); !Absent(p) {
		return p
	}
	return v.at(col, row, phase)
}

func (apcATS) Read(ctx context.Context, c Client, r *Reading) error {
	v, err := apcGet(ctx, c, apcATSRequest())
	if err != nil {
		return fmt.Errorf("reading atsIdent, atsStatus and the input and output phases: %w", err)
	}
	r.Model = v.str(oids.ATSIdentModelNumber, 0)
	r.Serial = v.str(oids.ATSIdentSerialNumber, 0)
	r.Firmware = v.str(oids.ATSIdentFirmwareRev, 0)

	failOK := func(obj string) *bool { return apcIs(v.at(obj, 0), int(oids.ATSOK), int(oids.ATSFail)) }
	a := &ATS{
		Selected:    apcATSSource(v.at(oids.ATSStatusSelectedSource, 0)),
		Preferred:   apcATSSource(v.at(oids.ATSConfigPreferredSource, 0)),
		InputOK:     [2]*bool{failOK(oids.ATSStatusSourceAStatus), failOK(oids.ATSStatusSourceBStatus)},
		Redundant:   apcIs(v.at(oids.ATSStatusRedundancyState, 0), int(oids.ATSFullyRedundant), int(oids.ATSRedundancyLost)),
		OverCurrent: apcIs(v.at(oids.ATSStatusOverCurrentState, 0), oids.ATSOverCurrent, oids.ATSCurrentOK),
		SwitchOK:    failOK(oids.ATSStatusSwitchStatus),
		PhaseSync:   apcIs(v.at(oids.ATSStatusPhaseSyncStatus, 0), oids.ATSPhasesInSync, oids.ATSPhasesOutOfSync),
		RatedAmps:   apcRating(v.at(oids.ATSIdentDeviceRating, 0)),
	}
	for in := range 2 {
		a.InputVolts[in] = apcDiv(v.apcPhaseCell(oids.ATSInputVoltage, in+1, 1), 1) // V
		a.InputHz[in] = apcDiv(v.at(oids.ATSInputFrequency, in+1), 1)               // Hz
	}
	// Output current per phase, 0.1 A, up to the first phase without one.
	states := []string{}
	for ph := 1; ph <= apcATSPhases; ph++ {
		amps := apcDiv(v.apcPhaseCell(oids.ATSOutputCurrent, 1, ph), 10)
		if amps == nil {
			break
		}
		a.OutputAmps = append(a.OutputAmps, *amps)
		states = append(states, apcRPDULoadState(v.apcPhaseCell(oids.ATSOutputPhaseState, 1, ph)))
	}
	r.LoadState = apcWorstLoad(states)
	// Watts: atsInputPower of every phase of the selected input; none
	// when a phase the unit has reads -1.
	if a.Selected >= 0 {
		a.OutputWatts = apcATSInputWatts(v, a.Selected+1)
		r.Watts = apcCopy(a.OutputWatts)
	}
	r.ATS = a

	if r.Model == "" && a.Selected < 0 && a.InputOK[0] == nil && a.InputOK[1] == nil && a.Redundant == nil {
		return errors.New("no atsIdent or atsStatus object answers")
	}
	return nil
}

// SetPreferred writes atsConfigPreferredSource, the rack ATS's only source
// selection: the unit transfers to the preferred input when it is healthy.
func (apcATS) SetPreferred(ctx context.Context, c Client, input int) error {
	var src oids.ATSSource
	switch input {
	case 0:
		src = oids.ATSSourceA
	case 1:
		src = oids.ATSSourceB
	default:
		return fmt.Errorf("preferred input %d: want 0 (A) or 1 (B)", input)
	}
	err := c.Set(ctx, gosnmp.SnmpPDU{Name: apcAt(oids.ATSConfigPreferredSource, 0), Type: gosnmp.Integer, Value: int(src)})
	if err != nil {
		return fmt.Errorf("setting atsConfigPreferredSource to source %c: %w", 'A'+rune(input), err)
	}
	return nil
}

// apcATSSource decodes atsStatusSelectedSource and atsConfigPreferredSource
// (sourceA 1, sourceB 2) to 0 or 1; none(3), -1 or absent is -1.
func apcATSSource(v gosnmp.SnmpPDU) int {
	n, _ := apcInt(v)
	switch oids.ATSSource(n) {
	case oids.ATSSourceA:
		return 0
	case oids.ATSSourceB:
		return 1
	}
	return -1
}

// apcIs is true for the value yes, false for no, and nil otherwise
// (absent, -1, or a value the driver does not know).
func apcIs(v gosnmp.SnmpPDU, yes, no int) *bool {
	n, ok := apcInt(v)
	switch {
	case !ok:
		return nil
	case n == int64(yes):
		return B(true)
	case n == int64(no):
		return B(false)
	}
	return nil
}

// apcWorstLoad is the most severe of some load states.
func apcWorstLoad(states []string) string {
	worst, rank := "", 0
	for _, s := range states {
		r := map[string]int{"normal": 1, "low": 2, "near-overload": 3, "overload": 4}[s]
		if r > rank {
			worst, rank = s, r
		}
	}
	return worst
}

// apcATSInputWatts sums atsInputPower (W) over the phases of an input.
func apcATSInputWatts(v apcVals, input int) *float64 {
	var sum *float64
	for ph := 1; ph <= apcATSPhases; ph++ {
		cell := v.apcPhaseCell(oids.ATSInputPower, input, ph)
		if Absent(cell) {
			break
		}
		w := apcDiv(cell, 1)
		if w == nil {
			return nil
		}
		if sum == nil {
			sum = F(0)
		}
		*sum += *w
	}
	return sum
}
