package profile

import (
	"bufio"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

// recording is a .snmprec file read for the tests (the simulator's
// replayer has its own reader; the tests do not depend on it).
type recording struct {
	vars  []mib.Var
	byOID map[string]mib.Value
}

// snmprecTags maps the recordings' tags (BER class+form+number) to types.
var snmprecTags = map[string]gosnmp.Asn1BER{
	"2": gosnmp.Integer, "4": gosnmp.OctetString, "5": gosnmp.Null, "6": gosnmp.ObjectIdentifier,
	"64": gosnmp.IPAddress, "65": gosnmp.Counter32, "66": gosnmp.Gauge32, "67": gosnmp.TimeTicks, "70": gosnmp.Counter64,
}

// readSnmprec reads OID|TAG|VALUE lines: tags 2, 4 (4x hex), 5, 6, 64,
// 65, 66, 67 and 70, as NOTES §3 describes them.
func readSnmprec(t *testing.T, path string) *recording {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := &recording{byOID: map[string]mib.Value{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			t.Fatalf("%s:%d: want OID|TAG|VALUE, got %q", path, n, line)
		}
		oid, err := mib.ParseOID(parts[0])
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		tag, hexed := parts[1], false
		if t2, ok := strings.CutSuffix(tag, "x"); ok {
			tag, hexed = t2, true
		}
		typ, ok := snmprecTags[tag]
		if !ok {
			t.Fatalf("%s:%d: tag %q is not one this reader knows", path, n, parts[1])
		}
		raw := parts[2]
		if hexed {
			b, err := hex.DecodeString(raw)
			if err != nil {
				t.Fatalf("%s:%d: hex value: %v", path, n, err)
			}
			raw = string(b)
		}
		v := mib.Value{Type: typ}
		switch typ {
		case gosnmp.Integer:
			i, err := strconv.Atoi(raw)
			if err != nil {
				t.Fatalf("%s:%d: INTEGER %q: %v", path, n, raw, err)
			}
			v.Value = i
		case gosnmp.Counter32, gosnmp.Gauge32, gosnmp.TimeTicks:
			u, err := strconv.ParseUint(raw, 10, 32)
			if err != nil {
				t.Fatalf("%s:%d: %v %q: %v", path, n, typ, raw, err)
			}
			v.Value = uint32(u)
		case gosnmp.Counter64:
			u, err := strconv.ParseUint(raw, 10, 64)
			if err != nil {
				t.Fatalf("%s:%d: Counter64 %q: %v", path, n, raw, err)
			}
			v.Value = u
		case gosnmp.OctetString:
			v.Value = []byte(raw)
		case gosnmp.ObjectIdentifier:
			v.Value = "." + strings.TrimPrefix(raw, ".")
		case gosnmp.IPAddress:
			v.Value = raw
		}
		r.vars = append(r.vars, mib.Var{OID: oid, Value: v})
		r.byOID[oid.String()] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(r.vars) == 0 {
		t.Fatalf("%s: no variables", path)
	}
	return r
}

// column returns the rows of a column (or an object's instances) by their
// index, as "1" or "1.1.3".
func (r *recording) column(col string) map[string]mib.Value {
	prefix := "." + col + "."
	rows := map[string]mib.Value{}
	for _, v := range r.vars {
		if s := v.OID.String(); strings.HasPrefix(s, prefix) {
			rows[s[len(prefix):]] = v.Value
		}
	}
	return rows
}

// number is a numeric value as a float (0 and false for other types).
func number(v mib.Value) (float64, bool) {
	switch x := v.Value.(type) {
	case int:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint:
		return float64(x), true
	}
	return 0, false
}

func TestReadSnmprec(t *testing.T) {
	r := readSnmprec(t, "testdata/apc_ap7900b.snmprec")
	for _, tc := range []struct {
		oid  string
		want mib.Value
	}{
		{".1.3.6.1.2.1.1.2.0", mib.ObjectID(mib.MustOID("1.3.6.1.4.1.318.1.3.4.8"))},
		{".1.3.6.1.4.1.318.1.1.12.2.3.1.1.2.1", mib.Gauge32(28)},
		{".1.3.6.1.4.1.318.1.1.26.4.3.1.5.1", mib.Integer(-1)},
		{".1.3.6.1.2.1.2.2.1.6.2", mib.Bytes([]byte{0x00, 0xc0, 0xb7, 0xe1, 0x82, 0x78})}, // 4x
		{".1.3.6.1.2.1.4.20.1.3.127.0.0.1", mib.IPAddress("255.255.255.255")},
		{".1.3.6.1.2.1.4.31.1.1.4.2", mib.Counter64(3)},
	} {
		got, ok := r.byOID[tc.oid]
		if !ok || got.Type != tc.want.Type || !sameValue(got, tc.want) {
			t.Errorf("readSnmprec(apc_ap7900b)[%s] = %v (%v); want %v (%v)", tc.oid, got.Value, got.Type, tc.want.Value, tc.want.Type)
		}
	}
}

func sameValue(a, b mib.Value) bool {
	if x, ok := a.Value.([]byte); ok {
		y, ok := b.Value.([]byte)
		return ok && string(x) == string(y)
	}
	return a.Value == b.Value
}
