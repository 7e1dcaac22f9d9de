package alerttest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// process is a started program: killed by its PID, and waited for, when
// the test ends.
type process struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended
	out    *syncBuffer
}

func start(tb testing.TB, name string, cmd *exec.Cmd) *process {
	tb.Helper()
	p := &process{name: name, cmd: cmd, exited: make(chan struct{}), out: new(syncBuffer)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	// Its own process group: Postfix's master signals its group when it
	// stops, and a kill reaches the children too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		cmd.Wait() //nolint:errcheck // stopped on purpose
		close(p.exited)
	}()
	tb.Cleanup(p.stop)
	return p
}

// stop asks the process to end (SIGTERM), and kills its process group
// if it has not ended within 10 s.
func (p *process) stop() {
	pid := p.cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGTERM) //nolint:errcheck // it may have exited already
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL) //nolint:errcheck
		<-p.exited
	}
}

// freeTCPAddr returns a loopback address with a port free a moment ago
// (the program binds it itself; Start retries a lost race).
func freeTCPAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lookPath finds a program in PATH or in the sbin directories, which a
// user's PATH may lack.
func lookPath(names ...string) (string, bool) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, true
		}
		for _, dir := range []string{"/usr/sbin/", "/sbin/", "/usr/local/sbin/"} {
			if fi, err := os.Stat(dir + n); err == nil && fi.Mode()&0o111 != 0 {
				return dir + n, true
			}
		}
	}
	return "", false
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
