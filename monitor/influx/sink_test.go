package influx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"feedplan/inventory"
	"feedplan/monitor/influx"
	"feedplan/monitor/influx/influxtest"
	"feedplan/pdu"
)

// t0 is the time of the first reading: within the last hour, so that
// Flux's range finds it.
var t0 = time.Now().Add(-time.Hour).Truncate(time.Second)

// pointsPerCycle is what cycle encodes to: r01-a 1+1+2+8+1, r01-b 1+3+4+1,
// ats-1 1+1, r02-a 1.
const pointsPerCycle = 25

// cycle returns one poll of a small site, its readings stamped t0 + i s:
// an APC PDU (outlet 3 meters nothing: no amps), a three-phase Raritan
// that reports no total power and no voltage on L3, an ATS on its other
// input, and a PDU that did not answer.
func cycle(i int) []pdu.Result {
	ts := t0.Add(time.Duration(i) * time.Second)
	up := pdu.Seconds(1000 + i)
	a := &pdu.Reading{Device: "r01-a", Target: "127.0.0.11", Driver: "apc-rpdu", Model: "AP8959EU3", Time: ts, Uptime: &up,
		Watts: pdu.F(1000 + float64(i)), EnergyKWh: pdu.F(100 + float64(i)/1000),
		Phases: []pdu.Phase{{Number: 1, Amps: pdu.F(4.5), Volts: pdu.F(230), Watts: pdu.F(1000), PF: pdu.F(0.97), RatedAmps: pdu.F(32)}},
		Banks:  []pdu.Bank{{Number: 1, Phase: 1, Amps: pdu.F(2), RatedAmps: pdu.F(16)}, {Number: 2, Phase: 1, Amps: pdu.F(2.5), RatedAmps: pdu.F(16)}},
	}
	for o := 1; o <= 8; o++ {
		out := pdu.Outlet{Number: o, On: pdu.B(o != 8)}
		if o != 3 {
			out.Amps = pdu.F(0.25 * float64(o))
		}
		a.Outlets = append(a.Outlets, out)
	}
	b := &pdu.Reading{Device: "r01-b", Driver: "raritan-px", Model: "PX3-5190R", Time: ts, Uptime: &up}
	for p := 1; p <= 3; p++ {
		ph := pdu.Phase{Number: p, Amps: pdu.F(float64(p)), RatedAmps: pdu.F(16)}
		if p != 3 {
			ph.Volts = pdu.F(231)
		}
		b.Phases = append(b.Phases, ph)
	}
	for o := 1; o <= 4; o++ {
		b.Outlets = append(b.Outlets, pdu.Outlet{Number: o, On: pdu.B(true), Amps: pdu.F(0.1)})
	}
	ats := &pdu.Reading{Device: "ats-1", Driver: "apc-ats", Model: "AP4423", Time: ts, Uptime: &up, ATS: &pdu.ATS{
		Selected: 1, Preferred: 0, InputOK: [2]*bool{pdu.B(false), pdu.B(true)}, Redundant: pdu.B(false), OverCurrent: pdu.B(false),
		OutputAmps: []float64{7.5}, RatedAmps: pdu.F(16),
	}}
	return []pdu.Result{
		{Target: pdu.Target{Name: "r01-a"}, Reading: a, Took: 50 * time.Millisecond},
		{Target: pdu.Target{Name: "r01-b"}, Reading: b, Took: 80 * time.Millisecond},
		{Target: pdu.Target{Name: "ats-1"}, Reading: ats, Took: 30 * time.Millisecond},
		{Target: pdu.Target{Name: "r02-a"}, Err: errors.New(`pdu "r02-a": timed out after 2s`), Took: 2 * time.Second},
	}
}

// clock stamps the poll points of unreachable devices with the time of
// the cycle being written.
type clock struct{ i atomic.Int64 }

func (c *clock) now() time.Time { return t0.Add(time.Duration(c.i.Load()) * time.Second) }

var labels = influx.Labels{
	Devices: map[inventory.Plug]string{{PDU: "r01-a", Outlet: 1}: "web-1", {PDU: "r01-a", Outlet: 2}: "db-1"},
	Feeds:   map[string]string{"r01-a": "A", "r01-b": "B"},
	Racks:   map[string]string{"r01-a": "R01", "r01-b": "R01", "ats-1": "R02"},
}

// logBuffer collects a sink's log for the test's output.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// options are fast ones for tests: InfluxDB is on loopback.
func options(t *testing.T, url, spoolDir string, c *clock) (influx.Options, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("SINKLOG") != "" {
			t.Logf("sink log:\n%s", logs)
		}
	})
	return influx.Options{
		URL: url, Token: "feedplan:s3cret", Bucket: influxtest.Bucket, Site: "dc1", Labels: labels,
		Logger:           slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		SpoolDir:         spoolDir,
		FlushInterval:    10 * time.Millisecond,
		Timeout:          2 * time.Second,
		SlowWrite:        time.Second,
		RetryInterval:    20 * time.Millisecond,
		MaxRetryInterval: 200 * time.Millisecond,
		Now:              c.now,
	}, logs
}

// run starts the sink's Run and returns a function that closes the sink
// and waits for Run.
func run(t *testing.T, s *influx.Sink) (closeSink func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	var once sync.Once
	closeSink = func() {
		once.Do(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if err := <-done; err != nil && !errors.Is(err, influx.ErrClosed) { // closed before it ran
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(closeSink)
	return closeSink
}

// waitFor polls cond, for a sink working against a real server.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func drained(s *influx.Sink) func() bool {
	return func() bool { st := s.Stats(); return st.Queued == 0 && st.InSpool == 0 }
}

// count returns count(field) over a measurement, 0 when no point has the
// field.
func count(t *testing.T, srv *influxtest.Server, q string) int64 {
	t.Helper()
	series, err := srv.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) == 0 {
		return 0
	}
	var n int64
	for _, s := range series {
		for _, v := range s.Values {
			c, err := v[1].(json.Number).Int64()
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			n += c
		}
	}
	return n
}

// totalPoints counts every point the sink writes, by a field each point
// of its measurement has.
func totalPoints(t *testing.T, srv *influxtest.Server) int64 {
	t.Helper()
	var n int64
	for _, q := range []string{
		`SELECT count(uptime_s) FROM pdu`, `SELECT count(amps) FROM pdu_phase`, `SELECT count(amps) FROM pdu_bank`,
		`SELECT count("on") FROM pdu_outlet`, `SELECT count(selected) FROM ats`, `SELECT count(ok) FROM poll`,
	} {
		n += count(t, srv, q)
	}
	return n
}

// one returns the single row of a query.
func one(t *testing.T, srv *influxtest.Server, q string) map[string]any {
	t.Helper()
	series, err := srv.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 1 || len(series[0].Values) != 1 {
		t.Fatalf("%s = %+v; want one row", q, series)
	}
	return series[0].Rows()[0]
}

func TestSinkWritesReadingsToInfluxDB(t *testing.T) {
	srv := influxtest.Start(t)
	c := &clock{}
	opt, _ := options(t, srv.URL, t.TempDir(), c)
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)
	const cycles = 100 // 400 readings
	for i := range cycles {
		c.i.Store(int64(i))
		if err := s.Write(context.Background(), cycle(i)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the points to be written", 20*time.Second, drained(s))
	closeSink()
	if err := s.Write(context.Background(), cycle(0)); !errors.Is(err, influx.ErrClosed) {
		t.Errorf("Write after Close = %v; want ErrClosed", err)
	}

	st := s.Stats()
	if st.Written != cycles*pointsPerCycle || st.Spooled != 0 || st.Dropped != 0 || st.Rejected != 0 {
		t.Errorf("Stats = %+v; want %d written, nothing spooled, dropped or rejected", st, cycles*pointsPerCycle)
	}
	if err := s.Healthy(); err != nil {
		t.Errorf("Healthy() = %v", err)
	}

	counts := []struct {
		q    string
		want int64
	}{
		{`SELECT count(uptime_s) FROM pdu`, 2 * cycles},
		{`SELECT count(amps) FROM pdu_phase`, 4 * cycles},
		{`SELECT count(amps) FROM pdu_bank`, 2 * cycles},
		{`SELECT count("on") FROM pdu_outlet`, 12 * cycles},
		{`SELECT count(selected) FROM ats`, cycles},
		{`SELECT count(ok) FROM poll`, 4 * cycles},
		{`SELECT count(ok) FROM poll WHERE ok = false`, cycles},
		// Absent values are absent, never 0.
		{`SELECT count(amps) FROM pdu_outlet WHERE pdu = 'r01-a' AND outlet = '3'`, 0},
		{`SELECT count("on") FROM pdu_outlet WHERE pdu = 'r01-a' AND outlet = '3'`, cycles},
		{`SELECT count(volts) FROM pdu_phase WHERE pdu = 'r01-b' AND phase = 'L3'`, 0},
		{`SELECT count(watts) FROM pdu WHERE pdu = 'r01-b'`, 0},
		{`SELECT count(amps) FROM pdu_outlet WHERE amps = 0`, 0},
		{`SELECT count(uptime_s) FROM pdu WHERE pdu = 'ats-1'`, 0}, // an ATS is in ats, not pdu
	}
	for _, tt := range counts {
		if got := count(t, srv, tt.q); got != tt.want {
			t.Errorf("%s = %d; want %d", tt.q, got, tt.want)
		}
	}
	if n := totalPoints(t, srv); n != cycles*pointsPerCycle {
		t.Errorf("InfluxDB holds %d points; want %d", n, cycles*pointsPerCycle)
	}

	// Values, tags and timestamps.
	last := t0.Add((cycles - 1) * time.Second)
	rows := []struct {
		q    string
		want map[string]string
	}{
		{`SELECT amps, device, feed, rack, site FROM pdu_outlet WHERE pdu = 'r01-a' AND outlet = '2' ORDER BY time DESC LIMIT 1`,
			map[string]string{"time": fmt.Sprint(last.UnixNano()), "amps": "0.5", "device": "db-1", "feed": "A", "rack": "R01", "site": "dc1"}},
		{`SELECT amps, volts, watts, pf, rated_amps, feed FROM pdu_phase WHERE pdu = 'r01-a' AND phase = 'L1' ORDER BY time DESC LIMIT 1`,
			map[string]string{"amps": "4.5", "volts": "230", "watts": "1000", "pf": "0.97", "rated_amps": "32", "feed": "A"}},
		{`SELECT amps, rated_amps FROM pdu_bank WHERE pdu = 'r01-a' AND bank = '2' AND phase = 'L1' ORDER BY time DESC LIMIT 1`,
			map[string]string{"amps": "2.5", "rated_amps": "16"}},
		{`SELECT watts, energy_kwh, uptime_s, driver, model FROM pdu WHERE pdu = 'r01-a' ORDER BY time DESC LIMIT 1`,
			map[string]string{"watts": "1099", "energy_kwh": "100.099", "uptime_s": "1099", "driver": "apc-rpdu", "model": "AP8959EU3"}},
		{`SELECT selected, preferred, on_preferred, redundant, input_a_ok, input_b_ok, over_current, output_amps, rack FROM ats WHERE ats = 'ats-1' ORDER BY time DESC LIMIT 1`,
			map[string]string{"selected": "B", "preferred": "A", "on_preferred": "false", "redundant": "false", "input_a_ok": "false", "input_b_ok": "true", "over_current": "false", "output_amps": "7.5", "rack": "R02"}},
		{`SELECT ok, took_s, error FROM poll WHERE pdu = 'r02-a' ORDER BY time DESC LIMIT 1`,
			map[string]string{"time": fmt.Sprint(last.UnixNano()), "ok": "false", "took_s": "2", "error": `pdu "r02-a": timed out after 2s`}},
		{`SELECT ok, took_s FROM poll WHERE pdu = 'r01-a' ORDER BY time ASC LIMIT 1`,
			map[string]string{"time": fmt.Sprint(t0.UnixNano()), "ok": "true", "took_s": "0.05"}},
	}
	for _, tt := range rows {
		got := one(t, srv, tt.q)
		for k, want := range tt.want {
			if v := fmt.Sprint(got[k]); v != want {
				t.Errorf("%s: %s = %s; want %s", tt.q, k, v, want)
			}
		}
	}

	// Field types a Grafana user can rely on.
	series, err := srv.Query(`SHOW FIELD KEYS`)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, s := range series {
		for _, v := range s.Values {
			types[s.Name+"."+fmt.Sprint(v[0])] = fmt.Sprint(v[1])
		}
	}
	for k, want := range map[string]string{
		"pdu_outlet.amps": "float", "pdu_outlet.on": "boolean", "pdu_phase.volts": "float", "ats.selected": "string",
		"ats.redundant": "boolean", "poll.ok": "boolean", "poll.error": "string", "pdu.uptime_s": "float",
	} {
		if types[k] != want {
			t.Errorf("field %s is %q; want %s", k, types[k], want)
		}
	}

	// The v2 query API (Flux, on 1.8 with flux-enabled) sees the same.
	client := influxdb2.NewClient(srv.URL, "feedplan:s3cret")
	defer client.Close()
	res, err := client.QueryAPI("").Query(context.Background(), fmt.Sprintf(`
		from(bucket: %q)
		  |> range(start: %s)
		  |> filter(fn: (r) => r._measurement == "pdu_phase" and r.pdu == "r01-b" and r._field == "amps")
		  |> count()`, influxtest.Bucket, t0.Add(-time.Minute).Format(time.RFC3339)))
	if err != nil {
		t.Fatal(err)
	}
	var fluxCount int64
	for res.Next() {
		fluxCount += res.Record().Value().(int64)
	}
	if res.Err() != nil {
		t.Fatal(res.Err())
	}
	if fluxCount != 3*cycles {
		t.Errorf("Flux count of r01-b's phase currents = %d; want %d", fluxCount, 3*cycles)
	}
}

// recorder is a reverse proxy in front of influxd that records the
// bodies of the writes InfluxDB acknowledged, in the order it did.
type recorder struct {
	proxy *httputil.ReverseProxy
	mu    sync.Mutex
	acked [][]string
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

func (p *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	p.proxy.ServeHTTP(sw, r)
	if r.URL.Path == "/api/v2/write" && sw.code == http.StatusNoContent {
		p.mu.Lock()
		p.acked = append(p.acked, strings.Split(strings.TrimSpace(string(body)), "\n"))
		p.mu.Unlock()
	}
}

// checkOrder checks that InfluxDB acknowledged the points in the order of
// their readings, and returns how many it acknowledged.
func checkOrder(t *testing.T, acked [][]string) int {
	t.Helper()
	n, prev := 0, int64(0)
	for i, body := range acked {
		for _, l := range body {
			ts, err := strconv.ParseInt(l[strings.LastIndexByte(l, ' ')+1:], 10, 64)
			if err != nil {
				t.Fatalf("write %d: %q: %v", i, l, err)
			}
			if ts < prev {
				t.Fatalf("write %d: %q is older than a point acknowledged before it (%d)", i, l, prev)
			}
			prev = ts
			n++
		}
	}
	return n
}

// TestOutage kills influxd while the poller keeps writing, starts it
// again on the same files and port, and checks that every point arrives,
// in order, and that Write never waited.
func TestOutage(t *testing.T) {
	srv := influxtest.StartOptions(t, influxtest.Options{NoFlux: true})
	target, _ := url.Parse(srv.URL)
	rec := &recorder{proxy: httputil.NewSingleHostReverseProxy(target)}
	rec.proxy.ErrorLog = nil
	rec.proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
	proxy := httptest.NewServer(rec)
	defer proxy.Close()

	c := &clock{}
	spoolDir := t.TempDir()
	opt, _ := options(t, proxy.URL, spoolDir, c)
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)

	// The poller: a cycle every 10 ms, each Write timed.
	var (
		cycles  atomic.Int64
		slowest atomic.Int64
		stop    = make(chan struct{})
		stopped = make(chan struct{})
	)
	go func() {
		defer close(stopped)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			c.i.Store(int64(i))
			start := time.Now()
			if err := s.Write(context.Background(), cycle(i)); err != nil {
				t.Error(err)
				return
			}
			if d := time.Since(start); d > time.Duration(slowest.Load()) {
				slowest.Store(int64(d))
			}
			cycles.Add(1)
		}
	}()

	waitFor(t, "30 cycles written", 10*time.Second, func() bool { return cycles.Load() >= 30 && s.Stats().Written > 0 })
	pid := srv.PID()
	srv.Kill()
	t.Logf("killed influxd (pid %d) after %d cycles", pid, cycles.Load())
	waitFor(t, "the sink to notice", 10*time.Second, func() bool { return s.Healthy() != nil })
	atKill := cycles.Load()
	waitFor(t, "300 cycles (3 s) during the outage", 30*time.Second, func() bool {
		st := s.Stats()
		return cycles.Load() >= atKill+300 && st.InSpool > 0
	})
	down := s.Stats()
	if err := s.Healthy(); err == nil || !strings.Contains(err.Error(), "writes failing since") {
		t.Errorf("Healthy() during the outage = %v; want writes failing", err)
	}
	srv.Restart()
	t.Logf("restarted influxd after %d cycles; %d points spooled meanwhile", cycles.Load(), down.InSpool)
	waitFor(t, "50 more cycles", 10*time.Second, func() bool { return cycles.Load() >= atKill+350 })
	close(stop)
	<-stopped
	waitFor(t, "the spool to be replayed", 30*time.Second, drained(s))
	closeSink()

	n := cycles.Load()
	st := s.Stats()
	want := n * pointsPerCycle
	got := totalPoints(t, srv)
	t.Logf("%d cycles, %d points written; after the outage InfluxDB holds %d; stats %+v; slowest Write %v",
		n, want, got, st, time.Duration(slowest.Load()))
	if got != want {
		t.Errorf("InfluxDB holds %d points; want %d: %d lost", got, want, want-got)
	}
	if st.Written != want || st.Dropped != 0 || st.Rejected != 0 {
		t.Errorf("Stats = %+v; want %d written, none dropped or rejected", st, want)
	}
	if st.Spooled == 0 || st.Replayed != st.Spooled || st.Failures == 0 {
		t.Errorf("Stats = %+v; want points spooled during the outage and all of them replayed", st)
	}
	if err := s.Healthy(); err != nil {
		t.Errorf("Healthy() after the outage = %v", err)
	}
	// Writes are timed on a loaded machine (two influxd start-ups, the
	// race detector): the bound is loose, far below the time InfluxDB was
	// away. TestWriteNeverWaits makes the point with a server that hangs.
	if d := time.Duration(slowest.Load()); d > time.Second {
		t.Errorf("the slowest Write took %v; want it to return at once", d)
	}
	rec.mu.Lock()
	acked := rec.acked
	rec.mu.Unlock()
	if n := checkOrder(t, acked); int64(n) != want {
		t.Errorf("InfluxDB acknowledged %d points through the proxy; want %d", n, want)
	}
	if files, _ := filepath.Glob(filepath.Join(spoolDir, "*.lp")); len(files) != 0 {
		t.Errorf("the spool keeps %v after the replay; want no segment", files)
	}
}

// deadURL is a loopback address where nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// TestSpoolFull fills a tiny spool while InfluxDB is down: the oldest
// points are dropped and counted, the spool stays within its bound, and
// what it kept reaches InfluxDB, once it is there, through a new Sink on
// the same directory.
func TestSpoolFull(t *testing.T) {
	c := &clock{}
	spoolDir := t.TempDir()
	opt, _ := options(t, deadURL(t), spoolDir, c)
	opt.SpoolMaxBytes = 32 << 10
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)
	const cycles = 100 // about 180 KB of line protocol
	for i := range cycles {
		c.i.Store(int64(i))
		if err := s.Write(context.Background(), cycle(i)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "everything spooled", 10*time.Second, func() bool { return s.Stats().Queued == 0 && s.Stats().Spooled == cycles*pointsPerCycle })
	if err := s.Healthy(); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Healthy() with InfluxDB down = %v; want connection refused", err)
	}
	closeSink()
	st := s.Stats()
	t.Logf("spool of %d bytes: %+v", opt.SpoolMaxBytes, st)
	if st.Dropped == 0 || st.InSpool+st.Dropped != st.Spooled || st.SpoolBytes > opt.SpoolMaxBytes || st.Written != 0 {
		t.Fatalf("Stats = %+v; want points dropped, spooled = in spool + dropped, at most %d bytes", st, opt.SpoolMaxBytes)
	}

	// InfluxDB is back; a new process replays what the spool kept.
	srv := influxtest.StartOptions(t, influxtest.Options{NoFlux: true})
	opt.URL = srv.URL
	s2, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.Stats().InSpool; got != st.InSpool {
		t.Fatalf("a new Sink finds %d points in the spool; want %d", got, st.InSpool)
	}
	closeSink2 := run(t, s2)
	waitFor(t, "the spool to be replayed", 20*time.Second, drained(s2))
	closeSink2()
	if got := totalPoints(t, srv); got != st.InSpool {
		t.Errorf("InfluxDB holds %d points; want the %d the spool kept", got, st.InSpool)
	}
	// The newest were kept, the oldest dropped.
	newest := one(t, srv, `SELECT last(ok) FROM poll`)["time"]
	oldest := one(t, srv, `SELECT first(ok) FROM poll`)["time"]
	if fmt.Sprint(newest) != fmt.Sprint(t0.Add((cycles-1)*time.Second).UnixNano()) || fmt.Sprint(oldest) == fmt.Sprint(t0.UnixNano()) {
		t.Errorf("the spool kept points from %v to %v; want the newest (up to cycle %d), not the oldest", oldest, newest, cycles-1)
	}
}
