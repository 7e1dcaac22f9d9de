package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"time"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/planner"
)

// loadSite loads an inventory, printing every problem in it.
func loadSite(path string, stderr io.Writer) (*inventory.Site, bool) {
	site, err := inventory.Load(path)
	if err != nil {
		var errs *inventory.Errors
		if errors.As(err, &errs) {
			fmt.Fprintln(stderr, err)
			fmt.Fprintf(stderr, "%s: %d problem(s); nothing was evaluated\n", path, len(errs.List))
		} else {
			fmt.Fprintf(stderr, "feedplan: %v\n", err)
		}
		return nil, false
	}
	return site, true
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", "SITE.yaml", "  feedplan validate examples/site.yaml\n", stderr)
	pos, code, ok := parseArgs(fs, args, 1, stdout, stderr)
	if !ok {
		return code
	}
	site, ok := loadSite(pos[0], stderr)
	if !ok {
		return exitBadInput
	}
	outlets := 0
	for _, p := range site.PDUs {
		outlets += p.Outlets
	}
	psus := 0
	for _, d := range site.Devices {
		psus += len(d.PSUs)
	}
	fmt.Fprintf(stdout, "%s: ok — site %q: %d sources, %d panels, %d circuits, %d ATS, %d PDUs (%d outlets), %d racks, %d devices (%d PSUs), %d services, %d mail queues, %d jobs\n",
		pos[0], site.Name, len(site.Sources), len(site.Panels), len(site.Circuits), len(site.ATS), len(site.PDUs), outlets,
		len(site.Racks), len(site.Devices), psus, len(site.Services), len(site.MailQueues), len(site.Jobs))
	return exitOK
}

// scenarioFlags are the flags shared by commands that evaluate scenarios.
type scenarioFlags struct {
	ats         listFlag
	output      string
	utilisation float64
	limit       int
}

func (f *scenarioFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.ats, "ats", "what ATS units do when their input dies: as-tested (default: only those whose last switchover test passed transfer), works or fails; NAME=MODE for one unit (repeatable)")
	fs.StringVar(&f.output, "o", "text", "output: text, json or markdown")
	fs.Float64Var(&f.utilisation, "utilisation", 0, "share of nameplate a device draws when not measured (default: the site's, else 0.6)")
	fs.IntVar(&f.limit, "limit", 20, "rows per section in text and markdown output; 0 lists all")
}

// build turns the flags into a scenario template, an evaluator and a format.
func (f *scenarioFlags) build(site *inventory.Site, stderr io.Writer) (planner.Scenario, *planner.Evaluator, planner.Format, bool) {
	// An ATS is trusted to transfer only if its last switchover test
	// passed: an untested ATS is how a hundred servers went dark.
	sc := planner.Scenario{ATS: planner.AsTested}
	format, err := planner.ParseFormat(f.output)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan: %v\n", err)
		return sc, nil, "", false
	}
	for _, a := range f.ats {
		name, mode, unit := strings.Cut(a, "=")
		if !unit {
			mode = name
		}
		m, err := planner.ParseATSMode(mode)
		if err != nil {
			fmt.Fprintf(stderr, "feedplan: --ats %s: %v\n", a, err)
			return sc, nil, "", false
		}
		if !unit {
			sc.ATS = m
			continue
		}
		if site.ATSUnit(name) == nil {
			fmt.Fprintf(stderr, "feedplan: --ats %s: ats %q is not in the site\n", a, name)
			return sc, nil, "", false
		}
		if sc.ATSUnit == nil {
			sc.ATSUnit = map[string]planner.ATSMode{}
		}
		sc.ATSUnit[name] = m
	}
	u := f.utilisation
	if u == 0 {
		u = site.Utilisation
	}
	if u <= 0 || u > 1 {
		fmt.Fprintf(stderr, "feedplan: --utilisation %g: want a share between 0 and 1\n", u)
		return sc, nil, "", false
	}
	g := planner.NewGraph(site)
	return sc, planner.NewEvaluator(g, g.NewLoads(nil, u)), format, true
}

const whatifExamples = `  feedplan whatif examples/site.yaml --cut source:A
  feedplan whatif examples/site.yaml --cut source:A --ats works
  feedplan whatif examples/site.yaml --cut circuit:B-04 --cut pdu:r02-a -o markdown
  feedplan whatif examples/site.yaml --cut source:B --ats ats-r07=fails -o json

Elements: source:NAME (or feed:NAME), panel:NAME, circuit:NAME, ats:NAME,
pdu:NAME, bank:PDU/BANK, outlet:PDU:N.
`

func cmdWhatif(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("whatif", "SITE.yaml --cut KIND:NAME [--cut …] [flags]", whatifExamples, stderr)
	var cuts listFlag
	fs.Var(&cuts, "cut", "an element to fail: source:A, panel:PA-1, circuit:B-04, ats:NAME, pdu:NAME, bank:PDU/N, outlet:PDU:N (repeatable)")
	live := fs.Bool("live", false, "poll the site's PDUs and ATS units first and evaluate from their measured loads and ATS states")
	var sf scenarioFlags
	sf.register(fs)
	var pf pollFlags
	pf.register(fs)
	pos, code, ok := parseArgs(fs, args, 1, stdout, stderr)
	if !ok {
		return code
	}
	if len(cuts) == 0 {
		fmt.Fprintln(stderr, "feedplan whatif: say what to cut, e.g. --cut source:A")
		return exitBadInput
	}
	site, ok := loadSite(pos[0], stderr)
	if !ok {
		return exitBadInput
	}
	sc, ev, format, ok := sf.build(site, stderr)
	if !ok {
		return exitBadInput
	}
	if sc.Cut, ok = parseCuts(cuts, stderr); !ok {
		return exitBadInput
	}
	var findings []planner.Finding
	if *live {
		var ok bool
		if ev, findings, ok = liveEvaluator(ctx, site, ev, &pf, stderr); !ok {
			return exitBadInput
		}
	}
	res, err := ev.Evaluate(sc)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan: %v\n", err)
		return exitBadInput
	}
	res.Findings = findings
	if err := res.Render(stdout, format, planner.RenderOptions{Limit: sf.limit}); err != nil {
		fmt.Fprintf(stderr, "feedplan: writing the report: %v\n", err)
		return exitBadInput
	}
	if res.Harmful() {
		return exitHarm
	}
	return exitOK
}

const auditExamples = `  feedplan audit examples/site.yaml
  feedplan audit examples/site.yaml --ats as-tested -o markdown > audit.md
  feedplan audit big.yaml --outlets -o json
`

func cmdAudit(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("audit", "SITE.yaml [flags]", auditExamples, stderr)
	outlets := fs.Bool("outlets", false, "also fail every outlet in the sweep (each takes one supply)")
	var sf scenarioFlags
	sf.register(fs)
	pos, code, ok := parseArgs(fs, args, 1, stdout, stderr)
	if !ok {
		return code
	}
	site, ok := loadSite(pos[0], stderr)
	if !ok {
		return exitBadInput
	}
	sc, ev, format, ok := sf.build(site, stderr)
	if !ok {
		return exitBadInput
	}
	audit := ev.Audit(sc, planner.SweepOptions{Outlets: *outlets})
	if err := audit.Render(stdout, format, planner.RenderOptions{Limit: sf.limit}); err != nil {
		fmt.Fprintf(stderr, "feedplan: writing the report: %v\n", err)
		return exitBadInput
	}
	if audit.Problems() {
		return exitHarm
	}
	return exitOK
}

// liveEvaluator polls the site and returns an evaluator on its measured
// loads, with each ATS on the input it reports.
func liveEvaluator(ctx context.Context, site *inventory.Site, est *planner.Evaluator, pf *pollFlags, stderr io.Writer) (*planner.Evaluator, []planner.Finding, bool) {
	targets, err := siteTargets(site, nil, pf)
	if err != nil || len(targets) == 0 {
		fmt.Fprintf(stderr, "feedplan whatif --live: no PDU or ATS of the site has an snmp address (%v)\n", err)
		return nil, nil, false
	}
	results, err := pdu.Poll(ctx, targets, pdu.PollOptions{Concurrency: pf.concurrency, Logger: pf.logger(stderr)})
	if err != nil {
		fmt.Fprintf(stderr, "feedplan whatif --live: %v\n", err)
		return nil, nil, false
	}
	live, ll, err := est.Live(results, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "feedplan whatif --live: %v\n", err)
		return nil, nil, false
	}
	return live, ll.Findings, true
}

// parseCuts parses the --cut flags; a bad one is said on stderr.
func parseCuts(cuts []string, stderr io.Writer) ([]planner.Element, bool) {
	var out []planner.Element
	for _, c := range cuts {
		e, err := planner.ParseElement(c)
		if err != nil {
			fmt.Fprintf(stderr, "feedplan: --cut: %v\n", err)
			return nil, false
		}
		out = append(out, e)
	}
	return out, true
}
