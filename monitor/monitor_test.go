package monitor_test

import (
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/monitor"
	"feedplan/pdu"
	"feedplan/simulator"
	"feedplan/simulator/simtest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// simulate serves the example site per device (simtest) and returns the
// model and a Dial that reaches the agents' port.
func simulate(t *testing.T, site *inventory.Site, now func() time.Time) (*simulator.Model, func(pdu.Target, *slog.Logger) (pdu.Client, error)) {
	t.Helper()
	m, err := simulator.New(simulator.Options{Site: site, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	port := simtest.ServePerDevice(t, m)
	dial := func(tg pdu.Target, log *slog.Logger) (pdu.Client, error) {
		tg.Address = net.JoinHostPort(tg.Address, strconv.Itoa(port))
		return pdu.Dial(tg, log)
	}
	return m, dial
}

func rules(st *monitor.State) map[string][]string {
	out := map[string][]string{}
	for _, c := range st.Conditions {
		out[c.Rule] = append(out[c.Rule], c.Key)
	}
	return out
}

func has(list []string, key string) bool {
	for _, k := range list {
		if k == key {
			return true
		}
	}
	return false
}

func TestCycleAgainstTheSimulator(t *testing.T) {
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	model, dial := simulate(t, site, clock)
	mon, err := monitor.New(monitor.Options{Site: site, Logger: quiet(), Dial: dial, Now: clock, Timeout: 300 * time.Millisecond, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}

	st, err := mon.Cycle(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Target.Name, r.Err)
		}
	}
	got := rules(st)
	// Healthy site: what is wrong is what the inventory already says.
	if !has(got["ats-test-failed"], "ats-r07") {
		t.Errorf("conditions %v; want ats-test-failed for ats-r07 (failed 2026-02-14)", got)
	}
	if !has(got["failover-risk"], "feed:A") || !has(got["failover-risk"], "feed:B") {
		t.Errorf("conditions %v; want failover-risk for both feeds (r04 trips either way)", got)
	}
	for _, c := range st.Conditions {
		if c.Rule == "failover-risk" && c.Key == "feed:A" && !strings.Contains(c.Summary, "pdu r04-b reaches 17.") {
			t.Errorf("failover-risk summary %q; want it to name r04-b and its load", c.Summary)
		}
	}
	if len(got["device-unreachable"]) != 0 || len(got["ats-redundancy-lost"]) != 0 {
		t.Errorf("healthy site: conditions %v; want nothing unreachable and full redundancy", got)
	}

	// Feed A cut: the A-side PDUs stop answering, ats-r03 runs on B with
	// its A input failed; kvm-1's B supply dies silently.
	if err := model.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	st, err = mon.Cycle(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got = rules(st)
	if !has(got["device-unreachable"], "r01-a") || has(got["device-unreachable"], "r01-b") {
		t.Errorf("unreachable with feed A cut = %v; want r01-a, not r01-b", got["device-unreachable"])
	}
	if !has(got["ats-not-preferred"], "ats-r03") || !has(got["ats-redundancy-lost"], "ats-r03:A-05") {
		t.Errorf("conditions with feed A cut = %v; want ats-r03 on B and its input A-05 failed", got)
	}
	if err := model.Do(simulator.Command{Op: "restore", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	if err := model.Do(simulator.Command{Op: "reset"}); err != nil {
		t.Fatal(err)
	}
	if err := model.Do(simulator.Command{Op: "psu-fail", Target: "kvm-1:2"}); err != nil {
		t.Fatal(err)
	}
	st, err = mon.Cycle(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := rules(st); !has(got["psu-unpowered"], "kvm-1:2") {
		t.Errorf("conditions with kvm-1's psu2 dead = %v; want psu-unpowered kvm-1:2", got)
	}
	if mon.Latest() != st {
		t.Error("Latest() is not the last cycle's state")
	}
}
