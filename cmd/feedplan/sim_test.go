package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to write from the running command
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSimAndCtl runs 'feedplan sim' on the example site as a technician
// would, reads where it answers from its banner, and checks with
// net-snmp's snmpget that 'feedplan sim ctl cut source:A' changes what
// the devices say.
func TestSimAndCtl(t *testing.T) {
	snmpget, err := exec.LookPath("snmpget")
	if err != nil {
		t.Fatal("snmpget not found: apt-get install snmp")
	}
	ctlFile := filepath.Join(t.TempDir(), "sim.json")
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, []string{"sim", "../../examples/site.yaml", "--listen", "127.0.0.1:0", "--control-file", ctlFile}, &stdout, &stderr)
	}()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("feedplan sim exited %d; want 0 after Ctrl-C\nstderr:\n%s", code, stderr.String())
		}
	}()

	addrRE := regexp.MustCompile(`answer SNMP on udp (127\.0\.0\.1:\d+)`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == "" || !strings.Contains(stdout.String(), "Running"); {
		if time.Now().After(deadline) {
			t.Fatalf("feedplan sim did not start:\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
		if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
			addr = m[1]
		}
		time.Sleep(20 * time.Millisecond) // polling the banner of a process that is starting
	}
	for _, want := range []string{"r01-a", "apc-rpdu2", "ats-r07", "snmpwalk -v2c -c r01-a -On " + addr} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, stdout.String())
		}
	}

	if fi, err := os.Stat(ctlFile); err != nil {
		t.Errorf("control file %s: %v", ctlFile, err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("control file %s has mode %v; want 0600 (it holds the token)", ctlFile, fi.Mode().Perm())
	}
	sysName := func(community string) (string, error) {
		out, err := exec.CommandContext(t.Context(), snmpget, "-v2c", "-c", community, "-On", "-r", "0", "-t", "1", addr, "1.3.6.1.2.1.1.5.0").CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if out, err := sysName("r01-a"); err != nil || !strings.HasSuffix(out, `STRING: "r01-a"`) {
		t.Fatalf("snmpget r01-a sysName = %q, %v; want r01-a", out, err)
	}

	code, out, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "cut", "source:A")
	if code != exitOK || !strings.Contains(out, `"source:A"`) {
		t.Fatalf("feedplan sim ctl cut source:A = %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if out, err := sysName("r01-a"); err == nil || !strings.Contains(out, "Timeout") {
		t.Errorf("snmpget r01-a after cutting feed A = %q, %v; want a timeout (its inlet is dark)", out, err)
	}
	if out, err := sysName("r01-b"); err != nil {
		t.Errorf("snmpget r01-b after cutting feed A = %q, %v; want an answer (feed B is live)", out, err)
	}

	// A second simulator with the same control file is refused, and the
	// first one's file survives it.
	if code, _, errOut := feedplan("sim", "../../examples/site.yaml", "--listen", "127.0.0.1:0", "--control-file", ctlFile); code != exitBadInput || !strings.Contains(errOut, "another simulator is running") {
		t.Errorf("a second feedplan sim on the same control file = %d, %q; want exit 2, another simulator is running", code, errOut)
	}
	if _, err := os.Stat(ctlFile); err != nil {
		t.Errorf("the second simulator removed the first one's control file: %v", err)
	}

	code, _, errOut = feedplan("sim", "ctl", "--control-file", ctlFile, "cut", "source:Q")
	if code != exitBadInput || !strings.Contains(errOut, "source:Q") {
		t.Errorf("feedplan sim ctl cut source:Q = %d, %q; want exit 2 naming the element", code, errOut)
	}
	code, _, errOut = feedplan("sim", "ctl", "--control-file", filepath.Join(t.TempDir(), "none.json"), "status")
	if code != exitBadInput || !strings.Contains(errOut, "no running simulator") {
		t.Errorf("feedplan sim ctl without a simulator = %d, %q; want exit 2 saying none runs", code, errOut)
	}
	if strings.Contains(stdout.String()+stderr.String(), readToken(t, ctlFile)) {
		t.Error("the control token was printed; it must stay in the control file")
	}
}

func readToken(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, _ := strings.Cut(string(b), `"token":"`)
	tok, _, _ = strings.Cut(tok, `"`)
	if len(tok) < 16 {
		t.Fatalf("control file %s holds no token: %s", path, b)
	}
	return tok
}
