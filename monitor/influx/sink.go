package influx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"sync"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/api"
	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"

	"feedplan/inventory"
	"feedplan/pdu"
)

// Options configure a Sink. The same fields serve InfluxDB 2.x and Cloud
// (Org, Bucket, Token: an API token) and InfluxDB 1.8+ through its v2
// compatibility API (Org empty, Bucket "database/retention-policy" such
// as "feedplan/autogen", Token "user:password", or any string when
// authentication is off).
type Options struct {
	URL    string           // http(s)://host:8086; required
	Token  inventory.Secret // never printed
	Org    string
	Bucket string // required

	Site   string // the site tag of every point; required
	Labels Labels // devices, feeds and racks from the inventory (LabelsOf)

	Logger *slog.Logger // required

	// SpoolDir holds the points InfluxDB has not acknowledged while it is
	// down or slow; required. One Sink at a time may use a directory.
	SpoolDir string
	// SpoolMaxBytes bounds the spool's files (default 1 GiB); past it the
	// oldest points are dropped and counted.
	SpoolMaxBytes int64

	// FlushInterval is how long points wait in memory to be sent in one
	// request with the ones after them (default 1 s).
	FlushInterval time.Duration
	// BatchSize is the most points one request carries (default 5000).
	BatchSize int
	// Timeout bounds one write request (default 10 s).
	Timeout time.Duration
	// SlowWrite: while a request has been running this long, the points
	// waiting behind it go to the spool (default 5 s).
	SlowWrite time.Duration
	// MemoryMaxBytes bounds the points waiting in memory for InfluxDB
	// when it is up; more go to the spool (default 32 MiB).
	MemoryMaxBytes int64
	// RetryInterval is the first wait after a failed write, doubled up to
	// MaxRetryInterval after each further failure (defaults 1 s, 30 s).
	// A Retry-After from the server is honoured up to MaxRetryInterval.
	RetryInterval, MaxRetryInterval time.Duration

	Now func() time.Time // stamps the poll points of devices without a reading; time.Now when nil
}

// Defaults fill in the zero fields of o.
func (o *Options) defaults() {
	if o.SpoolMaxBytes == 0 {
		o.SpoolMaxBytes = 1 << 30
	}
	if o.FlushInterval == 0 {
		o.FlushInterval = time.Second
	}
	if o.BatchSize == 0 {
		o.BatchSize = 5000
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.SlowWrite == 0 {
		o.SlowWrite = 5 * time.Second
	}
	if o.MemoryMaxBytes == 0 {
		o.MemoryMaxBytes = 32 << 20
	}
	if o.RetryInterval == 0 {
		o.RetryInterval = time.Second
	}
	if o.MaxRetryInterval == 0 {
		o.MaxRetryInterval = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

func (o *Options) validate() error {
	var errs []error
	if o.URL == "" {
		errs = append(errs, errors.New("URL is required"))
	} else if u, err := url.Parse(o.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("URL %q: want http://host:port or https://host:port", o.URL))
	}
	if o.Bucket == "" {
		errs = append(errs, errors.New(`bucket is required ("feedplan/autogen" for InfluxDB 1.8)`))
	}
	if o.Site == "" {
		errs = append(errs, errors.New("site is required"))
	}
	if o.Logger == nil {
		errs = append(errs, errors.New("logger is required"))
	}
	if o.SpoolDir == "" {
		errs = append(errs, errors.New("spool directory is required"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"flush interval", o.FlushInterval}, {"timeout", o.Timeout}, {"slow write", o.SlowWrite}, {"retry interval", o.RetryInterval}, {"max retry interval", o.MaxRetryInterval}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %v: must be positive", d.name, d.v))
		}
	}
	if o.MaxRetryInterval > 0 && o.RetryInterval > o.MaxRetryInterval {
		errs = append(errs, fmt.Errorf("retry interval %v is above the max retry interval %v", o.RetryInterval, o.MaxRetryInterval))
	}
	if o.SpoolMaxBytes < 0 || o.MemoryMaxBytes < 0 || o.BatchSize < 0 {
		errs = append(errs, errors.New("spool max bytes, memory max bytes and batch size must be positive"))
	}
	return errors.Join(errs...)
}

// Stats count points (lines of line protocol) since the Sink was made.
type Stats struct {
	Written  int64 // acknowledged by InfluxDB, Replayed included
	Spooled  int64 // written to the spool
	Replayed int64 // read back from the spool and acknowledged
	Dropped  int64 // deleted unsent to keep the spool within SpoolMaxBytes (or lost to a spool that failed)
	Rejected int64 // refused by InfluxDB as malformed (HTTP 400): sending again would not help

	Queued     int64 // waiting in memory
	InSpool    int64 // waiting in the spool
	SpoolBytes int64 // the spool's files

	Failures    int64     // failed write requests
	LastWrite   time.Time // the last acknowledged request
	LastFailure time.Time
	LastError   string
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("influx: sink closed")

// Sink writes readings to InfluxDB without ever making its caller wait
// for it. Points are queued in memory by Write and sent by Run; while
// InfluxDB fails or is slow they go to the spool, which is replayed, in
// order, before anything newer is sent.
type Sink struct {
	opt         Options
	log         *slog.Logger
	api         api.WriteAPIBlocking
	closeClient func()

	wake    chan struct{} // Write → Run, buffered 1
	closing chan struct{} // closed by Close
	done    chan struct{} // closed when Run returns

	mu      sync.Mutex
	mem     []string // points not yet sent nor spooled, oldest first
	memSize int64
	memTime time.Time // when the oldest of mem was queued
	moving  int64     // lines on their way from mem to the spool
	closed  bool
	running bool
	ran     bool
	stats   Stats
	down    bool // the last write request failed
	downErr error
	since   time.Time // when InfluxDB went down
	fail    error     // the spool failed: nothing more can be kept

	// Owned by Run (or Close when Run is not running).
	sp *spool
}

// New checks the options, opens the spool (finding what a previous run
// left in it) and returns a Sink; Run sends.
func New(opt Options) (*Sink, error) {
	opt.defaults()
	if err := opt.validate(); err != nil {
		return nil, fmt.Errorf("influx: %w", err)
	}
	segBytes := min(max(opt.SpoolMaxBytes/16, 4<<10), 64<<20)
	sp, err := openSpool(opt.SpoolDir, opt.SpoolMaxBytes, segBytes)
	if err != nil {
		return nil, fmt.Errorf("influx: %w", err)
	}
	copts := influxdb2.DefaultOptions().
		SetLogLevel(0).
		SetPrecision(time.Nanosecond).
		SetHTTPRequestTimeout(uint(math.Ceil(opt.Timeout.Seconds())) + 1).
		SetApplicationName("feedplan")
	client := influxdb2.NewClientWithOptions(opt.URL, opt.Token.Reveal(), copts)
	log := opt.Logger.With("influxdb", opt.URL, "bucket", opt.Bucket)
	s := &Sink{
		opt:         opt,
		log:         log,
		api:         client.WriteAPIBlocking(opt.Org, opt.Bucket),
		closeClient: client.Close,
		wake:        make(chan struct{}, 1),
		closing:     make(chan struct{}),
		done:        make(chan struct{}),
		sp:          sp,
	}
	s.stats.InSpool, s.stats.SpoolBytes = sp.lines, sp.bytes
	if sp.lines > 0 {
		log.Info("spool holds points from a previous run; they are sent first", "points", sp.lines, "bytes", sp.bytes, "dir", opt.SpoolDir)
	}
	return s, nil
}

// Write queues the readings of a poll and returns at once: it never waits
// for InfluxDB nor for the disk. It fails only after Close.
func (s *Sink) Write(ctx context.Context, results []pdu.Result) error {
	enc := encoder{site: s.opt.Site, labels: s.opt.Labels}
	lines := enc.encode(nil, results, s.opt.Now())
	size := linesSize(lines)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	// Run spools what is past MemoryMaxBytes; while it is not running
	// memory still has a bound, past which new points are dropped and
	// counted.
	if !s.running && s.memSize+size > 4*s.opt.MemoryMaxBytes {
		s.stats.Dropped += int64(len(lines))
		s.mu.Unlock()
		return nil
	}
	if len(s.mem) == 0 {
		s.memTime = time.Now()
	}
	s.mem = append(s.mem, lines...)
	s.memSize += size
	s.stats.Queued = int64(len(s.mem)) + s.moving
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// Stats returns the counts so far.
func (s *Sink) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Healthy returns nil while InfluxDB acknowledges writes, and otherwise
// what is wrong: since when writes fail and why, or that the spool
// failed. The monitor raises an alert on it, and on a growing
// Stats().Dropped.
func (s *Sink) Healthy() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.fail != nil:
		return fmt.Errorf("influxdb %s: points are being lost: %w", s.opt.URL, s.fail)
	case s.down:
		return fmt.Errorf("influxdb %s: writes failing since %s (%d points spooled): %w",
			s.opt.URL, s.since.Format(time.RFC3339), s.stats.InSpool, s.downErr)
	}
	return nil
}

// flight is one write request.
type flight struct {
	lines   []string
	fromMem bool   // the first lines of mem
	c       *chunk // its place in the spool, when it is there
	start   time.Time
	cancel  context.CancelFunc
}

type result struct {
	f   *flight
	err error
}

// Run sends queued and spooled points until ctx is done or Close is
// called; then what could not be sent is spooled. Run runs once; it
// returns nil when stopped.
func (s *Sink) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.ran {
		s.mu.Unlock()
		return errors.New("influx: Run called twice")
	}
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.ran, s.running = true, true
	s.mu.Unlock()
	defer close(s.done)

	var (
		inflight  *flight
		results   = make(chan result, 1)
		nextTry   time.Time // no request before this, after a failure
		backoff   time.Duration
		closing   bool      // Close was called: send what is in memory, then stop
		closeBy   time.Time // … for at most Options.Timeout
		stopping  bool
		closingCh = s.closing
		timer     = time.NewTimer(time.Hour)
	)
	defer timer.Stop()

	for {
		now := time.Now()
		s.mu.Lock()
		memLen, memSize, memTime, down := len(s.mem), s.memSize, s.memTime, s.down
		s.mu.Unlock()
		spoolLen := s.sp.lines

		// Points in memory go to the spool when they cannot be sent
		// soon: InfluxDB is failing, older points are spooled, memory is
		// full, the request in front of them is slow, or we are stopping.
		if memLen > 0 && (down || spoolLen > 0 || memSize > s.opt.MemoryMaxBytes || stopping ||
			inflight != nil && now.Sub(inflight.start) >= s.opt.SlowWrite) {
			s.spill(inflight)
			continue
		}
		if closing && (memLen == 0 && inflight == nil || !now.Before(closeBy)) {
			stopping = true
		}
		if stopping {
			if inflight != nil {
				inflight.cancel()
				r := <-results
				s.finish(r.f, r.err, &backoff, &nextTry)
				inflight = nil
				continue // what is given back to memory is spooled
			}
			if err := s.sp.close(); err != nil {
				s.failSpool(err)
			}
			s.mu.Lock()
			s.running = false
			s.mu.Unlock()
			return nil
		}

		// One request at a time: the spool first, then memory. Closing,
		// only memory is sent; the spool waits for the next run.
		if inflight == nil && !now.Before(nextTry) {
			switch {
			case spoolLen > 0 && !closing:
				lines, c, err := s.sp.next(s.opt.BatchSize)
				if err != nil {
					s.failSpool(err)
					s.dropSpool()
					continue
				}
				inflight = s.send(ctx, lines, false, c, results)
			case memLen > 0 && (memLen >= s.opt.BatchSize || now.Sub(memTime) >= s.opt.FlushInterval || closing):
				s.mu.Lock()
				lines := s.mem[:min(len(s.mem), s.opt.BatchSize)]
				s.mu.Unlock()
				inflight = s.send(ctx, lines, true, nil, results)
			}
		}

		// Sleep until something happens.
		wait := time.Hour
		switch {
		case inflight != nil && memLen > 0:
			wait = inflight.start.Add(s.opt.SlowWrite).Sub(now)
		case inflight == nil && now.Before(nextTry) && (spoolLen > 0 || memLen > 0):
			wait = nextTry.Sub(now)
		case inflight == nil && memLen > 0:
			wait = memTime.Add(s.opt.FlushInterval).Sub(now)
		}
		if closing {
			wait = min(wait, closeBy.Sub(now))
		}
		timer.Reset(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
			stopping = true
		case <-closingCh:
			closing, closingCh = true, nil
			closeBy = time.Now().Add(s.opt.Timeout)
		case r := <-results:
			s.finish(r.f, r.err, &backoff, &nextTry)
			inflight = nil
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// errStopped ends the requests in flight when Run stops.
var errStopped = errors.New("influx: stopped")

// send starts one write request.
func (s *Sink) send(ctx context.Context, lines []string, fromMem bool, c *chunk, results chan<- result) *flight {
	rctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	f := &flight{lines: lines, fromMem: fromMem, c: c, start: time.Now(), cancel: cancel}
	go func() {
		err := s.api.WriteRecord(rctx, lines...)
		switch {
		case err == nil:
		case ctx.Err() != nil || errors.Is(rctx.Err(), context.Canceled):
			err = errStopped
		case rctx.Err() == context.DeadlineExceeded:
			err = fmt.Errorf("no answer within %v: %w", s.opt.Timeout, err)
		}
		results <- result{f, err}
	}()
	return f
}

// finish books the outcome of a request.
func (s *Sink) finish(f *flight, err error, backoff *time.Duration, nextTry *time.Time) {
	f.cancel()
	n := int64(len(f.lines))
	took := time.Since(f.start)
	if err == nil {
		s.log.Debug("influxdb write", "points", n, "took", took, "replay", !f.fromMem || f.c != nil)
		s.mu.Lock()
		wasDown, since := s.down, s.since
		s.stats.Written += n
		s.stats.LastWrite = time.Now()
		s.down, s.downErr = false, nil
		switch {
		case f.c != nil && f.c.void: // counted as dropped when its segment went (or it never reached one: seq 0)
			s.stats.Dropped -= n
			if f.c.seq != 0 {
				s.stats.Replayed += n
			}
		case f.c != nil:
			s.stats.Replayed += n
		}
		if f.fromMem && f.c == nil {
			s.mem, s.memSize = s.mem[len(f.lines):], s.memSize-linesSize(f.lines)
			// What came in meanwhile has waited long enough: send on.
			s.memTime = time.Now().Add(-s.opt.FlushInterval)
			s.stats.Queued = int64(len(s.mem)) + s.moving
		}
		s.mu.Unlock()
		if f.c != nil {
			if err := s.sp.ack(f.c); err != nil {
				s.failSpool(err)
			}
			s.syncSpoolStats()
		}
		*backoff, *nextTry = 0, time.Time{}
		if wasDown {
			s.log.Info("influxdb answers again; sending the spooled points", "down_for", time.Since(since).Round(time.Millisecond), "spooled", s.sp.lines)
		}
		return
	}

	if errors.Is(err, errStopped) { // not InfluxDB's fault: the points stay where they are
		if f.c != nil {
			s.sp.release(f.c)
		}
		return
	}

	var herr *http2.Error
	if errors.As(err, &herr) && (herr.StatusCode == http.StatusBadRequest || herr.StatusCode == http.StatusUnprocessableEntity) {
		// The server answered and refused the points (a malformed line, a
		// field of another type): sending them again would fail again and
		// hold up everything behind them. InfluxDB 1.8 has written the
		// valid points of the batch anyway.
		s.log.Error("influxdb refused points; dropping the batch", "points", n, "err", err)
		s.mu.Lock()
		s.stats.Rejected += n
		s.stats.LastError, s.stats.LastFailure = err.Error(), time.Now()
		if f.fromMem && f.c == nil {
			s.mem, s.memSize = s.mem[len(f.lines):], s.memSize-linesSize(f.lines)
			s.memTime = time.Now().Add(-s.opt.FlushInterval)
			s.stats.Queued = int64(len(s.mem)) + s.moving
		}
		if f.c != nil && f.c.void {
			s.stats.Dropped -= n
		}
		s.mu.Unlock()
		if f.c != nil {
			if err := s.sp.ack(f.c); err != nil {
				s.failSpool(err)
			}
			s.syncSpoolStats()
		}
		return
	}

	// Down, slow or refusing for now (5xx, 429, 401/403, 404 database
	// not found): retry later, after the spool.
	*backoff = min(max(2**backoff, s.opt.RetryInterval), s.opt.MaxRetryInterval)
	wait := *backoff
	if herr != nil && herr.RetryAfter > 0 {
		wait = min(max(wait, time.Duration(herr.RetryAfter)*time.Second), s.opt.MaxRetryInterval)
	}
	*nextTry = time.Now().Add(wait)
	if f.c != nil {
		s.sp.release(f.c)
	}
	s.mu.Lock()
	wasDown := s.down
	if !s.down {
		s.since = f.start
	}
	s.down, s.downErr = true, err
	s.stats.Failures++
	s.stats.LastError, s.stats.LastFailure = err.Error(), time.Now()
	s.mu.Unlock()
	if !wasDown {
		s.log.Warn("influxdb write failed; spooling points until it answers", "points", n, "took", took, "retry_in", wait, "err", err)
	} else {
		s.log.Debug("influxdb write failed again", "points", n, "retry_in", wait, "err", err)
	}
}

func linesSize(lines []string) int64 {
	var n int64
	for _, l := range lines {
		n += int64(len(l)) + 1
	}
	return n
}

// spill moves every point in memory to the spool, in order. When the
// request in flight carries the first of them, its chunk moves along.
func (s *Sink) spill(inflight *flight) {
	s.mu.Lock()
	lines := s.mem
	s.mem, s.memSize = nil, 0
	s.moving = int64(len(lines)) // still queued for Stats, until they are in the spool
	s.mu.Unlock()
	if len(lines) == 0 {
		return
	}
	first := 0
	if inflight != nil && inflight.fromMem && inflight.c == nil {
		first = len(inflight.lines)
	}
	total := int64(len(lines))
	before := s.sp.lines
	c, dropped, err := s.sp.append(lines, first)
	if first > 0 {
		if c == nil { // it could not be spooled: if InfluxDB takes it, nothing is lost
			c = &chunk{lines: int64(first), void: true}
		}
		inflight.c = c
	}
	lost := total - (s.sp.lines - before + dropped) // what never reached the disk
	s.mu.Lock()
	s.stats.Spooled += total - lost
	s.stats.Dropped += dropped + lost
	s.moving = 0
	if err == nil {
		s.fail = nil
	}
	s.mu.Unlock()
	if err != nil {
		s.failSpool(err)
	}
	if dropped > 0 {
		s.log.Error("spool full: dropped the oldest points", "dropped", dropped, "max_bytes", s.opt.SpoolMaxBytes)
	}
	s.syncSpoolStats()
}

// dropSpool gives up on a spool that cannot be read: its points are
// counted as dropped and the files set aside.
func (s *Sink) dropSpool() {
	var dropped int64
	for len(s.sp.segs) > 0 {
		n, err := s.sp.dropOldest()
		dropped += n
		if err != nil {
			s.failSpool(err)
			break
		}
	}
	s.mu.Lock()
	s.stats.Dropped += dropped
	s.mu.Unlock()
	s.syncSpoolStats()
}

func (s *Sink) failSpool(err error) {
	s.log.Error("spool failed; points are being lost", "dir", s.opt.SpoolDir, "err", err)
	s.mu.Lock()
	s.fail = err
	s.stats.LastError, s.stats.LastFailure = err.Error(), time.Now()
	s.mu.Unlock()
}

func (s *Sink) syncSpoolStats() {
	s.mu.Lock()
	s.stats.InSpool, s.stats.SpoolBytes = s.sp.lines, s.sp.bytes
	s.stats.Queued = int64(len(s.mem)) + s.moving
	s.mu.Unlock()
}

// Close stops accepting points, sends what is in memory (for at most
// Options.Timeout, and only while InfluxDB answers and nothing older is
// spooled), spools the rest and waits for Run to return. Without a
// running Run it spools what is in memory.
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	ran := s.ran
	s.mu.Unlock()
	defer s.closeClient()
	if ran {
		close(s.closing)
		<-s.done
	}
	// Run is gone: what a Write put in memory after it stopped is ours.
	s.spill(nil)
	if err := s.sp.close(); err != nil {
		s.failSpool(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return fmt.Errorf("influx: %w", s.fail)
	}
	return nil
}
