//go:build unix

package runbook

import (
	"os/exec"
	"syscall"
)

// detach puts a command in its own process group: a Ctrl-C at the
// terminal then stops the run after the command, not the command in the
// middle; a timeout kills the whole group (a shell and what it started).
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
