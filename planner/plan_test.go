package planner_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/planner"
)

// exampleSite is the hand-written example site every plan test starts from.
func exampleSite(t *testing.T) (*inventory.Site, *planner.Evaluator) {
	t.Helper()
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g := planner.NewGraph(site)
	return site, planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
}

func ams(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// planFor makes a plan on the example site for a window given in
// Amsterdam wall time, without readings unless some are given.
func planFor(t *testing.T, ev *planner.Evaluator, start, end string, cut []string, mod func(*planner.PlanRequest)) *planner.Plan {
	t.Helper()
	loc := ams(t)
	at := func(s string) time.Time {
		x, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	req := planner.PlanRequest{
		Scenario: planner.Scenario{ATS: planner.AsTested}, Start: at(start), End: at(end), Loc: loc,
		SkipPreflight: true, SiteFile: "examples/site.yaml", SiteSHA: "0123abcd",
		Now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
	}
	for _, c := range cut {
		e, err := planner.ParseElement(c)
		if err != nil {
			t.Fatal(err)
		}
		req.Scenario.Cut = append(req.Scenario.Cut, e)
	}
	if mod != nil {
		mod(&req)
	}
	p, err := ev.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Golden runbooks: testdata/plans/<case>.md is the Markdown rendering of a
// plan on the example site. Check a change by reading the diff, then
// rewrite them with: go test ./planner -run PlanGolden -update
func TestPlanGolden(t *testing.T) {
	_, ev := exampleSite(t)
	cases := []struct {
		name       string
		start, end string
		cut        []string
		mod        func(*planner.PlanRequest)
	}{
		// Friday night: the newsletter (Fri 21:00) falls in the window.
		{"cut-a", "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, nil},
		{"cut-a-shed", "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
			r.Extra = []string{"st-1", "shelf-1", "es-1"} // what the cut-a plan proposes
		}},
		{"cut-b", "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:B"}, nil},
		{"cut-panel", "2026-11-28T06:00", "2026-11-28T08:00", []string{"panel:PA-2"}, nil},
		{"replace-pdu", "2026-12-02T06:00", "2026-12-02T07:00", []string{"pdu:r02-b"}, func(r *planner.PlanRequest) {
			r.Settings.SwitchOutlets = true
		}},
		// Both PDUs of rack r02 out: mx-1 goes down, its queue is held.
		{"rack-r02", "2026-11-27T20:00", "2026-11-27T23:00", []string{"pdu:r02-a", "pdu:r02-b"}, func(r *planner.PlanRequest) {
			r.Settings.SwitchOutlets = true
		}},
		// The night clocks spring forward (02:00 CET → 03:00 CEST).
		{"dst-spring-forward", "2027-03-28T01:00", "2027-03-28T05:00", []string{"source:A"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := planFor(t, ev, c.start, c.end, c.cut, c.mod)
			var buf bytes.Buffer
			if err := p.Render(&buf, planner.Markdown); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "plans", c.name+".md")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./planner -run PlanGolden -update)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("%s differs from the plan:\n%s", path, goldenLineDiff(string(want), got))
			}
		})
	}
}

func stepIndex(p *planner.Plan, id string) int {
	return slices.IndexFunc(p.Steps, func(s planner.RunStep) bool { return s.ID == id })
}

// The power-down goes dependents first (the web tier before the app tier
// before the databases), the power-up the other way round, and every
// device is confirmed off before the cut and on before the post-checks.
func TestPlanOrder(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.Extra = []string{"web-1", "app-1", "db-1"}
	})
	wave := map[string]int{}
	for _, pd := range p.PowerDown {
		wave[pd.Device] = pd.Wave
	}
	if !(wave["web-1"] < wave["app-1"] && wave["app-1"] < wave["db-1"]) {
		t.Errorf("waves web-1 %d, app-1 %d, db-1 %d: want web before app before db", wave["web-1"], wave["app-1"], wave["db-1"])
	}
	cut := stepIndex(p, "cut")
	restore := stepIndex(p, "restore")
	post := stepIndex(p, "post-check")
	if cut < 0 || restore < 0 || post < 0 {
		t.Fatalf("steps cut %d, restore %d, post-check %d: one is missing", cut, restore, post)
	}
	for _, d := range []string{"web-1", "app-1", "db-1"} {
		sd, off, on := stepIndex(p, "shutdown/"+d), stepIndex(p, "verify-off/"+d), stepIndex(p, "verify-on/"+d)
		if !(sd >= 0 && sd < off && off < cut) {
			t.Errorf("%s: shutdown at %d, verify-off at %d, cut at %d: want shutdown, confirm, then cut", d, sd, off, cut)
		}
		if !(on > restore && on < post) {
			t.Errorf("%s: verify-on at %d, restore at %d, post-check at %d", d, on, restore, post)
		}
	}
	if !(stepIndex(p, "verify-on/db-1") < stepIndex(p, "verify-on/app-1") && stepIndex(p, "verify-on/app-1") < stepIndex(p, "verify-on/web-1")) {
		t.Error("power-up: want db before app before web")
	}
	for i := 1; i < len(p.Steps); i++ {
		if p.Steps[i].At.Before(p.Steps[i-1].At) {
			t.Errorf("step %d (%s) at %s is before step %d (%s) at %s", i+1, p.Steps[i].ID, p.Steps[i].At, i, p.Steps[i-1].ID, p.Steps[i-1].At)
		}
		if p.Steps[i].N != i+1 {
			t.Errorf("step %s numbered %d at position %d", p.Steps[i].ID, p.Steps[i].N, i+1)
		}
	}
	ids := map[string]bool{}
	for _, s := range p.Steps {
		if ids[s.ID] {
			t.Errorf("step id %s twice", s.ID)
		}
		ids[s.ID] = true
	}
}

// A controlled power-down takes load off the surviving side: the plan
// evaluates the window with the shut-down devices drawing nothing, and
// proposes what to shed when a breaker would still go over 80 %.
func TestPlanShedding(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, nil)
	var fix string
	for _, c := range p.Preflight.Checks {
		if c.Name == "surviving-load" && c.Object == "pdu:r04-b" && !c.OK {
			fix = c.Fix
		}
	}
	if !strings.Contains(fix, "--shutdown st-1") {
		t.Fatalf("the r04-b trip's fix is %q: want it to propose shutting down st-1", fix)
	}
	// Taking the advice clears every load check.
	p = planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.Extra = []string{"st-1", "shelf-1", "es-1"}
	})
	for _, c := range p.Preflight.Checks {
		if c.Name == "surviving-load" && !c.OK {
			t.Errorf("after shedding, %s still fails: %s", c.Object, c.Detail)
		}
	}
	// The services the shed devices belong to keep their minimum.
	for _, o := range p.Outages {
		if o.Service == "storage" || o.Service == "search" {
			t.Errorf("outage %+v: shedding was meant to keep it", o)
		}
	}
}

// A service that cannot keep its minimum is named, with why, and makes the
// plan a no-go.
func TestPlanOutage(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.Extra = []string{"db-1", "db-2"}
	})
	i := slices.IndexFunc(p.Outages, func(o planner.Outage) bool { return o.Service == "db" })
	if i < 0 {
		t.Fatalf("outages %+v: want db (3 members, min 2, two shut down)", p.Outages)
	}
	if o := p.Outages[i]; o.Running != 1 || o.Min != 2 || !strings.Contains(o.Reason, "db-1") {
		t.Errorf("db outage %+v: want 1 running of min 2, naming db-1", o)
	}
	if j := slices.IndexFunc(p.Outages, func(o planner.Outage) bool { return o.Service == "app" }); j < 0 || p.Outages[j].Status != "impaired" {
		t.Errorf("outages %+v: want app impaired (it depends on db)", p.Outages)
	}
	if !p.NoGo() {
		t.Error("a plan with a service below its minimum is a go")
	}
	// Accepting the outages keeps them listed and makes them no no-go.
	p = planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.Extra = []string{"db-1", "db-2", "st-1", "shelf-1", "es-1"}
		r.AcceptOutages = []string{"db", "app", "web", "lb", "newsletter"}
	})
	for _, o := range p.Outages {
		if !o.Accepted {
			t.Errorf("outage %s not accepted", o.Service)
		}
	}
	if len(p.Outages) < 4 || p.NoGo() {
		t.Errorf("accepted outages: %d listed, no-go %v; want them listed and a go", len(p.Outages), p.NoGo())
	}
}

// readingsOf fakes a poll of the example site: every outlet of every PDU
// draws what the planner estimates, every ATS healthy on its preferred
// input; change then adjusts it.
func readingsOf(site *inventory.Site, change func(map[string]*pdu.Reading)) []pdu.Result {
	byName := map[string]*pdu.Reading{}
	var out []pdu.Result
	for _, p := range site.PDUs {
		r := &pdu.Reading{Device: p.Name}
		for n := 1; n <= p.Outlets; n++ {
			r.Outlets = append(r.Outlets, pdu.Outlet{Number: n, On: pdu.B(true), Amps: pdu.F(0)})
		}
		byName[p.Name] = r
	}
	for _, d := range site.Devices {
		var plugged []inventory.Plug
		for _, pl := range d.PSUs {
			if !pl.Unplugged() {
				plugged = append(plugged, pl)
			}
		}
		for _, pl := range plugged {
			byName[pl.PDU].Outlets[pl.Outlet-1].Amps = pdu.F(d.Watts * 0.6 / 230 / float64(len(plugged)))
		}
	}
	for _, a := range site.ATS {
		byName[a.Name] = &pdu.Reading{Device: a.Name, ATS: &pdu.ATS{Selected: 0, Preferred: 0, InputOK: [2]*bool{pdu.B(true), pdu.B(true)}, OverCurrent: pdu.B(false)}}
	}
	if change != nil {
		change(byName)
	}
	for name, r := range byName {
		out = append(out, pdu.Result{Target: pdu.Target{Name: name}, Reading: r})
	}
	slices.SortFunc(out, func(a, b pdu.Result) int { return strings.Compare(a.Target.Name, b.Target.Name) })
	return out
}

// The pre-flight finds tonight what the cut would find: a surviving supply
// that draws nothing, an ATS whose other input is faulty, a PDU that does
// not answer.
func TestPlanPreflight(t *testing.T) {
	site, ev := exampleSite(t)
	withReadings := func(change func(map[string]*pdu.Reading)) func(*planner.PlanRequest) {
		return func(r *planner.PlanRequest) {
			r.SkipPreflight = false
			r.Readings = readingsOf(site, change)
			r.Extra = []string{"st-1", "shelf-1", "es-1"}
		}
	}
	failing := func(p *planner.Plan) map[string]string {
		m := map[string]string{}
		for _, c := range p.Preflight.Checks {
			if !c.OK {
				m[c.Name+" "+c.Object] = c.Detail + " | " + c.Fix
			}
		}
		return m
	}

	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, withReadings(nil))
	if f := failing(p); len(f) > 0 || !p.Preflight.Go || p.Preflight.Skipped {
		t.Fatalf("healthy readings: go=%v skipped=%v, failing %v", p.Preflight.Go, p.Preflight.Skipped, f)
	}

	// web-3's B supply (r01-b:7) is dead: it carries nothing now, so web-3
	// goes dark when A is cut.
	p = planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, withReadings(func(m map[string]*pdu.Reading) {
		m["r01-b"].Outlets[6].Amps = pdu.F(0)
	}))
	f := failing(p)
	if d, ok := f["survivor-draws web-3"]; !ok || !strings.Contains(d, "r01-b:7") {
		t.Errorf("dead supply: failing checks %v: want survivor-draws web-3 naming r01-b:7", f)
	}
	if !p.NoGo() {
		t.Error("a dead surviving supply is a go")
	}

	// ats-r03's B input reports a fault; r06-b does not answer.
	p = planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, withReadings(func(m map[string]*pdu.Reading) {
		m["ats-r03"].ATS.InputOK[1] = pdu.B(false)
		m["r06-b"] = nil
	}))
	f = failing(p)
	if d := f["ats-healthy ats:ats-r03"]; !strings.Contains(d, "must transfer to (B-05) reports a fault") {
		t.Errorf("ATS input fault: failing checks %v", f)
	}
	if _, ok := f["survivor-draws pdu:r06-b"]; !ok {
		t.Errorf("silent PDU: failing checks %v: want survivor-draws pdu:r06-b", f)
	}
}

// A mail queue held across the window: its backlog, its drain at the
// release rate, and a warning when hold and drain near the lifetime.
func TestPlanQueues(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:00", "2026-11-27T23:00", []string{"pdu:r02-a", "pdu:r02-b"}, nil)
	if len(p.Queues) != 1 || p.Queues[0].Queue != "mx-1" {
		t.Fatalf("queues %+v: want mx-1 held (its device is in r02)", p.Queues)
	}
	q := p.Queues[0]
	hold, release := stepIndex(p, "hold/mx-1"), stepIndex(p, "release/mx-1")
	if final := stepIndex(p, "hold-final/mx-1"); !(final > hold && final < stepIndex(p, "shutdown/mx-1")) {
		t.Errorf("second hold at %d: want it between the first hold (%d) and mx-1's shutdown (%d)", final, hold, stepIndex(p, "shutdown/mx-1"))
	}
	if hold < 0 || release < 0 || hold > stepIndex(p, "shutdown/mx-1") || release < stepIndex(p, "verify-on/mx-1") {
		t.Errorf("hold at %d, shutdown at %d, release at %d, mx-1 up at %d: want hold before shutdown, release after it is up",
			hold, stepIndex(p, "shutdown/mx-1"), release, stepIndex(p, "verify-on/mx-1"))
	}
	held := p.Steps[release].At.Sub(p.Steps[hold].At)
	if time.Duration(q.Hold) != held {
		t.Errorf("hold %v, steps say %v", time.Duration(q.Hold), held)
	}
	if want := int(1800*held.Hours() + 0.5); q.Backlog != want {
		t.Errorf("backlog %d, want %d (1800/h for %v)", q.Backlog, want, held)
	}
	if q.Warning != "" {
		t.Errorf("a 3 h hold of a 5 d queue warns: %s", q.Warning)
	}
	if q.Rate != 300 {
		t.Errorf("release rate %g, want the queue's own 300/min", q.Rate)
	}
	// A slow release of a big backlog runs into the lifetime.
	site, _ := exampleSite(t)
	site.MailQueue("mx-1").ReleaseRate = 0.05
	g := planner.NewGraph(site)
	p = planFor(t, planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation)), "2026-11-27T20:00", "2026-11-27T23:00", []string{"pdu:r02-a", "pdu:r02-b"}, nil)
	if w := p.Queues[0].Warning; !strings.Contains(w, "exceeds the queue lifetime") {
		t.Errorf("release at 0.05/min: warning %q", w)
	}
}

// The JSON rendering is the plan: it reads back the same.
func TestPlanJSONRoundTrip(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:00", "2026-11-27T23:00", []string{"pdu:r02-a", "pdu:r02-b"}, nil)
	var buf bytes.Buffer
	if err := p.Render(&buf, planner.JSON); err != nil {
		t.Fatal(err)
	}
	var back planner.Plan
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := back.Render(&again, planner.JSON); err != nil {
		t.Fatal(err)
	}
	if buf.String() != again.String() {
		t.Errorf("JSON does not round-trip:\n%s", goldenLineDiff(buf.String(), again.String()))
	}
	if back.Version != planner.PlanVersion || back.SiteSHA != "0123abcd" || len(back.Steps) != len(p.Steps) {
		t.Errorf("read back version %d sha %q steps %d", back.Version, back.SiteSHA, len(back.Steps))
	}
}

// The iCalendar rendering: CRLF lines of at most 75 octets, escaped text,
// the window as an event in UTC.
func TestPlanICS(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, nil)
	var buf bytes.Buffer
	if err := p.Render(&buf, planner.ICS); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") || !strings.HasSuffix(s, "END:VCALENDAR\r\n") {
		t.Fatalf("not a calendar:\n%.300s", s)
	}
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if strings.Contains(l, "\n") {
			t.Errorf("bare LF in %q", l)
		}
	}
	// Unfold and find the window: 20:30 CET is 19:30 UTC.
	unfolded := strings.ReplaceAll(s, "\r\n ", "")
	if !strings.Contains(unfolded, "DTSTART:20261127T193000Z\r\nDTEND:20261127T225900Z\r\n") {
		t.Errorf("no window event 19:30–22:59 UTC in:\n%s", unfolded)
	}
	if got := strings.Count(unfolded, "BEGIN:VEVENT"); got != strings.Count(unfolded, "END:VEVENT") || got < 4 {
		t.Errorf("%d events", got)
	}
	if !strings.Contains(unfolded, `SUMMARY:Cut source:A`) {
		t.Error("no event for the cut")
	}
}

func TestPlanBadRequest(t *testing.T) {
	_, ev := exampleSite(t)
	loc := ams(t)
	start := time.Date(2026, 11, 27, 21, 0, 0, 0, loc)
	for _, c := range []struct {
		name string
		req  planner.PlanRequest
		want string
	}{
		{"end before start", planner.PlanRequest{Start: start, End: start.Add(-time.Hour), Scenario: planner.Scenario{Cut: []planner.Element{{Kind: planner.Source, Name: "A"}}}}, "ends"},
		{"nothing cut", planner.PlanRequest{Start: start, End: start.Add(time.Hour)}, "nothing to plan"},
		{"unknown device", planner.PlanRequest{Start: start, End: start.Add(time.Hour), Extra: []string{"web-99"}}, `"web-99" is not in site`},
		{"unknown element", planner.PlanRequest{Start: start, End: start.Add(time.Hour), Scenario: planner.Scenario{Cut: []planner.Element{{Kind: planner.PDU, Name: "r99-a"}}}}, "r99-a"},
	} {
		if _, err := ev.Plan(c.req); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}

// A switchover test newer than the inventory's (the monitor's store)
// decides under as-tested: ats-r07 failed in February, passed since.
func TestPlanNewerATSTest(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.ATSTests = map[string]inventory.ATSTest{"ats-r07": {Date: "2026-11-20", Result: "passed"}}
	})
	for _, pd := range p.PowerDown {
		if pd.Device == "news-1" || pd.Device == "tor-r05" {
			t.Errorf("%s is shut down although ats-r07 passed its last test: %s", pd.Device, pd.Why)
		}
	}
	i := slices.IndexFunc(p.Preflight.Checks, func(c planner.Check) bool { return c.Name == "ats-tested" && c.Object == "ats:ats-r07" })
	if i < 0 || !p.Preflight.Checks[i].OK || !strings.Contains(p.Preflight.Checks[i].Detail, "passed 2026-11-20") {
		t.Errorf("checks %+v: want ats-r07 relied on and tested 2026-11-20", p.Preflight.Checks)
	}
	if p.Scenario.ATSUnit["ats-r07"] != planner.Works {
		t.Errorf("the plan's scenario %+v does not record ats-r07 as transferring", p.Scenario)
	}
}

// Power-up goes wave by wave: in each wave the outlets come on, then the
// devices are started, then every one is confirmed up before the next
// wave; deferred jobs resume only after the post-checks; a runbook that
// does not fit its window is a no-go.
func TestPlanPowerUpGating(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:00", "2026-11-27T23:00", []string{"pdu:r02-a", "pdu:r02-b"}, func(r *planner.PlanRequest) {
		r.Settings.SwitchOutlets = true
	})
	waveOf := map[string]int{}
	for _, pd := range p.PowerDown {
		waveOf[pd.Device] = pd.Wave
	}
	for _, pd := range p.PowerDown {
		on, start, up := stepIndex(p, "outlet-on/"+pd.Device), stepIndex(p, fmt.Sprintf("power-on/wave-%d", pd.Wave)), stepIndex(p, "verify-on/"+pd.Device)
		if !(on >= 0 && on < start && start < up) {
			t.Errorf("%s: outlets on at %d, wave started at %d, confirmed up at %d: want that order", pd.Device, on, start, up)
		}
		// Every device of a later-starting wave (a lower number) waits for
		// this one to be confirmed.
		for _, other := range p.PowerDown {
			if other.Wave < pd.Wave {
				if o := stepIndex(p, "outlet-on/"+other.Device); o < up {
					t.Errorf("%s (wave %d) switched on at %d before %s (wave %d) is confirmed up at %d", other.Device, other.Wave, o, pd.Device, pd.Wave, up)
				}
			}
		}
	}
	post := stepIndex(p, "post-check")
	for _, j := range p.Jobs {
		if i := stepIndex(p, "run-job/"+j.Job); i >= 0 && i < post {
			t.Errorf("job %s resumes at step %d, before the post-checks (%d)", j.Job, i+1, post+1)
		}
	}
	if p.Verdict == planner.VerdictGo || len(p.Reasons) == 0 {
		t.Errorf("verdict %q, reasons %v: the rack's services go down, want a no-go with reasons", p.Verdict, p.Reasons)
	}

	// The same work squeezed into 45 minutes does not fit.
	p = planFor(t, ev, "2026-11-27T20:00", "2026-11-27T20:45", []string{"pdu:r02-a", "pdu:r02-b"}, nil)
	i := slices.IndexFunc(p.Preflight.Checks, func(c planner.Check) bool { return c.Name == "window-fits" })
	if i < 0 || p.Preflight.Checks[i].OK || !p.NoGo() {
		t.Errorf("a 45-minute window for 11 devices: checks %+v; want a failing window-fits and a no-go", p.Preflight.Checks)
	}
}

// Devices shut down for the window are not listed as running on their
// last supply.
func TestPlanAtRiskExcludesShutDown(t *testing.T) {
	_, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.Extra = []string{"st-1", "shelf-1", "es-1"}
	})
	if len(p.AtRisk) == 0 {
		t.Fatal("no device on its last supply after cutting feed A")
	}
	for _, r := range p.AtRisk {
		for _, pd := range p.PowerDown {
			if r.Device == pd.Device {
				t.Errorf("%s is shut down and listed as running on its last supply", r.Device)
			}
		}
	}
	if p.Verdict != planner.VerdictNoGo || p.Reasons[len(p.Reasons)-1] != "service newsletter down during the window (0 running, 1 needed)" {
		t.Errorf("verdict %q, reasons %q", p.Verdict, p.Reasons)
	}
}

// A saved plan's pre-flight runs again from the night's poll, by the same
// rules: a supply that died since the plan was made stops the run.
func TestRecheck(t *testing.T) {
	site, ev := exampleSite(t)
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T23:59", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.Extra = []string{"st-1", "shelf-1", "es-1"}
	})
	now := time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)
	recheck := func(change func(map[string]*pdu.Reading)) map[string]string {
		t.Helper()
		readings := readingsOf(site, change)
		live, _, err := planner.Live(site, readings, now)
		if err != nil {
			t.Fatal(err)
		}
		checks, err := live.Recheck(p, readings, now)
		if err != nil {
			t.Fatal(err)
		}
		failing := map[string]string{}
		for _, c := range checks {
			if !c.OK {
				failing[c.Name+" "+c.Object] = c.Detail
			}
		}
		return failing
	}
	if f := recheck(nil); len(f) != 0 {
		t.Errorf("healthy poll: failing %v", f)
	}
	f := recheck(func(m map[string]*pdu.Reading) { m["r06-b"].Outlets[9].Amps = pdu.F(0) })
	if d, ok := f["survivor-draws mx-2"]; !ok || !strings.Contains(d, "r06-b:10") {
		t.Errorf("mx-2's B supply dead: failing %v", f)
	}
	// The operator's shutdowns are kept: st-1 and shelf-1 stay off r04-b,
	// which therefore does not trip.
	if _, ok := f["surviving-load pdu:r04-b"]; ok {
		t.Errorf("the recheck forgot the operator's shutdowns: %v", f)
	}
}

// A job whose next regular run would stand for the missed ones, but falls
// while the runbook is still bringing things back, is run by hand after
// the post-checks instead.
func TestPlanJobRunAfterPostChecks(t *testing.T) {
	site, _ := exampleSite(t)
	site.Jobs = append(site.Jobs, &inventory.Job{Name: "sync", Cron: "*/30 * * * *", TZ: "Europe/Amsterdam", Device: "news-1", Command: "sync-all"})
	g := planner.NewGraph(site)
	ev := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
	// The window is too short (the runbook overruns it): the catch-up
	// time, 22:00, is the job's regular run, and comes before the
	// post-checks.
	p := planFor(t, ev, "2026-11-27T20:30", "2026-11-27T21:30", []string{"source:A"}, func(r *planner.PlanRequest) {
		r.Settings.SettleAfter = planner.Duration(30 * time.Minute)
	})
	i, post := stepIndex(p, "run-job/sync"), stepIndex(p, "post-check")
	if i < 0 || i < post || !strings.Contains(p.Steps[i].Title, "run it once now") {
		t.Fatalf("run-job/sync at %d (post-checks at %d): %+v", i, post, p.Steps[max(i, 0)])
	}
}
