package planner

// Deferral of scheduled jobs out of a maintenance window.
//
// A job's cron spec is read with robfig/cron (inventory.Job.Schedule), in
// the job's own zone. The jobs themselves run under the cron daemon of
// their host, a Vixie cron (cronie on most Linux systems), and at the
// daylight-saving changes robfig's Schedule.Next does not do what that
// daemon does. Measured with robfig/cron v3.0.1 in Europe/Amsterdam:
//
//   - spring forward (2027-03-28, 02:00 CET → 03:00 CEST): Next from the
//     evening before skips "30 2 * * *" to 02:30 CEST on the 29th; the run
//     of the 28th is lost. An hourly job runs at 01:00 CET, then 03:00 CEST.
//   - fall back (2026-10-25, 03:00 CEST → 02:00 CET): Next gives
//     "30 2 * * *" twice, at 02:30 CEST and again an hour later at 02:30 CET.
//     An hourly job runs at 02:00 CEST and 02:00 CET, an hour apart.
//
// Vixie cron tells two kinds of job apart. A job with "*" at the start of
// its minute or hour field ("*/20 2 * * *", "30 * * * *", @hourly) is a
// wildcard job: it runs at the wall times that exist, so nothing is caught
// up for a skipped hour and it runs again in a repeated hour. Any other job
// is a fixed-time job: its times in a skipped hour run as soon as the
// clocks have jumped (at the first instant after the gap), and its times in
// a repeated hour run only the first time round. The runs reported here are
// the daemon's: robfig's list, less the second pass of a fixed-time job
// through a repeated hour (flagged in a note, not counted), plus each
// fixed-time run of a skipped hour at the end of the gap (dst_gap, with the
// wall time it stood for). A wildcard job's times in a skipped hour are not
// runs, but a note names them, so that nothing disappears unsaid.
//
// @every jobs are robfig's own (a fixed interval from whenever the scheduler
// started); zones and clock changes do not touch them, and their times in
// a window are only indicative.

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"feedplan/inventory"
)

// Window is a maintenance window.
type Window struct {
	Start, End time.Time      // absolute instants
	Loc        *time.Location // the zone times are shown in (the --tz of the plan); nil is UTC
}

// Duration is the length of the window in absolute time: a window from
// 01:00 CET to 04:00 CEST on the night the clocks go forward lasts 2h.
func (w Window) Duration() time.Duration { return w.End.Sub(w.Start) }

func (w Window) loc() *time.Location {
	if w.Loc == nil {
		return time.UTC
	}
	return w.Loc
}

// Affected says what is out of service during a window.
type Affected struct {
	// Devices maps each device powered down or at risk to why, written to
	// follow "<device> is ": "powered down (psu1 on r05-a:3 ← source A cut)".
	Devices map[string]string `json:"devices,omitempty"`
	// Services maps each service to its status during the window, written
	// to follow "service <name> is ": "down", "degraded (2 of 3 running,
	// min 2)". A service that is absent, or whose status is "ok", is not
	// affected.
	Services map[string]string `json:"services,omitempty"`
}

// AffectedFrom takes from an evaluation the devices that go down and the
// services that are not ok.
func AffectedFrom(r *Result) Affected {
	a := Affected{Devices: map[string]string{}, Services: map[string]string{}}
	for _, d := range r.Down {
		a.Devices[d.Device] = "powered down (" + joinLosses(d.Reasons) + ")"
	}
	for _, s := range r.Services {
		if s.Status == "ok" {
			continue
		}
		if s.Cause != "" {
			a.Services[s.Service] = s.Status + " (" + s.Cause + ")"
		} else {
			a.Services[s.Service] = fmt.Sprintf("%s (%d of %d running, min %d)", s.Status, s.After, s.Members, s.Min)
		}
	}
	return a
}

// reason says why the job is affected, or "" when it is not.
func (a Affected) reason(j *inventory.Job) string {
	switch {
	case j.Device != "":
		why, ok := a.Devices[j.Device]
		if !ok {
			return ""
		}
		return j.Device + " is " + cmp.Or(why, "affected")
	case j.Service != "":
		st, ok := a.Services[j.Service]
		if !ok {
			return ""
		}
		if f := strings.Fields(st); len(f) > 0 && strings.EqualFold(f[0], "ok") {
			return ""
		}
		return "service " + j.Service + " is " + cmp.Or(st, "affected")
	}
	return ""
}

// Defaults of DeferOptions.
const (
	DefaultSettle    = 30 * time.Minute // power-up, boot and checks after the window end
	DefaultSoon      = 2 * time.Hour
	DefaultMaxListed = 10
	DefaultMaxCount  = 10000
)

// DeferOptions tune DeferJobs. The zero value takes the defaults.
type DeferOptions struct {
	// Before widens the window at its start: a run that starts this long
	// before the power-down may still be running at the cut, and is
	// deferred too. 0: none.
	Before time.Duration
	// Settle is the time after the window end before the affected hosts
	// can run jobs again. The catch-up runs at End+Settle (rounded up to
	// the minute), and a regular run before that is deferred as well: a
	// regular run during power-up would run before its own catch-up.
	// 0 means DefaultSettle; a negative value means none.
	Settle time.Duration
	// Soon: a next regular run within this of the catch-up is pointed out
	// (the catch-up may not be needed). 0 means DefaultSoon; negative, never.
	Soon time.Duration
	// SkipWithin drops the catch-up of a job whose next regular run comes
	// within this of the catch-up time. 0: a catch-up is always proposed
	// (unless the regular run falls at the catch-up time itself).
	SkipWithin time.Duration
	// MaxListed is how many runs of one job are listed (the first and the
	// last halves); the count is always given. 0 means DefaultMaxListed.
	MaxListed int
	// MaxCount bounds how many runs of one job are counted: "* * * * *"
	// over a week is 10080. 0 means DefaultMaxCount.
	MaxCount int
}

func (o DeferOptions) withDefaults() (DeferOptions, error) {
	if o.Before < 0 {
		return o, fmt.Errorf("defer options: before %v is negative", o.Before)
	}
	if o.SkipWithin < 0 {
		return o, fmt.Errorf("defer options: skip-within %v is negative", o.SkipWithin)
	}
	if o.MaxListed < 0 || o.MaxCount < 0 {
		return o, fmt.Errorf("defer options: max listed %d, max count %d: want 0 (the default) or more", o.MaxListed, o.MaxCount)
	}
	switch {
	case o.Settle == 0:
		o.Settle = DefaultSettle
	case o.Settle < 0:
		o.Settle = 0
	}
	if o.Soon == 0 {
		o.Soon = DefaultSoon
	}
	if o.MaxListed == 0 {
		o.MaxListed = DefaultMaxListed
	}
	if o.MaxCount == 0 {
		o.MaxCount = DefaultMaxCount
	}
	o.MaxListed = max(o.MaxListed, 2)           // the first and the last
	o.MaxCount = max(o.MaxCount, o.MaxListed+1) // so that the list can be full
	return o, nil
}

// JobRun is one run of a job.
type JobRun struct {
	At         time.Time `json:"at"`          // the instant
	JobTime    string    `json:"job_time"`    // the wall time in the job's zone: "Sun 2027-03-28 03:00 CEST"
	WindowTime string    `json:"window_time"` // the same instant in the window's zone
	// DSTGap marks a run whose wall time did not exist (the clocks went
	// forward over it): the cron daemon runs it at the end of the gap, At.
	DSTGap bool `json:"dst_gap,omitempty"`
	// Scheduled is, for a DST gap run, the wall time the spec names ("02:30").
	Scheduled string `json:"scheduled,omitempty"`
}

// JobDeferral is one scheduled job that would run during the window on an
// affected device or service.
type JobDeferral struct {
	Job     string `json:"job"`
	Device  string `json:"device,omitempty"`
	Service string `json:"service,omitempty"`
	Cron    string `json:"cron"`
	TZ      string `json:"tz"` // the job's zone, in which its cron spec is read
	Command string `json:"command,omitempty"`
	Comment string `json:"comment,omitempty"`
	Reason  string `json:"reason"` // "news-1 is powered down (psu1 on r05-a:3 ← source A cut)"

	// Runs are the runs that fall in the window (with its margins), in
	// order; at most MaxListed of them, the first and the last, when there
	// are more.
	Runs        []JobRun `json:"runs"`
	RunCount    int      `json:"run_count"`                  // all the runs in the window
	RunsOmitted int      `json:"runs_omitted,omitempty"`     // runs not in Runs
	CountCapped bool     `json:"run_count_capped,omitempty"` // counting stopped at MaxCount: there are more, and Runs ends with the first ones

	// Conflict: the job must not be deferred. It is not moved; the plan
	// must run it before the window or move the window.
	Conflict bool `json:"conflict,omitempty"`
	// RunBefore is, for a conflict, when the job must have run by: the
	// window start, less DeferOptions.Before.
	RunBefore *time.Time `json:"run_before,omitempty"`
	// CatchUp is the one run that replaces all of Runs, after the window;
	// nil for a conflict, or when the next regular run does it.
	CatchUp *JobRun `json:"catch_up,omitempty"`
	// NextRun is the job's first regular run after the window (at or after
	// the catch-up time); nil when it has none in the next five years.
	NextRun     *JobRun `json:"next_run,omitempty"`
	NextRunSoon bool    `json:"next_run_soon,omitempty"` // within DeferOptions.Soon of the catch-up time

	Notes []string `json:"notes,omitempty"` // for people: coalescing, clock changes, the cap, a conflict
}

// DeferJobs lists the jobs of site that would run during the window, from
// opt.Before before w.Start to the catch-up time (w.End plus opt.Settle),
// on an affected device or service, in the order they would have run
// (their first run, then their name).
//
// Each affected job runs once after the window, however many runs it
// misses: they coalesce. A job that is not deferrable is a conflict.
// Clock changes are handled as the hosts' cron daemon does (see the top of
// this file): a run is never lost to a skipped hour, nor counted twice in
// a repeated one unless the daemon runs it twice.
func DeferJobs(site *inventory.Site, w Window, affected Affected, opt DeferOptions) ([]JobDeferral, error) {
	if !w.End.After(w.Start) {
		return nil, fmt.Errorf("window %s – %s: the end is not after the start", w.Start.In(w.loc()).Format(jobStamp), w.End.In(w.loc()).Format(jobStamp))
	}
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	from := w.Start.Add(-opt.Before)
	catchUp := ceilMinute(w.End.Add(opt.Settle))

	var out []JobDeferral
	var errs []error
	for _, j := range site.Jobs {
		why := affected.reason(j)
		if why == "" {
			continue
		}
		js, err := newJobSchedule(j)
		if err != nil {
			errs = append(errs, fmt.Errorf("job %q: %w", j.Name, err))
			continue
		}
		d, ok := js.deferral(w, from, catchUp, opt)
		if !ok {
			continue
		}
		d.Reason = why
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b JobDeferral) int {
		return cmp.Or(a.Runs[0].At.Compare(b.Runs[0].At), cmp.Compare(a.Job, b.Job))
	})
	return out, errors.Join(errs...)
}

// deferral builds the deferral of one affected job; false when it does not
// run between from and catchUp.
func (s *jobSchedule) deferral(w Window, from, catchUp time.Time, opt DeferOptions) (JobDeferral, bool) {
	j := s.job
	d := JobDeferral{
		Job: j.Name, Device: j.Device, Service: j.Service,
		Cron: j.Cron, TZ: s.loc.String(), Command: j.Command, Comment: j.Comment,
	}
	head := (opt.MaxListed + 1) / 2
	tail := make([]JobRun, 0, opt.MaxListed-head) // a ring of the last runs
	var skips skippedRuns
	for o := range s.occurrences(from, catchUp) {
		if o.kind != occRun && o.kind != occGapRun {
			skips.add(o)
			continue
		}
		if d.RunCount == opt.MaxCount {
			d.CountCapped = true
			break
		}
		r := s.run(o, w)
		d.RunCount++
		switch {
		case len(d.Runs) < head:
			d.Runs = append(d.Runs, r)
		case len(tail) < cap(tail):
			tail = append(tail, r)
		default:
			tail[(d.RunCount-head-1)%cap(tail)] = r
		}
	}
	if d.RunCount == 0 {
		return d, false
	}
	if !d.CountCapped {
		k := (d.RunCount - head) % max(cap(tail), 1)
		if len(tail) == cap(tail) && k > 0 {
			tail = append(tail[k:], tail[:k]...)
		}
		d.Runs = append(d.Runs, tail...)
	}
	d.RunsOmitted = d.RunCount - len(d.Runs)

	for o := range s.occurrences(catchUp, catchUp.AddDate(5, 0, 1)) {
		if o.kind == occRun || o.kind == occGapRun {
			r := s.run(o, w)
			d.NextRun = &r
			break
		}
	}

	if s.every {
		d.Notes = append(d.Notes, "an @every job runs at a fixed interval from when its scheduler started: its times here are only indicative")
	}
	d.Notes = append(d.Notes, skips.notes(s.loc)...)
	if d.CountCapped {
		d.Notes = append(d.Notes, fmt.Sprintf("more than %d runs in the window: counting stopped there; the runs listed are the first %d", opt.MaxCount, len(d.Runs)))
	} else if d.RunsOmitted > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d runs in the window: the first %d and the last %d are listed", d.RunCount, head, len(tail)))
	}

	wl := w.loc()
	if !j.CanDefer() {
		d.Conflict = true
		d.RunBefore = &from
		if d.NextRun != nil {
			d.Notes = append(d.Notes, "its next regular run is "+d.NextRun.At.In(wl).Format(jobDay))
		}
		return d, true
	}

	count := strconv.Itoa(d.RunCount)
	if d.CountCapped {
		count = "more than " + count
	}
	if d.NextRun != nil {
		gap := d.NextRun.At.Sub(catchUp)
		d.NextRunSoon = opt.Soon > 0 && gap <= opt.Soon
		next := d.NextRun.At.In(wl).Format(jobDay)
		switch {
		case gap == 0 || (opt.SkipWithin > 0 && gap <= opt.SkipWithin):
			if d.RunCount > 1 {
				d.Notes = append(d.Notes, fmt.Sprintf("no catch-up: its regular run at %s (%s after the window) stands for the %s runs missed", next, jobDur(d.NextRun.At.Sub(w.End)), count))
			} else {
				d.Notes = append(d.Notes, fmt.Sprintf("no catch-up: its regular run at %s (%s after the window) stands for the run missed", next, jobDur(d.NextRun.At.Sub(w.End))))
			}
			return d, true
		case d.NextRunSoon:
			d.Notes = append(d.Notes, fmt.Sprintf("its next regular run, %s, is only %s after the catch-up: the catch-up may not be needed", next, jobDur(gap)))
		}
	} else {
		d.Notes = append(d.Notes, "it has no regular run in the next five years")
	}
	c := s.run(occurrence{at: catchUp}, w)
	d.CatchUp = &c
	if d.RunCount > 1 {
		d.Notes = append(d.Notes, count+" runs coalesce into one")
	}
	return d, true
}

// jobSchedule is a job's cron spec as the daemon on its host runs it.
type jobSchedule struct {
	job   *inventory.Job
	sched cron.Schedule
	spec  *cron.SpecSchedule // nil for @every
	loc   *time.Location
	wild  bool // a wildcard job, to Vixie cron: see the top of this file
	every bool
}

func newJobSchedule(j *inventory.Job) (*jobSchedule, error) {
	sched, err := j.Schedule()
	if err != nil {
		return nil, err
	}
	s := &jobSchedule{job: j, sched: sched, loc: time.UTC}
	switch sc := sched.(type) {
	case *cron.SpecSchedule:
		s.spec = sc
		if sc.Location != nil {
			s.loc = sc.Location
		}
	case cron.ConstantDelaySchedule:
		s.every = true
	default:
		return nil, fmt.Errorf("cron %q: unexpected schedule %T", j.Cron, sched)
	}
	s.wild = vixieWildcard(j.Cron)
	return s, nil
}

// vixieWildcard reports whether Vixie cron treats the spec as a wildcard job:
// its minute or its hour field starts with "*" (or robfig's "?").
func vixieWildcard(spec string) bool {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "@") {
		return spec == "@hourly" // "0 * * * *"; the other descriptors are fixed times
	}
	f := strings.Fields(spec)
	star := func(i int) bool { return i < len(f) && strings.ContainsAny(f[i][:1], "*?") }
	return star(0) || star(1)
}

type occKind int

const (
	occRun     occKind = iota // a run
	occGapRun                 // a fixed-time run whose wall time was skipped: it runs at the end of the gap
	occGapLost                // a wildcard time that was skipped: no run
	occRepeat                 // a fixed-time job's second pass through a repeated hour: no run
)

type occurrence struct {
	at   time.Time
	kind occKind
	wall time.Time // occGapRun, occGapLost: the skipped wall time, in the offset before the change
}

// occurrences yields, in order, the job's runs in [from, to) and the times
// its daemon does not run (occGapLost, occRepeat).
func (s *jobSchedule) occurrences(from, to time.Time) iter.Seq[occurrence] {
	return func(yield func(occurrence) bool) {
		var gaps []occurrence
		if !s.every {
			gaps = s.gapTimes(from, to)
		}
		t := from.Add(-time.Nanosecond) // Next gives the first whole second after t
		for {
			n := s.sched.Next(t)
			if n.IsZero() || !n.Before(to) {
				break
			}
			t = n
			for len(gaps) > 0 && !gaps[0].at.After(n) {
				if !yield(gaps[0]) {
					return
				}
				gaps = gaps[1:]
			}
			o := occurrence{at: n}
			if !s.every && !s.wild && secondPass(n, s.loc) {
				o.kind = occRepeat
			}
			if !yield(o) {
				return
			}
		}
		for _, g := range gaps {
			if !yield(g) {
				return
			}
		}
	}
}

// secondPass reports whether t's wall time in loc already happened once:
// t falls in the hour (or so) that repeats after the clocks went back.
func secondPass(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	start, _ := lt.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, now := lt.Zone()
	_, before := start.Add(-time.Nanosecond).In(loc).Zone()
	back := time.Duration(before-now) * time.Second
	return back > 0 && t.Before(start.Add(back))
}

// gapTimes finds the wall times of the spec that the clocks skip, going
// forward, between from and to: each one is an occGapRun at the instant of the
// change for a fixed-time job, an occGapLost for a wildcard job.
func (s *jobSchedule) gapTimes(from, to time.Time) []occurrence {
	var out []occurrence
	t := from.Add(-time.Nanosecond).In(s.loc)
	for {
		_, change := t.ZoneBounds()
		if change.IsZero() || !change.Before(to) {
			return out
		}
		name, before := change.Add(-time.Nanosecond).In(s.loc).Zone()
		_, after := change.In(s.loc).Zone()
		if skip := time.Duration(after-before) * time.Second; skip > 0 {
			fixed := *s.spec
			fixed.Location = time.FixedZone(name, before)
			for n := fixed.Next(change.Add(-time.Nanosecond)); !n.IsZero() && n.Before(change.Add(skip)); n = fixed.Next(n) {
				o := occurrence{at: change, kind: occGapRun, wall: n.In(fixed.Location)}
				if s.wild {
					o.kind = occGapLost
				}
				out = append(out, o)
			}
		}
		t = change.In(s.loc)
	}
}

func (s *jobSchedule) run(o occurrence, w Window) JobRun {
	r := JobRun{
		At:         o.at,
		JobTime:    o.at.In(s.loc).Format(jobStamp),
		WindowTime: o.at.In(w.loc()).Format(jobStamp),
	}
	if o.kind == occGapRun {
		r.DSTGap = true
		r.Scheduled = o.wall.Format("15:04")
	}
	return r
}

// skippedRuns gathers the times a job does not run, for the notes.
type skippedRuns struct {
	lost, repeats []occurrence
}

func (k *skippedRuns) add(o occurrence) {
	switch o.kind {
	case occGapLost:
		k.lost = append(k.lost, o)
	case occRepeat:
		k.repeats = append(k.repeats, o)
	}
}

func (k *skippedRuns) notes(loc *time.Location) []string {
	var out []string
	for i := 0; i < len(k.lost); {
		change := k.lost[i].at
		n := i
		for n < len(k.lost) && k.lost[n].at.Equal(change) {
			n++
		}
		what := "the run at " + k.lost[i].wall.Format("15:04") + " does not happen"
		if n-i > 1 {
			what = fmt.Sprintf("the %d runs from %s to %s do not happen", n-i, k.lost[i].wall.Format("15:04"), k.lost[n-1].wall.Format("15:04"))
		}
		out = append(out, fmt.Sprintf("the clocks in %s go forward at %s: %s (cron does not catch up a job with * in its minute or hour)",
			loc, change.In(loc).Format(jobShort), what))
		i = n
	}
	for _, o := range k.repeats {
		lt := o.at.In(loc)
		first := lt.Add(-(time.Duration(firstOffset(o.at, loc)-zoneOffset(lt)) * time.Second))
		out = append(out, fmt.Sprintf("%s happens twice in %s as the clocks go back: cron runs the job once, at %s, not again at %s",
			lt.Format("15:04"), loc, first.Format(jobShort), lt.Format(jobShort)))
	}
	return out
}

func zoneOffset(t time.Time) int { _, off := t.Zone(); return off }

// firstOffset is the offset in force before the change that made t's wall
// time repeat.
func firstOffset(t time.Time, loc *time.Location) int {
	start, _ := t.In(loc).ZoneBounds()
	return zoneOffset(start.Add(-time.Nanosecond).In(loc))
}

const (
	jobStamp = "Mon 2006-01-02 15:04 MST"
	jobShort = "Mon 15:04 MST"
	jobDay   = "Mon 2 Jan 15:04 MST" // a run that may be days away
)

func ceilMinute(t time.Time) time.Time {
	if r := t.Truncate(time.Minute); !r.Equal(t) {
		return r.Add(time.Minute)
	}
	return t
}

// jobDur writes 30m, 2h, 1h30m, 3d4h.
func jobDur(d time.Duration) string {
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	var b strings.Builder
	if days > 0 {
		fmt.Fprintf(&b, "%dd", days)
	}
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	return b.String()
}

// Line writes the deferral for people, in the zone loc (the window's):
//
//	newsletter (news-1): Fri 21:00 CET → Sat 00:30 CET (after the window)
//	backup (db-1): Fri 21:00, 22:00, 23:00 CET → Sat 00:30 CET (3 runs coalesce into one after the window)
//	invoice-run (billing-1): Fri 22:00 CET cannot be deferred: run it before Fri 21:00 CET or move the window
func (d *JobDeferral) Line(loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	var b strings.Builder
	b.WriteString(d.Job)
	if d.Device != "" {
		b.WriteString(" (" + d.Device + ")")
	} else {
		b.WriteString(" (service " + d.Service + ")")
	}
	b.WriteString(": ")

	var when []time.Time
	ellipsis := false
	switch {
	case len(d.Runs) <= 3:
		for _, r := range d.Runs {
			when = append(when, r.At)
		}
	default:
		when = []time.Time{d.Runs[0].At, d.Runs[len(d.Runs)-1].At}
		ellipsis = true
	}
	if d.CountCapped {
		b.WriteString(jobTimeList(when[:1], loc, false) + " …") // the last run is not known
	} else {
		b.WriteString(jobTimeList(when, loc, ellipsis))
	}
	var gap []string
	for _, r := range d.Runs {
		if r.DSTGap {
			gap = append(gap, r.Scheduled+" runs at "+r.At.In(loc).Format("15:04 MST")+" (the clocks go forward)")
		}
	}
	if len(gap) > 0 {
		b.WriteString(" [" + strings.Join(slices.Compact(gap), "; ") + "]")
	}

	count := strconv.Itoa(d.RunCount)
	if d.CountCapped {
		count = "more than " + count
	}
	switch {
	case d.Conflict:
		b.WriteString(" cannot be deferred: run it before " + d.RunBefore.In(loc).Format(jobShort) + " or move the window")
	case d.CatchUp == nil:
		b.WriteString(" → no catch-up: the next regular run, " + d.NextRun.At.In(loc).Format(jobDay) + ", stands for ")
		if d.RunCount > 1 {
			b.WriteString("the " + count + " runs")
		} else {
			b.WriteString("it")
		}
	default:
		b.WriteString(" → " + d.CatchUp.At.In(loc).Format(jobShort))
		if d.RunCount > 1 {
			b.WriteString(" (" + count + " runs coalesce into one after the window")
		} else {
			b.WriteString(" (after the window")
		}
		if d.NextRunSoon {
			b.WriteString("; next regular run " + d.NextRun.At.In(loc).Format(jobDay))
		}
		b.WriteString(")")
	}
	return b.String()
}

// jobTimeList writes instants the short way: "Fri 21:00, 22:00, 23:00 CET",
// "Fri 23:00 CET, Sat 01:00 CET", or "Fri 21:00 … Sat 08:59 CET" (open).
func jobTimeList(ts []time.Time, loc *time.Location, open bool) string {
	sep := ", "
	if open {
		sep = " … "
	}
	var b strings.Builder
	for i, t := range ts {
		t = t.In(loc)
		if i > 0 {
			b.WriteString(sep)
		}
		if i == 0 || t.Weekday() != ts[i-1].In(loc).Weekday() || t.Sub(ts[i-1]) >= 24*time.Hour {
			b.WriteString(t.Format("Mon "))
		}
		b.WriteString(t.Format("15:04"))
		if i == len(ts)-1 || ts[i+1].In(loc).Format("MST") != t.Format("MST") || ts[i+1].In(loc).Weekday() != t.Weekday() {
			b.WriteString(t.Format(" MST"))
		}
	}
	return b.String()
}
