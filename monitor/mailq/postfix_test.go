package mailq_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/mailq"
	"feedplan/monitor/mailq/mailqtest"
)

// heldQueue answers postqueue -j with n held messages, arriving one a
// second from 1700000000 on, listed newest first, and a deferred one;
// every other command succeeds silently. It reads commands run locally
// and over ssh alike.
func heldQueue(n int) func(mailq.Command) ([]byte, error) {
	var b strings.Builder
	for i := n - 1; i >= 0; i-- {
		fmt.Fprintf(&b, `{"queue_name": "hold", "queue_id": "H%04d", "arrival_time": %d, "message_size": 300, "sender": "a@example.net", "recipients": [{"address": "b@example.net"}]}`+"\n", i, 1700000000+i)
	}
	b.WriteString(`{"queue_name": "deferred", "queue_id": "D0001", "arrival_time": 1699990000, "recipients": [{"address": "c@example.net", "delay_reason": "connection refused"}]}` + "\n")
	out := []byte(b.String())
	return func(cmd mailq.Command) ([]byte, error) {
		if line := strings.Join(cmd.Args, " "); strings.Contains(line, "postqueue") && strings.HasSuffix(line, " -j") {
			return out, nil
		}
		return nil, nil
	}
}

func openFake(t *testing.T, q *inventory.MailQueue, answer func(mailq.Command) ([]byte, error)) (mailq.Queue, *mailqtest.Runner) {
	t.Helper()
	r := &mailqtest.Runner{Answer: answer}
	mq, err := mailq.Open(q, mailq.Options{Runner: r})
	if err != nil {
		t.Fatalf("Open(%s) error = %v", q.Name, err)
	}
	return mq, r
}

// TestPostfixCommands checks the argv of each operation, for the default
// instance, a private one and one reached over ssh.
func TestPostfixCommands(t *testing.T) {
	tests := []struct {
		name  string
		queue inventory.MailQueue
		hold  [][]string // the commands Hold runs
	}{
		{
			name:  "default instance",
			queue: inventory.MailQueue{Name: "mx-1", Kind: "postfix"},
			hold:  [][]string{{"postqueue", "-j"}, {"postsuper", "-h", "ALL"}, {"postqueue", "-j"}},
		},
		{
			name:  "private instance",
			queue: inventory.MailQueue{Name: "mx-1", ConfigDir: "/etc/postfix-out"},
			hold:  [][]string{{"postqueue", "-c", "/etc/postfix-out", "-j"}, {"postsuper", "-c", "/etc/postfix-out", "-h", "ALL"}, {"postqueue", "-c", "/etc/postfix-out", "-j"}},
		},
		{
			name:  "over ssh",
			queue: inventory.MailQueue{Name: "mx-1", Kind: "postfix", SSH: "root@mx-1.example.net", ConfigDir: "/etc/postfix out"},
			hold: [][]string{
				{"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "--", "root@mx-1.example.net", "postqueue -c '/etc/postfix out' -j"},
				{"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "--", "root@mx-1.example.net", "postsuper -c '/etc/postfix out' -h ALL"},
				{"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "--", "root@mx-1.example.net", "postqueue -c '/etc/postfix out' -j"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, r := openFake(t, &tt.queue, heldQueue(3))
			h, err := q.Hold(t.Context())
			if want := []string{"H0000", "H0001", "H0002"}; err != nil || h.Count != 3 || !slices.Equal(h.Before, want) {
				t.Fatalf("Hold() = %+v, %v; want 3 held, %v before", h, err, want)
			}
			var got [][]string
			for _, c := range r.Calls() {
				got = append(got, c.Args)
			}
			if !slices.EqualFunc(got, tt.hold, slices.Equal) {
				t.Errorf("Hold() ran\n%q\nwant\n%q", got, tt.hold)
			}
		})
	}
}

// TestPostfixReleaseOverSSH checks that a batch's queue IDs reach the
// remote postsuper and postqueue -i intact.
func TestPostfixReleaseOverSSH(t *testing.T) {
	q, r := openFake(t, &inventory.MailQueue{Name: "mx-1", SSH: "mx-1.example.net", ConfigDir: "/etc/postfix-out"}, heldQueue(2))
	n, err := q.Release(t.Context(), 0, nil)
	if err != nil || n.Count != 2 {
		t.Fatalf("Release(no limit) = %+v, %v; want 2", n, err)
	}
	var remote []string
	for _, c := range r.Calls() {
		if len(c.Args) != 8 || c.Args[0] != "ssh" || c.Args[6] != "mx-1.example.net" {
			t.Fatalf("Release() ran %q; want ssh … mx-1.example.net COMMAND", c.Args)
		}
		remote = append(remote, c.Args[7])
	}
	want := []string{
		"postqueue -c /etc/postfix-out -j",
		"postsuper -c /etc/postfix-out -H H0000 -H H0001",
		"sh -c '" + deliverScriptForTest + "' sh /etc/postfix-out H0000 H0001",
		"postqueue -c /etc/postfix-out -f",
	}
	if !slices.Equal(remote, want) {
		t.Errorf("Release() ran remotely\n%q\nwant\n%q", remote, want)
	}
}

// deliverScriptForTest is the shell loop of postqueue -i, quoted once.
var deliverScriptForTest = strings.ReplaceAll(`PATH=$PATH:/usr/sbin:/sbin; d=$1; shift; for id do if [ -n "$d" ]; then postqueue -c "$d" -i "$id"; else postqueue -i "$id"; fi || exit; done`, "'", `'\''`)

func TestPostfixStatus(t *testing.T) {
	out := strings.Join([]string{
		`{"queue_name": "maildrop", "queue_id": "M1", "arrival_time": 1700000300}`,
		`{"queue_name": "incoming", "queue_id": "I1", "arrival_time": 1700000200}`,
		`{"queue_name": "active", "queue_id": "A1", "arrival_time": 1700000100}`,
		`{"queue_name": "deferred", "queue_id": "D1", "arrival_time": 1700000000, "recipients": [{"address": "x@example.net", "delay_reason": "refused"}], "future_member": {"x": 1}}`,
		`{"queue_name": "deferred", "queue_id": "D2", "arrival_time": 1700000050}`,
		`{"queue_name": "active", "queue_id": "D2", "arrival_time": 1700000050}`, // listed twice: moved while listed
		`{"queue_name": "hold", "queue_id": "4dQm5x0Fz2zLp1", "arrival_time": 1700000400}`,
		``,
	}, "\n")
	q, _ := openFake(t, &inventory.MailQueue{Name: "mx-1"}, func(mailq.Command) ([]byte, error) { return []byte(out), nil })
	st, err := q.Status(t.Context())
	if err != nil {
		t.Fatalf("Status() error = %v", err)
	}
	want := mailq.Status{Incoming: 2, Active: 2, Deferred: 1, Hold: 1, Oldest: time.Unix(1700000000, 0)}
	if st != want {
		t.Errorf("Status() = %+v; want %+v", st, want)
	}
	if st.Total() != 6 {
		t.Errorf("Status().Total() = %d; want 6", st.Total())
	}
	if age := st.Age(time.Unix(1700003600, 0)); age != time.Hour {
		t.Errorf("Status().Age(oldest+1h) = %v; want 1h", age)
	}
	if age := (mailq.Status{}).Age(time.Now()); age != 0 {
		t.Errorf("Status{}.Age() = %v; want 0 for an empty queue", age)
	}
}

// TestPostfixBadListing checks that whatever postqueue -j prints, Status
// returns an error naming the queue and the line, or counts.
func TestPostfixBadListing(t *testing.T) {
	tests := []struct{ name, out, want string }{
		{"not json", "postqueue: fatal: Queue report unavailable\n", "line 1: "},
		{"truncated", `{"queue_name": "hold", "queue_id": "ABC"` + "\n", "line 1: "},
		{"second line bad", `{"queue_name": "hold", "queue_id": "ABC"}` + "\n[1,2]\n", "line 2: "},
		{"no queue id", `{"queue_name": "hold"}`, "line 1: want queue_name and queue_id"},
		{"null", "null\n", "line 1: want queue_name and queue_id"},
		{"unknown queue", `{"queue_name": "corrupt", "queue_id": "ABC"}`, `line 1: queue_name "corrupt" is not a Postfix queue`},
		{"id with a path", `{"queue_name": "hold", "queue_id": "../ABC"}`, `line 1: queue_id "../ABC" is not a Postfix queue ID`},
		{"id ALL", `{"queue_name": "hold", "queue_id": "ALL"}`, `line 1: queue_id "ALL" is not a Postfix queue ID`},
		{"id an option", `{"queue_name": "hold", "queue_id": "-d"}`, `line 1: queue_id "-d" is not a Postfix queue ID`},
		{"arrival a string", `{"queue_name": "hold", "queue_id": "ABC", "arrival_time": "yesterday"}`, "line 1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, r := openFake(t, &inventory.MailQueue{Name: "mx-1"}, func(mailq.Command) ([]byte, error) { return []byte(tt.out), nil })
			st, err := q.Status(t.Context())
			if err == nil {
				t.Fatalf("Status(%s) = %+v; want an error", tt.name, st)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, `mail queue "mx-1": status: postqueue -j: `) || !strings.Contains(msg, tt.want) {
				t.Errorf("Status(%s) error = %q; want it to start with the queue and postqueue -j, and contain %q", tt.name, msg, tt.want)
			}
			// Release lists first: a bad listing releases nothing.
			if n, err := q.Release(t.Context(), 0, nil); err == nil || n.Count != 0 {
				t.Errorf("Release(%s) = %+v, %v; want 0 and an error", tt.name, n, err)
			}
			for _, c := range r.Calls() {
				if c.Args[0] == "postsuper" {
					t.Errorf("Release(%s) ran %q after a bad listing", tt.name, c.Args)
				}
			}
		})
	}
}

// TestPostfixReleasePacing releases 25 held messages at 300 a minute:
// five batches of five, one a second, oldest first, on synctest's clock.
func TestPostfixReleasePacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q, r := openFake(t, &inventory.MailQueue{Name: "mx-1"}, heldQueue(25))
		start := time.Now()
		n, err := q.Release(t.Context(), 300, nil)
		if err != nil || n.Count != 25 {
			t.Fatalf("Release(300/min) = %+v, %v; want 25", n, err)
		}
		var batches int
		for _, c := range r.Calls() {
			if c.Args[0] != "postsuper" {
				continue
			}
			var ids []string
			for i := 1; i+1 < len(c.Args); i += 2 {
				if c.Args[i] != "-H" {
					t.Fatalf("Release() ran %q; want postsuper -H ID -H ID…", c.Args)
				}
				ids = append(ids, c.Args[i+1])
			}
			var want []string
			for i := 5 * batches; i < 5*batches+5; i++ {
				want = append(want, fmt.Sprintf("H%04d", i))
			}
			if !slices.Equal(ids, want) {
				t.Errorf("batch %d released %v; want %v (oldest first)", batches, ids, want)
			}
			if at, want := c.At.Sub(start), time.Duration(batches)*time.Second; at != want {
				t.Errorf("batch %d ran at +%v; want +%v", batches, at, want)
			}
			batches++
		}
		if batches != 5 {
			t.Errorf("Release() ran %d postsuper batches; want 5", batches)
		}
		calls := r.Calls()
		if last := calls[len(calls)-1].Args; !slices.Equal(last, []string{"postqueue", "-f"}) {
			t.Errorf("Release() ran %q last; want postqueue -f", last)
		}
		var delivered []string
		for _, c := range calls {
			if c.Args[0] == "sh" {
				delivered = append(delivered, c.Args[5:]...)
			}
		}
		if len(delivered) != 25 || delivered[0] != "H0000" || delivered[24] != "H0024" {
			t.Errorf("Release() scheduled delivery of %v; want H0000…H0024", delivered)
		}
	})
}

// TestPostfixReleaseSlowRate checks one message at a time when the rate
// is below one a second: 6 a minute is one every 10 s.
func TestPostfixReleaseSlowRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q, r := openFake(t, &inventory.MailQueue{Name: "mx-1"}, heldQueue(3))
		start := time.Now()
		if n, err := q.Release(t.Context(), 6, nil); err != nil || n.Count != 3 {
			t.Fatalf("Release(6/min) = %+v, %v; want 3", n, err)
		}
		var at []time.Duration
		for _, c := range r.Calls() {
			if c.Args[0] == "postsuper" {
				if len(c.Args) != 3 {
					t.Errorf("Release(6/min) ran %q; want one message a batch", c.Args)
				}
				at = append(at, c.At.Sub(start))
			}
		}
		if want := []time.Duration{0, 10 * time.Second, 20 * time.Second}; !slices.Equal(at, want) {
			t.Errorf("Release(6/min) batches at %v; want %v", at, want)
		}
	})
}

// TestPostfixReleaseCancel cancels a release between its third and
// fourth batch: three batches are out, the rest stay held.
func TestPostfixReleaseCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q, r := openFake(t, &inventory.MailQueue{Name: "mx-1"}, heldQueue(25))
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(2500*time.Millisecond, cancel)
		n, err := q.Release(ctx, 300, nil)
		if n.Count != 15 || !errors.Is(err, context.Canceled) {
			t.Fatalf("Release(cancelled at 2.5 s) = %+v, %v; want 15 and context.Canceled", n, err)
		}
		if want := `mail queue "mx-1": release: stopped after 15 of 25 held messages`; !strings.Contains(err.Error(), want) {
			t.Errorf("Release(cancelled) error = %q; want it to contain %q", err, want)
		}
		for _, c := range r.Calls() {
			if slices.Equal(c.Args, []string{"postqueue", "-f"}) {
				t.Errorf("Release(cancelled) ran postqueue -f")
			}
		}
	})
}

func TestPostfixReleaseBadRate(t *testing.T) {
	for _, rate := range []float64{-1, math.NaN(), math.Inf(1)} {
		q, r := openFake(t, &inventory.MailQueue{Name: "mx-1"}, heldQueue(3))
		if n, err := q.Release(t.Context(), rate, nil); err == nil || !strings.Contains(err.Error(), "want messages per minute") {
			t.Errorf("Release(%g) = %d, %v; want a rate error", rate, n, err)
		}
		if calls := r.Calls(); len(calls) != 0 {
			t.Errorf("Release(%g) ran %q; want nothing", rate, calls[0].Args)
		}
	}
}

// TestPostfixCommandFails checks the error of a failing postsuper: the
// queue, the operation, the command, how it ended and its stderr.
func TestPostfixCommandFails(t *testing.T) {
	list := heldQueue(2)
	q, _ := openFake(t, &inventory.MailQueue{Name: "mx-1", ConfigDir: "/etc/postfix-out"}, func(cmd mailq.Command) ([]byte, error) {
		if cmd.Args[0] != "postsuper" {
			return list(cmd)
		}
		// What Exec returns for a real failure.
		return nil, &mailq.CommandError{Cmd: cmd.String(), Stderr: "postsuper: fatal: use of this command is reserved for the superuser", Err: errors.New("exit status 1")}
	})
	h, err := q.Hold(t.Context())
	want := `mail queue "mx-1": hold: postsuper -c /etc/postfix-out -h ALL: exit status 1: postsuper: fatal: use of this command is reserved for the superuser`
	if err == nil || err.Error() != want {
		t.Errorf("Hold() error = %v; want %q", err, want)
	}
	// What was on hold before is known, and true, even though the hold failed.
	if want := []string{"H0000", "H0001"}; h.Count != mailq.Unknown || !slices.Equal(h.Before, want) {
		t.Errorf("Hold() failing = %+v; want Unknown held and Before %v", h, want)
	}
	var ce *mailq.CommandError
	if !errors.As(err, &ce) {
		t.Errorf("Hold() error = %T; want it to wrap a *mailq.CommandError", err)
	}
}

// TestPostfixHoldNothingBefore: with nothing on hold before it, Hold's
// Before is empty, not nil (nil is "cannot tell").
func TestPostfixHoldNothingBefore(t *testing.T) {
	calls := 0
	q, _ := openFake(t, &inventory.MailQueue{Name: "mx-1"}, func(cmd mailq.Command) ([]byte, error) {
		if cmd.Args[0] != "postqueue" {
			return nil, nil
		}
		calls++
		if calls == 1 { // before the hold: one deferred message
			return []byte(`{"queue_name": "deferred", "queue_id": "D1", "arrival_time": 1700000000}` + "\n"), nil
		}
		return []byte(`{"queue_name": "hold", "queue_id": "D1", "arrival_time": 1700000000}` + "\n"), nil
	})
	h, err := q.Hold(t.Context())
	if err != nil || h.Count != 1 || h.Before == nil || len(h.Before) != 0 {
		t.Errorf("Hold() = %+v (Before nil: %v), %v; want 1 held, Before empty and not nil", h, h.Before == nil, err)
	}
}

// TestPostfixReleaseKeeps releases 5 held messages but the 2 it is told
// to keep; a kept ID that is no longer on hold counts for nothing.
func TestPostfixReleaseKeeps(t *testing.T) {
	q, r := openFake(t, &inventory.MailQueue{Name: "mx-1"}, heldQueue(5))
	n, err := q.Release(t.Context(), 0, []string{"H0003", "H0001", "GONE01", "D0001"})
	if err != nil || n != (mailq.Released{Count: 3, Kept: 2}) {
		t.Fatalf("Release(keep H0001 H0003, a gone ID, a deferred one) = %+v, %v; want 3 released, 2 kept", n, err)
	}
	var released []string
	for _, c := range r.Calls() {
		if c.Args[0] == "postsuper" {
			for i := 2; i < len(c.Args); i += 2 {
				released = append(released, c.Args[i])
			}
		}
	}
	if want := []string{"H0000", "H0002", "H0004"}; !slices.Equal(released, want) {
		t.Errorf("Release(keep H0001 H0003) ran postsuper -H on %v; want %v", released, want)
	}
}

// TestPostfixReleaseFinishesBatch cancels the release while its first
// batch's postsuper runs: that batch is finished (its delivery is
// scheduled), and no other batch starts.
func TestPostfixReleaseFinishesBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		list := heldQueue(25)
		q, r := openFake(t, &inventory.MailQueue{Name: "mx-1"}, func(cmd mailq.Command) ([]byte, error) {
			if cmd.Args[0] == "postsuper" {
				cancel() // Ctrl-C while postsuper runs
			}
			return list(cmd)
		})
		n, err := q.Release(ctx, 300, nil)
		if n.Count != 5 || !errors.Is(err, context.Canceled) {
			t.Fatalf("Release(cancelled during the first batch) = %+v, %v; want 5 and context.Canceled", n, err)
		}
		if want := `mail queue "mx-1": release: stopped after 5 of 25 held messages: context canceled`; err.Error() != want {
			t.Errorf("Release(cancelled during the first batch) error = %q; want %q (the batch's delivery scheduled, then a stop)", err, want)
		}
		var ran []string
		for _, c := range r.Calls() {
			ran = append(ran, c.Args[0])
		}
		if want := []string{"postqueue", "postsuper", "sh"}; !slices.Equal(ran, want) {
			t.Errorf("Release(cancelled during the first batch) ran %v; want %v: the batch's delivery scheduled, nothing more", ran, want)
		}
	})
}

// TestPostfixReleaseDeadline: a deadline that comes before the last batch
// stops the release there (on synctest's clock: batches at 0, 1, 2 and
// 3 s, the deadline at 3.5 s).
func TestPostfixReleaseDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q, _ := openFake(t, &inventory.MailQueue{Name: "mx-1"}, heldQueue(25))
		ctx, cancel := context.WithTimeout(t.Context(), 3500*time.Millisecond)
		defer cancel()
		n, err := q.Release(ctx, 300, nil)
		if n.Count != 20 || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Release(deadline 3.5 s) = %+v, %v; want 20 and context.DeadlineExceeded", n, err)
		}
	})
}
