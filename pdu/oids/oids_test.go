package oids_test

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"feedplan/pdu/oids"
)

// consts are the package's constants as its source declares them: the
// OID strings by name, and the typed enumeration values by type.
type consts struct {
	oids  map[string]string           // identifier → OID
	enums map[string]map[string]int64 // enum type → identifier → value
}

func loadConsts(t *testing.T) consts {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var parsed []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
	}
	conf := types.Config{}
	pkg, err := conf.Check("feedplan/pdu/oids", fset, parsed, nil)
	if err != nil {
		t.Fatalf("type-checking the package: %v", err)
	}
	c := consts{oids: map[string]string{}, enums: map[string]map[string]int64{}}
	for _, name := range pkg.Scope().Names() {
		k, ok := pkg.Scope().Lookup(name).(*types.Const)
		if !ok || !k.Exported() {
			continue
		}
		switch k.Val().Kind() {
		case constant.String:
			c.oids[name] = constant.StringVal(k.Val())
		case constant.Int:
			if named, ok := k.Type().(*types.Named); ok {
				v, _ := constant.Int64Val(k.Val())
				tn := named.Obj().Name()
				if c.enums[tn] == nil {
					c.enums[tn] = map[string]int64{}
				}
				c.enums[tn][name] = v
			}
		}
	}
	return c
}

var dotted = regexp.MustCompile(`^1\.3\.6\.1\.(2\.1|4\.1)(\.[0-9]+)+$`)

// TestWellFormed checks that every OID is dotted-numeric without a leading
// dot or an instance, and that no two names share an OID.
func TestWellFormed(t *testing.T) {
	c := loadConsts(t)
	if len(c.oids) < 500 {
		t.Fatalf("found %d OID constants; the parser missed some", len(c.oids))
	}
	seen := map[string]string{}
	for name, oid := range c.oids {
		if !dotted.MatchString(oid) {
			t.Errorf("%s = %q: want a dotted OID under mib-2 or enterprises, no leading dot", name, oid)
		}
		if prev, dup := seen[oid]; dup {
			t.Errorf("%s and %s are both %s", name, prev, oid)
		}
		seen[oid] = name
	}
	// Spot checks from NOTES.md, in case the parser and the MIB agree on
	// something wrong.
	for _, tc := range []struct{ got, want string }{
		{oids.RPDU2PhaseStatusCurrent, "1.3.6.1.4.1.318.1.1.26.6.3.1.5"},
		{oids.RPDU2OutletSwitchedControlCommand, "1.3.6.1.4.1.318.1.1.26.9.2.4.1.5"},
		{oids.RPDULoadStatusLoad, "1.3.6.1.4.1.318.1.1.12.2.3.1.1.2"},
		{oids.SPDUOutletCtl, "1.3.6.1.4.1.318.1.1.4.4.2.1.3"},
		{oids.ATSStatusSelectedSource, "1.3.6.1.4.1.318.1.1.8.5.1.2"},
		{oids.ATSConfigPreferredSource, "1.3.6.1.4.1.318.1.1.8.4.2"},
		{oids.PDU2SwitchingOperation, "1.3.6.1.4.1.13742.6.4.1.2.1.2"},
		{oids.St4OutletControlAction, "1.3.6.1.4.1.1718.4.1.8.5.1.2"},
		{oids.EPDUOutletControlOffCmd, "1.3.6.1.4.1.534.6.6.7.6.6.1.3"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s; want %s", tc.got, tc.want)
		}
	}
}

// mibDirs is where the vendor MIBs copied from LibreNMS live (see
// ../shared/snmp/SOURCES.md).
func mibDirs(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../../shared/snmp/mibs")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "PowerNet-MIB")); err != nil {
		t.Fatalf("the vendor MIBs are missing (want ../shared/snmp/mibs beside the repository): %v", err)
	}
	return filepath.Join(dir, "base") + ":" + dir
}

// snmptranslate runs net-snmp's snmptranslate over oids with the given
// output flags and returns one non-empty block of output per OID.
func snmptranslate(t *testing.T, flags []string, oidList []string) []string {
	t.Helper()
	bin, err := exec.LookPath("snmptranslate")
	if err != nil {
		t.Fatal("snmptranslate is missing: install net-snmp's clients (Debian: apt-get install snmp)")
	}
	args := append([]string{"-m", "ALL", "-M", mibDirs(t)}, flags...)
	for _, o := range oidList {
		args = append(args, "."+o)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "MIBS=", "MIBDIRS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("snmptranslate: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// vendorPrefix is what an identifier adds to a MIB name that has no
// vendor prefix of its own.
var vendorPrefix = regexp.MustCompile(`^(PDU2|EPDU)`)

// TestNamesMatchMIB translates every OID with the vendors' MIBs and checks
// that the identifier is the object's name: a wrong arc anywhere shows up
// as a different name.
func TestNamesMatchMIB(t *testing.T) {
	c := loadConsts(t)
	var names []string
	for name := range c.oids {
		if strings.HasPrefix(name, "SysObjectID") || name == "APCModuleFirmwareRev" {
			continue // registrations and an object outside PowerNet-MIB v4.5.8
		}
		names = append(names, name)
	}
	slices.Sort(names)
	var list []string
	for _, n := range names {
		list = append(list, c.oids[n])
	}
	got := snmptranslate(t, []string{"-Os"}, list)
	if len(got) != len(names) {
		t.Fatalf("snmptranslate returned %d names for %d OIDs", len(got), len(names))
	}
	for i, name := range names {
		want := strings.ToLower(vendorPrefix.ReplaceAllString(name, ""))
		if mib := strings.ToLower(got[i]); mib != want {
			t.Errorf("%s = %s is %s in the MIB", name, c.oids[name], got[i])
		}
	}
}

// enumObjects ties each enumeration type to a MIB object whose SYNTAX it
// mirrors.
var enumObjects = map[string]string{
	"RPDU2LoadState":              oids.RPDU2DeviceStatusLoadState,
	"RPDU2PowerSupplyAlarm":       oids.RPDU2DeviceStatusPowerSupplyAlarm,
	"RPDU2PowerSupplyStatus":      oids.RPDU2DeviceStatusPowerSupply2Status,
	"RPDU2CommandPending":         oids.RPDU2DeviceStatusCommandPending,
	"RPDU2OutletState":            oids.RPDU2OutletSwitchedStatusState,
	"RPDU2OutletCommand":          oids.RPDU2OutletSwitchedControlCommand,
	"RPDU2DeviceCommand":          oids.RPDU2DeviceControlCommand,
	"RPDU2PhaseLayout":            oids.RPDU2BankPropertiesPhaseLayout,
	"RPDU2OverloadRestriction":    oids.RPDU2PhaseConfigOverloadRestriction,
	"RPDULoadState":               oids.RPDULoadStatusLoadState,
	"RPDULoadAlarm":               oids.RPDULoadPhaseConfigAlarm,
	"RPDUOutletState":             oids.RPDUOutletStatusOutletState,
	"RPDUOutletPhase":             oids.RPDUOutletStatusOutletPhase,
	"RPDUOutletCommand":           oids.RPDUOutletControlOutletCommand,
	"RPDUDeviceCommand":           oids.RPDUOutletDevCommand,
	"SPDUOutletCommand":           oids.SPDUOutletCtl,
	"SPDUMasterCommand":           oids.SPDUMasterControlSwitch,
	"ATSSource":                   oids.ATSConfigPreferredSource,
	"ATSRedundancy":               oids.ATSStatusRedundancyState,
	"ATSFailOK":                   oids.ATSStatusSwitchStatus,
	"ATSLoadState":                oids.ATSOutputPhaseState,
	"ATSBank":                     oids.ATSOutputBank,
	"ATSVoltageOrientation":       oids.ATSInputVoltageOrientation,
	"PDU2SensorUnits":             oids.PDU2InletSensorConfigurationEntry + ".6", // inletSensorUnits
	"PDU2SensorState":             oids.PDU2OutletSwitchingState,
	"PDU2SwitchingOperationValue": oids.PDU2SwitchingOperation,
	"PDU2TruthValue":              oids.PDU2OutletSwitchable,
	"PDU2OCPTypeValue":            oids.PDU2OverCurrentProtectorType,
	"PDU2LineValue":               oids.PDU2InletPoleLine,
	"St4DeviceState":              oids.St4OutletState,
	"St4DeviceStatus":             oids.St4OutletStatus,
	"St4UnitTypeValue":            oids.St4UnitType,
	"St4OutletControlStateValue":  oids.St4OutletControlState,
	"St4OutletAction":             oids.St4OutletControlAction,
	"EPDUOutletStatus":            oids.EPDUOutletControlStatus,
	"EPDUThStatus":                oids.EPDUOutletCurrentThStatus,
	"EPDUMeasType":                oids.EPDUInputVoltageMeasType,
	"EPDUUnitTypeValue":           oids.EPDUUnitType,
	"EPDUGroupTypeValue":          oids.EPDUGroupType,
	"PDU2SensorType":              "", // an index, not a column: checked in TestSensorTypes
}

var enumValue = regexp.MustCompile(`([A-Za-z0-9-]+)\((-?[0-9]+)\)`)

// TestEnumsMatchMIB checks every typed enumeration constant against the
// MIB's SYNTAX: the value must be one the object defines, under a label
// the constant's name contains (or that contains it).
func TestEnumsMatchMIB(t *testing.T) {
	c := loadConsts(t)
	var typesList []string
	for tn := range c.enums {
		obj, ok := enumObjects[tn]
		if !ok {
			t.Errorf("enumeration %s has no MIB object in enumObjects", tn)
			continue
		}
		if obj != "" {
			typesList = append(typesList, tn)
		}
	}
	slices.Sort(typesList)
	var list []string
	for _, tn := range typesList {
		list = append(list, enumObjects[tn])
	}
	var syntax []string
	for _, line := range snmptranslate(t, []string{"-Td"}, list) {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "SYNTAX"); ok {
			syntax = append(syntax, s)
		}
	}
	if len(syntax) != len(typesList) {
		t.Fatalf("snmptranslate -Td gave %d SYNTAX lines for %d objects", len(syntax), len(typesList))
	}
	for i, tn := range typesList {
		labels := map[int64]string{}
		for _, m := range enumValue.FindAllStringSubmatch(syntax[i], -1) {
			v, _ := strconv.ParseInt(m[2], 10, 64)
			labels[v] = strings.ToLower(strings.ReplaceAll(m[1], "-", ""))
		}
		for name, v := range c.enums[tn] {
			label, ok := labels[v]
			if !ok {
				t.Errorf("%s = %d: %s defines no such value (%s)", name, v, enumObjects[tn], syntax[i])
				continue
			}
			if !labelMatches(name, label) {
				t.Errorf("%s = %d is %q in the MIB", name, v, label)
			}
		}
	}
}

// labelAliases are the constants whose names say the MIB label otherwise.
var labelAliases = map[string]string{
	"RPDU2LoadNotSupp":             "notsupported",
	"RPDU2OverloadRestrictNotSupp": "notsupported",
	"RPDU2PowerSupplyAlarmActive":  "alarm",
	"RPDU2CommandPendingYes":       "commandpending",
	"RPDUPhase12":                  "phase12",
	"RPDUPhase23":                  "phase23",
	"RPDUPhase31":                  "phase31",
	"ATSFullyRedundant":            "atsfullyredundant",
	"ATSRedundancyLost":            "atsredundancylost",
	"ATSOrientationUnknown":        "unknown",
	"ATSLoadLow":                   "lowload",
	"PDU2OCPBreaker1Pole":          "ocpbreaker1pole",
	"St4ControlIdleOff":            "idleoff",
}

func labelMatches(name, label string) bool {
	if a, ok := labelAliases[name]; ok {
		return a == label
	}
	n := strings.ToLower(name)
	return strings.HasSuffix(n, label) || strings.Contains(n, label) || strings.Contains(label, strings.ToLower(vendorStrip(name)))
}

// vendorStrip drops the identifier's vendor and type prefix, leaving the
// part that should name the label.
func vendorStrip(name string) string {
	for _, p := range []string{"RPDU2", "RPDU", "SPDU", "ATS", "PDU2", "St4", "EPDU"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return rest
		}
	}
	return name
}

// TestSensorTypes checks PDU2SensorType against SensorTypeEnumeration.
func TestSensorTypes(t *testing.T) {
	c := loadConsts(t)
	// sensorType, the index column of unitSensorConfigurationTable, has
	// the TC's SYNTAX.
	lines := snmptranslate(t, []string{"-Td"}, []string{"1.3.6.1.4.1.13742.6.3.2.5.1.1"})
	var syntax string
	for _, l := range lines {
		if s, ok := strings.CutPrefix(strings.TrimSpace(l), "SYNTAX"); ok {
			syntax = s
		}
	}
	labels := map[int64]string{}
	for _, m := range enumValue.FindAllStringSubmatch(syntax, -1) {
		v, _ := strconv.ParseInt(m[2], 10, 64)
		labels[v] = strings.ToLower(m[1])
	}
	if len(labels) < 40 {
		t.Fatalf("sensorType SYNTAX has %d labels: %q", len(labels), syntax)
	}
	for name, v := range c.enums["PDU2SensorType"] {
		if got := labels[v]; got != strings.ToLower(strings.TrimPrefix(name, "PDU2")) {
			t.Errorf("%s = %d is %q in PDU2-MIB", name, v, got)
		}
	}
}
