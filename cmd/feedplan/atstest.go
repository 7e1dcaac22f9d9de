package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"feedplan/monitor/alert"
	"feedplan/monitor/atstest"
	"feedplan/monitor/store"
)

const atsTestExamples = `  feedplan ats-test examples/site.yaml ats-r03                # dry run: check and say what it would do
  feedplan ats-test examples/site.yaml ats-r03 --execute      # transfer to the other input and back
  feedplan ats-test site.yaml ats-r07 --execute --force --reason "CHG-1234: relay replaced" \
    --alertmanager http://127.0.0.1:9093

The test reads the ATS and the PDUs behind it, and refuses (saying why)
unless both inputs are OK, it is not in over-current, it runs on its
preferred input, its switch and redundancy are OK, every PDU behind it
answers, and — for an ATS that failed or never passed its last test — no
running device goes down if it does not transfer. --force --reason
overrides the last three, never a failed input or an over-current.
With --execute it sets the preferred input to the other one, reads the
ATS every --poll until it selects it (or --deadline passes), watches the
PDUs behind it for a loss of power, sets it back and waits for it.
Every executed step is appended to the --audit file before the next.

Exit codes: 0 passed (or a dry run that would go ahead), 1 failed or
refused, 2 bad input.
`

func cmdATSTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("ats-test", "SITE.yaml ATS [flags]", atsTestExamples, stderr)
	execute := fs.Bool("execute", false, "make the ATS transfer (without it: a dry run)")
	force := fs.Bool("force", false, "test even though devices go down if it fails to transfer, or it reports a switch or redundancy fault (needs --reason)")
	reason := fs.String("reason", "", "why the test is forced: goes to the audit log")
	auditFile := fs.String("audit", "feedplan-audit.jsonl", "append every executed step to this JSON-lines `file`")
	amURL := fs.String("alertmanager", "", "on a failed test, send an ats-test-failed alert to this Alertmanager (its base URL)")
	operator := fs.String("operator", defaultOperator(), "who runs the test, for the audit log")
	poll := fs.Duration("poll", 200*time.Millisecond, "read the ATS and the PDUs behind it this often during the test")
	deadline := fs.Duration("deadline", 10*time.Second, "for each transfer, there and back")
	timeout := fs.Duration("timeout", time.Second, "per SNMP request")
	retries := fs.Int("retries", 1, "per SNMP request")
	verbose := fs.Bool("v", false, "log every SNMP request")
	statePath := fs.String("state", "feedplan.db", "record the result in the monitor's store (\"\" for none)")
	pos, code, ok := parseArgs(fs, args, 2, stdout, stderr)
	if !ok {
		return code
	}
	if *force && *reason == "" {
		fmt.Fprintln(stderr, "feedplan ats-test: --force needs --reason TEXT, for the audit log")
		return exitBadInput
	}
	if *poll <= 0 || *deadline <= 0 || *timeout <= 0 {
		fmt.Fprintln(stderr, "feedplan ats-test: --poll, --deadline and --timeout must be above 0")
		return exitBadInput
	}
	site, ok := loadSite(pos[0], stderr)
	if !ok {
		return exitBadInput
	}
	pf := pollFlags{verbose: *verbose}
	log := pf.logger(stderr)

	opt := atstest.Options{Site: site, ATS: pos[1], Execute: *execute, Force: *force, Reason: *reason, Operator: *operator,
		PollEvery: *poll, Deadline: *deadline, Timeout: *timeout, Retries: retriesFlag(*retries), Logger: log}
	if *execute {
		al, err := atstest.NewAuditLog(*auditFile)
		if err != nil {
			fmt.Fprintf(stderr, "feedplan ats-test: --audit: %v\n", err)
			return exitBadInput
		}
		defer al.Close()
		opt.Audit = al.Write
	}
	var am *alert.Alertmanager
	if *amURL != "" {
		var err error
		am, err = alert.NewAlertmanager(alert.AlertmanagerOptions{URL: *amURL, Logger: log.With("component", "alertmanager")})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan ats-test: --alertmanager: %v\n", err)
			return exitBadInput
		}
	}

	started := time.Now()
	res, err := atstest.Run(ctx, opt)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan ats-test: %v\n", err)
		return exitBadInput
	}
	writeATSTest(stdout, res)
	if *execute && !res.Refused && *statePath != "" {
		if err := recordATSTest(*statePath, res, started); err != nil {
			fmt.Fprintf(stderr, "feedplan ats-test: recording the result: %v\n", err)
		}
	}
	if *execute && !res.Refused && !res.Passed && am != nil {
		if err := am.Send(context.WithoutCancel(ctx), []alert.Event{testFailedEvent(res, time.Now())}); err != nil {
			fmt.Fprintf(stderr, "feedplan ats-test: the failure alert did not reach %v: %v\n", am, err)
		} else {
			fmt.Fprintf(stdout, "Alert ats-test-failed sent to %v.\n", am)
		}
	}
	if res.OK() {
		return exitOK
	}
	return exitHarm
}

// defaultOperator is who runs feedplan: the user behind sudo, else the
// user, at the host.
func defaultOperator() string {
	user := os.Getenv("SUDO_USER")
	if user == "" {
		user = os.Getenv("USER")
	}
	if user == "" {
		user = "unknown"
	}
	if host, err := os.Hostname(); err == nil {
		return user + "@" + host
	}
	return user
}

func testFailedEvent(r *atstest.Result, now time.Time) alert.Event {
	return alert.Event{Kind: alert.Fired, StartsAt: now, Alert: alert.Alert{
		Rule: "ats-test-failed", Key: r.ATS, Severity: alert.Critical,
		Summary: fmt.Sprintf("ATS %s failed its switchover test: %s", r.ATS, r.Reason),
		Description: fmt.Sprintf("Until it is repaired, a loss of %s takes down everything single-corded behind %s (%s). Repair or replace it, or move that gear, before any feed maintenance.",
			r.From, r.ATS, listOrNothing(r.AtRisk)),
		Labels: map[string]string{"site": r.Site, "equipment": r.ATS, "rule": "ats-test-failed"},
	}}
}

func listOrNothing(s []string) string {
	if len(s) == 0 {
		return "no device, as the planner sees it"
	}
	out := s[0]
	for _, x := range s[1:] {
		out += ", " + x
	}
	return out
}

func writeATSTest(w io.Writer, r *atstest.Result) {
	mode := "executed"
	if r.DryRun {
		mode = "dry run"
	}
	fmt.Fprintf(w, "ATS switchover test: %s on site %s (%s)\n", r.ATS, r.Site, mode)
	for i, s := range r.Steps {
		fmt.Fprintf(w, "  %2d. %s\n", i+1, s)
	}
	var verdict string
	switch {
	case r.Refused:
		verdict = "REFUSED: " + r.Reason
	case r.DryRun:
		verdict = "DRY RUN OK: preconditions hold; nothing was done. Add --execute to run the test."
	case r.Passed:
		verdict = "PASSED: " + r.Reason
	default:
		verdict = "FAILED: " + r.Reason
	}
	fmt.Fprintf(w, "\n%s\n", verdict)
}

// recordATSTest keeps the result where the monitor and the planner's
// as-tested assumption can find it.
func recordATSTest(path string, res *atstest.Result, started time.Time) error {
	db, err := store.Open(path, store.Options{Logger: infoLogger(io.Discard)})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.RecordATSTest(store.ATSTestRecord{ATS: res.ATS, Started: started, Finished: time.Now(), Passed: res.Passed, Reason: res.Reason,
		TransferMS: res.TransferTook.Milliseconds(), BackMS: res.BackTook.Milliseconds()})
}
