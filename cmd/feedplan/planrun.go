package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/atstest"
	"feedplan/monitor/mailq"
	"feedplan/monitor/runbook"
)

const planRunExamples = `  feedplan plan run plan.json                      # dry run: what each step would do
  feedplan plan run plan.json --execute            # run it; manual steps ask "type yes when done"
  feedplan plan run plan.json --execute            # again after a stop: resumes where it stopped
  feedplan plan run plan.json --execute --from verify-cut
  feedplan plan run plan.json --execute --yes --on-manual ./drill-hook.sh   # a CI drill

A dry run changes nothing and writes no state or audit; only the check
steps read the PDUs (SNMP GET). With --execute the automatable steps run:
shutdown actions (a command, run with sh -c, or an http(s) URL, POSTed),
outlets switched over SNMP, mail queues held and released, verification
polls. Every manual step (the cut, the restore, power-on, jobs) stops and
asks on the terminal; --yes confirms them automatically, and the audit
log says so. --on-manual CMD runs CMD (sh -c) at each manual step before
the confirmation, with FEEDPLAN_STEP_ID, FEEDPLAN_STEP_KIND,
FEEDPLAN_DEVICE, FEEDPLAN_QUEUE, FEEDPLAN_JOB, FEEDPLAN_PLAN and
FEEDPLAN_SITE set: a drill makes the cut with it.

A plan whose verdict is no-go only runs dry, unless --despite-no-go
REASON (audited).

An outlet is never switched off while it is the last supply of a device
that draws more than the plan's off_amps, unless --force --reason TEXT.
After the cut, a PDU that does not answer counts as dark only when the
plan's scenario de-energises its inlet (its network card dies with it).
Mail queues are held and released through their inventory adapters
(Postfix: postsuper/postqueue, locally or over ssh; command or http
hooks); --manual-queues makes those steps manual.

The run keeps the steps done in a state file (PLAN.state.json, written
atomically) and resumes after a failure, Ctrl-C or a crash; --from and
--restart override it. Every action, refusal, confirmation and failure
is appended to the --audit file (fsynced JSON lines) before the next step.
The plan must match its inventory (site_file, site_sha256) unless
--allow-changed-site.

Exit codes: 0 every step done (or a dry run without problems), 1 the
run stopped (a failed, refused or declined step, Ctrl-C) or the dry run
found problems, 2 bad input.
`

func cmdPlanRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plan run", "PLAN.json [flags]", planRunExamples, stderr)
	execute := fs.Bool("execute", false, "run the automatable steps (without it: a dry run)")
	yes := fs.Bool("yes", false, "confirm manual steps without asking (drills; audited as automatic)")
	force := fs.Bool("force", false, "switch an outlet off even when it is a running device's last live supply (needs --reason)")
	reason := fs.String("reason", "", "why the run is forced: goes to the audit log")
	despite := fs.String("despite-no-go", "", "execute a plan whose verdict is no-go; the `reason` goes to the audit log")
	from := fs.String("from", "", "start at this step `id`, whatever the state file says")
	restart := fs.Bool("restart", false, "forget the state file and start at the first step")
	sitePath := fs.String("site", "", "the inventory (default: the plan's site_file)")
	allowChanged := fs.Bool("allow-changed-site", false, "run even though the inventory is not the one the plan was made from")
	statePath := fs.String("state", "", "the state `file` (default: PLAN.state.json beside the plan)")
	auditFile := fs.String("audit", "feedplan-audit.jsonl", "append every action to this JSON-lines `file`")
	operator := fs.String("operator", defaultOperator(), "who runs the plan, for the audit log")
	onManual := fs.String("on-manual", "", "run this shell `command` at every manual step, before the confirmation")
	poll := fs.Duration("poll", 2*time.Second, "between reads of a verification")
	powerWait := fs.Duration("power-wait", 5*time.Minute, "how long verify-power and verify-on wait for power")
	actionTimeout := fs.Duration("action-timeout", 2*time.Minute, "a shutdown action, an --on-manual command")
	timeout := fs.Duration("timeout", 2*time.Second, "per SNMP request")
	retries := fs.Int("retries", 1, "per SNMP request")
	verbose := fs.Bool("v", false, "log every SNMP request")
	manualQueues := fs.Bool("manual-queues", false, "hold and release mail queues by hand (the run stops and says how) instead of through their adapters")
	pos, code, ok := parseArgs(fs, args, -1, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "feedplan plan run: "+format+"\n", a...)
		return exitBadInput
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "feedplan plan run: want one plan file (PLAN.json), got %d arguments\n", len(pos))
		fs.Usage()
		return exitBadInput
	}
	switch {
	case *force && strings.TrimSpace(*reason) == "":
		return fail("--force needs --reason TEXT, for the audit log")
	case *from != "" && *restart:
		return fail("--from and --restart: choose one")
	case *poll <= 0 || *powerWait <= 0 || *actionTimeout <= 0 || *timeout <= 0:
		return fail("--poll, --power-wait, --action-timeout and --timeout must be above 0")
	}
	planFile := pos[0]
	plan, planSHA, err := runbook.LoadPlan(planFile)
	if err != nil {
		return fail("%v", err)
	}
	sf, err := runbook.SiteFile(plan, planFile, *sitePath)
	if err != nil {
		return fail("%v", err)
	}
	site, _, err := runbook.LoadSite(plan, sf, *allowChanged)
	if err != nil {
		var errs *inventory.Errors
		if errors.As(err, &errs) {
			fmt.Fprintln(stderr, err)
			return fail("%s: %d problem(s) in the inventory; nothing was run", sf, len(errs.List))
		}
		return fail("%v", err)
	}
	if *allowChanged {
		fmt.Fprintf(stdout, "Note: --allow-changed-site: the inventory %s is used even if it changed since the plan was made.\n", sf)
	}
	pf := pollFlags{verbose: *verbose}
	log := pf.logger(stderr)
	power, err := runbook.NewSNMP(runbook.SNMPOptions{Site: site, Timeout: *timeout, Retries: retriesFlag(*retries), Logger: log})
	if err != nil {
		return fail("%v", err)
	}
	if *statePath == "" {
		*statePath = runbook.DefaultStateFile(planFile)
	}
	resume := resumeCommand(fs, planFile)
	opt := runbook.Options{Plan: plan, PlanFile: planFile, PlanSHA: planSHA, Site: site,
		Execute: *execute, Yes: *yes, Force: *force, Reason: *reason, DespiteNoGo: *despite, From: *from, Restart: *restart, OnManual: *onManual,
		StateFile: *statePath, Operator: *operator, Power: power, Out: stdout, Logger: log, Command: resume,
		Poll: *poll, PowerWait: *powerWait, ActionTimeout: *actionTimeout}
	if !*manualQueues && len(site.MailQueues) > 0 {
		opt.Queues = siteQueues{site: site, opts: mailq.Options{Logger: log}}
	}
	if *execute {
		al, err := atstest.NewAuditLog(*auditFile)
		if err != nil {
			return fail("--audit: %v", err)
		}
		defer al.Close()
		opt.Audit = al.Write
		if !*yes {
			opt.Confirm = runbook.LineConfirmer(os.Stdin, stdout)
		}
	}
	res, err := runbook.Run(ctx, opt)
	if err != nil {
		return fail("%v", err)
	}
	if !res.Done() {
		return exitHarm
	}
	return exitOK
}

// siteQueues holds and releases a site's mail queues through the adapter
// each queue's kind names (monitor/mailq). What was on hold before the
// window passes through as queue IDs: mailq's Held.Before out, the
// runbook's keep in; a command or http queue has none (its hooks see to
// it).
type siteQueues struct {
	site *inventory.Site
	opts mailq.Options
}

var _ runbook.Queues = siteQueues{}

func (q siteQueues) open(name string) (mailq.Queue, error) {
	mq := q.site.MailQueue(name)
	if mq == nil {
		return nil, fmt.Errorf("mail queue %q is not in the inventory", name)
	}
	return mailq.Open(mq, q.opts)
}

func (q siteQueues) Hold(ctx context.Context, name string) (runbook.HoldResult, error) {
	a, err := q.open(name)
	if err != nil {
		return runbook.HoldResult{Held: mailq.Unknown}, err
	}
	h, err := a.Hold(ctx)
	return runbook.HoldResult{Held: h.Count, PreHeld: h.Before}, err
}

func (q siteQueues) Release(ctx context.Context, name string, ratePerMin float64, keep []string) (runbook.ReleaseResult, error) {
	a, err := q.open(name)
	if err != nil {
		return runbook.ReleaseResult{}, err
	}
	r, err := a.Release(ctx, ratePerMin, keep)
	return runbook.ReleaseResult{Released: r.Count, Kept: r.Kept}, err
}

// resumeCommand is the command that resumes this run: the same flags
// (shell-quoted), with --execute, without those that must be given again
// on purpose (--force, --reason, --despite-no-go) or that chose where to
// start (--from, --restart).
func resumeCommand(fs *flag.FlagSet, planFile string) string {
	parts := []string{"feedplan", "plan", "run", shellQuote(planFile), "--execute"}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "execute", "force", "reason", "despite-no-go", "from", "restart":
			return
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if f.Value.String() == "true" {
				parts = append(parts, "--"+f.Name)
			}
			return
		}
		parts = append(parts, "--"+f.Name, shellQuote(f.Value.String()))
	})
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+-,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
