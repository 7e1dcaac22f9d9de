package simulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/pdu/oids"
	"feedplan/planner"
	"feedplan/simulator"
	"feedplan/simulator/mib"
)

// exampleModel loads the example site with a fixed clock.
func exampleModel(t *testing.T) (*simulator.Model, *inventory.Site, *time.Time) {
	t.Helper()
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)
	m, err := simulator.New(simulator.Options{Site: site, Seed: 7, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("New(example): %v", err)
	}
	return m, site, &now
}

func get(t *testing.T, m *simulator.Model, dev, oid string) mib.Value {
	t.Helper()
	v, ok := m.Device(dev)
	if !ok {
		t.Fatalf("Device(%q) not found", dev)
	}
	val, st := v.Get(mib.MustOID(oid))
	if st != mib.Found {
		t.Fatalf("%s: Get(%s) = status %d; want a value", dev, oid, st)
	}
	return val
}

func intOf(t *testing.T, v mib.Value) int {
	t.Helper()
	i, ok := v.Value.(int)
	if !ok {
		t.Fatalf("value %+v is not an Integer", v)
	}
	return i
}

// plannerPhaseAmps is what the planner says flows through a PDU's L1.
func plannerPhaseAmps(t *testing.T, site *inventory.Site, sc planner.Scenario, pdu string) float64 {
	t.Helper()
	g := planner.NewGraph(site)
	fl, err := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation)).Flow(sc)
	if err != nil {
		t.Fatal(err)
	}
	pf, _ := fl.PDU(pdu)
	return pf.Phase[0]
}

func TestModelFollowsThePlanner(t *testing.T) {
	m, site, _ := exampleModel(t)
	want := plannerPhaseAmps(t, site, planner.Scenario{}, "r01-b")
	got := float64(intOf(t, get(t, m, "r01-b", oids.RPDU2PhaseStatusCurrent+".1"))) / 10
	if math.Abs(got-want) > 0.011*want+0.05 {
		t.Errorf("r01-b phase current = %.1f A; want the planner's %.2f A within 1 %%", got, want)
	}
	if name := get(t, m, "r01-b", oids.SysName+".0"); string(name.Value.([]byte)) != "r01-b" {
		t.Errorf("r01-b sysName = %q; want r01-b", name.Value)
	}

	// Cut feed A: the A side goes dark (its cards stop answering), the B
	// side carries everything, ats-r03 transfers to source B.
	if err := m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	a, _ := m.Device("r01-a")
	if _, drop := a.Behaviour(); !drop {
		t.Error("r01-a answers with feed A cut; want no answer (its inlet is dark)")
	}
	sc := planner.Scenario{Cut: []planner.Element{{Kind: planner.Source, Name: "A"}}}
	want = plannerPhaseAmps(t, site, sc, "r01-b")
	got = float64(intOf(t, get(t, m, "r01-b", oids.RPDU2PhaseStatusCurrent+".1"))) / 10
	if math.Abs(got-want) > 0.011*want+0.05 {
		t.Errorf("r01-b phase current with A cut = %.1f A; want the planner's %.2f A", got, want)
	}
	if sel := intOf(t, get(t, m, "ats-r03", oids.ATSStatusSelectedSource+".0")); sel != 2 {
		t.Errorf("ats-r03 selected source with A cut = %d; want 2 (sourceB)", sel)
	}
	// r04-b trips in the cascade: its card goes dark too.
	b4, _ := m.Device("r04-b")
	if _, drop := b4.Behaviour(); !drop {
		t.Error("r04-b answers after the cascade; want it dark (its inlet tripped)")
	}
	// ats-r07 transferred to B. Told to fail now, it stays where it is —
	// also when A comes back — and when B goes, its output goes dark.
	if sel := intOf(t, get(t, m, "ats-r07", oids.ATSStatusSelectedSource+".0")); sel != 2 {
		t.Fatalf("ats-r07 selected source with A cut = %d; want 2 (sourceB)", sel)
	}
	if err := m.Do(simulator.Command{Op: "ats-fail", Target: "ats-r07"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Do(simulator.Command{Op: "restore", Target: "feed:A"}); err != nil {
		t.Fatalf("restore feed:A (the same element as source:A) = %v", err)
	}
	if _, drop := a.Behaviour(); drop {
		t.Error("r01-a does not answer after feed A is restored")
	}
	if sel := intOf(t, get(t, m, "ats-r07", oids.ATSStatusSelectedSource+".0")); sel != 2 {
		t.Errorf("failed ats-r07 after A is back reads source %d; want it still on B (2)", sel)
	}
	if err := m.Do(simulator.Command{Op: "cut", Target: "source:B"}); err != nil {
		t.Fatal(err)
	}
	strip, _ := m.Device("r07-c")
	if _, drop := strip.Behaviour(); !drop {
		t.Error("r07-c (behind the failed ats-r07) answers with B cut; want it dark")
	}
	if err := m.Do(simulator.Command{Op: "ats-ok", Target: "ats-r07"}); err != nil {
		t.Fatal(err)
	}
	if _, drop := strip.Behaviour(); drop {
		t.Error("r07-c stays dark after ats-r07 is repaired; want it on A")
	}
	if err := m.Do(simulator.Command{Op: "ats-ok", Target: "ats-r07"}); err == nil {
		t.Error("ats-ok on a healthy ATS = nil; want an error (a typo must not look like a repair)")
	}
}

func TestModelSetSwitchesOutlet(t *testing.T) {
	m, _, _ := exampleModel(t)
	// db-1 (750 W × 0.6 = 2.06 A at 230 V, pf 0.96) is on r01-a:16 and
	// r01-b:16, in bank 2. AP8959EU3s meter banks, not outlets. Switch its
	// A outlet off: r01-b's bank 2 takes its ~1.0 A share from r01-a.
	a, _ := m.Device("r01-a")
	before := intOf(t, get(t, m, "r01-b", oids.RPDU2BankStatusCurrent+".2"))
	idx, err := a.Set([]mib.Var{{OID: mib.MustOID(oids.RPDU2OutletSwitchedControlCommand + ".16"), Value: mib.Integer(2)}})
	if err != nil {
		t.Fatalf("Set(outlet 16 immediateOff) = %d, %v; want nil", idx, err)
	}
	if f := m.Faults(); len(f.OutletOff) != 1 || f.OutletOff[0] != "r01-a:16" {
		t.Errorf("Faults().OutletOff = %v; want [r01-a:16]", f.OutletOff)
	}
	if st := intOf(t, get(t, m, "r01-a", oids.RPDU2OutletSwitchedStatusState+".16")); st != 1 {
		t.Errorf("r01-a outlet 16 state = %d; want 1 (off)", st)
	}
	after := intOf(t, get(t, m, "r01-b", oids.RPDU2BankStatusCurrent+".2"))
	if d := after - before; d < 9 || d > 12 {
		t.Errorf("r01-b bank 2 current = %d → %d tenths of A after db-1's A outlet went off; want it to rise by about 10 (db-1's 1.0 A share)", before, after)
	}
	// A wrong type is refused and changes nothing.
	if _, err := a.Set([]mib.Var{{OID: mib.MustOID(oids.RPDU2OutletSwitchedControlCommand + ".3"), Value: mib.String("off")}}); err == nil {
		t.Error("Set(outlet 3, a string) = nil; want wrongType")
	} else if se, ok := err.(*mib.SetError); !ok || se.Status != gosnmp.WrongType {
		t.Errorf("Set(outlet 3, a string) = %v; want a wrongType SetError", err)
	}
	if f := m.Faults(); len(f.OutletOff) != 1 {
		t.Errorf("a refused SET changed the faults: %v", f.OutletOff)
	}
}

func TestModelATSPreferredTransfers(t *testing.T) {
	m, _, _ := exampleModel(t)
	ats, _ := m.Device("ats-r03")
	if _, err := ats.Set([]mib.Var{{OID: mib.MustOID(oids.ATSConfigPreferredSource + ".0"), Value: mib.Integer(2)}}); err != nil {
		t.Fatalf("Set(preferred sourceB) = %v", err)
	}
	if sel := intOf(t, get(t, m, "ats-r03", oids.ATSStatusSelectedSource+".0")); sel != 2 {
		t.Errorf("ats-r03 selected source after preferring B = %d; want 2", sel)
	}
}

func TestModelFaultsValidated(t *testing.T) {
	m, _, _ := exampleModel(t)
	for _, c := range []simulator.Command{
		{Op: "cut", Target: "source:Z"},
		{Op: "cut", Target: "nonsense"},
		{Op: "ats-fail", Target: "ats-none"},
		{Op: "psu-fail", Target: "db-1:7"},
		{Op: "overdraw", Target: "db-1", Value: "lots"},
		{Op: "slow", Target: "r01-a", Value: "soon"},
		{Op: "drop", Target: "r01-a", Value: "2"},
		{Op: "dead", Target: "nobody"},
		{Op: "explode"},
	} {
		if err := m.Do(c); err == nil {
			t.Errorf("Do(%+v) = nil; want an error", c)
		}
	}
	if f := m.Faults(); len(f.Cut)+len(f.ATSFail)+len(f.PSUFail)+len(f.Dead) != 0 {
		t.Errorf("refused commands changed the faults: %+v", f)
	}
	// A silent PSU failure: db-1's B supply draws nothing, so r01-b's
	// bank 2 loses db-1's ~1.0 A share and r01-a's gains it.
	b0 := intOf(t, get(t, m, "r01-b", oids.RPDU2BankStatusCurrent+".2"))
	if err := m.Do(simulator.Command{Op: "psu-fail", Target: "db-1:2"}); err != nil {
		t.Fatal(err)
	}
	if d := b0 - intOf(t, get(t, m, "r01-b", oids.RPDU2BankStatusCurrent+".2")); d < 9 || d > 12 {
		t.Errorf("r01-b bank 2 fell by %d tenths of A when db-1's psu2 failed; want about 10", d)
	}
	// slow and dead change how the agent answers.
	if err := m.Do(simulator.Command{Op: "slow", Target: "r02-a", Value: "300ms"}); err != nil {
		t.Fatal(err)
	}
	v, _ := m.Device("r02-a")
	if d, drop := v.Behaviour(); d != 300*time.Millisecond || drop {
		t.Errorf("r02-a Behaviour = %v, %v; want 300ms, answering", d, drop)
	}
	if err := m.Do(simulator.Command{Op: "dead", Target: "r02-a"}); err != nil {
		t.Fatal(err)
	}
	if _, drop := v.Behaviour(); !drop {
		t.Error("r02-a answers although dead")
	}
}

func TestModelReboot(t *testing.T) {
	m, _, now := exampleModel(t)
	*now = now.Add(time.Hour)
	up := get(t, m, "r02-a", "1.3.6.1.2.1.1.3.0").Value.(uint32)
	if up < 360000-100 {
		t.Fatalf("r02-a sysUpTime after an hour = %d ticks; want about 360000", up)
	}
	if err := m.Do(simulator.Command{Op: "reboot", Target: "r02-a"}); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(10 * time.Second)
	if up := get(t, m, "r02-a", "1.3.6.1.2.1.1.3.0").Value.(uint32); up > 1100 {
		t.Errorf("r02-a sysUpTime 10 s after a reboot = %d ticks; want about 1000", up)
	}
}

func TestControlAPI(t *testing.T) {
	m, _, _ := exampleModel(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := simulator.NewControl(m, simulator.ControlOptions{Listen: "0.0.0.0:0", Logger: log}); err == nil {
		t.Error("NewControl(0.0.0.0) = nil; want a refusal (loopback only)")
	}
	c, err := simulator.NewControl(m, simulator.ControlOptions{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	go c.Run(ctx)
	url := "http://" + c.Addr() + "/v1/faults"
	post := func(token, body string) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post("", `{"op":"cut","target":"source:A"}`); code != http.StatusUnauthorized {
		t.Errorf("POST without a token = %d; want 401", code)
	}
	if code, _ := post("wrong", `{"op":"cut","target":"source:A"}`); code != http.StatusUnauthorized {
		t.Errorf("POST with a wrong token = %d; want 401", code)
	}
	if len(m.Faults().Cut) != 0 {
		t.Fatal("an unauthenticated request changed the faults")
	}
	code, body := post(c.Token(), `{"op":"cut","target":"source:A"}`)
	if code != http.StatusOK {
		t.Fatalf("POST cut = %d %s; want 200", code, body)
	}
	var f simulator.Faults
	if err := json.Unmarshal([]byte(body), &f); err != nil || len(f.Cut) != 1 || f.Cut[0] != "source:A" {
		t.Errorf("POST cut answered %s; want the faults with source:A cut", body)
	}
	if code, body := post(c.Token(), `{"op":"cut","target":"source:Q"}`); code != http.StatusBadRequest || !strings.Contains(body, `source:Q is not in site`) {
		t.Errorf("POST cut source:Q = %d %s; want 400 naming the element", code, body)
	}
	if code, _ := post(c.Token(), `{"op":"cut","targte":"x"}`); code != http.StatusBadRequest {
		t.Errorf("POST with an unknown field = %d; want 400", code)
	}
	if code, _ := post(c.Token(), string(bytes.Repeat([]byte("x"), 1<<17))); code != http.StatusBadRequest {
		t.Errorf("POST of 128 KiB of junk = %d; want 400", code)
	}
}

func TestEndpoints(t *testing.T) {
	m, site, _ := exampleModel(t)
	eps, err := m.Endpoints(1161)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != len(site.PDUs)+len(site.ATS) {
		t.Fatalf("Endpoints = %d; want one per PDU and ATS (%d)", len(eps), len(site.PDUs)+len(site.ATS))
	}
	seen := map[string]string{}
	for _, ep := range eps {
		if prev, dup := seen[ep.Addr]; dup {
			t.Errorf("%s and %s share %s", prev, ep.Device, ep.Addr)
		}
		seen[ep.Addr] = ep.Device
		if !strings.HasPrefix(ep.Addr, "127.") {
			t.Errorf("%s at %s; want a loopback address", ep.Device, ep.Addr)
		}
	}
	// The inventory's own address and community are used: r01-a is at
	// 127.0.0.11 with community suite14-ro.
	if eps[0].Device != "r01-a" || eps[0].Addr != "127.0.0.11:1161" || len(eps[0].Communities) != 2 || eps[0].Communities[1] != "suite14-ro" {
		t.Errorf("Endpoints()[0] = %+v; want r01-a at 127.0.0.11:1161 answering r01-a and suite14-ro", eps[0])
	}
}

func TestModelEvents(t *testing.T) {
	m, _, _ := exampleModel(t)
	var got []simulator.Event
	m.Subscribe(func(ev simulator.Event) { got = append(got, ev) })
	a, _ := m.Device("r02-a")
	if _, err := a.Set([]mib.Var{{OID: mib.MustOID(oids.RPDU2OutletSwitchedControlCommand + ".5"), Value: mib.Integer(2)}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	want := []simulator.Event{
		{Device: "r02-a", Kind: "outlet", Outlet: 5, On: false},
		{Device: "ats-r03", Kind: "ats-source", Source: 1},
		{Device: "ats-r03", Kind: "ats-redundancy", On: false},
		{Device: "ats-r07", Kind: "ats-source", Source: 1},
		{Device: "ats-r07", Kind: "ats-redundancy", On: false},
	}
	if len(got) != len(want) {
		t.Fatalf("events = %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v; want %+v", i, got[i], want[i])
		}
	}
}

func TestModelRenameOutlet(t *testing.T) {
	m, _, _ := exampleModel(t)
	a, _ := m.Device("r02-a")
	oid := oids.RPDU2OutletSwitchedConfigName + ".7"
	if _, err := a.Set([]mib.Var{{OID: mib.MustOID(oid), Value: mib.String("spare-7")}}); err != nil {
		t.Fatalf("Set(outlet 7 name) = %v", err)
	}
	if got := string(get(t, m, "r02-a", oid).Value.([]byte)); got != "spare-7" {
		t.Errorf("outlet 7 name after the SET = %q; want spare-7", got)
	}
}

func TestModelResetIsNotAReboot(t *testing.T) {
	m, _, now := exampleModel(t)
	var got []simulator.Event
	m.Subscribe(func(ev simulator.Event) { got = append(got, ev) })
	if err := m.Do(simulator.Command{Op: "reboot", Target: "r02-a"}); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Minute)
	if err := m.Do(simulator.Command{Op: "reset"}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Kind != "reboot" {
		t.Errorf("events after reboot + reset = %+v; want the one reboot", got)
	}
	if up := get(t, m, "r02-a", "1.3.6.1.2.1.1.3.0").Value.(uint32); up > 6100 {
		t.Errorf("r02-a sysUpTime a minute after its reboot and a reset = %d ticks; want about 6000 (a reset is not a reboot)", up)
	}
}

func TestModelTripsStayOpen(t *testing.T) {
	m, _, _ := exampleModel(t)
	if err := m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	if f := m.Faults(); len(f.Tripped) != 1 || f.Tripped[0] != "pdu:r04-b" {
		t.Fatalf("Faults().Tripped after cutting A = %v; want [pdu:r04-b] (the cascade)", f.Tripped)
	}
	// Feed A back: r04-b is still open, so r04-a carries the whole rack
	// (17.3 A on 16 A) and trips too — as it would at the site.
	if err := m.Do(simulator.Command{Op: "restore", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	b4, _ := m.Device("r04-b")
	if _, drop := b4.Behaviour(); !drop {
		t.Error("r04-b answers after feed A is back; a tripped inlet stays open until restored")
	}
	if f := m.Faults(); !slices.Equal(f.Tripped, []string{"pdu:r04-b", "pdu:r04-a"}) {
		t.Errorf("Faults().Tripped after restoring A = %v; want r04-b, then r04-a (it took the whole rack)", f.Tripped)
	}
	// Closing both at once brings the rack back at 8.7 A a side.
	if err := m.Do(simulator.Command{Op: "restore", Target: "pdu:r04-a,pdu:r04-b"}); err != nil {
		t.Fatal(err)
	}
	if _, drop := b4.Behaviour(); drop {
		t.Error("r04-b stays dark after both sides are restored")
	}
	if f := m.Faults(); len(f.Tripped) != 0 {
		t.Errorf("Faults().Tripped after restoring both = %v; want none", f.Tripped)
	}
	if err := m.Do(simulator.Command{Op: "trip", Target: "circuit:B-02"}); err != nil {
		t.Fatal(err)
	}
	if f := m.Faults(); len(f.Tripped) != 1 || f.Tripped[0] != "circuit:B-02" || len(f.Cut) != 0 {
		t.Errorf("Faults() after trip circuit:B-02 = cut %v, tripped %v; want it listed as tripped", f.Cut, f.Tripped)
	}
}
