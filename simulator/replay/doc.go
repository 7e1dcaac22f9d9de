// Package replay loads snmpsim recordings (.snmprec files) into
// mib.Tables, so that `feedplan sim --replay DIR` serves a recorded real
// device to any SNMP tool, answering as snmpsimd (snmpsim 0.4.5) would for
// the same file.
//
// It owns the .snmprec format and nothing else: it imports simulator/mib
// (and gosnmp's type constants), never the agent, the profiles, the site
// model, pdu, planner, monitor or web. It does no network I/O; the agent
// serves what it loads.
//
// # Format
//
// One variable per line, OID|TAG|VALUE, split on the first two "|" (a
// value may contain more). Like snmpsimd, each line is stripped of
// surrounding whitespace first, so a plain value cannot end in a space
// (use hex); lines that are then empty or start with "#" are skipped;
// there are no trailing comments. Lines may come in any order.
//
// OID is dotted decimal without a leading dot or leading zeros: snmpsimd
// looks lines up by their text, and serves nothing else. TAG is the type:
//
//	2 Integer32  4 OCTET STRING  5 NULL  6 OBJECT IDENTIFIER  64 IpAddress
//	65 Counter32  66 Gauge32  67 TimeTicks  68 Opaque  70 Counter64
//	128 noSuchObject  129 noSuchInstance  130 endOfMibView
//
// After 4, 64 or 68 an "x" means the value is hex ("4x|00C0B7E18278") and
// an "e" that it is a Python-escaped string ("4e|a\nb", "\x07").
// Integers are read as Python's int() reads them (" 5", "+5", "0005",
// "1_000"), and must fit their type. IpAddress is a dotted quad (or 4
// octets in hex); an OBJECT IDENTIFIER value may have a leading dot. NULL
// and the exceptions take no value.
//
// # Where it differs from snmpsimd
//
// Anything snmpsimd cannot serve is an error naming file:line, where
// snmpsimd answers noSuchInstance to a GET of it, ends every walk there
// with endOfMibView, silently drops the response, or crashes. Beyond
// that, these lines are refused although snmpsimd serves something:
//   - variation modules ("2:numeric|…", ":module|…"): not run here;
//   - an OID defined twice (snmpsimd's GET serves the last line, its walk
//     the first);
//   - odd-length hex (snmpsimd pads a 0 nibble), hex pairs such as " 1" or
//     "+1", a trailing "\" or truncated "\x4" in an "e" value (dropped by
//     snmpsimd), IpAddress written as 4 raw characters ("abcd" serves
//     97.98.99.100), and integer, IpAddress or OID text that only Python's
//     leniency reads ("\xa05", "+1.2.3.4", "1..3", " 1.3");
//   - "x" or "e" after any other type (snmpsimd crashes on "2x|05").
//
// And one line is served differently, on purpose: snmpsimd decodes lines as
// Latin-1 before stripping them, so it also strips a trailing byte 0x85 or
// 0xA0 — which cuts the last byte off a UTF-8 "à" or "Å" at the end of a
// plain string. Here only ASCII whitespace is stripped.
//
// snmpsimd does not sort a recording: it binary-searches the file, so an
// unsorted one walks wrongly ("OID not increasing" in snmpwalk). The
// loader sorts. snmpsimd also reads recordings in subdirectories
// (community "dir/name") and other formats (.snmpwalk, .sapwalk, .dump,
// .MVC); LoadDir reads only *.snmprec directly in its directory.
package replay
