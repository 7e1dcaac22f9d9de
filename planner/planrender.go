package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ICS is the iCalendar rendering of a plan.
const ICS Format = "ics"

// ParsePlanFormat parses text, markdown (md), json or ics.
func ParsePlanFormat(s string) (Format, error) {
	if s == "ics" || s == "ical" {
		return ICS, nil
	}
	f, err := ParseFormat(s)
	if err != nil {
		return "", fmt.Errorf("output %q: want text, markdown, json or ics", s)
	}
	return f, nil
}

// Render writes the plan: text for a terminal, Markdown for the ticket,
// JSON for 'feedplan plan run' and other tools, iCalendar for the team's
// calendar.
func (p *Plan) Render(w io.Writer, f Format) error {
	switch f {
	case JSON:
		return writeJSON(w, p)
	case ICS:
		return p.renderICS(w)
	}
	loc, err := time.LoadLocation(p.Window.TZ)
	if err != nil {
		loc = time.UTC
	}
	d := &doc{w: w, md: f == Markdown}
	p.renderDoc(d, loc)
	return d.err
}

func (p *Plan) renderDoc(d *doc, loc *time.Location) {
	at := func(t time.Time) string {
		if t.Second() != 0 {
			return t.In(loc).Format("Mon 15:04:05 MST")
		}
		return t.In(loc).Format("Mon 15:04 MST")
	}
	day := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST") }
	var cut []string
	for _, c := range p.Scenario.Cut {
		cut = append(cut, c.String())
	}
	title := fmt.Sprintf("Maintenance plan: %s, cut %s", p.Site, strings.Join(cut, ", "))
	if len(cut) == 0 {
		title = fmt.Sprintf("Maintenance plan: %s, shut down %d devices", p.Site, len(p.PowerDown))
	}
	if d.md {
		d.printf("# %s\n\n", title)
	} else {
		d.printf("%s\n", title)
	}
	d.line(fmt.Sprintf("Window: %s → %s (%s, %s)", day(p.Window.Start), day(p.Window.End), p.Window.TZ, shortDur(p.Window.End.Sub(p.Window.Start))))
	d.line(fmt.Sprintf("ATS assumption: %s. Made %s from %s.", atsAssumption(p.Scenario), p.Created.Format(time.RFC3339), p.SiteFile))

	// The verdict first: what a technician signs off.
	d.heading("Verdict")
	switch {
	case p.NoGo():
		d.line("NO-GO. Fix these (see below) and plan again:")
		for _, r := range p.Reasons {
			d.item(r)
		}
		if d.md {
			d.printf("\n")
		}
	case p.Preflight.Skipped:
		d.line("NOT CHECKED: pre-flight skipped (--skip-preflight): planned ahead without live readings. Plan again with the site reachable before the window: the live checks have not run.")
	default:
		d.line("GO: every pre-flight check passed and every service keeps its minimum.")
	}
	d.line(fmt.Sprintf("%s shut down in %s, %s deferred, %s held, %s (%d automatic).",
		plural(len(p.PowerDown), "device", "devices"), plural(waves(p), "wave", "waves"), plural(deferred(p), "job", "jobs"),
		plural(len(p.Queues), "mail queue", "mail queues"), plural(len(p.Steps), "step", "steps"), autoSteps(p)))

	if len(p.Outages) > 0 {
		d.heading("Service outages")
		rows := [][]string{{"service", "status", "running", "min", "why"}}
		for _, o := range p.Outages {
			st := o.Status
			if o.Accepted {
				st += " (accepted)"
			}
			rows = append(rows, []string{o.Service, st, fmt.Sprint(o.Running), fmt.Sprint(o.Min), o.Reason})
		}
		d.table(rows)
	}
	if len(p.AtRisk) > 0 {
		d.heading("On their last supply")
		d.line(fmt.Sprintf("%d devices run through the window with no supply to spare: one more failure takes them down.", len(p.AtRisk)))
		rows := [][]string{{"device", "live", "min", "dark supplies"}}
		for _, r := range p.AtRisk {
			rows = append(rows, []string{r.Device, fmt.Sprint(r.Live), fmt.Sprint(r.Min), r.Lost})
		}
		d.table(rows)
	}
	if len(p.Warnings) > 0 {
		d.heading("Warnings")
		for _, w := range p.Warnings {
			d.item(w)
		}
	}

	d.heading("Pre-flight")
	if p.Preflight.Skipped {
		d.line("Live checks SKIPPED (--skip-preflight); only the checks that need no readings ran.")
	} else {
		d.line("From a poll at " + p.Preflight.Polled + ".")
	}
	rows := [][]string{{"", "check", "object", "detail"}}
	for _, c := range p.Preflight.Checks {
		mark := "ok"
		detail := c.Detail
		if !c.OK {
			mark = "FAIL"
			detail += ". Fix: " + c.Fix
		}
		rows = append(rows, []string{mark, c.Name, c.Object, detail})
	}
	lim := d.lim
	d.lim = 0
	d.table(rows)
	d.lim = lim

	if len(p.Jobs) > 0 {
		d.heading("Scheduled jobs")
		for _, j := range p.Jobs {
			d.item(j.Line(loc) + ". Why: " + j.Reason + notesOf(j.Notes))
		}
		if d.md {
			d.printf("\n")
		}
	}
	if len(p.Queues) > 0 {
		d.heading("Mail queues")
		d.line("The backlog is what a queue takes in at its rate for as long as it is held: mail held before the shutdown, and what senders retry once it is back. It drains at the release rate.")
		rows := [][]string{{"queue", "on", "held for", "backlog", "drain", "lifetime", "note"}}
		for _, q := range p.Queues {
			rows = append(rows, []string{q.Queue, q.Device, shortDur(time.Duration(q.Hold)), fmt.Sprintf("~%d messages", q.Backlog),
				fmt.Sprintf("%s at %.0f/min", shortDur(time.Duration(q.Drain)), q.Rate), shortDur(time.Duration(q.Lifetime)), q.Warning})
		}
		d.table(rows)
	}
	if len(p.PowerDown) > 0 {
		d.heading("Power-down")
		rows := [][]string{{"wave", "device", "services", "why"}}
		for _, pd := range p.PowerDown {
			rows = append(rows, []string{fmt.Sprint(pd.Wave), pd.Device, strings.Join(pd.Services, ","), pd.Why})
		}
		d.table(rows)
	}

	if p.NoGo() {
		d.heading("Runbook (DRAFT: the plan is a no-go)")
	} else {
		d.heading("Runbook")
	}
	if d.md {
		rows := [][]string{{"#", "at", "step", "how", "done"}}
		for _, st := range p.Steps {
			rows = append(rows, []string{fmt.Sprint(st.N), at(st.At), st.Title + detailNote(st), howOf(st), "☐"})
		}
		d.lim = 0
		d.table(rows)
		d.printf("Signed off by: ______________________  Date: ____________\n")
		return
	}
	for _, st := range p.Steps {
		d.printf("  %3d  %-17s  %-6s  %s\n", st.N, at(st.At), howOf(st), st.Title)
		if st.Detail != "" {
			d.printf("  %3s  %-17s  %-6s  %s\n", "", "", "", st.Detail)
		}
	}
	d.printf("\n  Run it: feedplan plan run PLAN.json (dry-run), then --execute. Save the plan with -o json.\n")
}

func notesOf(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return ". " + strings.Join(notes, "; ")
}

func detailNote(st RunStep) string {
	if st.Detail == "" {
		return ""
	}
	return " — " + st.Detail
}

func howOf(st RunStep) string {
	if st.Auto {
		return "auto"
	}
	return "manual"
}

func (d *doc) item(s string) {
	if d.md {
		d.printf("- %s\n", s)
	} else {
		d.printf("  - %s\n", s)
	}
}

func atsAssumption(sc Scenario) string {
	s := sc.ATS.String()
	names := slices.Sorted(maps.Keys(sc.ATSUnit))
	for _, name := range names {
		s += fmt.Sprintf(", %s %s", name, sc.ATSUnit[name])
	}
	return s
}

func waves(p *Plan) int {
	n := 0
	for _, pd := range p.PowerDown {
		n = max(n, pd.Wave)
	}
	return n
}

func deferred(p *Plan) int {
	n := 0
	for _, j := range p.Jobs {
		if !j.Conflict {
			n++
		}
	}
	return n
}

func autoSteps(p *Plan) int {
	n := 0
	for _, st := range p.Steps {
		if st.Auto {
			n++
		}
	}
	return n
}

// renderICS writes the window and its key steps as iCalendar events
// (RFC 5545), times in UTC so no time-zone definitions are needed.
func (p *Plan) renderICS(w io.Writer) error {
	var b strings.Builder
	stamp := p.Created.UTC().Format("20060102T150405Z")
	id := sha256.Sum256([]byte(p.Site + p.Window.Start.UTC().Format(time.RFC3339) + fmt.Sprint(p.Scenario.Cut)))
	uid := hex.EncodeToString(id[:8])
	ev := func(key, summary, desc string, start, end time.Time) {
		b.WriteString("BEGIN:VEVENT\r\n")
		line(&b, "UID:"+uid+"-"+key+"@feedplan")
		line(&b, "DTSTAMP:"+stamp)
		// A plan made again replaces its events: same UIDs, a higher sequence.
		line(&b, "SEQUENCE:"+strconv.FormatInt(max(p.Created.Unix()-sequenceEpoch, 0), 10))
		line(&b, "DTSTART:"+start.UTC().Format("20060102T150405Z"))
		line(&b, "DTEND:"+end.UTC().Format("20060102T150405Z"))
		line(&b, "SUMMARY:"+icsText(summary))
		if desc != "" {
			line(&b, "DESCRIPTION:"+icsText(desc))
		}
		b.WriteString("END:VEVENT\r\n")
	}
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//feedplan//maintenance plan//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n")
	var cut []string
	for _, c := range p.Scenario.Cut {
		cut = append(cut, c.String())
	}
	verdict, prefix := "GO", ""
	switch {
	case p.NoGo():
		verdict, prefix = "NO-GO: "+strings.Join(p.Reasons, "; "), "NO-GO: "
	case p.Preflight.Skipped:
		verdict, prefix = "NOT CHECKED: the live pre-flight has not run yet", "NOT CHECKED: "
	}
	ev("window", fmt.Sprintf("%sMaintenance %s: cut %s", prefix, p.Site, strings.Join(cut, ", ")),
		fmt.Sprintf("%s. %d devices shut down, %d jobs deferred, %d mail queues held. Runbook: feedplan plan run.", verdict, len(p.PowerDown), deferred(p), len(p.Queues)),
		p.Window.Start, p.Window.End)
	firstShutdown := true
	for _, st := range p.Steps {
		switch st.Kind {
		case StepCheck, StepCut, StepRestore, StepHoldQueue, StepReleaseQ, StepDeferJob, StepRunJob, StepPostCheck:
		case StepShutdown:
			if !firstShutdown {
				continue
			}
			firstShutdown = false
			st.Title = fmt.Sprintf("Power-down begins (%s)", plural(len(p.PowerDown), "device", "devices"))
		default:
			continue
		}
		ev(strings.ReplaceAll(st.ID, "/", "-"), st.Title, st.Detail, st.At, st.At.Add(15*time.Minute))
	}
	b.WriteString("END:VCALENDAR\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// sequenceEpoch keeps SEQUENCE small: seconds since 2026-01-01.
const sequenceEpoch = 1767225600

// icsText escapes a TEXT value.
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// line writes a content line folded at 75 octets, never inside a UTF-8
// sequence.
func line(b *strings.Builder, s string) {
	first := true
	for len(s) > 0 {
		limit := 75
		if !first {
			limit = 74 // the leading space counts
		}
		if len(s) <= limit {
			if !first {
				b.WriteString(" ")
			}
			b.WriteString(s + "\r\n")
			return
		}
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if !first {
			b.WriteString(" ")
		}
		b.WriteString(s[:cut] + "\r\n")
		s, first = s[cut:], false
	}
}
