package agent_test

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

// lockedBuffer collects the agent's log across the fuzzer's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fuzzSeeds are real requests of every version, security level and PDU
// type, as gosnmp's client encodes them, plus hand-made oddities.
func fuzzSeeds(t testing.TB, engineID string) [][]byte {
	typed := []gosnmp.SnmpPDU{
		{Name: sysName.String(), Type: gosnmp.OctetString, Value: []byte("x")},
		{Name: negativeVar.String(), Type: gosnmp.Integer, Value: -3},
		{Name: sysObjectID.String(), Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.318"},
		{Name: ipAdEntAddr.String(), Type: gosnmp.IPAddress, Value: "10.0.0.1"},
		{Name: ifInOctets1.String(), Type: gosnmp.Counter32, Value: uint32(7)},
		{Name: ifSpeed1.String(), Type: gosnmp.Gauge32, Value: uint32(7)},
		{Name: sysUpTime.String(), Type: gosnmp.TimeTicks, Value: uint32(7)},
		{Name: ifHCInOctets.String(), Type: gosnmp.Counter64, Value: uint64(7)},
		{Name: opaqueVar.String(), Type: gosnmp.Opaque, Value: []byte{1, 2}},
	}
	var seeds [][]byte
	for _, v := range []gosnmp.SnmpVersion{gosnmp.Version1, gosnmp.Version2c} {
		seeds = append(seeds,
			requestPacket(t, v, "public", gosnmp.GetRequest, nulls(sysDescr, ifHCInOctets, mib.MustOID("1.3.6.1.2.1.1.99.0")), 0, 0),
			requestPacket(t, v, "public", gosnmp.GetNextRequest, nulls(system, lastVar), 0, 0),
			requestPacket(t, v, "public", gosnmp.GetBulkRequest, nulls(sysDescr, system, ifSpeed1), 1, 5),
			requestPacket(t, v, "private", gosnmp.SetRequest, typed, 0, 0),
		)
	}
	rep := gosnmp.Reportable
	seeds = append(seeds,
		v3Request{flags: rep}.encode(t), // discovery
		v3Request{user: userNoAuth, flags: rep, engineID: engineID, boots: 1, pdus: nulls(sysDescr)}.encode(t),
		v3Request{user: userNoAuth, flags: rep, engineID: engineID, boots: 1, pduType: gosnmp.GetBulkRequest, nonReps: 1, maxReps: 3, pdus: nulls(system, system)}.encode(t),
		v3Request{user: userNoAuth, flags: rep, engineID: engineID, boots: 1, pduType: gosnmp.SetRequest, pdus: typed}.encode(t),
		v3Request{user: userNoAuth, flags: rep, engineID: engineID, boots: 1, ctxName: "nowhere", pdus: nulls(sysDescr)}.encode(t),
		v3Request{user: userSHA, flags: gosnmp.AuthNoPriv | rep, engineID: engineID, boots: 1, pdus: nulls(sysDescr)}.encode(t),
		v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | rep, engineID: engineID, boots: 1, pduType: gosnmp.GetNextRequest, pdus: nulls(system)}.encode(t),
		v3Request{user: user256AES, flags: gosnmp.AuthPriv | rep, engineID: engineID, boots: 1, pduType: gosnmp.GetBulkRequest, maxReps: 1000, pdus: nulls(system)}.encode(t),
		v3Request{user: userSHADES, flags: gosnmp.AuthPriv | rep, engineID: engineID, boots: 1, pdus: nulls(sysDescr)}.encode(t),
		v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | rep, engineID: engineID, boots: 9, pdus: nulls(sysDescr)}.encode(t),
		communityPacket(1, "public", 0xa5, 1, 300, -1, system, sysDescr),
		communityPacket(1, "public", 0xa0, -1, 0, 0, sysDescr),
		communityPacket(0, "public", 0xa5, 1, 0, 2, system),
		// Long-form lengths where short ones would do.
		ber(0x30, berInt(1), []byte{0x04, 0x81, 0x06}, []byte("public"), ber(0xa1, berInt(5), berInt(0), berInt(0), ber(0x30, ber(0x30, berOID(system), []byte{0x05, 0x00})))),
	)
	return seeds
}

// FuzzHandlePacket checks the packet handler never panics, never takes
// long and never sends more than a UDP datagram holds, whatever it gets.
func FuzzHandlePacket(f *testing.F) {
	var logs lockedBuffer
	vs, _ := bigTable(50)
	a, err := agent.New(agent.Options{
		Resolve: resolver(mib.NewTable(append(vs, fixtureVars()...)), nil),
		Users:   []agent.User{userNoAuth, userSHA, userSHAAES, user256AES, userSHADES},
		Logger:  slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { a.Close() })
	start := time.Now()
	a.SetClock(func() time.Time { return start }) // seeds stay in the time window

	for _, s := range fuzzSeeds(f, string(a.EngineID())) {
		f.Add(s)
		for _, n := range []int{1, 2, len(s) / 3, len(s) / 2, len(s) - 1} {
			f.Add(s[:n])
		}
	}
	f.Fuzz(func(t *testing.T, pkt []byte) {
		// A slow path is slow every time; a pause of the scheduler or the
		// collector is not: only three slow runs in a row fail.
		var out []byte
		var took time.Duration
		for range 3 {
			begin := time.Now()
			out, _ = a.HandlePacket(pkt, testSource)
			if took = time.Since(begin); took <= 100*time.Millisecond {
				break
			}
		}
		if took > 100*time.Millisecond {
			t.Errorf("handling % x took %v three times; want under 100 ms", pkt, took)
		}
		if s := a.Stats(); s.Panics != 0 {
			t.Fatalf("handling % x panicked:\n%s", pkt, logs.String())
		}
		if len(out) > 65507 {
			t.Errorf("response of %d octets; want at most 65507", len(out))
		}
		if out != nil && out[0] != 0x30 {
			t.Errorf("response % x is not a SEQUENCE", out)
		}
	})
}
