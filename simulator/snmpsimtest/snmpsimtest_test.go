package snmpsimtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// snmpget GETs oid from addr as community and returns what net-snmp
// printed for the value.
func snmpget(t *testing.T, addr, community, oid string) string {
	t.Helper()
	out, err := exec.Command("snmpget", "-v2c", "-m", "", "-On", "-Ov", "-c", community,
		"-r", "1", "-t", "3", addr, oid).CombinedOutput()
	if err != nil {
		t.Fatalf("snmpget -c %s %s %s: %v: %s", community, addr, oid, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestStart(t *testing.T) {
	t.Parallel()
	var s *Snmpsimd
	t.Run("serves", func(t *testing.T) {
		s = Start(t, map[string][]byte{
			"a": []byte("1.3.6.1.2.1.1.1.0|4|device a\n"),
			"b": []byte("1.3.6.1.2.1.1.5.0|4|no sysDescr here\n"),
		}, "b", "--logging-method=stderr")
		if got, want := snmpget(t, s.Addr, "a", probeOID), `STRING: "device a"`; got != want {
			t.Errorf("GET %s -c a = %s; want %s", probeOID, got, want)
		}
		if got, want := snmpget(t, s.Addr, "b", ".1.3.6.1.2.1.1.5.0"), `STRING: "no sysDescr here"`; got != want {
			t.Errorf("GET sysName.0 -c b = %s; want %s", got, want)
		}
		if out := s.Output(); !strings.Contains(out, s.Addr) {
			t.Errorf("with --logging-method=stderr, snmpsimd's output does not name its address %s:\n%s", s.Addr, out)
		}
		select {
		case <-s.Exited():
			t.Fatalf("snmpsimd has exited before the test ended; its output:\n%s", s.Output())
		default:
		}
	})
	// The subtest has ended: its cleanup has killed snmpsimd and waited.
	select {
	case <-s.Exited():
	default:
		t.Errorf("snmpsimd (PID %d) still runs after its test ended", s.cmd.Process.Pid)
	}
}

func TestStartDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() // 0700: nobody cannot read it, so StartDir copies
	for name, content := range map[string]string{
		"one" + ext:     "1.3.6.1.2.1.1.1.0|4|one\n",
		"two" + ext:     "1.3.6.1.2.1.1.1.0|2|2\n",
		"three.txt":     "not a recording",
		"four.snmpwalk": "not ours either",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := StartDir(t, dir, "one")
	for community, want := range map[string]string{"one": `STRING: "one"`, "two": "INTEGER: 2"} {
		if got := snmpget(t, s.Addr, community, probeOID); got != want {
			t.Errorf("GET %s -c %s = %s; want %s", probeOID, community, got, want)
		}
	}
}

// fatalRecorder is a testing.TB whose Fatal and Fatalf record the message
// and end the goroutine, as the real ones do; the rest is the test's.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalOf runs f with a fatalRecorder and returns what it failed with.
func fatalOf(t *testing.T, f func(tb testing.TB)) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.msg
}

// TestStartFails checks that Start fails, never skips, with a message
// that says what to do. Not parallel: it changes PATH.
func TestStartFails(t *testing.T) {
	// PATH directories holding only some of the tools.
	only := func(tools ...string) string {
		dir := t.TempDir()
		for _, tool := range tools {
			bin, err := exec.LookPath(tool)
			if err != nil {
				t.Fatalf("%s not found: this test needs it to hide it", tool)
			}
			if err := os.Symlink(bin, filepath.Join(dir, tool)); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	files := map[string][]byte{"a": []byte("1.3.6.1.2.1.1.1.0|2|1\n")}
	for _, c := range []struct {
		name, path string
		start      func(tb testing.TB)
		want       string
	}{
		{name: "snmpsimd missing", path: only("snmpget"),
			start: func(tb testing.TB) { Start(tb, files, "a") },
			want:  "snmpsimd not found: apt-get install snmpsim"},
		{name: "snmpget missing", path: only("snmpsimd"),
			start: func(tb testing.TB) { Start(tb, files, "a") },
			want:  "snmpget not found: apt-get install snmp"},
		{name: "probe not served", path: os.Getenv("PATH"),
			start: func(tb testing.TB) { Start(tb, files, "b") },
			want:  `snmpsimd: probe community "b" is not one of the files`},
		{name: "no recordings in dir", path: os.Getenv("PATH"),
			start: func(tb testing.TB) { StartDir(tb, t.TempDir(), "a") },
			want:  "snmpsimd: no *.snmprec recordings in "},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PATH", c.path)
			if got := fatalOf(t, c.start); !strings.HasPrefix(got, c.want) {
				t.Errorf("Start failed with %q; want %q", got, c.want)
			}
		})
	}
}
