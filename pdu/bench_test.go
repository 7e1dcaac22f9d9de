package pdu_test

// The poller's benchmarks (make bench-poll). Targets on the 2-core
// development machine:
//
//   - BenchmarkPoll5000PDUs: one pdu.Poll of 5,000 simulated 24-outlet
//     APC PDUs, each on a loopback address of its own, in at most 30 s.
//   - BenchmarkPollVsSNMPExporter: pdu.Poll and the Prometheus SNMP
//     exporter (0.21, Debian's prometheus-snmp-exporter) read the same
//     simulated PDUs with the same concurrency, on loopback and with the
//     300 ms a network management card takes per request; goal: pdu.Poll
//     at least 2× the exporter's devices/s. CPU per device counts every
//     process involved (this one, with the simulator, and the exporter).
//   - BenchmarkPollCycles: 1,000 polls of 20 PDUs; the heap in use after
//     a GC, the open file descriptors and the goroutines stay flat.
//
// The site is generated, parsed and served outside the timer. They are
// benchmarks only; go test without -bench runs none of this.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/simulator"
	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

const (
	// benchPDUs is the size of the big site: about the 5,046 PDUs of
	// a generated 50,000-device site, all of them APC.
	benchPDUs = 5000
	// benchConcurrency is the devices polled at once, by pdu.Poll and
	// by the exporter's scrapers alike. On loopback anything from 8 to
	// 256 gives about the same rate (the CPU is the limit); against
	// cards answering in 300 ms it is what sets the rate.
	benchConcurrency = 64
	// benchCommunity is every simulated PDU's community.
	benchCommunity = "bench-ro"
	// benchOutlets is what every PDU of the site has (AP8959EU3).
	benchOutlets = 24
	// benchTimeout and benchRetries are per SNMP request, on both sides.
	benchTimeout = 5 * time.Second
	benchRetries = 1
	// benchMaxRepetitions is the GETBULK size, on both sides.
	benchMaxRepetitions = 25
)

func benchLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// benchSite writes a site of racks with an A and a B PDU each, every
// PDU an APC AP8959EU3 (24 outlets, 16 A, single phase) on a circuit of
// its own and at a loopback address of its own (127.0.1.1, 127.0.1.2,
// …), and 10 dual-corded devices per rack on outlets 1-10 of both PDUs.
// pdus is rounded up to an even number.
func benchSite(pdus int) []byte {
	racks := (pdus + 1) / 2
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	fmt.Fprintf(w, "# %d racks of two APC AP8959EU3 for the poll benchmarks.\n", racks)
	fmt.Fprintln(w, "site: bench-poll")
	fmt.Fprintln(w, "sources:")
	for _, s := range []string{"A", "B"} {
		fmt.Fprintf(w, "  - {name: %s, kind: ups, volts: 230, phases: 3}\n", s)
	}
	fmt.Fprintln(w, "panels:")
	for _, s := range []string{"A", "B"} {
		fmt.Fprintf(w, "  - {name: %s-MAIN, source: %s, amps: 100000}\n", s, s)
	}
	fmt.Fprintln(w, "circuits:")
	for r := range racks {
		for _, s := range []string{"A", "B"} {
			fmt.Fprintf(w, "  - {name: %s-%05d, panel: %s-MAIN, amps: 16, phase: %d}\n", s, r+1, s, 1+r%3)
		}
	}
	fmt.Fprintln(w, "racks:")
	for r := range racks {
		fmt.Fprintf(w, "  - {name: r%05d, row: R%03d}\n", r+1, 1+r/20)
	}
	fmt.Fprintln(w, "pdus:")
	n := 0
	for r := range racks {
		for _, side := range []string{"a", "b"} {
			fmt.Fprintf(w, "  - {name: r%05d-%s, rack: r%05d, inlet: %s-%05d, outlets: %d, vendor: apc, model: AP8959EU3, snmp: {address: 127.0.%d.%d, community: %s}}\n",
				r+1, side, r+1, strings.ToUpper(side), r+1, benchOutlets, 1+n/250, 1+n%250, benchCommunity)
			n++
		}
	}
	fmt.Fprintln(w, "devices:")
	for r := range racks {
		for d := range 10 {
			fmt.Fprintf(w, "  - {name: srv-%05d-%02d, rack: r%05d, psus: [r%05d-a:%d, r%05d-b:%d], watts: 250}\n",
				r+1, d+1, r+1, r+1, d+1, r+1, d+1)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// benchFleet is a simulated site served with one agent per PDU.
type benchFleet struct {
	targets []pdu.Target
	agents  []*agent.Agent
}

// requests is the number of SNMP requests the fleet's agents received.
func (f *benchFleet) requests() uint64 {
	var n uint64
	for _, a := range f.agents {
		n += a.Stats().Received
	}
	return n
}

// benchServe generates a site of pdus PDUs, validates it, builds its
// model and serves every PDU on its own loopback address (a port the
// kernel picks) until the benchmark ends; with a delay, every PDU
// answers each request that late (the simulator's slow fault). The
// targets are v2c, with the benchmark's timeout, retries and GETBULK
// size.
func benchServe(b *testing.B, pdus int, delay time.Duration) *benchFleet {
	b.Helper()
	site, err := inventory.Parse("bench-poll.yaml", benchSite(pdus))
	if err != nil {
		b.Fatalf("the generated site: %v", err)
	}
	for _, p := range site.PDUs {
		if p.Vendor != "apc" || p.Model != "AP8959EU3" || p.Outlets != benchOutlets {
			b.Fatalf("pdu %q: %s %s with %d outlets; want apc AP8959EU3 with %d", p.Name, p.Vendor, p.Model, p.Outlets, benchOutlets)
		}
	}
	m, err := simulator.New(simulator.Options{Site: site, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if delay > 0 {
		err := m.Update(func(f *simulator.Faults) error {
			f.Slow = map[string]string{}
			for _, p := range site.PDUs {
				f.Slow[p.Name] = delay.String()
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	eps, err := m.Endpoints(0)
	if err != nil {
		b.Fatal(err)
	}
	f := &benchFleet{}
	closeAll := func() {
		for _, a := range f.agents {
			a.Close()
		}
	}
	for _, ep := range eps {
		v, ok := m.Device(ep.Device)
		if !ok {
			closeAll()
			b.Fatalf("endpoint %s: the model has no such device", ep.Device)
		}
		ag, err := agent.New(agent.Options{
			Listen: ep.Addr,
			Resolve: func(community, _ string) (mib.View, bool) {
				if slices.Contains(ep.Communities, community) {
					return v, true
				}
				return nil, false
			},
			Workers: 1, // a PDU answers one request at a time
			Logger:  benchLogger(),
		})
		if err != nil {
			closeAll()
			b.Fatalf("%s at %s: %v", ep.Device, ep.Addr, err)
		}
		f.agents = append(f.agents, ag)
		t := pdu.TargetOf(ep.Device, ep.SNMP)
		t.Address = ag.Addr().String()
		t.Timeout, t.Retries, t.MaxRepetitions = benchTimeout, benchRetries, benchMaxRepetitions
		f.targets = append(f.targets, t)
	}
	benchRenderAll(m)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, len(f.agents))
	for _, a := range f.agents {
		go func() { errc <- a.Run(ctx) }()
	}
	b.Cleanup(func() {
		cancel()
		for range f.agents {
			if err := <-errc; err != nil {
				b.Errorf("agent: %v", err)
			}
		}
	})
	return f
}

// benchRenderAll renders every device of m once, as a poller that has
// gone round the site before sees them: the simulator sorts a device's
// variables on its first render only, and that sort would otherwise fall
// on whichever side polls first.
func benchRenderAll(m *simulator.Model) {
	uptime := mib.MustOID("1.3.6.1.2.1.1.3.0")
	names := m.Devices()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(names)); i = next.Add(1) - 1 {
				v, _ := m.Device(names[i])
				v.Get(uptime)
			}
		})
	}
	wg.Wait()
}

// benchCPU is the CPU time this process has used, or that of process
// pid when it is not 0 (from /proc/PID/stat, in Linux's USER_HZ ticks of
// 10 ms).
func benchCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	if pid != 0 {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Fatalf("reading the CPU time of process %d: %v", pid, err)
		}
		// utime and stime are fields 14 and 15; field 2, the command,
		// is in parentheses and may hold spaces.
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		var ticks int64
		for _, f := range fields[11:13] {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				b.Fatalf("process %d: stat field %q: %v", pid, f, err)
			}
			ticks += n
		}
		return time.Duration(ticks) * 10 * time.Millisecond
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPoll polls every target once and fails the benchmark unless each
// reads as a 24-outlet APC PDU.
func benchPoll(b *testing.B, targets []pdu.Target) {
	res, err := pdu.Poll(b.Context(), targets, pdu.PollOptions{Concurrency: benchConcurrency, Logger: benchLogger()})
	if err != nil {
		b.Fatal(err)
	}
	var errs []error
	for _, r := range res {
		switch {
		case r.Err != nil:
			errs = append(errs, r.Err)
		case r.Reading.Driver != "apc-rpdu" || len(r.Reading.Outlets) != benchOutlets || r.Reading.Partial:
			errs = append(errs, fmt.Errorf("%s: driver %q, %d outlets, partial %v %q; want apc-rpdu, %d outlets, complete",
				r.Target, r.Reading.Driver, len(r.Reading.Outlets), r.Reading.Partial, r.Reading.Problems, benchOutlets))
		}
	}
	if len(errs) > 0 {
		b.Fatalf("%d of %d PDUs failed; the first: %v", len(errs), len(targets), errs[0])
	}
}

// BenchmarkPoll5000PDUs is one poll of a 5,000-PDU site: every PDU an
// APC AP8959EU3 with 24 outlets on a loopback address of its own, polled
// by pdu.Poll at benchConcurrency. Target: at most 30 s per poll.
func BenchmarkPoll5000PDUs(b *testing.B) {
	f := benchServe(b, benchPDUs, 0)
	requests, cpu := f.requests(), benchCPU(b, 0)
	for b.Loop() {
		benchPoll(b, f.targets)
	}
	devices := float64(len(f.targets) * b.N)
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/poll")
	b.ReportMetric(devices/b.Elapsed().Seconds(), "devices/s")
	b.ReportMetric(float64(f.requests()-requests)/devices, "requests/device")
	b.ReportMetric(float64((benchCPU(b, 0)-cpu).Microseconds())/1000/devices, "cpu-ms/device")
	b.ReportMetric(float64(len(f.targets)), "PDUs")
}

// BenchmarkPollVsSNMPExporter reads the same simulated PDUs with
// pdu.Poll and through the Prometheus SNMP exporter, each with
// benchConcurrency devices at once: for the exporter, as many goroutines
// scraping /snmp?target=… over HTTP keep-alive, a scrape being one device
// read (the walks of the apc_rpdu2 module: device, phase, bank, switched
// and metered outlet status). Goal: pdu.Poll's devices/s at least 2× the
// exporter's.
//
// Two sites: loopback, the 5,000 PDUs of BenchmarkPoll5000PDUs answering
// at once, where both sides are bound by the CPU the simulator, the
// poller and the exporter share; and nmc-300ms, 256 PDUs answering each
// request after 300 ms as an APC network management card does, where the
// number of requests per device decides.
func BenchmarkPollVsSNMPExporter(b *testing.B) {
	bin, err := exec.LookPath("prometheus-snmp-exporter")
	if err != nil {
		b.Fatal("prometheus-snmp-exporter not found: apt-get install prometheus-snmp-exporter")
	}
	base, pid := benchStartExporter(b, bin)
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: benchConcurrency, DisableCompression: true},
		Timeout:   time.Minute,
	}
	defer client.CloseIdleConnections()

	for _, site := range []struct {
		name  string
		pdus  int
		delay time.Duration
	}{
		{"loopback", benchPDUs, 0},
		{"nmc-300ms", 256, 300 * time.Millisecond},
	} {
		b.Run(site.name, func(b *testing.B) {
			f := benchServe(b, site.pdus, site.delay)
			type outcome struct{ rate, cpu float64 }
			got := map[string]outcome{}
			for _, side := range []struct {
				name string
				pid  int // a process whose CPU time counts too
				poll func(b *testing.B)
			}{
				{"feedplan", 0, func(b *testing.B) { benchPoll(b, f.targets) }},
				{"snmp_exporter", pid, func(b *testing.B) { benchScrapeAll(b, client, base, f.targets) }},
			} {
				b.Run(side.name, func(b *testing.B) {
					requests, cpu := f.requests(), benchCPU(b, 0)
					var other time.Duration
					if side.pid != 0 {
						other = -benchCPU(b, side.pid)
					}
					for b.Loop() {
						side.poll(b)
					}
					if side.pid != 0 {
						other += benchCPU(b, side.pid)
					}
					devices := float64(len(f.targets) * b.N)
					ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / devices }
					o := outcome{rate: devices / b.Elapsed().Seconds(), cpu: ms(benchCPU(b, 0) - cpu + other)}
					b.ReportMetric(o.rate, "devices/s")
					b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/poll")
					b.ReportMetric(float64(f.requests()-requests)/devices, "requests/device")
					b.ReportMetric(o.cpu, "cpu-ms/device")
					if side.pid != 0 {
						b.ReportMetric(ms(other), "exporter-cpu-ms/device")
					}
					got[side.name] = o
				})
			}
			ours, theirs := got["feedplan"], got["snmp_exporter"]
			if ours.rate > 0 && theirs.rate > 0 {
				b.Logf("%s, %d PDUs, %d at once: pdu.Poll %.0f devices/s, snmp_exporter %.0f devices/s: %.1f× (goal ≥ 2×); CPU per device %.2f ms and %.2f ms",
					site.name, len(f.targets), benchConcurrency, ours.rate, theirs.rate, ours.rate/theirs.rate, ours.cpu, theirs.cpu)
			}
		})
	}
}

// benchExporterModule is the exporter's module, written by hand in the
// 0.21 format (community and SNMP settings in the module): the
// apc_rpdu2 module of ../shared/snmp/snmp_exporter/generator.yml (the
// rPDU2 device, phase, bank, switched and metered outlet status tables)
// and the system objects pdu reads, with a metric for each column the APC
// driver uses.
const benchExporterModule = "apc_rpdu2"

// benchExporterTables are the tables the module walks: the table's OID,
// its index label and the columns made metrics (number → name; a name
// ending in "Name" is a DisplayString).
var benchExporterTables = []struct {
	oid, index string
	cols       map[int]string
}{
	{"1.3.6.1.4.1.318.1.1.26.4.3", "rPDU2DeviceStatusIndex", map[int]string{
		2: "rPDU2DeviceStatusModule", 4: "rPDU2DeviceStatusLoadState", 5: "rPDU2DeviceStatusPower", 9: "rPDU2DeviceStatusEnergy"}},
	{"1.3.6.1.4.1.318.1.1.26.6.3", "rPDU2PhaseStatusIndex", map[int]string{
		2: "rPDU2PhaseStatusModule", 3: "rPDU2PhaseStatusNumber", 4: "rPDU2PhaseStatusLoadState", 5: "rPDU2PhaseStatusCurrent",
		6: "rPDU2PhaseStatusVoltage", 7: "rPDU2PhaseStatusPower", 9: "rPDU2PhaseStatusPowerFactor"}},
	{"1.3.6.1.4.1.318.1.1.26.8.3", "rPDU2BankStatusIndex", map[int]string{
		2: "rPDU2BankStatusModule", 3: "rPDU2BankStatusNumber", 4: "rPDU2BankStatusLoadState", 5: "rPDU2BankStatusCurrent"}},
	{"1.3.6.1.4.1.318.1.1.26.9.2.3", "rPDU2OutletSwitchedStatusIndex", map[int]string{
		2: "rPDU2OutletSwitchedStatusModule", 3: "rPDU2OutletSwitchedStatusName", 4: "rPDU2OutletSwitchedStatusNumber", 5: "rPDU2OutletSwitchedStatusState"}},
	{"1.3.6.1.4.1.318.1.1.26.9.4.3", "rPDU2OutletMeteredStatusIndex", map[int]string{
		2: "rPDU2OutletMeteredStatusModule", 3: "rPDU2OutletMeteredStatusName", 4: "rPDU2OutletMeteredStatusNumber",
		6: "rPDU2OutletMeteredStatusCurrent", 7: "rPDU2OutletMeteredStatusPower", 11: "rPDU2OutletMeteredStatusEnergy"}},
}

// benchExporterConfig is the exporter's snmp.yml.
func benchExporterConfig() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s:\n", benchExporterModule)
	fmt.Fprintf(&s, "  version: 2\n  auth:\n    community: %s\n", benchCommunity)
	fmt.Fprintf(&s, "  max_repetitions: %d\n  retries: %d\n  timeout: %s\n", benchMaxRepetitions, benchRetries, benchTimeout)
	s.WriteString("  get:\n  - 1.3.6.1.2.1.1.3.0\n  - 1.3.6.1.2.1.1.5.0\n")
	s.WriteString("  walk:\n")
	for _, t := range benchExporterTables {
		fmt.Fprintf(&s, "  - %s\n", t.oid)
	}
	s.WriteString("  metrics:\n")
	s.WriteString("  - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge}\n")
	s.WriteString("  - {name: sysName, oid: 1.3.6.1.2.1.1.5, type: DisplayString}\n")
	for _, t := range benchExporterTables {
		cols := make([]int, 0, len(t.cols))
		for c := range t.cols {
			cols = append(cols, c)
		}
		slices.Sort(cols)
		for _, c := range cols {
			typ := "gauge"
			if strings.HasSuffix(t.cols[c], "Name") {
				typ = "DisplayString"
			}
			fmt.Fprintf(&s, "  - name: %s\n    oid: %s.1.%d\n    type: %s\n    indexes:\n    - {labelname: %s, type: gauge}\n",
				t.cols[c], t.oid, c, typ, t.index)
		}
	}
	return s.String()
}

// benchStartExporter runs the exporter on a free loopback port until the
// benchmark ends (it is stopped by its process ID) and returns its base
// URL, once it answers, and its process ID.
func benchStartExporter(b *testing.B, bin string) (string, int) {
	b.Helper()
	dir := b.TempDir()
	config := filepath.Join(dir, "snmp.yml")
	if err := os.WriteFile(config, []byte(benchExporterConfig()), 0o600); err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out benchOutput
	cmd := exec.Command(bin, "--config.file="+config, "--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		b.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			b.Fatalf("prometheus-snmp-exporter exited: %v\n%s", err, out.String())
		default:
		}
		resp, err := http.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd.Process.Pid
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("prometheus-snmp-exporter at %s does not answer after 10 s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// benchScrapeAll has benchConcurrency goroutines scrape every target
// through the exporter once and fails the benchmark unless each scrape
// has the state of 24 outlets.
func benchScrapeAll(b *testing.B, client *http.Client, base string, targets []pdu.Target) {
	var (
		next   atomic.Int64
		failed atomic.Int64
		first  error
		once   sync.Once
		wg     sync.WaitGroup
	)
	for range min(benchConcurrency, len(targets)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(targets)); i = next.Add(1) - 1 {
				if err := benchScrape(b.Context(), client, base, targets[i]); err != nil {
					failed.Add(1)
					once.Do(func() { first = err })
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		b.Fatalf("%d of %d scrapes failed; the first: %v", failed.Load(), len(targets), first)
	}
}

// benchOutletState is the beginning of an outlet's state sample.
var benchOutletState = []byte("\nrPDU2OutletSwitchedStatusState{")

// benchScrape reads one PDU through the exporter.
func benchScrape(ctx context.Context, client *http.Client, base string, t pdu.Target) error {
	q := url.Values{"target": {t.Address}, "module": {benchExporterModule}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/snmp?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", t, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("%s: reading the scrape: %w", t, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: scrape: %s: %s", t, resp.Status, bytes.TrimSpace(body))
	}
	if n := bytes.Count(body, benchOutletState); n != benchOutlets {
		return fmt.Errorf("%s: scrape has %d outlet states; want %d", t, n, benchOutlets)
	}
	return nil
}

// benchOutput collects a child process's output.
type benchOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *benchOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *benchOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Resource bounds of BenchmarkPollCycles.
const (
	benchCyclePDUs     = 20
	benchCycles        = 1000
	benchSampleEvery   = 100
	benchMaxFDGrowth   = 5
	benchMaxGoroutines = 5
	benchMaxHeapGrowth = 1.5 // factor of the heap in use after GC
	benchWarmUp        = 2 * time.Second
)

// benchResources is one sample of what the process holds.
type benchResources struct {
	heapInuse  uint64 // bytes, after a GC
	fds        int
	goroutines int
}

func benchSample(b *testing.B) benchResources {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		b.Fatalf("counting open files: %v (BenchmarkPollCycles needs Linux's /proc)", err)
	}
	return benchResources{heapInuse: ms.HeapInuse, fds: len(fds), goroutines: runtime.NumGoroutine()}
}

// BenchmarkPollCycles polls 20 simulated PDUs 1,000 times (one op) and
// checks that nothing accumulates: every 100 polls it samples the heap in
// use after a GC, the open file descriptors (/proc/self/fd) and the
// goroutines, and fails when the last sample exceeds the first (taken
// after warm-up polls) by more than 1.5× the heap, 5 files or 5
// goroutines.
func BenchmarkPollCycles(b *testing.B) {
	f := benchServe(b, benchCyclePDUs, 0)
	// Warm up for two of the simulator's refresh periods: the first
	// renders after a refresh leave ~1,400 more live objects per PDU
	// (the profiles' OID cache, kept sort orders) that stay flat after.
	for start := time.Now(); time.Since(start) < benchWarmUp; {
		benchPoll(b, f.targets)
	}
	var samples []benchResources
	for b.Loop() {
		b.StopTimer()
		samples = append(samples[:0], benchSample(b))
		b.StartTimer()
		for i := 1; i <= benchCycles; i++ {
			benchPoll(b, f.targets)
			if i%benchSampleEvery == 0 {
				b.StopTimer()
				samples = append(samples, benchSample(b))
				b.StartTimer()
			}
		}
	}
	first, last := samples[0], samples[len(samples)-1]
	var series []string
	for _, s := range samples {
		series = append(series, fmt.Sprintf("%.1f/%d/%d", float64(s.heapInuse)/(1<<20), s.fds, s.goroutines))
	}
	b.Logf("every %d polls, heap MB/open files/goroutines: %s", benchSampleEvery, strings.Join(series, " "))
	b.ReportMetric(float64(benchCycles*b.N)/b.Elapsed().Seconds(), "polls/s")
	b.ReportMetric(float64(first.heapInuse)/(1<<20), "heap-first-MB")
	b.ReportMetric(float64(last.heapInuse)/(1<<20), "heap-last-MB")
	b.ReportMetric(float64(first.fds), "fds-first")
	b.ReportMetric(float64(last.fds), "fds-last")
	b.ReportMetric(float64(first.goroutines), "goroutines-first")
	b.ReportMetric(float64(last.goroutines), "goroutines-last")
	var errs []error
	if float64(last.heapInuse) > benchMaxHeapGrowth*float64(first.heapInuse) {
		errs = append(errs, fmt.Errorf("heap in use after GC %d → %d bytes; want at most ×%.1f", first.heapInuse, last.heapInuse, benchMaxHeapGrowth))
	}
	if last.fds > first.fds+benchMaxFDGrowth {
		errs = append(errs, fmt.Errorf("open files %d → %d; want at most +%d", first.fds, last.fds, benchMaxFDGrowth))
	}
	if last.goroutines > first.goroutines+benchMaxGoroutines {
		errs = append(errs, fmt.Errorf("goroutines %d → %d; want at most +%d", first.goroutines, last.goroutines, benchMaxGoroutines))
	}
	if err := errors.Join(errs...); err != nil {
		b.Fatalf("after %d polls of %d PDUs: %v", benchCycles, len(f.targets), err)
	}
}
