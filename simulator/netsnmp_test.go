package simulator_test

import (
	"context"
	"io"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"feedplan/pdu/oids"
	"feedplan/simulator"
	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

// netSNMP runs a net-snmp tool and returns its output. A missing tool
// fails the test: CI installs net-snmp (.ci/run).
func netSNMP(t *testing.T, tool string, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s not found: install net-snmp's clients (apt-get install snmp)", tool)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	return string(out), err
}

// serveModel runs the example site's model behind a real agent.
func serveModel(t *testing.T, m *simulator.Model, users []agent.User) string {
	t.Helper()
	ag, err := agent.New(agent.Options{
		Listen: "127.0.0.1:0",
		Resolve: func(community, context string) (mib.View, bool) {
			name := community
			if context != "" {
				name = context
			}
			v, ok := m.Device(name)
			return v, ok
		},
		Users:  users,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ag.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return ag.Addr().String()
}

func snmpInt(t *testing.T, out string) int {
	t.Helper()
	_, v, ok := strings.Cut(strings.TrimSpace(out), "INTEGER: ")
	if !ok {
		t.Fatalf("no INTEGER in %q", out)
	}
	n, err := strconv.Atoi(strings.Fields(v)[0])
	if err != nil {
		t.Fatalf("INTEGER %q: %v", v, err)
	}
	return n
}

// TestNetSNMPSeesFaults drives the simulator as a technician would, with
// net-snmp's own tools: a cut feed changes what snmpget reads, a dark
// PDU stops answering, snmpset switches an outlet, v3 authPriv works.
func TestNetSNMPSeesFaults(t *testing.T) {
	m, _, _ := exampleModel(t)
	addr := serveModel(t, m, []agent.User{{Name: "tech", Auth: "SHA", AuthKey: "authpass1", Priv: "AES", PrivKey: "privpass1"}})
	v2 := func(community string) []string {
		return []string{"-v2c", "-c", community, "-On", "-r", "1", "-t", "2", addr}
	}
	phase := oids.RPDU2PhaseStatusCurrent + ".1"

	out, err := netSNMP(t, "snmpget", append(v2("r01-b"), phase)...)
	if err != nil {
		t.Fatalf("snmpget r01-b: %v\n%s", err, out)
	}
	before := snmpInt(t, out)

	if err := m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	out, err = netSNMP(t, "snmpget", append(v2("r01-b"), phase)...)
	if err != nil {
		t.Fatalf("snmpget r01-b after the cut: %v\n%s", err, out)
	}
	if after := snmpInt(t, out); after < 2*before-2 || after > 2*before+2 {
		t.Errorf("r01-b phase current: %d → %d tenths of A when feed A is cut; want it to double", before, after)
	}
	out, err = netSNMP(t, "snmpget", append(v2("r01-a"), phase)...)
	if err == nil || !strings.Contains(out, "Timeout") {
		t.Errorf("snmpget r01-a with feed A cut = %q, %v; want a timeout (its inlet is dark)", out, err)
	}
	if err := m.Do(simulator.Command{Op: "restore", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}

	// snmpset switches r02-a's outlet 5 off (immediateOff = 2), and the
	// next get shows it off (1).
	ctl := oids.RPDU2OutletSwitchedControlCommand + ".5"
	if out, err := netSNMP(t, "snmpset", append(v2("r02-a"), ctl, "i", "2")...); err != nil {
		t.Fatalf("snmpset r02-a outlet 5 off: %v\n%s", err, out)
	}
	out, err = netSNMP(t, "snmpget", append(v2("r02-a"), oids.RPDU2OutletSwitchedStatusState+".5")...)
	if err != nil || snmpInt(t, out) != 1 {
		t.Errorf("r02-a outlet 5 state after snmpset off = %q, %v; want INTEGER: 1 (off)", out, err)
	}
	// A read-only object refuses the set.
	out, err = netSNMP(t, "snmpset", append(v2("r02-a"), phase, "i", "5")...)
	if err == nil || !strings.Contains(out, "notWritable") {
		t.Errorf("snmpset of the phase current = %q, %v; want notWritable", out, err)
	}

	// v3 authPriv, the device chosen by context.
	out, err = netSNMP(t, "snmpwalk", "-v3", "-l", "authPriv", "-u", "tech", "-a", "SHA", "-A", "authpass1", "-x", "AES", "-X", "privpass1",
		"-n", "ats-r07", "-On", "-r", "1", "-t", "3", addr, "1.3.6.1.4.1.318.1.1.8.5.1")
	if err != nil || !strings.Contains(out, ".1.3.6.1.4.1.318.1.1.8.5.1.2.0 = INTEGER: 1") {
		t.Errorf("v3 walk of ats-r07 status = %v\n%s\nwant selected source A (1)", err, out)
	}
}

// TestNetSNMPWalksEveryProfile walks one device of each vendor profile
// with snmpwalk over v2c and v3 authPriv (SHA-256/AES) and checks that
// net-snmp prints exactly the variables the view holds, in order.
func TestNetSNMPWalksEveryProfile(t *testing.T) {
	m, _, _ := exampleModel(t)
	addr := serveModel(t, m, []agent.User{{Name: "tech", Auth: "SHA256", AuthKey: "authpass1", Priv: "AES", PrivKey: "privpass1"}})
	seen := map[string]bool{}
	for _, name := range m.Devices() {
		v, _ := m.Device(name)
		if seen[v.Profile()] {
			continue
		}
		seen[v.Profile()] = true
		t.Run(v.Profile(), func(t *testing.T) {
			var want []string
			for o, _, ok := v.Next(mib.MustOID("1.3.6.1.4.1")); ok; o, _, ok = v.Next(o) {
				want = append(want, o.String())
			}
			if len(want) < 20 {
				t.Fatalf("%s serves %d enterprise variables; want a real profile", name, len(want))
			}
			for _, args := range [][]string{
				{"-v2c", "-c", name},
				{"-v3", "-l", "authPriv", "-u", "tech", "-a", "SHA-256", "-A", "authpass1", "-x", "AES", "-X", "privpass1", "-n", name},
			} {
				out, err := netSNMP(t, "snmpbulkwalk", append(args, "-On", "-r", "1", "-t", "3", addr, "1.3.6.1.4.1")...)
				if err != nil {
					t.Fatalf("snmpbulkwalk %v: %v\n%s", args[:3], err, out)
				}
				var got []string
				for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
					if o, _, ok := strings.Cut(l, " = "); ok && !strings.Contains(l, "No more variables") {
						got = append(got, o)
					}
				}
				// The energy counters and noise may change values between
				// the two walks; the set and order of variables may not.
				if len(got) != len(want) {
					t.Fatalf("snmpbulkwalk %s %v printed %d variables; the view holds %d", name, args[:3], len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("snmpbulkwalk %s %v: variable %d is %s; want %s", name, args[:3], i, got[i], want[i])
					}
				}
			}
		})
	}
	if len(seen) < 5 {
		t.Errorf("the example site covers %d profiles; want all five (apc-rpdu2, apc-ats, raritan-px, servertech-sentry4, eaton-epdu)", len(seen))
	}
}
