package replay

import (
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

// serve starts an SNMP v2c agent on a free loopback UDP port, serving each
// table under its community, and returns its address; it stops when the
// test ends.
//
// Until simulator/agent is ready this is standInAgent below. Switching the
// parity tests to the real agent is this one line: return serveAgent(t,
// tables). Tried with the agent as it stands: GETNEXT walks of all twelve
// recordings match snmpsimd; two differences remain for its owner to
// settle first. GETBULK stops after a repetition of only endOfMibView
// (RFC 3416 allows it; snmpsimd fills every repetition, so snmpbulkwalk
// prints fewer endOfMibView lines), and GETNEXT skips recorded exception
// values (tags 128-130), which snmpsimd serves (no recording here has one).
func serve(t testing.TB, tables map[string]*mib.Table) (addr string) {
	return standInAgent(t, tables)
}

// maxBulkVarBinds caps a GETBULK response at 64 variable bindings, as
// snmpsimd (pysnmp's BulkCommandResponder.maxVarBinds) does, so that a
// bulk walk with any max-repetitions sees the same responses.
const maxBulkVarBinds = 64

// standInAgent is a TEST-ONLY STAND-IN for simulator/agent: the least of an
// SNMP v2c agent, on gosnmp's codec, that answers GETNEXT and GETBULK (and
// nothing else, with genErr) from mib.Tables, so that the replay parity
// tests can run before the agent exists. It is not the product and must not
// grow into one: delete it when serve uses the agent.
func standInAgent(t testing.TB, tables map[string]*mib.Table) string {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("stand-in agent: %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 65536)
		for {
			n, from, err := conn.ReadFrom(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			resp, ok := standInAnswer(buf[:n], tables)
			if !ok {
				continue // like snmpsimd: no answer to a bad packet or an unknown community
			}
			conn.WriteTo(resp, from) //nolint:errcheck // UDP: the manager retries
		}
	}()
	t.Cleanup(func() {
		conn.Close()
		wg.Wait()
	})
	return conn.LocalAddr().String()
}

// standInAnswer decodes one request and encodes its response.
func standInAnswer(req []byte, tables map[string]*mib.Table) ([]byte, bool) {
	pkt, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(req)
	if err != nil || pkt.Version != gosnmp.Version2c {
		return nil, false
	}
	tab, ok := tables[pkt.Community]
	if !ok {
		return nil, false
	}
	resp := &gosnmp.SnmpPacket{
		Version:   gosnmp.Version2c,
		Community: pkt.Community,
		PDUType:   gosnmp.GetResponse,
		RequestID: pkt.RequestID,
	}
	oids := make([]mib.OID, len(pkt.Variables))
	for i, v := range pkt.Variables {
		if oids[i], err = mib.ParseOID(v.Name); err != nil {
			return nil, false
		}
	}
	switch pkt.PDUType {
	case gosnmp.GetNextRequest:
		for _, o := range oids {
			resp.Variables = append(resp.Variables, next(tab, o))
		}
	case gosnmp.GetBulkRequest:
		resp.Variables = bulk(tab, oids, int(pkt.NonRepeaters), int(pkt.MaxRepetitions))
	default:
		resp.Error, resp.ErrorIndex = gosnmp.GenErr, 1
		resp.Variables = pkt.Variables
	}
	out, err := resp.MarshalMsg()
	if err != nil {
		return nil, false
	}
	return out, true
}

// next answers GETNEXT for one OID.
func next(tab *mib.Table, o mib.OID) gosnmp.SnmpPDU {
	n, v, ok := tab.Next(o)
	if !ok {
		return gosnmp.SnmpPDU{Name: o.String(), Type: gosnmp.EndOfMibView}
	}
	return gosnmp.SnmpPDU{Name: n.String(), Type: v.Type, Value: v.Value}
}

// bulk answers GETBULK as RFC 3416 4.2.3 says, capped as snmpsimd caps it.
func bulk(tab *mib.Table, oids []mib.OID, nonRepeaters, maxRepetitions int) []gosnmp.SnmpPDU {
	n := min(max(nonRepeaters, 0), len(oids))
	r := len(oids) - n
	m := max(maxRepetitions, 0)
	if r > 0 {
		m = min(m, maxBulkVarBinds/r)
	}
	var out []gosnmp.SnmpPDU
	for _, o := range oids[:n] {
		out = append(out, next(tab, o))
	}
	last := oids[n:]
	for range m {
		if r == 0 {
			break
		}
		row := make([]mib.OID, r)
		for i, o := range last {
			pdu := next(tab, o)
			out = append(out, pdu)
			row[i] = mib.MustOID(pdu.Name)
		}
		last = row
	}
	return out
}
