package runbook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/atstest"
	"feedplan/pdu"
	"feedplan/planner"
)

// say prints an indented line of a step.
func (r *runner) say(format string, args ...any) {
	fmt.Fprintf(r.out, "    "+format+"\n", args...)
}

// execute runs one step.
func (r *runner) execute(ctx context.Context, st planner.RunStep) StepResult {
	if !st.Auto {
		// The plan says a person does it, whatever its kind.
		how := ""
		if st.Kind == planner.StepShutdown && st.Action == "" {
			how = fmt.Sprintf("%s has no shutdown action in the inventory: shut it down by hand.", st.Device)
		}
		return r.manual(ctx, st, how)
	}
	switch st.Kind {
	case planner.StepCheck:
		return r.check(ctx, st)
	case planner.StepShutdown:
		if st.Action == "" {
			return r.manual(ctx, st, fmt.Sprintf("%s has no shutdown action in the inventory: shut it down by hand.", st.Device))
		}
		return r.shutdown(ctx, st)
	case planner.StepVerifyOff:
		return r.verifyOff(ctx, st)
	case planner.StepOutletOff:
		return r.switchOutlets(ctx, st, pdu.Off)
	case planner.StepOutletOn:
		return r.switchOutlets(ctx, st, pdu.On)
	case planner.StepVerifyCut:
		return r.verifyCut(ctx, st)
	case planner.StepWatch:
		return r.watch(ctx, st)
	case planner.StepVerifyPower:
		return r.verifyPower(ctx, st)
	case planner.StepVerifyOn:
		return r.verifyOn(ctx, st)
	case planner.StepPostCheck:
		return r.postCheck(ctx, st)
	case planner.StepHoldQueue, planner.StepReleaseQ:
		if r.opt.Queues == nil {
			return r.manual(ctx, st, queueByHand(st, r.rate(st)))
		}
		return r.queue(ctx, st)
	}
	// The cut, the restore, power-on, jobs, and any kind this version
	// does not know: a person does it.
	return r.manual(ctx, st, "")
}

// dry says what a step would do. Check steps read (SNMP GET only).
func (r *runner) dry(ctx context.Context, st planner.RunStep) StepResult {
	would := func(format string, args ...any) { r.say("would "+format, args...) }
	kind := st.Kind
	if !st.Auto {
		kind = "manual"
	}
	switch kind {
	case planner.StepCheck:
		r.say("reads the PDUs and ATS units now (SNMP GET only; a dry run may read)")
		o := r.check(ctx, st)
		if stops(o.Outcome) {
			r.res.Problems++
			r.say("an executed run would stop here: %s", o.Detail)
		}
		o.Outcome = Would
		return o
	case planner.StepShutdown:
		switch {
		case st.Action == "":
			would("stop for a person: %s has no shutdown action; shut it down by hand", st.Device)
		case isURL(st.Action):
			would("POST %s (timeout %v)", redactURL(st.Action), r.opt.ActionTimeout)
		default:
			would("run: sh -c %q (timeout %v)", st.Action, r.opt.ActionTimeout)
		}
	case planner.StepVerifyOff:
		would("read %s every %v until each draws ≤ %.2f A, for up to %v", strings.Join(r.stepOutlets(st), ", "), r.opt.Poll, r.p.Options.OffAmps, r.shutdownWait())
	case planner.StepOutletOff, planner.StepOutletOn:
		cmd := "off"
		if st.Kind == planner.StepOutletOn {
			cmd = "on"
		}
		for _, o := range r.stepOutlets(st) {
			would("SNMP SET %s: outlet %s → %s", r.describeTarget(o), o, cmd)
		}
		if st.Kind == planner.StepOutletOff {
			would("first read %s's other supplies, and refuse an outlet that is its last live one while it draws > %.2f A", st.Device, r.p.Options.OffAmps)
		} else if r.p.Options.Stagger > 0 {
			would("wait %v between outlets switched on (inrush)", time.Duration(r.p.Options.Stagger))
		}
	case planner.StepVerifyCut:
		for _, p := range st.PDUs {
			would("read PDU %s: its inlet must be dark (≤ %.2f A)%s", p, r.p.Options.OffAmps, r.silentNote(p))
		}
		for _, a := range st.ATS {
			want, _ := r.wantInput(a)
			would("read ATS %s: it must be on input %s", a, want)
		}
	case planner.StepWatch:
		would("read %s once: each phase below 80 %% of its rating", strings.Join(r.watchPDUs(st), ", "))
	case planner.StepVerifyPower:
		would("read %s every %v until each answers with its inlet live, for up to %v", strings.Join(append(st.PDUs, st.ATS...), ", "), r.opt.Poll, r.opt.PowerWait)
	case planner.StepVerifyOn:
		would("read %s every %v until %s draws > %.2f A, for up to %v", strings.Join(r.stepOutlets(st), ", "), r.opt.Poll, st.Device, r.p.Options.OffAmps, r.opt.PowerWait)
	case planner.StepPostCheck:
		would("read the supplies of %s: every one on, live and drawing", strings.Join(r.postDevices(st), ", "))
	case planner.StepHoldQueue, planner.StepReleaseQ:
		if r.opt.Queues == nil {
			would("stop for a person (no mail-queue adapter): %s", queueByHand(st, r.rate(st)))
		} else if st.Kind == planner.StepHoldQueue && r.firstHold(st) {
			would("hold mail queue %s, and record which messages were on hold before it: they stay held", st.Queue)
		} else if st.Kind == planner.StepHoldQueue {
			would("hold mail queue %s", st.Queue)
		} else {
			held := -1
			if q := r.state.Queues[st.Queue]; q != nil {
				held = q.Held
			}
			would("release mail queue %s at %g messages a minute (within %v), keeping on hold what was on hold before the window", st.Queue, r.rate(st),
				releaseDeadline(held, r.rate(st), r.drain(st.Queue), r.opt.ActionTimeout))
		}
	default:
		would("stop and ask: %s — type yes when done", st.Title)
		if st.Detail != "" {
			r.say("  %s", st.Detail)
		}
		if r.opt.OnManual != "" {
			would("first run --on-manual: sh -c %q with FEEDPLAN_STEP_ID=%s", r.opt.OnManual, st.ID)
		}
	}
	return StepResult{Outcome: Would}
}

// --- manual steps ---

// manual stops for a person: the --on-manual command if any, then a
// confirmation (automatic with --yes).
func (r *runner) manual(ctx context.Context, st planner.RunStep, how string) StepResult {
	r.say("MANUAL: %s", st.Title)
	if st.Detail != "" {
		r.say("  %s", st.Detail)
	}
	if how != "" {
		r.say("  %s", how)
	}
	if r.opt.OnManual != "" {
		r.say("running --on-manual: sh -c %q", r.opt.OnManual)
		out, err := r.runShell(ctx, r.opt.OnManual, st)
		e := atstest.Entry{StepID: st.ID, Step: "on-manual", Device: st.Device, Target: r.opt.OnManual, Outcome: "ok", Detail: out}
		if err != nil {
			e.Outcome, e.Detail = "error", joinDetail(err.Error(), out)
		}
		r.audit(e)
		if err != nil {
			return StepResult{Outcome: Failed, Detail: "--on-manual: " + joinDetail(err.Error(), out),
				Fix: "see what the command said, do the step by hand if need be, and resume"}
		}
	}
	if r.opt.Yes {
		r.say("confirmed automatically (--yes)")
		r.audit(atstest.Entry{StepID: st.ID, Step: "confirm", Device: st.Device, Outcome: AutoConfirmed, Detail: "--yes: no person confirmed " + st.Title})
		return StepResult{Outcome: AutoConfirmed, Detail: "--yes"}
	}
	if r.opt.Confirm == nil {
		return StepResult{Outcome: Failed, Detail: "a manual step and no terminal to confirm it on", Fix: "run it on a terminal, or with --yes for a drill"}
	}
	ok, err := r.opt.Confirm(ctx, fmt.Sprintf("    %s: type yes when done (no to stop here): ", st.ID))
	switch {
	case ctx.Err() != nil:
		return StepResult{Outcome: Interrupted, Detail: "interrupted while waiting for the confirmation"}
	case err != nil:
		r.audit(atstest.Entry{StepID: st.ID, Step: "confirm", Device: st.Device, Outcome: Declined, Detail: err.Error()})
		return StepResult{Outcome: Declined, Detail: err.Error()}
	case !ok:
		r.audit(atstest.Entry{StepID: st.ID, Step: "confirm", Device: st.Device, Outcome: Declined, Detail: "the operator answered no"})
		return StepResult{Outcome: Declined, Detail: "the operator answered no", Fix: "resume when it is done"}
	}
	r.audit(atstest.Entry{StepID: st.ID, Step: "confirm", Device: st.Device, Outcome: Confirmed, Detail: st.Title})
	return StepResult{Outcome: Confirmed}
}

func queueByHand(st planner.RunStep, rate float64) string {
	if st.Kind == planner.StepHoldQueue {
		return fmt.Sprintf("hold mail queue %s by hand (Postfix on %s: postsuper -h ALL).", st.Queue, orDash(st.Device))
	}
	return fmt.Sprintf("release mail queue %s by hand at about %g a minute, but not what was on hold before the window (Postfix on %s: postsuper -H ID for each message held for the window, with a rate limit on the relay; the state file lists those on hold before it under queues, pre_held).", st.Queue, rate, orDash(st.Device))
}

func orDash(s string) string {
	if s == "" {
		return "its host"
	}
	return s
}

// --- actions ---

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// redactURL hides a URL's password and the values of query parameters
// that look like credentials.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<a URL that does not parse>"
	}
	q := u.Query()
	changed := false
	for k := range q {
		lk := strings.ToLower(k)
		for _, w := range []string{"token", "key", "secret", "pass", "auth", "sig", "cred"} {
			if strings.Contains(lk, w) {
				q.Set(k, "REDACTED")
				changed = true
				break
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func (r *runner) shutdown(ctx context.Context, st planner.RunStep) StepResult {
	target := st.Action
	if isURL(target) {
		target = redactURL(target)
	}
	if err := r.audit(atstest.Entry{StepID: st.ID, Step: "shutdown", Device: st.Device, Target: target, Outcome: "started"}); err != nil {
		return StepResult{Outcome: Failed, Detail: "audit log: " + err.Error(), Fix: "make the audit log writable, then resume"}
	}
	var detail string
	var err error
	if isURL(st.Action) {
		r.say("POST %s", target)
		detail, err = r.post(ctx, st.Action)
	} else {
		r.say("sh -c %q", st.Action)
		detail, err = r.runShell(ctx, st.Action, st)
	}
	e := atstest.Entry{StepID: st.ID, Step: "shutdown", Device: st.Device, Target: target, Outcome: "ok", Detail: detail}
	if err != nil {
		e.Outcome, e.Detail = "error", joinDetail(err.Error(), detail)
		r.audit(e)
		return StepResult{Outcome: Failed, Detail: fmt.Sprintf("shutting %s down: %s", st.Device, e.Detail),
			Fix: fmt.Sprintf("shut %s down by hand (or fix its shutdown action), then resume with --from the next step", st.Device)}
	}
	r.audit(e)
	if detail != "" {
		r.say("%s", detail)
	}
	return StepResult{Outcome: Done, Detail: detail}
}

// post calls a shutdown URL. The action runs to its end even when the
// run is interrupted: Ctrl-C stops the run after it.
func (r *runner) post(ctx context.Context, u string) (string, error) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opt.ActionTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, u, nil)
	if err != nil {
		return "", fmt.Errorf("POST %s: %w", redactURL(u), err)
	}
	req.Header.Set("User-Agent", "feedplan-plan-run")
	res, err := r.opt.HTTP.Do(req)
	if err != nil {
		// The error repeats the URL; say it without its credentials.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return "", fmt.Errorf("POST %s: %w", redactURL(u), err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	detail := fmt.Sprintf("HTTP %d %s", res.StatusCode, oneLine(string(body), 200))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return "", errors.New(strings.TrimSpace(detail))
	}
	return strings.TrimSpace(detail), nil
}

// runShell runs a command with sh -c, the step in its environment, in
// its own process group, to its end or the action timeout.
func (r *runner) runShell(ctx context.Context, command string, st planner.RunStep) (string, error) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opt.ActionTimeout)
	defer cancel()
	cmd := exec.CommandContext(actx, "sh", "-c", command)
	detach(cmd)
	cmd.WaitDelay = 2 * time.Second
	cmd.Env = append(os.Environ(),
		"FEEDPLAN_STEP_ID="+st.ID, "FEEDPLAN_STEP_KIND="+st.Kind, "FEEDPLAN_STEP_TITLE="+st.Title,
		"FEEDPLAN_DEVICE="+st.Device, "FEEDPLAN_QUEUE="+st.Queue, "FEEDPLAN_JOB="+st.Job,
		"FEEDPLAN_PLAN="+r.opt.PlanFile, "FEEDPLAN_SITE="+r.site.Name)
	var buf limitedBuffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	out := oneLine(buf.String(), 300)
	if actx.Err() == context.DeadlineExceeded {
		return out, fmt.Errorf("no end within %v: killed", r.opt.ActionTimeout)
	}
	if err != nil {
		return out, err
	}
	return out, nil
}

// limitedBuffer keeps the last 4 KiB written to it.
type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.b.Write(p)
	if l.b.Len() > 4096 {
		rest := l.b.Bytes()[l.b.Len()-4096:]
		l.b = *bytes.NewBuffer(append([]byte(nil), rest...))
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return l.b.String() }

// oneLine squeezes output to one line of at most n bytes, keeping the
// end (where errors are).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

func joinDetail(a, b string) string {
	if b == "" {
		return a
	}
	return a + ": " + b
}

// --- mail queues ---

func (r *runner) rate(st planner.RunStep) float64 {
	if st.Rate > 0 {
		return st.Rate
	}
	for _, q := range r.p.Queues {
		if q.Queue == st.Queue && q.Rate > 0 {
			return q.Rate
		}
	}
	return r.p.Options.ReleaseRate
}

func (r *runner) queue(ctx context.Context, st planner.RunStep) StepResult {
	what := "hold-queue"
	if st.Kind == planner.StepReleaseQ {
		what = "release-queue"
	}
	if err := r.audit(atstest.Entry{StepID: st.ID, Step: what, Device: st.Device, Target: st.Queue, Outcome: "started"}); err != nil {
		return StepResult{Outcome: Failed, Detail: "audit log: " + err.Error(), Fix: "make the audit log writable, then resume"}
	}
	if st.Kind == planner.StepHoldQueue {
		return r.holdQueue(ctx, st)
	}
	return r.releaseQueue(ctx, st)
}

// holdQueue holds a queue. The plan's first hold step of the queue
// records what was on hold before it, in the state file at once: a crash
// before the step is recorded would run the hold again, and that hold
// must not take the mail this one held for mail held before the window.
// A later hold (hold-final/…, or the first one again on resume) never
// records.
func (r *runner) holdQueue(ctx context.Context, st planner.RunStep) StepResult {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opt.ActionTimeout)
	defer cancel()
	res, err := r.opt.Queues.Hold(actx, st.Queue)
	q := r.state.Queues[st.Queue]
	if q == nil {
		q = &QueueState{Held: -1}
	}
	fresh := !q.recorded() && r.firstHold(st) && (err == nil || res.PreHeld != nil)
	if fresh {
		q.PreHeld, q.RecordedBy, q.RecordedAt = res.PreHeld, st.ID, r.opt.Now().UTC()
	}
	kept := 0 // messages on hold before the window and still on hold
	now := make(map[string]bool, len(res.PreHeld))
	for _, id := range res.PreHeld {
		now[id] = true
	}
	for _, id := range q.PreHeld {
		if now[id] {
			kept++
		}
	}
	if err == nil {
		q.Held = -1
		if res.Held >= 0 {
			q.Held = max(res.Held-kept, 0)
		}
	}
	if fresh || err == nil {
		if r.state.Queues == nil {
			r.state.Queues = map[string]*QueueState{}
		}
		r.state.Queues[st.Queue] = q
	}
	var preNote string
	switch {
	case q.recorded() && q.PreHeld == nil:
		preNote = "the queue's hooks cannot tell feedplan which messages were on hold before the window: they must keep them held"
	case q.recorded() && kept > 0:
		preNote = stayHeld(kept)
	case q.recorded() && len(q.PreHeld) > 0:
		preNote = fmt.Sprintf("none of the %s on hold before the window is queued any more", messages(len(q.PreHeld)))
	case q.recorded():
		preNote = "none was on hold before the window"
	default:
		preNote = fmt.Sprintf("no record of what was on hold before the window (the first hold, %s, did not record it): the release will release every held message", r.firstHoldID(st.Queue))
	}
	var werr error
	if fresh {
		// The audit log keeps the IDs too.
		d := fmt.Sprintf("on hold before the window (%d): %s", len(q.PreHeld), strings.Join(q.PreHeld, " "))
		if q.PreHeld == nil {
			d = "the adapter cannot tell what was on hold before the window"
		}
		r.audit(atstest.Entry{StepID: st.ID, Step: "hold-queue", Device: st.Device, Target: st.Queue, Outcome: "recorded", Detail: strings.TrimSpace(d)})
		werr = r.writeState()
	}
	if err != nil {
		r.audit(atstest.Entry{StepID: st.ID, Step: "hold-queue", Device: st.Device, Target: st.Queue, Outcome: "error", Detail: err.Error()})
		fix := queueByHand(st, r.rate(st)) + " Then resume with --from the next step."
		if werr != nil {
			fix = "make the state file writable; " + fix
		}
		return StepResult{Outcome: Failed, Detail: fmt.Sprintf("mail queue %s: %v", st.Queue, err), Fix: fix}
	}
	if werr != nil {
		return StepResult{Outcome: Failed,
			Detail: fmt.Sprintf("mail queue %s is held, but recording the %s on hold before the window failed: %v", st.Queue, messages(len(q.PreHeld)), werr),
			Fix:    fmt.Sprintf("make the state file writable, then resume with --from the next step; the release will release every held message: put those on hold before the window back on hold afterwards (postsuper -h ID; their IDs are in the audit log, %s \"recorded\")", st.ID)}
	}
	detail := fmt.Sprintf("%s held for the window", messages(q.Held))
	if q.Held < 0 {
		detail = "held (the adapter does not say how many)"
	}
	detail += "; " + preNote
	r.audit(atstest.Entry{StepID: st.ID, Step: "hold-queue", Device: st.Device, Target: st.Queue, Outcome: "ok", Detail: detail})
	r.say("mail queue %s: %s", st.Queue, detail)
	return StepResult{Outcome: Done, Detail: detail}
}

// firstHold reports whether st is the plan's first hold step of its
// queue: the one that records what was on hold before the window.
func (r *runner) firstHold(st planner.RunStep) bool { return r.firstHoldID(st.Queue) == st.ID }

func (r *runner) firstHoldID(queue string) string {
	for _, s := range r.p.Steps {
		if s.Kind == planner.StepHoldQueue && s.Queue == queue {
			return s.ID
		}
	}
	return ""
}

// releaseQueue releases a queue, keeping on hold what was on hold before
// the window, within a deadline derived from what is held. The run's
// context reaches the adapter: Ctrl-C stops it between two batches, and
// the step is interrupted; a resumed run releases the rest.
func (r *runner) releaseQueue(ctx context.Context, st planner.RunStep) StepResult {
	rate := r.rate(st)
	q := r.state.Queues[st.Queue]
	held := -1
	var keep []string
	if q != nil {
		held, keep = q.Held, q.PreHeld
	}
	limit := releaseDeadline(held, rate, r.drain(st.Queue), r.opt.ActionTimeout)
	r.say("releasing mail queue %s %s, within %v (Ctrl-C stops it between two batches; resuming releases the rest)", st.Queue, atRate(rate), limit)
	actx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	res, err := r.opt.Queues.Release(actx, st.Queue, rate, keep)
	done := "nothing released"
	switch {
	case res.Released < 0:
		done = "released (the adapter does not say how many)"
	case res.Released > 0:
		done = fmt.Sprintf("%s released", messages(res.Released))
	}
	keptNote := ""
	switch {
	case res.Kept > 0:
		keptNote = "; " + stayHeld(res.Kept)
	case !q.recorded():
		keptNote = "; no record of what was on hold before the window: every held message was released"
	}
	if err != nil {
		e := atstest.Entry{StepID: st.ID, Step: "release-queue", Device: st.Device, Target: st.Queue, Outcome: "error", Detail: joinDetail(done+keptNote, err.Error())}
		var o StepResult
		switch {
		case ctx.Err() != nil:
			e.Outcome = Interrupted
			o = StepResult{Outcome: Interrupted, Detail: fmt.Sprintf("mail queue %s: stopped between two batches: %s%s; the rest stays held", st.Queue, done, keptNote),
				Fix: "resume to release the rest"}
		case actx.Err() == context.DeadlineExceeded:
			o = StepResult{Outcome: Failed, Detail: fmt.Sprintf("mail queue %s: no end within %v: %s%s; the rest stays held: %v", st.Queue, limit, done, keptNote, err),
				Fix: "resume to release the rest (with a deadline of its own), or " + queueByHand(st, rate)}
		default:
			o = StepResult{Outcome: Failed, Detail: fmt.Sprintf("mail queue %s: %s%s: %v", st.Queue, done, keptNote, err),
				Fix: queueByHand(st, rate) + " Then resume with --from the next step."}
		}
		r.audit(e)
		return o
	}
	if q != nil {
		q.Released = r.opt.Now().UTC()
	}
	detail := fmt.Sprintf("%s %s%s", done, atRate(rate), keptNote)
	r.audit(atstest.Entry{StepID: st.ID, Step: "release-queue", Device: st.Device, Target: st.Queue, Outcome: "ok", Detail: detail})
	r.say("mail queue %s: %s", st.Queue, detail)
	return StepResult{Outcome: Done, Detail: detail}
}

// drain is the plan's estimate of the time a queue's release takes.
func (r *runner) drain(queue string) time.Duration {
	for _, q := range r.p.Queues {
		if q.Queue == queue {
			return time.Duration(q.Drain)
		}
	}
	return 0
}

// releaseDeadline is how long a release may take: the longer of the time
// the held messages take at the rate (held < 0: not known) and the plan's
// estimate (drain), times 1.5, plus a minute, and never less than floor
// (the action timeout). Without a rate (0: no limit) only the plan's
// estimate and the floor count.
func releaseDeadline(held int, rate float64, drain, floor time.Duration) time.Duration {
	est := drain
	if held > 0 && rate > 0 {
		est = max(est, time.Duration(float64(held)/rate*float64(time.Minute)))
	}
	return max(floor, (est*3/2 + time.Minute).Round(time.Second))
}

// atRate is "at 300 a minute", or "without a rate limit".
func atRate(rate float64) string {
	if rate == 0 {
		return "without a rate limit"
	}
	return "at " + strconv.FormatFloat(rate, 'g', -1, 64) + " a minute"
}

// messages is "1 message", "2 messages".
func messages(n int) string {
	if n == 1 {
		return "1 message"
	}
	return strconv.Itoa(n) + " messages"
}

// stayHeld says that n messages on hold before the window stay held.
func stayHeld(n int) string {
	if n == 1 {
		return "1 message was on hold before the window: it stays held"
	}
	return strconv.Itoa(n) + " messages were on hold before the window: they stay held"
}

// --- outlets ---

// stepOutlets is what a step touches: its outlets, else its device's
// supplies.
func (r *runner) stepOutlets(st planner.RunStep) []string {
	if len(st.Outlets) > 0 {
		return st.Outlets
	}
	return r.devicePlugs(st.Device)
}

func (r *runner) devicePlugs(device string) []string {
	d := r.site.Device(device)
	if d == nil {
		return nil
	}
	var out []string
	for _, p := range d.PSUs {
		if !p.Unplugged() {
			out = append(out, p.String())
		}
	}
	return out
}

func (r *runner) describeTarget(outlet string) string {
	pl, err := inventory.ParsePlug(outlet)
	if err != nil {
		return outlet
	}
	t, err := targetOf(r.site, pl.PDU, 0, 0)
	if err != nil {
		return pl.PDU + " (" + err.Error() + ")"
	}
	v := t.Version
	if v == "" {
		v = "2c"
	}
	return fmt.Sprintf("%s (%s, SNMPv%s, %s)", pl.PDU, t.Address, v, setObject(t.Driver))
}

// outletState is one outlet as read.
type outletState struct {
	plug    string
	err     error    // the PDU did not answer, or has no such outlet
	on      *bool    // relay state, nil when the unit does not say
	amps    *float64 // nil when the unit does not meter outlets
	pduLive bool     // the PDU answered
}

func (o outletState) String() string {
	switch {
	case o.err != nil:
		return fmt.Sprintf("%s: %v", o.plug, o.err)
	case o.on != nil && !*o.on:
		return o.plug + " off"
	case o.amps == nil:
		return o.plug + " on (not metered)"
	}
	return fmt.Sprintf("%s %.2f A", o.plug, *o.amps)
}

// drawing: the outlet carries current above the off threshold; unknown
// when it is on and not metered.
func (o outletState) drawing(off float64) (yes, known bool) {
	switch {
	case o.err != nil:
		return false, false
	case o.on != nil && !*o.on:
		return false, true
	case o.amps == nil:
		return false, false
	}
	return *o.amps > off, true
}

// readOutlets reads the PDUs of some outlets, each PDU once.
func (r *runner) readOutlets(ctx context.Context, plugs []string) []outletState {
	var pdus []string
	for _, p := range plugs {
		if pl, err := inventory.ParsePlug(p); err == nil && !contains(pdus, pl.PDU) {
			pdus = append(pdus, pl.PDU)
		}
	}
	rd, errs := r.readAll(ctx, pdus)
	out := make([]outletState, len(plugs))
	for i, p := range plugs {
		out[i] = outletState{plug: p}
		pl, err := inventory.ParsePlug(p)
		if err != nil || pl.Unplugged() {
			out[i].err = fmt.Errorf("not an outlet (want PDU:N)")
			continue
		}
		if err := errs[pl.PDU]; err != nil {
			out[i].err = err
			continue
		}
		out[i].pduLive = true
		o := rd[pl.PDU].Outlet(pl.Outlet)
		if o == nil {
			out[i].err = fmt.Errorf("%s reports no outlet %d", pl.PDU, pl.Outlet)
			continue
		}
		out[i].on, out[i].amps = o.On, o.Amps
	}
	return out
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// switchOutlets switches a step's outlets one by one. Off: each outlet
// is read with the device's other supplies first, and refused when it is
// the last one live while the device draws (unless forced). Each SET is
// audited before and after, and read back.
func (r *runner) switchOutlets(ctx context.Context, st planner.RunStep, cmd pdu.OutletCommand) StepResult {
	var done []string
	forced := false
	for _, outlet := range r.stepOutlets(st) {
		if ctx.Err() != nil {
			return StepResult{Outcome: Interrupted, Detail: fmt.Sprintf("interrupted before %s (switched %s: %s)", outlet, cmd, listOr(done))}
		}
		pl, err := inventory.ParsePlug(outlet)
		if err != nil || pl.Unplugged() {
			return StepResult{Outcome: Failed, Detail: fmt.Sprintf("outlet %q: want PDU:N", outlet), Fix: "correct the plan"}
		}
		device := st.Device
		if device == "" {
			device = r.plugOf[outlet]
		}
		if cmd == pdu.Off {
			o, refusal := r.safeToSwitchOff(ctx, device, outlet)
			if o != nil {
				return *o
			}
			if refusal != "" {
				if !r.opt.Force {
					r.audit(atstest.Entry{StepID: st.ID, Step: "outlet-off", Device: device, Outlet: outlet, Outcome: Refused, Detail: refusal})
					r.say("REFUSED %s: %s", outlet, refusal)
					return StepResult{Outcome: Refused, Detail: fmt.Sprintf("%s: %s", outlet, refusal),
						Fix: fmt.Sprintf("shut %s down first and check it draws nothing (verify-off), or repair its other supply; to switch anyway: --force --reason \"…\"", orDash(device))}
				}
				forced = true
				r.say("FORCED %s (%s): %s", outlet, r.opt.Reason, refusal)
				if err := r.audit(atstest.Entry{StepID: st.ID, Step: "outlet-off", Device: device, Outlet: outlet, Outcome: Forced, Forced: true, Reason: r.opt.Reason, Detail: refusal}); err != nil {
					return StepResult{Outcome: Failed, Detail: "audit log: " + err.Error(), Fix: "make the audit log writable, then resume"}
				}
			}
		}
		if cmd == pdu.On {
			if err := r.stagger(ctx); err != nil {
				return StepResult{Outcome: Interrupted, Detail: fmt.Sprintf("interrupted before %s (switched on: %s)", outlet, listOr(done))}
			}
		}
		res := r.switchOne(ctx, st, device, pl, outlet, cmd)
		if res != nil {
			return *res
		}
		done = append(done, outlet)
	}
	detail := fmt.Sprintf("switched %s: %s", cmd, listOr(done))
	if forced {
		return StepResult{Outcome: Forced, Detail: detail + " (forced: " + r.opt.Reason + ")"}
	}
	return StepResult{Outcome: Done, Detail: detail}
}

func listOr(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// stagger waits until the power-up stagger has passed since the last
// outlet switched on.
func (r *runner) stagger(ctx context.Context) error {
	d := time.Duration(r.p.Options.Stagger)
	if d <= 0 || r.lastOn.IsZero() {
		return nil
	}
	wait := r.lastOn.Add(d).Sub(r.opt.Now())
	if wait <= 0 {
		return nil
	}
	r.say("waiting %v (power-up stagger)", wait.Round(time.Millisecond))
	return sleep(ctx, wait)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// safeToSwitchOff reads the device's supplies. It returns a result when
// the step cannot go on (the outlet cannot be read, or is already off:
// nil with no refusal then), or the reason to refuse.
func (r *runner) safeToSwitchOff(ctx context.Context, device, outlet string) (*StepResult, string) {
	plugs := []string{outlet}
	for _, p := range r.devicePlugs(device) {
		if p != outlet {
			plugs = append(plugs, p)
		}
	}
	states := r.readOutlets(ctx, plugs)
	if ctx.Err() != nil {
		return &StepResult{Outcome: Interrupted, Detail: "interrupted while reading " + outlet}, ""
	}
	this := states[0]
	if this.err != nil {
		return &StepResult{Outcome: Failed, Detail: fmt.Sprintf("reading %s before switching it: %v", outlet, this.err),
			Fix: "check the PDU answers SNMP (address, community), then resume"}, ""
	}
	if this.on != nil && !*this.on {
		return nil, ""
	}
	draws, known := this.drawing(r.p.Options.OffAmps)
	if known && !draws {
		return nil, "" // nothing to lose on this outlet
	}
	if !known && r.verifiedOff(device) {
		return nil, "" // not metered, but this run saw (or a person confirmed) the device off
	}
	var others []string
	for _, o := range states[1:] {
		if d, k := o.drawing(r.p.Options.OffAmps); d && k && (o.on == nil || *o.on) {
			return nil, "" // another supply carries the device
		}
		others = append(others, o.String())
	}
	load := "and it is not metered, so it may still draw"
	if known {
		load = fmt.Sprintf("and it draws %.2f A", *this.amps)
	}
	if device == "" {
		return nil, fmt.Sprintf("no device of the inventory is plugged into %s to check its other supplies, %s", outlet, load)
	}
	return nil, fmt.Sprintf("%s would lose its last live supply: %s is the only one drawing (others: %s), %s", device, outlet, listOr(others), load)
}

// verifiedOff reports whether a verify-off step of the device is done in
// this plan's state: the proof, for outlets that do not meter current,
// that the device draws nothing.
func (r *runner) verifiedOff(device string) bool {
	if device == "" {
		return false
	}
	for _, st := range r.p.Steps {
		if st.Kind != planner.StepVerifyOff || st.Device != device {
			continue
		}
		if _, ok := r.state.done(st.ID); ok {
			return true
		}
	}
	return false
}

// switchOne sends one SET and reads it back.
func (r *runner) switchOne(ctx context.Context, st planner.RunStep, device string, pl inventory.Plug, outlet string, cmd pdu.OutletCommand) *StepResult {
	step := "outlet-" + string(cmd)
	target := r.describeTarget(outlet)
	if err := r.audit(atstest.Entry{StepID: st.ID, Step: step, Device: device, Outlet: outlet, Target: target, Outcome: "started"}); err != nil {
		return &StepResult{Outcome: Failed, Detail: "audit log: " + err.Error(), Fix: "make the audit log writable, then resume"}
	}
	// The SET and its read-back run to their end even on Ctrl-C.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opt.SwitchTimeout)
	defer cancel()
	began := r.opt.Now()
	if err := r.opt.Power.SwitchOutlet(sctx, pl.PDU, pl.Outlet, cmd); err != nil {
		r.audit(atstest.Entry{StepID: st.ID, Step: step, Device: device, Outlet: outlet, Target: target, Outcome: "error", Detail: err.Error()})
		return &StepResult{Outcome: Failed, Detail: fmt.Sprintf("switching %s %s: %v", outlet, cmd, err),
			Fix: fmt.Sprintf("switch %s %s by hand (PDU web UI or front panel), then resume with --from the next step; or fix SNMP write access and resume", outlet, cmd)}
	}
	if cmd == pdu.On {
		r.lastOn = r.opt.Now()
	}
	// Read it back: a unit applies a command within a second or so.
	want := cmd == pdu.On
	var last outletState
	for try := 0; ; try++ {
		last = r.readOutlets(sctx, []string{outlet})[0]
		if last.err == nil && (last.on == nil || *last.on == want) {
			break
		}
		if try >= 10 || sleep(sctx, 300*time.Millisecond) != nil {
			detail := fmt.Sprintf("the SET was accepted but %s reads %s", outlet, last)
			r.audit(atstest.Entry{StepID: st.ID, Step: step, Device: device, Outlet: outlet, Target: target, Outcome: "error", Detail: detail})
			return &StepResult{Outcome: Failed, Detail: detail, Fix: fmt.Sprintf("look at %s on the PDU; switch it %s by hand if need be, then resume", outlet, cmd)}
		}
	}
	took := r.opt.Now().Sub(began)
	detail := "reads " + last.String()
	if last.on == nil {
		detail = "the unit does not report relay state: " + last.String()
	}
	r.audit(atstest.Entry{StepID: st.ID, Step: step, Device: device, Outlet: outlet, Target: target, Outcome: "ok", Detail: detail, TookMS: float64(took.Microseconds()) / 1000})
	r.say("%s %s: %s", outlet, cmd, detail)
	return nil
}
