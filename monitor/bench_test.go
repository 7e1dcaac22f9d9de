package monitor_test

// The monitor's benchmarks (make bench-monitor), against a real influxd
// (make influxd builds it). Targets on the 2-core development machine:
//
//   - BenchmarkCycle5000PDUs: one full cycle of the generated
//     50,000-device site (5,046 PDUs and its ATS units, each simulated
//     on a loopback address of its own) — poll, evaluate the failover
//     risk of each feed on the live loads, and write every reading to
//     InfluxDB, acknowledged — within the 30 s poll interval.
//   - BenchmarkInfluxOutage: the monitor polls a generated site every
//     second while InfluxDB is stopped for -monitor.outage (default
//     20 s; the figure is 5 min: make bench-monitor
//     OUTAGE=5m) and started again; afterwards InfluxDB holds the poll
//     point of every device of every cycle: zero points lost. replay-s
//     is how long after the restart the spool was empty (the sink's
//     retry back-off, 1 s doubling up to 30 s, sets most of it).
//
// The site is generated, parsed and served outside the timer. They are
// benchmarks only; go test without -bench runs none of this.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/monitor"
	"feedplan/monitor/influx"
	"feedplan/monitor/influx/influxtest"
	"feedplan/pdu"
	"feedplan/simulator"
	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

var benchOutage = flag.Duration("monitor.outage", 20*time.Second, "BenchmarkInfluxOutage: how long InfluxDB is stopped")

const (
	benchBigSite     = 50000 // devices of the generated site: 5,046 PDUs
	benchOutageSite  = 2000  // devices of BenchmarkInfluxOutage's site
	benchConcurrency = 64
	benchInterval    = 30 * time.Second
)

func benchLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// benchFleet is a generated site served with one agent per PDU and ATS.
type benchFleet struct {
	site      *inventory.Site
	addrs     map[string]string // device → its agent's host:port
	lastClose atomic.Int64      // unix ns of the last SNMP session closed
}

// dial reaches a device's agent, and notes when its session closes: the
// last close of a cycle is the end of its poll.
func (f *benchFleet) dial(t pdu.Target, log *slog.Logger) (pdu.Client, error) {
	t.Address = f.addrs[t.Name]
	c, err := pdu.Dial(t, log)
	if err != nil {
		return nil, err
	}
	return &benchClient{Client: c, f: f}, nil
}

type benchClient struct {
	pdu.Client
	f *benchFleet
}

func (c *benchClient) Close() error {
	err := c.Client.Close()
	now := time.Now().UnixNano()
	for {
		last := c.f.lastClose.Load()
		if now <= last || c.f.lastClose.CompareAndSwap(last, now) {
			return err
		}
	}
}

// benchServe generates a site of devices devices (seed 1), builds its
// model and serves every PDU and ATS on its own loopback address (a
// port the kernel picks) until the benchmark ends.
func benchServe(b *testing.B, devices int) *benchFleet {
	b.Helper()
	var buf bytes.Buffer
	if err := inventory.Generate(&buf, inventory.GenOptions{Devices: devices, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	site, err := inventory.Parse("generated.yaml", buf.Bytes())
	if err != nil {
		b.Fatalf("the generated site: %v", err)
	}
	m, err := simulator.New(simulator.Options{Site: site, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	eps, err := m.Endpoints(0)
	if err != nil {
		b.Fatal(err)
	}
	f := &benchFleet{site: site, addrs: map[string]string{}}
	var agents []*agent.Agent
	for _, ep := range eps {
		v, _ := m.Device(ep.Device)
		ag, err := agent.New(agent.Options{
			Listen: ep.Addr,
			Resolve: func(community, _ string) (mib.View, bool) {
				return v, slices.Contains(ep.Communities, community)
			},
			Workers: 1, // a PDU answers one request at a time
			Logger:  benchLogger(),
		})
		if err != nil {
			for _, a := range agents {
				a.Close()
			}
			b.Fatalf("%s at %s: %v", ep.Device, ep.Addr, err)
		}
		agents = append(agents, ag)
		f.addrs[ep.Device] = ag.Addr().String()
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, len(agents))
	for _, a := range agents {
		go func() { errc <- a.Run(ctx) }()
	}
	b.Cleanup(func() {
		cancel()
		for range agents {
			if err := <-errc; err != nil {
				b.Errorf("agent: %v", err)
			}
		}
	})
	return f
}

// benchSink starts a Sink writing to srv until the benchmark ends.
func benchSink(b *testing.B, srv *influxtest.Server, site *inventory.Site) *influx.Sink {
	b.Helper()
	sink, err := influx.New(influx.Options{
		URL: srv.URL, Token: "feedplan:feedplan", Bucket: influxtest.Bucket,
		Site: site.Name, Labels: influx.LabelsOf(site), Logger: benchLogger(), SpoolDir: b.TempDir(),
	})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { sink.Run(context.Background()); close(done) }()
	b.Cleanup(func() {
		if err := sink.Close(); err != nil {
			b.Errorf("sink: %v", err)
		}
		<-done
	})
	return sink
}

// benchDrained waits until sink has nothing in memory nor in its spool
// and has acknowledged more than written points, and returns when.
func benchDrained(b *testing.B, sink *influx.Sink, written int64, limit time.Duration) time.Time {
	b.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := sink.Stats()
		if s.Queued == 0 && s.InSpool == 0 && s.Written > written {
			return time.Now()
		}
		if time.Now().After(deadline) {
			b.Fatalf("influx sink not drained after %v: %+v", limit, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// benchPollPoints counts the poll points InfluxDB holds.
func benchPollPoints(b *testing.B, srv *influxtest.Server) int64 {
	b.Helper()
	series, err := srv.Query(`SELECT COUNT("ok") FROM "` + influx.MeasurementPoll + `"`)
	if err != nil {
		b.Fatal(err)
	}
	if len(series) == 0 || len(series[0].Values) == 0 {
		return 0
	}
	n, err := series[0].Values[0][1].(json.Number).Int64()
	if err != nil {
		b.Fatalf("count of poll points: %v", err)
	}
	return n
}

// BenchmarkCycle5000PDUs is one full cycle of the 5,046-PDU site: poll,
// evaluate (live loads, each feed's failover risk, conditions) and write
// to InfluxDB until acknowledged. Parts: poll (until the last SNMP
// session closed), evaluate (until OnCycle), write (OnCycle until the
// sink has nothing left). Target: at most 30 s per cycle.
func BenchmarkCycle5000PDUs(b *testing.B) {
	f := benchServe(b, benchBigSite)
	srv := influxtest.StartOptions(b, influxtest.Options{NoFlux: true})
	sink := benchSink(b, srv, f.site)
	var onCycle atomic.Int64
	mon, err := monitor.New(monitor.Options{
		Site: f.site, Logger: benchLogger(), Dial: f.dial,
		Concurrency: benchConcurrency, Timeout: 5 * time.Second, Retries: 1,
		OnCycle: func(ctx context.Context, st *monitor.State) {
			onCycle.Store(time.Now().UnixNano())
			sink.Write(ctx, st.Results)
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	var cycles, targets int64
	cycle := func() (poll, eval, write time.Duration, points int64) {
		before := sink.Stats().Written
		start := time.Now()
		st, err := mon.Cycle(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		written := benchDrained(b, sink, before, 5*time.Minute)
		var failed []string
		for _, r := range st.Results {
			if r.Err != nil {
				failed = append(failed, fmt.Sprintf("%s: %v", r.Target.Name, r.Err))
			}
		}
		if len(failed) > 0 {
			b.Fatalf("%d of %d devices did not answer; the first: %s", len(failed), len(st.Results), failed[0])
		}
		cycles++
		targets = int64(len(st.Results))
		polled, evaluated := time.Unix(0, f.lastClose.Load()), time.Unix(0, onCycle.Load())
		return polled.Sub(start), evaluated.Sub(polled), written.Sub(evaluated), sink.Stats().Written - before
	}
	// The first cycle renders every simulated device for the first time
	// (the simulator sorts a device's variables then): not timed.
	cycle()

	var poll, eval, write time.Duration
	var points int64
	for b.Loop() {
		p, e, w, n := cycle()
		poll, eval, write, points = poll+p, eval+e, write+w, points+n
	}
	sec := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
	perCycle := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perCycle, "s/cycle")
	b.ReportMetric(sec(poll), "poll-s/cycle")
	b.ReportMetric(sec(eval), "evaluate-s/cycle")
	b.ReportMetric(sec(write), "write-s/cycle")
	b.ReportMetric(float64(points)/float64(b.N), "points/cycle")
	b.ReportMetric(float64(len(f.site.PDUs)), "PDUs")
	b.ReportMetric(float64(len(f.site.ATS)), "ATS")

	if got, want := benchPollPoints(b, srv), cycles*targets; got != want {
		b.Errorf("InfluxDB holds %d poll points; want %d cycles × %d devices = %d", got, cycles, targets, want)
	}
	verdict := "within"
	if perCycle > benchInterval.Seconds() {
		verdict = "NOT within"
	}
	b.Logf("%d PDUs + %d ATS: %.1f s per cycle (poll %.1f s, evaluate %.2f s, write %.1f s of %.0f points), %s the %v interval",
		len(f.site.PDUs), len(f.site.ATS), perCycle, sec(poll), sec(eval), sec(write), float64(points)/float64(b.N), verdict, benchInterval)
}

// BenchmarkInfluxOutage polls a generated site every second (the
// monitor's own scheduler) and writes each cycle to InfluxDB through the
// Sink; after 5 s InfluxDB is stopped for -monitor.outage, then started
// again, and polling goes on for 5 s more. Then the sink is left to
// drain, and InfluxDB must hold one poll point per device per cycle.
func BenchmarkInfluxOutage(b *testing.B) {
	f := benchServe(b, benchOutageSite)
	for b.Loop() {
		srv := influxtest.StartOptions(b, influxtest.Options{NoFlux: true})
		sink := benchSink(b, srv, f.site)
		var cycles, polled atomic.Int64
		mon, err := monitor.New(monitor.Options{
			Site: f.site, Logger: benchLogger(), Dial: f.dial, Schedule: "@every 1s",
			Concurrency: benchConcurrency, Timeout: 2 * time.Second, Retries: 1,
			OnCycle: func(ctx context.Context, st *monitor.State) {
				cycles.Add(1)
				polled.Add(int64(len(st.Results)))
				sink.Write(ctx, st.Results)
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- mon.Run(ctx) }()

		time.Sleep(5 * time.Second)
		srv.Stop()
		stopped := time.Now()
		time.Sleep(*benchOutage)
		during := sink.Stats()
		if during.Spooled == 0 || sink.Healthy() == nil {
			b.Errorf("after %v without InfluxDB: %+v, healthy %v; want points spooled and the sink unhealthy", *benchOutage, during, sink.Healthy())
		}
		srv.Restart()
		restarted := time.Now()
		// Polling goes on; note when the spool has been replayed.
		var replayed time.Time
		for time.Since(restarted) < 5*time.Second || replayed.IsZero() && time.Since(restarted) < 2*time.Minute+*benchOutage {
			if s := sink.Stats(); replayed.IsZero() && s.InSpool == 0 {
				replayed = time.Now()
			}
			time.Sleep(20 * time.Millisecond)
		}
		if replayed.IsZero() {
			b.Fatalf("spool not replayed %v after InfluxDB came back: %+v", time.Since(restarted), sink.Stats())
		}
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		benchDrained(b, sink, 0, 2*time.Minute)
		s := sink.Stats()

		got, want := benchPollPoints(b, srv), polled.Load()
		if got != want || s.Dropped != 0 || s.Rejected != 0 {
			b.Errorf("InfluxDB holds %d poll points; want %d (%d cycles); sink %+v", got, want, cycles.Load(), s)
		}
		b.ReportMetric(restarted.Sub(stopped).Seconds(), "outage-s")
		b.ReportMetric(float64(cycles.Load()), "cycles")
		b.ReportMetric(float64(want), "poll-points")
		b.ReportMetric(float64(want-got), "points-lost")
		b.ReportMetric(float64(s.Written), "points-written")
		b.ReportMetric(float64(s.Spooled), "points-spooled")
		b.ReportMetric(float64(s.Replayed), "points-replayed")
		b.ReportMetric(float64(s.Dropped), "points-dropped")
		b.ReportMetric(replayed.Sub(restarted).Seconds(), "replay-s")
		b.Logf("%d PDUs + %d ATS every second, InfluxDB down %.1f s: %d cycles, %d of %d poll points in InfluxDB (%d lost); %d points spooled, %d replayed, %d dropped; spool replayed %.1f s after the restart",
			len(f.site.PDUs), len(f.site.ATS), restarted.Sub(stopped).Seconds(), cycles.Load(), got, want, want-got, s.Spooled, s.Replayed, s.Dropped, replayed.Sub(restarted).Seconds())
	}
}
