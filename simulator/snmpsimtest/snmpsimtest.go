package snmpsimtest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// ext is the file name extension of a recording snmpsimd serves; the
	// rest of the name is its community.
	ext = ".snmprec"
	// readyWithin is how long one attempt waits for a first answer.
	readyWithin = 20 * time.Second
	// attempts is how many fresh ports Start tries: the port is free when
	// chosen, but snmpsimd binds it itself, and may lose it to another.
	attempts = 3
	// probeOID is what Start GETs to see that snmpsimd answers: sysDescr.0.
	// Any answer will do, noSuchInstance included.
	probeOID = ".1.3.6.1.2.1.1.1.0"
)

// Snmpsimd is a running snmpsimd started by a test.
type Snmpsimd struct {
	// Addr is where it listens (SNMP over UDP), "127.0.0.1:port".
	Addr string

	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended
	out    *syncBuffer
}

// Start writes files (community → .snmprec content) into a data
// directory readable by nobody, starts snmpsimd on a free 127.0.0.1 UDP
// port and waits until it answers a GET for probe (one of the
// communities) within 20 s, trying 3 fresh ports. As root it runs with
// --process-user=nobody --process-group=nogroup (snmpsimd refuses to run
// as root) and an index cache directory owned by nobody. It is killed
// by its PID, and waited for, when the test ends.
//
// snmpsimd logs nothing (--logging-method=null) unless extra, more
// options appended after Start's own, says otherwise, e.g.
// "--logging-method=stderr"; Output has what it printed. A missing
// snmpsimd or snmpget fails the test: "snmpsimd not found: apt-get
// install snmpsim".
func Start(tb testing.TB, files map[string][]byte, probe string, extra ...string) *Snmpsimd {
	tb.Helper()
	needTools(tb)
	if _, ok := files[probe]; !ok {
		tb.Fatalf("snmpsimd: probe community %q is not one of the files", probe)
	}
	// Not tb.TempDir: snmpsimd drops to nobody, who must read the data
	// (directories 0755, files 0644) and write the index cache.
	root, err := os.MkdirTemp("", "feedplan-snmpsimd-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(root) })
	data, cache := filepath.Join(root, "data"), filepath.Join(root, "cache")
	for _, d := range []string{root, data, cache} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil { // whatever the umask
			tb.Fatal(err)
		}
	}
	for community, content := range files {
		if err := os.WriteFile(filepath.Join(data, community+ext), content, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	var privs []string
	if os.Geteuid() == 0 {
		// As root snmpsimd refuses to run without dropping privileges; it
		// builds its index (in --cache-dir, else /tmp/snmpsim) after that.
		uid, gid := lookupIDs(tb, "nobody", "nogroup")
		if err := os.Chown(cache, uid, gid); err != nil {
			tb.Fatal(err)
		}
		privs = []string{"--process-user=nobody", "--process-group=nogroup"}
	}

	var lastOut string
	for attempt := range attempts {
		s := &Snmpsimd{
			Addr:   freeUDPAddr(tb),
			exited: make(chan struct{}),
			out:    new(syncBuffer),
		}
		args := append([]string{
			"--data-dir=" + data,
			"--cache-dir=" + cache,
			"--agent-udpv4-endpoint=" + s.Addr,
			"--logging-method=null",
		}, append(privs, extra...)...)
		s.cmd = exec.Command("snmpsimd", args...)
		s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
		if err := s.cmd.Start(); err != nil {
			tb.Fatalf("starting snmpsimd: %v", err)
		}
		go func() {
			s.cmd.Wait() //nolint:errcheck // killed on purpose
			close(s.exited)
		}()
		tb.Cleanup(s.stop)
		if s.waitReady(probe) {
			return s
		}
		s.stop()
		lastOut = s.Output()
		tb.Logf("snmpsimd on %s did not answer (attempt %d of %d); its output:\n%s", s.Addr, attempt+1, attempts, lastOut)
	}
	tb.Fatalf("snmpsimd did not answer within %v (%d attempts); its output:\n%s", readyWithin, attempts, lastOut)
	return nil
}

// StartDir is Start with the *.snmprec files of dir, each under its
// name without the extension as the community. They are copied, so dir
// need not be readable by nobody.
func StartDir(tb testing.TB, dir string, probe string, extra ...string) *Snmpsimd {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"+ext))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("snmpsimd: no *%s recordings in %s", ext, dir)
	}
	files := make(map[string][]byte, len(paths))
	for _, p := range paths {
		content, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		files[strings.TrimSuffix(filepath.Base(p), ext)] = content
	}
	return Start(tb, files, probe, extra...)
}

// Output is what snmpsimd has printed so far, on stdout and stderr.
func (s *Snmpsimd) Output() string { return s.out.String() }

// Exited is closed when the snmpsimd process has ended, killed at the end
// of the test or on its own (a crash).
func (s *Snmpsimd) Exited() <-chan struct{} { return s.exited }

// stop kills the process by its PID and waits until it has ended.
func (s *Snmpsimd) stop() {
	s.cmd.Process.Kill() //nolint:errcheck // it may have exited already
	<-s.exited
}

// waitReady polls with snmpget until snmpsimd answers, it exits, or
// readyWithin passes.
func (s *Snmpsimd) waitReady(community string) bool {
	for deadline := time.Now().Add(readyWithin); time.Now().Before(deadline); {
		next := time.After(100 * time.Millisecond) // in case snmpget fails at once
		err := exec.Command("snmpget", "-v2c", "-m", "", "-c", community, "-r", "0", "-t", "0.5",
			s.Addr, probeOID).Run()
		if err == nil {
			return true
		}
		select {
		case <-s.exited:
			return false
		case <-next:
		}
	}
	return false
}

// needTools fails (never skips) when snmpsimd or snmpget is missing.
func needTools(tb testing.TB) {
	tb.Helper()
	for _, tool := range []struct{ name, pkg string }{
		{"snmpsimd", "snmpsim"},
		{"snmpget", "snmp"},
	} {
		if _, err := exec.LookPath(tool.name); err != nil {
			tb.Fatalf("%s not found: apt-get install %s", tool.name, tool.pkg)
		}
	}
}

func lookupIDs(tb testing.TB, userName, groupName string) (uid, gid int) {
	tb.Helper()
	u, err := user.Lookup(userName)
	if err != nil {
		tb.Fatalf("snmpsimd runs as %s: %v", userName, err)
	}
	g, err := user.LookupGroup(groupName)
	if err != nil {
		tb.Fatalf("snmpsimd runs as group %s: %v", groupName, err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(g.Gid)
	return uid, gid
}

// freeUDPAddr returns a loopback address with a port free a moment ago
// (snmpsimd binds it itself; Start retries a lost race).
func freeUDPAddr(tb testing.TB) string {
	tb.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().String()
}

// syncBuffer is the process's output, written while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
