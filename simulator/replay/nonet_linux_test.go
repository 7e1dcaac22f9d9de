package replay

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// TestLoadTakesNoNetwork loads every recording in a child process in which
// the kernel refuses socket(2) to every thread (a seccomp filter): no
// network is possible there, so loading that succeeds used none. The child
// first checks that the filter really bites.
func TestLoadTakesNoNetwork(t *testing.T) {
	const child = "FEEDPLAN_REPLAY_NO_NETWORK_CHILD"
	if os.Getenv(child) == "1" {
		forbidSockets(t)
		if c, err := net.Dial("udp", "127.0.0.1:9"); !errors.Is(err, syscall.EPERM) {
			if c != nil {
				c.Close()
			}
			t.Fatalf("net.Dial with socket(2) forbidden: %v; want EPERM (the filter does not work)", err)
		}
		tables, err := LoadDir(recordings)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded %d recordings with socket(2) forbidden", len(tables))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadTakesNoNetwork$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), child+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "loaded 12 recordings with socket(2) forbidden") {
		t.Fatalf("child process did not load the 12 recordings:\n%s", out)
	}
}

// seccompSyscall is seccomp(2)'s number; the syscall package lacks it on amd64.
var seccompSyscall = map[string]uintptr{"amd64": 317, "arm64": 277, "riscv64": 277, "ppc64le": 358, "s390x": 348}

// forbidSockets makes socket(2) fail with EPERM in every thread of this
// process, for good: only for a child process.
func forbidSockets(t *testing.T) {
	nr, ok := seccompSyscall[runtime.GOARCH]
	if !ok {
		t.Fatalf("no seccomp(2) number known for %s: add it to seccompSyscall", runtime.GOARCH)
	}
	type sockFilter struct {
		code   uint16
		jt, jf uint8
		k      uint32
	}
	type sockFprog struct {
		len    uint16
		filter *sockFilter
	}
	const (
		ldAbsW   = 0x20       // BPF_LD|BPF_W|BPF_ABS
		jeqK     = 0x15       // BPF_JMP|BPF_JEQ|BPF_K
		retK     = 0x06       // BPF_RET|BPF_K
		retAllow = 0x7fff0000 // SECCOMP_RET_ALLOW
		retErrno = 0x00050000 // SECCOMP_RET_ERRNO
	)
	prog := []sockFilter{
		{code: ldAbsW, k: 0}, // A = seccomp_data.nr
		{code: jeqK, jt: 0, jf: 1, k: uint32(syscall.SYS_SOCKET)},
		{code: retK, k: retErrno | uint32(syscall.EPERM)},
		{code: retK, k: retAllow},
	}
	fprog := sockFprog{len: uint16(len(prog)), filter: &prog[0]}
	const prSetNoNewPrivs = 38
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
		t.Fatalf("prctl(PR_SET_NO_NEW_PRIVS): %v", e)
	}
	const setModeFilter, flagTsync = 1, 1
	if _, _, e := syscall.RawSyscall(nr, setModeFilter, flagTsync, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		t.Fatalf("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): %v", e)
	}
	runtime.KeepAlive(prog)
}
