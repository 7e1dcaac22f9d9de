package planner

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
)

// Format is an output format for reports.
type Format string

const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "markdown"
)

// ParseFormat parses text, json or markdown (md).
func ParseFormat(s string) (Format, error) {
	switch s {
	case "text", "":
		return Text, nil
	case "json":
		return JSON, nil
	case "markdown", "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("output %q: want text, json or markdown", s)
}

// RenderOptions tune the human renderings.
type RenderOptions struct {
	Limit int // rows per section before "… and N more"; 0 means all
}

// writeJSON writes v indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// doc writes the same report as plain text or Markdown.
type doc struct {
	w   io.Writer
	md  bool
	lim int
	err error
}

func (d *doc) printf(format string, args ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, args...)
	}
}

func (d *doc) heading(title string) {
	if d.md {
		d.printf("\n## %s\n\n", title)
	} else {
		d.printf("\n%s\n", strings.ToUpper(title))
	}
}

// table writes rows under a header; the first row is the header.
func (d *doc) table(rows [][]string) {
	if len(rows) < 2 {
		return
	}
	// Rows whose first cell is empty continue the row above: the limit
	// counts records, not lines.
	records, more := 0, 0
	for i := 1; i < len(rows); i++ {
		if rows[i][0] == "" {
			continue
		}
		records++
		if d.lim > 0 && records > d.lim {
			for _, r := range rows[i:] {
				if r[0] != "" {
					more++
				}
			}
			rows = rows[:i]
			break
		}
	}
	if d.md {
		for i, r := range rows {
			for j := range r {
				r[j] = strings.ReplaceAll(r[j], "|", `\|`)
			}
			d.printf("| %s |\n", strings.Join(r, " | "))
			if i == 0 {
				d.printf("|%s\n", strings.Repeat("---|", len(r)))
			}
		}
		d.printf("\n") // a table ends at a blank line
	} else {
		tw := tabwriter.NewWriter(d.w, 2, 4, 2, ' ', 0)
		for _, r := range rows {
			fmt.Fprintf(tw, "  %s\n", strings.Join(r, "\t"))
		}
		if err := tw.Flush(); err != nil && d.err == nil {
			d.err = err
		}
	}
	if more > 0 {
		d.line(fmt.Sprintf("… and %d more (use --limit 0 to list all, or -o json)", more))
	}
}

// lossRows lays out a device's dark supplies: in text one cause per
// line (continuation lines have empty leading cells), in Markdown one row.
func (d *doc) lossRows(key, head []string, losses []SupplyLoss) [][]string {
	parts := append(head, lossGroups(losses)...)
	if d.md || len(parts) <= 1 {
		return [][]string{append(slices.Clone(key), strings.Join(parts, " "))}
	}
	out := [][]string{append(slices.Clone(key), parts[0])}
	for _, p := range parts[1:] {
		out = append(out, append(make([]string, len(key)), p))
	}
	return out
}

func (d *doc) line(s string) {
	if d.md {
		d.printf("%s\n\n", s)
	} else {
		d.printf("  %s\n", s)
	}
}

func amps(a float64) string { return fmt.Sprintf("%.1f A", a) }

func pct(x float64) string { return fmt.Sprintf("%.0f %%", math.Round(100*x)) }

// plural writes "1 device", "2 devices".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Render writes the result in the given format.
func (r *Result) Render(w io.Writer, f Format, opt RenderOptions) error {
	if f == JSON {
		return writeJSON(w, r)
	}
	d := &doc{w: w, md: f == Markdown, lim: opt.Limit}
	title := fmt.Sprintf("What if: %s on site %s", r.Scenario, r.Site)
	if d.md {
		d.printf("# %s\n\n", title)
	} else {
		d.printf("%s\n", title)
	}
	d.line(fmt.Sprintf("ATS assumption: %s. Loads: %s.", r.atsAssumption(), r.loadsNote()))

	d.heading(fmt.Sprintf("Devices down: %d", len(r.Down)))
	if len(r.Down) == 0 {
		d.line("Every device that was running keeps running.")
	}
	rows := [][]string{{"DEVICE", "RACK", "WHY"}}
	for _, x := range r.Down {
		var head []string
		if x.Live > 0 {
			head = []string{fmt.Sprintf("%d of its supplies live, needs %d:", x.Live, x.Min)}
		}
		rows = append(rows, d.lossRows([]string{x.Device, x.Rack}, head, x.Reasons)...)
	}
	d.table(rows)

	if len(r.Cascade) > 0 {
		d.heading("Cascade")
		rows = [][]string{{"STEP", "TRIPS", "LOAD", "RATING"}}
		for _, st := range r.Cascade {
			for _, t := range st.Tripped {
				rows = append(rows, []string{fmt.Sprint(st.N), t.Element.Kind.String() + " " + t.Element.Name, amps(t.Amps), fmt.Sprintf("%g A", t.Rating)})
			}
		}
		d.table(rows)
		d.line("A trip here means the load is above the rating. A real breaker holds a small overload")
		d.line("for a while (its trip curve): read these as loads to move before the cut, not as timings.")
	}

	d.heading(fmt.Sprintf("Services: %d affected", len(r.Services)))
	if len(r.Services) == 0 {
		d.line("Every service keeps all its running members.")
	}
	rows = [][]string{{"SERVICE", "RUNNING", "MIN", "STATUS"}}
	for _, s := range r.Services {
		status := s.Status
		if s.Cause != "" {
			status += ": " + s.Cause
		}
		rows = append(rows, []string{s.Service, fmt.Sprintf("%d → %d of %d", s.Before, s.After, s.Members), fmt.Sprint(s.Min), status})
	}
	d.table(rows)

	if len(r.Transfers) > 0 {
		d.heading("ATS units")
		rows = [][]string{{"ATS", "INPUT", "OUTCOME"}}
		for _, t := range r.Transfers {
			in := t.From + " → " + t.To
			if t.To == "" {
				in = t.From + " → (dark)"
			}
			out := t.Note
			if t.Relied {
				out = "transferred; " + out
			}
			rows = append(rows, []string{t.ATS, in, out})
		}
		d.table(rows)
	}

	d.heading("Redundancy lost: " + plural(len(r.Redundancy), "device runs on its last supplies", "devices run on their last supplies"))
	rows = [][]string{{"DEVICE", "LIVE/MIN", "LOST"}}
	for _, x := range r.Redundancy {
		rows = append(rows, d.lossRows([]string{x.Device, fmt.Sprintf("%d/%d", x.Live, x.Min)}, nil, x.Lost)...)
	}
	d.table(rows)

	var hot []ElementLoad
	for _, e := range r.Elements {
		if e.Status == "tripped" || e.Status == "warn" {
			hot = append(hot, e)
		}
	}
	d.heading(fmt.Sprintf("Loads: %s above %.0f %% of the rating or tripped", plural(len(hot), "element", "elements"), 100*WarnShare))
	rows = [][]string{{"ELEMENT", "RATING", "BEFORE", "AFTER", "SHARE", "STATUS"}}
	for _, e := range hot {
		name := e.Element.Kind.String() + " " + e.Element.Name
		if e.Phase > 0 {
			name += fmt.Sprintf(" (L%d)", e.Phase)
		}
		rows = append(rows, []string{name, fmt.Sprintf("%g A", e.Rating), amps(e.Before), amps(e.After), pct(e.Share()), e.Status})
	}
	d.table(rows)

	if len(r.AlreadyDown) > 0 {
		d.heading("Already down before the cut: " + plural(len(r.AlreadyDown), "device", "devices"))
		rows = [][]string{{"DEVICE", "WHY"}}
		for _, x := range r.AlreadyDown {
			rows = append(rows, d.lossRows([]string{x.Device}, nil, x.Reasons)...)
		}
		d.table(rows)
	}

	if len(r.Findings) > 0 {
		d.heading("Inventory vs readings")
		rows = [][]string{{"KIND", "WHERE", "DETAIL"}}
		for _, f := range r.Findings {
			rows = append(rows, []string{f.Kind, f.Where, f.Detail})
		}
		d.table(rows)
	}

	d.heading("Verdict")
	d.line(r.Verdict())
	return d.err
}

// Verdict sums the result up in one sentence.
func (r *Result) Verdict() string {
	below, impaired := 0, 0
	for _, s := range r.Services {
		switch s.Status {
		case "below-min", "down":
			below++
		case "impaired":
			impaired++
		}
	}
	trips := 0
	for _, st := range r.Cascade {
		trips += len(st.Tripped)
	}
	if !r.Harmful() {
		return fmt.Sprintf("SAFE: nothing goes down and nothing trips; %s redundancy.", plural(len(r.Redundancy), "device loses", "devices lose"))
	}
	v := fmt.Sprintf("NOT SAFE: %s down, %s, %s",
		plural(len(r.Down), "device goes", "devices go"), plural(trips, "breaker/bank/inlet trips", "breakers/banks/inlets trip"),
		plural(below, "service falls below its minimum", "services fall below their minimum"))
	if impaired > 0 {
		v += fmt.Sprintf(", %s impaired through a dependency", plural(impaired, "service", "services"))
	}
	return v + fmt.Sprintf(", %s redundancy.", plural(len(r.Redundancy), "device loses", "devices lose"))
}

func (r *Result) atsAssumption() string {
	s := r.Scenario.ATS.String()
	names := make([]string, 0, len(r.Scenario.ATSUnit))
	for name := range r.Scenario.ATSUnit {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		s += fmt.Sprintf(", %s %s", name, r.Scenario.ATSUnit[name])
	}
	return s
}

func (r *Result) loadsNote() string {
	if r.Measured == 0 {
		return fmt.Sprintf("nameplate × %.0f %% for all %d devices (nothing measured)", 100*r.Utilisation, r.Estimated)
	}
	return fmt.Sprintf("%d devices measured, %d at nameplate × %.0f %%", r.Measured, r.Estimated, 100*r.Utilisation)
}
