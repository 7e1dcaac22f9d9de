package influx_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"feedplan/monitor/influx"
)

// fakeInflux is an InfluxDB v2 write endpoint whose answers a test
// decides. The integration tests use the real influxd; this one is for
// what a real server will not do on demand (hang, refuse a batch, ask to
// retry later).
type fakeInflux struct {
	*httptest.Server
	// answer returns the status of the nth write request (from 1), and
	// may block.
	answer func(n int, r *http.Request) (status int, header http.Header, body string)

	mu     sync.Mutex
	n      int
	auth   []string
	acked  [][]string
	points int
}

func newFakeInflux(t *testing.T, answer func(n int, r *http.Request) (int, http.Header, string)) *fakeInflux {
	t.Helper()
	f := &fakeInflux{answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.n++
		n := f.n
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		f.mu.Unlock()
		status, header, msg := http.StatusNoContent, http.Header(nil), ""
		if f.answer != nil {
			status, header, msg = f.answer(n, r)
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		if status == http.StatusNoContent {
			lines := strings.Split(strings.TrimSpace(string(body)), "\n")
			f.mu.Lock()
			f.acked = append(f.acked, lines)
			f.points += len(lines)
			f.mu.Unlock()
		}
		w.WriteHeader(status)
		io.WriteString(w, msg)
	}))
	t.Cleanup(f.Close)
	return f
}

// hanging returns a channel that blocks until release is called.
func hanging() (<-chan struct{}, func()) {
	c := make(chan struct{})
	var once sync.Once
	return c, func() { once.Do(func() { close(c) }) }
}

func (f *fakeInflux) received() (points int, acked [][]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.points, append([][]string(nil), f.acked...)
}

// TestWriteNeverWaits: InfluxDB accepts the connection and never answers.
// Every Write returns at once, what waits goes to the spool after
// SlowWrite, and all of it arrives, in order, once the server answers.
func TestWriteNeverWaits(t *testing.T) {
	hang, release := hanging()
	f := newFakeInflux(t, func(n int, r *http.Request) (int, http.Header, string) {
		<-hang
		return http.StatusNoContent, nil, ""
	})
	defer release() // before the server's Close, which waits for its handlers
	c := &clock{}
	opt, _ := options(t, f.URL, t.TempDir(), c)
	opt.Timeout, opt.SlowWrite = time.Minute, 100*time.Millisecond
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)

	const cycles = 50
	start := time.Now()
	for i := range cycles {
		c.i.Store(int64(i))
		if err := s.Write(context.Background(), cycle(i)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			time.Sleep(50 * time.Millisecond) // let the first request leave
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("%d Writes took %v with InfluxDB hanging; want them not to wait for it", cycles, d)
	}
	waitFor(t, "the points behind the hanging request to be spooled", 10*time.Second, func() bool {
		st := s.Stats()
		return st.Queued == 0 && st.InSpool == cycles*pointsPerCycle
	})
	if err := s.Healthy(); err != nil {
		t.Errorf("Healthy() while a request hangs = %v; want nil (slow is not down yet)", err)
	}

	release()
	waitFor(t, "the spool to be replayed", 10*time.Second, drained(s))
	closeSink()
	points, acked := f.received()
	if points != cycles*pointsPerCycle {
		t.Errorf("the server received %d points; want %d", points, cycles*pointsPerCycle)
	}
	checkOrder(t, acked)
	if st := s.Stats(); st.Written != cycles*pointsPerCycle || st.Replayed != st.Spooled || st.Dropped != 0 {
		t.Errorf("Stats = %+v; want %d written, all spooled points replayed", st, cycles*pointsPerCycle)
	}
}

func TestRefusedBatchIsDropped(t *testing.T) {
	f := newFakeInflux(t, func(n int, r *http.Request) (int, http.Header, string) {
		if n == 1 {
			return http.StatusBadRequest, http.Header{"Content-Type": {"application/json"}},
				`{"code":"invalid","message":"partial write: field type conflict: input field \"amps\" on measurement \"pdu_outlet\" is type boolean, already exists as type float dropped=1"}`
		}
		return http.StatusNoContent, nil, ""
	})
	c := &clock{}
	opt, _ := options(t, f.URL, t.TempDir(), c)
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)
	for i := range 2 {
		c.i.Store(int64(i))
		if err := s.Write(context.Background(), cycle(i)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the cycle to be sent", 5*time.Second, drained(s))
	}
	closeSink()
	st := s.Stats()
	if st.Rejected != pointsPerCycle || st.Written != pointsPerCycle || st.Spooled != 0 || !strings.Contains(st.LastError, "field type conflict") {
		t.Errorf("Stats = %+v; want the first batch rejected (not retried, not spooled) and the second written", st)
	}
	if err := s.Healthy(); err != nil {
		t.Errorf("Healthy() = %v; want nil: InfluxDB answers", err)
	}
}

func TestRetryAfterServerErrors(t *testing.T) {
	f := newFakeInflux(t, func(n int, r *http.Request) (int, http.Header, string) {
		if n <= 3 {
			return http.StatusServiceUnavailable, http.Header{"Retry-After": {"1"}}, `{"code":"unavailable","message":"too busy"}`
		}
		return http.StatusNoContent, nil, ""
	})
	c := &clock{}
	opt, logs := options(t, f.URL, t.TempDir(), c)
	opt.Token = "feedplan:s3cret"
	if got := fmt.Sprintf("%v %+v %#v %s", opt, opt, opt, opt.Token); strings.Contains(got, "s3cret") {
		t.Errorf("printing the options shows the token: %s", got)
	}
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)
	const cycles = 10
	for i := range cycles {
		c.i.Store(int64(i))
		if err := s.Write(context.Background(), cycle(i)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "a failure", 5*time.Second, func() bool { return s.Healthy() != nil })
	if err := s.Healthy(); !strings.Contains(err.Error(), "too busy") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Healthy() = %v; want the server's message, without the token", err)
	}
	waitFor(t, "the points to be written", 10*time.Second, drained(s))
	closeSink()
	points, acked := f.received()
	if points != cycles*pointsPerCycle {
		t.Errorf("the server received %d points; want %d", points, cycles*pointsPerCycle)
	}
	checkOrder(t, acked)
	st := s.Stats()
	if st.Failures != 3 || st.Spooled == 0 || st.Replayed != st.Spooled || st.Written != cycles*pointsPerCycle {
		t.Errorf("Stats = %+v; want 3 failures, the points spooled and replayed", st)
	}
	f.mu.Lock()
	auth := f.auth[0]
	f.mu.Unlock()
	if auth != "Token feedplan:s3cret" {
		t.Errorf("Authorization = %q; want the token", auth)
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("the log shows the token:\n%s", logs)
	}
}

// TestCloseFlushes: Close sends what waits in memory; without Run it
// spools it, and the next Sink on the directory sends it.
func TestCloseFlushes(t *testing.T) {
	f := newFakeInflux(t, nil)
	c := &clock{}
	dir := t.TempDir()
	opt, _ := options(t, f.URL, dir, c)
	// Only a full batch leaves memory by itself.
	opt.FlushInterval, opt.BatchSize = time.Hour, pointsPerCycle
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)
	if err := s.Write(context.Background(), cycle(0)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a full batch to be sent", 5*time.Second, func() bool { p, _ := f.received(); return p == pointsPerCycle })
	c.i.Store(1)
	if err := s.Write(context.Background(), cycle(1)[3:]); err != nil { // one point
		t.Fatal(err)
	}
	closeSink()
	if points, _ := f.received(); points != pointsPerCycle+1 {
		t.Errorf("after Close the server received %d points; want %d", points, pointsPerCycle+1)
	}

	// No Run: Close spools.
	s, err = influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 4; i++ {
		c.i.Store(int64(i))
		if err := s.Write(context.Background(), cycle(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	opt.FlushInterval = 10 * time.Millisecond
	s, err = influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Stats().InSpool; got != 3*pointsPerCycle {
		t.Fatalf("a new Sink finds %d points in the spool; want %d", got, 3*pointsPerCycle)
	}
	closeSink = run(t, s)
	waitFor(t, "the spool to be replayed", 5*time.Second, drained(s))
	closeSink()
	points, acked := f.received()
	if points != 4*pointsPerCycle+1 {
		t.Errorf("the server received %d points; want %d", points, 4*pointsPerCycle+1)
	}
	checkOrder(t, acked)
}

// TestRunStops: when Run's context ends while a request hangs, Run
// returns at once and the points are in the spool.
func TestRunStops(t *testing.T) {
	hang, release := hanging()
	f := newFakeInflux(t, func(int, *http.Request) (int, http.Header, string) {
		<-hang
		return http.StatusNoContent, nil, ""
	})
	defer release()
	c := &clock{}
	opt, _ := options(t, f.URL, t.TempDir(), c)
	opt.Timeout, opt.SlowWrite = time.Minute, time.Minute
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	if err := s.Write(ctx, cycle(0)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the request to leave", 5*time.Second, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.n > 0
	})
	if err := s.Write(ctx, cycle(1)); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.InSpool != 2*pointsPerCycle || st.Queued != 0 {
		t.Errorf("Stats = %+v; want both cycles in the spool", st)
	}
	if err := s.Healthy(); err != nil {
		t.Errorf("Healthy() after a stop = %v; want nil: stopping is not InfluxDB's fault", err)
	}
}

func TestOptionsRejected(t *testing.T) {
	good := func() influx.Options {
		opt, _ := options(t, "http://127.0.0.1:8086", t.TempDir(), &clock{})
		return opt
	}
	tests := []struct {
		name string
		edit func(*influx.Options)
		want string
	}{
		{"no URL", func(o *influx.Options) { o.URL = "" }, "URL is required"},
		{"URL without scheme", func(o *influx.Options) { o.URL = "127.0.0.1:8086" }, `URL "127.0.0.1:8086": want http://host:port`},
		{"no bucket", func(o *influx.Options) { o.Bucket = "" }, "bucket is required"},
		{"no site", func(o *influx.Options) { o.Site = "" }, "site is required"},
		{"no logger", func(o *influx.Options) { o.Logger = nil }, "logger is required"},
		{"no spool", func(o *influx.Options) { o.SpoolDir = "" }, "spool directory is required"},
		{"negative timeout", func(o *influx.Options) { o.Timeout = -time.Second }, "timeout -1s: must be positive"},
		{"retry above its max", func(o *influx.Options) { o.RetryInterval = time.Minute }, "retry interval 1m0s is above the max retry interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := good()
			tt.edit(&opt)
			_, err := influx.New(opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v; want %q", err, tt.want)
			}
		})
	}
	if s, err := influx.New(good()); err != nil {
		t.Errorf("New(good options) = %v", err)
	} else {
		s.Close()
	}
}
