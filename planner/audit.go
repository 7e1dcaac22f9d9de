package planner

import (
	"fmt"
	"io"
	"strings"
)

// Audit is the redundancy audit of a site plus its N-1 sweep.
type Audit struct {
	Site            string          `json:"site"`
	ATS             ATSMode         `json:"ats"`
	Swept           int             `json:"elements_swept"`
	Harmful         []Impact        `json:"harmful"` // single failures that take devices down or trip something, worst first
	SingleCorded    []DeviceFinding `json:"single_corded"`
	FalseRedundancy []DeviceFinding `json:"false_redundancy"`
	UntestedATS     []ATSFinding    `json:"ats_not_proven"`
	Failover        []FeedFailover  `json:"feed_failover"`
	Top             []Impact        `json:"top"` // the worst single failures, harmful or not
}

// DeviceFinding is a device whose power is not as redundant as it looks.
type DeviceFinding struct {
	Device  string `json:"device"`
	Rack    string `json:"rack,omitempty"`
	Finding string `json:"finding"`
}

// ATSFinding is an ATS that devices rely on although it has not passed a
// switchover test.
type ATSFinding struct {
	ATS     string   `json:"ats"`
	Test    string   `json:"test"`
	Devices []string `json:"devices"` // devices that lose power if it does not transfer
}

// FeedFailover is what the surviving side carries when one feed is lost.
type FeedFailover struct {
	Source string        `json:"source"`
	Down   int           `json:"down"`
	Trips  []Trip        `json:"trips"`
	Warn   []ElementLoad `json:"warn"` // above 80 % of rating
}

// Problems reports whether the audit found anything a technician must act on.
func (a *Audit) Problems() bool {
	return len(a.Harmful) > 0 || len(a.FalseRedundancy) > 0 || len(a.UntestedATS) > 0
}

// Audit runs the N-1 sweep and the redundancy checks.
func (e *Evaluator) Audit(tmpl Scenario, opt SweepOptions) *Audit {
	g, b := e.g, e.base
	a := &Audit{Site: g.Site.Name, ATS: tmpl.ATS, Harmful: []Impact{}, SingleCorded: []DeviceFinding{},
		FalseRedundancy: []DeviceFinding{}, UntestedATS: []ATSFinding{}}
	sweep := e.Sweep(tmpl, opt)
	a.Swept = len(sweep)
	for _, im := range sweep {
		if im.Harmful() {
			a.Harmful = append(a.Harmful, im)
		}
	}
	a.Top = sweep[:min(len(sweep), 10)]

	// Per device: which single element would take it down.
	count := make(map[int32]int)
	for di := range g.devices {
		d := &g.devices[di]
		plugged := 0
		clear(count)
		for p := d.psu0; p < d.psu0+d.npsu; p++ {
			o := g.psuOut[p]
			if o < 0 {
				continue
			}
			plugged++
			for i := o; i >= 0; i = g.parent[i] {
				count[i]++
				if a := g.atsOf[i]; a >= 0 {
					// Above an ATS only what feeds both its inputs is a
					// single element: a shared panel or source.
					for _, c := range g.commonFeeders(a) {
						count[c]++
					}
					break
				}
			}
		}
		f := DeviceFinding{Device: d.dev.Name, Rack: d.dev.Rack}
		switch {
		case plugged == 0:
			f.Finding = "no supply is plugged in"
			a.SingleCorded = append(a.SingleCorded, f)
			continue
		case plugged == 1 && d.npsu == 1:
			f.Finding = "single-corded: " + g.spofText(d, count)
			a.SingleCorded = append(a.SingleCorded, f)
			continue
		case plugged < int(d.npsu):
			f.Finding = fmt.Sprintf("%d of %d supplies plugged in", plugged, d.npsu)
			if plugged <= int(d.min) {
				f.Finding += ": no spare supply; " + g.spofText(d, count)
			}
			a.FalseRedundancy = append(a.FalseRedundancy, f)
			continue
		}
		// The topmost element whose loss leaves fewer than min supplies.
		need := plugged - int(d.min) + 1
		top := int32(-1)
		for i, n := range count {
			if n >= need && (top < 0 || i < top) {
				top = i
			}
		}
		if top >= 0 {
			f.Finding = fmt.Sprintf("all %d supplies depend on %s", plugged, g.label(top))
			if need < plugged {
				f.Finding = fmt.Sprintf("%d of %d supplies depend on %s (needs %d)", count[top], plugged, g.label(top), d.min)
			}
			a.FalseRedundancy = append(a.FalseRedundancy, f)
		}
	}

	// ATS units that devices rely on without a passed test.
	for ai := range g.ats {
		an := &g.ats[ai]
		if an.unit.Test.Passed() || !b.live[an.node] {
			continue
		}
		sc := Scenario{Cut: []Element{g.element(an.node)}}
		r, err := e.Evaluate(sc)
		if err != nil || len(r.Down) == 0 {
			continue
		}
		f := ATSFinding{ATS: an.unit.Name, Test: "never tested"}
		if an.unit.Test != nil {
			f.Test = fmt.Sprintf("last test %s on %s", an.unit.Test.Result, an.unit.Test.Date)
		}
		for _, d := range r.Down {
			f.Devices = append(f.Devices, d.Device)
		}
		a.UntestedATS = append(a.UntestedATS, f)
	}

	// What each feed's loss puts on the other side.
	for _, src := range g.Site.Sources {
		sc := tmpl
		sc.Cut = []Element{{Source, src.Name}}
		r, err := e.Evaluate(sc)
		if err != nil {
			continue
		}
		ff := FeedFailover{Source: src.Name, Down: len(r.Down), Trips: []Trip{}, Warn: []ElementLoad{}}
		for _, st := range r.Cascade {
			ff.Trips = append(ff.Trips, st.Tripped...)
		}
		for _, x := range r.Elements {
			if x.Status == "warn" {
				ff.Warn = append(ff.Warn, x)
			}
		}
		a.Failover = append(a.Failover, ff)
	}
	return a
}

// spofText names the topmost element a device's only supply hangs on.
func (g *Graph) spofText(d *devNode, count map[int32]int) string {
	top := int32(-1)
	for i := range count {
		if top < 0 || i < top {
			top = i
		}
	}
	if top < 0 {
		return "no supply"
	}
	if g.kind[top] == ATS {
		return "behind " + g.label(top) + " (its output is a single point of failure)"
	}
	return "lost with " + g.label(top)
}

// Render writes the audit.
func (a *Audit) Render(w io.Writer, f Format, opt RenderOptions) error {
	if f == JSON {
		return writeJSON(w, a)
	}
	d := &doc{w: w, md: f == Markdown, lim: opt.Limit}
	title := fmt.Sprintf("Redundancy audit of site %s", a.Site)
	if d.md {
		d.printf("# %s\n\n", title)
	} else {
		d.printf("%s\n", title)
	}
	d.line(fmt.Sprintf("N-1 sweep: %d elements failed one at a time (ATS assumption: %s); %d take a device down or trip a breaker.", a.Swept, a.ATS, len(a.Harmful)))

	d.heading("Feed failover: what the surviving side carries")
	rows := [][]string{{"FEED LOST", "DOWN", "TRIPS", "ABOVE 80 %"}}
	for _, ff := range a.Failover {
		var trips, warn []string
		for _, t := range ff.Trips {
			trips = append(trips, fmt.Sprintf("%s %s %.1f A > %g A", t.Element.Kind, t.Element.Name, t.Amps, t.Rating))
		}
		for _, x := range ff.Warn {
			warn = append(warn, fmt.Sprintf("%s %s %s", x.Element.Kind, x.Element.Name, pct(x.Share())))
		}
		rows = append(rows, []string{ff.Source, fmt.Sprint(ff.Down), abbreviate(trips, 3), abbreviate(warn, 3)})
	}
	d.table(rows)

	d.heading(fmt.Sprintf("Single failures that take devices down: %d", len(a.Harmful)))
	rows = [][]string{{"ELEMENT", "DOWN", "SERVICES BELOW MIN", "TRIPS", "DEVICES"}}
	for _, im := range a.Harmful {
		rows = append(rows, []string{im.Element.String(), fmt.Sprint(len(im.Down)), orNone(im.ServicesBelow), fmt.Sprint(im.Trips), abbreviate(im.Down, 6)})
	}
	d.table(rows)

	d.heading(fmt.Sprintf("ATS units relied on without a passed test: %d", len(a.UntestedATS)))
	rows = [][]string{{"ATS", "TEST", "DEVICES LOST IF IT DOES NOT TRANSFER"}}
	for _, f := range a.UntestedATS {
		rows = append(rows, []string{f.ATS, f.Test, fmt.Sprintf("%d: %s", len(f.Devices), abbreviate(f.Devices, 8))})
	}
	d.table(rows)

	d.heading("False redundancy: " + plural(len(a.FalseRedundancy), "device", "devices"))
	rows = [][]string{{"DEVICE", "RACK", "FINDING"}}
	for _, f := range a.FalseRedundancy {
		rows = append(rows, []string{f.Device, f.Rack, f.Finding})
	}
	d.table(rows)

	d.heading("Single-corded devices: " + fmt.Sprint(len(a.SingleCorded)))
	rows = [][]string{{"DEVICE", "RACK", "FINDING"}}
	for _, f := range a.SingleCorded {
		rows = append(rows, []string{f.Device, f.Rack, f.Finding})
	}
	d.table(rows)

	d.heading("Worst single failures")
	rows = [][]string{{"ELEMENT", "DOWN", "REDUNDANCY LOST", "MOST LOADED AFTER"}}
	for _, im := range a.Top {
		worst := "-"
		if im.Worst != nil {
			worst = fmt.Sprintf("%s %s %.1f A of %g A (%s)", im.Worst.Element.Kind, im.Worst.Element.Name, im.Worst.After, im.Worst.Rating, pct(im.Worst.Share()))
		}
		rows = append(rows, []string{im.Element.String(), fmt.Sprint(len(im.Down)), fmt.Sprint(im.RedundancyLost), worst})
	}
	d.table(rows)
	return d.err
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func abbreviate(s []string, n int) string {
	if len(s) <= n {
		return orNone(s)
	}
	return strings.Join(s[:n], ", ") + fmt.Sprintf(" +%d more", len(s)-n)
}

// commonFeeders lists the elements that feed both inputs of ATS a (a
// panel or source both input circuits hang from), nearest first.
func (g *Graph) commonFeeders(a int32) []int32 {
	in := g.ats[a].in
	above := map[int32]bool{}
	for i := in[0]; i >= 0; i = g.parent[i] {
		above[i] = true
	}
	var out []int32
	for i := in[1]; i >= 0; i = g.parent[i] {
		if above[i] {
			out = append(out, i)
		}
	}
	return out
}
