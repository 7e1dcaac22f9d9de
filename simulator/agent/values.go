package agent

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"net"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

// gosnmp's MarshalMsg panics on some values of the wrong Go type (an
// Integer holding a byte, an ObjectIdentifier that is not a string, an
// unparsable IpAddress) and silently writes garbage for others. Every
// value a View returns goes through wireValue first, and every varbind
// echoed from a request through echoVar.

// maxOIDArcs is what gosnmp (and net-snmp, MAX_OID_LEN) can encode.
const maxOIDArcs = 128

// checkOID reports whether gosnmp can encode o.
func checkOID(o mib.OID) error {
	switch {
	case len(o) < 2:
		return fmt.Errorf("OID %s: fewer than 2 arcs", o)
	case len(o) > maxOIDArcs:
		return fmt.Errorf("OID %s: more than %d arcs", o, maxOIDArcs)
	case o[0] > 2:
		return fmt.Errorf("OID %s: first arc above 2", o)
	case o[0] < 2 && o[1] >= 40:
		return fmt.Errorf("OID %s: second arc above 39", o)
	case o[0] == 2 && o[1] > math.MaxUint32-80:
		return fmt.Errorf("OID %s: second arc too large", o)
	}
	return nil
}

// oidLen is the length of the BER contents of o (checkOID(o) == nil).
func oidLen(o mib.OID) int {
	n := base128Len(uint64(o[0])*40 + uint64(o[1]))
	for _, a := range o[2:] {
		n += base128Len(uint64(a))
	}
	return n
}

func base128Len(v uint64) int {
	if v == 0 {
		return 1
	}
	return (bits.Len64(v) + 6) / 7
}

// tlvLen is the length of a BER element with n octets of contents.
func tlvLen(n int) int {
	switch {
	case n < 0x80:
		return 2 + n
	case n < 0x100:
		return 3 + n
	case n < 0x10000:
		return 4 + n
	default:
		return 5 + n
	}
}

// intLen is the length of the contents of a minimal two's complement
// INTEGER holding v.
func intLen(v int64) int {
	n := 1
	for v < -0x80 || v > 0x7f {
		v >>= 8
		n++
	}
	return n
}

// uintLen is the length gosnmp gives an unsigned value (with a leading
// zero octet when the top bit is set).
func uintLen(v uint64) int {
	if v == 0 {
		return 1
	}
	return bits.Len64(v)/8 + 1
}

// varbind is one outgoing variable binding and its encoded length.
type varbind struct {
	oid  mib.OID
	pdu  gosnmp.SnmpPDU
	size int
}

// wireValue turns a View's value into a varbind gosnmp encodes safely,
// or says why it cannot.
func wireValue(name mib.OID, v mib.Value) (varbind, error) {
	if err := checkOID(name); err != nil {
		return varbind{}, err
	}
	p := gosnmp.SnmpPDU{Name: name.String(), Type: v.Type, Value: v.Value}
	n, err := valueLen(v)
	if err != nil {
		return varbind{}, fmt.Errorf("%s: %w", name, err)
	}
	switch v.Type {
	case gosnmp.Null, gosnmp.NoSuchObject, gosnmp.NoSuchInstance, gosnmp.EndOfMibView:
		p.Value = nil
	case gosnmp.Counter32, gosnmp.Gauge32, gosnmp.TimeTicks, gosnmp.Uinteger32:
		if u, ok := v.Value.(uint); ok {
			p.Value = uint32(u)
		}
	case gosnmp.IPAddress:
		if b, ok := v.Value.([]byte); ok {
			p.Value = net.IP(b).String()
		}
	}
	return varbind{oid: name, pdu: p, size: tlvLen(tlvLen(oidLen(name)) + n)}, nil
}

// exception is a varbind holding noSuchObject, noSuchInstance or
// endOfMibView for name, which came from the request (and so encodes).
func exception(name mib.OID, t gosnmp.Asn1BER) varbind {
	return varbind{
		oid:  name,
		pdu:  gosnmp.SnmpPDU{Name: name.String(), Type: t},
		size: tlvLen(tlvLen(oidLen(name)) + 2),
	}
}

// valueLen checks v's Go type against its SNMP type and returns the
// length of its encoding (tag and length included).
func valueLen(v mib.Value) (int, error) {
	bad := func() (int, error) {
		return 0, fmt.Errorf("%v value of Go type %T", v.Type, v.Value)
	}
	switch v.Type {
	case gosnmp.Null, gosnmp.NoSuchObject, gosnmp.NoSuchInstance, gosnmp.EndOfMibView:
		return 2, nil
	case gosnmp.Integer:
		i, ok := v.Value.(int)
		if !ok {
			return bad()
		}
		if i < math.MinInt32 || i > math.MaxInt32 {
			return 0, fmt.Errorf("Integer %d outside Integer32", i)
		}
		return 2 + intLen(int64(i)), nil
	case gosnmp.OctetString, gosnmp.Opaque, gosnmp.BitString:
		switch s := v.Value.(type) {
		case []byte:
			return tlvLen(len(s)), nil
		case string:
			return tlvLen(len(s)), nil
		}
		return bad()
	case gosnmp.ObjectIdentifier:
		s, ok := v.Value.(string)
		if !ok {
			return bad()
		}
		o, err := mib.ParseOID(s)
		if err != nil {
			return 0, err
		}
		if err := checkOID(o); err != nil {
			return 0, err
		}
		return tlvLen(oidLen(o)), nil
	case gosnmp.IPAddress:
		switch a := v.Value.(type) {
		case string:
			if ip := net.ParseIP(a); ip == nil || ip.To4() == nil {
				return 0, fmt.Errorf("IpAddress %q is not an IPv4 address", a)
			}
			return 6, nil
		case []byte:
			if len(a) != 4 {
				return 0, fmt.Errorf("IpAddress of %d octets", len(a))
			}
			return 6, nil
		}
		return bad()
	case gosnmp.Counter32, gosnmp.Gauge32, gosnmp.TimeTicks, gosnmp.Uinteger32:
		switch u := v.Value.(type) {
		case uint32:
			return 2 + uintLen(uint64(u)), nil
		case uint:
			if u > math.MaxUint32 {
				return 0, fmt.Errorf("%v %d above 2^32-1", v.Type, u)
			}
			return 2 + uintLen(uint64(u)), nil
		}
		return bad()
	case gosnmp.Counter64:
		u, ok := v.Value.(uint64)
		if !ok {
			return bad()
		}
		return 2 + uintLen(u), nil
	case gosnmp.OpaqueFloat:
		if _, ok := v.Value.(float32); !ok {
			return bad()
		}
		return 2 + 3 + 4, nil
	case gosnmp.OpaqueDouble:
		if _, ok := v.Value.(float64); !ok {
			return bad()
		}
		return 2 + 3 + 8, nil
	}
	return 0, fmt.Errorf("type %v cannot be sent", v.Type)
}

// errWrongType marks a SET value whose type no variable can take.
var errWrongType = errors.New("not a value a variable can be set to")

// setValue turns a decoded SET varbind into a mib.Value in the Go types
// mib documents (gosnmp decodes Counter32 and Gauge32 as uint).
func setValue(p gosnmp.SnmpPDU) (mib.Value, error) {
	v := mib.Value{Type: p.Type, Value: p.Value}
	switch p.Type {
	case gosnmp.Counter32, gosnmp.Gauge32:
		if u, ok := p.Value.(uint); ok && u <= math.MaxUint32 {
			v.Value = uint32(u)
		}
	case gosnmp.IPAddress:
		// gosnmp decodes 16-octet addresses too; SMI IpAddress is IPv4.
		if s, ok := p.Value.(string); !ok || net.ParseIP(s).To4() == nil {
			return mib.Value{}, errWrongType
		}
	case gosnmp.Null, gosnmp.NoSuchObject, gosnmp.NoSuchInstance, gosnmp.EndOfMibView, gosnmp.UnknownType:
		return mib.Value{}, errWrongType
	}
	if _, err := valueLen(v); err != nil {
		return mib.Value{}, errWrongType
	}
	return v, nil
}

// echoVar returns a request varbind as it can be sent back in a response
// (RFC 3416 answers errors with the request's bindings): values gosnmp
// could not encode become NULL.
func echoVar(p gosnmp.SnmpPDU, name mib.OID) varbind {
	v := mib.Value{Type: p.Type, Value: p.Value}
	if p.Type == gosnmp.IPAddress {
		if s, ok := p.Value.(string); !ok || net.ParseIP(s).To4() == nil {
			v = mib.Null()
		}
	}
	vb, err := wireValue(name, v)
	if err != nil {
		vb, _ = wireValue(name, mib.Null())
	}
	return vb
}
