package planner_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"feedplan/inventory"
	"feedplan/planner"
)

// Golden scenarios: each directory testdata/<case>/ holds a small
// hand-written site.yaml (with the hand calculation at its top), a
// scenario.yaml and want.txt, the text rendering of the result. A reviewer
// reads behaviour as text; after checking a change by hand, rewrite the
// want.txt files with
//
//	go test ./planner -run Golden -update
var update = flag.Bool("update", false, "rewrite testdata/*/want.txt with the planner's output")

// goldenScenarioFile is scenario.yaml:
//
//	cut: [source:A, pdu:r01-a]
//	ats: works            # works, fails or as-tested
//	ats_unit: {ats-1: fails}
type goldenScenarioFile struct {
	Cut     []planner.Element `yaml:"cut"`
	ATS     string            `yaml:"ats"`
	ATSUnit map[string]string `yaml:"ats_unit"`
}

// goldenParseScenario decodes a scenario strictly: an unknown key, a bad element
// or a bad ATS mode is an error.
func goldenParseScenario(data []byte) (planner.Scenario, error) {
	var f goldenScenarioFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return planner.Scenario{}, errors.New("the scenario is empty")
		}
		return planner.Scenario{}, err
	}
	if f.ATS == "" {
		return planner.Scenario{}, errors.New("ats (works, fails or as-tested) is required")
	}
	sc := planner.Scenario{Cut: f.Cut}
	m, err := planner.ParseATSMode(f.ATS)
	if err != nil {
		return planner.Scenario{}, err
	}
	sc.ATS = m
	for name, mode := range f.ATSUnit {
		m, err := planner.ParseATSMode(mode)
		if err != nil {
			return planner.Scenario{}, fmt.Errorf("ats_unit %s: %w", name, err)
		}
		if sc.ATSUnit == nil {
			sc.ATSUnit = map[string]planner.ATSMode{}
		}
		sc.ATSUnit[name] = m
	}
	return sc, nil
}

// goldenCase is one testdata directory, loaded.
type goldenCase struct {
	name string
	dir  string
	site *inventory.Site
	sc   planner.Scenario
	ev   *planner.Evaluator
}

func loadGoldenCases(t *testing.T) []goldenCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "scenario.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no golden cases: want testdata/<case>/scenario.yaml")
	}
	var cases []goldenCase
	for _, p := range paths {
		dir := filepath.Dir(p)
		c := goldenCase{name: filepath.Base(dir), dir: dir}
		site, err := inventory.Load(filepath.Join(dir, "site.yaml"))
		if err != nil {
			t.Fatalf("%s: inventory.Load:\n%v", c.name, err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c.sc, err = goldenParseScenario(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		c.site = site
		g := planner.NewGraph(site)
		c.ev = planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
		cases = append(cases, c)
	}
	return cases
}

func TestGolden(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			res, err := c.ev.Evaluate(c.sc)
			if err != nil {
				t.Fatalf("Evaluate(%s): %v", c.sc, err)
			}
			var buf bytes.Buffer
			if err := res.Render(&buf, planner.Text, planner.RenderOptions{Limit: 0}); err != nil {
				t.Fatalf("Render: %v", err)
			}
			got := buf.String()
			wantPath := filepath.Join(c.dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantPath, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run go test ./planner -run Golden -update, then check want.txt by hand)", err)
			}
			if got != string(want) {
				t.Errorf("Evaluate(%s) on %s renders differently from %s:\n%s\ngot:\n%s",
					c.sc, c.name, wantPath, goldenLineDiff(string(want), got), got)
			}

			// The same result must render as JSON that decodes again, and
			// agree with the text on what goes down.
			buf.Reset()
			if err := res.Render(&buf, planner.JSON, planner.RenderOptions{}); err != nil {
				t.Fatalf("Render(JSON): %v", err)
			}
			var back struct {
				Down []struct {
					Device string `json:"device"`
				} `json:"down"`
			}
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
				t.Fatalf("Render(JSON) does not decode: %v\n%s", err, buf.String())
			}
			if len(back.Down) != len(res.Down) {
				t.Errorf("Render(JSON) lists %d devices down; the result has %d", len(back.Down), len(res.Down))
			}
		})
	}
}

// goldenLineDiff lists the lines that differ, numbered from 1.
func goldenLineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
		}
	}
	return b.String()
}

func TestGoldenScenarioDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		yaml    string
		want    planner.Scenario
		wantErr string
	}{
		{
			name: "every form",
			yaml: "cut: [source:A, feed:B, panel:PA, circuit:A-1, ats:ats-1, pdu:r01-a, bank:r01-a/2, outlet:r01-a:3]\nats: as-tested\nats_unit: {ats-1: fails, ats-2: works}\n",
			want: planner.Scenario{
				Cut: []planner.Element{
					{Kind: planner.Source, Name: "A"}, {Kind: planner.Source, Name: "B"},
					{Kind: planner.Panel, Name: "PA"}, {Kind: planner.Circuit, Name: "A-1"},
					{Kind: planner.ATS, Name: "ats-1"}, {Kind: planner.PDU, Name: "r01-a"},
					{Kind: planner.Bank, Name: "r01-a/2"}, {Kind: planner.Outlet, Name: "r01-a:3"},
				},
				ATS:     planner.AsTested,
				ATSUnit: map[string]planner.ATSMode{"ats-1": planner.Fails, "ats-2": planner.Works},
			},
		},
		{name: "unknown key", yaml: "cut: [source:A]\nats: works\ncuts: [pdu:x]\n", wantErr: "cuts"},
		{name: "bad kind", yaml: "cut: [fuse:A-1]\nats: works\n", wantErr: `unknown kind "fuse"`},
		{name: "no kind", yaml: "cut: [A]\nats: works\n", wantErr: "want KIND:NAME"},
		{name: "bad mode", yaml: "cut: [source:A]\nats: sometimes\n", wantErr: `"sometimes"`},
		{name: "bad unit mode", yaml: "cut: [source:A]\nats: works\nats_unit: {ats-1: maybe}\n", wantErr: `"maybe"`},
		{name: "no ats", yaml: "cut: [source:A]\n", wantErr: "ats"},
		{name: "empty", yaml: "", wantErr: "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := goldenParseScenario([]byte(tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("goldenParseScenario(%q) = %v, error %v; want an error containing %q", tc.yaml, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("goldenParseScenario(%q): %v", tc.yaml, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("goldenParseScenario(%q) = %+v; want %+v", tc.yaml, got, tc.want)
			}
		})
	}
}

// The sweep evaluates each failure incrementally; for every element of
// every golden site, and of the example site under each ATS assumption, it
// must say what a full evaluation says.
func TestGoldenSweepAgreesWithEvaluate(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			tmpl := c.sc
			tmpl.Cut = nil
			checkSweep(t, c.ev, tmpl)
		})
	}
	site, err := inventory.Load(filepath.Join("..", "examples", "site.yaml"))
	if err != nil {
		t.Fatalf("inventory.Load(examples/site.yaml):\n%v", err)
	}
	g := planner.NewGraph(site)
	ev := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
	for _, mode := range []planner.ATSMode{planner.Works, planner.Fails, planner.AsTested} {
		t.Run("examples-site-"+mode.String(), func(t *testing.T) {
			checkSweep(t, ev, planner.Scenario{ATS: mode})
		})
	}

	// d has both supplies under panel PA (10 A): cutting A-1 moves its
	// 3.0 A to A-2 and leaves PA at 6.0 A. A sweep that forgets to take
	// the cut circuit's load off PA sees PA rise to 9.0 A (90 %) and names
	// it as the most loaded element.
	site, err = inventory.Parse("same-panel.yaml", []byte(`
site: same-panel
sources: [{name: A}, {name: B}]
panels: [{name: PA, source: A, amps: 10}, {name: PB, source: B}]
circuits:
  - {name: A-1, panel: PA, amps: 16}
  - {name: A-2, panel: PA, amps: 16}
  - {name: B-1, panel: PB, amps: 16}
pdus:
  - {name: pa1, inlet: A-1, outlets: 2}
  - {name: pa2, inlet: A-2, outlets: 2}
  - {name: pb1, inlet: B-1, outlets: 2}
utilisation: 0.5
devices:
  - {name: d, psus: [pa1:1, pa2:1], watts: 2760, pf: 1}
  - {name: e, psus: [pa1:2, pb1:1], watts: 920, pf: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	g = planner.NewGraph(site)
	ev = planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
	t.Run("same-panel", func(t *testing.T) { checkSweep(t, ev, planner.Scenario{}) })
}

func checkSweep(t *testing.T, ev *planner.Evaluator, tmpl planner.Scenario) {
	t.Helper()
	for _, outlets := range []bool{false, true} {
		sweep := ev.Sweep(tmpl, planner.SweepOptions{Outlets: outlets, Workers: 2})
		if n := len(ev.Graph().Elements(outlets)); len(sweep) != n {
			t.Fatalf("Sweep(outlets=%v) = %d impacts; want one per element, %d", outlets, len(sweep), n)
		}
		for _, got := range sweep {
			want, err := ev.ImpactOf(got.Element, tmpl)
			if err != nil {
				t.Fatalf("ImpactOf(%s): %v", got.Element, err)
			}
			if d := goldenDiffImpact(got, want); d != "" {
				t.Errorf("Sweep(ats %s): cut %s: %s", tmpl.ATS, got.Element, d)
			}
		}
	}
}

func goldenDiffImpact(got, want planner.Impact) string {
	var d []string
	norm := func(s []string) []string {
		s = slices.Clone(s)
		slices.Sort(s)
		return s
	}
	cmpList := func(what string, g, w []string) {
		if g, w := norm(g), norm(w); !slices.Equal(g, w) {
			d = append(d, fmt.Sprintf("%s = %v; full evaluation says %v", what, g, w))
		}
	}
	cmpList("down", got.Down, want.Down)
	cmpList("services below min", got.ServicesBelow, want.ServicesBelow)
	cmpList("ATS relied on", got.Relied, want.Relied)
	cmpList("ATS not transferring", got.NoTransfer, want.NoTransfer)
	if got.RedundancyLost != want.RedundancyLost {
		d = append(d, fmt.Sprintf("redundancy lost = %d; full evaluation says %d", got.RedundancyLost, want.RedundancyLost))
	}
	if got.Trips != want.Trips {
		d = append(d, fmt.Sprintf("trips = %d; full evaluation says %d", got.Trips, want.Trips))
	}
	worst := func(w *planner.ElementLoad) string {
		if w == nil {
			return "none"
		}
		return fmt.Sprintf("%s %.1f A → %.1f A of %g A (%s)", w.Element, w.Before, w.After, w.Rating, w.Status)
	}
	if g, w := worst(got.Worst), worst(want.Worst); g != w {
		d = append(d, fmt.Sprintf("most loaded = %s; full evaluation says %s", g, w))
	}
	return strings.Join(d, "; ")
}

// The ATS assumption line names per-unit assumptions; with two or more of
// them the rendering must not change from one run to the next, or golden
// files, diffs of saved reports and runbooks churn for nothing.
func TestGoldenRenderATSUnitsDeterministic(t *testing.T) {
	site, err := inventory.Parse("two-ats.yaml", []byte(`
site: two-ats
sources: [{name: A}, {name: B}]
panels: [{name: PA, source: A}, {name: PB, source: B}]
circuits:
  - {name: A-1, panel: PA, amps: 16}
  - {name: A-2, panel: PA, amps: 16}
  - {name: A-3, panel: PA, amps: 16}
  - {name: B-1, panel: PB, amps: 16}
  - {name: B-2, panel: PB, amps: 16}
  - {name: B-3, panel: PB, amps: 16}
ats:
  - {name: ats-1, inputs: [A-1, B-1], amps: 16}
  - {name: ats-2, inputs: [A-2, B-2], amps: 16}
  - {name: ats-3, inputs: [A-3, B-3], amps: 16}
pdus:
  - {name: p1, inlet: ats-1, outlets: 2}
  - {name: p2, inlet: ats-2, outlets: 2}
  - {name: p3, inlet: ats-3, outlets: 2}
devices:
  - {name: sw-1, psus: [p1:1], watts: 100}
  - {name: sw-2, psus: [p2:1], watts: 100}
  - {name: sw-3, psus: [p3:1], watts: 100}
`))
	if err != nil {
		t.Fatal(err)
	}
	g := planner.NewGraph(site)
	ev := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
	sc := planner.Scenario{
		Cut:     []planner.Element{{Kind: planner.Source, Name: "A"}},
		ATS:     planner.Works,
		ATSUnit: map[string]planner.ATSMode{"ats-1": planner.Fails, "ats-2": planner.Fails, "ats-3": planner.AsTested},
	}
	var first string
	for i := range 50 {
		res, err := ev.Evaluate(sc)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := res.Render(&buf, planner.Text, planner.RenderOptions{}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.String()
			continue
		}
		if buf.String() != first {
			// atsAssumption must not follow the Scenario.ATSUnit map's
			// random order.
			t.Fatalf("Render(%s, per-unit ATS assumptions) differs between runs:\n%s", sc, goldenLineDiff(first, buf.String()))
		}
	}
}

// An ATS that transfers onto an input which then trips: the switch behind
// it goes dark because of the trip, and the report must say so.
//
// Hand calculation (utilisation 0.5, 230 V, pf 1: I = W / 460): sw 4600 W
// = 10.0 A behind ats-1 (inputs A-2, B-2); srv 3680 W = 8.0 A on pb (B-2)
// and pa. Cut source:A: ats-1 transfers to B-2, srv moves to pb:
// B-2 carries 10.0 + 8.0 = 18.0 A > 16 A and trips (step 1); sw and srv go
// down. sw is dark because B-2 tripped after ats-1 transferred onto it.
func TestGoldenATSTransferThenTrip(t *testing.T) {
	site, err := inventory.Parse("transfer-then-trip.yaml", []byte(`
site: transfer-then-trip
utilisation: 0.5
sources: [{name: A}, {name: B}]
panels: [{name: PA, source: A}, {name: PB, source: B}]
circuits:
  - {name: A-1, panel: PA, amps: 16}
  - {name: A-2, panel: PA, amps: 16}
  - {name: B-2, panel: PB, amps: 16}
ats:
  - {name: ats-1, inputs: [A-2, B-2], amps: 16, test: {date: 2026-01-01, result: passed}}
pdus:
  - {name: pc, inlet: ats-1, outlets: 4}
  - {name: pb, inlet: B-2, outlets: 4}
  - {name: pa, inlet: A-1, outlets: 4}
devices:
  - {name: sw, psus: [pc:1], watts: 4600, pf: 1}
  - {name: srv, psus: [pb:1, pa:1], watts: 3680, pf: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	g := planner.NewGraph(site)
	ev := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
	sc := planner.Scenario{Cut: []planner.Element{{Kind: planner.Source, Name: "A"}}, ATS: planner.Works}
	res, err := ev.Evaluate(sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cascade) != 1 || len(res.Cascade[0].Tripped) != 1 ||
		res.Cascade[0].Tripped[0].Element.String() != "circuit:B-2" || res.Cascade[0].Tripped[0].Amps != 18.0 {
		t.Fatalf("Evaluate(%s): cascade %+v; want circuit B-2 tripping at 18.0 A in step 1", sc, res.Cascade)
	}
	var buf bytes.Buffer
	if err := res.Render(&buf, planner.Text, planner.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var swLine string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "sw ") {
			swLine = l
		}
	}
	if swLine == "" {
		t.Fatalf("Evaluate(%s): sw is not listed as down:\n%s", sc, buf.String())
	}
	if !strings.Contains(swLine, "B-2 tripped") {
		// The reason must follow the input the ATS transferred to and
		// name its trip, not stop at "both inputs dark".
		t.Errorf("Evaluate(%s): sw is down because B-2 tripped after ats-1 transferred onto it, but the report says:\n%s\nfull report:\n%s", sc, swLine, buf.String())
	}
}
