package mailq

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Command is a program to run, with its arguments.
type Command struct {
	// Args is the program and its arguments; Args[0] is looked up in
	// PATH, then in /usr/sbin and /sbin, where Postfix's commands live and
	// a user's PATH may lack them.
	Args []string
	// Env adds KEY=value pairs to the environment the command inherits.
	Env []string
}

// String is the command as a shell would read it, its environment first.
func (c Command) String() string {
	words := make([]string, 0, len(c.Env)+len(c.Args))
	for _, e := range c.Env {
		k, v, _ := strings.Cut(e, "=")
		words = append(words, k+"="+shellQuote(v))
	}
	for _, a := range c.Args {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// Runner runs a command and returns what it wrote to standard output.
// A command that cannot start or exits non-zero returns a *CommandError.
// The command is stopped when ctx is done.
type Runner interface {
	Run(ctx context.Context, cmd Command) ([]byte, error)
}

// CommandError is a command that failed: what was run, how it ended,
// and what it wrote to standard error.
type CommandError struct {
	Cmd    string // the command as run, quoted as for a shell
	Stderr string // its standard error, trimmed, at most maxStderr bytes
	Err    error  // how it ended: *exec.ExitError, a start error, or ctx's error
}

func (e *CommandError) Error() string {
	if e.Stderr == "" {
		return e.Cmd + ": " + e.Err.Error()
	}
	return e.Cmd + ": " + e.Err.Error() + ": " + e.Stderr
}

func (e *CommandError) Unwrap() error { return e.Err }

// maxStderr bounds the standard error an error message carries.
const maxStderr = 2048

// Exec runs commands on this machine with os/exec.
type Exec struct{}

var _ Runner = Exec{}

// Run runs cmd and waits for it; when ctx is done it kills it, with
// everything it started, and waits at most 5 s more for its output to
// close.
func (Exec) Run(ctx context.Context, cmd Command) ([]byte, error) {
	if len(cmd.Args) == 0 {
		return nil, errors.New("running a command: no program given")
	}
	c := exec.CommandContext(ctx, lookPath(cmd.Args[0]), cmd.Args[1:]...)
	c.Env = append(os.Environ(), cmd.Env...)
	// Its own process group, killed whole: a hook's children (sh -c
	// "sleep …") would otherwise hold its output open after it is killed.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	c.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return stdout.Bytes(), &CommandError{Cmd: cmd.String(), Stderr: trimStderr(stderr.Bytes()), Err: err}
	}
	return stdout.Bytes(), nil
}

// lookPath finds prog in PATH or in the sbin directories; a name it
// cannot find is returned as it is, for exec to report.
func lookPath(prog string) string {
	if strings.Contains(prog, "/") {
		return prog
	}
	if p, err := exec.LookPath(prog); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin/", "/sbin/"} {
		if fi, err := os.Stat(dir + prog); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return dir + prog
		}
	}
	return prog
}

func trimStderr(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > maxStderr {
		s = s[:maxStderr] + "…"
	}
	return s
}

// SSH runs commands on another host: "ssh -o BatchMode=yes -o
// ConnectTimeout=10 -- HOST 'prog' 'arg'…". Each word of the remote
// command is quoted for the remote shell, and the command's environment
// is passed with env(1) (sshd does not pass the client's environment).
// Authentication is ssh's own: keys and ~/.ssh/config; BatchMode makes
// ssh fail instead of asking for a password.
type SSH struct {
	// Host is the destination: host, user@host, or a Host alias of
	// ~/.ssh/config. It must not start with "-".
	Host string
	// Runner runs the ssh command itself; nil: Exec{}.
	Runner Runner
}

var _ Runner = SSH{}

// Run runs cmd on s.Host.
func (s SSH) Run(ctx context.Context, cmd Command) ([]byte, error) {
	if s.Host == "" || strings.HasPrefix(s.Host, "-") {
		return nil, fmt.Errorf("ssh: host %q: want a host name", s.Host)
	}
	remote := cmd
	if len(cmd.Env) > 0 {
		remote = Command{Args: append(append([]string{"env"}, cmd.Env...), cmd.Args...)}
	}
	r := s.Runner
	if r == nil {
		r = Exec{}
	}
	return r.Run(ctx, Command{Args: []string{"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "--", s.Host, remote.String()}})
}

// shellQuote quotes s for a POSIX shell, leaving plain words as they are.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
