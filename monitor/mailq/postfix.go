package mailq

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"
)

// postfix is a Postfix instance, driven with postqueue and postsuper (as
// root: postsuper refuses anyone else). Every command gets "-c DIR" when
// the instance has its own configuration directory.
//
// Hold lists the queue (postqueue -j) to learn what is on hold already,
// then runs "postsuper -h ALL". Postfix holds only what is queued when it
// runs: mail accepted afterwards is delivered as usual. A runbook
// therefore holds twice, when the window opens and as the last step
// before the MTA is powered down, so that what arrived in between is held
// too. The MTA accepts nothing while it is down; what it accepts once it
// is back goes out as usual, while the held mail waits for Release. A
// message quarantined in the instant between the listing and the hold
// counts as held by the hold.
//
// Release lists the held messages (postqueue -j), leaves those it is told
// to keep, and releases the others oldest first, in batches paced to the
// rate: "postsuper -H ID -H ID…", then "postqueue -i ID" for each, which
// schedules that message alone for delivery (a released message waits in
// the deferred queue until the next queue run, minutes away, so releasing
// alone would deliver nothing and then everything at once). Last comes
// "postqueue -f", so that mail that was deferred but not held (its next
// hop was down during the window) is tried at once too. A batch's two
// commands run to their end once started (see detach); cancellation stops
// the release before the next batch.
type postfix struct {
	name      string
	configDir string
	run       Runner
	log       *slog.Logger
}

// maxBatch bounds the queue IDs of one postsuper command.
const maxBatch = 500

func (p *postfix) Name() string { return p.name }

// command builds a Postfix command with "-c DIR" first when needed.
func (p *postfix) command(prog string, args ...string) Command {
	argv := []string{prog}
	if p.configDir != "" {
		argv = append(argv, "-c", p.configDir)
	}
	return Command{Args: append(argv, args...)}
}

func (p *postfix) exec(ctx context.Context, cmd Command) ([]byte, error) {
	start := time.Now()
	out, err := p.run.Run(ctx, cmd)
	p.log.Debug("mail queue command", "cmd", cmd.String(), "took", time.Since(start), "err", err)
	return out, err
}

func (p *postfix) errorf(format string, args ...any) error {
	return fmt.Errorf("mail queue %q: "+format, append([]any{p.name}, args...)...)
}

// list returns the queued messages.
func (p *postfix) list(ctx context.Context) ([]message, error) {
	out, err := p.exec(ctx, p.command("postqueue", "-j"))
	if err != nil {
		return nil, err
	}
	msgs, err := parsePostqueue(out)
	if err != nil {
		return nil, fmt.Errorf("postqueue -j: %w", err)
	}
	return msgs, nil
}

func (p *postfix) Status(ctx context.Context) (Status, error) {
	msgs, err := p.list(ctx)
	if err != nil {
		return Status{}, p.errorf("status: %w", err)
	}
	return count(msgs), nil
}

func (p *postfix) Hold(ctx context.Context) (Held, error) {
	msgs, err := p.list(ctx)
	if err != nil {
		return Held{}, p.errorf("hold: listing what is on hold already: %w", err)
	}
	before := []string{}
	for _, m := range msgs {
		if m.queue == "hold" {
			before = append(before, m.id)
		}
	}
	slices.Sort(before)
	if _, err := p.exec(ctx, p.command("postsuper", "-h", "ALL")); err != nil {
		return Held{Count: Unknown, Before: before}, p.errorf("hold: %w", err)
	}
	msgs, err = p.list(ctx)
	if err != nil {
		return Held{Count: Unknown, Before: before}, p.errorf("hold: counting what is held: %w", err)
	}
	return Held{Count: count(msgs).Hold, Before: before}, nil
}

// deliverScript runs "postqueue [-c DIR] -i ID" for each ID: "sh -c
// deliverScript sh DIR ID…" (DIR empty for the default instance). One
// shell per batch, not one postqueue per message: over ssh that is one
// connection per batch.
const deliverScript = `PATH=$PATH:/usr/sbin:/sbin; d=$1; shift; for id do if [ -n "$d" ]; then postqueue -c "$d" -i "$id"; else postqueue -i "$id"; fi || exit; done`

func (p *postfix) Release(ctx context.Context, rate float64, keep []string) (Released, error) {
	if err := checkRate(rate); err != nil {
		return Released{}, p.errorf("release: %w", err)
	}
	msgs, err := p.list(ctx)
	if err != nil {
		return Released{}, p.errorf("release: listing what is held: %w", err)
	}
	kept := map[string]bool{}
	for _, id := range keep {
		kept[id] = true
	}
	var held []message
	res := Released{}
	for _, m := range msgs {
		switch {
		case m.queue != "hold":
		case kept[m.id]:
			res.Kept++
		default:
			held = append(held, m)
		}
	}
	slices.SortFunc(held, func(a, b message) int {
		return cmp.Or(cmp.Compare(a.arrival, b.arrival), cmp.Compare(a.id, b.id))
	})
	// Commands run in cmdCtx: a batch started is finished, whatever ctx.
	cmdCtx, cancel := detach(ctx)
	defer cancel()
	size, every := pace(rate)
	start := time.Now()
	for k := 0; k*size < len(held); k++ {
		if k > 0 {
			if err := sleepUntil(ctx, start.Add(time.Duration(k)*every)); err != nil {
				return res, p.errorf("release: stopped after %d of %d held messages: %w", res.Count, len(held), err)
			}
		}
		batch := held[k*size : min((k+1)*size, len(held))]
		args := make([]string, 0, 2*len(batch))
		deliver := []string{"sh", "-c", deliverScript, "sh", p.configDir}
		for _, m := range batch {
			args = append(args, "-H", m.id)
			deliver = append(deliver, m.id)
		}
		if _, err := p.exec(cmdCtx, p.command("postsuper", args...)); err != nil {
			return res, p.errorf("release: %d of %d held messages released: %w", res.Count, len(held), err)
		}
		res.Count += len(batch)
		if _, err := p.exec(cmdCtx, Command{Args: deliver}); err != nil {
			return res, p.errorf("release: %d of %d held messages released; scheduling their delivery: %w", res.Count, len(held), err)
		}
	}
	if _, err := p.exec(cmdCtx, p.command("postqueue", "-f")); err != nil {
		return res, p.errorf("release: %d released: %w", res.Count, err)
	}
	return res, nil
}

// pace returns how many messages to release at a time, and how often, to
// release at most rate messages per minute: a batch a second, or one
// message at a time when the rate is below one a second. Rate 0 is no
// limit: batches of maxBatch, one after the other.
func pace(rate float64) (size int, every time.Duration) {
	if rate == 0 {
		return maxBatch, 0
	}
	size = int(min(math.Ceil(rate/60), maxBatch))
	return size, time.Duration(float64(size) * 60 / rate * float64(time.Second))
}

// sleepUntil waits until t, or returns ctx's error when ctx is done first.
func sleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// message is one queued message, as postqueue -j lists it.
type message struct {
	queue   string // maildrop, incoming, active, deferred or hold
	id      string
	arrival int64 // Unix seconds; 0 when not given
}

// parsePostqueue reads postqueue -j: one JSON object a line. A message
// listed twice (the queue changes while showq reads it) counts once, in
// the queue it was seen in last. A line that is not such an object, a
// queue name showq does not use, or a queue ID that is not one (letters
// and digits only: it is passed to postsuper) is an error naming the
// line.
func parsePostqueue(out []byte) ([]message, error) {
	var msgs []message
	at := map[string]int{} // queue ID → index in msgs
	for i, line := range bytes.Split(out, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var m struct {
			Queue   *string  `json:"queue_name"`
			ID      *string  `json:"queue_id"`
			Arrival *float64 `json:"arrival_time"`
		}
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, fmt.Errorf("line %d: %v: %s", i+1, err, excerpt(line))
		}
		if m.Queue == nil || m.ID == nil {
			return nil, fmt.Errorf("line %d: want queue_name and queue_id: %s", i+1, excerpt(line))
		}
		switch *m.Queue {
		case "maildrop", "incoming", "active", "deferred", "hold":
		default:
			return nil, fmt.Errorf("line %d: queue_name %q is not a Postfix queue", i+1, *m.Queue)
		}
		if !isQueueID(*m.ID) {
			return nil, fmt.Errorf("line %d: queue_id %q is not a Postfix queue ID", i+1, *m.ID)
		}
		msg := message{queue: *m.Queue, id: *m.ID}
		if m.Arrival != nil {
			if a := *m.Arrival; a > 0 && a < 1<<40 {
				msg.arrival = int64(a)
			}
		}
		if j, seen := at[msg.id]; seen {
			msgs[j] = msg
			continue
		}
		at[msg.id] = len(msgs)
		msgs = append(msgs, msg)
	}
	return msgs, nil
}

// isQueueID reports whether id looks like a Postfix queue ID: short or
// long form, letters and digits only, and not postsuper's word ALL.
func isQueueID(id string) bool {
	if id == "" || len(id) > 32 || id == "ALL" {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// excerpt shortens a line for an error message.
func excerpt(line []byte) string {
	const n = 120
	if len(line) > n {
		return strings.ToValidUTF8(string(line[:n]), "?") + "…"
	}
	return strings.ToValidUTF8(string(line), "?")
}

// count sums messages into a Status.
func count(msgs []message) Status {
	var s Status
	oldest := int64(0)
	for _, m := range msgs {
		switch m.queue {
		case "maildrop", "incoming":
			s.Incoming++
		case "active":
			s.Active++
		case "deferred":
			s.Deferred++
		case "hold":
			s.Hold++
		}
		if m.arrival > 0 && (oldest == 0 || m.arrival < oldest) {
			oldest = m.arrival
		}
	}
	if oldest > 0 {
		s.Oldest = time.Unix(oldest, 0)
	}
	return s
}
