package planner

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
)

func jobZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// jobAt reads "2006-01-02 15:04" in loc; the layout has no zone, so on a
// repeated wall time pass an offset as well: "2026-10-25 02:30 +0100".
func jobAt(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if strings.Count(s, " ") == 2 {
		layout += " -0700"
	}
	v, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testJob(name, spec, tz, device string) *inventory.Job {
	return &inventory.Job{Name: name, Cron: spec, TZ: tz, Device: device}
}

// deferralSummary writes a deferral in one line for comparison: the runs in the
// job's zone, then the catch-up and the next regular run.
func deferralSummary(d JobDeferral) string {
	var runs []string
	for _, r := range d.Runs {
		s := r.JobTime
		if r.DSTGap {
			s += " (gap " + r.Scheduled + ")"
		}
		runs = append(runs, s)
	}
	s := fmt.Sprintf("%s n=%d [%s]", d.Job, d.RunCount, strings.Join(runs, ", "))
	if d.RunsOmitted > 0 {
		s += fmt.Sprintf(" omitted=%d", d.RunsOmitted)
	}
	if d.CountCapped {
		s += " capped"
	}
	if d.Conflict {
		s += " CONFLICT"
	}
	if d.CatchUp != nil {
		s += " catch-up " + d.CatchUp.JobTime
	}
	if d.NextRun != nil {
		s += " next " + d.NextRun.JobTime
	}
	if d.NextRunSoon {
		s += " (soon)"
	}
	return s
}

func TestDeferJobs(t *testing.T) {
	ams := jobZone(t, "Europe/Amsterdam")
	const A = "Europe/Amsterdam"
	no := false

	// A Friday evening window: 20:30 CET to midnight.
	fri := Window{Start: jobAt(t, ams, "2026-11-06 20:30"), End: jobAt(t, ams, "2026-11-07 00:00"), Loc: ams}
	// The night the clocks go forward, 02:00 CET → 03:00 CEST.
	spring := Window{Start: jobAt(t, ams, "2027-03-28 01:00"), End: jobAt(t, ams, "2027-03-28 05:00"), Loc: ams}
	// The night they go back, 03:00 CEST → 02:00 CET.
	autumn := Window{Start: jobAt(t, ams, "2026-10-25 01:00"), End: jobAt(t, ams, "2026-10-25 04:00"), Loc: ams}
	down := Affected{
		Devices:  map[string]string{"news-1": "powered down (psu1 on r05-a:3 ← source A cut)", "db-1": "powered down (psu1+2 on r06-a:1,2 ← source A cut)"},
		Services: map[string]string{"mail": "degraded (1 of 2 running, min 1)", "web": "ok"},
	}

	tests := []struct {
		name  string
		jobs  []*inventory.Job
		w     Window
		aff   *Affected // nil: down
		opt   DeferOptions
		want  []string
		lines []string // Line(w.Loc) of each, when given
		notes []string // substrings that some note of the first deferral must hold
	}{
		{
			name:  "a job inside the window",
			jobs:  []*inventory.Job{testJob("newsletter", "0 21 * * 5", A, "news-1")},
			w:     fri,
			want:  []string{"newsletter n=1 [Fri 2026-11-06 21:00 CET] catch-up Sat 2026-11-07 00:30 CET next Fri 2026-11-13 21:00 CET"},
			lines: []string{"newsletter (news-1): Fri 21:00 CET → Sat 00:30 CET (after the window)"},
		},
		{
			name: "a job outside the window, and one on a device that stays up",
			jobs: []*inventory.Job{
				testJob("noon", "0 12 * * *", A, "news-1"),
				testJob("after", "0 1 * * *", A, "news-1"), // after the catch-up at 00:30
				testJob("elsewhere", "0 21 * * *", A, "web-1"),
			},
			w: fri,
		},
		{
			name: "a job on a degraded service, none on a service that is ok",
			jobs: []*inventory.Job{
				{Name: "digest", Cron: "15 22 * * *", TZ: A, Service: "mail"},
				{Name: "sitemap", Cron: "15 22 * * *", TZ: A, Service: "web"},
			},
			w:     fri,
			want:  []string{"digest n=1 [Fri 2026-11-06 22:15 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 22:15 CET"},
			lines: []string{"digest (service mail): Fri 22:15 CET → Sat 00:30 CET (after the window)"},
		},
		{
			name:  "a job that cannot be deferred is a conflict",
			jobs:  []*inventory.Job{{Name: "invoice-run", Cron: "0 22 * * 5", TZ: A, Device: "db-1", Deferrable: &no}},
			w:     fri,
			want:  []string{"invoice-run n=1 [Fri 2026-11-06 22:00 CET] CONFLICT next Fri 2026-11-13 22:00 CET"},
			lines: []string{"invoice-run (db-1): Fri 22:00 CET cannot be deferred: run it before Fri 20:30 CET or move the window"},
			notes: []string{"its next regular run is Fri 13 Nov 22:00 CET"},
		},
		{
			name:  "several runs coalesce into one",
			jobs:  []*inventory.Job{testJob("backup", "0 21-23 * * *", A, "db-1")},
			w:     fri,
			want:  []string{"backup n=3 [Fri 2026-11-06 21:00 CET, Fri 2026-11-06 22:00 CET, Fri 2026-11-06 23:00 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 21:00 CET"},
			lines: []string{"backup (db-1): Fri 21:00, 22:00, 23:00 CET → Sat 00:30 CET (3 runs coalesce into one after the window)"},
			notes: []string{"3 runs coalesce into one"},
		},
		{
			name: "jobs are listed in the order they would have run",
			jobs: []*inventory.Job{
				testJob("late", "0 23 * * *", A, "news-1"),
				testJob("early", "0 21 * * *", A, "db-1"),
				testJob("also-early", "0 21 * * *", A, "news-1"),
			},
			w: fri,
			want: []string{
				"also-early n=1 [Fri 2026-11-06 21:00 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 21:00 CET",
				"early n=1 [Fri 2026-11-06 21:00 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 21:00 CET",
				"late n=1 [Fri 2026-11-06 23:00 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 23:00 CET",
			},
		},
		{
			name: "the window is half-open: a run at its start counts, one at the catch-up time does not",
			jobs: []*inventory.Job{
				testJob("at-start", "30 20 * * *", A, "news-1"),
				testJob("at-catch-up", "30 0 * * *", A, "news-1"),
			},
			w:    fri,
			want: []string{"at-start n=1 [Fri 2026-11-06 20:30 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 20:30 CET"},
		},
		{
			name: "a margin before the start takes a run still going at the cut",
			jobs: []*inventory.Job{testJob("report", "45 20 * * *", A, "news-1"), testJob("too-early", "55 19 * * *", A, "news-1")},
			w:    Window{Start: jobAt(t, ams, "2026-11-06 21:00"), End: fri.End, Loc: ams},
			opt:  DeferOptions{Before: 30 * time.Minute},
			want: []string{"report n=1 [Fri 2026-11-06 20:45 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 20:45 CET"},
		},
		{
			name:  "a regular run while the hosts settle is deferred too",
			jobs:  []*inventory.Job{testJob("rotate", "10 0 * * *", A, "news-1")},
			w:     fri,
			want:  []string{"rotate n=1 [Sat 2026-11-07 00:10 CET] catch-up Sat 2026-11-07 00:30 CET next Sun 2026-11-08 00:10 CET"},
			lines: []string{"rotate (news-1): Sat 00:10 CET → Sat 00:30 CET (after the window)"},
		},
		{
			name: "a negative settle catches up at the window end",
			jobs: []*inventory.Job{testJob("rotate", "10 0 * * *", A, "news-1"), testJob("newsletter", "0 21 * * 5", A, "news-1")},
			w:    fri,
			opt:  DeferOptions{Settle: -1},
			want: []string{"newsletter n=1 [Fri 2026-11-06 21:00 CET] catch-up Sat 2026-11-07 00:00 CET next Fri 2026-11-13 21:00 CET"},
		},
		{
			name: "@hourly over the window; its next regular run is soon",
			jobs: []*inventory.Job{testJob("poll", "@hourly", A, "news-1")},
			w:    fri,
			// The run at midnight, the window end, falls while the hosts
			// settle: it is deferred too.
			want:  []string{"poll n=4 [Fri 2026-11-06 21:00 CET, Fri 2026-11-06 22:00 CET, Fri 2026-11-06 23:00 CET, Sat 2026-11-07 00:00 CET] catch-up Sat 2026-11-07 00:30 CET next Sat 2026-11-07 01:00 CET (soon)"},
			lines: []string{"poll (news-1): Fri 21:00 CET … Sat 00:00 CET → Sat 00:30 CET (4 runs coalesce into one after the window; next regular run Sat 7 Nov 01:00 CET)"},
			notes: []string{"its next regular run, Sat 7 Nov 01:00 CET, is only 30m after the catch-up: the catch-up may not be needed"},
		},
		{
			name:  "no catch-up when the next regular run is near enough, if asked",
			jobs:  []*inventory.Job{testJob("poll", "@hourly", A, "news-1")},
			w:     fri,
			opt:   DeferOptions{SkipWithin: time.Hour},
			want:  []string{"poll n=4 [Fri 2026-11-06 21:00 CET, Fri 2026-11-06 22:00 CET, Fri 2026-11-06 23:00 CET, Sat 2026-11-07 00:00 CET] next Sat 2026-11-07 01:00 CET (soon)"},
			lines: []string{"poll (news-1): Fri 21:00 CET … Sat 00:00 CET → no catch-up: the next regular run, Sat 7 Nov 01:00 CET, stands for the 4 runs"},
			notes: []string{"no catch-up: its regular run at Sat 7 Nov 01:00 CET (1h after the window) stands for the 4 runs missed"},
		},
		{
			name:  "no catch-up when the next regular run falls at the catch-up time",
			jobs:  []*inventory.Job{testJob("half-hourly", "*/30 * * * *", A, "news-1")},
			w:     Window{Start: jobAt(t, ams, "2026-11-06 23:00"), End: fri.End, Loc: ams},
			want:  []string{"half-hourly n=3 [Fri 2026-11-06 23:00 CET, Fri 2026-11-06 23:30 CET, Sat 2026-11-07 00:00 CET] next Sat 2026-11-07 00:30 CET (soon)"},
			lines: []string{"half-hourly (news-1): Fri 23:00, 23:30 CET, Sat 00:00 CET → no catch-up: the next regular run, Sat 7 Nov 00:30 CET, stands for the 3 runs"},
			notes: []string{"no catch-up: its regular run at Sat 7 Nov 00:30 CET (30m after the window) stands for the 3 runs missed"},
		},
		{
			name: "a job in another zone than the window",
			// New York is on summer time from 14 March 2027, Amsterdam only
			// from 28 March: the two are 5 hours apart that week, not 6.
			jobs:  []*inventory.Job{testJob("us-export", "0 17 * * *", "America/New_York", "db-1")},
			w:     Window{Start: jobAt(t, ams, "2027-03-19 21:00"), End: jobAt(t, ams, "2027-03-20 01:00"), Loc: ams},
			want:  []string{"us-export n=1 [Fri 2027-03-19 17:00 EDT] catch-up Fri 2027-03-19 20:30 EDT next Sat 2027-03-20 17:00 EDT"},
			lines: []string{"us-export (db-1): Fri 22:00 CET → Sat 01:30 CET (after the window)"},
		},
		{
			name: "spring forward: a 02:30 run is not lost, it runs when the clocks reach 03:00 CEST",
			jobs: []*inventory.Job{
				testJob("nightly", "30 2 * * *", A, "db-1"),
				testJob("three", "0 3 * * *", A, "db-1"),
				testJob("two-and-three", "0 2,3 * * *", A, "news-1"),
			},
			w: spring,
			want: []string{
				"nightly n=1 [Sun 2027-03-28 03:00 CEST (gap 02:30)] catch-up Sun 2027-03-28 05:30 CEST next Mon 2027-03-29 02:30 CEST",
				"three n=1 [Sun 2027-03-28 03:00 CEST] catch-up Sun 2027-03-28 05:30 CEST next Mon 2027-03-29 03:00 CEST",
				"two-and-three n=2 [Sun 2027-03-28 03:00 CEST (gap 02:00), Sun 2027-03-28 03:00 CEST] catch-up Sun 2027-03-28 05:30 CEST next Mon 2027-03-29 02:00 CEST",
			},
			lines: []string{
				"nightly (db-1): Sun 03:00 CEST [02:30 runs at 03:00 CEST (the clocks go forward)] → Sun 05:30 CEST (after the window)",
				"three (db-1): Sun 03:00 CEST → Sun 05:30 CEST (after the window)",
				"two-and-three (news-1): Sun 03:00, 03:00 CEST [02:00 runs at 03:00 CEST (the clocks go forward)] → Sun 05:30 CEST (2 runs coalesce into one after the window)",
			},
		},
		{
			name: "spring forward: wildcard jobs run on the hours that exist, and say what they skip",
			jobs: []*inventory.Job{
				testJob("poll", "@hourly", A, "db-1"),
				testJob("sync", "*/20 2,4 * * *", A, "news-1"),
			},
			w: spring,
			want: []string{
				"poll n=4 [Sun 2027-03-28 01:00 CET, Sun 2027-03-28 03:00 CEST, Sun 2027-03-28 04:00 CEST, Sun 2027-03-28 05:00 CEST] catch-up Sun 2027-03-28 05:30 CEST next Sun 2027-03-28 06:00 CEST (soon)",
				"sync n=3 [Sun 2027-03-28 04:00 CEST, Sun 2027-03-28 04:20 CEST, Sun 2027-03-28 04:40 CEST] catch-up Sun 2027-03-28 05:30 CEST next Mon 2027-03-29 02:00 CEST",
			},
			notes: []string{"the clocks in Europe/Amsterdam go forward at Sun 03:00 CEST: the run at 02:00 does not happen (cron does not catch up a job with * in its minute or hour)"},
		},
		{
			name:  "spring forward: the wildcard note counts the skipped runs",
			jobs:  []*inventory.Job{testJob("sync", "*/20 2,4 * * *", A, "news-1")},
			w:     spring,
			want:  []string{"sync n=3 [Sun 2027-03-28 04:00 CEST, Sun 2027-03-28 04:20 CEST, Sun 2027-03-28 04:40 CEST] catch-up Sun 2027-03-28 05:30 CEST next Mon 2027-03-29 02:00 CEST"},
			notes: []string{"the clocks in Europe/Amsterdam go forward at Sun 03:00 CEST: the 3 runs from 02:00 to 02:40 do not happen"},
		},
		{
			name:  "fall back: a 02:30 job runs once, in the first pass",
			jobs:  []*inventory.Job{testJob("nightly", "30 2 * * *", A, "db-1")},
			w:     autumn,
			want:  []string{"nightly n=1 [Sun 2026-10-25 02:30 CEST] catch-up Sun 2026-10-25 04:30 CET next Mon 2026-10-26 02:30 CET"},
			lines: []string{"nightly (db-1): Sun 02:30 CEST → Sun 04:30 CET (after the window)"},
			notes: []string{"02:30 happens twice in Europe/Amsterdam as the clocks go back: cron runs the job once, at Sun 02:30 CEST, not again at Sun 02:30 CET"},
		},
		{
			name: "fall back: a window that opens in the second pass has nothing left of a 02:30 job",
			jobs: []*inventory.Job{testJob("nightly", "30 2 * * *", A, "db-1")},
			w:    Window{Start: jobAt(t, ams, "2026-10-25 02:10 +0100"), End: autumn.End, Loc: ams},
		},
		{
			name: "fall back: a wildcard job runs in both passes",
			jobs: []*inventory.Job{testJob("half-past", "30 * * * *", A, "db-1")},
			w:    autumn,
			// Four runs in three hours of wall time: the window lasts four.
			// The next regular run, 04:30 CET, is the catch-up time itself.
			want:  []string{"half-past n=4 [Sun 2026-10-25 01:30 CEST, Sun 2026-10-25 02:30 CEST, Sun 2026-10-25 02:30 CET, Sun 2026-10-25 03:30 CET] next Sun 2026-10-25 04:30 CET (soon)"},
			notes: []string{"no catch-up: its regular run at Sun 25 Oct 04:30 CET (30m after the window) stands for the 4 runs missed"},
		},
		{
			name:  "every minute over 12 hours: counted, the first and last five listed",
			jobs:  []*inventory.Job{testJob("spin", "* * * * *", "UTC", "news-1")},
			w:     Window{Start: jobAt(t, ams, "2026-11-06 21:00"), End: jobAt(t, ams, "2026-11-07 09:00"), Loc: ams},
			opt:   DeferOptions{Settle: -1},
			want:  []string{"spin n=720 [Fri 2026-11-06 20:00 UTC, Fri 2026-11-06 20:01 UTC, Fri 2026-11-06 20:02 UTC, Fri 2026-11-06 20:03 UTC, Fri 2026-11-06 20:04 UTC, Sat 2026-11-07 07:55 UTC, Sat 2026-11-07 07:56 UTC, Sat 2026-11-07 07:57 UTC, Sat 2026-11-07 07:58 UTC, Sat 2026-11-07 07:59 UTC] omitted=710 next Sat 2026-11-07 08:00 UTC (soon)"},
			lines: []string{"spin (news-1): Fri 21:00 CET … Sat 08:59 CET → no catch-up: the next regular run, Sat 7 Nov 09:00 CET, stands for the 720 runs"},
			notes: []string{"720 runs in the window: the first 5 and the last 5 are listed"},
		},
		{
			name:  "every minute, counting capped",
			jobs:  []*inventory.Job{testJob("spin", "* * * * *", "UTC", "news-1")},
			w:     Window{Start: jobAt(t, ams, "2026-11-06 21:00"), End: jobAt(t, ams, "2026-11-07 09:00"), Loc: ams},
			opt:   DeferOptions{MaxListed: 4, MaxCount: 100},
			want:  []string{"spin n=100 [Fri 2026-11-06 20:00 UTC, Fri 2026-11-06 20:01 UTC] omitted=98 capped next Sat 2026-11-07 08:30 UTC (soon)"},
			lines: []string{"spin (news-1): Fri 21:00 CET … → no catch-up: the next regular run, Sat 7 Nov 09:30 CET, stands for the more than 100 runs"},
			notes: []string{"more than 100 runs in the window: counting stopped there; the runs listed are the first 2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := &inventory.Site{Jobs: tc.jobs}
			aff := down
			if tc.aff != nil {
				aff = *tc.aff
			}
			got, err := DeferJobs(site, tc.w, aff, tc.opt)
			if err != nil {
				t.Fatalf("DeferJobs: %v", err)
			}
			var sums []string
			for _, d := range got {
				sums = append(sums, deferralSummary(d))
			}
			if tc.want != nil && !slices.Equal(sums, tc.want) {
				t.Errorf("DeferJobs =\n\t%s\nwant\n\t%s", strings.Join(sums, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
			if tc.want == nil && tc.notes == nil && len(got) > 0 {
				t.Errorf("DeferJobs =\n\t%s\nwant none", strings.Join(sums, "\n\t"))
			}
			for i, want := range tc.lines {
				if i >= len(got) {
					t.Errorf("no deferral %d for line %q", i, want)
					continue
				}
				if line := got[i].Line(tc.w.Loc); line != want {
					t.Errorf("Line =\n\t%s\nwant\n\t%s", line, want)
				}
			}
			for _, want := range tc.notes {
				if len(got) == 0 {
					t.Fatalf("no deferral; want a note %q", want)
				}
				if !slices.ContainsFunc(got[len(got)-1].Notes, func(n string) bool { return strings.Contains(n, want) }) &&
					!slices.ContainsFunc(got[0].Notes, func(n string) bool { return strings.Contains(n, want) }) {
					t.Errorf("notes %q; want one with %q", got[0].Notes, want)
				}
			}
		})
	}
}

// TestRobfigAtClockChanges pins down what robfig/cron's Next does at the
// clock changes, which DeferJobs corrects: if a new version changes it,
// the corrections must be looked at again.
func TestRobfigAtClockChanges(t *testing.T) {
	ams := jobZone(t, "Europe/Amsterdam")
	tests := []struct {
		name, spec, from string
		want             []string
	}{
		{"spring forward skips the 02:30 run", "30 2 * * *", "2027-03-27 23:00", []string{"Mon 2027-03-29 02:30 CEST"}},
		{"fall back runs 02:30 twice", "30 2 * * *", "2026-10-24 23:00", []string{"Sun 2026-10-25 02:30 CEST", "Sun 2026-10-25 02:30 CET", "Mon 2026-10-26 02:30 CET"}},
		{"hourly across spring forward", "@hourly", "2027-03-28 00:30", []string{"Sun 2027-03-28 01:00 CET", "Sun 2027-03-28 03:00 CEST"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sched, err := testJob("j", tc.spec, "Europe/Amsterdam", "d").Schedule()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for n := jobAt(t, ams, tc.from); len(got) < len(tc.want); {
				n = sched.Next(n)
				got = append(got, n.In(ams).Format(jobStamp))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Next(%q) from %s = %q; want %q", tc.spec, tc.from, got, tc.want)
			}
		})
	}
}

func TestWindowDuration(t *testing.T) {
	ams := jobZone(t, "Europe/Amsterdam")
	tests := []struct {
		name       string
		start, end string
		want       time.Duration
	}{
		{"spring forward", "2027-03-28 01:00", "2027-03-28 05:00", 3 * time.Hour},
		{"fall back", "2026-10-25 01:00", "2026-10-25 04:00", 4 * time.Hour},
		{"an ordinary night", "2026-11-06 22:00", "2026-11-07 02:00", 4 * time.Hour},
	}
	for _, tc := range tests {
		w := Window{Start: jobAt(t, ams, tc.start), End: jobAt(t, ams, tc.end), Loc: ams}
		if got := w.Duration(); got != tc.want {
			t.Errorf("%s: Window{%s – %s}.Duration() = %v; want %v", tc.name, tc.start, tc.end, got, tc.want)
		}
	}
}

func TestDeferJobsErrors(t *testing.T) {
	start := time.Date(2026, 11, 6, 20, 0, 0, 0, time.UTC)
	ok := Window{Start: start, End: start.Add(4 * time.Hour)}
	aff := Affected{Devices: map[string]string{"d": "powered down"}}
	good := &inventory.Site{Jobs: []*inventory.Job{testJob("j", "0 21 * * *", "", "d")}}
	tests := []struct {
		name string
		site *inventory.Site
		w    Window
		opt  DeferOptions
		want string
	}{
		{"end before start", good, Window{Start: ok.End, End: ok.Start}, DeferOptions{}, "the end is not after the start"},
		{"empty window", good, Window{Start: start, End: start}, DeferOptions{}, "the end is not after the start"},
		{"negative margin", good, ok, DeferOptions{Before: -time.Minute}, "before -1m0s is negative"},
		{"negative skip", good, ok, DeferOptions{SkipWithin: -time.Minute}, "skip-within -1m0s is negative"},
		{"negative max", good, ok, DeferOptions{MaxCount: -1}, "want 0 (the default) or more"},
		{"a bad job", &inventory.Site{Jobs: []*inventory.Job{testJob("j", "0 21 * * *", "", "d"), testJob("broken", "61 * * * *", "", "d")}}, ok, DeferOptions{}, `job "broken": cron "61 * * * *"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DeferJobs(tc.site, tc.w, aff, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DeferJobs: error %v; want one with %q", err, tc.want)
			}
		})
	}
	// A bad job does not hide the others.
	got, _ := DeferJobs(&inventory.Site{Jobs: []*inventory.Job{testJob("broken", "61 * * * *", "", "d"), testJob("j", "0 21 * * *", "", "d")}}, ok, aff, DeferOptions{})
	if len(got) != 1 || got[0].Job != "j" {
		t.Errorf("DeferJobs with a bad job = %d deferrals; want j alone", len(got))
	}
}

func TestDeferJobsListsFirstAndLast(t *testing.T) {
	start := time.Date(2026, 11, 6, 21, 0, 0, 0, time.UTC)
	w := Window{Start: start, End: start.Add(70 * time.Minute)} // no Loc: UTC
	site := &inventory.Site{Jobs: []*inventory.Job{testJob("tick", "*/10 * * * *", "", "d")}}
	aff := Affected{Devices: map[string]string{"d": "powered down"}}
	tests := []struct {
		max  int
		want []string
	}{
		{4, []string{"21:00", "21:10", "21:50", "22:00"}},
		{5, []string{"21:00", "21:10", "21:20", "21:50", "22:00"}},
		{7, []string{"21:00", "21:10", "21:20", "21:30", "21:40", "21:50", "22:00"}},
		{20, []string{"21:00", "21:10", "21:20", "21:30", "21:40", "21:50", "22:00"}},
	}
	for _, tc := range tests {
		got, err := DeferJobs(site, w, aff, DeferOptions{Settle: -1, MaxListed: tc.max})
		if err != nil || len(got) != 1 {
			t.Fatalf("DeferJobs = %d, %v; want one deferral", len(got), err)
		}
		d := got[0]
		var times []string
		for _, r := range d.Runs {
			times = append(times, r.At.Format("15:04"))
		}
		if !slices.Equal(times, tc.want) || d.RunCount != 7 || d.RunsOmitted != 7-len(tc.want) {
			t.Errorf("MaxListed %d: runs %q (%d, %d omitted); want %q (7, %d omitted)", tc.max, times, d.RunCount, d.RunsOmitted, tc.want, 7-len(tc.want))
		}
		if d.Runs[0].WindowTime != "Fri 2026-11-06 21:00 UTC" {
			t.Errorf("window time with no Loc = %q; want it in UTC", d.Runs[0].WindowTime)
		}
	}
}

func TestWildcard(t *testing.T) {
	tests := []struct {
		spec string
		want bool
	}{
		{"30 2 * * *", false},
		{"0 2,3 * * *", false},
		{"0 1-3 * * *", false},
		{"@daily", false},
		{"@weekly", false},
		{"@hourly", true},
		{"30 * * * *", true},
		{"*/20 2 * * *", true},
		{"* * * * *", true},
		{"0 */2 * * *", true},
		{"? 3 * * *", true},
		{"  45 4 * * 1-5 ", false},
	}
	for _, tc := range tests {
		if got := vixieWildcard(tc.spec); got != tc.want {
			t.Errorf("vixieWildcard(%q) = %v; want %v", tc.spec, got, tc.want)
		}
	}
}

func TestEveryJob(t *testing.T) {
	start := time.Date(2026, 11, 6, 21, 0, 0, 0, time.UTC)
	w := Window{Start: start, End: start.Add(3 * time.Hour), Loc: time.UTC}
	site := &inventory.Site{Jobs: []*inventory.Job{testJob("sweep", "@every 1h", "", "d")}}
	got, err := DeferJobs(site, w, Affected{Devices: map[string]string{"d": "powered down"}}, DeferOptions{})
	if err != nil || len(got) != 1 {
		t.Fatalf("DeferJobs = %d, %v; want one deferral", len(got), err)
	}
	// From the window start: 22:00, 23:00, 00:00, and 00:30 is not a run.
	if d := got[0]; d.RunCount != 3 || !strings.Contains(strings.Join(d.Notes, "\n"), "only indicative") {
		t.Errorf("@every 1h over 3h: %d runs, notes %q; want 3 runs and a note that the times are indicative", d.RunCount, d.Notes)
	}
}

func TestJobDeferralJSON(t *testing.T) {
	ams := jobZone(t, "Europe/Amsterdam")
	no := false
	site := &inventory.Site{Jobs: []*inventory.Job{
		testJob("nightly", "30 2 * * *", "Europe/Amsterdam", "db-1"),
		{Name: "invoice-run", Cron: "0 4 * * *", TZ: "Europe/Amsterdam", Device: "db-1", Deferrable: &no},
	}}
	w := Window{Start: jobAt(t, ams, "2027-03-28 01:00"), End: jobAt(t, ams, "2027-03-28 05:00"), Loc: ams}
	got, err := DeferJobs(site, w, Affected{Devices: map[string]string{"db-1": "powered down"}}, DeferOptions{})
	if err != nil || len(got) != 2 {
		t.Fatalf("DeferJobs = %d, %v; want two deferrals", len(got), err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, key := range []string{
		`"job":"nightly"`, `"device":"db-1"`, `"cron":"30 2 * * *"`, `"tz":"Europe/Amsterdam"`,
		`"reason":"db-1 is powered down"`, `"run_count":1`,
		`"at":"2027-03-28T03:00:00+02:00"`, `"job_time":"Sun 2027-03-28 03:00 CEST"`, `"window_time":"Sun 2027-03-28 03:00 CEST"`,
		`"dst_gap":true`, `"scheduled":"02:30"`, `"catch_up":{`, `"next_run":{`,
		`"conflict":true`, `"run_before":"2027-03-28T01:00:00+01:00"`, `"notes":[`,
	} {
		if !strings.Contains(js, key) {
			t.Errorf("JSON has no %s:\n%s", key, js)
		}
	}
	for _, key := range []string{`"runs_omitted"`, `"run_count_capped"`, `"service"`, `"Start"`} {
		if strings.Contains(js, key) {
			t.Errorf("JSON has %s, which should be left out here:\n%s", key, js)
		}
	}
}

func TestAffectedFrom(t *testing.T) {
	r := &Result{
		Down: []DeviceDown{{Device: "news-1", Reasons: []SupplyLoss{{PSU: 1, Outlet: "r05-a:3", Cause: "source A cut"}}}},
		Services: []ServiceImpact{
			{Service: "mail", Members: 2, Min: 1, After: 1, Status: "degraded"},
			{Service: "web", Members: 2, Min: 1, After: 2, Status: "ok"},
			{Service: "shop", Status: "impaired", Cause: "db below its minimum"},
		},
	}
	a := AffectedFrom(r)
	jobs := []*inventory.Job{
		testJob("newsletter", "0 21 * * 5", "", "news-1"),
		{Name: "digest", Service: "mail"},
		{Name: "sitemap", Service: "web"},
		{Name: "feed", Service: "shop"},
		testJob("other", "", "", "web-1"),
	}
	want := []string{
		"news-1 is powered down (psu1 on r05-a:3 ← source A cut)",
		"service mail is degraded (1 of 2 running, min 1)",
		"",
		"service shop is impaired (db below its minimum)",
		"",
	}
	for i, j := range jobs {
		if got := a.reason(j); got != want[i] {
			t.Errorf("reason(%s) = %q; want %q", j.Name, got, want[i])
		}
	}
}
