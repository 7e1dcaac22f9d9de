package replay

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

const recordings = "testdata/recordings"

// oneLine loads "1.3.6.1.2.1.1.1.0|" + tagValue and returns its value.
func oneLine(t *testing.T, tagValue string) (mib.Value, error) {
	t.Helper()
	tab, err := Load(strings.NewReader("1.3.6.1.2.1.1.1.0|"+tagValue+"\n"), "t.snmprec")
	if err != nil {
		return mib.Value{}, err
	}
	if tab.Len() != 1 {
		t.Fatalf("Load(%q) has %d variables; want 1", tagValue, tab.Len())
	}
	return tab.Vars()[0].Value, nil
}

func TestLoadValues(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       mib.Value
	}{
		{"integer", "2|5", mib.Integer(5)},
		{"negative integer", "2|-1", mib.Integer(-1)},
		{"integer max", "2|2147483647", mib.Integer(2147483647)},
		{"integer min", "2|-2147483648", mib.Integer(-2147483648)},
		{"integer with plus", "2|+5", mib.Integer(5)},
		{"integer with leading space", "2| 5", mib.Integer(5)},
		{"integer with leading zeros", "2|0005", mib.Integer(5)},
		{"integer with underscores", "2|1_000", mib.Integer(1000)},
		{"integer minus zero", "2|-0", mib.Integer(0)},
		{"string", "4|hello world", mib.String("hello world")},
		{"empty string", "4|", mib.Bytes([]byte{})},
		{"string with pipe", "4|a|b", mib.String("a|b")},
		{"string keeps leading spaces", "4|  padded  ", mib.String("  padded")},
		{"string with hash", "4|b # not a comment", mib.String("b # not a comment")},
		{"string keeps UTF-8", "4|caf\xc3\xa9", mib.String("café")},
		{"string keeps trailing 0xA0", "4|voil\xc3\xa0", mib.String("voilà")},
		{"string with tab and NUL", "4|a\tb\x00c", mib.String("a\tb\x00c")},
		{"hex string", "4x|00C0B7e18278", mib.Bytes([]byte{0x00, 0xc0, 0xb7, 0xe1, 0x82, 0x78})},
		{"empty hex string", "4x|", mib.Bytes([]byte{})},
		{"escaped string", `4e|a\nb\x07\\\'\"\t`, mib.String("a\nb\x07\\'\"\t")},
		{"null", "5|", mib.Null()},
		{"oid", "6|1.3.6.1.4.1.318.1.3.32", mib.ObjectID(mib.MustOID("1.3.6.1.4.1.318.1.3.32"))},
		{"oid 0.0", "6|0.0", mib.ObjectID(mib.OID{0, 0})},
		{"oid with leading dot", "6|.1.3.6", mib.ObjectID(mib.OID{1, 3, 6})},
		{"oid with leading zero", "6|1.3.06", mib.ObjectID(mib.OID{1, 3, 6})},
		{"oid 2.80", "6|2.80", mib.ObjectID(mib.OID{2, 80})},
		{"ip address", "64|10.0.0.1", mib.IPAddress("10.0.0.1")},
		{"ip address with leading zeros", "64|01.02.03.004", mib.IPAddress("1.2.3.4")},
		{"hex ip address", "64x|c0a80101", mib.IPAddress("192.168.1.1")},
		{"escaped ip address", `64e|\x0a\x00\x00\x01`, mib.IPAddress("10.0.0.1")},
		{"counter32", "65|4294967295", mib.Counter32(4294967295)},
		{"gauge32", "66|0", mib.Gauge32(0)},
		{"gauge32 minus zero", "66|-0", mib.Gauge32(0)},
		{"timeticks", "67|34715820", mib.TimeTicks(34715820)},
		{"opaque", "68|abc", mib.Opaque([]byte("abc"))},
		{"hex opaque", "68x|0102", mib.Opaque([]byte{1, 2})},
		{"counter64 max", "70|18446744073709551615", mib.Counter64(18446744073709551615)},
		{"counter64 underscore", "70|1_0", mib.Counter64(10)},
		{"noSuchObject", "128|", mib.Exception(gosnmp.NoSuchObject)},
		{"noSuchInstance", "129|", mib.Exception(gosnmp.NoSuchInstance)},
		{"endOfMibView", "130|", mib.Exception(gosnmp.EndOfMibView)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := oneLine(t, tc.line)
			if err != nil {
				t.Fatalf("Load(%q): %v", tc.line, err)
			}
			if !equalValue(got, tc.want) {
				t.Errorf("Load(%q) = %v %#v; want %v %#v", tc.line, got.Type, got.Value, tc.want.Type, tc.want.Value)
			}
		})
	}
}

func equalValue(a, b mib.Value) bool {
	if a.Type != b.Type {
		return false
	}
	if ab, ok := a.Value.([]byte); ok {
		bb, ok := b.Value.([]byte)
		return ok && bytes.Equal(ab, bb)
	}
	return a.Value == b.Value
}

func TestLoadRejects(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		line          int
		want          string // part of the message
	}{
		{"no pipes", "1.3.6.1.2.1.1.1.0\n", 1, "is not OID|TAG|VALUE"},
		{"one pipe", "1.3.6.1.2.1.1.1.0|4\n", 1, "is not OID|TAG|VALUE"},
		{"empty OID", "|4|x\n", 1, `OID "": empty OID`},
		{"empty tag", "1.3.6.1.2.1.1.1.0||x\n", 1, `tag "" is not a type`},
		{"OID with leading dot", ".1.3.6.1.2.1.1.1.0|4|x\n", 1, "starts with a dot"},
		{"OID with leading zero", "1.3.6.1.2.1.1.01.0|4|x\n", 1, `arc "01" has a leading zero`},
		{"OID with space", "1.3.6.1.2.1.1.1.0 |4|x\n", 1, `arc "0 " is not a decimal number`},
		{"OID with empty arc", "1.3..6|4|x\n", 1, "empty arc"},
		{"OID arc too large", "1.3.6.4294967296|4|x\n", 1, "larger than 4294967295"},
		{"OID of one arc", "1|4|x\n", 1, "at least two arcs"},
		{"OID first arc 5", "5.5|4|x\n", 1, "first arc 5"},
		{"OID second arc 40", "1.40|4|x\n", 1, "second arc 40"},
		{"OID too long", strings.Repeat("1.", 128) + "1|4|x\n", 1, "129 arcs"},
		{"unknown tag", "1.3.6.1.2.1.1.1.0|3|x\n", 1, `tag "3" is not a type`},
		{"tag with leading zero", "1.3.6.1.2.1.1.1.0|04|x\n", 1, `tag "04" is not a type`},
		{"upper-case hex suffix", "1.3.6.1.2.1.1.1.0|4X|41\n", 1, `tag "4X" is not a type`},
		{"variation module", "1.3.6.1.2.1.1.1.0|2:numeric|min=1,max=2\n", 1, "variation module"},
		{"subtree variation module", "1.3.6.1.2.1.1|:numeric|\n", 1, "variation module"},
		{"hex integer", "1.3.6.1.2.1.1.1.0|2x|05\n", 1, "the x suffix is only for"},
		{"hex gauge", "1.3.6.1.2.1.1.1.0|66x|01\n", 1, "the x suffix is only for"},
		{"escaped integer", "1.3.6.1.2.1.1.1.0|2e|5\n", 1, "the e suffix is only for"},
		{"hex null", "1.3.6.1.2.1.1.1.0|5x|\n", 1, "the x suffix is only for"},
		{"empty integer", "1.3.6.1.2.1.1.1.0|2|\n", 1, "not a decimal integer"},
		{"word integer", "1.3.6.1.2.1.1.1.0|2|abc\n", 1, "not a decimal integer"},
		{"float integer", "1.3.6.1.2.1.1.1.0|2|5.0\n", 1, "not a decimal integer"},
		{"0x integer", "1.3.6.1.2.1.1.1.0|2|0x10\n", 1, "not a decimal integer"},
		{"double underscore", "1.3.6.1.2.1.1.1.0|2|1__0\n", 1, "not a decimal integer"},
		{"nbsp integer", "1.3.6.1.2.1.1.1.0|2|\xa05\n", 1, "not a decimal integer"},
		{"integer too large", "1.3.6.1.2.1.1.1.0|2|2147483648\n", 1, "out of range -2147483648..2147483647"},
		{"integer too small", "1.3.6.1.2.1.1.1.0|2|-2147483649\n", 1, "out of range"},
		{"huge integer", "1.3.6.1.2.1.1.1.0|2|99999999999999999999999\n", 1, "out of range"},
		{"gauge32 -1", "1.3.6.1.2.1.1.1.0|66|-1\n", 1, "Gauge32 value \"-1\": out of range 0..4294967295"},
		{"gauge32 too large", "1.3.6.1.2.1.1.1.0|66|4294967296\n", 1, "out of range"},
		{"empty gauge32", "1.3.6.1.2.1.1.1.0|66|\n", 1, "not a decimal integer"},
		{"counter32 -1", "1.3.6.1.2.1.1.1.0|65|-1\n", 1, "out of range"},
		{"timeticks -1", "1.3.6.1.2.1.1.1.0|67|-1\n", 1, "out of range"},
		{"counter64 -1", "1.3.6.1.2.1.1.1.0|70|-1\n", 1, "out of range 0..18446744073709551615"},
		{"counter64 too large", "1.3.6.1.2.1.1.1.0|70|18446744073709551616\n", 1, "out of range"},
		{"odd hex", "1.3.6.1.2.1.1.1.0|4x|414\n", 1, "odd number of hex digits"},
		{"bad hex", "1.3.6.1.2.1.1.1.0|4x|zz\n", 1, `"zz" is not a hex byte`},
		{"hex with space", "1.3.6.1.2.1.1.1.0|4x|41 4\n", 1, `" 4" is not a hex byte`},
		{"hex with plus", "1.3.6.1.2.1.1.1.0|4x|+1\n", 1, `"+1" is not a hex byte`},
		{"unknown escape", `1.3.6.1.2.1.1.1.0|4e|\q` + "\n", 1, `unknown escape \q`},
		{"truncated escape", `1.3.6.1.2.1.1.1.0|4e|\x4` + "\n", 1, `truncated \x escape`},
		{"bad hex escape", `1.3.6.1.2.1.1.1.0|4e|\xZZ` + "\n", 1, `bad escape \xZZ`},
		{"trailing backslash", `1.3.6.1.2.1.1.1.0|4e|ab\` + "\n", 1, "lone backslash"},
		{"string too long", "1.3.6.1.2.1.1.1.0|4|" + strings.Repeat("a", 65536) + "\n", 1, "65536 octets long; at most 65535"},
		{"opaque too long", "1.3.6.1.2.1.1.1.0|68x|" + strings.Repeat("00", 65536) + "\n", 1, "65536 octets long"},
		{"null with value", "1.3.6.1.2.1.1.1.0|5|x\n", 1, "NULL takes no value"},
		{"exception with value", "1.3.6.1.2.1.1.1.0|128|x\n", 1, "noSuchObject takes no value"},
		{"empty oid value", "1.3.6.1.2.1.1.1.0|6|\n", 1, "empty OID"},
		{"oid value with empty arc", "1.3.6.1.2.1.1.1.0|6|1..3\n", 1, "empty arc"},
		{"oid value with trailing dot", "1.3.6.1.2.1.1.1.0|6|1.3.\n", 1, "empty arc"},
		{"oid value with space", "1.3.6.1.2.1.1.1.0|6| 1.3\n", 1, "not a decimal number"},
		{"oid value negative", "1.3.6.1.2.1.1.1.0|6|1.3.-1\n", 1, "not a decimal number"},
		{"oid value of one arc", "1.3.6.1.2.1.1.1.0|6|1\n", 1, "at least two arcs"},
		{"oid value 1.40", "1.3.6.1.2.1.1.1.0|6|1.40\n", 1, "second arc 40"},
		{"oid value too large", "1.3.6.1.2.1.1.1.0|6|1.3.4294967296\n", 1, "larger than"},
		{"ip of 3 parts", "1.3.6.1.2.1.1.1.0|64|1.2.3\n", 1, "not a dotted IPv4 address"},
		{"ip part 256", "1.3.6.1.2.1.1.1.0|64|256.0.0.1\n", 1, `part "256" is above 255`},
		{"ip as 4 characters", "1.3.6.1.2.1.1.1.0|64|abcd\n", 1, "not a dotted IPv4 address"},
		{"ip with plus", "1.3.6.1.2.1.1.1.0|64|+1.2.3.4\n", 1, "not a dotted IPv4 address"},
		{"empty ip", "1.3.6.1.2.1.1.1.0|64|\n", 1, "not a dotted IPv4 address"},
		{"short hex ip", "1.3.6.1.2.1.1.1.0|64x|0a00\n", 1, "2 octets long; want 4"},
		{"bad line after comments", "# header\n\n  # indented comment\n1.3.6.1.2.1.1.1.0|2|x\n", 4, "not a decimal integer"},
		{"duplicate OID", "1.3.6.1.2.1.1.1.0|4|a\n1.3.6.1.2.1.1.2.0|4|b\n1.3.6.1.2.1.1.1.0|4|c\n", 3, "OID .1.3.6.1.2.1.1.1.0 is already defined on line 1"},
		{"no final newline", "1.3.6.1.2.1.1.1.0|4|a\n1.3.6.1.2.1.1.2.0|2|b", 2, "not a decimal integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Load(strings.NewReader(tc.content), "dir/x.snmprec")
			if err == nil {
				t.Fatalf("Load(%.60q) = %d variables; want an error", tc.content, tab.Len())
			}
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("Load(%.60q) = %v; want a *LineError", tc.content, err)
			}
			if le.Line != tc.line || le.Name != "dir/x.snmprec" {
				t.Errorf("Load(%.60q) error at %s:%d; want dir/x.snmprec:%d", tc.content, le.Name, le.Line, tc.line)
			}
			prefix := fmt.Sprintf("dir/x.snmprec:%d: ", tc.line)
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tc.want) {
				t.Errorf("Load(%.60q) = %q; want %q…%q", tc.content, msg, prefix, tc.want)
			}
		})
	}
}

func TestLoadSortsAndSkips(t *testing.T) {
	content := "# recorded by hand\r\n" +
		"\r\n" +
		"   \t\n" +
		"1.3.6.1.2.1.1.3.0|67|100\r\n" +
		"  1.3.6.1.2.1.1.1.0|4|first  \r\n" +
		"\t# 1.3.6.1.2.1.1.9.0|4|commented out\n" +
		"1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.318.1.3.4.6\n" +
		"1.3.6.1.2.1.1.10.0|2|10"
	tab, err := Load(strings.NewReader(content), "t.snmprec")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range tab.Vars() {
		got = append(got, fmt.Sprintf("%s=%v", v.OID, v.Value.Value))
	}
	want := []string{
		".1.3.6.1.2.1.1.1.0=[102 105 114 115 116]",
		".1.3.6.1.2.1.1.2.0=.1.3.6.1.4.1.318.1.3.4.6",
		".1.3.6.1.2.1.1.3.0=100",
		".1.3.6.1.2.1.1.10.0=10",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Load = %q; want %q", got, want)
	}
}

func TestLoadReportsEveryBadLineUpToTen(t *testing.T) {
	var b strings.Builder
	for i := range 14 {
		fmt.Fprintf(&b, "1.3.6.1.2.1.1.%d.0|2|bad\n", i+1)
	}
	_, err := Load(strings.NewReader(b.String()), "t.snmprec")
	if err == nil {
		t.Fatal("Load of 14 bad lines succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"t.snmprec:1: ", "t.snmprec:10: ", "t.snmprec: 4 more bad lines"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Load error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "t.snmprec:11:") {
		t.Errorf("Load error lists more than 10 lines:\n%s", msg)
	}
}

func TestLoadEmpty(t *testing.T) {
	tab, err := Load(strings.NewReader("# nothing recorded\n"), "t.snmprec")
	if err != nil || tab.Len() != 0 {
		t.Fatalf("Load(comment only) = %v, %v; want an empty table", tab, err)
	}
	if _, _, ok := tab.Next(mib.OID{1}); ok {
		t.Error("an empty table has a next variable")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestLoadReadError(t *testing.T) {
	_, err := Load(errReader{}, "t.snmprec")
	if err == nil || err.Error() != "reading t.snmprec: disk on fire" {
		t.Errorf("Load(failing reader) = %v; want reading t.snmprec: disk on fire", err)
	}
}

// TestLoadRecordings loads the real recordings and checks what each is known
// to hold.
func TestLoadRecordings(t *testing.T) {
	tables, err := LoadDir(recordings)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(recordings, "*"+Ext))
	if len(tables) != len(files) || len(files) != 12 {
		t.Fatalf("LoadDir(%s) = %d tables from %d files; want 12", recordings, len(tables), len(files))
	}
	for _, f := range files {
		community := strings.TrimSuffix(filepath.Base(f), Ext)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(data, []byte{'\n'})
		tab := tables[community]
		if tab == nil || tab.Len() != lines {
			t.Errorf("%s: %v variables; want one per line, %d", community, tab.Len(), lines)
			continue
		}
		if !slices.IsSortedFunc(tab.Vars(), func(a, b mib.Var) int { return mib.Compare(a.OID, b.OID) }) {
			t.Errorf("%s: variables are not in OID order", community)
		}
	}

	for _, tc := range []struct {
		community, oid string
		want           mib.Value
	}{
		{"apc_ats", "1.3.6.1.2.1.1.2.0", mib.ObjectID(mib.MustOID("1.3.6.1.4.1.318.1.3.32"))},
		{"apc_ap7900b", "1.3.6.1.2.1.2.2.1.6.2", mib.Bytes([]byte{0x00, 0xc0, 0xb7, 0xe1, 0x82, 0x78})},
		{"apc_ap7900b", "1.3.6.1.2.1.2.2.1.6.1", mib.Bytes([]byte{})},
		{"apc_ap7900b", "1.3.6.1.2.1.4.20.1.3.127.0.0.1", mib.IPAddress("255.255.255.255")},
		{"ats", "1.3.6.1.2.1.5.29.1.6.1", mib.Null()},
		{"eatonpdu_2", "1.3.6.1.2.1.1.2.0", mib.ObjectID(mib.MustOID("1.3.6.1.4.1.534.6.6.7"))},
		{"sentry4_switched8i", "1.3.6.1.2.1.4.20.1.2.11.11.11.11", mib.Integer(2)},
	} {
		v, st := tables[tc.community].Get(mib.MustOID(tc.oid))
		if st != mib.Found || !equalValue(v, tc.want) {
			t.Errorf("%s: Get(%s) = %v %#v (%v); want %v %#v", tc.community, tc.oid, v.Type, v.Value, st, tc.want.Type, tc.want.Value)
		}
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pdu-a.snmprec", "1.3.6.1.2.1.1.5.0|4|pdu-a\n")
	write("notes.txt", "not a recording")
	write(".snmprec", "1.3.6.1.2.1.1.5.0|4|no community\n")
	write("pdu-a.snmprec.bak", "garbage")
	if err := os.Mkdir(filepath.Join(dir, "sub.snmprec"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("pdu-a.snmprec", filepath.Join(dir, "pdu-b.snmprec")); err != nil {
		t.Fatal(err)
	}
	tables, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range tables {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(keys, []string{"pdu-a", "pdu-b"}) {
		t.Errorf("LoadDir communities = %q; want [pdu-a pdu-b]", keys)
	}

	write("bad.snmprec", "1.3.6.1.2.1.1.5.0|4|ok\n1.3.6.1.2.1.1.6.0|66|-1\n")
	write("worse.snmprec", "1.3.6.1.2.1.1.5.0\n")
	_, err = LoadDir(dir)
	if err == nil {
		t.Fatal("LoadDir with bad recordings succeeded")
	}
	for _, want := range []string{filepath.Join(dir, "bad.snmprec") + ":2: Gauge32", filepath.Join(dir, "worse.snmprec") + ":1: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("LoadDir error lacks %q:\n%v", want, err)
		}
	}

	if _, err := LoadDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no .snmprec recordings") {
		t.Errorf("LoadDir(empty dir) = %v; want no .snmprec recordings", err)
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "reading recordings: ") {
		t.Errorf("LoadDir(missing dir) = %v; want reading recordings: …", err)
	}
}

func BenchmarkLoadRecording(b *testing.B) {
	for _, name := range []string{"raritan-pdu_px3", "eatonpdu_2", "apc_ats"} {
		data, err := os.ReadFile(filepath.Join(recordings, name+Ext))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(bytes.NewReader(data), name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
