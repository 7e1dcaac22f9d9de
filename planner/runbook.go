package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"feedplan/inventory"
)

// Timings of the runbook that are not settings.
const (
	verifyLag   = 2 * time.Minute  // from a cut or a restore to checking it
	waveGap     = time.Minute      // from a wave confirmed up to the next wave
	watchLag    = 10 * time.Minute // from the cut to the first look at the surviving side
	workMin     = 15 * time.Minute // the least time between the cut and the restore
	bootTime    = 10 * time.Minute // from power-up to a device drawing its load
	holdLead    = 5 * time.Minute  // queues are held this long before the first shutdown
	releaseLag  = 5 * time.Minute  // a queue is released this long after its MTA draws again
	postLag     = 5 * time.Minute  // post-checks after the last device is up
	deferLead   = 20 * time.Minute // jobs are paused this long before the window
	maxListText = 12               // devices named in one step title before "and N more"
)

// runbook lays the steps out in time: pre-flight, job deferral, holds,
// power-down waves, the cut, the restore, power-up waves in reverse,
// releases, post-checks.
func (m *maint) runbook() {
	p, req, set := m.p, m.req, &m.req.Settings
	add := func(st RunStep) *RunStep {
		p.Steps = append(p.Steps, st)
		return &p.Steps[len(p.Steps)-1]
	}
	start, end := req.Start, req.End

	// Pre-flight.
	add(RunStep{ID: "preflight", Phase: PhasePreflight, At: start.Add(-preflightLead), Kind: StepCheck, Auto: true,
		Title:  "Pre-flight: poll the site and check again (surviving supplies draw current, ATS inputs healthy, predicted load below 80 %)",
		Detail: "feedplan plan run re-checks from a fresh poll; stop here on any failure"})
	for _, j := range p.Jobs {
		if j.Conflict {
			continue
		}
		add(RunStep{ID: "defer/" + j.Job, Phase: PhasePreflight, At: earliest(start, j.Runs[0].At).Add(-deferLead), Kind: StepDeferJob, Job: j.Job,
			Title:  "Pause job " + j.Line(req.Loc),
			Detail: j.Reason})
	}

	// Holds, then the power-down in waves.
	waves := 0
	for _, pd := range p.PowerDown {
		waves = max(waves, pd.Wave)
	}
	downAt := start.Add(holdLead)
	if waves == 0 {
		downAt = start
	}
	holdAt := start
	mtaDown := map[string]bool{}
	for _, pd := range p.PowerDown {
		mtaDown[pd.Device] = true
	}
	var held []int // indexes into p.Queues
	for _, q := range m.g.Site.MailQueues {
		if !mtaDown[q.Device] {
			continue
		}
		rate := q.ReleaseRate
		if rate <= 0 {
			rate = set.ReleaseRate
		}
		add(RunStep{ID: "hold/" + q.Name, Phase: PhaseHold, At: holdAt, Kind: StepHoldQueue, Auto: true, Queue: q.Name, Device: q.Device,
			Title: fmt.Sprintf("Hold mail queue %s on %s (%s): nothing leaves, nothing is lost", q.Name, q.Device, q.Kind)})
		p.Queues = append(p.Queues, QueuePlan{Queue: q.Name, Device: q.Device, Kind: q.Kind, Rate: rate, HeldFrom: "hold/" + q.Name})
		held = append(held, len(p.Queues)-1)
	}
	wait := time.Duration(set.ShutdownWait)
	for w := 1; w <= waves; w++ {
		at := downAt.Add(time.Duration(w-1) * wait)
		for _, pd := range p.PowerDown {
			if pd.Wave != w {
				continue
			}
			for _, q := range m.g.Site.MailQueues {
				if q.Device == pd.Device {
					add(RunStep{ID: "hold-final/" + q.Name, Phase: PhaseDown, At: at, Kind: StepHoldQueue, Auto: true, Wave: w, Queue: q.Name, Device: q.Device,
						Title: fmt.Sprintf("Hold mail queue %s again, right before %s goes down: what it accepted since the first hold stays too", q.Name, q.Device)})
				}
			}
			sd := RunStep{ID: "shutdown/" + pd.Device, Phase: PhaseDown, At: at, Kind: StepShutdown, Wave: w, Device: pd.Device, Action: pd.Shutdown, Auto: pd.Shutdown != "",
				Title: "Shut down " + pd.Device + servicesNote(pd.Services), Detail: pd.Why}
			if pd.Shutdown == "" {
				sd.Detail += "; no shutdown action in the inventory: shut it down by hand"
			}
			add(sd)
			add(RunStep{ID: "verify-off/" + pd.Device, Phase: PhaseDown, At: at, Kind: StepVerifyOff, Auto: true, Wave: w, Device: pd.Device, Outlets: pd.Outlets,
				Title: fmt.Sprintf("Confirm %s is off: its outlets %s draw ≤ %.1f A within %s", pd.Device, strings.Join(pd.Outlets, ", "), set.OffAmps, shortDur(wait))})
			if set.SwitchOutlets && len(pd.Outlets) > 0 {
				add(RunStep{ID: "outlet-off/" + pd.Device, Phase: PhaseDown, At: at, Kind: StepOutletOff, Auto: true, Wave: w, Device: pd.Device, Outlets: pd.Outlets,
					Title: fmt.Sprintf("Switch off the outlets of %s: %s", pd.Device, strings.Join(pd.Outlets, ", "))})
			}
		}
	}

	// The cut.
	cutAt := downAt.Add(time.Duration(waves) * wait)
	var cut []string
	for _, c := range req.Scenario.Cut {
		cut = append(cut, c.String())
	}
	darkPDUs, liveAfter := m.cutPDUs()
	var transfers []string
	for _, t := range m.res.Transfers {
		if t.Outcome == Transferred {
			transfers = append(transfers, t.ATS)
		}
	}
	if len(cut) > 0 {
		add(RunStep{ID: "cut", Phase: PhaseCut, At: cutAt, Kind: StepCut, Title: "Cut " + strings.Join(cut, ", "),
			Detail: "the technician de-energises what is named; confirm when done"})
		vc := RunStep{ID: "verify-cut", Phase: PhaseCut, At: cutAt.Add(verifyLag), Kind: StepVerifyCut, Auto: true, PDUs: darkPDUs, ATS: transfers,
			Title: fmt.Sprintf("Verify the cut: %s read 0 A", plural(len(darkPDUs), "PDU", "PDUs"))}
		switch len(transfers) {
		case 0:
		case 1:
			vc.Title += fmt.Sprintf(", ATS %s on its other input", transfers[0])
		default:
			vc.Title += fmt.Sprintf(", ATS %s on their other inputs", strings.Join(transfers, ", "))
		}
		add(vc)
		add(RunStep{ID: "watch", Phase: PhaseCut, At: cutAt.Add(watchLag), Kind: StepWatch, Auto: true, PDUs: liveAfter,
			Title:  "Watch the surviving side: every breaker, bank and inlet below 80 %",
			Detail: "repeat during the work; 'feedplan monitor' alerts on it"})
	}

	// Power-up budget: each wave's devices staggered, then their boot and
	// its confirmation before the next wave starts; then the checks.
	stagger := time.Duration(set.Stagger)
	upBudget := verifyLag + postLag
	for w := 1; w <= waves; w++ {
		n := 0
		for _, pd := range p.PowerDown {
			if pd.Wave == w {
				n++
			}
		}
		if n > 0 {
			upBudget += time.Duration(n)*stagger + bootTime + waveGap
		}
	}
	restoreAt := end.Add(-upBudget).Truncate(time.Minute)
	if min := cutAt.Add(workMin); restoreAt.Before(min) {
		restoreAt = min
	}
	if len(cut) > 0 {
		add(RunStep{ID: "restore", Phase: PhaseRestore, At: restoreAt, Kind: StepRestore, Title: "Restore " + strings.Join(cut, ", "),
			Detail: "the technician re-energises what was cut; confirm when done"})
		add(RunStep{ID: "verify-power", Phase: PhaseRestore, At: restoreAt.Add(verifyLag), Kind: StepVerifyPower, Auto: true, PDUs: darkPDUs,
			Title: fmt.Sprintf("Verify power is back: the %s cut are live again", plural(len(darkPDUs), "PDU", "PDUs"))})
	}

	// Power-up: what others depend on first (reverse waves). In each wave
	// the outlets come on one device at a time (inrush), then the devices
	// that do not start by themselves are started, then every one of them
	// is confirmed up before the next wave begins.
	upAt := restoreAt.Add(verifyLag)
	upOf := map[string]time.Time{}
	for w := waves; w >= 1; w-- {
		var names []string
		at := upAt
		for _, pd := range p.PowerDown {
			if pd.Wave != w {
				continue
			}
			names = append(names, pd.Device)
			if set.SwitchOutlets && len(pd.Outlets) > 0 {
				add(RunStep{ID: "outlet-on/" + pd.Device, Phase: PhaseUp, At: at, Kind: StepOutletOn, Auto: true, Wave: w, Device: pd.Device, Outlets: pd.Outlets,
					Title: fmt.Sprintf("Switch on the outlets of %s: %s", pd.Device, strings.Join(pd.Outlets, ", "))})
			}
			upOf[pd.Device] = at
			at = at.Add(stagger)
		}
		if len(names) == 0 {
			continue
		}
		how := "devices set to power on when power returns start by themselves; start the others by their power button or BMC, in this order, " + shortDur(stagger) + " apart"
		if set.SwitchOutlets {
			how = "their outlets are on; " + how
		}
		add(RunStep{ID: fmt.Sprintf("power-on/wave-%d", w), Phase: PhaseUp, At: at, Kind: StepPowerOn, Wave: w,
			Title: fmt.Sprintf("Start wave %d: %s", w, listNames(names)), Detail: how})
		confirmAt := at.Add(bootTime)
		for _, n := range names {
			add(RunStep{ID: "verify-on/" + n, Phase: PhaseUp, At: confirmAt, Kind: StepVerifyOn, Auto: true, Wave: w, Device: n, Outlets: outletsOf(p, n),
				Title: fmt.Sprintf("Confirm %s is up: it draws current again", n)})
			upOf[n] = confirmAt
		}
		upAt = confirmAt.Add(waveGap)
	}
	lastUp := upAt

	// Releases: each queue once its MTA is up, at its rate.
	for _, qi := range held {
		q := &p.Queues[qi]
		at := lastUp
		if t, ok := upOf[q.Device]; ok {
			at = t.Add(releaseLag)
		}
		add(RunStep{ID: "release/" + q.Queue, Phase: PhaseRelease, At: at, Kind: StepReleaseQ, Auto: true, Queue: q.Queue, Device: q.Device, Rate: q.Rate,
			Title: fmt.Sprintf("Release mail queue %s at %.0f messages a minute", q.Queue, q.Rate)})
		q.ReleasedAt = "release/" + q.Queue
		m.queueEstimate(q, at.Sub(holdAt))
	}
	post := lastUp.Add(postLag)
	add(RunStep{ID: "post-check", Phase: PhasePost, At: post, Kind: StepPostCheck, Auto: true, PDUs: darkPDUs, Outlets: m.touchedOutlets(),
		Title: "Post-checks: every device has all its supplies live and drawing, no alert open"})
	// Deferred jobs resume once everything is back: at their catch-up time,
	// or after the post-checks if those run later.
	for _, j := range p.Jobs {
		if j.Conflict {
			continue
		}
		st := RunStep{ID: "run-job/" + j.Job, Phase: PhasePost, Kind: StepRunJob, Job: j.Job, Detail: j.Command}
		switch {
		case j.CatchUp != nil:
			st.At = latest(j.CatchUp.At, post.Add(releaseLag))
			st.Title = fmt.Sprintf("Resume job %s and run it once now (it missed %s in the window)", j.Job, plural(j.RunCount, "run", "runs"))
		case j.NextRun != nil && j.NextRun.At.Before(post.Add(releaseLag)):
			// Its regular run falls while it is still paused: it is missed too.
			st.At = post.Add(releaseLag)
			st.Title = fmt.Sprintf("Resume job %s and run it once now: its next regular run, %s, came before the post-checks ended", j.Job, m.when(j.NextRun.At))
		case j.NextRun != nil:
			st.At = latest(j.NextRun.At.Add(-deferLead), post.Add(releaseLag))
			st.Title = fmt.Sprintf("Resume job %s: its next regular run, %s, stands for the missed ones", j.Job, m.when(j.NextRun.At))
		default:
			continue
		}
		add(st)
	}
	if post.After(end) {
		p.Preflight.Checks = append(p.Preflight.Checks, Check{Name: "window-fits", Object: "window",
			Detail: fmt.Sprintf("the runbook needs until %s, %s past the window's end (%s)", m.when(post), shortDur(post.Sub(end)), m.when(end)),
			Fix:    "start earlier, end later, or shorten --shutdown-timeout and --stagger"})
	}
	slices.SortStableFunc(p.Steps, func(a, b RunStep) int { return a.At.Compare(b.At) })
	for i := range p.Steps {
		p.Steps[i].N = i + 1
	}
}

// queueEstimate fills the backlog, drain and lifetime of a held queue and
// warns when a message held from the start would near its lifetime.
func (m *maint) queueEstimate(q *QueuePlan, hold time.Duration) {
	mq := m.g.Site.MailQueue(q.Queue)
	life := DefaultLifetime // Postfix's maximal_queue_lifetime
	if mq.Lifetime != "" {
		var err error
		if life, err = inventory.ParseLifetime(mq.Lifetime); err != nil { // the loader checked it
			life = DefaultLifetime
		}
	}
	q.Hold, q.Lifetime = Duration(hold), Duration(life)
	q.Backlog = int(mq.Rate*hold.Hours() + 0.5)
	if q.Rate > 0 {
		q.Drain = Duration(time.Duration(float64(q.Backlog) / q.Rate * float64(time.Minute)).Round(time.Second))
	}
	total := hold + time.Duration(q.Drain)
	switch {
	case total >= life:
		q.Warning = fmt.Sprintf("hold %s + drain %s exceeds the queue lifetime %s: mail would bounce; raise the release rate or the lifetime", shortDur(hold), shortDur(time.Duration(q.Drain)), shortDur(life))
	case total >= life*8/10:
		q.Warning = fmt.Sprintf("hold %s + drain %s is over 80 %% of the queue lifetime %s: raise the lifetime for the window", shortDur(hold), shortDur(time.Duration(q.Drain)), shortDur(life))
	}
	if q.Warning != "" {
		m.p.Warnings = append(m.p.Warnings, "mail queue "+q.Queue+": "+q.Warning)
	}
}

// cutPDUs lists the PDUs the scenario darkens, and the PDUs that stay live.
func (m *maint) cutPDUs() (dark, live []string) {
	g, s, b := m.g, m.s, m.e.base
	for _, pd := range g.Site.PDUs {
		i := g.pdus[pd.Name].pdu
		switch {
		case b.live[i] && !m.first.live[i]: // the cut's, not a trip's
			dark = append(dark, pd.Name)
		case s.live[i]:
			live = append(live, pd.Name)
		}
	}
	return dark, live
}

// touchedOutlets lists the outlets of every device that lost a supply or
// was shut down: the post-check reads them all.
func (m *maint) touchedOutlets() []string {
	g, s, b := m.g, m.s, m.e.base
	var out []string
	for di := range g.devices {
		d := &g.devices[di]
		if _, off := m.down[di]; !off && s.nlive[di] >= b.nlive[di] {
			continue
		}
		for _, pl := range d.dev.PSUs {
			if !pl.Unplugged() {
				out = append(out, pl.String())
			}
		}
	}
	return out
}

func outletsOf(p *Plan, device string) []string {
	for _, pd := range p.PowerDown {
		if pd.Device == device {
			return pd.Outlets
		}
	}
	return nil
}

func servicesNote(svcs []string) string {
	if len(svcs) == 0 {
		return ""
	}
	return " (" + strings.Join(svcs, ", ") + ")"
}

func listNames(names []string) string {
	if len(names) <= maxListText {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:maxListText], ", ") + fmt.Sprintf(" and %d more", len(names)-maxListText)
}

// when writes an instant in the plan's zone: "Sat 28 Nov 21:30 CET".
func (m *maint) when(t time.Time) string { return t.In(m.req.Loc).Format("Mon 2 Jan 15:04 MST") }

// shortDur writes a duration without zero units: "5m", "1h30m", "2d3h".
func shortDur(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	s := strings.TrimSuffix(d.String(), "0s")
	s = strings.TrimSuffix(s, "0m")
	if s == "" || s == "0" {
		s = ""
	}
	if days > 0 {
		return fmt.Sprintf("%dd%s", days, s)
	}
	return s
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
