package mailq_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"feedplan/monitor/mailq"
	"feedplan/monitor/mailq/mailqtest"
)

func TestExec(t *testing.T) {
	out, err := mailq.Exec{}.Run(t.Context(), mailq.Command{Args: []string{"sh", "-c", `printf '%s' "$A"`}, Env: []string{"A=one two"}})
	if err != nil || string(out) != "one two" {
		t.Errorf("Exec.Run(printf $A) = %q, %v; want %q", out, err, "one two")
	}

	_, err = mailq.Exec{}.Run(t.Context(), mailq.Command{Args: []string{"sh", "-c", "echo partial; echo 'it broke' >&2; exit 3"}})
	var ce *mailq.CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("Exec.Run(exit 3) error = %T %v; want a *mailq.CommandError", err, err)
	}
	if want := `sh -c 'echo partial; echo '\''it broke'\'' >&2; exit 3': exit status 3: it broke`; err.Error() != want {
		t.Errorf("Exec.Run(exit 3) error = %q; want %q", err, want)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("Exec.Run(exit 3) error does not wrap an *exec.ExitError with code 3: %v", err)
	}

	_, err = mailq.Exec{}.Run(t.Context(), mailq.Command{Args: []string{"feedplan-no-such-program"}})
	if err == nil || !strings.Contains(err.Error(), "feedplan-no-such-program") {
		t.Errorf("Exec.Run(missing program) error = %v; want one naming it", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = mailq.Exec{}.Run(ctx, mailq.Command{Args: []string{"sleep", "60"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Exec.Run(sleep 60, 50 ms deadline) error = %v; want it to wrap context.DeadlineExceeded", err)
	}
}

// TestSSHQuoting runs the remote command that SSH builds through a local
// shell, as sshd would: every argument and the environment arrive intact.
func TestSSHQuoting(t *testing.T) {
	local := &mailqtest.Runner{Answer: func(cmd mailq.Command) ([]byte, error) {
		return mailq.Exec{}.Run(context.Background(), mailq.Command{Args: []string{"sh", "-c", cmd.Args[len(cmd.Args)-1]}})
	}}
	ssh := mailq.SSH{Host: "mx-1.example.net", Runner: local}
	args := []string{"printf", "%s|", "a b", "it's", "$HOME", "", "`id`", `back\slash`, "*"}
	out, err := ssh.Run(t.Context(), mailq.Command{Args: args})
	if want := "a b|it's|$HOME||`id`|back\\slash|*|"; err != nil || string(out) != want {
		t.Errorf("SSH.Run(printf …) = %q, %v; want %q", out, err, want)
	}
	out, err = ssh.Run(t.Context(), mailq.Command{Args: []string{"sh", "-c", `printf '%s' "$X"`}, Env: []string{"X=it's $2"}})
	if want := "it's $2"; err != nil || string(out) != want {
		t.Errorf("SSH.Run(env X=…) = %q, %v; want %q", out, err, want)
	}
	calls := local.Calls()
	if got := calls[0].Args[:7]; strings.Join(got, " ") != "ssh -o BatchMode=yes -o ConnectTimeout=10 -- mx-1.example.net" {
		t.Errorf("SSH.Run ran %q; want ssh -o BatchMode=yes -o ConnectTimeout=10 -- mx-1.example.net COMMAND", calls[0].Args)
	}

	if _, err := (mailq.SSH{Host: "-oProxyCommand=x", Runner: local}).Run(t.Context(), mailq.Command{Args: []string{"true"}}); err == nil {
		t.Error("SSH{Host: -oProxyCommand=x}.Run() error = nil; want a refusal")
	}
	if n := len(local.Calls()); n != 2 {
		t.Errorf("SSH with a bad host ran ssh: %d calls; want 2", n)
	}
}
