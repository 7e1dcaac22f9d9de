package agent_test

import (
	"testing"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

// BenchmarkGet is one SNMPv2c GET of one OID through the packet handler,
// without the socket.
func BenchmarkGet(b *testing.B) {
	a := newAgent(b, agent.Options{})
	pkt := requestPacket(b, gosnmp.Version2c, "public", gosnmp.GetRequest, nulls(sysDescr), 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		if out, _ := a.HandlePacket(pkt, testSource); out == nil {
			b.Fatal("no response")
		}
	}
}

// BenchmarkGetV3AuthPriv is the same GET as SHA/AES: the price of USM.
func BenchmarkGetV3AuthPriv(b *testing.B) {
	a := newAgent(b, agent.Options{Users: []agent.User{userSHAAES}})
	id := string(a.EngineID())
	pkt := v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | gosnmp.Reportable, engineID: id, boots: 1, pdus: nulls(sysDescr)}.encode(b)
	b.ReportAllocs()
	for b.Loop() {
		if out, _ := a.HandlePacket(pkt, testSource); out == nil {
			b.Fatal("no response")
		}
	}
}

// BenchmarkWalkUDP is a gosnmp BulkWalk of a 1,000-variable table over
// loopback, as a poller walks a PDU's outlet table.
func BenchmarkWalkUDP(b *testing.B) {
	vs, base := bigTable(1000)
	a := startAgent(b, agent.Options{Resolve: resolver(mib.NewTable(vs), nil)})
	g := client(b, a, gosnmp.Version2c, "public")
	b.ReportAllocs()
	for b.Loop() {
		pdus, err := g.BulkWalkAll(base.String())
		if err != nil {
			b.Fatal(err)
		}
		if len(pdus) != 1000 {
			b.Fatalf("BulkWalkAll = %d variables; want 1000", len(pdus))
		}
	}
}
