package mailq_test

import (
	"bytes"
	"context"
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
	n, err := q.Hold(ctx)
	if err != nil || n != first {
		t.Fatalf("Hold() = %d, %v; want %d held", n, err, first)
	}

	// 3. Mail that arrives after the hold is not held until the final hold.
	want = append(want, send(t, relay.Addr, "during", more)...)
	waitStatus(t, q, fmt.Sprintf("%d held, %d deferred", first, more), func(s mailq.Status) bool { return s.Hold == first && s.Deferred == more })
	n, err = q.Hold(ctx)
	if err != nil || n != first+more {
		t.Fatalf("Hold() again, before power-down = %d, %v; want %d held", n, err, first+more)
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
	n, err = q.Release(ctx, rate)
	took := time.Since(start)
	if err != nil || n != first+more {
		t.Fatalf("Release(%g/min) = %d, %v; want %d", rate, n, err, first+more)
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
	t.Logf("released %d in %v: batches %v at %v", n, took.Round(time.Millisecond), batches, at)

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
