package pdu_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/pdu/oids"
	"feedplan/simulator"
	"feedplan/simulator/agent"
	"feedplan/simulator/agent/agenttest"
	"feedplan/simulator/mib"
)

// These tests put the real simulator agent between the poller and
// devices that misbehave: dead, slow, answering tooBig, or failing in the
// middle of a walk. They measure time loosely (real sockets rule out
// testing/synctest): lower bounds are what the timeouts promise, upper
// bounds leave room for a loaded machine and the race detector. Helpers
// are prefixed fault.

// faultNow is the simulator's clock: readings do not drift during a test.
var faultNow = time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)

// faultSite is the example site, simulated behind one agent; the
// community names the device.
type faultSite struct {
	m     *simulator.Model
	agent *agent.Agent
	addr  string
}

func faultStartSite(t *testing.T) *faultSite {
	t.Helper()
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := simulator.New(simulator.Options{Site: site, Seed: 7, Now: func() time.Time { return faultNow }})
	if err != nil {
		t.Fatal(err)
	}
	ag, addr := faultServe(t, func(community string) (mib.View, bool) {
		v, ok := m.Device(community)
		return v, ok
	})
	return &faultSite{m: m, agent: ag, addr: addr}
}

func (s *faultSite) do(t *testing.T, op, target, value string) {
	t.Helper()
	if err := s.m.Do(simulator.Command{Op: op, Target: target, Value: value}); err != nil {
		t.Fatalf("Do(%s %s %s): %v", op, target, value, err)
	}
}

func (s *faultSite) target(name string, timeout time.Duration, retries int) pdu.Target {
	return pdu.Target{Name: name, Address: s.addr, Community: inventory.Secret(name), Timeout: timeout, Retries: retries}
}

// faultServe runs the real agent on a loopback port until the test ends.
func faultServe(t *testing.T, resolve func(community string) (mib.View, bool)) (*agent.Agent, string) {
	t.Helper()
	ag, err := agent.New(agent.Options{
		Listen:  "127.0.0.1:0",
		Resolve: func(community, _ string) (mib.View, bool) { return resolve(community) },
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ag.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return ag, ag.Addr().String()
}

// faultServeView serves one view under the community "dev".
func faultServeView(t *testing.T, v mib.View) (*agent.Agent, pdu.Target) {
	t.Helper()
	ag, addr := faultServe(t, func(community string) (mib.View, bool) { return v, community == "dev" })
	return ag, pdu.Target{Name: "dev", Address: addr, Community: "dev", Timeout: time.Second}
}

// faultVars is every variable a view serves, in order.
func faultVars(v mib.View) []mib.Var {
	var out []mib.Var
	for o := (mib.OID{}); ; {
		n, val, ok := v.Next(o)
		if !ok {
			return out
		}
		out = append(out, mib.Var{OID: n, Value: val})
		o = n
	}
}

// faultAPC is r01-a (an APC AP8959EU3, 24 metered outlets) as an
// agenttest view, changed by edit.
func faultAPC(t *testing.T, edit func([]mib.Var) []mib.Var) *agenttest.View {
	t.Helper()
	s := faultStartSite(t)
	v, _ := s.m.Device("r01-a")
	vars := faultVars(v)
	if edit != nil {
		vars = edit(vars)
	}
	return agenttest.NewView(vars)
}

// faultWithoutSizes drops the rPDU2 table sizes, so that the APC driver
// walks every table instead of reading rows 1..size in one GET.
func faultWithoutSizes(vars []mib.Var) []mib.Var {
	sizes := []string{oids.RPDU2DeviceTableSize, oids.RPDU2PhaseTableSize, oids.RPDU2BankTableSize,
		oids.RPDU2OutletSwitchedTableSize, oids.RPDU2OutletMeteredTableSize}
	return slices.DeleteFunc(vars, func(v mib.Var) bool {
		return slices.ContainsFunc(sizes, func(s string) bool { return v.OID.HasPrefix(mib.MustOID(s)) })
	})
}

func faultDial(t *testing.T, tg pdu.Target) pdu.Client {
	t.Helper()
	c, err := pdu.Dial(tg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// faultRead reads a device over a fresh session, and says how long it took.
func faultRead(t *testing.T, tg pdu.Target) (*pdu.Reading, time.Duration, error) {
	t.Helper()
	c := faultDial(t, tg)
	start := time.Now()
	r, err := pdu.Read(t.Context(), c, tg, faultNow)
	return r, time.Since(start), err
}

// faultCheckTimeout checks err is a timeout of device name after
// Timeout × tries.
func faultCheckTimeout(t *testing.T, what string, err error, took time.Duration, tg pdu.Target) {
	t.Helper()
	bound := tg.Timeout * time.Duration(tg.Retries+1)
	msg := fmt.Sprintf("no answer within %v × %d tries", tg.Timeout, tg.Retries+1)
	if !errors.Is(err, pdu.ErrTimeout) || !strings.Contains(err.Error(), tg.Name) || !strings.Contains(err.Error(), msg) {
		t.Errorf("%s = %v; want an error naming %s that says %q (ErrTimeout)", what, err, tg.Name, msg)
	}
	if took < bound || took > bound+500*time.Millisecond {
		t.Errorf("%s took %v; want Timeout × tries = %v, plus at most 500ms", what, took, bound)
	}
}

// TestFaultDeadDevice reads a PDU that does not answer. Read gives up
// after the first request's Timeout × (Retries+1), with an error that
// names the device and wraps ErrTimeout.
func TestFaultDeadDevice(t *testing.T) {
	s := faultStartSite(t)
	s.do(t, "dead", "r01-a", "")
	for _, tc := range []struct {
		timeout time.Duration
		retries int
	}{
		{150 * time.Millisecond, 0},
		{150 * time.Millisecond, 1},
		{100 * time.Millisecond, 3},
	} {
		t.Run(fmt.Sprintf("%v×%d", tc.timeout, tc.retries+1), func(t *testing.T) {
			tg := s.target("r01-a", tc.timeout, tc.retries)
			r, took, err := faultRead(t, tg)
			t.Logf("Read(dead r01-a) = %v, after %v", err, took.Round(time.Millisecond))
			if err == nil {
				t.Fatalf("Read(dead r01-a) = %+v; want an error", r)
			}
			faultCheckTimeout(t, "Read(dead r01-a)", err, took, tg)
		})
	}
}

// TestFaultSlowDevice reads a PDU that answers every request after
// 300 ms. A Timeout above that reads it whole; one below times out. With
// enough retries a short Timeout still reads it, more slowly: gosnmp
// accepts a late answer to an earlier try of the same request.
func TestFaultSlowDevice(t *testing.T) {
	s := faultStartSite(t)
	s.do(t, "slow", "r01-a", "300ms")
	want, _, err := faultRead(t, s.target("r01-b", time.Second, 0)) // its twin, answering at once
	if err != nil {
		t.Fatal(err)
	}

	t.Run("timeout 1s", func(t *testing.T) {
		before := s.agent.Stats().Requests
		r, took, err := faultRead(t, s.target("r01-a", time.Second, 0))
		n := s.agent.Stats().Requests - before
		t.Logf("Read(slow r01-a): %d requests in %v", n, took.Round(time.Millisecond))
		if err != nil || r.Partial {
			t.Fatalf("Read(slow r01-a) = %v; want a complete reading", faultShow(r, err))
		}
		if len(r.Outlets) != len(want.Outlets) || len(r.Banks) != len(want.Banks) || len(r.Phases) != len(want.Phases) || r.Model != want.Model {
			t.Errorf("Read(slow r01-a) = %s, %d phases, %d banks, %d outlets; want what r01-b reads: %s, %d, %d, %d",
				r.Model, len(r.Phases), len(r.Banks), len(r.Outlets), want.Model, len(want.Phases), len(want.Banks), len(want.Outlets))
		}
		if lo := time.Duration(n) * 300 * time.Millisecond; took < lo {
			t.Errorf("Read(slow r01-a) took %v for %d requests; want at least %v", took, n, lo)
		}
	})
	t.Run("timeout 100ms", func(t *testing.T) {
		tg := s.target("r01-a", 100*time.Millisecond, 1)
		r, took, err := faultRead(t, tg)
		t.Logf("Read(slow r01-a) = %v, after %v", err, took.Round(time.Millisecond))
		if err == nil {
			t.Fatalf("Read(slow r01-a) with a 100ms timeout = %s; want a timeout", faultShow(r, nil))
		}
		faultCheckTimeout(t, "Read(slow r01-a) with a 100ms timeout", err, took, tg)
	})
	t.Run("timeout 100ms, 8 tries", func(t *testing.T) {
		r, took, err := faultRead(t, s.target("r01-a", 100*time.Millisecond, 7))
		t.Logf("Read(slow r01-a) with 100ms × 8 tries: %s, after %v", faultShow(r, err), took.Round(time.Millisecond))
		if err != nil || r.Partial || len(r.Outlets) != len(want.Outlets) {
			t.Errorf("Read(slow r01-a) with 100ms × 8 tries = %s; want a complete reading (the answer to the first try arrives during the fourth)", faultShow(r, err))
		}
	})
}

func faultShow(r *pdu.Reading, err error) string {
	if err != nil {
		return "error " + err.Error()
	}
	if r == nil {
		return "nil reading"
	}
	return fmt.Sprintf("%s %s, %d phases, %d banks, %d outlets, partial %v %q",
		r.Driver, r.Model, len(r.Phases), len(r.Banks), len(r.Outlets), r.Partial, r.Problems)
}

// faultCounting wraps Dial to count the sessions open at once.
type faultCounting struct {
	open, peak atomic.Int64
}

func (f *faultCounting) dial(t pdu.Target, log *slog.Logger) (pdu.Client, error) {
	c, err := pdu.Dial(t, log)
	if err != nil {
		return nil, err
	}
	n := f.open.Add(1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	return &faultCounted{Client: c, f: f}, nil
}

type faultCounted struct {
	pdu.Client
	f    *faultCounting
	once sync.Once
}

func (c *faultCounted) Close() error {
	c.once.Do(func() { c.f.open.Add(-1) })
	return c.Client.Close()
}

// faultDead are the devices TestFaultPoll kills: PDUs of each vendor and
// an ATS.
var faultDead = []string{"r01-a", "r03-b", "r05-a", "r07-c", "ats-r07"}

// faultPollTargets are the 20 devices of the example site, after
// killing those of faultDead and reading the others once: the simulator
// renders a device's values on the first request after a change, and the
// poll tests time the poll, not the renders.
func faultPollTargets(t *testing.T, s *faultSite, timeout time.Duration, retries int) []pdu.Target {
	t.Helper()
	names := s.m.Devices()
	if len(names) != 20 {
		t.Fatalf("the example site has %d devices; the poll tests want 20", len(names))
	}
	for _, d := range faultDead {
		if !slices.Contains(names, d) {
			t.Fatalf("%s is not a device of the example site", d)
		}
		s.do(t, "dead", d, "")
	}
	var targets, live []pdu.Target
	for _, n := range names {
		targets = append(targets, s.target(n, timeout, retries))
		if !slices.Contains(faultDead, n) {
			live = append(live, s.target(n, 5*time.Second, 0))
		}
	}
	res, err := pdu.Poll(t.Context(), live, pdu.PollOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("reading %s before the test: %v", r.Target.Name, r.Err)
		}
	}
	return targets
}

// TestFaultPoll polls the 20 devices of the example site, 5 of them dead,
// 8 at a time. The poll takes about one dead device's timeout (the dead
// are polled side by side), never more than 8 sessions are open, every
// live device is read without waiting for a dead one, and each dead
// device's error names it. With a per-device Deadline shorter than
// Timeout × tries, the deadline is what a dead device costs.
func TestFaultPoll(t *testing.T) {
	const concurrency = 8
	for _, tc := range []struct {
		name     string
		timeout  time.Duration
		retries  int
		deadline time.Duration
		cost     time.Duration // what a dead device costs
		want     error
	}{
		{"timeout", 400 * time.Millisecond, 1, 5 * time.Second, 800 * time.Millisecond, pdu.ErrTimeout},
		{"deadline", 5 * time.Second, 1, 800 * time.Millisecond, 800 * time.Millisecond, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := faultStartSite(t)
			targets := faultPollTargets(t, s, tc.timeout, tc.retries)
			var count faultCounting
			start := time.Now()
			res, err := pdu.Poll(t.Context(), targets, pdu.PollOptions{
				Concurrency: concurrency, Deadline: tc.deadline, Logger: slog.New(slog.DiscardHandler), Dial: count.dial,
			})
			took := time.Since(start)
			t.Logf("Poll(20 devices, 5 dead, %d at a time) took %v; at most %d sessions open", concurrency, took.Round(time.Millisecond), count.peak.Load())
			if err != nil {
				t.Fatalf("Poll = %v", err)
			}
			// Serially the 5 dead would cost 5 × cost; side by side, one.
			if took < tc.cost || took > 2*tc.cost {
				t.Errorf("Poll took %v; want about one dead device's %v (at least that, under twice it)", took, tc.cost)
			}
			if p := count.peak.Load(); p > concurrency {
				t.Errorf("Poll had %d sessions open at once; want at most %d", p, concurrency)
			}
			if n := count.open.Load(); n != 0 {
				t.Errorf("Poll left %d sessions open", n)
			}
			var live []time.Duration
			for i, r := range res {
				name := targets[i].Name
				if r.Target.Name != name {
					t.Errorf("Poll result %d is for %s; want %s (the order of the targets)", i, r.Target.Name, name)
				}
				if slices.Contains(faultDead, name) {
					if r.Err == nil || !errors.Is(r.Err, tc.want) || !strings.Contains(r.Err.Error(), name) || r.Reading != nil {
						t.Errorf("Poll: dead %s = %v, %v; want no reading and an error naming it that wraps %v", name, faultShow(r.Reading, nil), r.Err, tc.want)
					}
					continue
				}
				if r.Err != nil || r.Reading == nil || r.Reading.Partial || r.Reading.Device != name {
					t.Errorf("Poll: live %s = %s; want a complete reading", name, faultShow(r.Reading, r.Err))
					continue
				}
				live = append(live, r.Took)
			}
			slices.Sort(live)
			t.Logf("Poll: %d live devices read in %v to %v each", len(live), live[0].Round(time.Microsecond), live[len(live)-1].Round(time.Microsecond))
			if slowest := live[len(live)-1]; slowest >= tc.cost {
				t.Errorf("Poll: the slowest live device took %v; want less than a dead one's %v (none waits for a dead one)", slowest, tc.cost)
			}
		})
	}
}

// TestFaultPollCancelled cancels a poll in which the dead devices wait on
// a long timeout. Poll returns promptly, with the context's error, and
// each device it cut short says it was cancelled.
func TestFaultPollCancelled(t *testing.T) {
	s := faultStartSite(t)
	targets := faultPollTargets(t, s, 5*time.Second, 0)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	const after = 500 * time.Millisecond
	cancelled := make(chan time.Time, 1)
	time.AfterFunc(after, func() { cancelled <- time.Now(); cancel() })
	start := time.Now()
	res, err := pdu.Poll(ctx, targets, pdu.PollOptions{Concurrency: 8, Logger: slog.New(slog.DiscardHandler)})
	end := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll(cancelled after %v) = %v after %v; want context.Canceled", after, err, end.Sub(start))
	}
	late := end.Sub(<-cancelled)
	t.Logf("Poll cancelled after %v returned %v later: %v", after, late.Round(time.Microsecond), err)
	if late > 500*time.Millisecond {
		t.Errorf("Poll returned %v after the cancel; want at most 500ms (the dead devices' timeout is 5s)", late)
	}
	var read, cut int
	for i, r := range res {
		name := targets[i].Name
		switch {
		case r.Err == nil && r.Reading != nil:
			read++
			if slices.Contains(faultDead, name) {
				t.Errorf("Poll(cancelled): dead %s was read", name)
			}
		case errors.Is(r.Err, context.Canceled) && strings.Contains(r.Err.Error(), "context canceled") && strings.Contains(r.Err.Error(), name):
			cut++
		default:
			t.Errorf("Poll(cancelled): %s = %s; want a reading, or an error naming it that says the context was cancelled", name, faultShow(r.Reading, r.Err))
		}
	}
	t.Logf("Poll(cancelled): %d devices read before the cancel, %d cut short", read, cut)
	if read+cut != len(targets) || cut < len(faultDead) {
		t.Errorf("Poll(cancelled) read %d devices and cut %d short; want the %d dead cut, the others read or cut", read, cut, len(faultDead))
	}
}

// TestFaultTooBig makes the real agent answer tooBig: SNMPv2c carries no
// maximum size, so the agent's is the largest UDP payload, 65507 octets,
// and only huge values exceed it. A single variable too big for any
// response is a clear *StatusError; a batched GET too big as a whole is
// split by the driver until it fits (no real PDU has 8000-octet outlet
// names: they are the cheapest way to make a real agent refuse a GET the
// driver batches); a walk over big values fits each GETBULK response to
// the size; a walk that meets a variable too big to send says it was cut.
func TestFaultTooBig(t *testing.T) {
	name := strings.Repeat("n", 8000)
	ag, tg := faultServeView(t, faultAPC(t, func(vars []mib.Var) []mib.Var {
		for i, v := range vars {
			for _, col := range []string{oids.RPDU2OutletSwitchedStatusName, oids.RPDU2OutletMeteredStatusName} {
				if v.OID.HasPrefix(mib.MustOID(col)) {
					vars[i].Value = mib.String(name)
				}
			}
		}
		return vars
	}))

	t.Run("batched GET split", func(t *testing.T) {
		r, took, err := faultRead(t, tg)
		st := ag.Stats()
		t.Logf("Read: %d requests, %d answered tooBig, in %v", st.Requests, st.TooBig, took.Round(time.Millisecond))
		if err != nil || r.Partial || len(r.Outlets) != 24 {
			t.Fatalf("Read(8000-octet outlet names) = %s; want 24 outlets, complete", faultShow(r, err))
		}
		for _, o := range r.Outlets {
			if o.Name != name {
				t.Errorf("Read: outlet %d is named %d octets; want 8000", o.Number, len(o.Name))
			}
		}
		if st.TooBig == 0 {
			t.Errorf("the agent answered no request tooBig; the test does not test what it says")
		}
	})
	t.Run("walk", func(t *testing.T) {
		c := faultDial(t, tg)
		vars, err := c.Walk(t.Context(), oids.RPDU2OutletSwitchedStatusName)
		if err != nil || len(vars) != 24 {
			t.Errorf("Walk(switched outlet names) = %d varbinds, %v; want 24", len(vars), err)
		}
	})

	huge := mib.MustOID("1.3.6.1.4.1.99999.1.2")
	_, big := faultServeView(t, agenttest.NewView([]mib.Var{
		{OID: mib.MustOID("1.3.6.1.4.1.99999.1.1"), Value: mib.String("small")},
		{OID: huge, Value: mib.Bytes(make([]byte, 65500))},
		{OID: mib.MustOID("1.3.6.1.4.1.99999.1.3"), Value: mib.String("small")},
	}))
	c := faultDial(t, big)
	t.Run("GET of one variable", func(t *testing.T) {
		_, err := c.Get(t.Context(), huge.String())
		var se *pdu.StatusError
		if !errors.As(err, &se) || se.Status != gosnmp.TooBig || !strings.Contains(err.Error(), "TooBig") {
			t.Errorf("Get(65500-octet value) = %v; want a *pdu.StatusError tooBig", err)
		}
	})
	t.Run("walk cut", func(t *testing.T) {
		vars, err := c.Walk(t.Context(), "1.3.6.1.4.1.99999.1")
		var se *pdu.StatusError
		if len(vars) != 1 || !errors.As(err, &se) || se.Status != gosnmp.TooBig {
			t.Errorf("Walk over a 65500-octet value = %d varbinds, %v; want the one before it and a *pdu.StatusError tooBig", len(vars), err)
		}
	})
}

// faultDying is a device that answers its first n requests, then none.
type faultDying struct {
	*agenttest.View
	left atomic.Int64
}

func (d *faultDying) Behaviour() (time.Duration, bool) { return 0, d.left.Add(-1) < 0 }

// faultFailing is a device whose GETNEXT and GETBULK fail with genErr
// once they reach from, within its column: its Next answers an OID that
// does not follow the one asked for, which the agent refuses to send.
// GETs work. An NMC rebuilding a table answers like this.
type faultFailing struct {
	*agenttest.View
	from, column mib.OID
}

func (f *faultFailing) Next(o mib.OID) (mib.OID, mib.Value, bool) {
	n, v, ok := f.View.Next(o)
	if ok && n.HasPrefix(f.column) && mib.Compare(n, f.from) >= 0 {
		return o, v, true
	}
	return n, v, ok
}

// TestFaultWalkCut reads an APC PDU whose table sizes are missing, so
// that the driver walks every table, four rows per GETBULK, and cuts the
// walks short: the device dies after each possible number of requests,
// or its agent fails in the middle of the outlet state column. Whatever
// the cut, Read returns the whole reading, an error, or a reading marked
// Partial whose Problems say what was cut: never silently fewer rows.
func TestFaultWalkCut(t *testing.T) {
	base := faultAPC(t, faultWithoutSizes)
	ag, tg := faultServeView(t, base)
	tg.MaxRepetitions = 4
	want, took, err := faultRead(t, tg)
	requests := int(ag.Stats().Requests)
	t.Logf("Read(r01-a without table sizes): %d requests in %v: %s", requests, took.Round(time.Millisecond), faultShow(want, err))
	if err != nil || want.Partial || len(want.Outlets) != 24 {
		t.Fatalf("Read(r01-a without table sizes) = %s; want 24 outlets, complete", faultShow(want, err))
	}
	vars := faultVars(base)

	t.Run("dies", func(t *testing.T) {
		// One device per cut, all behind one agent, read side by side.
		views := map[string]mib.View{}
		targets := make([]pdu.Target, requests+1)
		for n := range targets {
			d := &faultDying{View: agenttest.NewView(vars)}
			d.left.Store(int64(n))
			name := fmt.Sprintf("dies-after-%d", n)
			views[name] = d
			targets[n] = pdu.Target{Name: name, Community: inventory.Secret(name), Timeout: 300 * time.Millisecond, Retries: 1, MaxRepetitions: 4}
		}
		_, addr := faultServe(t, func(community string) (mib.View, bool) {
			v, ok := views[community]
			return v, ok
		})
		var failed, partial atomic.Int64
		var wg sync.WaitGroup
		for n, tg := range targets {
			tg.Address = addr
			c := faultDial(t, tg)
			wg.Go(func() {
				r, err := pdu.Read(t.Context(), c, tg, faultNow)
				if r != nil {
					r.Device, r.Target = want.Device, want.Target // another name and agent
				}
				switch {
				case n == requests:
					if err != nil || !reflect.DeepEqual(r, want) {
						t.Errorf("Read(%s: its last request) = %s; want the whole reading", tg.Name, faultShow(r, err))
					}
				case err != nil:
					failed.Add(1)
					if !errors.Is(err, pdu.ErrTimeout) || !strings.Contains(err.Error(), tg.Name) {
						t.Errorf("Read(%s) = %v; want a timeout naming it", tg.Name, err)
					}
				case !r.Partial || !slices.ContainsFunc(r.Problems, func(p string) bool { return strings.Contains(p, "timed out") }):
					t.Errorf("Read(%s) = %s; want an error, or a partial reading whose problems say what timed out", tg.Name, faultShow(r, nil))
				default:
					partial.Add(1)
				}
			})
		}
		wg.Wait()
		t.Logf("a device dying after 0 to %d requests: %d errors, %d partial readings, 1 whole", requests, failed.Load(), partial.Load())
	})

	t.Run("genErr mid-column", func(t *testing.T) {
		state := mib.MustOID(oids.RPDU2OutletSwitchedStatusState)
		f := &faultFailing{View: agenttest.NewView(vars), column: state, from: state.Append(13)}
		_, tg := faultServeView(t, f)
		tg.MaxRepetitions = 4

		c := faultDial(t, tg)
		col, err := c.Walk(t.Context(), oids.RPDU2OutletSwitchedStatusState)
		var se *pdu.StatusError
		if len(col) != 12 || !errors.As(err, &se) || se.Status != gosnmp.GenErr {
			t.Errorf("Walk(outlet state, genErr from row 13) = %d varbinds, %v; want 12 and a *pdu.StatusError genErr", len(col), err)
		}

		r, _, err := faultRead(t, tg)
		t.Logf("Read(genErr from outlet 13) = %s", faultShow(r, err))
		if err != nil {
			t.Fatalf("Read(genErr from outlet 13) = %v; want a partial reading", err)
		}
		if !r.Partial || !slices.ContainsFunc(r.Problems, func(p string) bool {
			return strings.Contains(p, "switched outlet status") && strings.Contains(p, "GenErr")
		}) {
			t.Errorf("Read(genErr from outlet 13) = %s; want partial, with a problem walking the switched outlet status that says genErr", faultShow(r, nil))
		}
	})

	t.Run("rows missing", func(t *testing.T) {
		// The size says 24 (it is served again); rows 13-24 of the
		// switched outlet status are gone, from GETs and walks alike.
		entry := mib.MustOID(oids.RPDU2OutletSwitchedStatusEntry)
		full := faultVars(faultAPC(t, nil))
		cut := slices.DeleteFunc(slices.Clone(full), func(v mib.Var) bool {
			return v.OID.HasPrefix(entry) && len(v.OID) == len(entry)+2 && v.OID[len(entry)+1] > 12
		})
		_, tg := faultServeView(t, agenttest.NewView(cut))
		r, _, err := faultRead(t, tg)
		t.Logf("Read(12 of 24 switched rows) = %s", faultShow(r, err))
		if err != nil || !r.Partial || !slices.Contains(r.Problems, "rPDU2 switched outlet status: 12 of 24 rows") {
			t.Errorf("Read(12 of 24 switched rows) = %s; want partial with \"rPDU2 switched outlet status: 12 of 24 rows\"", faultShow(r, err))
		}
	})
}
