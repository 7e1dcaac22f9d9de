package mailq_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/alert/alerttest"
	"feedplan/monitor/mailq"
)

// TestPostfixHoldRelease runs a maintenance window against real Postfix:
// an MTA (relay) that relays @example.test to a mailbox server (sink)
// through a gate the test opens and closes, as the next hop goes down and
// comes back.
//
//  1. The next hop is down: 50 messages queue up on the relay (deferred).
//  2. Hold: all 50 are held.
//  3. 10 more arrive before the MTA goes down; the final hold holds them.
//  4. The next hop is back; a queue flush and a few seconds pass: nothing
//     held is delivered, while a fresh message goes straight through.
//  5. Release at 1200 a minute: 3 batches of 20, a second apart.
//  6. Every message is delivered once, none bounced, the queue is empty.
func TestPostfixHoldRelease(t *testing.T) {
	const first, more, rate = 50, 10, 1200.0
	sink := alerttest.StartPostfix(t)
	gate := startGate(t, sink.Addr)
	relay := alerttest.StartPostfixRelay(t, gate.addr)
	rec := &recorder{}
	q, err := mailq.Open(&inventory.MailQueue{Name: "relay", Kind: "postfix", ConfigDir: relay.ConfigDir()}, mailq.Options{Runner: rec})
	if err != nil {
		t.Fatalf("Open(relay) error = %v", err)
	}
	ctx := t.Context()

	// 1. The next hop is down.
	var want []string // Message-IDs
	want = append(want, send(t, relay.Addr, "before", first)...)
	st := waitStatus(t, q, fmt.Sprintf("%d deferred", first), func(s mailq.Status) bool { return s.Deferred == first && s.Total() == first })
	t.Logf("next hop down: %+v", st)

	// 2. Hold.
	h, err := q.Hold(ctx)
	if err != nil || h.Count != first || len(h.Before) != 0 {
		t.Fatalf("Hold() = %+v, %v; want %d held, none before", h, err, first)
	}

	// 3. Mail that arrives after the hold is not held until the final hold.
	want = append(want, send(t, relay.Addr, "during", more)...)
	waitStatus(t, q, fmt.Sprintf("%d held, %d deferred", first, more), func(s mailq.Status) bool { return s.Hold == first && s.Deferred == more })
	h, err = q.Hold(ctx)
	if err != nil || h.Count != first+more || len(h.Before) != first {
		t.Fatalf("Hold() again, before power-down = %d held, %d before, %v; want %d held, %d before", h.Count, len(h.Before), err, first+more, first)
	}

	// 4. The next hop is back; the held mail stays, even through a flush.
	gate.open.Store(true)
	if _, err := (mailq.Exec{}).Run(ctx, mailq.Command{Args: []string{"postqueue", "-c", relay.ConfigDir(), "-f"}}); err != nil {
		t.Fatal(err)
	}
	fresh := send(t, relay.Addr, "fresh", 1)
	sink.WaitMessages(t, 1, 20*time.Second) // the path works: the fresh message goes through
	time.Sleep(3 * time.Second)             // the rest of the simulated window
	if got := messageIDs(t, sink.Messages(t)); !slices.Equal(got, fresh) {
		t.Fatalf("during the hold the sink got %q; want only the fresh %q", got, fresh)
	}
	st, err = q.Status(ctx)
	if err != nil || st.Hold != first+more || st.Total() != first+more {
		t.Fatalf("Status() after the window = %+v, %v; want %d held and nothing else", st, err, first+more)
	}
	if age := st.Age(time.Now()); age < 3*time.Second || age > time.Minute {
		t.Errorf("Status().Age() = %v; want the few seconds the first message has waited", age)
	}

	// 5. Release at a bounded rate.
	before := len(rec.calls())
	start := time.Now()
	rel, err := q.Release(ctx, rate, nil)
	took := time.Since(start)
	if err != nil || rel.Count != first+more {
		t.Fatalf("Release(%g/min) = %+v, %v; want %d", rate, rel, err, first+more)
	}
	var batches []int
	var at []time.Duration
	for _, c := range rec.calls()[before:] {
		if c.args[0] == "postsuper" {
			batches = append(batches, strings.Count(strings.Join(c.args, " "), " -H "))
			at = append(at, c.at.Sub(start).Round(time.Millisecond))
		}
	}
	if !slices.Equal(batches, []int{20, 20, 20}) {
		t.Errorf("Release(%g/min) ran postsuper batches of %v; want 3 of 20", rate, batches)
	}
	t.Logf("released %d in %v: batches %v at %v", rel.Count, took.Round(time.Millisecond), batches, at)

	// 6. Every message delivered once, none bounced, nothing left.
	msgs := sink.WaitMessages(t, first+more+1, 20*time.Second)
	got := messageIDs(t, msgs)
	all := append(slices.Clone(want), fresh...)
	slices.Sort(got)
	slices.Sort(all)
	if !slices.Equal(got, all) {
		t.Errorf("the sink got %d messages %q; want the %d sent, once each: %q", len(got), got, len(all), all)
	}
	st = waitStatus(t, q, "an empty queue", func(s mailq.Status) bool { return s.Total() == 0 })
	if !st.Oldest.IsZero() {
		t.Errorf("Status() of an empty queue: Oldest = %v; want zero", st.Oldest)
	}
	for name, log := range map[string]string{"relay": relay.Log(), "sink": sink.Log()} {
		for _, bad := range []string{"status=bounced", "status=expired", "sender non-delivery notification"} {
			if strings.Contains(log, bad) {
				t.Errorf("the %s's log has %q:\n%s", name, bad, log)
			}
		}
	}
	if sent := strings.Count(relay.Log(), "status=sent"); sent != first+more+1 {
		t.Errorf("the relay's log has %d status=sent; want %d", sent, first+more+1)
	}
	t.Logf("delivered %d of %d, none bounced; queue empty", len(got), len(all))
}

// TestPostfixKeepsPreHeld runs a window on a real Postfix whose queue
// has mail on hold before the window (quarantined, or held by an
// administrator: here postsuper -h ID):
//
//  1. The next hop is down. 2 messages are put on hold by hand; 5 more
//     queue up (deferred).
//  2. The first hold holds the 5 and says the 2 were on hold before it.
//  3. 3 more arrive; the final hold holds them (its Before lists all 7
//     held so far: a caller keeps the first hold's Before).
//  4. The next hop is back. Release, keeping the first hold's Before:
//     the 8 are released and delivered, the 2 stay on hold, through a
//     flush and a few seconds.
//  5. The 2 were deliverable all along: released by hand, they arrive.
func TestPostfixKeepsPreHeld(t *testing.T) {
	const preHeld, first, more = 2, 5, 3
	sink := alerttest.StartPostfix(t)
	gate := startGate(t, sink.Addr)
	relay := alerttest.StartPostfixRelay(t, gate.addr)
	q, err := mailq.Open(&inventory.MailQueue{Name: "relay", ConfigDir: relay.ConfigDir()}, mailq.Options{})
	if err != nil {
		t.Fatalf("Open(relay) error = %v", err)
	}
	ctx := t.Context()
	postfixCmd := func(args ...string) []byte {
		t.Helper()
		out, err := (mailq.Exec{}).Run(ctx, mailq.Command{Args: append([]string{args[0], "-c", relay.ConfigDir()}, args[1:]...)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	// 1. Quarantined before the window.
	quarantined := send(t, relay.Addr, "quarantined", preHeld)
	waitStatus(t, q, fmt.Sprintf("%d deferred", preHeld), func(s mailq.Status) bool { return s.Deferred == preHeld && s.Total() == preHeld })
	quarantinedIDs := queueIDs(t, postfixCmd("postqueue", "-j"), "deferred")
	for _, id := range quarantinedIDs {
		postfixCmd("postsuper", "-h", id)
	}
	waitStatus(t, q, fmt.Sprintf("%d on hold", preHeld), func(s mailq.Status) bool { return s.Hold == preHeld && s.Total() == preHeld })
	window := send(t, relay.Addr, "window", first)
	waitStatus(t, q, fmt.Sprintf("%d on hold, %d deferred", preHeld, first), func(s mailq.Status) bool { return s.Hold == preHeld && s.Deferred == first })

	// 2. The first hold.
	h, err := q.Hold(ctx)
	if err != nil || h.Count != preHeld+first || !slices.Equal(h.Before, quarantinedIDs) {
		t.Fatalf("Hold() = %+v, %v; want %d on hold, Before the quarantined %v", h, err, preHeld+first, quarantinedIDs)
	}
	keep := h.Before

	// 3. The final hold.
	window = append(window, send(t, relay.Addr, "window-late", more)...)
	waitStatus(t, q, fmt.Sprintf("%d on hold, %d deferred", preHeld+first, more), func(s mailq.Status) bool { return s.Hold == preHeld+first && s.Deferred == more })
	h, err = q.Hold(ctx)
	if err != nil || h.Count != preHeld+first+more || len(h.Before) != preHeld+first {
		t.Fatalf("Hold() again = %d on hold, %d before, %v; want %d on hold, %d before", h.Count, len(h.Before), err, preHeld+first+more, preHeld+first)
	}

	// 4. Release all but the quarantined.
	gate.open.Store(true)
	rel, err := q.Release(ctx, 1200, keep)
	if want := (mailq.Released{Count: first + more, Kept: preHeld}); err != nil || rel != want {
		t.Fatalf("Release(1200/min, keep %v) = %+v, %v; want %+v", keep, rel, err, want)
	}
	got := messageIDs(t, sink.WaitMessages(t, first+more, 20*time.Second))
	slices.Sort(got)
	slices.Sort(window)
	if !slices.Equal(got, window) {
		t.Errorf("the sink got %q; want the %d of the window, once each: %q", got, len(window), window)
	}
	postfixCmd("postqueue", "-f")
	time.Sleep(2 * time.Second) // a flush's delivery attempts, had the quarantined mail been released
	st, err := q.Status(ctx)
	if err != nil || st.Hold != preHeld || st.Total() != preHeld {
		t.Errorf("Status() after the release = %+v, %v; want the %d quarantined on hold, nothing else", st, err, preHeld)
	}
	if ids := queueIDs(t, postfixCmd("postqueue", "-j"), "hold"); !slices.Equal(ids, quarantinedIDs) {
		t.Errorf("on hold after the release: %v; want the quarantined %v", ids, quarantinedIDs)
	}
	if n := len(sink.Messages(t)); n != first+more {
		t.Errorf("the sink has %d messages after the release; want %d: a quarantined message went out", n, first+more)
	}
	t.Logf("%d on hold before the window, %d held by it: %+v released; %d still on hold", preHeld, first+more, rel, st.Hold)

	// 5. They were deliverable: released by hand, they arrive.
	postfixCmd("postsuper", "-H", "ALL")
	postfixCmd("postqueue", "-f")
	got = messageIDs(t, sink.WaitMessages(t, first+more+preHeld, 20*time.Second))
	all := append(slices.Clone(window), quarantined...)
	slices.Sort(got)
	slices.Sort(all)
	if !slices.Equal(got, all) {
		t.Errorf("after releasing the quarantined by hand the sink got %q; want %q", got, all)
	}
}

// queueIDs returns the sorted queue IDs postqueue -j lists in a queue.
func queueIDs(t *testing.T, out []byte, queue string) []string {
	t.Helper()
	ids := []string{}
	for line := range bytes.Lines(out) {
		var m struct {
			Queue string `json:"queue_name"`
			ID    string `json:"queue_id"`
		}
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("postqueue -j: %v: %s", err, line)
		}
		if m.Queue == queue {
			ids = append(ids, m.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// send submits n messages over SMTP, from and to @example.test (so that a
// bounce would land in the sink too), and returns their Message-IDs.
func send(t *testing.T, addr, tag string, n int) []string {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatalf("smtp.Dial(%s): %v", addr, err)
	}
	defer c.Close()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("<%s-%02d@feedplan.test>", tag, i)
		msg := fmt.Sprintf("From: sender@%[1]s\r\nTo: inbox@%[1]s\r\nMessage-ID: %[2]s\r\nSubject: %[2]s\r\n\r\nheld, not lost\r\n", alerttest.Domain, id)
		if err := c.Mail("sender@" + alerttest.Domain); err != nil {
			t.Fatalf("SMTP MAIL: %v", err)
		}
		if err := c.Rcpt("inbox@" + alerttest.Domain); err != nil {
			t.Fatalf("SMTP RCPT: %v", err)
		}
		w, err := c.Data()
		if err != nil {
			t.Fatalf("SMTP DATA: %v", err)
		}
		if _, err := io.WriteString(w, msg); err != nil {
			t.Fatalf("SMTP DATA: %v", err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("SMTP DATA end: %v", err)
		}
		ids = append(ids, id)
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("SMTP QUIT: %v", err)
	}
	return ids
}

func messageIDs(t *testing.T, msgs [][]byte) []string {
	t.Helper()
	ids := []string{}
	for _, m := range msgs {
		parsed, err := mail.ReadMessage(bytes.NewReader(m))
		if err != nil {
			t.Fatalf("a delivered message does not parse: %v\n%s", err, m)
		}
		ids = append(ids, parsed.Header.Get("Message-ID"))
	}
	return ids
}

// waitStatus polls the queue until ok, for at most 20 s (a real server).
func waitStatus(t *testing.T, q mailq.Queue, what string, ok func(mailq.Status) bool) mailq.Status {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := q.Status(t.Context())
		if err != nil {
			t.Fatalf("Status() error = %v", err)
		}
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("Status() = %+v after 20 s; want %s", st, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// gate is the next hop as the relay sees it: a TCP proxy to the sink on
// 127.0.0.1 that, while closed, hangs up on every connection (the relay
// defers its mail: "lost connection … while receiving the initial server
// greeting").
type gate struct {
	addr string
	open atomic.Bool
}

func startGate(t *testing.T, to string) *gate {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{addr: l.Addr().String()}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if !g.open.Load() {
				c.Close()
				continue
			}
			s, err := net.Dial("tcp4", to)
			if err != nil {
				c.Close()
				continue
			}
			track(c)
			track(s)
			wg.Go(func() { io.Copy(s, c); s.Close() })
			wg.Go(func() { io.Copy(c, s); c.Close() })
		}
	})
	return g
}

// recorder runs commands for real and records them, with the time each
// started.
type recorder struct {
	mu  sync.Mutex
	log []recorded
}

type recorded struct {
	args []string
	at   time.Time
}

func (r *recorder) Run(ctx context.Context, cmd mailq.Command) ([]byte, error) {
	r.mu.Lock()
	r.log = append(r.log, recorded{slices.Clone(cmd.Args), time.Now()})
	r.mu.Unlock()
	return mailq.Exec{}.Run(ctx, cmd)
}

func (r *recorder) calls() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}
