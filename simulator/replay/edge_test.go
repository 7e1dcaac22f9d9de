package replay

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"feedplan/simulator/mib"
	"feedplan/simulator/snmpsimtest"
)

// What snmpwalk prints for snmpsimd's answers that are not values.
const (
	eom      = "No more variables left in this MIB View (It is past the end of the MIB tree)"
	timedOut = "timeout" // no answer at all: snmpsimd could not encode its response
)

// edgeCase is one odd line, served by snmpsimd and loaded by Load.
type edgeCase struct {
	name string
	// line is "TAG|VALUE" for .1.3.6.1.2.1.1.1.0, followed in the file by
	// 1.3.6.1.2.1.1.2.0|2|7; file, when set, is the whole recording.
	line, file string
	// snmpsimd is what snmpwalk prints for the first variable snmpsimd
	// serves (after " = ", trailing spaces trimmed).
	snmpsimd string
	// err is "" when Load accepts the line; then our walk must print exactly
	// what snmpsimd's does. Otherwise it is part of Load's error.
	err string
	// ours, when set, is what we serve instead of snmpsimd's value: a
	// deliberate difference (why says why).
	ours, why string
}

const exceptionInWalk = "a GETNEXT response carries the next variable with a value, never an exception (RFC 3416 4.2.2)"

const lenient = "Python's int() leniency, not a format anyone writes; refused rather than guessed"

var edgeCases = []edgeCase{
	// Integers are read by Python's int(): sign, spaces, zeros, underscores.
	{name: "integer", line: "2|5", snmpsimd: "INTEGER: 5"},
	{name: "integer negative", line: "2|-5", snmpsimd: "INTEGER: -5"},
	{name: "integer plus", line: "2|+5", snmpsimd: "INTEGER: 5"},
	{name: "integer leading space", line: "2| 5", snmpsimd: "INTEGER: 5"},
	{name: "integer leading zeros", line: "2|0005", snmpsimd: "INTEGER: 5"},
	{name: "integer underscore", line: "2|1_000", snmpsimd: "INTEGER: 1000"},
	{name: "integer minus zero", line: "2|-0", snmpsimd: "INTEGER: 0"},
	{name: "integer max", line: "2|2147483647", snmpsimd: "INTEGER: 2147483647"},
	{name: "integer min", line: "2|-2147483648", snmpsimd: "INTEGER: -2147483648"},
	// snmpsimd quirk: a value it cannot evaluate makes GETNEXT answer
	// endOfMibView, so every walk ends there, hiding the lines after it.
	{name: "integer above int32", line: "2|2147483648", snmpsimd: eom, err: "out of range -2147483648..2147483647"},
	{name: "integer below int32", line: "2|-2147483649", snmpsimd: eom, err: "out of range"},
	{name: "integer empty", line: "2|", snmpsimd: eom, err: "not a decimal integer"},
	{name: "integer word", line: "2|abc", snmpsimd: eom, err: "not a decimal integer"},
	{name: "integer float", line: "2|5.0", snmpsimd: eom, err: "not a decimal integer"},
	{name: "integer 0x", line: "2|0x10", snmpsimd: eom, err: "not a decimal integer"},
	{name: "integer after nbsp", line: "2|\xa05", snmpsimd: "INTEGER: 5", err: "not a decimal integer", why: lenient},

	{name: "gauge32 max", line: "66|4294967295", snmpsimd: "Gauge32: 4294967295"},
	{name: "gauge32 minus zero", line: "66|-0", snmpsimd: "Gauge32: 0"},
	{name: "gauge32 -1", line: "66|-1", snmpsimd: eom, err: "out of range 0..4294967295"},
	{name: "gauge32 above max", line: "66|4294967296", snmpsimd: eom, err: "out of range"},
	{name: "gauge32 empty", line: "66|", snmpsimd: eom, err: "not a decimal integer"},
	{name: "counter32 max", line: "65|4294967295", snmpsimd: "Counter32: 4294967295"},
	{name: "counter32 -1", line: "65|-1", snmpsimd: eom, err: "out of range"},
	{name: "timeticks max", line: "67|4294967295", snmpsimd: "Timeticks: (4294967295) 497 days, 2:27:52.95"},
	{name: "timeticks -1", line: "67|-1", snmpsimd: eom, err: "out of range"},
	{name: "counter64 max", line: "70|18446744073709551615", snmpsimd: "Counter64: 18446744073709551615"},
	{name: "counter64 underscore", line: "70|1_0", snmpsimd: "Counter64: 10"},
	{name: "counter64 -1", line: "70|-1", snmpsimd: eom, err: "out of range"},
	{name: "counter64 above max", line: "70|18446744073709551616", snmpsimd: eom, err: "out of range"},

	// Strings are the bytes of the line, stripped at both ends.
	{name: "string empty", line: "4|", snmpsimd: `""`},
	{name: "string", line: "4|hello world", snmpsimd: "Hex-STRING: 68 65 6C 6C 6F 20 77 6F 72 6C 64"},
	{name: "string stripped at the end only", line: "4|  padded  ", snmpsimd: "Hex-STRING: 20 20 70 61 64 64 65 64"},
	{name: "string with pipe", line: "4|a|b", snmpsimd: "Hex-STRING: 61 7C 62"},
	{name: "string with hash", line: "4|b # no comment", snmpsimd: "Hex-STRING: 62 20 23 20 6E 6F 20 63 6F 6D 6D 65 6E 74"},
	{name: "string utf-8", line: "4|caf\xc3\xa9", snmpsimd: "Hex-STRING: 63 61 66 C3 A9"},
	{name: "string 0xff", line: "4|\xff", snmpsimd: "Hex-STRING: FF"},
	{name: "string tab NUL", line: "4|a\tb\x00c", snmpsimd: "Hex-STRING: 61 09 62 00 63"},
	{name: "string trailing 0x1c", line: "4|x\x1c", snmpsimd: "Hex-STRING: 78"},
	// snmpsimd bug: it decodes each line as Latin-1 and strips it as
	// Unicode text, so 0x85 and 0xA0 count as whitespace too: the last
	// byte of a UTF-8 "à" (C3 A0) at the end of a string is lost.
	{name: "string trailing utf-8 à", line: "4|voil\xc3\xa0", snmpsimd: "Hex-STRING: 76 6F 69 6C C3",
		ours: "Hex-STRING: 76 6F 69 6C C3 A0", why: "snmpsimd cuts a UTF-8 character in half; we keep the bytes recorded"},
	{name: "string trailing 0x85", line: "4|x\x85", snmpsimd: "Hex-STRING: 78",
		ours: "Hex-STRING: 78 85", why: "0x85 is not whitespace in a byte string"},
	{name: "hex", line: "4x|4142", snmpsimd: "Hex-STRING: 41 42"},
	{name: "hex lower case", line: "4x|4a4b", snmpsimd: "Hex-STRING: 4A 4B"},
	{name: "hex empty", line: "4x|", snmpsimd: `""`},
	{name: "hex odd", line: "4x|414", snmpsimd: "Hex-STRING: 41 40", err: "odd number of hex digits",
		why: "snmpsimd pads the last nibble with 0; an odd count is a damaged recording"},
	{name: "hex plus", line: "4x|+1", snmpsimd: "Hex-STRING: 01", err: "not a hex byte", why: lenient},
	{name: "hex with space", line: "4x|41 42", snmpsimd: "Hex-STRING: 41 04 20", err: "odd number of hex digits", why: lenient},
	{name: "hex pair with space", line: "4x| 1", snmpsimd: "Hex-STRING: 01", err: "not a hex byte", why: lenient},
	{name: "hex not hex", line: "4x|zz", snmpsimd: eom, err: "not a hex byte"},
	{name: "hex 0x", line: "4x|0x41", snmpsimd: eom, err: "not a hex byte"},
	{name: "escaped", line: `4e|a\nb`, snmpsimd: "Hex-STRING: 61 0A 62"},
	{name: "escaped hex", line: `4e|\x41B`, snmpsimd: "Hex-STRING: 41 42"},
	{name: "escaped unknown", line: `4e|\q`, snmpsimd: eom, err: `unknown escape \q`},
	{name: "escaped truncated", line: `4e|\x4`, snmpsimd: `""`, err: `truncated \x escape`,
		why: "snmpsimd silently drops the half escape"},
	{name: "escaped trailing backslash", line: `4e|ab\`, snmpsimd: "Hex-STRING: 61 62", err: "lone backslash",
		why: "snmpsimd silently drops the backslash"},
	{name: "opaque", line: "68|abc", snmpsimd: "OPAQUE: 61 62 63"},
	{name: "opaque hex", line: "68x|0102", snmpsimd: "OPAQUE: 01 02"},
	{name: "opaque empty", line: "68|", snmpsimd: "OPAQUE:"},

	{name: "null", line: "5|", snmpsimd: "NULL"},
	{name: "null with value", line: "5|x", snmpsimd: eom, err: "NULL takes no value"},
	{name: "null hex", line: "5x|", snmpsimd: "NULL", err: "the x suffix is only for",
		why: "hex makes no sense for NULL, and crashes snmpsimd on the numeric types"},
	// A recorded exception is served to a GET; a walk (GETNEXT) passes over
	// it to the next variable, as RFC 3416 4.2.2 wants, where snmpsimd
	// answers GETNEXT with the exception itself.
	{name: "noSuchObject", line: "128|", snmpsimd: "No Such Object available on this agent at this OID", ours: "INTEGER: 7", why: exceptionInWalk},
	{name: "noSuchInstance", line: "129|", snmpsimd: "No Such Instance currently exists at this OID", ours: "INTEGER: 7", why: exceptionInWalk},
	{name: "endOfMibView", line: "130|", snmpsimd: eom, ours: "INTEGER: 7", why: exceptionInWalk},
	{name: "noSuchObject with value", line: "128|x", snmpsimd: eom, err: "noSuchObject takes no value"},

	// OID values: pyasn1 drops empty arcs; unencodable ones make snmpsimd
	// drop its response (the manager times out).
	{name: "oid", line: "6|1.3.6.1", snmpsimd: "OID: .1.3.6.1"},
	{name: "oid 0.0", line: "6|0.0", snmpsimd: "OID: .0.0"},
	{name: "oid leading dot", line: "6|.1.3.6", snmpsimd: "OID: .1.3.6"},
	{name: "oid leading zero", line: "6|1.3.06", snmpsimd: "OID: .1.3.6"},
	{name: "oid 2.80", line: "6|2.80", snmpsimd: "OID: .2.80"},
	{name: "oid double dot", line: "6|1..3", snmpsimd: "OID: .1.3", err: "empty arc", why: lenient},
	{name: "oid trailing dot", line: "6|1.3.", snmpsimd: "OID: .1.3", err: "empty arc", why: lenient},
	{name: "oid leading space", line: "6| 1.3", snmpsimd: "OID: .1.3", err: "not a decimal number", why: lenient},
	{name: "oid negative", line: "6|1.3.-1", snmpsimd: eom, err: "not a decimal number"},
	{name: "oid empty", line: "6|", snmpsimd: timedOut, err: "empty OID"},
	{name: "oid one arc", line: "6|1", snmpsimd: timedOut, err: "at least two arcs"},
	{name: "oid 1.40", line: "6|1.40", snmpsimd: timedOut, err: "second arc 40"},
	{name: "oid 5.5", line: "6|5.5", snmpsimd: timedOut, err: "first arc 5"},
	{name: "oid arc above 2^32", line: "6|1.3.4294967296", snmpsimd: timedOut, err: "larger than 4294967295"},

	{name: "ip", line: "64|10.0.0.1", snmpsimd: "IpAddress: 10.0.0.1"},
	{name: "ip leading zeros", line: "64|01.02.03.04", snmpsimd: "IpAddress: 1.2.3.4"},
	{name: "ip hex", line: "64x|0a000001", snmpsimd: "IpAddress: 10.0.0.1"},
	{name: "ip escaped", line: `64e|\x0a\x00\x00\x01`, snmpsimd: "IpAddress: 10.0.0.1"},
	{name: "ip 256", line: "64|256.0.0.1", snmpsimd: eom, err: "above 255"},
	{name: "ip three parts", line: "64|1.2.3", snmpsimd: eom, err: "not a dotted IPv4 address"},
	{name: "ip empty", line: "64|", snmpsimd: eom, err: "not a dotted IPv4 address"},
	{name: "ip hex short", line: "64x|0a00", snmpsimd: eom, err: "2 octets long; want 4"},
	{name: "ip plus", line: "64|+1.2.3.4", snmpsimd: "IpAddress: 1.2.3.4", err: "not a dotted IPv4 address", why: lenient},
	// snmpsimd quirk: pysnmp takes any 4-character IpAddress text as the
	// 4 raw octets.
	{name: "ip four characters", line: "64|abcd", snmpsimd: "IpAddress: 97.98.99.100", err: "not a dotted IPv4 address",
		why: "an accident of pysnmp, not an address"},
	{name: "ip 1.23", line: "64|1.23", snmpsimd: "IpAddress: 49.46.50.51", err: "not a dotted IPv4 address",
		why: "an accident of pysnmp, not an address"},

	{name: "tag 3", line: "3|x", snmpsimd: eom, err: `tag "3" is not a type`},
	{name: "tag 99", line: "99|x", snmpsimd: eom, err: `tag "99" is not a type`},
	{name: "tag 04", line: "04|x", snmpsimd: eom, err: `tag "04" is not a type`},
	{name: "tag 4X", line: "4X|41", snmpsimd: eom, err: `tag "4X" is not a type`},
	{name: "tag escaped integer", line: "2e|5", snmpsimd: eom, err: "the e suffix is only for"},
	{name: "variation module", line: "2:writecache|value=7", snmpsimd: "INTEGER: 7", err: "variation module",
		why: "variation modules are snmpsimd's Python plug-ins; feedplan does not run them"},

	// The OID of a line: snmpsimd finds lines by their exact text, so a
	// non-canonical OID is never found, and a walk ends before it.
	{name: "line OID leading dot", file: ".1.3.6.1.2.1.1.1.0|4|a\n1.3.6.1.2.1.1.2.0|2|7\n", snmpsimd: eom, err: "starts with a dot"},
	{name: "line OID leading zero", file: "1.3.6.1.2.1.1.01.0|4|a\n1.3.6.1.2.1.1.2.0|2|7\n", snmpsimd: eom, err: "leading zero"},
	{name: "line OID trailing space", file: "1.3.6.1.2.1.1.1.0 |4|a\n1.3.6.1.2.1.1.2.0|2|7\n", snmpsimd: eom, err: "not a decimal number"},
	{name: "line comments blanks CRLF", file: "# c\r\n\r\n \t\n  # indented\n  1.3.6.1.2.1.1.1.0|4|a\r\n1.3.6.1.2.1.1.2.0|2|7", snmpsimd: "Hex-STRING: 61"},
	// snmpsimd quirk: GET of a duplicated OID serves the last line, GETNEXT
	// the first.
	{name: "line duplicate OID", file: "1.3.6.1.2.1.1.1.0|4|b1\n1.3.6.1.2.1.1.1.0|4|b2\n1.3.6.1.2.1.1.2.0|2|7\n",
		snmpsimd: "Hex-STRING: 62 31", err: "already defined on line 1",
		why: "which line wins depends on the request in snmpsimd; a duplicate is a damaged recording"},
}

var nonCommunity = regexp.MustCompile(`[^a-z0-9]+`)

func (c edgeCase) community() string {
	return strings.Trim(nonCommunity.ReplaceAllString(c.name, "-"), "-")
}

func (c edgeCase) content() string {
	if c.file != "" {
		return c.file
	}
	return "1.3.6.1.2.1.1.1.0|" + c.line + "\n1.3.6.1.2.1.1.2.0|2|7\n"
}

// firstValue is what a walk printed for its first variable.
func firstValue(r walkResult) string {
	if r.stdout == "" && strings.Contains(r.stderr, "Timeout") {
		return timedOut
	}
	first, _, _ := strings.Cut(r.stdout, "\n.")
	_, v, _ := strings.Cut(first, " = ")
	return strings.TrimRight(v, " \n")
}

// TestReplayEdgeParity serves each odd line on snmpsimd and checks what it
// makes of it against what Load does: a line Load accepts walks exactly as
// on snmpsimd; a line it refuses is one snmpsimd cannot serve, or a
// difference the case explains.
func TestReplayEdgeParity(t *testing.T) {
	t.Parallel()
	needWalkTools(t)
	files := make(map[string][]byte)
	tables := make(map[string]*mib.Table)
	for _, c := range edgeCases {
		if _, dup := files[c.community()]; dup {
			t.Fatalf("two edge cases are community %q", c.community())
		}
		files[c.community()] = []byte(c.content())
		if tab, err := Load(strings.NewReader(c.content()), c.community()+Ext); err == nil {
			tables[c.community()] = tab
		}
	}
	sim := snmpsimtest.Start(t, files, edgeCases[0].community())
	ours := serve(t, tables)

	for _, c := range edgeCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want := walk(t, "snmpwalk", sim.Addr, c.community(), 0, 1)
			if got := firstValue(want); got != c.snmpsimd {
				t.Errorf("snmpsimd serves %q as %q; this test expected %q (stderr %q)", c.content(), got, c.snmpsimd, want.stderr)
			}
			_, err := Load(strings.NewReader(c.content()), c.community()+Ext)
			switch {
			case c.err != "":
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("Load(%q) = %v; want an error with %q", c.content(), err, c.err)
				}
				if c.snmpsimd != eom && c.snmpsimd != timedOut && c.why == "" {
					t.Errorf("Load refuses %q, which snmpsimd serves as %q: say why", c.content(), c.snmpsimd)
				}
			case err != nil:
				t.Errorf("Load(%q): %v", c.content(), err)
			case c.ours != "":
				got := walk(t, "snmpwalk", ours, c.community(), 0, 1)
				if v := firstValue(got); v != c.ours {
					t.Errorf("we serve %q as %q; want %q (%s)", c.content(), v, c.ours, c.why)
				}
			default:
				got := walk(t, "snmpwalk", ours, c.community(), 0, 1)
				if got != want {
					t.Errorf("%q: ours (exit %d, %q) differs from snmpsimd (exit %d, %q):\n%s",
						c.content(), got.exit, got.stderr, want.exit, want.stderr, firstDiff(want.stdout, got.stdout))
				}
			}
		})
	}
}

// TestSnmpsimdCrashesOnHexInteger documents why Load refuses an x (or e)
// suffix on a non-string type: one GET of such a line ends the whole
// snmpsimd process (pyasn1 builds an Integer schema without a value, and
// logging the response raises).
func TestSnmpsimdCrashesOnHexInteger(t *testing.T) {
	t.Parallel()
	needWalkTools(t)
	const content = "1.3.6.1.2.1.1.1.0|2x|05\n1.3.6.1.2.1.1.2.0|2|7\n"
	if _, err := Load(strings.NewReader(content), "hexint"+Ext); err == nil || !strings.Contains(err.Error(), "the x suffix is only for") {
		t.Errorf("Load(%q) = %v; want the x suffix refused", content, err)
	}
	sim := snmpsimtest.Start(t, map[string][]byte{"hexint": []byte(content), "ok": []byte("1.3.6.1.2.1.1.1.0|2|1\n")}, "ok",
		"--logging-method=stderr")
	walk(t, "snmpwalk", sim.Addr, "hexint", 0, 1)
	select {
	case <-sim.Exited():
	case <-time.After(5 * time.Second):
		t.Errorf("snmpsimd survived serving %q; this test expected it to crash (fixed? then reconsider refusing 2x)", content)
	}
	if out := sim.Output(); !strings.Contains(out, "PyAsn1Error") {
		t.Errorf("snmpsimd ended, but not on the known pyasn1 error; its output:\n%s", out)
	}
}
