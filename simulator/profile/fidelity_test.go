package profile

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

// The fidelity tests render each device we have a recording of, from a
// state shaped like it (outlets, phases, banks, names, similar loads), and
// hold the output against the recording: every recorded OID in a subtree
// the profile claims must be served, with the same ASN.1 type, the same
// index shape and a value of the same scale (or the same value, for
// enumerations and counts), unless a gap below says why it is not
// modelled. A profile that drops an OID fails here.

// check is how a recorded value is compared with ours.
type check struct {
	kind   int
	domain []int
}

const (
	kindExact     = iota // the same value (default for numbers and OIDs)
	kindScale            // the same unit and scale: within a factor of 4, -1 only for -1
	kindAny              // any value of the type (default for strings)
	kindText             // the same octets
	kindDomain           // ours is one of domain (an enumeration the load or the owner decides)
	kindMagnitude        // as kindScale, by absolute value (a power factor's sign says leading or lagging)
)

var (
	exact     = check{kind: kindExact}
	sameScale = check{kind: kindScale}
	anyValue  = check{kind: kindAny}
	sameText  = check{kind: kindText}
	magnitude = check{kind: kindMagnitude}
)

func oneOf(v ...int) check { return check{kind: kindDomain, domain: v} }

// gap is a part of a recording a profile does not serve, and why.
type gap struct {
	match func(col string, index []uint32) bool
	why   string
}

// under matches every OID under one of the prefixes.
func under(prefixes ...string) func(string, []uint32) bool {
	return func(col string, _ []uint32) bool {
		for _, p := range prefixes {
			if col == p || strings.HasPrefix(col, p+".") {
				return true
			}
		}
		return false
	}
}

// linkUnits matches rows whose first index sub-id is a unit other than
// the master (1).
func linkUnits(prefixes ...string) func(string, []uint32) bool {
	return func(col string, index []uint32) bool {
		return len(index) > 0 && index[0] > 1 && under(prefixes...)(col, index)
	}
}

type fidelityCase struct {
	file   string
	vendor string
	model  string
	pdu    func(*recording) *PDUState
	ats    func(*recording) *ATSState
	claims []string // subtrees the profile serves
	gaps   []gap
	checks map[string]check // by column (or scalar object) OID
}

const mib2System = "1.3.6.1.2.1.1"

// systemChecks compare the system group: sysObjectID must be the same,
// the rest (descriptions, names, uptime) only of the same type.
var systemChecks = map[string]check{
	oids.SysDescr: anyValue, oids.SysUpTime: anyValue, oids.SysObjectID: exact,
}

func merge(ms ...map[string]check) map[string]check {
	out := map[string]check{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestFidelity(t *testing.T) {
	for _, tc := range fidelityCases() {
		t.Run(tc.file, func(t *testing.T) {
			rec := readSnmprec(t, filepath.Join(recordings, tc.file+".snmprec"))
			var vars []mib.Var
			var label string
			if tc.pdu != nil {
				p, err := ForPDU(tc.vendor, tc.model)
				if err != nil {
					t.Fatal(err)
				}
				vars, label = p.Vars(tc.pdu(rec)), tc.model
			} else {
				p, err := ForATS(tc.vendor, tc.model)
				if err != nil {
					t.Fatal(err)
				}
				vars, label = p.Vars(tc.ats(rec)), tc.model
			}
			ours := map[string]mib.Value{}
			shapes := map[string]map[int]bool{}
			for _, v := range vars {
				o := v.OID.String()
				if _, dup := ours[o]; dup {
					t.Errorf("Vars(%s) renders %s twice", label, o)
				}
				ours[o] = v.Value
				col, idx := resolve(t, o)
				if shapes[col] == nil {
					shapes[col] = map[int]bool{}
				}
				shapes[col][len(idx)] = true
			}
			used := make([]int, len(tc.gaps))
			var missing []string
			checked := 0
			for _, rv := range rec.vars {
				o := strings.TrimPrefix(rv.OID.String(), ".")
				if !slices.ContainsFunc(tc.claims, func(c string) bool { return strings.HasPrefix(o+".", c+".") }) {
					continue
				}
				col, idx := resolve(t, "."+o)
				if g := slices.IndexFunc(tc.gaps, func(g gap) bool { return g.match(col, idx) }); g >= 0 {
					used[g]++
					continue
				}
				ov, ok := ours["."+o]
				if !ok {
					missing = append(missing, fmt.Sprintf("%s (%s)", o, objectName(t, col)))
					continue
				}
				checked++
				what := fmt.Sprintf("Vars(%s)[%s %s]", label, objectName(t, col), indexString(idx))
				if ov.Type != rv.Value.Type {
					t.Errorf("%s is %v; the real device sends %v", what, ov.Type, rv.Value.Type)
					continue
				}
				for l := range shapes[col] {
					if l != len(idx) {
						t.Errorf("%s: we also serve rows with %d index sub-ids; the real device uses %d", what, l, len(idx))
					}
				}
				c, ok := tc.checks[col]
				if !ok {
					c = exact
					if rv.Value.Type == gosnmp.OctetString {
						c = anyValue
					}
				}
				if problem := compare(c, ov, rv.Value); problem != "" {
					t.Errorf("%s = %s; the real device: %s (%s)", what, show(ov), show(rv.Value), problem)
				}
			}
			if len(missing) > 0 {
				t.Errorf("Vars(%s) does not serve %d OIDs the real device does; serve them or list them as gaps:\n\t%s",
					label, len(missing), strings.Join(missing, "\n\t"))
			}
			for i, g := range tc.gaps {
				if used[i] == 0 {
					t.Errorf("gap %q matches nothing in %s: remove it", g.why, tc.file)
				} else {
					t.Logf("not modelled: %d OIDs: %s", used[i], g.why)
				}
			}
			t.Logf("%d recorded OIDs served and compared", checked)
		})
	}
}

func compare(c check, ours, theirs mib.Value) string {
	switch c.kind {
	case kindAny:
		return ""
	case kindText, kindExact:
		if !sameValue(ours, theirs) {
			return "want the same value"
		}
		return ""
	case kindDomain:
		x, _ := number(ours)
		if !slices.Contains(c.domain, int(x)) {
			return fmt.Sprintf("want one of %v", c.domain)
		}
		return ""
	}
	x, ok1 := number(ours)
	y, ok2 := number(theirs)
	if !ok1 || !ok2 {
		return "want numbers"
	}
	if c.kind == kindMagnitude {
		x, y = math.Abs(x), math.Abs(y)
	}
	switch {
	case x == -1 || y == -1:
		if x != y {
			return "-1 (not supported) on one side only"
		}
	case x == 0 || y == 0:
		if math.Abs(x-y) > 2 {
			return "zero on one side only"
		}
	case x/y < 0.25 || x/y > 4:
		return fmt.Sprintf("a factor %.2g apart: another scale?", x/y)
	}
	return ""
}

func show(v mib.Value) string {
	if b, ok := v.Value.([]byte); ok {
		return strconv.Quote(string(b))
	}
	return fmt.Sprint(v.Value)
}

func indexString(idx []uint32) string {
	s := make([]string, len(idx))
	for i, a := range idx {
		s[i] = strconv.FormatUint(uint64(a), 10)
	}
	return strings.Join(s, ".")
}

// The OID tables of pdu/oids, read from its source: resolve splits an
// instance into its object (column) and index by the longest object that
// prefixes it; a table entry's column is the entry plus one sub-id.
var (
	objectsOnce sync.Once
	objects     map[string]string // OID → identifier
	objectsErr  error
)

func loadObjects() {
	fset := token.NewFileSet()
	files, err := filepath.Glob("../../pdu/oids/*.go")
	if err != nil || len(files) == 0 {
		objectsErr = fmt.Errorf("reading pdu/oids: %v (%d files)", err, len(files))
		return
	}
	var parsed []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			objectsErr = err
			return
		}
		parsed = append(parsed, af)
	}
	pkg, err := (&types.Config{}).Check("feedplan/pdu/oids", fset, parsed, nil)
	if err != nil {
		objectsErr = err
		return
	}
	objects = map[string]string{}
	for _, name := range pkg.Scope().Names() {
		k, ok := pkg.Scope().Lookup(name).(*types.Const)
		if !ok || k.Val().Kind() != constant.String || strings.HasPrefix(name, "SysObjectID") {
			continue
		}
		objects[constant.StringVal(k.Val())] = name
	}
}

func resolve(t *testing.T, oid string) (col string, index []uint32) {
	t.Helper()
	objectsOnce.Do(loadObjects)
	if objectsErr != nil {
		t.Fatal(objectsErr)
	}
	o := mib.MustOID(oid)
	for n := len(o) - 1; n > 0; n-- {
		prefix := strings.TrimPrefix(o[:n].String(), ".")
		name, ok := objects[prefix]
		if !ok {
			continue
		}
		if strings.HasSuffix(name, "Entry") && n < len(o) {
			return prefix + "." + strconv.FormatUint(uint64(o[n]), 10), o[n+1:]
		}
		return prefix, o[n:]
	}
	if o[len(o)-1] == 0 {
		return strings.TrimPrefix(o[:len(o)-1].String(), "."), o[len(o)-1:]
	}
	return strings.TrimPrefix(o.String(), "."), nil
}

func objectName(t *testing.T, col string) string {
	objectsOnce.Do(loadObjects)
	if name, ok := objects[col]; ok {
		return name
	}
	if i := strings.LastIndex(col, "."); i > 0 {
		if name, ok := objects[col[:i]]; ok && strings.HasSuffix(name, "Entry") {
			return name + col[i:]
		}
	}
	return col
}

// --- states shaped like the recorded devices ---

// recorded is the reading at which each state is taken: the recordings'
// own timestamps are around these dates.
var recorded = time.Date(2025, 5, 22, 0, 0, 0, 0, time.UTC)

// byLastArc returns a column's values in the order of their last index
// sub-id (outlet 1, 2, …).
func (r *recording) byLastArc(col string) []mib.Value {
	rows := r.column(col)
	type row struct {
		n int
		v mib.Value
	}
	var out []row
	for idx, v := range rows {
		parts := strings.Split(idx, ".")
		n, _ := strconv.Atoi(parts[len(parts)-1])
		out = append(out, row{n, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n < out[j].n })
	vs := make([]mib.Value, len(out))
	for i, x := range out {
		vs[i] = x.v
	}
	return vs
}

func (r *recording) strings(col string) []string {
	var s []string
	for _, v := range r.byLastArc(col) {
		b, _ := v.Value.([]byte)
		s = append(s, string(b))
	}
	return s
}

func (r *recording) num(t *testing.T, oid string) float64 {
	v, ok := r.byOID["."+oid]
	if !ok {
		panic("no " + oid + " in the recording")
	}
	x, _ := number(v)
	return x
}

func apcState(r *recording, name, model string, outlets int, amps, volts, watts, pf, kwh float64) *PDUState {
	s := &PDUState{
		Name: name, Vendor: "apc", Model: model, Serial: "ZA0000000000", Uptime: 40 * 24 * time.Hour, Now: recorded, Powered: true,
		Phases: 1, RatedAmps: 16, Volts: 230, Frequency: 50,
		PhaseAmps: []float64{amps}, PhaseVolts: []float64{volts}, PhaseWatts: []float64{watts}, PowerFactor: pf, EnergyKWh: kwh,
		Outlets: outlets,
	}
	names := r.strings(oids.SPDUOutletCtlName)
	for n := 1; n <= outlets; n++ {
		name := fmt.Sprintf("Outlet %d", n)
		if n <= len(names) {
			name = names[n-1]
		}
		s.OutletNames = append(s.OutletNames, name)
	}
	for _, v := range r.byLastArc(oids.SPDUOutletCtl) {
		x, _ := number(v)
		s.OutletOn = append(s.OutletOn, x == float64(oids.SPDUOutletOn))
	}
	return s
}

// apcChecks are the columns of the APC trees compared by scale (loads,
// user thresholds) or only by type (names, timestamps).
var apcChecks = map[string]check{
	oids.RPDU2DeviceStatusName:                          sameText,
	oids.RPDU2DeviceStatusPower:                         sameScale,
	oids.RPDU2DeviceStatusPeakPower:                     sameScale,
	oids.RPDU2DeviceStatusEnergy:                        sameScale,
	oids.RPDU2DeviceStatusApparentPower:                 sameScale,
	oids.RPDU2DeviceStatusPowerFactor:                   sameScale,
	oids.RPDU2PhaseStatusCurrent:                        sameScale,
	oids.RPDU2PhaseStatusVoltage:                        sameScale,
	oids.RPDU2PhaseStatusPower:                          sameScale,
	oids.RPDU2PhaseStatusApparentPower:                  sameScale,
	oids.RPDU2PhaseStatusPowerFactor:                    sameScale,
	oids.RPDU2PhaseStatusPeakCurrent:                    sameScale,
	oids.RPDUIdentDevicePowerWatts:                      sameScale,
	oids.RPDULoadStatusLoad:                             sameScale,
	oids.RPDULoadPhaseConfigNearOverloadThreshold:       sameScale, // user-set, in A
	oids.RPDULoadPhaseConfigOverloadThreshold:           sameScale,
	oids.RPDULoadBankConfigNearOverloadThreshold:        sameScale,
	oids.RPDULoadBankConfigOverloadThreshold:            sameScale,
	oids.RPDUIdentModelNumber:                           sameText,
	oids.SPDUIdentModelNumber:                           sameText,
	oids.SPDUOutletCtlName:                              sameText,
	oids.APCModuleFirmwareRev:                           anyValue,
	oids.RPDU2DeviceStatusPeakPowerTimestamp:            anyValue,
	oids.RPDU2DeviceStatusOutletsEnergyStartTime:        anyValue,
	oids.RPDU2SensorTempHumidityStatusTempPeakTimestamp: anyValue,
}

var apcClaims = []string{mib2System, "1.3.6.1.4.1.318"}

// raritanState is a PX with the recording's outlet names, loads and relay
// states (value scales: current 3 digits, power 0, energy Wh).
func raritanState(r *recording, model string, outlets int, banks []BankState) *PDUState {
	s := &PDUState{
		Name: "px", Vendor: "raritan", Model: model, Serial: "QAA0000000", Uptime: 60 * 24 * time.Hour, Now: recorded, Powered: true,
		Phases: 1, Volts: 230, Frequency: 50, Banks: banks, Outlets: outlets,
	}
	meas := func(sensor oids.PDU2SensorType, scale float64) []float64 {
		v := make([]float64, outlets)
		for k := 1; k <= outlets; k++ {
			if x, ok := r.byOID[fmt.Sprintf(".%s.4.1.%d.%d", oids.PDU2OutletSensorMeasurementsEntry, k, sensor)]; ok {
				n, _ := number(x)
				v[k-1] = n / scale
			}
		}
		return v
	}
	s.OutletNames = r.strings(oids.PDU2OutletName)
	s.OutletAmps, s.OutletWatts, s.OutletEnergy = meas(oids.PDU2RMSCurrent, 1000), meas(oids.PDU2ActivePower, 1), meas(oids.PDU2ActiveEnergy, 1000)
	for k := 1; k <= outlets; k++ {
		x, ok := r.byOID[fmt.Sprintf(".%s.3.1.%d.%d", oids.PDU2OutletSensorMeasurementsEntry, k, oids.PDU2OnOff)]
		n, _ := number(x)
		s.OutletOn = append(s.OutletOn, !ok || n == float64(oids.PDU2StateOn))
	}
	return s
}

// raritanChecks compare readings, their extremes and timestamps by scale.
func raritanChecks() map[string]check {
	m := map[string]check{
		oids.PDU2OutletName: sameText, oids.PDU2OutletLabel: sameText, oids.PDU2InletLabel: sameText,
		oids.PDU2OverCurrentProtectorLabel: sameText, oids.PDU2PduModel: sameText,
	}
	for _, entry := range []string{oids.PDU2InletSensorMeasurementsEntry, oids.PDU2OverCurrentProtectorSensorMeasurementsEntry,
		oids.PDU2OutletSensorMeasurementsEntry} {
		for _, col := range []int{oids.PDU2MeasColValue, oids.PDU2MeasColTimeStamp, oids.PDU2MeasColSignedValue,
			oids.PDU2MeasColMinMaxResetTimeStamp, oids.PDU2MeasColResetTimeStamp} {
			m[fmt.Sprintf("%s.%d", entry, col)] = sameScale
		}
		// Whether there are extremes, and what they are, is history
		// the simulator does not keep (it serves the reading).
		m[fmt.Sprintf("%s.%d", entry, oids.PDU2MeasColMinMaxValid)] = oneOf(int(oids.PDU2True), int(oids.PDU2False))
		for _, col := range []int{oids.PDU2MeasColMinValue, oids.PDU2MeasColSignedMinValue, oids.PDU2MeasColMinTimeStamp,
			oids.PDU2MeasColMaxValue, oids.PDU2MeasColSignedMaxValue, oids.PDU2MeasColMaxTimeStamp} {
			m[fmt.Sprintf("%s.%d", entry, col)] = anyValue
		}
	}
	// The inlet's thresholds are this unit's own configuration (set, but
	// not enabled, on its power and energy sensors): compared by type.
	for _, col := range []int{oids.PDU2SensorColLowerCritical, oids.PDU2SensorColLowerWarning, oids.PDU2SensorColUpperCritical,
		oids.PDU2SensorColUpperWarning, oids.PDU2SensorColSignedLowerCritical, oids.PDU2SensorColSignedLowerWarning,
		oids.PDU2SensorColSignedUpperCritical, oids.PDU2SensorColSignedUpperWarning} {
		m[fmt.Sprintf("%s.%d", oids.PDU2InletSensorConfigurationEntry, col)] = anyValue
	}
	return merge(systemChecks, m)
}

// px3C19 matches the rows that differ on the PX3-5493U-K2's C19 outlets:
// the receptacle and the current sensor's thresholds.
func px3C19(col string, index []uint32) bool {
	if len(index) < 2 || index[1]%6 != 0 {
		return false
	}
	if col == oids.PDU2OutletReceptacle {
		return true
	}
	for _, c := range []int{oids.PDU2SensorColUpperCritical, oids.PDU2SensorColUpperWarning, oids.PDU2SensorColSignedUpperCritical,
		oids.PDU2SensorColSignedUpperWarning} {
		if col == fmt.Sprintf("%s.%d", oids.PDU2OutletSensorConfigurationEntry, c) && len(index) == 3 && index[2] == uint32(oids.PDU2RMSCurrent) {
			return true
		}
	}
	return false
}

// sentry4State is a master unit shaped like the recorded one.
func sentry4State(model string, phases int, amps []float64, volts, watts, pf, kwh float64, outlets int, banks []BankState) *PDUState {
	s := &PDUState{
		Name: "sentry", Vendor: "servertech", Model: model, Serial: "ABEF0000000", Uptime: 6 * time.Hour, Now: recorded, Powered: true,
		Phases: phases, RatedAmps: 30, Volts: 208, Frequency: 60, PhaseAmps: amps, PowerFactor: pf, EnergyKWh: kwh,
		Outlets: outlets, Banks: banks,
	}
	for range phases {
		s.PhaseVolts = append(s.PhaseVolts, volts)
		s.PhaseWatts = append(s.PhaseWatts, watts/float64(phases))
	}
	return s
}

var sentry4Checks = merge(systemChecks, map[string]check{
	oids.St4UnitModel: sameText, oids.St4SystemProductName: sameText, oids.St4InputCordID: sameText, oids.St4InputCordName: sameText,
	oids.St4InputCordInletType:   sameText,
	oids.St4InputCordActivePower: sameScale, oids.St4InputCordApparentPower: sameScale, oids.St4InputCordPowerUtilized: sameScale,
	oids.St4InputCordPowerFactor: sameScale, oids.St4InputCordEnergy: sameScale, oids.St4InputCordOutOfBalance: sameScale,
	oids.St4LineCurrent: sameScale, oids.St4PhaseVoltage: sameScale, oids.St4PhaseCurrent: sameScale, oids.St4PhaseActivePower: sameScale,
	oids.St4LineLabel: sameText, oids.St4PhaseLabel: sameText, oids.St4BranchLabel: sameText, oids.St4OcpLabel: sameText,
})

// sentry4Gaps are the parts of the Sentry4 recordings no profile serves.
var sentry4Gaps = []gap{
	{linkUnits("1.3.6.1.4.1.1718.4.1.2", "1.3.6.1.4.1.1718.4.1.3", "1.3.6.1.4.1.1718.4.1.4", "1.3.6.1.4.1.1718.4.1.5",
		"1.3.6.1.4.1.1718.4.1.6", "1.3.6.1.4.1.1718.4.1.7", "1.3.6.1.4.1.1718.4.1.9", "1.3.6.1.4.1.1718.4.1.10"),
		"link units (B, …): the inventory makes each PDU its own agent, so the profile renders the master unit only"},
	{under("1.3.6.1.4.1.1718.4.1.9", "1.3.6.1.4.1.1718.4.1.10"), "temperature and humidity probes (st4TemperatureSensors, st4HumiditySensors): no environment is modelled"},
}

func fidelityCases() []fidelityCase {
	return []fidelityCase{
		{
			file: "apc_ap8959eu3", vendor: "APC", model: "AP8959EU3",
			pdu: func(r *recording) *PDUState {
				return apcState(r, "SCP", "AP8959EU3", 24, 1.3, 231, 250, 0.82, 1967.7)
			},
			claims: apcClaims, checks: merge(systemChecks, apcChecks),
		},
		{
			file: "apc_ap8853", vendor: "APC", model: "AP8853",
			pdu: func(r *recording) *PDUState {
				s := apcState(r, "dc-np2-pdu_1a_03_04_a", "AP8853", 42, 4.9, 242, 1140, 0.96, 3512.8)
				s.RatedAmps = 32
				s.Banks = []BankState{
					{Number: 1, Phase: 1, RatedAmps: 16, Amps: 0, From: 1, To: 21},
					{Number: 2, Phase: 1, RatedAmps: 16, Amps: 4.7, From: 22, To: 42},
				}
				return s
			},
			claims: apcClaims, checks: merge(systemChecks, apcChecks),
		},
		{
			file: "apc_ap7900b", vendor: "apc", model: "AP7900B",
			pdu: func(r *recording) *PDUState {
				s := apcState(r, "alamo", "AP7900B", 8, 2.7, 120, 290, 0.9, 0)
				s.RatedAmps, s.Volts, s.Frequency = 15, 120, 60
				return s
			},
			claims: apcClaims, checks: merge(systemChecks, apcChecks),
		},
		{
			file: "apc_ats", vendor: "APC", model: "AP4423",
			ats: func(*recording) *ATSState {
				return &ATSState{
					Name: "ats-1", Vendor: "apc", Model: "AP4423", Serial: "5A0000000000", Uptime: 4 * 24 * time.Hour, Now: recorded,
					RatedAmps: 16, Volts: 230, Frequency: 50, Selected: 0, Preferred: 0, InputOK: [2]bool{true, true},
					InputVolts: [2]float64{231, 229}, InputFreq: [2]float64{50, 50}, OutputAmps: 4.2, OutputWatts: 920, PhaseSync: true,
				}
			},
			claims: []string{mib2System, "1.3.6.1.4.1.318"},
			gaps: []gap{
				{under("1.3.6.1.4.1.318.1.1.17"), "xATS (InfraStruXure ATS, .318.1.1.17): another product, added to this recording for LibreNMS's xATS support"},
				{under("1.3.6.1.4.1.318.1.1.18"), "generator (.318.1.1.18): not part of a rack ATS"},
			},
			checks: merge(systemChecks, map[string]check{
				oids.ATSIdentModelNumber:  sameText,
				oids.APCModuleFirmwareRev: anyValue,
			}),
		},
		{
			file: "raritan-pdu_px2", vendor: "Raritan", model: "PX2-4724",
			pdu: func(r *recording) *PDUState {
				s := raritanState(r, "PX2-4724", 12, nil)
				s.RatedAmps, s.PhaseAmps, s.PhaseVolts, s.PhaseWatts, s.PowerFactor = 16, []float64{0.68}, []float64{233}, []float64{138}, 0.87
				return s
			},
			claims: []string{mib2System, "1.3.6.1.4.1.13742"}, checks: raritanChecks(),
		},
		{
			file: "raritan-pdu_px3", vendor: "raritan", model: "PX3-5493U-K2",
			pdu: func(r *recording) *PDUState {
				s := raritanState(r, "PX3-5493U-K2", 24, []BankState{
					// The OCP rows were recorded months after the outlets' (their
					// timestamps say so): 485 and 333 with 3 digits.
					{Number: 1, Phase: 1, RatedAmps: 16, Amps: 0.485, From: 1, To: 12},
					{Number: 2, Phase: 1, RatedAmps: 16, Amps: 0.333, From: 13, To: 24},
				})
				s.RatedAmps, s.PhaseAmps, s.PhaseVolts, s.PhaseWatts, s.PowerFactor = 32, []float64{7.467}, []float64{229}, []float64{1665}, 0.95
				s.EnergyKWh = 74057.676
				return s
			},
			claims: []string{mib2System, "1.3.6.1.4.1.13742"},
			gaps: []gap{
				{under("1.3.6.1.4.1.13742.6.3.6", "1.3.6.1.4.1.13742.6.5.5"), "external (environmental) sensors: no environment is modelled"},
				{px3C19, "the C19 outlets (6, 12, 18, 24 of a PX3-5493U-K2): receptacle 6 and 16 A thresholds; the inventory has no receptacle types, so every outlet is a C13"},
			},
			checks: raritanChecks(),
		},
		{
			file: "sentry4", vendor: "ServerTech", model: "Sentry4 C2S42CE-YCMFAM00",
			pdu: func(*recording) *PDUState {
				return sentry4State("C2S42CE-YCMFAM00", 3, []float64{5.60, 3.69, 5.60}, 208, 1701, 0.95, 893.7, 36, []BankState{
					{Number: 1, Phase: 1, RatedAmps: 20, Amps: 1.8, From: 1, To: 12},
					{Number: 2, Phase: 2, RatedAmps: 20, Amps: 1.9, From: 13, To: 24},
					{Number: 3, Phase: 3, RatedAmps: 20, Amps: 3.6, From: 25, To: 36},
				})
			},
			claims: []string{mib2System, "1.3.6.1.4.1.1718"}, gaps: sentry4Gaps, checks: sentry4Checks,
		},
		{
			file: "sentry4_switched8i", vendor: "servertech", model: "C2W24V-DCFA2M00",
			pdu: func(*recording) *PDUState {
				return sentry4State("C2W24V-DCFA2M00", 1, []float64{4.03}, 211.7, 806, 0.95, 3472, 24, []BankState{
					{Number: 1, Phase: 1, RatedAmps: 20, Amps: 2.0, From: 1, To: 12},
					{Number: 2, Phase: 1, RatedAmps: 20, Amps: 2.03, From: 13, To: 24},
				})
			},
			claims: []string{mib2System, "1.3.6.1.4.1.1718"}, gaps: sentry4Gaps, checks: sentry4Checks,
		},
		{
			file: "eatonpdu_2", vendor: "Eaton", model: "EMA114-10",
			pdu: func(r *recording) *PDUState {
				s := &PDUState{
					Name: "epdu", Vendor: "eaton", Model: "EMA114-10", Serial: "H619P44058", Uptime: 40 * 24 * time.Hour, Now: recorded,
					Powered: true, Phases: 1, RatedAmps: 16, Volts: 120, Frequency: 60,
					PhaseAmps: []float64{14.108}, PhaseVolts: []float64{118.45}, PhaseWatts: []float64{1584}, PowerFactor: 0.946,
					EnergyKWh: 8185.493, Outlets: 24, OutletNames: r.strings(oids.EPDUOutletName),
				}
				for _, v := range r.byLastArc(oids.EPDUOutletCurrent) {
					ma, _ := number(v)
					s.OutletAmps = append(s.OutletAmps, ma/1000)
				}
				for _, v := range r.byLastArc(oids.EPDUOutletWatts) {
					w, _ := number(v)
					s.OutletWatts = append(s.OutletWatts, w)
				}
				for _, v := range r.byLastArc(oids.EPDUOutletWh) {
					wh, _ := number(v)
					s.OutletEnergy = append(s.OutletEnergy, wh/1000)
				}
				return s
			},
			claims: []string{mib2System, "1.3.6.1.4.1.534"},
			checks: merge(systemChecks, map[string]check{
				oids.EPDUPartNumber: sameText, oids.EPDUOutletName: sameText, oids.EPDUOutletID: sameText, oids.EPDUOutletDesignator: sameText,
				oids.EPDUInputPhaseDesignator: sameText,
				oids.EPDUInputVoltage:         sameScale, oids.EPDUInputCurrent: sameScale, oids.EPDUInputCurrentCrestFactor: sameScale,
				oids.EPDUInputVoltageThLowerWarning: sameScale, oids.EPDUInputVoltageThLowerCritical: sameScale,
				oids.EPDUInputVoltageThUpperWarning: sameScale, oids.EPDUInputVoltageThUpperCritical: sameScale,
				oids.EPDUInputVA: sameScale, oids.EPDUInputWatts: sameScale, oids.EPDUInputWh: sameScale, oids.EPDUInputPowerFactor: sameScale,
				oids.EPDUInputVAR: sameScale, oids.EPDUInputTotalVA: sameScale, oids.EPDUInputTotalWatts: sameScale,
				oids.EPDUInputTotalWh: sameScale, oids.EPDUInputTotalWhTimer: sameScale, oids.EPDUInputTotalPowerFactor: sameScale,
				oids.EPDUInputTotalVAR: sameScale,
				oids.EPDUOutletCurrent: sameScale, oids.EPDUOutletCurrentCrestFactor: sameScale, oids.EPDUOutletVA: sameScale,
				oids.EPDUOutletWatts: sameScale, oids.EPDUOutletWh: sameScale, oids.EPDUOutletWhTimer: sameScale,
				oids.EPDUOutletPowerFactor: magnitude, oids.EPDUOutletVAR: magnitude,
				// The owner's choice per outlet: on(1) or lastState(2).
				oids.EPDUOutletControlPowerOnState: oneOf(0, 1, 2),
			}),
		},
	}
}
