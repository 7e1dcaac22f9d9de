// Command feedplan plans datacenter feed maintenance: what goes dark and
// what overloads when a feed, panel, breaker, ATS or PDU is cut.
//
// main only maps flags to options and calls the packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// Exit codes scripts can rely on.
const (
	exitOK       = 0 // nothing goes down
	exitHarm     = 1 // something goes down or trips
	exitBadInput = 2 // bad flags, a bad or missing inventory
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// plain adapts a command that runs to completion without a context.
func plain(f func(args []string, stdout, stderr io.Writer) int) func(context.Context, []string, io.Writer, io.Writer) int {
	return func(_ context.Context, args []string, stdout, stderr io.Writer) int { return f(args, stdout, stderr) }
}

func commands() []command {
	return []command{
		{"validate", "check an inventory file and report every problem in it", plain(cmdValidate)},
		{"whatif", "evaluate a failure scenario: what goes dark, what overloads", cmdWhatif},
		{"audit", "N-1 sweep and redundancy audit of a whole site", plain(cmdAudit)},
		{"gen", "write a synthetic site of any size", plain(cmdGen)},
		{"poll", "read a site's PDUs and ATS units over SNMP", cmdPoll},
		{"monitor", "poll on a schedule, evaluate failover risk, and alert", cmdMonitor},
		{"ats-test", "test an ATS's switchover: transfer to the other input and back (dry run by default)", cmdATSTest},
		{"plan", "plan a maintenance window: pre-flight, job and mail deferral, power-down, cut, power-up (runbook)", cmdPlan},
		{"window", "silence, for a maintenance window, the alerts it expects (and nothing else)", cmdWindow},
		{"sim", "serve a site's PDUs and ATS units over SNMP, with faults on demand", cmdSim},
	}
}

const usageHead = `feedplan plans datacenter feed maintenance: which devices go dark, which
lose redundancy and which breakers overload when a feed, panel, breaker,
ATS or PDU is cut — before anyone touches a breaker.

Usage:
  feedplan COMMAND [flags] [SITE.yaml]

Commands:
`

const usageTail = `
Examples:
  feedplan validate examples/site.yaml
  feedplan whatif examples/site.yaml --cut source:A --ats as-tested
  feedplan audit examples/site.yaml -o markdown > audit.md
  feedplan gen --devices 50000 > big.yaml
  feedplan sim examples/site.yaml            # then: feedplan sim ctl cut source:A

Exit codes: 0 nothing goes down, 1 something goes down or trips, 2 bad input.
Run 'feedplan COMMAND -h' for a command's flags.
`

func usage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, usageTail)
}

// version is the module version of the binary, or (devel).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return "feedplan " + bi.Main.Version + " (" + bi.GoVersion + ")"
	}
	return "feedplan (devel)"
}

// run runs a command without signal handling, as tests call it.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitBadInput
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return runContext(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		usage(stdout)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, version())
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			stdout, stderr = lockWriters(stdout, stderr)
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "feedplan: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitBadInput
}

// newFlags makes a flag set whose -h prints the command's usage and examples.
func newFlags(name, synopsis, examples string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: feedplan %s %s\n", name, synopsis)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
		if examples != "" {
			fmt.Fprintf(w, "\nExamples:\n%s", examples)
		}
	}
	return fs
}

// parse parses flags and positional arguments in any order, so that
// "whatif site.yaml --cut source:A" works as a technician types it.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseArgs parses and wants exactly n positional arguments (any number
// when n < 0).
func parseArgs(fs *flag.FlagSet, args []string, n int, stdout, stderr io.Writer) ([]string, int, bool) {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			// Asked-for help goes to stdout, so that it pages and greps.
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, exitOK, false
		}
		if a == "--" {
			break
		}
	}
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK, false
	}
	if err != nil {
		return nil, exitBadInput, false
	}
	if n >= 0 && len(pos) != n {
		if n == 1 {
			fmt.Fprintf(stderr, "feedplan %s: want one inventory file (SITE.yaml), got %d arguments\n", fs.Name(), len(pos))
		} else {
			fmt.Fprintf(stderr, "feedplan %s: want %d arguments, got %d\n", fs.Name(), n, len(pos))
		}
		fs.Usage()
		return nil, exitBadInput, false
	}
	return pos, 0, true
}

// listFlag collects a repeatable flag; values may also be comma-separated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lockedWriter serialises writes: a command's goroutines (agents,
// pollers, loggers) all write to the same stdout and stderr, which need
// not be safe for concurrent use (a bytes.Buffer in a test, a pipe).
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// lockWriters wraps stdout and stderr, with one lock when they are the
// same writer.
func lockWriters(stdout, stderr io.Writer) (io.Writer, io.Writer) {
	if _, ok := stdout.(lockedWriter); ok {
		return stdout, stderr // already wrapped (help runs a command again)
	}
	mo, me := &sync.Mutex{}, &sync.Mutex{}
	if sameWriter(stdout, stderr) {
		me = mo
	}
	return lockedWriter{mo, stdout}, lockedWriter{me, stderr}
}

// sameWriter reports whether a and b are the same writer; writers of a
// type that cannot be compared are taken as different.
func sameWriter(a, b io.Writer) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
