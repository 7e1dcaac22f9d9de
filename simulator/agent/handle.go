package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"runtime/debug"
	"slices"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

// handle answers one datagram: the encoded response, or nil to stay
// silent, and how long the device takes to answer. It does not touch the
// socket, never panics (a panic is counted, logged and answered with
// silence) and does no I/O but the View's.
func (a *Agent) handle(pkt []byte, src netip.AddrPort) (out []byte, delay time.Duration) {
	defer func() {
		if p := recover(); p != nil {
			a.c.panics.Add(1)
			a.c.malformed.Add(1)
			// Not the packet itself: it holds the community in clear.
			sum := sha256.Sum256(pkt)
			a.log.Error("snmp agent: handling a packet panicked", "from", src.String(), "panic", fmt.Sprint(p),
				"bytes", len(pkt), "sha256", hex.EncodeToString(sum[:8]), "stack", string(debug.Stack()))
			out, delay = nil, 0
		}
	}()
	m, err := parseMessage(pkt)
	switch {
	case errors.Is(err, errVersion):
		a.c.badVersions.Add(1)
		a.c.dropped.Add(1)
		return nil, 0
	case err != nil:
		a.c.malformed.Add(1)
		a.debug("snmp agent: not an SNMP message", "from", src, "err", err)
		return nil, 0
	case m.version == 3:
		return a.handleV3(pkt, m)
	default:
		return a.handleCommunity(pkt, m, src)
	}
}

func (a *Agent) debug(msg string, args ...any) {
	if a.log.Enabled(context.Background(), slog.LevelDebug) {
		a.log.Debug(msg, args...)
	}
}

func isRequest(t gosnmp.PDUType) bool {
	switch t {
	case gosnmp.GetRequest, gosnmp.GetNextRequest, gosnmp.GetBulkRequest, gosnmp.SetRequest:
		return true
	}
	return false
}

// handleCommunity answers SNMPv1 and SNMPv2c (RFC 1157, RFC 1901).
func (a *Agent) handleCommunity(pkt []byte, m *message, src netip.AddrPort) ([]byte, time.Duration) {
	version := gosnmp.SnmpVersion(m.version)
	t := gosnmp.PDUType(m.pdu.tag)
	if !isRequest(t) || t == gosnmp.GetBulkRequest && version == gosnmp.Version1 {
		a.c.unsupportedPDUs.Add(1)
		a.c.dropped.Add(1)
		return nil, 0
	}
	if m.pdu.requestID < 0 {
		a.c.dropped.Add(1)
		return nil, 0 // gosnmp can only encode request-ids 0..2^32-1
	}
	// gosnmp writes the community's length in one octet.
	if len(m.community) > 127 {
		a.c.badCommunities.Add(1)
		a.c.dropped.Add(1)
		return nil, 0
	}
	view, ok := a.resolve(string(m.community), "")
	if !ok {
		a.c.badCommunities.Add(1)
		a.c.dropped.Add(1)
		a.debug("snmp agent: unknown community", "from", src, "community_len", len(m.community))
		return nil, 0
	}
	p, err := (&gosnmp.GoSNMP{Version: version}).SnmpDecodePacket(pkt)
	if err != nil {
		a.c.malformed.Add(1)
		a.debug("snmp agent: undecodable request", "from", src, "err", err)
		return nil, 0
	}
	req := &request{
		version:        version,
		pduType:        t,
		requestID:      m.pdu.requestID,
		nonRepeaters:   m.pdu.a,
		maxRepetitions: m.pdu.b,
		vars:           p.Variables,
	}
	if err := req.parseOIDs(); err != nil {
		a.c.malformed.Add(1)
		return nil, 0
	}
	return a.serveView(view, req, maxMsgSize, func(status gosnmp.SNMPError, index uint8, vars []gosnmp.SnmpPDU) ([]byte, error) {
		r := &gosnmp.SnmpPacket{
			Version:    version,
			Community:  string(m.community),
			PDUType:    gosnmp.GetResponse,
			RequestID:  uint32(m.pdu.requestID),
			Error:      status,
			ErrorIndex: index,
			Variables:  vars,
		}
		return r.MarshalMsg()
	})
}

// request is a decoded GET, GETNEXT, GETBULK or SET.
type request struct {
	version        gosnmp.SnmpVersion
	pduType        gosnmp.PDUType
	requestID      int64
	nonRepeaters   int64 // GETBULK
	maxRepetitions int64 // GETBULK
	vars           []gosnmp.SnmpPDU
	oids           []mib.OID
}

func (r *request) parseOIDs() error {
	r.oids = make([]mib.OID, len(r.vars))
	for i, v := range r.vars {
		o, err := mib.ParseOID(v.Name)
		if err != nil {
			return err
		}
		if err := checkOID(o); err != nil {
			return err
		}
		r.oids[i] = o
	}
	return nil
}

// marshalFunc encodes a response with the given error-status, error-index
// and bindings, in the request's version and security.
type marshalFunc func(status gosnmp.SNMPError, index uint8, vars []gosnmp.SnmpPDU) ([]byte, error)

// sizeSlack covers what an empty response's encoding grows by when
// bindings are added: four length fields (message, scopedPDU or its
// encryption, PDU, binding list) growing from 1 to 3 octets, and DES
// padding.
const sizeSlack = 4*2 + 8

// behaviour asks a View how its device misbehaves.
func behaviour(v mib.View) (time.Duration, bool) {
	if b, ok := v.(DeviceBehaviour); ok {
		return b.Behaviour()
	}
	return 0, false
}

// serveView runs a request against a device's View and encodes the
// response, which must fit in maxSize octets.
func (a *Agent) serveView(view mib.View, req *request, maxSize int, marshal marshalFunc) ([]byte, time.Duration) {
	a.c.requests.Add(1)
	delay, drop := behaviour(view)
	if drop {
		a.c.deviceDrops.Add(1)
		a.c.dropped.Add(1)
		return nil, 0
	}
	start := time.Now()
	out, err := a.answer(view, req, maxSize, marshal)
	if err != nil {
		a.c.dropped.Add(1)
		a.log.Warn("snmp agent: encoding a response", "pdu", req.pduType.String(), "err", err)
		return nil, 0
	}
	if a.log.Enabled(context.Background(), slog.LevelDebug) {
		a.log.Debug("snmp request", "version", req.version.String(), "pdu", req.pduType.String(),
			"bindings", len(req.vars), "response_octets", len(out), "delay", delay, "took", time.Since(start))
	}
	return out, delay
}

// response is the outcome of a request before encoding.
type response struct {
	status gosnmp.SNMPError
	index  int       // 1-based; 0 when no binding is at fault
	vars   []varbind // when !echo
	echo   bool      // answer with the request's bindings
}

func failed(status gosnmp.SNMPError, index int) response {
	return response{status: status, index: index, echo: true}
}

func (a *Agent) answer(view mib.View, req *request, maxSize int, marshal marshalFunc) ([]byte, error) {
	var res response
	switch req.pduType {
	case gosnmp.GetRequest:
		res = a.get(view, req)
	case gosnmp.GetNextRequest:
		res = a.getNext(view, req)
	case gosnmp.GetBulkRequest:
		empty, err := marshal(gosnmp.NoError, 0, nil)
		if err != nil {
			return nil, err
		}
		res = a.getBulk(view, req, maxSize-len(empty)-sizeSlack)
	case gosnmp.SetRequest:
		res = a.set(view, req)
	}
	if req.version == gosnmp.Version1 {
		res.status = v1Status(res.status)
	}
	for range 4 {
		if res.status == gosnmp.TooBig {
			break
		}
		out, err := marshal(res.status, errorIndex(res.index), res.pdus(req))
		if err != nil || len(out) <= maxSize {
			return out, err
		}
		// GETBULK answers with fewer bindings (RFC 3416 §4.2.3); the
		// size estimate leaves a margin, so this is rare.
		if req.pduType != gosnmp.GetBulkRequest || res.echo || len(res.vars) < 2 {
			res = failed(gosnmp.TooBig, 0)
			break
		}
		res.vars = trim(res.vars, len(out)-maxSize)
	}
	// tooBig: no bindings in SNMPv2 (RFC 3416 §4.2.1), the request's in
	// SNMPv1 (RFC 1157 §4.1.2).
	a.c.tooBig.Add(1)
	var vars []gosnmp.SnmpPDU
	if req.version == gosnmp.Version1 {
		vars = response{echo: true}.pdus(req)
	}
	out, err := marshal(gosnmp.TooBig, 0, vars)
	if err == nil && len(out) > maxSize {
		return nil, fmt.Errorf("even an empty response exceeds %d octets", maxSize)
	}
	return out, err
}

// trim drops bindings from the end of vars worth at least excess octets.
func trim(vars []varbind, excess int) []varbind {
	n := len(vars)
	for n > 1 && excess > 0 {
		n--
		excess -= vars[n].size
	}
	return vars[:n]
}

// errorIndex is what gosnmp can encode: its ErrorIndex is a uint8, so a
// binding past the 255th is reported as error-index 0.
func errorIndex(i int) uint8 {
	if i < 0 || i > math.MaxUint8 {
		return 0
	}
	return uint8(i)
}

func (r response) pdus(req *request) []gosnmp.SnmpPDU {
	if r.echo {
		out := make([]gosnmp.SnmpPDU, len(req.vars))
		for i, p := range req.vars {
			out[i] = echoVar(p, req.oids[i]).pdu
		}
		return out
	}
	out := make([]gosnmp.SnmpPDU, len(r.vars))
	for i, v := range r.vars {
		out[i] = v.pdu
	}
	return out
}

func isException(t gosnmp.Asn1BER) bool {
	return t == gosnmp.NoSuchObject || t == gosnmp.NoSuchInstance || t == gosnmp.EndOfMibView
}

// get answers a GET (RFC 3416 §4.2.1). SNMPv1 has no exceptions and no
// Counter64: those are noSuchName (RFC 3584 §4.2.2.1).
func (a *Agent) get(view mib.View, req *request) response {
	v1 := req.version == gosnmp.Version1
	out := make([]varbind, len(req.oids))
	for i, o := range req.oids {
		v, st := view.Get(o)
		switch {
		case st == mib.NoSuchObject || st == mib.NoSuchInstance || st == mib.Found && isException(v.Type):
			if v1 {
				return failed(gosnmp.NoSuchName, i+1)
			}
			t := gosnmp.NoSuchObject
			if st == mib.NoSuchInstance {
				t = gosnmp.NoSuchInstance
			}
			if st == mib.Found {
				t = v.Type
			}
			out[i] = exception(o, t)
		case st != mib.Found:
			a.log.Warn("snmp agent: view answered an unknown GET status", "oid", o.String(), "status", int(st))
			return failed(gosnmp.GenErr, i+1)
		case v1 && v.Type == gosnmp.Counter64:
			return failed(gosnmp.NoSuchName, i+1)
		default:
			vb, err := wireValue(o, v)
			if err != nil {
				a.log.Warn("snmp agent: view value cannot be sent", "err", err)
				return failed(gosnmp.GenErr, i+1)
			}
			out[i] = vb
		}
	}
	return response{vars: out}
}

// next finds the variable after o that the version can carry: SNMPv1
// skips Counter64 (RFC 3584 §4.2.2.1), and exceptions a View should not
// return from Next are skipped for all.
func (a *Agent) next(view mib.View, o mib.OID, v1 bool) (varbind, bool, error) {
	cur := o
	for {
		n, v, ok := view.Next(cur)
		if !ok {
			return varbind{}, false, nil
		}
		if mib.Compare(n, cur) <= 0 {
			return varbind{}, false, fmt.Errorf("view: Next(%s) = %s, not after it", cur, n)
		}
		if isException(v.Type) || v1 && v.Type == gosnmp.Counter64 {
			cur = n
			continue
		}
		vb, err := wireValue(n, v)
		return vb, true, err
	}
}

// getNext answers a GETNEXT (RFC 3416 §4.2.2).
func (a *Agent) getNext(view mib.View, req *request) response {
	v1 := req.version == gosnmp.Version1
	out := make([]varbind, len(req.oids))
	for i, o := range req.oids {
		vb, ok, err := a.next(view, o, v1)
		switch {
		case err != nil:
			a.log.Warn("snmp agent: GETNEXT", "err", err)
			return failed(gosnmp.GenErr, i+1)
		case !ok && v1:
			return failed(gosnmp.NoSuchName, i+1)
		case !ok:
			vb = exception(o, gosnmp.EndOfMibView)
		}
		out[i] = vb
	}
	return response{vars: out}
}

// getBulk answers a GETBULK (RFC 3416 §4.2.3) with at most budget octets
// of bindings: max-repetitions is capped by Options.MaxRepetitions and by
// the size, and repetitions stop once every repeater is at the end of
// the MIB view.
func (a *Agent) getBulk(view mib.View, req *request, budget int) response {
	n := len(req.oids)
	nonRep := int(min(max(req.nonRepeaters, 0), int64(n)))
	reps := int(min(max(req.maxRepetitions, 0), int64(a.maxRep)))
	rep := n - nonRep
	if rep == 0 {
		reps = 0
	}
	out := make([]varbind, 0, min(nonRep+rep*reps, 256))
	used, cut := 0, false
	fits := func(vb varbind) bool {
		if used+vb.size > budget {
			cut = true
			return false
		}
		used += vb.size
		out = append(out, vb)
		return true
	}
	for i, o := range req.oids[:nonRep] {
		vb, ok, err := a.next(view, o, false)
		if err != nil {
			a.log.Warn("snmp agent: GETBULK", "err", err)
			return failed(gosnmp.GenErr, i+1)
		}
		if !ok {
			vb = exception(o, gosnmp.EndOfMibView)
		}
		if !fits(vb) {
			return failed(gosnmp.TooBig, 0)
		}
	}
	cursor := slices.Clone(req.oids[nonRep:])
	ended := make([]bool, rep)
rows:
	for range reps {
		allEnded := true
		for j, o := range cursor {
			var vb varbind
			if !ended[j] {
				next, ok, err := a.next(view, o, false)
				if err != nil {
					a.log.Warn("snmp agent: GETBULK", "err", err)
					return failed(gosnmp.GenErr, nonRep+j+1)
				}
				if ok {
					vb, allEnded = next, false
					cursor[j] = next.oid
				} else {
					ended[j] = true
				}
			}
			if ended[j] {
				vb = exception(o, gosnmp.EndOfMibView) // built only when needed: it formats the OID
			}
			if !fits(vb) {
				break rows
			}
		}
		if allEnded {
			break
		}
	}
	if cut && len(out) == 0 {
		return failed(gosnmp.TooBig, 0)
	}
	return response{vars: out}
}

// set answers a SET (RFC 3416 §4.2.5): the View applies all bindings or
// none.
func (a *Agent) set(view mib.View, req *request) response {
	vars := make([]mib.Var, len(req.vars))
	for i, p := range req.vars {
		v, err := setValue(p)
		if err != nil {
			return failed(gosnmp.WrongType, i+1)
		}
		vars[i] = mib.Var{OID: req.oids[i], Value: v}
	}
	if len(vars) == 0 {
		return response{echo: true}
	}
	i, err := view.Set(vars)
	if err == nil {
		return response{echo: true}
	}
	index := 0
	if i >= 0 && i < len(vars) {
		index = i + 1
	}
	var se *mib.SetError
	if !errors.As(err, &se) || se.Status == gosnmp.NoError || se.Status > gosnmp.InconsistentName {
		a.log.Warn("snmp agent: SET failed", "err", err)
		return failed(gosnmp.GenErr, index)
	}
	status := se.Status
	if req.version != gosnmp.Version1 {
		// The SNMPv1 codes are not used in SNMPv2 responses (RFC 3416 §3).
		switch status {
		case gosnmp.NoSuchName:
			status = gosnmp.NoCreation
		case gosnmp.BadValue:
			status = gosnmp.WrongValue
		case gosnmp.ReadOnly:
			status = gosnmp.NotWritable
		}
	}
	return failed(status, index)
}

// v1Status maps an SNMPv2 error-status to SNMPv1 (RFC 2576 §4.3, RFC 3584
// §4.4).
func v1Status(s gosnmp.SNMPError) gosnmp.SNMPError {
	switch s {
	case gosnmp.WrongValue, gosnmp.WrongEncoding, gosnmp.WrongType, gosnmp.WrongLength, gosnmp.InconsistentValue:
		return gosnmp.BadValue
	case gosnmp.NoAccess, gosnmp.NotWritable, gosnmp.NoCreation, gosnmp.InconsistentName, gosnmp.AuthorizationError:
		return gosnmp.NoSuchName
	case gosnmp.ResourceUnavailable, gosnmp.CommitFailed, gosnmp.UndoFailed:
		return gosnmp.GenErr
	}
	return s
}
