package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

// Ext is the file name extension of a recording; the rest of the name is
// the community it is served under.
const Ext = ".snmprec"

// maxOctets is the longest OCTET STRING or Opaque value: SNMPv2-SMI's
// SIZE (0..65535), which snmpsimd (pysnmp) enforces too.
const maxOctets = 65535

// maxErrors is how many bad lines one error reports before it stops listing.
const maxErrors = 10

// A LineError is a line of a recording that cannot be served.
type LineError struct {
	Name string // the recording, as given to Load
	Line int    // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Load reads one .snmprec file into a Table. name is used in errors.
//
// Every line is checked: a line that snmpsimd could not serve, or would
// serve differently from what it says, is an error naming name:line (see
// the package documentation for the exact rules). Lines may come in any
// order; an OID defined twice is an error.
func Load(r io.Reader, name string) (*mib.Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	type entry struct {
		v    mib.Var
		line int
	}
	var (
		entries []entry
		errs    []error
		bad     int
	)
	fail := func(line int, err error) {
		bad++
		if bad <= maxErrors {
			errs = append(errs, &LineError{Name: name, Line: line, Err: err})
		}
	}
	for n := 1; len(data) > 0; n++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		line = trimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		v, err := parseLine(line)
		if err != nil {
			fail(n, err)
			continue
		}
		entries = append(entries, entry{v, n})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return mib.Compare(a.v.OID, b.v.OID) })
	for i := 1; i < len(entries); i++ {
		if mib.Compare(entries[i-1].v.OID, entries[i].v.OID) == 0 {
			fail(entries[i].line, fmt.Errorf("OID %s is already defined on line %d", entries[i].v.OID, entries[i-1].line))
		}
	}
	if bad > 0 {
		if bad > maxErrors {
			errs = append(errs, fmt.Errorf("%s: %d more bad lines", name, bad-maxErrors))
		}
		return nil, errors.Join(errs...)
	}
	vars := make([]mib.Var, len(entries))
	for i, e := range entries {
		vars[i] = e.v
	}
	return mib.NewTable(vars), nil
}

// LoadDir loads every *.snmprec in dir; the key is the file name without
// .snmprec (snmpsim's community). Errors name file:line.
//
// Only dir itself is read, not its subdirectories; symbolic links to files
// are followed. A directory without recordings is an error.
func LoadDir(dir string) (map[string]*mib.Table, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading recordings: %w", err)
	}
	tables := make(map[string]*mib.Table)
	var errs []error
	for _, e := range entries {
		community, ok := strings.CutSuffix(e.Name(), Ext)
		if !ok || community == "" {
			continue
		}
		path := filepath.Join(dir, e.Name())
		t, err := loadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if t != nil {
			tables[community] = t
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("%s: no %s recordings", dir, Ext)
	}
	return tables, nil
}

// loadFile loads one recording; a path that is not a regular file (after
// following links) gives a nil Table and no error.
func loadFile(path string) (*mib.Table, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Load(f, path)
}

// isSpace reports the bytes Python's str.strip() removes from an ASCII
// line, which is what snmpsimd strips from both ends of every line.
func isSpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r' || 0x1c <= c && c <= 0x1f
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parseLine parses one OID|TAG|VALUE line, already trimmed.
func parseLine(line []byte) (mib.Var, error) {
	oidText, rest, ok1 := bytes.Cut(line, []byte{'|'})
	tag, value, ok2 := bytes.Cut(rest, []byte{'|'})
	if !ok1 || !ok2 {
		return mib.Var{}, fmt.Errorf("%s is not OID|TAG|VALUE", quote(line))
	}
	oid, err := parseRecordOID(string(oidText))
	if err != nil {
		return mib.Var{}, err
	}
	v, err := parseValue(string(tag), value)
	if err != nil {
		return mib.Var{}, err
	}
	return mib.Var{OID: oid, Value: v}, nil
}

// tags maps snmprec's type tags (BER class+form+number) to gosnmp's types.
var tags = map[string]gosnmp.Asn1BER{
	"2":   gosnmp.Integer,
	"4":   gosnmp.OctetString,
	"5":   gosnmp.Null,
	"6":   gosnmp.ObjectIdentifier,
	"64":  gosnmp.IPAddress,
	"65":  gosnmp.Counter32,
	"66":  gosnmp.Gauge32,
	"67":  gosnmp.TimeTicks,
	"68":  gosnmp.Opaque,
	"70":  gosnmp.Counter64,
	"128": gosnmp.NoSuchObject,
	"129": gosnmp.NoSuchInstance,
	"130": gosnmp.EndOfMibView,
}

var typeNames = map[gosnmp.Asn1BER]string{
	gosnmp.Integer:          "Integer32",
	gosnmp.OctetString:      "OCTET STRING",
	gosnmp.Null:             "NULL",
	gosnmp.ObjectIdentifier: "OBJECT IDENTIFIER",
	gosnmp.IPAddress:        "IpAddress",
	gosnmp.Counter32:        "Counter32",
	gosnmp.Gauge32:          "Gauge32",
	gosnmp.TimeTicks:        "TimeTicks",
	gosnmp.Opaque:           "Opaque",
	gosnmp.Counter64:        "Counter64",
	gosnmp.NoSuchObject:     "noSuchObject",
	gosnmp.NoSuchInstance:   "noSuchInstance",
	gosnmp.EndOfMibView:     "endOfMibView",
}

// parseValue turns a tag and its value text into a typed value, the way
// snmpsimd 0.4.5 reads them (snmpsim/record/snmprec.py on pysnmp/pyasn1).
func parseValue(tag string, text []byte) (mib.Value, error) {
	if strings.Contains(tag, ":") {
		return mib.Value{}, fmt.Errorf("tag %q uses an snmpsim variation module, which feedplan does not run; record a plain value", tag)
	}
	base, enc := tag, byte(0)
	if n := len(tag); n > 0 && (tag[n-1] == 'x' || tag[n-1] == 'e') {
		base, enc = tag[:n-1], tag[n-1]
	}
	typ, ok := tags[base]
	if !ok {
		return mib.Value{}, fmt.Errorf("tag %q is not a type snmpsim knows (2, 4, 5, 6, 64, 65, 66, 67, 68, 70, 128, 129, 130; x or e after 4, 64 or 68)", tag)
	}
	name := typeNames[typ]
	if enc != 0 && typ != gosnmp.OctetString && typ != gosnmp.IPAddress && typ != gosnmp.Opaque {
		return mib.Value{}, fmt.Errorf("tag %q: the %c suffix is only for OCTET STRING, IpAddress and Opaque (snmpsimd crashes or fails on it)", tag, enc)
	}
	var octets []byte
	switch enc {
	case 'x':
		b, err := parseHex(text)
		if err != nil {
			return mib.Value{}, fmt.Errorf("%s value %s: %w", name, quote(text), err)
		}
		octets = b
	case 'e':
		b, err := unescape(text)
		if err != nil {
			return mib.Value{}, fmt.Errorf("%s value %s: %w", name, quote(text), err)
		}
		octets = b
	default:
		octets = text
	}

	switch typ {
	case gosnmp.Integer:
		n, err := parseInt(text, math.MinInt32, math.MaxInt32)
		if err != nil {
			return mib.Value{}, fmt.Errorf("%s value %s: %w", name, quote(text), err)
		}
		return mib.Integer(int(n)), nil
	case gosnmp.Counter32, gosnmp.Gauge32, gosnmp.TimeTicks:
		n, err := parseUint(text, math.MaxUint32)
		if err != nil {
			return mib.Value{}, fmt.Errorf("%s value %s: %w", name, quote(text), err)
		}
		return mib.Value{Type: typ, Value: uint32(n)}, nil
	case gosnmp.Counter64:
		n, err := parseUint(text, math.MaxUint64)
		if err != nil {
			return mib.Value{}, fmt.Errorf("%s value %s: %w", name, quote(text), err)
		}
		return mib.Counter64(n), nil
	case gosnmp.OctetString, gosnmp.Opaque:
		if len(octets) > maxOctets {
			return mib.Value{}, fmt.Errorf("%s value is %d octets long; at most %d fit", name, len(octets), maxOctets)
		}
		return mib.Value{Type: typ, Value: append([]byte{}, octets...)}, nil
	case gosnmp.IPAddress:
		if enc == 0 {
			ip, err := parseIPv4(text)
			if err != nil {
				return mib.Value{}, fmt.Errorf("%s value %s: %w", name, quote(text), err)
			}
			octets = ip
		}
		if len(octets) != 4 {
			return mib.Value{}, fmt.Errorf("%s value %s is %d octets long; want 4", name, quote(text), len(octets))
		}
		return mib.IPAddress(fmt.Sprintf("%d.%d.%d.%d", octets[0], octets[1], octets[2], octets[3])), nil
	case gosnmp.ObjectIdentifier:
		o, err := parseValueOID(string(text))
		if err != nil {
			return mib.Value{}, fmt.Errorf("%s value %s: %w", name, quote(text), err)
		}
		return mib.ObjectID(o), nil
	default: // Null and the exceptions
		if len(text) > 0 {
			return mib.Value{}, fmt.Errorf("%s takes no value, got %s", name, quote(text))
		}
		if typ == gosnmp.Null {
			return mib.Null(), nil
		}
		return mib.Exception(typ), nil
	}
}

// parseRecordOID parses the OID of a line. snmpsimd finds a line by the
// exact text of its OID, so only the canonical form (no leading dot, no
// leading zeros) can be served: anything else would be a variable that
// GET never finds and that ends every walk before it.
func parseRecordOID(s string) (mib.OID, error) {
	if strings.HasPrefix(s, ".") {
		return nil, fmt.Errorf("OID %q starts with a dot; write it without (snmpsimd would never find it)", s)
	}
	o, err := parseArcs(s, true)
	if err != nil {
		return nil, fmt.Errorf("OID %q: %w", s, err)
	}
	return o, nil
}

// parseValueOID parses an OBJECT IDENTIFIER value: dotted decimal, with
// or without a leading dot, leading zeros allowed (as pyasn1 reads it).
func parseValueOID(s string) (mib.OID, error) {
	return parseArcs(strings.TrimPrefix(s, "."), false)
}

func parseArcs(s string, canonical bool) (mib.OID, error) {
	if s == "" {
		return nil, errors.New("empty OID")
	}
	parts := strings.Split(s, ".")
	o := make(mib.OID, len(parts))
	for i, p := range parts {
		if p == "" {
			return nil, errors.New("empty arc")
		}
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return nil, fmt.Errorf("arc %q is not a decimal number", p)
			}
		}
		if canonical && len(p) > 1 && p[0] == '0' {
			return nil, fmt.Errorf("arc %q has a leading zero (snmpsimd would never find it)", p)
		}
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("arc %q is larger than 4294967295", p)
		}
		o[i] = uint32(n)
	}
	return o, checkEncodable(o)
}

// checkEncodable reports why an OID cannot be BER-encoded (X.690 8.19),
// which makes snmpsimd drop the response and gosnmp refuse to marshal it.
func checkEncodable(o mib.OID) error {
	switch {
	case len(o) < 2:
		return errors.New("an OID needs at least two arcs")
	case len(o) > 128:
		return fmt.Errorf("%d arcs; SNMP allows at most 128", len(o))
	case o[0] > 2:
		return fmt.Errorf("first arc %d; it must be 0, 1 or 2", o[0])
	case o[0] < 2 && o[1] >= 40:
		return fmt.Errorf("second arc %d; below 40 when the first arc is %d", o[1], o[0])
	case o[0] == 2 && o[1] > math.MaxUint32-80:
		return fmt.Errorf("second arc %d is too large to encode", o[1])
	}
	return nil
}

// parseInt reads a decimal integer as Python's int(str) does, ASCII only:
// surrounding whitespace, a sign, and single underscores between digits
// are allowed ("+5", " 5", "1_000" and "0005" are all fine in snmpsimd).
func parseInt(b []byte, lo, hi int64) (int64, error) {
	neg, digits, err := pyDigits(b)
	if err != nil {
		return 0, err
	}
	mag, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || !neg && mag > uint64(hi) || neg && mag > uint64(-lo) {
		return 0, fmt.Errorf("out of range %d..%d", lo, hi)
	}
	if neg {
		return -int64(mag), nil
	}
	return int64(mag), nil
}

// parseUint is parseInt for the unsigned types; "-0" is 0, as in Python.
func parseUint(b []byte, hi uint64) (uint64, error) {
	neg, digits, err := pyDigits(b)
	if err != nil {
		return 0, err
	}
	mag, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || mag > hi || neg && mag != 0 {
		return 0, fmt.Errorf("out of range 0..%d", hi)
	}
	return mag, nil
}

// pyDigits checks the syntax of a Python decimal integer literal and
// returns its sign and its digits without underscores.
func pyDigits(b []byte) (neg bool, digits string, err error) {
	s := trimSpace(b)
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	out := make([]byte, 0, len(s))
	for i, c := range s {
		switch {
		case '0' <= c && c <= '9':
			out = append(out, c)
		case c == '_' && i > 0 && i+1 < len(s) && s[i-1] != '_' && s[i+1] != '_':
		default:
			return false, "", errors.New("not a decimal integer")
		}
	}
	if len(out) == 0 {
		return false, "", errors.New("not a decimal integer")
	}
	return neg, string(out), nil
}

// parseIPv4 reads a dotted quad; each part is decimal, 0..255.
func parseIPv4(b []byte) ([]byte, error) {
	parts := bytes.Split(b, []byte{'.'})
	if len(parts) != 4 {
		return nil, errors.New("not a dotted IPv4 address")
	}
	ip := make([]byte, 4)
	for i, p := range parts {
		if len(p) == 0 {
			return nil, errors.New("not a dotted IPv4 address")
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return nil, errors.New("not a dotted IPv4 address")
			}
		}
		n, err := strconv.ParseUint(string(p), 10, 8)
		if err != nil {
			return nil, fmt.Errorf("part %q is above 255", p)
		}
		ip[i] = byte(n)
	}
	return ip, nil
}

// parseHex reads pairs of hex digits. snmpsimd also takes an odd count
// (padding the last nibble with 0) and pairs like " 1" or "+1" (Python's
// int(pair, 16)); those are typing mistakes, so they are errors here.
func parseHex(b []byte) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("odd number of hex digits (%d)", len(b))
	}
	out := make([]byte, len(b)/2)
	for i := range out {
		hi, ok1 := unhex(b[2*i])
		lo, ok2 := unhex(b[2*i+1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%q is not a hex byte", b[2*i:2*i+2])
		}
		out[i] = hi<<4 | lo
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// escapes are the backslash escapes snmpsim's 'e' encoding understands
// (a Python string literal's, without octal and \N{...}).
var escapes = map[byte]byte{
	'\\': '\\', '\'': '\'', '"': '"',
	'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11,
}

// unescape decodes snmpsim's 'e' (Python-escaped) values. snmpsimd
// silently drops a trailing backslash or a truncated \x escape; here they
// are errors.
func unescape(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(b) {
			return nil, errors.New("ends in a lone backslash")
		}
		if e, ok := escapes[b[i]]; ok {
			out = append(out, e)
			continue
		}
		if b[i] != 'x' {
			return nil, fmt.Errorf("unknown escape \\%c", b[i])
		}
		if i+2 >= len(b) {
			return nil, errors.New(`truncated \x escape`)
		}
		hi, ok1 := unhex(b[i+1])
		lo, ok2 := unhex(b[i+2])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf(`bad escape \x%s`, b[i+1:i+3])
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return out, nil
}

// quote shows a value in an error, shortened when long.
func quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "…"
	}
	return strconv.Quote(string(b))
}
