package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/planner"
)

const pollExamples = `  feedplan poll examples/site.yaml
  feedplan poll examples/site.yaml --pdu r01-a --pdu ats-r07 -o json
  feedplan poll --target 127.0.0.1:1161 --community r01-a
  FEEDPLAN_SNMP_AUTH_KEY=… FEEDPLAN_SNMP_PRIV_KEY=… \
    feedplan poll --target 10.1.2.3 --version 3 --user monitor --auth SHA --priv AES

Exit codes: 0 every device answered, 1 some did not (or answered in part), 2 bad input.
`

// pollFlags are the SNMP settings shared by poll and whatif --live.
type pollFlags struct {
	timeout     time.Duration
	retries     int
	concurrency int
	verbose     bool
}

func (p *pollFlags) register(fs interface {
	DurationVar(*time.Duration, string, time.Duration, string)
	IntVar(*int, string, int, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.DurationVar(&p.timeout, "timeout", 2*time.Second, "per SNMP request")
	fs.IntVar(&p.retries, "retries", 1, "per SNMP request, without doubling the timeout")
	fs.IntVar(&p.concurrency, "concurrency", 0, "devices polled at once (default 64)")
	fs.BoolVar(&p.verbose, "v", false, "log every SNMP request")
}

// infoLogger logs at Info: what a long-running command says as it goes.
func infoLogger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func (p *pollFlags) logger(stderr io.Writer) *slog.Logger {
	level := slog.LevelWarn
	if p.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

// siteTargets lists the PDUs and ATS units of a site that have an SNMP
// address, or only those named.
func siteTargets(site *inventory.Site, only []string, p *pollFlags) ([]pdu.Target, error) {
	out := pdu.SiteTargets(site, p.timeout, p.retries)
	if len(only) == 0 {
		return out, nil
	}
	var picked []pdu.Target
	for _, name := range only {
		found := false
		for _, t := range out {
			if t.Name == name {
				picked, found = append(picked, t), true
			}
		}
		if !found {
			if site.PDU(name) == nil && site.ATSUnit(name) == nil {
				return nil, fmt.Errorf("--pdu %s: no PDU or ATS of that name in the site", name)
			}
			return nil, fmt.Errorf("--pdu %s: it has no snmp address in the inventory", name)
		}
	}
	return picked, nil
}

func cmdPoll(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("poll", "SITE.yaml [--pdu NAME …] | --target HOST[:PORT] [flags]", pollExamples, stderr)
	var only listFlag
	fs.Var(&only, "pdu", "poll only this PDU or ATS (repeatable)")
	target := fs.String("target", "", "poll one device at `HOST[:PORT]` instead of a site")
	community := fs.String("community", "public", "with --target: the v1/v2c community")
	version := fs.String("version", "2c", "with --target: SNMP version 1, 2c or 3")
	user := fs.String("user", "", "with --target --version 3: the user (keys from FEEDPLAN_SNMP_AUTH_KEY / FEEDPLAN_SNMP_PRIV_KEY)")
	auth := fs.String("auth", "", "with --version 3: SHA, SHA256, SHA512 or MD5")
	priv := fs.String("priv", "", "with --version 3: AES, AES256 or DES")
	snmpCtx := fs.String("context", "", "with --version 3: the context name")
	driver := fs.String("driver", "auto", "with --target: the driver, or auto to detect")
	output := fs.String("o", "text", "output: text or json")
	var pf pollFlags
	pf.register(fs)
	n := 1
	for _, a := range args {
		if a == "--target" || a == "-target" || strings.HasPrefix(a, "--target=") || strings.HasPrefix(a, "-target=") {
			n = 0
		}
	}
	pos, code, ok := parseArgs(fs, args, n, stdout, stderr)
	if !ok {
		return code
	}
	if *output != "text" && *output != "json" {
		fmt.Fprintf(stderr, "feedplan poll: -o %s: want text or json\n", *output)
		return exitBadInput
	}
	log := pf.logger(stderr)

	var targets []pdu.Target
	var site *inventory.Site
	if *target != "" {
		t := pdu.Target{Name: *target, Address: *target, Version: *version, Community: inventory.Secret(*community),
			User: *user, Auth: *auth, Priv: *priv, Context: *snmpCtx, Driver: *driver, Timeout: pf.timeout, Retries: pf.retries}
		if *version == "3" {
			t.Community = ""
			t.AuthKey, t.PrivKey = inventory.Secret(os.Getenv("FEEDPLAN_SNMP_AUTH_KEY")), inventory.Secret(os.Getenv("FEEDPLAN_SNMP_PRIV_KEY"))
		}
		targets = []pdu.Target{t}
	} else {
		var ok bool
		if site, ok = loadSite(pos[0], stderr); !ok {
			return exitBadInput
		}
		var err error
		if targets, err = siteTargets(site, only, &pf); err != nil {
			fmt.Fprintf(stderr, "feedplan poll: %v\n", err)
			return exitBadInput
		}
		if len(targets) == 0 {
			fmt.Fprintf(stderr, "feedplan poll: no PDU or ATS in %s has an snmp address\n", pos[0])
			return exitBadInput
		}
	}
	results, err := pdu.Poll(ctx, targets, pdu.PollOptions{Concurrency: pf.concurrency, Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "feedplan poll: %v\n", err)
		return exitBadInput
	}
	var findings []planner.Finding
	if site != nil {
		g := planner.NewGraph(site)
		ev := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
		findings = ev.LiveSnapshot(results, time.Now()).Findings
	}
	if *output == "json" {
		type jsonResult struct {
			Device  string       `json:"device"`
			Reading *pdu.Reading `json:"reading,omitempty"`
			Error   string       `json:"error,omitempty"`
			TookMS  int64        `json:"took_ms"`
		}
		out := struct {
			Results  []jsonResult      `json:"results"`
			Findings []planner.Finding `json:"findings"`
		}{Findings: findings}
		for _, r := range results {
			jr := jsonResult{Device: r.Target.Name, Reading: r.Reading, TookMS: r.Took.Milliseconds()}
			if r.Err != nil {
				jr.Error = r.Err.Error()
			}
			out.Results = append(out.Results, jr)
		}
		if out.Findings == nil {
			out.Findings = []planner.Finding{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "feedplan poll: %v\n", err)
			return exitBadInput
		}
	} else if *target != "" && results[0].Err == nil {
		writeReading(stdout, results[0].Reading)
	} else {
		writePollTable(stdout, results, findings)
	}
	for _, r := range results {
		if r.Err != nil {
			if *output == "json" || *target != "" {
				fmt.Fprintf(stderr, "feedplan poll: %v\n", r.Err)
			}
			return exitHarm
		}
		if r.Reading.Partial {
			return exitHarm
		}
	}
	return exitOK
}

func fmtF(v *float64, format string) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf(format, *v)
}

func writePollTable(w io.Writer, results []pdu.Result, findings []planner.Finding) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tDRIVER\tMODEL\tAMPS PER PHASE\tWATTS\tOUTLETS ON\tSTATUS")
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t%s\n", r.Target.Name, shortErr(r.Err))
			continue
		}
		rd := r.Reading
		var amps []string
		for _, p := range rd.Phases {
			amps = append(amps, fmtF(p.Amps, "%.1f"))
		}
		on, switched := 0, 0
		for _, o := range rd.Outlets {
			if o.On != nil {
				switched++
				if *o.On {
					on++
				}
			}
		}
		outlets := "-"
		if switched > 0 {
			outlets = fmt.Sprintf("%d/%d", on, switched)
		}
		status := "ok"
		if rd.ATS != nil {
			status = atsStatus(rd.ATS)
			if len(rd.ATS.OutputAmps) > 0 {
				amps = nil
				for _, a := range rd.ATS.OutputAmps {
					amps = append(amps, fmt.Sprintf("%.1f", a))
				}
			}
		}
		if rd.Partial {
			status = "partial: " + strings.Join(rd.Problems, "; ")
		}
		if len(amps) == 0 {
			amps = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Target.Name, rd.Driver, rd.Model, strings.Join(amps, " / "), fmtF(rd.Watts, "%.0f"), outlets, status)
	}
	tw.Flush()
	if failed > 0 {
		fmt.Fprintf(w, "\n%d of %d devices did not answer.\n", failed, len(results))
	}
	if len(findings) > 0 {
		fmt.Fprintln(w, "\nINVENTORY VS READINGS")
		for _, f := range findings {
			fmt.Fprintf(w, "  %-13s %-12s %s\n", f.Kind, f.Where, f.Detail)
		}
	}
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i > 0 && len(s) > 80 {
		return s[i+2:]
	}
	return s
}

func atsStatus(a *pdu.ATS) string {
	in := func(i int) string {
		if i < 0 {
			return "?"
		}
		return string(rune('A' + i))
	}
	s := fmt.Sprintf("on %s (prefers %s)", in(a.Selected), in(a.Preferred))
	if a.Redundant != nil && !*a.Redundant {
		s += ", redundancy LOST"
	}
	if a.OverCurrent != nil && *a.OverCurrent {
		s += ", OVER-CURRENT: will not transfer"
	}
	if a.SwitchOK != nil && !*a.SwitchOK {
		s += ", switch FAILED"
	}
	return s
}

// writeReading prints one device's reading in full.
func writeReading(w io.Writer, r *pdu.Reading) {
	fmt.Fprintf(w, "%s: %s %s (driver %s, sysObjectID %s)\n", r.Target, r.Model, r.SysName, r.Driver, r.SysObjectID)
	if r.Serial != "" || r.Firmware != "" {
		fmt.Fprintf(w, "  serial %s, firmware %s\n", r.Serial, r.Firmware)
	}
	if r.Watts != nil || r.EnergyKWh != nil {
		fmt.Fprintf(w, "  power %s W, energy %s kWh, load %s\n", fmtF(r.Watts, "%.0f"), fmtF(r.EnergyKWh, "%.1f"), r.LoadState)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	if len(r.Phases) > 0 {
		fmt.Fprintln(tw, "  PHASE\tAMPS\tVOLTS\tWATTS\tRATED")
		for _, p := range r.Phases {
			fmt.Fprintf(tw, "  L%d\t%s\t%s\t%s\t%s\n", p.Number, fmtF(p.Amps, "%.2f"), fmtF(p.Volts, "%.1f"), fmtF(p.Watts, "%.0f"), fmtF(p.RatedAmps, "%.0f"))
		}
	}
	if len(r.Banks) > 0 {
		fmt.Fprintln(tw, "  BANK\tPHASE\tAMPS\tRATED\t")
		for _, b := range r.Banks {
			fmt.Fprintf(tw, "  %d\t%d\t%s\t%s\t\n", b.Number, b.Phase, fmtF(b.Amps, "%.2f"), fmtF(b.RatedAmps, "%.0f"))
		}
	}
	if len(r.Outlets) > 0 {
		fmt.Fprintln(tw, "  OUTLET\tNAME\tSTATE\tAMPS\tWATTS")
		for _, o := range r.Outlets {
			state := "-"
			if o.On != nil {
				state = map[bool]string{true: "on", false: "off"}[*o.On]
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\n", o.Number, o.Name, state, fmtF(o.Amps, "%.2f"), fmtF(o.Watts, "%.0f"))
		}
	}
	tw.Flush()
	if a := r.ATS; a != nil {
		fmt.Fprintf(w, "  ATS: %s; inputs A %s V, B %s V\n", atsStatus(a), fmtF(a.InputVolts[0], "%.0f"), fmtF(a.InputVolts[1], "%.0f"))
	}
	if r.Partial {
		fmt.Fprintf(w, "  PARTIAL: %s\n", strings.Join(r.Problems, "; "))
	}
}
