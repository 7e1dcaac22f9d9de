package agent

import (
	"errors"
	"fmt"
	"math"
)

// This file reads the envelope of an SNMP message: version, community or
// the SNMPv3 header and USM parameters, and the header of a plaintext PDU.
// gosnmp decodes the variable bindings; it has no entry point for the v3
// header alone, truncates non-repeaters to 8 bits and cannot tell a
// negative request-id from a large one, so the agent reads those itself.

var errTruncated = errors.New("truncated")

// BER tags the envelope uses.
const (
	tagInteger     = 0x02
	tagOctetString = 0x04
	tagSequence    = 0x30
)

// tlv is one BER element of a message.
type tlv struct {
	tag   byte
	start int    // offset of the tag in the message
	off   int    // offset of the contents in the message
	val   []byte // the contents
}

// berReader reads consecutive elements from msg[pos:end].
type berReader struct {
	msg      []byte
	pos, end int
}

func newReader(msg []byte) *berReader { return &berReader{msg: msg, end: len(msg)} }

// inner returns a reader over the contents of t.
func (r *berReader) inner(t tlv) *berReader {
	return &berReader{msg: r.msg, pos: t.off, end: t.off + len(t.val)}
}

func (r *berReader) done() bool { return r.pos >= r.end }

// read returns the next element. Lengths may use the long form (BER
// allows non-minimal ones); the indefinite form and multi-byte tags are
// not SNMP and are refused.
func (r *berReader) read() (tlv, error) {
	if r.end-r.pos < 2 {
		return tlv{}, errTruncated
	}
	start := r.pos
	tag := r.msg[r.pos]
	if tag&0x1f == 0x1f {
		return tlv{}, fmt.Errorf("multi-byte tag at offset %d", start)
	}
	p := r.pos + 1
	n := int(r.msg[p])
	p++
	if n&0x80 != 0 {
		k := n & 0x7f
		switch {
		case k == 0:
			return tlv{}, fmt.Errorf("indefinite length at offset %d", start)
		case k > 3: // nothing in a UDP datagram is 16 MiB long
			return tlv{}, fmt.Errorf("length of %d octets at offset %d", k, start)
		case r.end-p < k:
			return tlv{}, errTruncated
		}
		n = 0
		for _, b := range r.msg[p : p+k] {
			n = n<<8 | int(b)
		}
		p += k
	}
	if n > r.end-p {
		return tlv{}, errTruncated
	}
	r.pos = p + n
	return tlv{tag: tag, start: start, off: p, val: r.msg[p : p+n]}, nil
}

// expect reads the next element and checks its tag.
func (r *berReader) expect(tag byte, what string) (tlv, error) {
	t, err := r.read()
	if err != nil {
		return tlv{}, fmt.Errorf("%s: %w", what, err)
	}
	if t.tag != tag {
		return tlv{}, fmt.Errorf("%s: tag %#02x, want %#02x", what, t.tag, tag)
	}
	return t, nil
}

// integer reads an INTEGER that must lie in [lo, hi].
func (r *berReader) integer(what string, lo, hi int64) (int64, error) {
	t, err := r.expect(tagInteger, what)
	if err != nil {
		return 0, err
	}
	v, err := berInt(t.val)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%s: %d is outside %d..%d", what, v, lo, hi)
	}
	return v, nil
}

// berInt decodes a two's complement big-endian integer of 1 to 8 octets,
// after dropping redundant leading octets (BER does not require minimal
// encodings, some senders pad).
func berInt(b []byte) (int64, error) {
	if len(b) == 0 {
		return 0, errors.New("empty integer")
	}
	for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		b = b[1:]
	}
	if len(b) > 8 {
		return 0, errors.New("integer wider than 64 bits")
	}
	v := int64(int8(b[0]))
	for _, c := range b[1:] {
		v = v<<8 | int64(c)
	}
	return v, nil
}

// PDU tags (RFC 3416 and RFC 1157).
const (
	pduGet      = 0xa0
	pduGetNext  = 0xa1
	pduResponse = 0xa2
	pduSet      = 0xa3
	pduTrapV1   = 0xa4
	pduGetBulk  = 0xa5
	pduInform   = 0xa6
	pduTrapV2   = 0xa7
	pduReport   = 0xa8
)

// pduHeader is what precedes the variable bindings of a PDU.
type pduHeader struct {
	tag       byte
	requestID int64
	// error-status and error-index, or non-repeaters and max-repetitions
	// in a GetBulkRequest.
	a, b int64
}

// readPDU reads a request-shaped PDU (every PDU but the SNMPv1 Trap).
func readPDU(r *berReader) (pduHeader, error) {
	t, err := r.read()
	if err != nil {
		return pduHeader{}, fmt.Errorf("pdu: %w", err)
	}
	if t.tag < pduGet || t.tag > pduReport {
		return pduHeader{}, fmt.Errorf("pdu: tag %#02x is not an SNMP PDU", t.tag)
	}
	if !r.done() {
		return pduHeader{}, errors.New("data after the pdu")
	}
	h := pduHeader{tag: t.tag}
	if t.tag == pduTrapV1 {
		return h, nil // not a request; the caller drops it
	}
	p := r.inner(t)
	if h.requestID, err = p.integer("request-id", math.MinInt32, math.MaxInt32); err != nil {
		return pduHeader{}, err
	}
	if h.a, err = p.integer("error-status", math.MinInt32, math.MaxInt32); err != nil {
		return pduHeader{}, err
	}
	if h.b, err = p.integer("error-index", math.MinInt32, math.MaxInt32); err != nil {
		return pduHeader{}, err
	}
	if _, err = p.expect(tagSequence, "variable bindings"); err != nil {
		return pduHeader{}, err
	}
	if !p.done() {
		return pduHeader{}, errors.New("data after the variable bindings")
	}
	return h, nil
}

// message is the envelope of one SNMP message.
type message struct {
	version int64

	// SNMPv1 and SNMPv2c
	community []byte

	// SNMPv3 (RFC 3412 §6, RFC 3414 §2.4)
	msgID      int64
	maxSize    int64
	flags      []byte
	secModel   int64
	engineID   []byte
	boots      int64
	engineTime int64
	userName   []byte
	authParams tlv
	privParams []byte
	encrypted  bool   // msgData is an encryptedPDU
	ctxEngine  []byte // plaintext scopedPDU only
	ctxName    []byte // plaintext scopedPDU only

	pdu    pduHeader // plaintext PDUs only
	hasPDU bool
}

// errVersion marks a well-formed message of a version the agent does not
// speak (snmpInBadVersions).
var errVersion = errors.New("unsupported SNMP version")

// parseMessage reads the envelope of pkt.
func parseMessage(pkt []byte) (*message, error) {
	top := newReader(pkt)
	seq, err := top.expect(tagSequence, "message")
	if err != nil {
		return nil, err
	}
	if !top.done() {
		return nil, errors.New("data after the message")
	}
	r := top.inner(seq)
	m := &message{}
	if m.version, err = r.integer("version", math.MinInt32, math.MaxInt32); err != nil {
		return nil, err
	}
	switch m.version {
	case 0, 1:
		c, err := r.expect(tagOctetString, "community")
		if err != nil {
			return nil, err
		}
		m.community = c.val
		if m.pdu, err = readPDU(r); err != nil {
			return nil, err
		}
		m.hasPDU = true
		return m, nil
	case 3:
		return m, parseV3(r, m)
	default:
		return m, errVersion
	}
}

// parseV3 reads msgGlobalData, the USM security parameters and msgData.
func parseV3(r *berReader, m *message) error {
	hdr, err := r.expect(tagSequence, "msgGlobalData")
	if err != nil {
		return err
	}
	h := r.inner(hdr)
	if m.msgID, err = h.integer("msgID", 0, math.MaxInt32); err != nil {
		return err
	}
	if m.maxSize, err = h.integer("msgMaxSize", 484, math.MaxInt32); err != nil {
		return err
	}
	f, err := h.expect(tagOctetString, "msgFlags")
	if err != nil {
		return err
	}
	if len(f.val) != 1 {
		return fmt.Errorf("msgFlags: %d octets, want 1", len(f.val))
	}
	m.flags = f.val
	if m.secModel, err = h.integer("msgSecurityModel", 1, math.MaxInt32); err != nil {
		return err
	}
	if !h.done() {
		return errors.New("data after msgSecurityModel")
	}

	sp, err := r.expect(tagOctetString, "msgSecurityParameters")
	if err != nil {
		return err
	}
	if m.secModel == 3 {
		if err := parseUSM(r.inner(sp), m); err != nil {
			return err
		}
	}

	data, err := r.read()
	if err != nil {
		return fmt.Errorf("msgData: %w", err)
	}
	if !r.done() {
		return errors.New("data after msgData")
	}
	switch data.tag {
	case tagOctetString:
		m.encrypted = true
		return nil
	case tagSequence:
		s := r.inner(data)
		ce, err := s.expect(tagOctetString, "contextEngineID")
		if err != nil {
			return err
		}
		cn, err := s.expect(tagOctetString, "contextName")
		if err != nil {
			return err
		}
		m.ctxEngine, m.ctxName = ce.val, cn.val
		if m.pdu, err = readPDU(s); err != nil {
			return err
		}
		m.hasPDU = true
		return nil
	default:
		return fmt.Errorf("msgData: tag %#02x", data.tag)
	}
}

// parseUSM reads UsmSecurityParameters (RFC 3414 §2.4).
func parseUSM(r *berReader, m *message) error {
	seq, err := r.expect(tagSequence, "UsmSecurityParameters")
	if err != nil {
		return err
	}
	if !r.done() {
		return errors.New("data after UsmSecurityParameters")
	}
	u := r.inner(seq)
	e, err := u.expect(tagOctetString, "msgAuthoritativeEngineID")
	if err != nil {
		return err
	}
	if len(e.val) > 32 {
		return fmt.Errorf("msgAuthoritativeEngineID: %d octets, at most 32", len(e.val))
	}
	m.engineID = e.val
	if m.boots, err = u.integer("msgAuthoritativeEngineBoots", 0, math.MaxInt32); err != nil {
		return err
	}
	if m.engineTime, err = u.integer("msgAuthoritativeEngineTime", 0, math.MaxInt32); err != nil {
		return err
	}
	n, err := u.expect(tagOctetString, "msgUserName")
	if err != nil {
		return err
	}
	if len(n.val) > 32 {
		return fmt.Errorf("msgUserName: %d octets, at most 32", len(n.val))
	}
	m.userName = n.val
	if m.authParams, err = u.expect(tagOctetString, "msgAuthenticationParameters"); err != nil {
		return err
	}
	p, err := u.expect(tagOctetString, "msgPrivacyParameters")
	if err != nil {
		return err
	}
	m.privParams = p.val
	if !u.done() {
		return errors.New("data after msgPrivacyParameters")
	}
	return nil
}
