package monitor_test

import (
	"context"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/monitor"
	"feedplan/pdu/oids"
	"feedplan/simulator"
)

const trapCommunity = "feedplan-traps"

type gotTrap struct{ device, oid string }

// runReceiver starts r until the test ends and waits until it listens.
func runReceiver(t *testing.T, r *monitor.TrapReceiver) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("TrapReceiver.Run: %v", err)
		}
	})
	select {
	case <-r.Ready():
	case err := <-errc:
		t.Fatalf("TrapReceiver.Run: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("trap receiver not listening after 5 s")
	}
}

// waitTrap waits up to 5 s for OnTrap to report want.
func waitTrap(t *testing.T, traps <-chan gotTrap, want gotTrap) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	var seen []gotTrap
	for {
		select {
		case g := <-traps:
			if g == want {
				return
			}
			seen = append(seen, g)
		case <-deadline:
			t.Fatalf("OnTrap(%q, %q) not called within 5 s; got %v", want.device, want.oid, seen)
		}
	}
}

func TestTrapReceiverSeesATSTransfer(t *testing.T) {
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	model, dial := simulate(t, site, clock)
	mon, err := monitor.New(monitor.Options{Site: site, Logger: quiet(), Dial: dial, Now: clock, Timeout: 300 * time.Millisecond, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}

	traps := make(chan gotTrap, 64)
	states := make(chan *monitor.State, 4)
	var running, overlap atomic.Int32
	rec, err := monitor.NewTrapReceiver(monitor.TrapOptions{
		Listen: "127.0.0.1:0", Community: trapCommunity, Site: site, Logger: quiet(),
		OnTrap: func(device, oid string) {
			select {
			case traps <- gotTrap{device, oid}:
			default:
			}
		},
		Cycle: func(ctx context.Context) (*monitor.State, error) {
			if running.Add(1) > 1 {
				overlap.Add(1)
			}
			defer running.Add(-1)
			st, err := mon.Cycle(ctx)
			states <- st
			return st, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	runReceiver(t, rec)

	// Every device sends from the address it answers on, as real ones do.
	from := map[string]string{}
	for _, a := range site.ATS {
		from[a.Name] = a.SNMP.Address
	}
	for _, p := range site.PDUs {
		from[p.Name] = p.SNMP.Address
	}
	sender, err := simulator.NewTrapSender(simulator.TrapOptions{Target: rec.Addr(), Community: trapCommunity, From: from, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	sender.Attach(model)
	ctx, cancel := context.WithCancel(context.Background())
	senderDone := make(chan struct{})
	go func() { sender.Run(ctx); close(senderDone) }()
	t.Cleanup(func() { cancel(); <-senderDone })

	start := time.Now()
	if err := model.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	waitTrap(t, traps, gotTrap{"ats-r03", "." + oids.ATSSourceSwitched})
	t.Logf("atsSourceSwitched from ats-r03 %v after the cut", time.Since(start))

	var st *monitor.State
	select {
	case st = <-states:
	case <-time.After(5 * time.Second):
		t.Fatal("no cycle within 5 s of the cut")
	}
	t.Logf("cycle after the notifications done %v after the cut", time.Since(start))
	if got := rules(st); !has(got["ats-not-preferred"], "ats-r03") || !has(got["ats-redundancy-lost"], "ats-r03:A-05") {
		t.Errorf("conditions of the cycle after the traps = %v; want ats-r03 on B and its input A-05 failed", got)
	}

	// The burst (atsSourceSwitched and atsLostRedundancy at least) has
	// arrived; give a second call the time it would need.
	time.Sleep(1500 * time.Millisecond)
	s := rec.Stats()
	if s.Accepted < 2 || s.Cycles != 1 || overlap.Load() != 0 {
		t.Errorf("after the cut: %d notifications accepted, %d cycles, %d overlapping; want ≥ 2 notifications, 1 cycle, none overlapping", s.Accepted, s.Cycles, overlap.Load())
	}
	if s.Rejected != 0 || s.Unknown != 0 || s.Panics != 0 {
		t.Errorf("stats %+v; want nothing rejected, unknown or panicking", s)
	}
}

// sendTrap sends one SNMPv2c trap from the loopback address src.
func sendTrap(t *testing.T, target, src, community string, vars ...gosnmp.SnmpPDU) {
	t.Helper()
	host, port, _ := net.SplitHostPort(target)
	p, _ := strconv.Atoi(port)
	g := &gosnmp.GoSNMP{Target: host, Port: uint16(p), Community: community, Version: gosnmp.Version2c,
		Timeout: time.Second, LocalAddr: net.JoinHostPort(src, "0")}
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer g.Conn.Close()
	vars = append([]gosnmp.SnmpPDU{
		{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uint32(42)},
		{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: "." + oids.ATSSourceSwitched},
	}, vars...)
	if _, err := g.SendTrap(gosnmp.SnmpTrap{Variables: vars}); err != nil {
		t.Fatal(err)
	}
}

func TestTrapReceiverDropsWhatItShould(t *testing.T) {
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	traps := make(chan gotTrap, 64)
	rec, err := monitor.NewTrapReceiver(monitor.TrapOptions{
		Listen: "127.0.0.1:0", Community: trapCommunity, Site: site, Logger: quiet(),
		OnTrap: func(device, oid string) { traps <- gotTrap{device, oid} },
	})
	if err != nil {
		t.Fatal(err)
	}
	runReceiver(t, rec)

	// A well-formed trap's bytes, to truncate and corrupt.
	good, err := (&gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: trapCommunity, PDUType: gosnmp.SNMPv2Trap,
		Variables: []gosnmp.SnmpPDU{
			{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uint32(42)},
			{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: "." + oids.ATSSourceSwitched},
			{Name: ".1.3.6.1.4.1.318.2.3.3.0", Type: gosnmp.OctetString, Value: []byte("Switched to Source B.")},
		}}).MarshalMsg()
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("udp", rec.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		var pkt []byte
		switch i % 3 {
		case 0: // noise
			pkt = make([]byte, rnd.IntN(200))
			for j := range pkt {
				pkt[j] = byte(rnd.UintN(256))
			}
		case 1: // truncated
			pkt = good[:rnd.IntN(len(good))]
		case 2: // one byte changed
			pkt = append([]byte(nil), good...)
			pkt[rnd.IntN(len(pkt))] = byte(rnd.UintN(256))
		}
		if _, err := c.Write(pkt); err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 {
			time.Sleep(5 * time.Millisecond) // keep within the socket's buffer
		}
	}

	sendTrap(t, rec.Addr(), "127.0.0.34", "wrong-community")                                                                                               // rejected
	sendTrap(t, rec.Addr(), "127.0.9.9", trapCommunity)                                                                                                    // unknown
	sendTrap(t, rec.Addr(), "127.0.9.9", trapCommunity, gosnmp.SnmpPDU{Name: "." + oids.SysName + ".0", Type: gosnmp.OctetString, Value: []byte("r01-a")}) // named
	sendTrap(t, rec.Addr(), "127.0.0.34", trapCommunity)                                                                                                   // ats-r03

	// The listener handles packets in order: once the last has come,
	// every one before it has been dealt with.
	var got []gotTrap
	deadline := time.After(5 * time.Second)
	for len(got) == 0 || got[len(got)-1].device != "ats-r03" {
		select {
		case g := <-traps:
			got = append(got, g)
		case <-deadline:
			t.Fatalf("the trap from ats-r03 did not arrive within 5 s; got %v", got)
		}
	}
	// A corrupted copy may still parse as a trap with a changed value;
	// it is accepted as ats-r03's only if its source address is.
	named := 0
	for _, g := range got {
		if g.device == "r01-a" {
			named++
		}
	}
	if named != 1 {
		t.Errorf("OnTrap calls %v; want one for r01-a, named by its sysName.0 varbind", got)
	}
	s := rec.Stats()
	if s.Rejected < 1 || s.Unknown < 1 || s.Panics != 0 {
		t.Errorf("stats %+v; want the wrong community rejected, the unnamed stranger unknown, no panic", s)
	}
}

func TestTrapReceiverDebounces(t *testing.T) {
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var calls, running, overlap atomic.Int32
	started := make(chan struct{}, 8)
	release := make(chan struct{})
	var once sync.Once
	rec, err := monitor.NewTrapReceiver(monitor.TrapOptions{
		Listen: "127.0.0.1:0", Community: trapCommunity, Site: site, Logger: quiet(), Debounce: 200 * time.Millisecond,
		Cycle: func(ctx context.Context) (*monitor.State, error) {
			calls.Add(1)
			if running.Add(1) > 1 {
				overlap.Add(1)
			}
			defer running.Add(-1)
			started <- struct{}{}
			<-release
			return nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	runReceiver(t, rec)

	wait := func(what string) {
		t.Helper()
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no cycle within 5 s", what)
		}
	}
	for range 5 {
		sendTrap(t, rec.Addr(), "127.0.0.34", trapCommunity)
	}
	wait("burst of 5")
	// While that cycle runs, more arrive: one more cycle, after it.
	for range 3 {
		sendTrap(t, rec.Addr(), "127.0.0.74", trapCommunity)
	}
	for rec.Stats().Accepted < 8 {
		time.Sleep(10 * time.Millisecond)
	}
	once.Do(func() { close(release) })
	wait("traps during a cycle")
	time.Sleep(500 * time.Millisecond) // a third call would have started by now
	if calls.Load() != 2 || overlap.Load() != 0 {
		t.Errorf("5 traps, then 3 during the cycle: %d cycles, %d overlapping; want 2, none overlapping", calls.Load(), overlap.Load())
	}
}

func TestNewTrapReceiverRejectsBadOptions(t *testing.T) {
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opt  monitor.TrapOptions
		ok   bool
	}{
		{"loopback", monitor.TrapOptions{Listen: "127.0.0.1:0"}, true},
		{"not loopback", monitor.TrapOptions{Listen: "0.0.0.0:0"}, false},
		{"not loopback, allowed", monitor.TrapOptions{Listen: "0.0.0.0:0", AllowNonLoopback: true}, true},
		{"host name", monitor.TrapOptions{Listen: "localhost:0"}, false},
		{"no port", monitor.TrapOptions{Listen: "127.0.0.1"}, false},
		{"negative debounce", monitor.TrapOptions{Listen: "127.0.0.1:0", Debounce: -time.Second}, false},
		{"source of no device", monitor.TrapOptions{Listen: "127.0.0.1:0", Sources: map[string]string{"127.0.5.5": "nosuch"}}, false},
		{"source not an IP", monitor.TrapOptions{Listen: "127.0.0.1:0", Sources: map[string]string{"pdu.example": "r01-a"}}, false},
		{"source", monitor.TrapOptions{Listen: "127.0.0.1:0", Sources: map[string]string{"127.0.5.5": "r01-a"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Site, tc.opt.Logger = site, quiet()
			_, err := monitor.NewTrapReceiver(tc.opt)
			if (err == nil) != tc.ok {
				t.Errorf("NewTrapReceiver(%+v) = %v; want ok %v", tc.opt, err, tc.ok)
			}
		})
	}
	if _, err := monitor.NewTrapReceiver(monitor.TrapOptions{Listen: "127.0.0.1:0", Logger: quiet()}); err == nil {
		t.Error("NewTrapReceiver without a site = nil error; want one")
	}
}
