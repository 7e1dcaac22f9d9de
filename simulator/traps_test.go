package simulator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/pdu/oids"
	"feedplan/simulator"
	"feedplan/simulator/mib"
)

// output collects a process's output and wakes whoever waits on it.
type output struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	wake chan struct{} // closed and replaced on every write
}

func newOutput() *output { return &output{wake: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.wake)
	o.wake = make(chan struct{})
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor returns the output once cond holds on it; an error when done
// is closed or the deadline passes first.
func (o *output) waitFor(ctx context.Context, done <-chan struct{}, cond func(string) bool) (string, error) {
	for {
		o.mu.Lock()
		s, wake := o.buf.String(), o.wake
		o.mu.Unlock()
		if cond(s) {
			return s, nil
		}
		select {
		case <-wake:
		case <-done:
			return s, errors.New("the process exited")
		case <-ctx.Done():
			return s, ctx.Err()
		}
	}
}

// trapd is a net-snmp snmptrapd the test started on loopback; it prints
// each notification as
//
//	NOTIFICATION UDP: [src]:port->[dst]:port TRAP2, SNMP v2c, community public
//	.1.3.6.1.2.1.1.3.0 = Timeticks: (0) 0:00:00.00
//	…
//	END
type trapd struct {
	addr string
	out  *output
	done chan struct{}
}

const trapdFormat = "NOTIFICATION %b %P\n%V\n%v\nEND\n"

// startTrapd runs snmptrapd in the foreground with conf as its only
// configuration, on a free loopback port, until the test ends. A missing
// snmptrapd fails the test: CI installs it (.ci/run).
func startTrapd(t *testing.T, conf string) *trapd {
	t.Helper()
	bin, err := exec.LookPath("snmptrapd")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/snmptrapd"); serr != nil {
			t.Fatal("snmptrapd not found: apt-get install snmptrapd")
		}
		bin = "/usr/sbin/snmptrapd"
	}
	dir := t.TempDir()
	confFile := filepath.Join(dir, "snmptrapd.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; ; attempt++ {
		port := freeUDPPort(t)
		d := &trapd{addr: "127.0.0.1:" + port, out: newOutput(), done: make(chan struct{})}
		cmd := exec.Command(bin, "-f", "-Lo", "-C", "-c", confFile, "-On", "-m", "", "-M", os.DevNull,
			"--persistentDir="+dir, "-F", trapdFormat, "udp:"+d.addr)
		cmd.Stdout, cmd.Stderr = d.out, d.out
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting snmptrapd: %v", err)
		}
		go func() { cmd.Wait(); close(d.done) }()
		t.Cleanup(func() {
			cmd.Process.Kill() // the process this test started, by its PID
			<-d.done
		})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		// It prints its version once it listens.
		out, err := d.out.waitFor(ctx, d.done, func(s string) bool { return strings.Contains(s, "NET-SNMP version") })
		cancel()
		if err == nil {
			return d
		}
		if attempt == 3 || !strings.Contains(out, "Address already in use") {
			t.Fatalf("snmptrapd on %s did not start: %v\n%s", d.addr, err, out)
		}
	}
}

// freeUDPPort returns a loopback UDP port nobody listens on now.
func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, port, _ := net.SplitHostPort(c.LocalAddr().String())
	return port
}

// notification is one notification snmptrapd printed.
type notification struct {
	from  string   // source IP
	pdu   string   // "TRAP2, SNMP v2c, community public", "INFORM, …"
	vars  []string // "OID = TYPE: value", in order
	trap  string   // snmpTrapOID.0, with a leading dot
	plain string   // as printed, for failure messages
}

func parseNotifications(out string) []notification {
	var ns []notification
	for _, block := range strings.Split(out, "NOTIFICATION ")[1:] {
		block, _, _ = strings.Cut(block, "\nEND\n")
		lines := strings.Split(block, "\n")
		n := notification{plain: block}
		head := lines[0]
		if i, j := strings.Index(head, "["), strings.Index(head, "]"); i >= 0 && j > i {
			n.from = head[i+1 : j]
		}
		if _, pdu, ok := strings.Cut(head, " "); ok {
			if _, pdu, ok = strings.Cut(pdu, " "); ok {
				n.pdu = pdu
			}
		}
		n.vars = lines[1:]
		for _, v := range n.vars {
			if rest, ok := strings.CutPrefix(v, ".1.3.6.1.6.3.1.1.4.1.0 = OID: "); ok {
				n.trap = rest
			}
		}
		ns = append(ns, n)
	}
	return ns
}

// await waits until snmptrapd has printed count notifications from the
// same source and with the same snmpTrapOID as want, and returns the
// notifications so far.
func (d *trapd) await(t *testing.T, wants ...wantTrap) []notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	out, err := d.out.waitFor(ctx, d.done, func(s string) bool {
		ns := parseNotifications(s)
		for _, w := range wants {
			if !slices.ContainsFunc(ns, w.matches) {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatalf("waiting for %v: %v; snmptrapd printed:\n%s", wants, err, out)
	}
	return parseNotifications(out)
}

// wantTrap is a notification a test expects: from a source address,
// with a snmpTrapOID, and with these varbind lines among its own.
type wantTrap struct {
	from string
	trap string // with a leading dot
	vars []string
}

func (w wantTrap) String() string { return fmt.Sprintf("%s from %s", w.trap, w.from) }

func (w wantTrap) matches(n notification) bool {
	if n.from != w.from || n.trap != w.trap {
		return false
	}
	for _, v := range w.vars {
		if !slices.Contains(n.vars, v) {
			return false
		}
	}
	return true
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// runSender runs s until stop is called or the test ends.
func runSender(t *testing.T, s *simulator.TrapSender) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Run did not return within 10 s of its context's end")
		}
	})
	t.Cleanup(stop)
	return stop
}

// from gives each device the loopback address of its own agent.
func from(t *testing.T, m *simulator.Model) map[string]string {
	t.Helper()
	eps, err := m.Endpoints(161)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range eps {
		host, _, _ := net.SplitHostPort(e.Addr)
		out[e.Device] = host
	}
	return out
}

const (
	upTime0   = ".1.3.6.1.2.1.1.3.0 = Timeticks: (0) 0:00:00.00"
	apcEnt    = ".1.3.6.1.6.3.1.1.4.3.0 = OID: .1.3.6.1.4.1.318"
	trapOIDIs = ".1.3.6.1.6.3.1.1.4.1.0 = OID: "
)

func vb(oid, idx, value string) string { return "." + oid + "." + idx + " = " + value }

// clockModel loads the example site with a clock the test moves, so that
// each device's sysUpTime means something.
func clockModel(t *testing.T, edit func(*inventory.Site)) (*simulator.Model, func(time.Duration)) {
	t.Helper()
	site, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(site)
	}
	start := time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)
	var offset atomic.Int64
	m, err := simulator.New(simulator.Options{Site: site, Seed: 7, Now: func() time.Time { return start.Add(time.Duration(offset.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	return m, func(d time.Duration) { offset.Add(int64(d)) }
}

// served is what a device's agent answers for oid, as snmptrapd prints a
// string.
func served(t *testing.T, m *simulator.Model, dev, oid string) string {
	t.Helper()
	return fmt.Sprintf("STRING: %q", get(t, m, dev, oid).Value)
}

// TestTrapsReachSnmptrapd drives the example site and checks, with
// net-snmp's snmptrapd, that each vendor's device sends its own
// notification from its own address with the varbinds its MIB lists.
func TestTrapsReachSnmptrapd(t *testing.T) {
	d := startTrapd(t, "authCommunity log,execute,net public\n")
	m, advance := clockModel(t, func(s *inventory.Site) {
		for _, p := range s.PDUs {
			if p.Name == "r01-a" {
				p.Model = "AP8853" // metered only: no relays, no outlet traps
			}
		}
	})
	advance(90 * time.Second) // every agent has been up 90 s
	s, err := simulator.NewTrapSender(simulator.TrapOptions{Target: d.addr, From: from(t, m), Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	s.Attach(m)
	stop := runSender(t, s)
	const up90 = ".1.3.6.1.2.1.1.3.0 = Timeticks: (9000) 0:01:30.00"
	expect := func(ws ...wantTrap) []notification {
		t.Helper()
		return d.await(t, ws...)
	}

	// Feed A fails: both ATS units transfer to B and lose redundancy.
	if err := m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	for _, ats := range []string{"127.0.0.34", "127.0.0.74"} {
		expect(
			wantTrap{from: ats, trap: "." + oids.ATSSourceSwitched, vars: []string{up90,
				vb(oids.MtrapargsInteger, "0", "INTEGER: 1"), vb(oids.MtrapargsString02, "0", `STRING: "Source B"`), apcEnt}},
			wantTrap{from: ats, trap: "." + oids.ATSLostRedundancy, vars: []string{up90,
				vb(oids.MtrapargsInteger, "0", "INTEGER: 0"), vb(oids.MtrapargsString02, "0", `STRING: "Source A"`), apcEnt}},
		)
	}
	// It comes back: they return to their preferred input A.
	if err := m.Do(simulator.Command{Op: "restore", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	for _, ats := range []string{"127.0.0.34", "127.0.0.74"} {
		expect(
			wantTrap{from: ats, trap: "." + oids.ATSSourceSwitched, vars: []string{vb(oids.MtrapargsInteger, "0", "INTEGER: 0")}},
			wantTrap{from: ats, trap: "." + oids.ATSRedundancyRestored, vars: []string{
				vb(oids.MtrapargsInteger, "0", "INTEGER: 0"), vb(oids.MtrapargsString02, "0", `STRING: "Source A"`)}},
		)
	}

	// snmpset-style: r02-a (APC AP8959) outlet 5 immediateOff.
	r02a, _ := m.Device("r02-a")
	if _, err := r02a.Set([]mib.Var{{OID: mib.MustOID(oids.RPDU2OutletSwitchedControlCommand + ".5"), Value: mib.Integer(int(oids.RPDU2ImmediateOff))}}); err != nil {
		t.Fatal(err)
	}
	expect(wantTrap{from: "127.0.0.21", trap: "." + oids.RPDUOutletOff, vars: []string{up90,
		vb(oids.RPDUIdentSerialNumber, "0", served(t, m, "r02-a", oids.RPDUIdentSerialNumber+".0")),
		vb(oids.RPDUIdentName, "0", `STRING: "r02-a"`),
		vb(oids.RPDUOutletControlIndex, "5", "INTEGER: 5"),
		vb(oids.RPDUOutletControlOutletName, "5", served(t, m, "r02-a", oids.RPDUOutletControlOutletName+".5")),
		apcEnt}})

	// Outlets switched off through the fault state on the other vendors,
	// and on r01-a, whose metered-only model has no relay to switch.
	if err := m.Update(func(f *simulator.Faults) error {
		f.OutletOff = append(f.OutletOff, "r01-a:3", "r03-a:7", "r05-a:3", "r07-a:4")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	meas := func(col int) string { return oids.PDU2OutletSensorMeasurementsEntry + "." + strconv.Itoa(col) }
	unix := strconv.FormatInt(time.Date(2026, 11, 28, 21, 1, 30, 0, time.UTC).Unix(), 10)
	expect(
		wantTrap{from: "127.0.0.31", trap: "." + oids.PDU2OutletSensorStateChange, vars: []string{up90,
			vb(oids.PDU2PduName, "1", `STRING: "r03-a"`),
			vb(oids.PDU2PduNumber, "0", "INTEGER: 1"),
			vb(oids.PDU2PxInetAddressType, "1", "INTEGER: 1"),
			vb(oids.PDU2PxInetIPAddress, "1", "Hex-STRING: 7F 00 00 1F "),
			vb(oids.PDU2AgentInetPortNumber, "0", "Gauge32: 161"),
			vb(oids.PDU2OutletLabel, "1.7", `STRING: "7"`),
			vb(oids.PDU2TypeOfSensor, "0", "INTEGER: 14"),
			vb(meas(oids.PDU2MeasColTimeStamp), "1.7.14", "Gauge32: "+unix),
			vb(meas(oids.PDU2MeasColState), "1.7.14", "INTEGER: 8"),
			vb(oids.PDU2OldSensorState, "0", "INTEGER: 7"),
			vb(oids.SysName, "0", `STRING: "r03-a"`),
			vb(oids.PDU2PduSerialNumber, "1", served(t, m, "r03-a", oids.PDU2PduSerialNumber+".1"))}},
		wantTrap{from: "127.0.0.51", trap: "." + oids.St4OutletStateChangeEvent, vars: []string{up90,
			vb(oids.St4OutletID, "1.1.3", served(t, m, "r05-a", oids.St4OutletID+".1.1.3")),
			vb(oids.St4OutletName, "1.1.3", served(t, m, "r05-a", oids.St4OutletName+".1.1.3")),
			vb(oids.St4OutletState, "1.1.3", "INTEGER: 2"),
			vb(oids.St4OutletControlState, "1.1.3", "INTEGER: 10"),
			vb(oids.St4EventStatusText, "0", `STRING: "Off"`),
			vb(oids.St4EventStatusCondition, "0", "INTEGER: 0")}},
		wantTrap{from: "127.0.0.71", trap: "." + oids.EPDUNotifyOutletControlStatus, vars: []string{up90,
			vb(oids.EPDUStrappingIndex, "0", "INTEGER: 0"),
			vb(oids.EPDUOutletIndex, "0.4", "INTEGER: 4"),
			vb(oids.EPDUOutletControlStatus, "0.4", "INTEGER: 0")}},
	)
	// And back on: the Raritan's sensor goes from off to on.
	if err := m.Update(func(f *simulator.Faults) error { f.OutletOff = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	expect(wantTrap{from: "127.0.0.31", trap: "." + oids.PDU2OutletSensorStateChange, vars: []string{
		vb(meas(oids.PDU2MeasColState), "1.7.14", "INTEGER: 7"), vb(oids.PDU2OldSensorState, "0", "INTEGER: 8")}},
		wantTrap{from: "127.0.0.21", trap: "." + oids.RPDUOutletOn, vars: []string{vb(oids.RPDUOutletControlIndex, "5", "INTEGER: 5")}},
		wantTrap{from: "127.0.0.71", trap: "." + oids.EPDUNotifyOutletControlStatus, vars: []string{vb(oids.EPDUOutletControlStatus, "0.4", "INTEGER: 1")}})

	// ats-r07 will not transfer: when A fails its output goes dark. It
	// announces the lost input (A, the one it stays on) but no transfer;
	// ats-r03 transfers as before.
	for _, c := range []simulator.Command{{Op: "ats-fail", Target: "ats-r07"}, {Op: "cut", Target: "source:A"}} {
		if err := m.Do(c); err != nil {
			t.Fatal(err)
		}
	}
	expect(wantTrap{from: "127.0.0.74", trap: "." + oids.ATSLostRedundancy, vars: []string{vb(oids.MtrapargsInteger, "0", "INTEGER: 0")}})
	if err := m.Do(simulator.Command{Op: "reset"}); err != nil {
		t.Fatal(err)
	}

	// An agent reboots: coldStart, with the uptime starting again.
	advance(10 * time.Second)
	if err := m.Do(simulator.Command{Op: "reboot", Target: "r07-b"}); err != nil {
		t.Fatal(err)
	}
	ns := expect(wantTrap{from: "127.0.0.72", trap: ".1.3.6.1.6.3.1.1.5.1", vars: []string{".1.3.6.1.2.1.1.3.0 = Timeticks: (0) 0:00:00.00"}})

	for _, n := range ns {
		if n.from == "127.0.0.11" {
			t.Errorf("r01-a (metered only) sent %s; want nothing", n.trap)
		}
		if !strings.HasPrefix(n.vars[0], ".1.3.6.1.2.1.1.3.0 = Timeticks: ") || !strings.HasPrefix(n.vars[1], trapOIDIs) {
			t.Errorf("%s from %s starts with %q, %q; want sysUpTime.0 then snmpTrapOID.0 (RFC 3416 §4.2.6)", n.trap, n.from, n.vars[0], n.vars[1])
		}
		if n.pdu != "TRAP2, SNMP v2c, community public" {
			t.Errorf("%s from %s came as %q; want a v2c trap with community public", n.trap, n.from, n.pdu)
		}
	}
	switched := 0
	for _, n := range ns {
		if n.from == "127.0.0.74" && n.trap == "."+oids.ATSSourceSwitched {
			switched++
		}
	}
	if switched != 2 {
		t.Errorf("ats-r07 sent atsSourceSwitched %d times; want 2 (to B and back, none when it failed to transfer)", switched)
	}
	stop()
	sent, acked, dropped, failed := s.Stats()
	if want := len(ns); sent != want || acked != 0 || dropped != 0 || failed != 0 {
		t.Errorf("Stats() = sent %d, acked %d, dropped %d, failed %d; want %d, 0, 0, 0", sent, acked, dropped, failed, want)
	}
	checkAgainstMIB(t, ns)
}

// mibDirs is where the vendor MIBs live (see ../shared/snmp/SOURCES.md).
func mibDirs(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../shared/snmp/mibs")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "PowerNet-MIB")); err != nil {
		t.Fatalf("the vendor MIBs are missing (want ../shared/snmp/mibs beside the repository): %v", err)
	}
	return filepath.Join(dir, "base") + ":" + dir
}

// snmptranslate runs net-snmp's snmptranslate with every MIB loaded and
// returns its non-empty output lines.
func snmptranslate(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := netSNMP(t, "snmptranslate", append([]string{"-m", "ALL", "-M", mibDirs(t)}, args...)...)
	if err != nil {
		t.Fatalf("snmptranslate %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

var objectsClause = regexp.MustCompile(`(?s)OBJECTS\s*\{([^}]*)\}`)

// checkAgainstMIB holds each notification's varbinds — after sysUpTime.0
// and snmpTrapOID.0, without APC's closing snmpTrapEnterprise.0 — to the
// OBJECTS (or VARIABLES) its MIB gives it, in order.
func checkAgainstMIB(t *testing.T, ns []notification) {
	t.Helper()
	var trapOIDs []string
	for _, n := range ns {
		if !slices.Contains(trapOIDs, n.trap) {
			trapOIDs = append(trapOIDs, n.trap)
		}
	}
	// -Td prints a block per OID, each starting with MODULE::name.
	want := map[string][]string{}
	var blocks [][]string
	for _, l := range snmptranslate(t, append([]string{"-Td"}, trapOIDs...)...) {
		if !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "\t") && strings.Contains(l, "::") && !strings.Contains(l, " ") {
			blocks = append(blocks, nil)
		}
		if len(blocks) > 0 {
			blocks[len(blocks)-1] = append(blocks[len(blocks)-1], l)
		}
	}
	if len(blocks) != len(trapOIDs) {
		t.Fatalf("snmptranslate -Td gave %d blocks for %d notifications", len(blocks), len(trapOIDs))
	}
	for i, b := range blocks {
		want[trapOIDs[i]] = []string{}
		if m := objectsClause.FindStringSubmatch(strings.Join(b, "\n")); m != nil {
			for _, o := range strings.Split(m[1], ",") {
				want[trapOIDs[i]] = append(want[trapOIDs[i]], strings.TrimSpace(o))
			}
		}
	}
	// Translate every varbind in one go, then hand the names back.
	var all []string
	for _, n := range ns {
		for _, v := range n.vars[2:] {
			if oid, _, _ := strings.Cut(v, " = "); oid != ".1.3.6.1.6.3.1.1.4.3.0" { // snmpTrapEnterprise.0
				all = append(all, oid)
			}
		}
	}
	var names []string
	if len(all) > 0 {
		names = snmptranslate(t, append([]string{"-Os"}, all...)...)
	}
	if len(names) != len(all) {
		t.Fatalf("snmptranslate -Os gave %d names for %d OIDs", len(names), len(all))
	}
	for _, n := range ns {
		var got []string
		for _, v := range n.vars[2:] {
			if oid, _, _ := strings.Cut(v, " = "); oid != ".1.3.6.1.6.3.1.1.4.3.0" {
				name, _, _ := strings.Cut(names[0], ".") // the object, without its instance
				got, names = append(got, name), names[1:]
			}
		}
		if !slices.Equal(got, want[n.trap]) {
			t.Errorf("%s from %s carries %v; its MIB lists %v", n.trap, n.from, got, want[n.trap])
		}
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestInformsAcknowledged sends informs, which snmptrapd acknowledges.
func TestInformsAcknowledged(t *testing.T) {
	d := startTrapd(t, "authCommunity log,execute,net suite14-traps\n")
	m, _, _ := exampleModel(t)
	s, err := simulator.NewTrapSender(simulator.TrapOptions{Target: d.addr, Community: "suite14-traps", Inform: true,
		Timeout: 2 * time.Second, Retries: 2, From: from(t, m), Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	s.Attach(m)
	runSender(t, s)
	if err := m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil {
		t.Fatal(err)
	}
	ns := d.await(t, wantTrap{from: "127.0.0.34", trap: "." + oids.ATSSourceSwitched}, wantTrap{from: "127.0.0.34", trap: "." + oids.ATSLostRedundancy},
		wantTrap{from: "127.0.0.74", trap: "." + oids.ATSSourceSwitched}, wantTrap{from: "127.0.0.74", trap: "." + oids.ATSLostRedundancy})
	for _, n := range ns {
		if n.pdu != "INFORM, SNMP v2c, community suite14-traps" {
			t.Errorf("%s from %s came as %q; want a v2c inform with community suite14-traps", n.trap, n.from, n.pdu)
		}
	}
	eventually(t, "4 informs acknowledged", func() bool { _, acked, _, _ := s.Stats(); return acked == 4 })
	if sent, acked, dropped, failed := s.Stats(); sent != 4 || acked != 4 || dropped != 0 || failed != 0 {
		t.Errorf("Stats() = sent %d, acked %d, dropped %d, failed %d; want 4, 4, 0, 0", sent, acked, dropped, failed)
	}
}

// TestTrapsV3 sends SNMPv3 authPriv traps (the sender's engine is
// authoritative, so snmptrapd knows the user under that engine ID) and
// informs (snmptrapd's engine is, and the sender discovers it).
func TestTrapsV3(t *testing.T) {
	engine := append([]byte{0x80, 0x00, 0x1f, 0x88, 0x04}, "feedplan-sim"...)
	conf := fmt.Sprintf("createUser -e 0x%x tech SHA authpass1 AES privpass1\n", engine) +
		"createUser tech SHA authpass1 AES privpass1\nauthUser log,execute,net tech\n"
	for _, tc := range []struct {
		name   string
		inform bool
		pdu    string
	}{
		{"trap", false, "TRAP2, SNMP v3, user tech, context "},
		{"inform", true, "INFORM, SNMP v3, user tech, context "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := startTrapd(t, conf)
			m, _, _ := exampleModel(t)
			s, err := simulator.NewTrapSender(simulator.TrapOptions{Target: d.addr, Version: "3", Inform: tc.inform, Timeout: 2 * time.Second, Retries: 1,
				User: "tech", Auth: "SHA", AuthKey: "authpass1", Priv: "AES", PrivKey: "privpass1", From: from(t, m), Logger: discard()})
			if err != nil {
				t.Fatal(err)
			}
			s.Attach(m)
			stop := runSender(t, s)
			if err := m.Update(func(f *simulator.Faults) error { f.OutletOff = []string{"r04-b:9"}; return nil }); err != nil {
				t.Fatal(err)
			}
			ns := d.await(t, wantTrap{from: "127.0.0.42", trap: "." + oids.RPDUOutletOff, vars: []string{vb(oids.RPDUOutletControlIndex, "9", "INTEGER: 9")}})
			for _, n := range ns {
				if n.from == "127.0.0.42" && !strings.HasPrefix(n.pdu, tc.pdu) {
					t.Errorf("%s came as %q; want %q", n.trap, n.pdu, tc.pdu)
				}
			}
			// snmptrapd prints an inform before it acknowledges it.
			eventually(t, "the notification counted", func() bool { sent, _, _, failed := s.Stats(); return sent+failed > 0 })
			stop()
			if sent, acked, _, failed := s.Stats(); sent != 1 || failed != 0 || (acked == 1) != tc.inform {
				t.Errorf("Stats() = sent %d, acked %d, failed %d; want 1 sent, %v acked", sent, acked, failed, tc.inform)
			}
		})
	}
}

// TestTrapQueueDropsWhenReceiverIsDead: a receiver that never
// acknowledges holds one inform in flight; the queue fills, later
// notifications are dropped and counted, and the model never waits.
func TestTrapQueueDropsWhenReceiverIsDead(t *testing.T) {
	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	arrived := make(chan struct{}, 64)
	go func() {
		buf := make([]byte, 65536)
		for {
			if _, _, err := dead.ReadFrom(buf); err != nil {
				return
			}
			arrived <- struct{}{}
		}
	}()
	m, _, _ := exampleModel(t)
	s, err := simulator.NewTrapSender(simulator.TrapOptions{Target: dead.LocalAddr().String(), Inform: true, Timeout: time.Minute,
		QueueSize: 2, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	s.Attach(m)
	stop := runSender(t, s)
	switchOff := func(outlet int) {
		t.Helper()
		if err := m.Update(func(f *simulator.Faults) error {
			f.OutletOff = append(f.OutletOff, fmt.Sprintf("r02-a:%d", outlet))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	switchOff(1)
	select {
	case <-arrived: // Run now waits a minute for an acknowledgement
	case <-time.After(15 * time.Second):
		t.Fatal("the first inform never reached the receiver")
	}
	for n := 2; n <= 11; n++ {
		switchOff(n) // returns at once: the queue is full or has room
	}
	if sent, acked, dropped, failed := s.Stats(); sent != 0 || acked != 0 || dropped != 8 || failed != 0 {
		t.Errorf("with one inform in flight, 2 queued and 8 more: Stats() = sent %d, acked %d, dropped %d, failed %d; want 0, 0, 8, 0", sent, acked, dropped, failed)
	}
	stop() // must not wait for the minute's timeout
	if _, _, dropped, failed := s.Stats(); dropped != 8 || failed != 0 {
		t.Errorf("after shutdown: dropped %d, failed %d; want 8, 0 (an inform cut short by shutdown is not a failure)", dropped, failed)
	}
}

// TestTrapQueueBeforeRun: events wait for Run up to the queue's size.
func TestTrapQueueBeforeRun(t *testing.T) {
	m, _, _ := exampleModel(t)
	s, err := simulator.NewTrapSender(simulator.TrapOptions{Target: "127.0.0.1:162", QueueSize: 3, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	s.Attach(m)
	if err := m.Do(simulator.Command{Op: "cut", Target: "source:A"}); err != nil { // 4 notifications
		t.Fatal(err)
	}
	if err := m.Do(simulator.Command{Op: "dead", Target: "r02-a"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Update(func(f *simulator.Faults) error { f.OutletOff = []string{"r02-a:1"}; return nil }); err != nil {
		t.Fatal(err) // a dead agent sends nothing: not queued, not dropped
	}
	if _, _, dropped, _ := s.Stats(); dropped != 1 {
		t.Errorf("4 notifications into a queue of 3 before Run: dropped %d; want 1", dropped)
	}
}

func TestNewTrapSenderRejects(t *testing.T) {
	log := discard()
	for _, tc := range []struct {
		name string
		opt  simulator.TrapOptions
		want string
	}{
		{"no logger", simulator.TrapOptions{Target: "127.0.0.1:162"}, "no logger"},
		{"no port", simulator.TrapOptions{Target: "127.0.0.1", Logger: log}, "want host:port"},
		{"bad port", simulator.TrapOptions{Target: "127.0.0.1:0", Logger: log}, "bad port"},
		{"not loopback", simulator.TrapOptions{Target: "192.0.2.1:162", Logger: log}, "not a loopback address"},
		{"from not loopback", simulator.TrapOptions{Target: "127.0.0.1:162", From: map[string]string{"r01-a": "192.0.2.7"}, Logger: log}, "not a loopback address"},
		{"from not an address", simulator.TrapOptions{Target: "127.0.0.1:162", From: map[string]string{"r01-a": "r01-a"}, Logger: log}, "not an IP address"},
		{"version 1", simulator.TrapOptions{Target: "127.0.0.1:162", Version: "1", Logger: log}, "want 2c or 3"},
		{"negative timeout", simulator.TrapOptions{Target: "127.0.0.1:162", Timeout: -time.Second, Logger: log}, "negative"},
		{"negative retries", simulator.TrapOptions{Target: "127.0.0.1:162", Retries: -1, Logger: log}, "negative"},
		{"negative queue", simulator.TrapOptions{Target: "127.0.0.1:162", QueueSize: -1, Logger: log}, "negative"},
		{"v3 without user", simulator.TrapOptions{Target: "127.0.0.1:162", Version: "3", Logger: log}, "user"},
		{"v3 short key", simulator.TrapOptions{Target: "127.0.0.1:162", Version: "3", User: "tech", Auth: "SHA", AuthKey: "short", Logger: log}, "at least 8"},
		{"v3 priv without auth", simulator.TrapOptions{Target: "127.0.0.1:162", Version: "3", User: "tech", Priv: "AES", PrivKey: "privpass1", Logger: log}, "needs authentication"},
		{"v3 unknown auth", simulator.TrapOptions{Target: "127.0.0.1:162", Version: "3", User: "tech", Auth: "SHA3", AuthKey: "authpass1", Logger: log}, "auth"},
		{"v3 short engine ID", simulator.TrapOptions{Target: "127.0.0.1:162", Version: "3", User: "tech", EngineID: []byte{1, 2}, Logger: log}, "engine ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := simulator.NewTrapSender(tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewTrapSender(%s) = %v; want an error saying %q", tc.name, err, tc.want)
			}
		})
	}
	if _, err := simulator.NewTrapSender(simulator.TrapOptions{Target: "192.0.2.1:162", AllowNonLoopback: true, Logger: log}); err != nil {
		t.Errorf("NewTrapSender with AllowNonLoopback = %v; want it accepted", err)
	}
}

// TestInformNeverAcknowledgedFails: informs to a port nobody listens on
// are retried, then counted as failed.
func TestInformNeverAcknowledgedFails(t *testing.T) {
	m, _, _ := exampleModel(t)
	s, err := simulator.NewTrapSender(simulator.TrapOptions{Target: "127.0.0.1:" + freeUDPPort(t), Inform: true,
		Timeout: 50 * time.Millisecond, Retries: 1, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	s.Attach(m)
	runSender(t, s)
	if err := m.Update(func(f *simulator.Faults) error { f.OutletOff = []string{"r02-a:1"}; return nil }); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the inform counted as failed", func() bool { _, _, _, failed := s.Stats(); return failed == 1 })
	if sent, acked, dropped, _ := s.Stats(); sent != 0 || acked != 0 || dropped != 0 {
		t.Errorf("Stats() = sent %d, acked %d, dropped %d; want 0, 0, 0", sent, acked, dropped)
	}
}
