package store

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// killChildEnv names the store file a re-executed test binary writes to.
const killChildEnv = "FEEDPLAN_STORE_KILL_CHILD"

// TestKill9LosesNothingAcknowledged re-executes this test binary as a
// child that appends audit entries (and alert events) as fast as it can,
// printing each acknowledged audit sequence number. After a random number
// of acknowledgements, and a random pause, the parent sends SIGKILL, then
// reopens the file: it must open, pass bbolt's consistency check, and hold
// every acknowledged entry. The rounds reuse one file, so recovery is
// followed by more writes and more kills.
func TestKill9LosesNothingAcknowledged(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "kill.db")
	const rounds = 5
	var (
		acked   = map[uint64]bool{}
		lastSeq uint64
	)
	for round := range rounds {
		seqs := runAndKill(t, path, 20+rand.IntN(150), time.Duration(rand.IntN(5000))*time.Microsecond)
		for _, seq := range seqs {
			if seq <= lastSeq {
				t.Errorf("round %d: acknowledged seq %d after %d; want strictly increasing across crashes", round, seq, lastSeq)
			}
			lastSeq = seq
			acked[seq] = true
		}

		s, err := Open(path, Options{Logger: discard()})
		if err != nil {
			t.Fatalf("round %d: Open after kill -9 = %v", round, err)
		}
		err = s.db.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				t.Errorf("round %d: consistency check: %v", round, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		entries, err := s.AuditLog(time.Time{}, 0)
		if err != nil {
			t.Fatalf("round %d: AuditLog() = %v", round, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		stored := map[uint64]bool{}
		for _, e := range entries {
			stored[e.Seq] = true
		}
		missing := 0
		for seq := range acked {
			if !stored[seq] {
				missing++
				t.Errorf("round %d: acknowledged audit seq %d is missing after kill -9", round, seq)
			}
		}
		t.Logf("round %d: killed after %d acks this round; %d acknowledged in all, %d stored (%d written but unacknowledged), %d missing",
			round, len(seqs), len(acked), len(stored), len(stored)-len(acked), missing)
	}
}

// runAndKill starts the child on path, reads acknowledgements until it has
// n, waits pause, kills it with SIGKILL and returns every sequence it
// acknowledged, including those printed after the n-th.
func runAndKill(t *testing.T, path string, n int, pause time.Duration) []uint64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9LosesNothingAcknowledged$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting child: %v", err)
	}
	killed := false
	kill := func() {
		if !killed {
			killed = true
			cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	defer kill()

	var seqs []uint64
	r := bufio.NewReader(out)
	deadline := time.AfterFunc(10*time.Second, kill) // a stuck child must not hang the test
	defer deadline.Stop()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			// EOF after the kill; a fragment without its newline was not a
			// whole acknowledgement (each is one write, so there is none).
			if err != io.EOF {
				t.Fatalf("reading child: %v", err)
			}
			break
		}
		seq, err := strconv.ParseUint(strings.TrimSpace(line), 10, 64)
		if err != nil {
			t.Fatalf("child printed %q: %v", line, err)
		}
		seqs = append(seqs, seq)
		if len(seqs) == n {
			time.AfterFunc(pause, kill)
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, not SIGKILL, after %d acks; stderr:\n%s", err, len(seqs), stderr.String())
	}
	if len(seqs) < n {
		t.Fatalf("child was killed after %d acks; want at least %d (stderr:\n%s)", len(seqs), n, stderr.String())
	}
	return seqs
}

// killChild writes until it is killed; it never returns normally.
func killChild(path string) {
	s, err := Open(path, Options{Logger: discard()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pad := strings.Repeat("x", 4096)
	for i := 0; ; i++ {
		// Details up to 4 KiB: some entries overflow a page, so commits
		// allocate and free pages, not just append in place.
		seq, err := s.Audit(AuditEntry{At: time.Now(), Who: "kill-test", Action: "write", Target: fmt.Sprint("entry-", i), Detail: pad[:rand.IntN(len(pad))]})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		// One write per acknowledgement, well under PIPE_BUF: atomic.
		fmt.Fprintf(os.Stdout, "%d\n", seq)
		if i%3 == 0 {
			kind := Fired
			if i%2 == 1 {
				kind = Resolved
			}
			if err := s.RecordAlert(AlertEvent{Rule: "pdu-down", Key: fmt.Sprint("pdu-", i%7), Kind: kind, At: time.Now()}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
	}
}
