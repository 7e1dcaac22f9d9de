package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feedplan/inventory"
	"feedplan/monitor/mailq"
	"feedplan/planner"
)

// The window of the example plans: Friday evening, when the newsletter runs.
var planWindow = []string{"--start", "2026-11-27T20:30", "--end", "2026-11-27T23:59", "--tz", "Europe/Amsterdam"}

// What the cut-A plan proposes to shed, and the outage the example
// accepts (news-1 sits behind the ATS whose last test failed).
var planShed = []string{"--shutdown", "st-1", "--shutdown", "shelf-1", "--shutdown", "es-1", "--accept-outage", "newsletter"}

func TestPlanCLI(t *testing.T) {
	const site = "../../examples/site.yaml"
	args := func(extra ...string) []string {
		return append(append([]string{"plan", site, "--cut", "source:A"}, planWindow...), extra...)
	}

	// Planned ahead: a no-go (r04-b would trip, the newsletter goes down),
	// and the output says what to do about each.
	code, out, errOut := feedplan(args("--skip-preflight")...)
	if code != exitHarm {
		t.Fatalf("plan --skip-preflight = %d, want %d (no-go)\n%s\n%s", code, exitHarm, out, errOut)
	}
	for _, want := range []string{"NO-GO", "pdu:r04-b", "--shutdown st-1", "newsletter (news-1): Fri 21:00 CET", "Live checks SKIPPED"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}

	// With the advice taken it is a go, but says the live checks did not run.
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json")
	code, out, errOut = feedplan(args(append(planShed, "--skip-preflight", "--out", path)...)...)
	if code != exitOK {
		t.Fatalf("plan with shedding = %d, want 0\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "pre-flight skipped") {
		t.Errorf("stderr %q: want it to say the pre-flight was skipped", errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p planner.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("--out plan.json is not a plan: %v", err)
	}
	raw, _ := os.ReadFile(site)
	sum := sha256.Sum256(raw)
	if p.SiteSHA != hex.EncodeToString(sum[:]) || p.SiteFile != site || !p.Preflight.Skipped || p.Version != planner.PlanVersion {
		t.Errorf("plan: file %q sha %q skipped %v version %d", p.SiteFile, p.SiteSHA, p.Preflight.Skipped, p.Version)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the atomic write left %d files in its directory", len(entries))
	}

	// iCalendar and Markdown by the file's extension.
	for ext, want := range map[string]string{".ics": "BEGIN:VCALENDAR", ".md": "# Maintenance plan: ams2-suite14"} {
		path := filepath.Join(dir, "plan"+ext)
		if code, _, errOut := feedplan(args(append(planShed, "--skip-preflight", "--out", path)...)...); code != exitOK {
			t.Fatalf("--out %s = %d\n%s", path, code, errOut)
		}
		if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), want) {
			t.Errorf("%s starts %.40q, want %q", path, b, want)
		}
	}
}

func TestPlanCLIBadInput(t *testing.T) {
	const site = "../../examples/site.yaml"
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no cut", []string{"plan", site, "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--skip-preflight"}, "say what is cut"},
		{"no start", []string{"plan", site, "--cut", "source:A", "--end", "2026-11-27T23:00", "--tz", "UTC", "--skip-preflight"}, "--start: required"},
		{"no zone", []string{"plan", site, "--cut", "source:A", "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--skip-preflight"}, "--tz is required"},
		{"local zone", []string{"plan", site, "--cut", "source:A", "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--tz", "Local", "--skip-preflight"}, "not an IANA time zone"},
		{"bad zone", []string{"plan", site, "--cut", "source:A", "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--tz", "Mars/Olympus", "--skip-preflight"}, "not an IANA time zone"},
		{"start in the spring-forward gap", []string{"plan", site, "--cut", "source:A", "--start", "2027-03-28T02:30", "--end", "2027-03-28T05:00", "--tz", "Europe/Amsterdam", "--skip-preflight"}, "does not exist in Europe/Amsterdam"},
		{"end in the repeated hour", []string{"plan", site, "--cut", "source:A", "--start", "2026-10-25T01:00", "--end", "2026-10-25T02:30", "--tz", "Europe/Amsterdam", "--skip-preflight"}, "happens twice"},
		{"half-hour fall-back (Lord Howe)", []string{"plan", site, "--cut", "source:A", "--start", "2026-04-05T01:45", "--end", "2026-04-05T04:00", "--tz", "Australia/Lord_Howe", "--skip-preflight"}, "happens twice"},
		{"out in a missing directory", []string{"plan", site, "--cut", "source:A", "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--tz", "UTC", "--skip-preflight", "--out", "/nonexistent-dir/p.json"}, "writing /nonexistent-dir/p.json: creating a file in /nonexistent-dir: no such file or directory"},
		{"end before start", []string{"plan", site, "--cut", "source:A", "--start", "2026-11-27T23:00", "--end", "2026-11-27T20:00", "--tz", "UTC", "--skip-preflight"}, "ends"},
		{"unknown device", []string{"plan", site, "--cut", "source:A", "--shutdown", "web-33", "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--tz", "UTC", "--skip-preflight"}, `did you mean web-3`},
		{"unknown service", []string{"plan", site, "--cut", "source:A", "--accept-outage", "mial", "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--tz", "UTC", "--skip-preflight"}, `service "mial" is not in site`},
		{"bad format", []string{"plan", site, "--cut", "source:A", "-o", "pdf", "--start", "2026-11-27T20:30", "--end", "2026-11-27T23:00", "--tz", "UTC", "--skip-preflight"}, "want text, markdown, json or ics"},
	} {
		code, out, errOut := feedplan(c.args...)
		if code != exitBadInput || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q (stdout %.80q); want %d and %q", c.name, code, errOut, out, exitBadInput, c.want)
		}
	}
}

// The pre-flight against the simulator: with every supply drawing, a go;
// with mx-2's B supply dead (r06-b, a Sentry4, meters each outlet), a
// no-go that names it: mx-2 would go dark at the cut of A.
func TestPlanPreflightAgainstSimulator(t *testing.T) {
	site, ctlFile := simSite(t)
	args := append(append([]string{"plan", site, "--cut", "source:A"}, planWindow...), planShed...)
	code, out, errOut := feedplan(args...)
	if code != exitOK || !strings.Contains(out, "GO: every pre-flight check passed") {
		t.Fatalf("plan against a healthy simulator = %d, want 0 and a go\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "psu-fail", "mx-2:2"); code != exitOK {
		t.Fatalf("sim ctl psu-fail: %s", errOut)
	}
	code, out, errOut = feedplan(args...)
	if code != exitHarm {
		t.Fatalf("plan with mx-2's B supply dead = %d, want %d\n%s\n%s", code, exitHarm, out[strings.Index(out, "PRE-FLIGHT"):], errOut)
	}
	for _, want := range []string{"NO-GO", "survivor-draws", "mx-2", "r06-b:10"} {
		if !strings.Contains(out, want) {
			t.Errorf("no-go output lacks %q:\n%s", want, out)
		}
	}
}

// 'plan run' holds and releases a site's mail queues through the adapter
// each queue's kind names: here a command queue whose hooks log what they
// were asked.
func TestPlanRunQueues(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "queue.log")
	b, err := os.ReadFile("../../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(b), "  - {name: mx-2, device: mx-2, kind: postfix, rate: 1800, lifetime: 5d, release_rate: 300}",
		`  - {name: mx-2, device: mx-2, kind: command, hold: 'echo "$FEEDPLAN_ACTION $FEEDPLAN_QUEUE" >> `+log+`; echo 4', release: 'echo "$FEEDPLAN_ACTION $FEEDPLAN_QUEUE $FEEDPLAN_RATE" >> `+log+`; echo 4'}`, 1)
	if yaml == string(b) {
		t.Fatal("the example's mx-2 queue line changed: update this test")
	}
	site, err := inventory.Parse("site.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	q := siteQueues{site: site, opts: mailq.Options{Logger: slog.New(slog.DiscardHandler)}}
	ctx := context.Background()
	if h, err := q.Hold(ctx, "mx-2"); err != nil || h.Held != 4 || h.PreHeld != nil {
		t.Fatalf("hold mx-2 = %+v, %v; want 4, and no pre-held list (hooks cannot tell)", h, err)
	}
	if n, err := q.Release(ctx, "mx-2", 300, nil); err != nil || n.Released != 4 {
		t.Fatalf("release mx-2 = %+v, %v; want 4", n, err)
	}
	if got, _ := os.ReadFile(log); string(got) != "hold mx-2\nrelease mx-2 300\n" {
		t.Errorf("the hooks logged %q", got)
	}
	if _, err := q.Hold(ctx, "mx-9"); err == nil || !strings.Contains(err.Error(), `"mx-9" is not in the inventory`) {
		t.Errorf("hold of an unknown queue: %v", err)
	}
}
