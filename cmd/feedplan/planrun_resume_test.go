package main

import (
	"flag"
	"io"
	"testing"
)

// The resume command a stopped run prints repeats the flags that matter
// (quoted for the shell) and leaves out those that must be given again on
// purpose.
func TestResumeCommand(t *testing.T) {
	fs := flag.NewFlagSet("plan run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Bool("execute", false, "")
	fs.Bool("yes", false, "")
	fs.Bool("force", false, "")
	fs.String("reason", "", "")
	fs.String("from", "", "")
	fs.String("audit", "feedplan-audit.jsonl", "")
	fs.String("on-manual", "", "")
	fs.Bool("manual-queues", false, "")
	if err := fs.Parse([]string{"--execute", "--yes", "--force", "--reason", "it's fine", "--from", "cut", "--audit", "/var/log/feed plan.jsonl", "--on-manual", "./hook.sh cut", "--manual-queues"}); err != nil {
		t.Fatal(err)
	}
	got := resumeCommand(fs, "plans/fri night.json")
	want := `feedplan plan run 'plans/fri night.json' --execute --audit '/var/log/feed plan.jsonl' --manual-queues --on-manual './hook.sh cut' --yes`
	if got != want {
		t.Errorf("resume command\n got %s\nwant %s", got, want)
	}
}
