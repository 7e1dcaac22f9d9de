package simulator_test

// The simulator's benchmarks (make bench-sim). Targets on the 2-core
// development machine:
//
//   - BenchmarkSimStartup5kPDUs: load a 5,000-PDU site, build the model,
//     start the agent and answer the first GET in at most 2 s.
//   - BenchmarkSimGetSweep5kPDUs: a poller going round that site; every
//     GET finds its PDU's values a second old or more and renders them.
//   - BenchmarkSimGet, BenchmarkSimOutletWalk: throughput of a live
//     model under 8 concurrent gosnmp clients (gets/s, walks/s).
//   - BenchmarkReplay: our replay agent answers at least 10× as many
//     requests per second as snmpsimd serving the same recording under
//     the same client load (benchLoad), both on loopback.
//
// They are benchmarks only; go test without -bench runs none of this.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/pdu/oids"
	"feedplan/simulator"
	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
	"feedplan/simulator/replay"
	"feedplan/simulator/snmpsimtest"
)

// benchClients is the number of concurrent clients, each with its own
// gosnmp session, in the throughput benchmarks.
const benchClients = 8

// benchReplayRecording is the recording both replayers serve, and
// benchWalkStart where a GETNEXT walk of it starts (gosnmp cannot encode
// the single-arc .1).
const (
	benchReplayRecording = "apc_ap8959eu3"
	benchWalkStart       = ".1.3"
)

// benchSite50k is the generated 50,000-device site (5,046 PDUs), made
// once per test binary: the benchmark functions are called again for
// every b.N.
var benchSite50k = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	err := inventory.Generate(&buf, inventory.GenOptions{Devices: 50000, Seed: 1})
	return buf.Bytes(), err
})

// benchSite50kParsed is benchSite50k loaded, for benchmarks that do not
// time the loading. Nothing modifies a loaded Site.
var benchSite50kParsed = sync.OnceValues(func() (*inventory.Site, error) {
	data, err := benchSite50k()
	if err != nil {
		return nil, err
	}
	return inventory.Parse("bench-50k.yaml", data)
})

func benchLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// benchServe runs an agent over views until the benchmark ends and
// returns its address.
func benchServe(b *testing.B, resolve func(community, context string) (mib.View, bool)) string {
	b.Helper()
	ag, err := agent.New(agent.Options{Listen: "127.0.0.1:0", Resolve: resolve, Logger: benchLogger()})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ag.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("agent: %v", err)
		}
	})
	return ag.Addr().String()
}

// benchModelResolver answers for a model's devices by community.
func benchModelResolver(m *simulator.Model) func(community, context string) (mib.View, bool) {
	return func(community, _ string) (mib.View, bool) {
		v, ok := m.Device(community)
		return v, ok
	}
}

// benchSession connects one SNMPv2c gosnmp session to addr.
func benchSession(ctx context.Context, addr, community string, timeout time.Duration, retries int) (*gosnmp.GoSNMP, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("port %q: %w", port, err)
	}
	g := &gosnmp.GoSNMP{
		Context:   ctx,
		Target:    host,
		Port:      uint16(p),
		Transport: "udp",
		Community: community,
		Version:   gosnmp.Version2c,
		Timeout:   timeout,
		Retries:   retries,
		MaxOids:   gosnmp.MaxOids,
	}
	if err := g.Connect(); err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	return g, nil
}

// benchLoad is the load generator of every throughput benchmark: clients
// goroutines, each with its own gosnmp session to addr, share b.N
// operations; each operation is one call of the op its client got from
// newOp (which may keep per-client state, such as a walk's position).
// Sessions are connected before the timer starts. It fails the benchmark
// on the first error and returns the operations per second.
func benchLoad(b *testing.B, addr, community string, clients int, newOp func() func(*gosnmp.GoSNMP) error) float64 {
	b.Helper()
	sessions := make([]*gosnmp.GoSNMP, clients)
	for i := range sessions {
		g, err := benchSession(b.Context(), addr, community, 2*time.Second, 2)
		if err != nil {
			b.Fatal(err)
		}
		defer g.Conn.Close()
		sessions[i] = g
	}
	var (
		next    atomic.Int64
		failed  atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	b.ResetTimer()
	for _, g := range sessions {
		op := newOp()
		wg.Go(func() {
			for !failed.Load() && next.Add(1) <= int64(b.N) {
				if err := op(g); err != nil {
					errOnce.Do(func() { first = err })
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if first != nil {
		b.Fatalf("%s community %q: %v", addr, community, first)
	}
	return float64(b.N) / b.Elapsed().Seconds()
}

// BenchmarkSimStartup5kPDUs is what 'feedplan sim' does before it can
// answer on a 50,000-device site (5,046 PDUs): parse and validate the
// inventory, build the model (planner graph and the healthy flow), bind
// and run the agent, and answer one GET of a PDU's sysDescr over UDP.
// The site is generated outside the timer. Target: at most 2 s per op.
func BenchmarkSimStartup5kPDUs(b *testing.B) {
	data, err := benchSite50k()
	if err != nil {
		b.Fatal(err)
	}
	sysDescr := oids.SysDescr + ".0"
	var parse, build, serve time.Duration
	var pdus int
	for b.Loop() {
		t0 := time.Now()
		site, err := inventory.Parse("bench-50k.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		m, err := simulator.New(simulator.Options{Site: site, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		pdus = len(site.PDUs)
		target := site.PDUs[pdus/2].Name
		ag, err := agent.New(agent.Options{Listen: "127.0.0.1:0", Resolve: benchModelResolver(m), Logger: benchLogger()})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(b.Context())
		done := make(chan error, 1)
		go func() { done <- ag.Run(ctx) }()
		g, err := benchSession(ctx, ag.Addr().String(), target, 5*time.Second, 0)
		if err != nil {
			b.Fatal(err)
		}
		p, err := g.Get([]string{sysDescr})
		g.Conn.Close()
		t3 := time.Now()
		cancel()
		if rerr := <-done; rerr != nil {
			b.Fatalf("agent: %v", rerr)
		}
		if err != nil {
			b.Fatalf("GET %s of %s: %v", sysDescr, target, err)
		}
		if len(p.Variables) != 1 || p.Variables[0].Type != gosnmp.OctetString {
			b.Fatalf("GET %s of %s = %+v; want one OCTET STRING", sysDescr, target, p.Variables)
		}
		parse += t1.Sub(t0)
		build += t2.Sub(t1)
		serve += t3.Sub(t2)
	}
	ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(b.N) }
	b.ReportMetric(float64(pdus), "PDUs")
	b.ReportMetric(ms(parse), "parse-ms/op")
	b.ReportMetric(ms(build), "model-ms/op")
	b.ReportMetric(ms(serve), "agent+get-ms/op")
}

// BenchmarkSimGetSweep5kPDUs is a poller's view of the 5,000-PDU site:
// benchClients concurrent clients GET sysDescr.0 of every PDU in turn
// (the community changes per request), so that every PDU's values are
// rendered again each second, as the model's refresh wants, while the
// clients go round.
func BenchmarkSimGetSweep5kPDUs(b *testing.B) {
	site, err := benchSite50kParsed()
	if err != nil {
		b.Fatal(err)
	}
	m, err := simulator.New(simulator.Options{Site: site, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	addr := benchServe(b, benchModelResolver(m))
	var names []string
	for _, p := range site.PDUs {
		names = append(names, p.Name)
	}
	var turn atomic.Int64
	oid := []string{oids.SysDescr + ".0"}
	rate := benchLoad(b, addr, names[0], benchClients, func() func(*gosnmp.GoSNMP) error {
		return func(g *gosnmp.GoSNMP) error {
			g.Community = names[int(turn.Add(1))%len(names)]
			p, err := g.Get(oid)
			if err != nil {
				return fmt.Errorf("%s: %w", g.Community, err)
			}
			if p.Error != gosnmp.NoError || len(p.Variables) != 1 {
				return fmt.Errorf("%s: GET %s = %v %+v; want one variable", g.Community, oid[0], p.Error, p.Variables)
			}
			return nil
		}
	})
	b.ReportMetric(rate, "gets/s")
	b.ReportMetric(float64(len(names)), "PDUs")
}

// benchExampleSite serves the example site's model (on the real clock,
// so values are rendered again every second as in 'feedplan sim').
func benchExampleSite(b *testing.B) string {
	b.Helper()
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		b.Fatal(err)
	}
	m, err := simulator.New(simulator.Options{Site: site, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return benchServe(b, benchModelResolver(m))
}

// BenchmarkSimGet is SNMPv2c GETs of one APC PDU's phase current from
// benchClients concurrent clients: the agent's request throughput.
func BenchmarkSimGet(b *testing.B) {
	addr := benchExampleSite(b)
	oid := []string{oids.RPDU2PhaseStatusCurrent + ".1"}
	rate := benchLoad(b, addr, "r01-b", benchClients, func() func(*gosnmp.GoSNMP) error {
		return func(g *gosnmp.GoSNMP) error {
			p, err := g.Get(oid)
			if err != nil {
				return err
			}
			if p.Error != gosnmp.NoError || len(p.Variables) != 1 || p.Variables[0].Type != gosnmp.Integer {
				return fmt.Errorf("GET %s = %v %+v; want one INTEGER", oid[0], p.Error, p.Variables)
			}
			return nil
		}
	})
	b.ReportMetric(rate, "gets/s")
}

// BenchmarkSimOutletWalk is gosnmp BulkWalks of a PDU's outlet status
// table from benchClients concurrent clients, as pollers walk them: an
// APC rPDU2OutletSwitchedStatusTable and a Sentry4 st4OutletMonitorTable.
func BenchmarkSimOutletWalk(b *testing.B) {
	addr := benchExampleSite(b)
	for _, c := range []struct{ name, device, table string }{
		{"apc", "r01-a", "1.3.6.1.4.1.318.1.1.26.9.2.3"},
		{"sentry4", "r05-a", "1.3.6.1.4.1.1718.4.1.8.3"},
	} {
		b.Run(c.name, func(b *testing.B) {
			want := benchWalkLen(b, addr, c.device, c.table)
			rate := benchLoad(b, addr, c.device, benchClients, func() func(*gosnmp.GoSNMP) error {
				return func(g *gosnmp.GoSNMP) error {
					vs, err := g.BulkWalkAll(c.table)
					if err != nil {
						return err
					}
					if len(vs) != want {
						return fmt.Errorf("BulkWalk %s = %d variables; want %d", c.table, len(vs), want)
					}
					return nil
				}
			})
			b.ReportMetric(rate, "walks/s")
			b.ReportMetric(float64(want), "vars/walk")
		})
	}
}

// benchWalkLen walks root once, outside the timer, and returns how many
// variables it holds (at least one).
func benchWalkLen(b *testing.B, addr, community, root string) int {
	b.Helper()
	g, err := benchSession(b.Context(), addr, community, 2*time.Second, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Conn.Close()
	vs, err := g.BulkWalkAll(root)
	if err != nil {
		b.Fatalf("%s: BulkWalk %s: %v", community, root, err)
	}
	if len(vs) == 0 {
		b.Fatalf("%s: BulkWalk %s: no variables", community, root)
	}
	return len(vs)
}

// BenchmarkReplay serves one recording with our replay agent and with the
// real snmpsimd, and drives both with the same load (benchReplayLoad):
// benchClients concurrent clients walking the recording with GETNEXT,
// round and round; one op is one request answered. Goal: feedplan's
// responses/s at least 10× snmpsimd's.
func BenchmarkReplay(b *testing.B) {
	content, err := os.ReadFile(filepath.Join("replay", "testdata", "recordings", benchReplayRecording+replay.Ext))
	if err != nil {
		b.Fatal(err)
	}
	table, err := replay.Load(bytes.NewReader(content), benchReplayRecording+replay.Ext)
	if err != nil {
		b.Fatal(err)
	}
	ours := benchServe(b, func(community, _ string) (mib.View, bool) {
		if community != benchReplayRecording {
			return nil, false
		}
		return table, true
	})
	theirs := snmpsimtest.Start(b, map[string][]byte{benchReplayRecording: content}, benchReplayRecording).Addr

	// The same walk on both, or the comparison is void.
	if n, m := benchGetNextWalkLen(b, ours), benchGetNextWalkLen(b, theirs); n != m {
		b.Fatalf("a GETNEXT walk of %s has %d variables on feedplan, %d on snmpsimd; want the same", benchReplayRecording, n, m)
	}

	rates := map[string]float64{}
	for _, s := range []struct{ name, addr string }{{"feedplan", ours}, {"snmpsimd", theirs}} {
		b.Run(s.name, func(b *testing.B) {
			rates[s.name] = benchReplayLoad(b, s.addr)
		})
	}
	if rates["snmpsimd"] > 0 {
		b.Logf("replay of %s, %d clients: feedplan %.0f responses/s, snmpsimd %.0f responses/s: %.1f× (goal ≥ 10×)",
			benchReplayRecording, benchClients, rates["feedplan"], rates["snmpsimd"], rates["feedplan"]/rates["snmpsimd"])
	}
}

// benchReplayLoad is BenchmarkReplay's workload, the same for both
// replayers: each client walks the recording with single-variable
// GETNEXTs, starting again after endOfMibView.
func benchReplayLoad(b *testing.B, addr string) float64 {
	rate := benchLoad(b, addr, benchReplayRecording, benchClients, func() func(*gosnmp.GoSNMP) error {
		cur := benchWalkStart
		return func(g *gosnmp.GoSNMP) error {
			next, err := benchGetNext(g, cur)
			if err != nil {
				return err
			}
			cur = next
			return nil
		}
	})
	b.ReportMetric(rate, "responses/s")
	return rate
}

// benchGetNext sends one GETNEXT of oid and returns where the walk goes
// on: the OID answered, or benchWalkStart after the end of the MIB view.
func benchGetNext(g *gosnmp.GoSNMP, oid string) (string, error) {
	p, err := g.GetNext([]string{oid})
	if err != nil {
		return "", fmt.Errorf("GETNEXT %s: %w", oid, err)
	}
	if p.Error != gosnmp.NoError || len(p.Variables) != 1 {
		return "", fmt.Errorf("GETNEXT %s = %v %+v; want one variable", oid, p.Error, p.Variables)
	}
	if v := p.Variables[0]; v.Type != gosnmp.EndOfMibView {
		return v.Name, nil
	}
	return benchWalkStart, nil
}

// benchGetNextWalkLen walks a replayer's recording once with GETNEXT.
func benchGetNextWalkLen(b *testing.B, addr string) int {
	b.Helper()
	g, err := benchSession(b.Context(), addr, benchReplayRecording, 2*time.Second, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Conn.Close()
	cur, n := benchWalkStart, 0
	for {
		next, err := benchGetNext(g, cur)
		if err != nil {
			b.Fatalf("%s: %v", addr, err)
		}
		if next == benchWalkStart {
			return n
		}
		cur, n = next, n+1
	}
}
