package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/runbook"
	"feedplan/monitor/store"
	"feedplan/pdu"
	"feedplan/planner"
)

const planExamples = `  feedplan plan examples/site.yaml --cut source:A --start 2026-11-28T21:00 --end 2026-11-29T00:00 --tz Europe/Amsterdam
  feedplan plan examples/site.yaml --cut source:A --start 2026-11-28T21:00 --end 2026-11-29T00:00 --tz Europe/Amsterdam --skip-preflight -o markdown > ticket.md
  feedplan plan examples/site.yaml --cut pdu:r03-a --start 2026-12-02T06:00 --end 2026-12-02T07:00 --tz Europe/Amsterdam --switch-outlets --out plan.json
  feedplan plan examples/site.yaml --cut source:B ... -o ics > window.ics
  feedplan plan run plan.json              # walk it, dry-run
`

// cmdPlan makes a maintenance window's runbook; 'plan run' executes one.
func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "run" {
		return cmdPlanRun(ctx, args[1:], stdout, stderr)
	}
	fs := newFlags("plan", "SITE.yaml --cut KIND:NAME --start TIME --end TIME [--tz ZONE] [flags]\n       feedplan plan run PLAN.json [flags]", planExamples, stderr)
	var cuts, extra listFlag
	fs.Var(&cuts, "cut", "an element de-energised for the window: source:A, panel:PA-1, circuit:B-04, ats:NAME, pdu:NAME (repeatable)")
	var accept listFlag
	fs.Var(&accept, "accept-outage", "a service whose outage during the window is accepted: listed, but not a no-go (repeatable)")
	fs.Var(&extra, "shutdown", "a device to shut down for the window although it keeps power (repeatable)")
	startS := fs.String("start", "", "when the work starts: 2026-11-28T21:00 in --tz, or RFC 3339 with an offset")
	endS := fs.String("end", "", "when power must be back: same forms as --start")
	tz := fs.String("tz", "", "IANA time zone the crew works in, of --start/--end and of the runbook: Europe/Amsterdam, UTC (required)")
	skip := fs.Bool("skip-preflight", false, "plan ahead without polling the site (the plan says the live checks did not run)")
	stagger := fs.Duration("stagger", planner.DefaultStagger, "between devices powered up again (limits inrush)")
	wait := fs.Duration("shutdown-timeout", planner.DefaultShutdownWait, "how long a device may take to drop to 0 A; also the time between waves")
	switchOutlets := fs.Bool("switch-outlets", false, "switch the outlets of shut-down devices off over SNMP, and on again at power-up")
	releaseRate := fs.Float64("release-rate", planner.DefaultReleaseRate, "mail released per minute after the window, for queues that set no release_rate")
	settle := fs.Duration("jobs-after", planner.DefaultSettleAfter, "deferred jobs run once this long after the window's end")
	testAge := fs.Duration("max-test-age", planner.DefaultMaxTestAge, "an ATS relied on must have passed a switchover test this recently")
	statePath := fs.String("state", "", "the monitor's store: newer ATS switchover test results than the inventory's count (e.g. feedplan.db)")
	out := fs.String("out", "", "write the plan to this file (atomically) instead of stdout; the format follows -o, or .json/.md/.ics")
	var sf scenarioFlags
	sf.register(fs)
	fs.Lookup("o").Usage = "output: text, markdown, json (for 'plan run') or ics"
	var pf pollFlags
	pf.register(fs)
	pos, code, ok := parseArgs(fs, args, 1, stdout, stderr)
	if !ok {
		return code
	}
	if len(cuts) == 0 && len(extra) == 0 {
		fmt.Fprintln(stderr, "feedplan plan: say what is cut for the window, e.g. --cut source:A")
		return exitBadInput
	}
	if *tz == "" {
		fmt.Fprintln(stderr, "feedplan plan: --tz is required: the zone the crew works in, e.g. --tz Europe/Amsterdam (or --tz UTC)")
		return exitBadInput
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil || *tz == "Local" {
		fmt.Fprintf(stderr, "feedplan plan: --tz %q: not an IANA time zone (e.g. Europe/Amsterdam, UTC)\n", *tz)
		return exitBadInput
	}
	start, err1 := parseWhen(*startS, loc)
	end, err2 := parseWhen(*endS, loc)
	for _, e := range []struct {
		flag string
		err  error
	}{{"--start", err1}, {"--end", err2}} {
		if e.err != nil {
			fmt.Fprintf(stderr, "feedplan plan: %s: %v\n", e.flag, e.err)
			return exitBadInput
		}
	}
	outFmt := sf.output
	if *out != "" && !flagSet(fs, "o") {
		switch strings.ToLower(filepath.Ext(*out)) {
		case ".json":
			outFmt = "json"
		case ".md":
			outFmt = "markdown"
		case ".ics":
			outFmt = "ics"
		}
	}
	format, err := planner.ParsePlanFormat(outFmt)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan plan: -o: %v\n", err)
		return exitBadInput
	}
	sf.output = "text" // the scenario flags check their own formats
	site, ok := loadSite(pos[0], stderr)
	if !ok {
		return exitBadInput
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "feedplan plan: %v\n", err)
		return exitBadInput
	}
	sum := sha256.Sum256(raw)
	sc, ev, _, ok := sf.build(site, stderr)
	if !ok {
		return exitBadInput
	}
	if sc.Cut, ok = parseCuts(cuts, stderr); !ok {
		return exitBadInput
	}
	req := planner.PlanRequest{
		Scenario: sc, Start: start, End: end, Loc: loc, Extra: extra, AcceptOutages: accept, SkipPreflight: *skip, MaxTestAge: *testAge,
		SiteFile: pos[0], SiteSHA: hex.EncodeToString(sum[:]), Now: time.Now(),
		Settings: planner.PlanSettings{Stagger: planner.Duration(*stagger), ShutdownWait: planner.Duration(*wait), SwitchOutlets: *switchOutlets,
			ReleaseRate: *releaseRate, SettleAfter: planner.Duration(*settle)},
	}
	if *statePath != "" {
		db, err := store.Open(*statePath, store.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan plan: --state: %v\n", err)
			return exitBadInput
		}
		req.ATSTests = map[string]inventory.ATSTest{}
		for _, a := range site.ATS {
			rec, ok, err := db.LastATSTest(a.Name)
			if err != nil {
				db.Close()
				fmt.Fprintf(stderr, "feedplan plan: --state: %v\n", err)
				return exitBadInput
			}
			if ok && !rec.DryRun {
				res := "failed"
				if rec.Passed {
					res = "passed"
				}
				req.ATSTests[a.Name] = inventory.ATSTest{Date: rec.Finished.UTC().Format(time.DateOnly), Result: res, Note: rec.Reason}
			}
		}
		db.Close()
	}
	if !*skip {
		targets, err := siteTargets(site, nil, &pf)
		if err != nil || len(targets) == 0 {
			fmt.Fprintf(stderr, "feedplan plan: the pre-flight needs the site's PDUs and ATS units over SNMP, and none has an snmp address (%v); plan ahead with --skip-preflight\n", err)
			return exitBadInput
		}
		fmt.Fprintf(stderr, "feedplan plan: polling %d PDUs and ATS units for the pre-flight…\n", len(targets))
		results, err := pdu.Poll(ctx, targets, pdu.PollOptions{Concurrency: pf.concurrency, Logger: pf.logger(stderr)})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan plan: %v\n", err)
			return exitBadInput
		}
		if ev, _, err = ev.Live(results, req.Now); err != nil {
			fmt.Fprintf(stderr, "feedplan plan: %v\n", err)
			return exitBadInput
		}
		req.Readings = results
	}
	plan, err := ev.Plan(req)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan plan: %v\n", err)
		return exitBadInput
	}
	var buf bytes.Buffer
	if err := plan.Render(&buf, format); err != nil {
		fmt.Fprintf(stderr, "feedplan plan: %v\n", err)
		return exitBadInput
	}
	if *out == "" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return exitBadInput
		}
	} else {
		if err := runbook.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "feedplan plan: writing %s: %v\n", *out, err)
			return exitBadInput
		}
		fmt.Fprintf(stderr, "feedplan plan: wrote %s (%s)\n", *out, verdict(plan))
	}
	if plan.NoGo() {
		return exitHarm
	}
	return exitOK
}

func verdict(p *planner.Plan) string {
	switch {
	case p.NoGo():
		return "NO-GO"
	case p.Preflight.Skipped:
		return "pre-flight skipped"
	}
	return "GO"
}

// parseWhen parses "2026-11-28T21:00" (or with seconds, or a space) in
// loc, or an RFC 3339 time with its own offset. A local time that does
// not exist (a spring-forward gap) or exists twice is refused: a window's
// edge must be unambiguous.
func parseWhen(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("required, e.g. 2026-11-28T21:00")
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		wall := func(x time.Time) string { return x.In(loc).Format(layout) }
		if wall(t) != s {
			return time.Time{}, fmt.Errorf("%s does not exist in %s (the clocks skip it)", s, loc)
		}
		// Clocks go back by an hour, or by 30 minutes (Lord Howe Island).
		for d := -2 * time.Hour; d <= 2*time.Hour; d += 15 * time.Minute {
			if d != 0 && wall(t.Add(d)) == s {
				return time.Time{}, fmt.Errorf("%s happens twice in %s (the clocks go back); give it with an offset, e.g. %s", s, loc, t.Format(time.RFC3339))
			}
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q: want 2026-11-28T21:00 or 2026-11-28T21:00:00+01:00", s)
}

func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}
