package runbook_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"feedplan/monitor/atstest"
	"feedplan/monitor/runbook"
	"feedplan/planner"
)

// mta is one mail queue as a Postfix adapter shows it to the runbook:
// messages by queue ID, on hold or not. Hold holds them all and says
// which were on hold before; Release releases the held ones but those it
// is told to keep, in batches, and stops between two batches when its
// context is done.
type mta struct {
	mu        sync.Mutex
	held      map[string]bool // queue ID → on hold
	delivered []string        // released, in order
	batch     int             // messages a release batch; 0: all at once
	// perBatch is how long a batch takes (on synctest's clock), as
	// Postfix's release paced at the rate.
	perBatch time.Duration
	// afterBatch runs after each release batch (n: batches done).
	afterBatch func(n int)
	holdErr    error
	calls      []string
	deadlines  []time.Duration // of each Release's context, from its start
}

var _ runbook.Queues = (*mta)(nil)

func newMTA() *mta { return &mta{held: map[string]bool{}} }

// queue adds messages, not on hold; holdByHand puts some on hold, as an
// administrator or a HOLD action of header_checks does.
func (m *mta) queue(ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.held[id] = false
	}
}

func (m *mta) holdByHand(ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.held[id] = true
	}
}

// onHold returns the IDs on hold, sorted.
func (m *mta) onHold() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.onHoldLocked()
}

func (m *mta) onHoldLocked() []string {
	ids := []string{}
	for _, id := range slices.Sorted(maps.Keys(m.held)) {
		if m.held[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

func (m *mta) Hold(_ context.Context, name string) (runbook.HoldResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, "hold "+name)
	if m.holdErr != nil {
		return runbook.HoldResult{Held: -1}, m.holdErr
	}
	before := m.onHoldLocked()
	for id := range m.held {
		m.held[id] = true
	}
	return runbook.HoldResult{Held: len(m.held), PreHeld: before}, nil
}

func (m *mta) Release(ctx context.Context, name string, rate float64, keep []string) (runbook.ReleaseResult, error) {
	m.mu.Lock()
	m.calls = append(m.calls, fmt.Sprintf("release %s %g keep %v", name, rate, keep))
	if d, ok := ctx.Deadline(); ok {
		m.deadlines = append(m.deadlines, time.Until(d))
	}
	var res runbook.ReleaseResult
	var todo []string
	kept := map[string]bool{}
	for _, id := range keep {
		kept[id] = true
	}
	for _, id := range m.onHoldLocked() {
		if kept[id] {
			res.Kept++
		} else {
			todo = append(todo, id)
		}
	}
	size := m.batch
	if size == 0 {
		size = max(len(todo), 1)
	}
	m.mu.Unlock()
	for n := 0; n*size < len(todo); n++ {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("stopped after %d of %d: %w", res.Released, len(todo), err)
		}
		if m.perBatch > 0 {
			select {
			case <-ctx.Done():
				return res, fmt.Errorf("stopped after %d of %d: %w", res.Released, len(todo), ctx.Err())
			case <-time.After(m.perBatch):
			}
		}
		m.mu.Lock()
		for _, id := range todo[n*size : min((n+1)*size, len(todo))] {
			delete(m.held, id)
			m.delivered = append(m.delivered, id)
			res.Released++
		}
		m.mu.Unlock()
		if m.afterBatch != nil {
			m.afterBatch(n + 1)
		}
	}
	return res, nil
}

func ids(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s%02d", prefix, i))
	}
	return out
}

// queuePlan holds mx when the window opens, stops for a person (the
// cut), holds mx again (as before its MTA goes down) and releases it at
// 600 a minute.
func queuePlan() *planner.Plan {
	return testPlan(
		planner.RunStep{ID: "hold/mx", Kind: planner.StepHoldQueue, Auto: true, Queue: "mx"},
		planner.RunStep{ID: "cut", Kind: planner.StepCut, Title: "Open breaker A-01"},
		planner.RunStep{ID: "hold-final/mx", Kind: planner.StepHoldQueue, Auto: true, Queue: "mx"},
		planner.RunStep{ID: "release/mx", Kind: planner.StepReleaseQ, Auto: true, Queue: "mx", Rate: 600},
	)
}

func (e *env) queueOptions(p *planner.Plan, q runbook.Queues, confirm bool) runbook.Options {
	opt := e.options(p)
	opt.Execute, opt.Queues = true, q
	opt.Confirm = func(context.Context, string) (bool, error) { return confirm, nil }
	return opt
}

func (e *env) readState() *runbook.State {
	e.t.Helper()
	st, err := runbook.ReadState(e.state)
	if err != nil || st == nil {
		e.t.Fatalf("ReadState() = %v, %v", st, err)
	}
	return st
}

func TestQueueStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.state.json")
	at := time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)
	want := &runbook.State{Version: runbook.StateVersion, Plan: "plan.json", PlanSHA: "sha-1", Site: "lab", Updated: at,
		Steps: []runbook.StepState{{ID: "hold/mx", Kind: planner.StepHoldQueue, Outcome: runbook.Done, At: at}},
		Queues: map[string]*runbook.QueueState{
			"mx":  {PreHeld: []string{"4dQm5x0Fz2zLp1", "4dQm5x0Fz2zLp2"}, RecordedBy: "hold/mx", RecordedAt: at, Held: 120},
			"gw":  {RecordedBy: "hold/gw", RecordedAt: at, Held: -1}, // hooks: cannot tell
			"mx2": {PreHeld: []string{}, RecordedBy: "hold/mx2", RecordedAt: at, Held: 3, Released: at.Add(time.Hour)},
		}}
	if err := runbook.WriteState(path, want); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"pre_held": [`+"\n"+`        "4dQm5x0Fz2zLp1",`) {
		t.Errorf("state file lacks mx's pre_held list:\n%s", b)
	}
	got, err := runbook.ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadState(WriteState(s)) = %+v; want %+v", got, want)
	}
	for name, q := range want.Queues {
		// Null (cannot tell) and empty (none) stay apart.
		if g := got.Queues[name]; g == nil || !reflect.DeepEqual(*g, *q) {
			t.Errorf("queue %s read back as %+v; want %+v", name, g, q)
		}
	}

	// A state written before the queues were recorded still loads; a
	// null record is none.
	tests := []struct{ name, json string }{
		{"no queues", `{"version": 1, "plan": "plan.json", "plan_sha256": "sha-1", "site": "lab", "updated": "2026-03-01T22:00:00Z",
			"steps": [{"id": "hold/mx", "kind": "hold-queue", "outcome": "done", "at": "2026-03-01T22:00:00Z", "detail": "42 message(s) held"}]}`},
		{"a null record", `{"version": 1, "plan": "plan.json", "plan_sha256": "sha-1", "site": "lab", "steps": [], "queues": {"mx": null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tt.json), 0o640); err != nil {
				t.Fatal(err)
			}
			st, err := runbook.ReadState(path)
			if err != nil || st == nil || len(st.Queues) != 0 {
				t.Fatalf("ReadState(%s) = %+v, %v; want it loaded, no queue records", tt.name, st, err)
			}
		})
	}
}

// TestPreHeldSurvivesResume: 2 messages are on hold before the window.
// The first run holds 5 more, records the 2, and stops at the cut. 3
// more arrive; the resumed run (a new Run, the state read from its file)
// holds them at the final hold without taking anything for "on hold
// before", and releases the 8, not the 2.
func TestPreHeldSurvivesResume(t *testing.T) {
	e := newEnv(t)
	m := newMTA()
	quarantined, window := ids("Q", 2), ids("W", 5)
	m.queue(quarantined...)
	m.holdByHand(quarantined...)
	m.queue(window...)

	p := queuePlan()
	res := e.run(context.Background(), e.queueOptions(p, m, false))
	if res.Stop == nil || res.Stop.ID != "cut" || res.Stop.Outcome != runbook.Declined {
		t.Fatalf("first run: stop = %+v; want the cut declined\n%s", res.Stop, e.out.String())
	}
	if want := "mail queue mx: 5 messages held for the window; 2 messages were on hold before the window: they stay held"; !strings.Contains(e.out.String(), want) {
		t.Errorf("first run's output lacks %q:\n%s", want, e.out.String())
	}
	q := e.readState().Queues["mx"]
	if q == nil || !slices.Equal(q.PreHeld, quarantined) || q.RecordedBy != "hold/mx" || q.Held != 5 || !q.Released.IsZero() {
		t.Fatalf("state's mx after the first run = %+v; want pre_held %v recorded by hold/mx, 5 held, not released", q, quarantined)
	}
	if es := e.audit.find("hold/mx", "recorded"); len(es) != 1 || !strings.Contains(es[0].Detail, "Q00 Q01") {
		t.Errorf("audit of the record = %+v; want one entry with the IDs", es)
	}

	// More mail during the window. The resumed run's final hold holds it,
	// and must not record: what it finds on hold is the window's.
	late := ids("L", 3)
	m.queue(late...)
	res = e.run(context.Background(), e.queueOptions(queuePlan(), m, true))
	if !res.Done() {
		t.Fatalf("resumed run stopped at %+v\n%s", res.Stop, e.out.String())
	}
	out := e.out.String()
	for _, want := range []string{
		"mail queue mx: 8 messages held for the window; 2 messages were on hold before the window: they stay held",
		"mail queue mx: 8 messages released at 600 a minute; 2 messages were on hold before the window: they stay held",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("resumed run's output lacks %q:\n%s", want, out)
		}
	}
	if got := m.onHold(); !slices.Equal(got, quarantined) {
		t.Errorf("on hold after the release: %v; want the quarantined %v", got, quarantined)
	}
	want := slices.Concat(late, window)
	if got := slices.Sorted(slices.Values(m.delivered)); !slices.Equal(got, want) {
		t.Errorf("released %v; want %v, once each", got, want)
	}
	if last := m.calls[len(m.calls)-1]; last != "release mx 600 keep [Q00 Q01]" {
		t.Errorf("last call %q; want the release keeping Q00 Q01", last)
	}
	q = e.readState().Queues["mx"]
	if q == nil || !slices.Equal(q.PreHeld, quarantined) || q.RecordedBy != "hold/mx" || q.Released.IsZero() {
		t.Errorf("state's mx after the release = %+v; want the same pre_held, released", q)
	}
}

// TestRestartKeepsPreHeld: a run holds, stops, and is restarted. The
// restarted first hold finds the mail the last run held on hold: it must
// not take it for mail held before the window. Once released, a record
// is not carried into a restart.
func TestRestartKeepsPreHeld(t *testing.T) {
	e := newEnv(t)
	m := newMTA()
	m.queue("Q00", "W00", "W01")
	m.holdByHand("Q00")
	if res := e.run(context.Background(), e.queueOptions(queuePlan(), m, false)); res.Stop == nil || res.Stop.ID != "cut" {
		t.Fatalf("first run: stop = %+v; want the cut", res.Stop)
	}
	opt := e.queueOptions(queuePlan(), m, true)
	opt.Restart = true
	if res := e.run(context.Background(), opt); !res.Done() {
		t.Fatalf("restarted run stopped at %+v\n%s", res.Stop, e.out.String())
	}
	if !strings.Contains(e.out.String(), "mail queue mx: 2 messages held for the window; 1 message was on hold before the window: it stays held") {
		t.Errorf("the restarted hold does not keep the first run's record:\n%s", e.out.String())
	}
	if got := m.onHold(); !slices.Equal(got, []string{"Q00"}) {
		t.Errorf("on hold after the restarted run: %v; want [Q00]", got)
	}

	// Released to the end: the next restart records afresh.
	m.queue("W10")
	m.holdByHand("Q10")
	opt = e.queueOptions(queuePlan(), m, true)
	opt.Restart = true
	if res := e.run(context.Background(), opt); !res.Done() {
		t.Fatalf("second restart stopped at %+v\n%s", res.Stop, e.out.String())
	}
	if q := e.readState().Queues["mx"]; q == nil || !slices.Equal(q.PreHeld, []string{"Q00", "Q10"}) {
		t.Errorf("state's mx after a restart of a released run = %+v; want pre_held [Q00 Q10]", q)
	}
	if got := m.onHold(); !slices.Equal(got, []string{"Q00", "Q10"}) {
		t.Errorf("on hold: %v; want [Q00 Q10]", got)
	}
}

// TestOnlyFirstHoldRecords: when the first hold fails before it can tell
// what was on hold, a later hold does not record (it would take the mail
// held for the window for mail held before it); the release then
// releases everything, and says so.
func TestOnlyFirstHoldRecords(t *testing.T) {
	e := newEnv(t)
	m := newMTA()
	m.queue("Q00", "W00")
	m.holdByHand("Q00")
	m.holdErr = errors.New("postqueue -j: exit status 1")
	if res := e.run(context.Background(), e.queueOptions(queuePlan(), m, true)); res.Stop == nil || res.Stop.ID != "hold/mx" || res.Stop.Outcome != runbook.Failed {
		t.Fatalf("stop = %+v; want hold/mx failed", res.Stop)
	}
	if st := e.readState(); st.Queues["mx"] != nil {
		t.Errorf("a hold that could not tell recorded %+v", st.Queues["mx"])
	}
	// Held by hand, as the failure says; on from the next step.
	m.holdErr = nil
	m.holdByHand("W00")
	opt := e.queueOptions(queuePlan(), m, true)
	opt.From = "cut"
	if res := e.run(context.Background(), opt); !res.Done() {
		t.Fatalf("run --from cut stopped at %+v\n%s", res.Stop, e.out.String())
	}
	out := e.out.String()
	for _, want := range []string{
		"no record of what was on hold before the window (the first hold, hold/mx, did not record it): the release will release every held message",
		"mail queue mx: 2 messages released at 600 a minute; no record of what was on hold before the window: every held message was released",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if q := e.readState().Queues["mx"]; q == nil || q.RecordedBy != "" {
		t.Errorf("state's mx = %+v; want a record of the count, no pre-held list", q)
	}
}

// TestHoldRecordedAtOnce: the pre-held list is in the state file before
// the hold step is over (here: when its "ok" is audited), so that a crash
// then does not leave a first hold to run again with nothing recorded.
func TestHoldRecordedAtOnce(t *testing.T) {
	e := newEnv(t)
	m := newMTA()
	m.queue("Q00", "W00")
	m.holdByHand("Q00")
	opt := e.queueOptions(queuePlan(), m, false)
	var onDisk *runbook.QueueState
	opt.Audit = func(en atstest.Entry) error {
		if en.StepID == "hold/mx" && en.Outcome == "ok" {
			if st, _ := runbook.ReadState(e.state); st != nil {
				onDisk = st.Queues["mx"]
			}
		}
		return e.audit.Write(en)
	}
	e.run(context.Background(), opt)
	if onDisk == nil || !slices.Equal(onDisk.PreHeld, []string{"Q00"}) {
		t.Errorf("state's mx when hold/mx is audited ok = %+v; want pre_held [Q00] on disk", onDisk)
	}
}

// TestReleaseDeadline checks the deadline the release gets, on
// synctest's clock: what the window held (pre-held mail not counted) at
// the rate, or the plan's estimate, times 1.5, plus a minute, never less
// than the action timeout. A release that takes 20 minutes goes to its
// end although the action timeout is 2.
func TestReleaseDeadline(t *testing.T) {
	tests := []struct {
		name    string
		held    int // held for the window
		pre     int // on hold before it
		rate    float64
		drain   time.Duration // the plan's estimate
		unknown bool          // the adapter does not count
		want    time.Duration
	}{
		{name: "big backlog", held: 6000, rate: 300, want: 31 * time.Minute},
		{name: "pre-held not counted", held: 3000, pre: 3000, rate: 300, want: 16 * time.Minute},
		{name: "small backlog: the action timeout", held: 10, rate: 300, want: 2 * time.Minute},
		{name: "the plan's estimate is longer", held: 600, rate: 300, drain: 30 * time.Minute, want: 46 * time.Minute},
		{name: "count unknown: the plan's estimate", unknown: true, rate: 300, drain: 10 * time.Minute, want: 16 * time.Minute},
		{name: "count unknown, no estimate", unknown: true, rate: 300, want: 2 * time.Minute},
		{name: "no rate limit", held: 6000, rate: 0, want: 2 * time.Minute},
		{name: "odd rate", held: 1000, rate: 7, want: 3*time.Hour + 35*time.Minute + 17*time.Second}, // 142.86 min × 1.5 + 1 min
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t)
				m := newMTA()
				m.queue(ids("P", tt.pre)...)
				m.holdByHand(ids("P", tt.pre)...)
				m.queue(ids("W", tt.held)...)
				var q runbook.Queues = m
				if tt.unknown {
					q = unknownCount{m}
				}
				p := testPlan(
					planner.RunStep{ID: "hold/mx", Kind: planner.StepHoldQueue, Auto: true, Queue: "mx"},
					planner.RunStep{ID: "release/mx", Kind: planner.StepReleaseQ, Auto: true, Queue: "mx", Rate: tt.rate},
				)
				p.Queues = []planner.QueuePlan{{Queue: "mx", Rate: tt.rate, Drain: planner.Duration(tt.drain)}}
				opt := e.queueOptions(p, q, true)
				opt.ActionTimeout = 2 * time.Minute
				res := e.run(context.Background(), opt)
				if !res.Done() {
					t.Fatalf("run stopped at %+v\n%s", res.Stop, e.out.String())
				}
				if len(m.deadlines) != 1 || m.deadlines[0] != tt.want {
					t.Errorf("release deadline = %v; want %v", m.deadlines, tt.want)
				}
				if want := fmt.Sprintf(", within %v (Ctrl-C", tt.want); !strings.Contains(e.out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, e.out.String())
				}
			})
		})
	}

	// 6000 at 300 a minute, paced as Postfix does: 20 minutes, in 100
	// batches of 60. The action timeout (2 minutes) would have killed it.
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		m := newMTA()
		m.queue(ids("W", 6000)...)
		m.batch, m.perBatch = 60, 12*time.Second
		p := testPlan(
			planner.RunStep{ID: "hold/mx", Kind: planner.StepHoldQueue, Auto: true, Queue: "mx"},
			planner.RunStep{ID: "release/mx", Kind: planner.StepReleaseQ, Auto: true, Queue: "mx", Rate: 300},
		)
		opt := e.queueOptions(p, m, true)
		opt.ActionTimeout = 2 * time.Minute
		start := time.Now()
		res := e.run(context.Background(), opt)
		if !res.Done() || len(m.delivered) != 6000 {
			t.Fatalf("a 20-minute release: stop %+v, %d released; want all 6000\n%s", res.Stop, len(m.delivered), e.out.String())
		}
		if took := time.Since(start); took != 20*time.Minute {
			t.Errorf("the release took %v on synctest's clock; want 20m0s", took)
		}
	})
}

// unknownCount is an adapter that does not count (command hooks that
// print nothing).
type unknownCount struct{ *mta }

func (u unknownCount) Hold(ctx context.Context, name string) (runbook.HoldResult, error) {
	_, err := u.mta.Hold(ctx, name)
	return runbook.HoldResult{Held: -1}, err
}

// TestReleaseInterrupted: Ctrl-C during the release's second batch. The
// batch is finished, no other starts, the step is recorded as
// interrupted (not done), and the resumed run releases the rest, still
// keeping what was on hold before the window.
func TestReleaseInterrupted(t *testing.T) {
	e := newEnv(t)
	m := newMTA()
	m.queue("Q00")
	m.holdByHand("Q00")
	window := ids("W", 12)
	m.queue(window...)
	m.batch = 5
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m.afterBatch = func(n int) {
		if n == 2 {
			cancel()
		}
	}
	res := e.run(ctx, e.queueOptions(queuePlan(), m, true))
	if res.Stop == nil || res.Stop.ID != "release/mx" || res.Stop.Outcome != runbook.Interrupted {
		t.Fatalf("stop = %+v; want release/mx interrupted\n%s", res.Stop, e.out.String())
	}
	if want := "mail queue mx: stopped between two batches: 10 messages released; 1 message was on hold before the window: it stays held; the rest stays held"; res.Stop.Detail != want {
		t.Errorf("stop detail = %q; want %q", res.Stop.Detail, want)
	}
	if len(m.delivered) != 10 {
		t.Errorf("released %d before the stop; want 10 (2 batches of 5)", len(m.delivered))
	}
	st := e.readState()
	if _, done := findStep(st, "release/mx"); done || st.Stopped == nil || st.Stopped.Step != "release/mx" || st.Stopped.Outcome != runbook.Interrupted {
		t.Errorf("state = steps %+v, stopped %+v; want release/mx not done, stopped there interrupted", st.Steps, st.Stopped)
	}
	if es := e.audit.find("release/mx", runbook.Interrupted); len(es) != 1 {
		t.Errorf("audit of the interrupted release = %+v; want one entry", es)
	}

	// Resumed: the 2 left are released, Q00 still kept.
	m.afterBatch = nil
	res = e.run(context.Background(), e.queueOptions(queuePlan(), m, true))
	if !res.Done() {
		t.Fatalf("resumed run stopped at %+v\n%s", res.Stop, e.out.String())
	}
	if !strings.Contains(e.out.String(), "mail queue mx: 2 messages released at 600 a minute; 1 message was on hold before the window: it stays held") {
		t.Errorf("resumed output:\n%s", e.out.String())
	}
	if got := slices.Sorted(slices.Values(m.delivered)); !slices.Equal(got, window) {
		t.Errorf("released %v; want the 12 of the window, once each", got)
	}
	if got := m.onHold(); !slices.Equal(got, []string{"Q00"}) {
		t.Errorf("on hold: %v; want [Q00]", got)
	}
}
