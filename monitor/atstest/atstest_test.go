package atstest_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/monitor/atstest"
	"feedplan/pdu"
	"feedplan/simulator"
	"feedplan/simulator/simtest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type dialFunc = func(pdu.Target, *slog.Logger) (pdu.Client, error)

// simulate serves the example site per device (simtest) and returns it,
// the model and a Dial that reaches the agents' port.
func simulate(t *testing.T) (*inventory.Site, *simulator.Model, dialFunc) {
	t.Helper()
	site, err := inventory.Load("../../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := simulator.New(simulator.Options{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	port := simtest.ServePerDevice(t, m)
	dial := func(tg pdu.Target, log *slog.Logger) (pdu.Client, error) {
		tg.Address = net.JoinHostPort(tg.Address, strconv.Itoa(port))
		return pdu.Dial(tg, log)
	}
	return site, m, dial
}

// transfers records the inputs an ATS of the model selects, in order.
func transfers(m *simulator.Model, ats string) func() []int {
	var mu sync.Mutex
	var got []int
	m.Subscribe(func(e simulator.Event) {
		if e.Kind == "ats-source" && e.Device == ats {
			mu.Lock()
			got = append(got, e.Source)
			mu.Unlock()
		}
	})
	return func() []int {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), got...)
	}
}

func auditLog(t *testing.T) (*atstest.AuditLog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := atstest.NewAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

func steps(t *testing.T, path string) []string {
	t.Helper()
	es, err := atstest.ReadAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		s := e.Step
		if e.Input != "" {
			s += " " + e.Input
		}
		if e.Step == "done" || e.Step == "refused" {
			s += " " + e.Outcome
		}
		out = append(out, s)
	}
	return out
}

func options(site *inventory.Site, dial dialFunc, ats string) atstest.Options {
	return atstest.Options{Site: site, ATS: ats, Dial: dial, Logger: quiet(), Operator: "tester@ci",
		PollEvery: 50 * time.Millisecond, Timeout: 300 * time.Millisecond, Retries: -1}
}

func TestHealthyATSPasses(t *testing.T) {
	site, m, dial := simulate(t)
	seen := transfers(m, "ats-r03")
	audit, path := auditLog(t)
	opt := options(site, dial, "ats-r03")
	opt.Execute, opt.Audit = true, audit.Write

	res, err := atstest.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("steps:\n%s", strings.Join(res.Steps, "\n"))
	if !res.Passed || res.Refused || res.DryRun {
		t.Fatalf("Run(ats-r03) = passed %v, refused %v: %s; want passed", res.Passed, res.Refused, res.Reason)
	}
	if res.From != "A-05" || res.To != "B-05" {
		t.Errorf("Run(ats-r03) transferred %s → %s; want A-05 → B-05", res.From, res.To)
	}
	if res.TransferTook <= 0 || res.TransferTook > time.Second || res.BackTook <= 0 {
		t.Errorf("Run(ats-r03) took %v there and %v back; want each above 0 (and the first below 1 s)", res.TransferTook, res.BackTook)
	}
	if !reflect.DeepEqual(res.Downstream, []string{"r03-c"}) || len(res.DownstreamLost) != 0 {
		t.Errorf("Run(ats-r03) watched %v, lost %v; want r03-c watched and nothing lost", res.Downstream, res.DownstreamLost)
	}
	if got := seen(); !reflect.DeepEqual(got, []int{1, 0}) {
		t.Errorf("ats-r03 selected %v in the simulator; want B (1) then A (0)", got)
	}
	if p, ok := m.Faults().Preferred["ats-r03"]; !ok || p != 0 {
		t.Errorf("simulator faults: ats-r03 preferred = %d, %v; want it set over SNMP, back to A (0)", p, ok)
	}
	want := []string{"start B-05", "set-preferred B-05", "transferred B-05", "set-preferred A-05", "back A-05", "done passed"}
	if got := steps(t, path); !reflect.DeepEqual(got, want) {
		t.Errorf("audit log = %q; want %q", got, want)
	}
	es, _ := atstest.ReadAudit(path)
	for _, e := range es {
		if e.Operator != "tester@ci" || e.ATS != "ats-r03" || e.Site == "" || e.Time.IsZero() || e.Action != "ats-test" {
			t.Errorf("audit entry %+v lacks who, what or when", e)
		}
	}
}

func TestFailingATSFails(t *testing.T) {
	site, m, dial := simulate(t)
	if err := m.Do(simulator.Command{Op: "ats-fail", Target: "ats-r07"}); err != nil {
		t.Fatal(err)
	}
	seen := transfers(m, "ats-r07")
	audit, path := auditLog(t)
	opt := options(site, dial, "ats-r07")
	opt.Execute, opt.Audit, opt.Deadline = true, audit.Write, time.Second
	opt.Force, opt.Reason = true, "APC replaced the transfer relay; verifying before Saturday"

	res, err := atstest.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("steps:\n%s", strings.Join(res.Steps, "\n"))
	if res.Passed || res.Refused || !res.Forced {
		t.Fatalf("Run(ats-r07 set to fail) = passed %v, refused %v, forced %v: %s; want a forced test that fails", res.Passed, res.Refused, res.Forced, res.Reason)
	}
	if !strings.Contains(res.Reason, "ats-r07 did not transfer to B-15 within 1s") {
		t.Errorf("Run(ats-r07 set to fail) reason %q; want it to say it did not transfer to B-15 within 1s", res.Reason)
	}
	if len(res.AtRisk) != 7 {
		t.Errorf("Run(ats-r07) at risk = %v; want row 2's 7 single-corded devices", res.AtRisk)
	}
	if got := seen(); len(got) != 0 {
		t.Errorf("ats-r07 selected %v; want no transfer at all", got)
	}
	if p := m.Faults().Preferred["ats-r07"]; p != 0 {
		t.Errorf("ats-r07 preferred = %d after the test; want A (0) again", p)
	}
	want := []string{"start B-15", "set-preferred B-15", "no-transfer B-15", "set-preferred A-15", "back A-15", "done failed"}
	if got := steps(t, path); !reflect.DeepEqual(got, want) {
		t.Errorf("audit log = %q; want %q", got, want)
	}
	es, _ := atstest.ReadAudit(path)
	if len(es) == 0 || !es[0].Forced || es[0].Reason != opt.Reason {
		t.Errorf("audit start entry %+v; want it forced, with the reason", es)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	site, m, dial := simulate(t)
	before := m.Faults()
	res, err := atstest.Run(t.Context(), options(site, dial, "ats-r03"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || res.Refused || !res.OK() || res.Passed {
		t.Fatalf("dry run = %+v; want a dry run that would go ahead", res)
	}
	if !strings.Contains(res.Reason, "would set ats-r03's preferred input to B-05") || !strings.Contains(res.Reason, "watching r03-c") {
		t.Errorf("dry run reason %q; want the plan: B-05, watching r03-c", res.Reason)
	}
	if after := m.Faults(); !reflect.DeepEqual(before, after) {
		t.Errorf("dry run changed the simulator's faults: %+v → %+v", before, after)
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  *simulator.Command
		ats    string
		force  bool
		refuse bool
		want   []string
	}{
		{name: "input down", fault: &simulator.Command{Op: "cut", Target: "circuit:A-05"}, ats: "ats-r03", refuse: true,
			want: []string{"input A-05 of ats-r03 is down"}},
		{name: "input down, forced", fault: &simulator.Command{Op: "cut", Target: "circuit:A-05"}, ats: "ats-r03", force: true, refuse: true,
			want: []string{"input A-05 of ats-r03 is down"}},
		{name: "devices at risk behind an ATS that failed its last test", ats: "ats-r07", refuse: true,
			want: []string{"7 running devices go down", "tor-r05", "failed its last switchover test (2026-02-14)", "--force"}},
		{name: "devices at risk, forced", ats: "ats-r07", force: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site, m, dial := simulate(t)
			if tc.fault != nil {
				if err := m.Do(*tc.fault); err != nil {
					t.Fatal(err)
				}
			}
			audit, path := auditLog(t)
			opt := options(site, dial, tc.ats)
			opt.Execute, opt.Audit = true, audit.Write
			if tc.force {
				opt.Force, opt.Reason = true, "change CHG-1234"
			}
			res, err := atstest.Run(t.Context(), opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Refused != tc.refuse || res.Passed == tc.refuse {
				t.Fatalf("Run(%s) = refused %v, passed %v: %s; want refused %v", tc.ats, res.Refused, res.Passed, res.Reason, tc.refuse)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Reason, w) {
					t.Errorf("Run(%s) reason %q; want it to say %q", tc.ats, res.Reason, w)
				}
			}
			if !tc.refuse {
				return
			}
			if _, set := m.Faults().Preferred[tc.ats]; set {
				t.Errorf("a refused test set %s's preferred input", tc.ats)
			}
			if got := steps(t, path); !reflect.DeepEqual(got, []string{"refused refused"}) {
				t.Errorf("audit log = %q; want the refusal only", got)
			}
		})
	}
}

// lossyDial makes a PDU behind the ATS die when the ATS is told to
// transfer: what a transfer that drops the output looks like.
func lossyDial(dial dialFunc, m *simulator.Model, pduName string) dialFunc {
	return func(tg pdu.Target, log *slog.Logger) (pdu.Client, error) {
		c, err := dial(tg, log)
		if err != nil || tg.Name != "ats-r03" {
			return c, err
		}
		return &dropOnSet{Client: c, kill: func() { m.Do(simulator.Command{Op: "dead", Target: pduName}) }}, nil //nolint:errcheck
	}
}

type dropOnSet struct {
	pdu.Client
	once sync.Once
	kill func()
}

func (d *dropOnSet) Set(ctx context.Context, vars ...gosnmp.SnmpPDU) error {
	err := d.Client.Set(ctx, vars...)
	d.once.Do(d.kill)
	return err
}

func TestPowerLostDownstreamFails(t *testing.T) {
	site, m, dial := simulate(t)
	audit, _ := auditLog(t)
	opt := options(site, lossyDial(dial, m, "r03-c"), "ats-r03")
	opt.Execute, opt.Audit = true, audit.Write
	res, err := atstest.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed || len(res.DownstreamLost) != 1 || !strings.HasPrefix(res.DownstreamLost[0], "r03-c: no answer") {
		t.Fatalf("Run(ats-r03, r03-c dies) = passed %v, lost %v: %s; want failed, r03-c lost", res.Passed, res.DownstreamLost, res.Reason)
	}
	if !strings.Contains(res.Reason, "power was lost behind ats-r03: r03-c") {
		t.Errorf("reason %q; want it to name r03-c", res.Reason)
	}
}

func TestOptionsRejected(t *testing.T) {
	site, err := inventory.Load("../../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opt  atstest.Options
		want string
	}{
		{"no site", atstest.Options{ATS: "ats-r03", Logger: quiet()}, "no site"},
		{"unknown ats", atstest.Options{Site: site, ATS: "ats-r99", Logger: quiet()}, `ats "ats-r99" is not in site`},
		{"force without reason", atstest.Options{Site: site, ATS: "ats-r03", Logger: quiet(), Force: true}, "forcing needs a reason"},
		{"execute without audit", atstest.Options{Site: site, ATS: "ats-r03", Logger: quiet(), Execute: true}, "needs an audit log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := atstest.Run(t.Context(), tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run(%s) error = %v; want %q", tc.name, err, tc.want)
			}
		})
	}
}
