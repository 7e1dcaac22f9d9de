package pdu_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/pdu"
	"feedplan/pdu/oids"
)

// These tests talk SNMPv3 to net-snmp's own agent, snmpd (Debian package
// snmpd): the simulator's agent and snmpsimd are ours or a replayer, and
// only a real agent checks that our sessions agree with the rest of the
// world on USM (engine discovery, key localisation, SHA-2 digests, AES
// privacy, Reports). Helpers are prefixed snmpd.

// The users and the community snmpdStart configures. The passphrases are
// test values, not secrets.
const (
	snmpdCommunity  = "public"
	snmpdSysName    = "feedplan-snmpd"
	snmpdUserSHA    = "feedplanv3"
	snmpdUserSHA256 = "feedplanv3sha256"
	snmpdUserAuth   = "feedplanauth" // authNoPriv only
	snmpdAuthKey    = "authpass123"
	snmpdPrivKey    = "privpass123"
	snmpdAuthKey256 = "authpass456"
	snmpdPrivKey256 = "privpass456"
	// snmpdObjectID is net-snmp's sysObjectID on Linux
	// (NET-SNMP-TC::linux): not a PDU.
	snmpdObjectID = "1.3.6.1.4.1.8072.3.2.10"
)

// snmpdConfig is the whole configuration: read-only access for two
// authPriv users (SHA/AES and SHA-256/AES) and a v2c community for
// loopback, and an authNoPriv user; nothing else (-C: Debian's /etc/snmp/snmpd.conf is not read).
const snmpdConfig = `agentaddress udp:%s
createUser ` + snmpdUserSHA + ` SHA ` + snmpdAuthKey + ` AES ` + snmpdPrivKey + `
createUser ` + snmpdUserSHA256 + ` SHA-256 ` + snmpdAuthKey256 + ` AES ` + snmpdPrivKey256 + `
rouser ` + snmpdUserSHA + ` priv
rouser ` + snmpdUserSHA256 + ` priv
createUser ` + snmpdUserAuth + ` SHA ` + snmpdAuthKey + `
rouser ` + snmpdUserAuth + ` auth
rocommunity ` + snmpdCommunity + ` 127.0.0.1
sysName ` + snmpdSysName + `
sysLocation feedplan test
sysContact feedplan
dontLogTCPWrappersConnects yes
`

// snmpdAgent is a running snmpd started by a test.
type snmpdAgent struct {
	addr   string // 127.0.0.1:port
	cmd    *exec.Cmd
	exited chan struct{}
	out    *snmpdBuffer
}

// snmpdStart runs snmpd in the foreground on a free loopback UDP port,
// with its configuration and persistent state (engine boots, localized
// keys) in a temporary directory, and waits until snmpget answers over
// v2c. It is stopped by its PID (SIGTERM, then SIGKILL) when the test
// ends. A missing snmpd or snmpget fails the test.
//
// The flags are the minimum that works as root on this machine: -f (stay
// in the foreground, so the PID is ours), -C -c CONF (only our
// configuration), --persistentDir (else it writes under /var/lib/snmp),
// -Lo (log to stdout, kept for failure messages); MIBS= in the
// environment keeps it from loading (and complaining about) MIB files it
// does not need. It stays root: it serves loopback only.
func snmpdStart(t *testing.T) *snmpdAgent {
	t.Helper()
	bin := snmpdNeed(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "snmpd.conf")
	var last string
	for attempt := range 3 {
		// The port was free a moment ago; snmpd binds it itself and may
		// lose it to another process, so try again on a fresh one.
		a := &snmpdAgent{addr: snmpdFreePort(t), exited: make(chan struct{}), out: new(snmpdBuffer)}
		if err := os.WriteFile(conf, fmt.Appendf(nil, snmpdConfig, a.addr), 0o600); err != nil {
			t.Fatal(err)
		}
		persist := filepath.Join(dir, fmt.Sprintf("persist%d", attempt))
		a.cmd = exec.Command(bin, "-f", "-C", "-c", conf, "--persistentDir="+persist, "-Lo")
		a.cmd.Env = append(os.Environ(), "MIBS=")
		a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
		if err := a.cmd.Start(); err != nil {
			t.Fatalf("starting snmpd: %v", err)
		}
		go func() {
			a.cmd.Wait() //nolint:errcheck // stopped on purpose
			close(a.exited)
		}()
		t.Cleanup(a.stop)
		start := time.Now()
		if a.waitReady() {
			t.Logf("snmpd (pid %d) answers on %s after %v", a.cmd.Process.Pid, a.addr, time.Since(start).Round(time.Millisecond))
			return a
		}
		a.stop()
		last = a.out.String()
		t.Logf("snmpd on %s did not answer (attempt %d of 3); its output:\n%s", a.addr, attempt+1, last)
	}
	t.Fatalf("snmpd did not answer on loopback; its last output:\n%s", last)
	return nil
}

// snmpdNeed returns snmpd's path, failing the test (never skipping it)
// when snmpd, snmpget or snmpwalk is missing.
func snmpdNeed(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("snmpd")
	if err != nil {
		bin = "/usr/sbin/snmpd" // not in a non-root PATH
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("snmpd not found: apt-get install snmpd")
		}
	}
	for _, tool := range []string{"snmpget", "snmpwalk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: apt-get install snmp", tool)
		}
	}
	return bin
}

func snmpdFreePort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().String()
}

// waitReady polls with snmpget over v2c until snmpd answers (10 s at
// most), or it exits.
func (a *snmpdAgent) waitReady() bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		next := time.After(100 * time.Millisecond)
		err := exec.Command("snmpget", "-v2c", "-c", snmpdCommunity, "-m", "", "-r", "0", "-t", "0.5",
			a.addr, "."+oids.SysObjectID+".0").Run()
		if err == nil {
			return true
		}
		select {
		case <-a.exited:
			return false
		case <-next:
		}
	}
	return false
}

// stop ends the process it started, by PID: SIGTERM (snmpd saves its
// state and exits), then SIGKILL after 5 s.
func (a *snmpdAgent) stop() {
	select {
	case <-a.exited:
		return
	default:
	}
	a.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // it may have exited already
	select {
	case <-a.exited:
	case <-time.After(5 * time.Second):
		a.cmd.Process.Kill() //nolint:errcheck
		<-a.exited
	}
}

// target is a pdu.Target for snmpd.
func (a *snmpdAgent) target(name string) pdu.Target {
	return pdu.Target{Name: name, Address: a.addr, Timeout: 2 * time.Second, Retries: 1}
}

// walkNetSNMP is net-snmp's own walk of root over v2c: the OIDs, in order.
func (a *snmpdAgent) walkNetSNMP(t *testing.T, root string) []string {
	t.Helper()
	out, err := exec.Command("snmpwalk", "-v2c", "-c", snmpdCommunity, "-m", "", "-On", "-Oq", "-r", "1", "-t", "2",
		a.addr, "."+root).Output()
	if err != nil {
		t.Fatalf("snmpwalk %s: %v\n%s", root, err, out)
	}
	var names []string
	for line := range strings.Lines(string(out)) {
		if name, _, ok := strings.Cut(strings.TrimSpace(line), " "); ok && strings.HasPrefix(name, "."+root+".") {
			names = append(names, name)
		}
	}
	return names
}

type snmpdBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *snmpdBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *snmpdBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func snmpdDial(t *testing.T, tg pdu.Target) pdu.Client {
	t.Helper()
	c, err := pdu.Dial(tg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Dial(%s) = %v", tg, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestSnmpdV3 reads the system group of net-snmp's snmpd over SNMPv3
// authPriv, with SHA and SHA-256 digests and AES privacy, through Dial
// and the Client interface: a GET of the objects Read uses, a walk of the
// group that must list exactly what net-snmp's own snmpwalk lists, and
// Read, which must say that no driver knows net-snmp (it is not a PDU)
// rather than guess one.
func TestSnmpdV3(t *testing.T) {
	a := snmpdStart(t)
	want := a.walkNetSNMP(t, "1.3.6.1.2.1.1")
	if len(want) < 7 {
		t.Fatalf("snmpwalk -v2c of the system group = %q; want sysDescr..sysServices and sysORTable", want)
	}
	tests := []struct {
		name                string
		user, auth, authKey string
		priv, privKey       string
		maxRepetitions      uint32 // 0: the default
	}{
		{"SHA+AES", snmpdUserSHA, "SHA", snmpdAuthKey, "AES", snmpdPrivKey, 0},
		// Three at a time: the walk takes several encrypted GETBULKs.
		{"SHA-256+AES", snmpdUserSHA256, "SHA-256", snmpdAuthKey256, "AES", snmpdPrivKey256, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := a.target("snmpd-" + tc.name)
			tg.Version, tg.User, tg.Auth, tg.AuthKey = "3", tc.user, tc.auth, inventory.Secret(tc.authKey)
			tg.Priv, tg.PrivKey, tg.MaxRepetitions = tc.priv, inventory.Secret(tc.privKey), tc.maxRepetitions
			c := snmpdDial(t, tg)

			start := time.Now()
			vars, err := c.Get(t.Context(), oids.SysObjectID+".0", oids.SysUpTime+".0", oids.SysName+".0")
			t.Logf("GET of 3 objects (engine discovery included): %v", time.Since(start).Round(time.Microsecond))
			if err != nil {
				t.Fatalf("Get(sysObjectID, sysUpTime, sysName) = %v", err)
			}
			if len(vars) != 3 {
				t.Fatalf("Get(sysObjectID, sysUpTime, sysName) = %d varbinds; want 3", len(vars))
			}
			if s, _ := vars[0].Value.(string); vars[0].Type != gosnmp.ObjectIdentifier || s != "."+snmpdObjectID {
				t.Errorf("sysObjectID.0 = %v %v; want OID .%s", vars[0].Type, vars[0].Value, snmpdObjectID)
			}
			// snmpd started seconds ago: its uptime is under a minute.
			if n, ok := pdu.Int(vars[1]); vars[1].Type != gosnmp.TimeTicks || !ok || n < 0 || n > 6000 {
				t.Errorf("sysUpTime.0 = %v %v; want TimeTicks under 6000 (one minute)", vars[1].Type, vars[1].Value)
			}
			if s, ok := pdu.Str(vars[2]); !ok || s != snmpdSysName {
				t.Errorf("sysName.0 = %v %q; want %q", vars[2].Type, s, snmpdSysName)
			}

			start = time.Now()
			walked, err := c.Walk(t.Context(), "1.3.6.1.2.1.1")
			t.Logf("walk of the system group, %d varbinds: %v", len(walked), time.Since(start).Round(time.Microsecond))
			if err != nil {
				t.Fatalf("Walk(system) = %d varbinds, %v", len(walked), err)
			}
			var names []string
			for _, v := range walked {
				names = append(names, v.Name)
			}
			if !slices.Equal(names, want) {
				t.Errorf("Walk(system) over v3 =\n%q\nwant what snmpwalk -v2c lists:\n%q", names, want)
			}
			for _, v := range walked {
				if v.Name == "."+oids.SysName+".0" {
					if s, _ := pdu.Str(v); s != snmpdSysName {
						t.Errorf("Walk(system): sysName.0 = %q; want %q", s, snmpdSysName)
					}
				}
			}

			// net-snmp is not a PDU: Read reads the system group, finds no
			// driver for its sysObjectID, probes every family, and says so.
			r, err := pdu.Read(t.Context(), c, tg, time.Now())
			wantErr := fmt.Sprintf("no driver knows sysObjectID %q", snmpdObjectID)
			if err == nil || !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), tg.Name) {
				t.Errorf("Read(snmpd) = %+v, %v; want an error naming %s that says %s", r, err, tg.Name, wantErr)
			}
			d, sysOID, err := pdu.Detect(t.Context(), c)
			if d != nil || sysOID != snmpdObjectID || err == nil {
				t.Errorf("Detect(snmpd) = %v, %q, %v; want no driver, %q and an error", d, sysOID, err, snmpdObjectID)
			}
		})
	}
}

// TestSnmpdV3Refusals gives snmpd wrong credentials. Each must end
// quickly in an error that names the device and says what is wrong. snmpd
// answers a wrong authentication passphrase or protocol, an unknown user
// and a security level the user lacks with an unauthenticated Report,
// which gosnmp rejects ("incoming packet is not authentic"): the session
// says the user was refused. A wrong privacy passphrase decrypts to
// garbage, which snmpd drops ("error parsing ScopedPDU"): from outside it
// is a device that does not answer, a timeout after Timeout × tries. A
// user allowed only with privacy who asks without it is refused by the
// access control (authorizationError). No case may hang.
func TestSnmpdV3Refusals(t *testing.T) {
	a := snmpdStart(t)
	const timeout, retries = 300 * time.Millisecond, 1
	const refused = "refused (unknown user, wrong auth protocol or passphrase, or a security level the user lacks)"
	tests := []struct {
		name          string
		user          string
		auth, authKey string
		priv, privKey string
		want          string // in the message
		timeout       bool   // wraps ErrTimeout after Timeout × tries; else snmpd answered
		status        gosnmp.SNMPError
	}{
		{"wrong auth passphrase", snmpdUserSHA, "SHA", "wrongpass123", "AES", snmpdPrivKey, refused, false, 0},
		{"wrong auth protocol", snmpdUserSHA, "MD5", snmpdAuthKey, "AES", snmpdPrivKey, refused, false, 0},
		{"unknown user", "nosuchuser", "SHA", snmpdAuthKey, "AES", snmpdPrivKey, refused, false, 0},
		{"privacy for an authNoPriv user", snmpdUserAuth, "SHA", snmpdAuthKey, "AES", snmpdPrivKey, refused, false, 0},
		{"wrong privacy passphrase", snmpdUserSHA, "SHA", snmpdAuthKey, "AES", "wrongpriv123", "no answer within 300ms × 2 tries", true, 0},
		{"no privacy for a priv user", snmpdUserSHA, "SHA", snmpdAuthKey, "", "", "get refused: AuthorizationError", false, gosnmp.AuthorizationError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := a.target("snmpd-" + strings.ReplaceAll(tc.name, " ", "-"))
			tg.Timeout, tg.Retries = timeout, retries
			tg.Version, tg.User, tg.Auth, tg.AuthKey = "3", tc.user, tc.auth, inventory.Secret(tc.authKey)
			tg.Priv, tg.PrivKey = tc.priv, inventory.Secret(tc.privKey)
			c := snmpdDial(t, tg)
			start := time.Now()
			r, err := pdu.Read(t.Context(), c, tg, start)
			took := time.Since(start)
			t.Logf("Read = %v, after %v", err, took.Round(time.Microsecond))
			if err == nil {
				t.Fatalf("Read(%s) = %+v; want an error", tc.name, r)
			}
			if !strings.Contains(err.Error(), tg.Name) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read(%s) = %q; want it to name %s and say %q", tc.name, err, tg.Name, tc.want)
			}
			if errors.Is(err, pdu.ErrTimeout) != tc.timeout {
				t.Errorf("Read(%s) = %v; ErrTimeout %v, want %v", tc.name, err, errors.Is(err, pdu.ErrTimeout), tc.timeout)
			}
			var se *pdu.StatusError
			if tc.status != 0 && (!errors.As(err, &se) || se.Status != tc.status) {
				t.Errorf("Read(%s) = %v; want a *pdu.StatusError %v", tc.name, err, tc.status)
			}
			if strings.Contains(err.Error(), tc.authKey) || tc.privKey != "" && strings.Contains(err.Error(), tc.privKey) {
				t.Errorf("Read(%s) = %q; it prints a passphrase", tc.name, err)
			}
			bound := timeout * (retries + 1)
			if tc.timeout {
				if took < bound || took > bound+time.Second {
					t.Errorf("Read(%s) took %v; want Timeout × tries = %v, plus at most 1 s", tc.name, took, bound)
				}
			} else if took > 5*time.Second {
				// It did not time out (not ErrTimeout, above): snmpd
				// answered. This bound is for a hang; the time is mostly
				// gosnmp localizing the keys (a megabyte of hashing,
				// slow under the race detector on a loaded machine).
				t.Errorf("Read(%s) took %v; want an answer, not a hang", tc.name, took)
			}
		})
	}
}
