package inventory_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
)

// exampleSitePath is the hand-written example site that the docs and `make
// demo` use. This test keeps it loadable and keeps the facts that the docs
// and the comment at its top rely on.
const exampleSitePath = "../examples/site.yaml"

func loadExampleSite(t *testing.T) *inventory.Site {
	t.Helper()
	s, err := inventory.Load(exampleSitePath)
	if err != nil {
		t.Fatalf("Load(%s):\n%v", exampleSitePath, err)
	}
	return s
}

// exampleSiteFeed returns the source that ultimately feeds a circuit.
func exampleSiteFeed(t *testing.T, s *inventory.Site, circuit string) string {
	t.Helper()
	c := s.Circuit(circuit)
	if c == nil {
		t.Fatalf("circuit %q is not defined", circuit)
	}
	src := s.SourceOf(s.Panel(c.Panel))
	if src == nil {
		t.Fatalf("circuit %q: no source above panel %q", circuit, c.Panel)
	}
	return src.Name
}

// exampleSitePlugFeed returns the feed behind a PDU outlet: the source of the
// PDU's circuit, or "ATS" for a PDU fed by an ATS.
func exampleSitePlugFeed(t *testing.T, s *inventory.Site, p inventory.Plug) string {
	t.Helper()
	pdu := s.PDU(p.PDU)
	if pdu == nil {
		t.Fatalf("pdu %q is not defined", p.PDU)
	}
	if s.ATSUnit(pdu.Inlet) != nil {
		return "ATS"
	}
	return exampleSiteFeed(t, s, pdu.Inlet)
}

func TestExampleSiteCounts(t *testing.T) {
	s := loadExampleSite(t)
	for _, tc := range []struct {
		what      string
		got, want int
	}{
		{"sources", len(s.Sources), 2},
		{"panels", len(s.Panels), 6},
		{"circuits", len(s.Circuits), 20},
		{"ATS units", len(s.ATS), 2},
		{"PDUs", len(s.PDUs), 18},
		{"racks", len(s.Racks), 8},
		{"devices", len(s.Devices), 64},
		{"services", len(s.Services), 18},
		{"mail queues", len(s.MailQueues), 2},
		{"jobs", len(s.Jobs), 8},
	} {
		if tc.got != tc.want {
			t.Errorf("got %d %s; want %d", tc.got, tc.what, tc.want)
		}
	}
	if s.Utilisation != inventory.DefaultUtilisation {
		t.Errorf("utilisation = %g; want %g", s.Utilisation, inventory.DefaultUtilisation)
	}
}

// Every rack has an A and a B PDU, each on a circuit of its own feed; the
// two extra PDUs are the strips behind the ATS units.
func TestExampleSiteRackPDUs(t *testing.T) {
	s := loadExampleSite(t)
	onCircuit, onATS := 0, 0
	for _, p := range s.PDUs {
		if s.ATSUnit(p.Inlet) != nil {
			onATS++
		} else {
			onCircuit++
		}
	}
	if onCircuit != 16 || onATS != 2 {
		t.Errorf("got %d PDUs on circuits and %d on ATS units; want 16 and 2", onCircuit, onATS)
	}
	for _, r := range s.Racks {
		for _, side := range []string{"A", "B"} {
			name := r.Name + "-" + strings.ToLower(side)
			p := s.PDU(name)
			if p == nil {
				t.Errorf("rack %q: pdu %q is not defined", r.Name, name)
				continue
			}
			if p.Rack != r.Name {
				t.Errorf("pdu %q is in rack %q; want %q", name, p.Rack, r.Name)
			}
			if got := exampleSiteFeed(t, s, p.Inlet); got != side {
				t.Errorf("pdu %q is on circuit %q of feed %s; want feed %s", name, p.Inlet, got, side)
			}
			if p.SNMP == nil || !strings.HasPrefix(p.SNMP.Address, "127.0.0.") {
				t.Errorf("pdu %q: snmp address must be on 127.0.0.x, got %+v", name, p.SNMP)
			}
		}
	}
}

// Every PDU and ATS is reachable over SNMP on loopback; two PDUs use v3.
func TestExampleSiteSNMP(t *testing.T) {
	s := loadExampleSite(t)
	targets := map[string]*inventory.SNMP{}
	for _, p := range s.PDUs {
		targets["pdu "+p.Name] = p.SNMP
	}
	for _, a := range s.ATS {
		targets["ats "+a.Name] = a.SNMP
	}
	v3 := 0
	for obj, c := range targets {
		if c == nil {
			t.Errorf("%s has no snmp block", obj)
			continue
		}
		if !strings.HasPrefix(c.Address, "127.0.0.") {
			t.Errorf("%s: snmp address %q; want a 127.0.0.x loopback address", obj, c.Address)
		}
		switch c.Version {
		case "2c":
			if c.Community == "" {
				t.Errorf("%s: snmp v2c without a community", obj)
			}
		case "3":
			v3++
			if c.User == "" || c.AuthProto != "SHA" || c.PrivProto != "AES" || len(c.AuthKey.Reveal()) < 8 || len(c.PrivKey.Reveal()) < 8 {
				t.Errorf("%s: snmp v3 = {user %q, auth %q, priv %q}; want a user, SHA and AES with keys of 8+ characters", obj, c.User, c.AuthProto, c.PrivProto)
			}
		default:
			t.Errorf("%s: snmp version %q; want 2c or 3 written out", obj, c.Version)
		}
	}
	if v3 != 2 {
		t.Errorf("got %d SNMPv3 targets; want 2 (r03-a and r03-b)", v3)
	}
}

// ats-r07 is the incident: it failed its last switchover test and carries
// the single-PSU access switches of row 2. ats-r03 passed.
func TestExampleSiteATS(t *testing.T) {
	s := loadExampleSite(t)
	for _, tc := range []struct {
		name   string
		passed bool
		strip  string
		single int // single-PSU devices behind it
	}{
		{"ats-r03", true, "r03-c", 3},
		{"ats-r07", false, "r07-c", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := s.ATSUnit(tc.name)
			if a == nil {
				t.Fatalf("ats %q is not defined", tc.name)
			}
			if len(a.Inputs) != 2 {
				t.Fatalf("ats %q has %d inputs; want 2", tc.name, len(a.Inputs))
			}
			feeds := exampleSiteFeed(t, s, a.Inputs[0]) + exampleSiteFeed(t, s, a.Inputs[1])
			if feeds != "AB" {
				t.Errorf("ats %q inputs %v are on feeds %s; want one on A and one on B", tc.name, a.Inputs, feeds)
			}
			if a.Preferred != a.Inputs[0] {
				t.Errorf("ats %q prefers %q; want its feed-A input %q", tc.name, a.Preferred, a.Inputs[0])
			}
			if a.Test == nil {
				t.Fatalf("ats %q has no test record", tc.name)
			}
			if got := a.Test.Passed(); got != tc.passed {
				t.Errorf("ats %q: Test.Passed() = %v; want %v (result %q)", tc.name, got, tc.passed, a.Test.Result)
			}

			strip := s.PDU(tc.strip)
			if strip == nil || strip.Inlet != tc.name {
				t.Fatalf("pdu %q should be fed by %q; got %+v", tc.strip, tc.name, strip)
			}
			if strip.Amps != a.Amps {
				t.Errorf("pdu %q amps = %g; want the ATS rating %g (the default)", tc.strip, strip.Amps, a.Amps)
			}
			var behind []string
			for _, d := range s.Devices {
				for _, p := range d.PSUs {
					if p.PDU != tc.strip {
						continue
					}
					behind = append(behind, d.Name)
					if len(d.PSUs) != 1 {
						t.Errorf("device %q on %s has %d PSUs; everything behind %q should be single-corded", d.Name, p, len(d.PSUs), tc.name)
					}
				}
			}
			if len(behind) != tc.single {
				t.Errorf("got %d devices behind %q (%v); want %d", len(behind), tc.name, behind, tc.single)
			}
		})
	}
}

// The mistakes a redundancy audit must find are in the file on purpose.
func TestExampleSiteMistakes(t *testing.T) {
	s := loadExampleSite(t)

	app3 := s.Device("app-3")
	if app3 == nil {
		t.Fatal(`device "app-3" is not defined`)
	}
	var feeds []string
	for _, p := range app3.PSUs {
		feeds = append(feeds, exampleSitePlugFeed(t, s, p))
	}
	if got := strings.Join(feeds, ","); got != "A,A" {
		t.Errorf("app-3 PSUs %v are on feeds %s; want A,A (both on feed A)", app3.PSUs, got)
	}

	mon1 := s.Device("mon-1")
	if mon1 == nil {
		t.Fatal(`device "mon-1" is not defined`)
	}
	if len(mon1.PSUs) != 2 || mon1.PSUs[0].Unplugged() || !mon1.PSUs[1].Unplugged() {
		t.Errorf("mon-1 psus = %v; want [r03-a:5 unplugged]", mon1.PSUs)
	}

	// Every other multi-PSU device outside those two has a PSU on each feed.
	for _, d := range s.Devices {
		if d.Name == "app-3" || d.Name == "mon-1" || len(d.PSUs) < 2 {
			continue
		}
		seen := map[string]bool{}
		for _, p := range d.PSUs {
			seen[exampleSitePlugFeed(t, s, p)] = true
		}
		if !seen["A"] || !seen["B"] {
			t.Errorf("device %q psus %v: want one on feed A and one on feed B", d.Name, d.PSUs)
		}
	}

	for _, name := range []string{"st-1", "st-2"} {
		d := s.Device(name)
		if d == nil {
			t.Fatalf("device %q is not defined", name)
		}
		if len(d.PSUs) != 4 || d.MinPSUs != 2 {
			t.Errorf("device %q has %d PSUs, min_psus %d; want 4 and 2", name, len(d.PSUs), d.MinPSUs)
		}
	}
}

func TestExampleSiteServices(t *testing.T) {
	s := loadExampleSite(t)
	for _, tc := range []struct {
		service string
		members int
		min     string
		needed  int
	}{
		{"db", 3, "2", 2},
		{"web", 8, "50%", 4},
		{"app", 6, "2", 2},
		{"mail", 2, "1", 1},
		{"newsletter", 1, "1", 1},
		{"storage", 2, "1", 1},
		{"vm", 8, "75%", 6},
	} {
		svc := s.Service(tc.service)
		if svc == nil {
			t.Errorf("service %q is not defined", tc.service)
			continue
		}
		if got := len(s.Members(tc.service)); got != tc.members {
			t.Errorf("service %q: got %d members; want %d", tc.service, got, tc.members)
		}
		if got := svc.MinAvailable.String(); got != tc.min {
			t.Errorf("service %q: min = %s; want %s", tc.service, got, tc.min)
		}
		if got := svc.MinAvailable.Of(tc.members); got != tc.needed {
			t.Errorf("service %q: min %s of %d = %d; want %d", tc.service, svc.MinAvailable, tc.members, got, tc.needed)
		}
	}
	if got := fmt.Sprint(s.Service("web").DependsOn, s.Service("app").DependsOn); got != "[app] [db search]" {
		t.Errorf("web and app depend on %s; want [app] [db search]", got)
	}
	for _, d := range s.Members("db") {
		if want := "ssh " + d.Name + " sudo systemctl poweroff"; d.Shutdown != want {
			t.Errorf("device %q: shutdown = %q; want %q", d.Name, d.Shutdown, want)
		}
	}
}

func TestExampleSiteMailAndJobs(t *testing.T) {
	s := loadExampleSite(t)
	for _, name := range []string{"mx-1", "mx-2"} {
		q := s.MailQueue(name)
		if q == nil {
			t.Errorf("mail queue %q is not defined", name)
			continue
		}
		if q.Device != name || q.Kind != "postfix" || q.Lifetime != "5d" || q.Rate <= 0 {
			t.Errorf("mail queue %q = {device %q, kind %q, lifetime %q, rate %g}; want {%q, postfix, 5d, > 0}",
				name, q.Device, q.Kind, q.Lifetime, q.Rate, name)
		}
	}

	j := s.Job("newsletter")
	if j == nil {
		t.Fatal(`job "newsletter" is not defined`)
	}
	if j.Cron != "0 21 * * 5" || j.TZ != "Europe/Amsterdam" || j.Device != "news-1" {
		t.Errorf("job newsletter = {cron %q, tz %q, device %q}; want {0 21 * * 5, Europe/Amsterdam, news-1}", j.Cron, j.TZ, j.Device)
	}
	sched, err := j.Schedule()
	if err != nil {
		t.Fatalf("job newsletter: %v", err)
	}
	// From Saturday 21 November 2026 the next run is Friday the 27th, 21:00 in
	// Amsterdam (CET, UTC+1), that is 20:00 UTC.
	from := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	want := time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC)
	if got := sched.Next(from); !got.Equal(want) {
		t.Errorf("newsletter after %s runs at %s; want %s", from, got.UTC(), want)
	}

	for _, name := range []string{"backup-nightly", "db-vacuum"} {
		if s.Job(name) == nil {
			t.Errorf("job %q is not defined", name)
		}
	}
	if inv := s.Job("invoice-run"); inv == nil || inv.CanDefer() {
		t.Errorf("job invoice-run should exist and not be deferrable; got %+v", inv)
	}
	if cr := s.Job("cert-renew"); cr == nil || cr.TZ != "UTC" {
		t.Errorf("job cert-renew should default to tz UTC; got %+v", cr)
	}
}

// The defaults the docs describe, as they come out on the example.
func TestExampleSiteDefaults(t *testing.T) {
	s := loadExampleSite(t)
	for _, tc := range []struct {
		what      string
		got, want float64
	}{
		{"circuit B-02 volts (single-phase: the feed's 230 V)", s.Circuit("B-02").Volts, 230},
		{"circuit B-12 volts (three-phase: round(230 x sqrt 3))", s.Circuit("B-12").Volts, 398},
		{"pdu r06-b volts (three-phase PDU: line-to-neutral)", s.PDU("r06-b").Volts, 230},
		{"pdu r06-b amps (from circuit B-12)", s.PDU("r06-b").Amps, 16},
		{"pdu r03-a amps (set)", s.PDU("r03-a").Amps, 32},
		{"device tor-r05 pf", s.Device("tor-r05").PF, 0.92},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %g; want %g", tc.what, tc.got, tc.want)
		}
	}
	if got := s.PDU("r06-b").Phases; got != 3 {
		t.Errorf("pdu r06-b phases = %d; want 3 (from circuit B-12)", got)
	}
	if got := s.Circuit("B-12").Phase; got != 0 {
		t.Errorf("circuit B-12 phase = %d; want 0 (a three-phase circuit uses all three)", got)
	}
	// r07-a leaves its banks' phases out: they go to L1, L2, L3 in turn.
	for i, b := range s.PDU("r07-a").Banks {
		if b.Phase != i+1 {
			t.Errorf("pdu r07-a bank %s phase = %d; want %d", b.Name, b.Phase, i+1)
		}
	}
	// r07-c has no banks: one bank "1" covering all its outlets.
	if bs := s.PDU("r07-c").Banks; len(bs) != 1 || bs[0].Name != "1" || bs[0].Outlets.String() != "1-8" {
		t.Errorf("pdu r07-c banks = %+v; want one bank \"1\" with outlets 1-8", bs)
	}
	if got := s.ATSUnit("ats-r03").SNMP.Version; got != "2c" {
		t.Errorf("ats ats-r03 snmp version = %q; want the default 2c", got)
	}
}
