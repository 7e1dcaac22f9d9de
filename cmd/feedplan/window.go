package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"feedplan/monitor/store"
)

const windowExamples = `  feedplan window add --start 2026-11-28T21:00 --end 2026-11-29T00:00 --tz Europe/Amsterdam \
      --reason "feed A maintenance, CHG-1234" --match feed=A --match rule=device-unreachable
  feedplan window list
  feedplan window rm w-3f2a9c

A window silences, from its start until its end, only the alerts all its
--match NAME=VALUE pairs match (NAME: rule, key, severity or a label such as
feed, equipment, site; NAME~REGEX for a regular expression); every other alert
still fires. A running 'feedplan monitor' picks new windows up at its next
cycle. Every change is written to the audit log.
`

func cmdWindow(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list" && args[0] != "rm") {
		fmt.Fprintf(stderr, "Usage: feedplan window add|list|rm [flags]\n\nExamples:\n%s", windowExamples)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return exitOK
		}
		return exitBadInput
	}
	op := args[0]
	fs := newFlags("window "+op, "[flags]", windowExamples, stderr)
	statePath := fs.String("state", "feedplan.db", "the monitor's embedded store")
	start := fs.String("start", "", "with add: when it starts, YYYY-MM-DDTHH:MM")
	end := fs.String("end", "", "with add: when it ends, YYYY-MM-DDTHH:MM")
	tz := fs.String("tz", "UTC", "with add: the time zone of --start and --end")
	reason := fs.String("reason", "", "with add: what the window is for (a change ticket)")
	var matches listFlag
	fs.Var(&matches, "match", "with add: NAME=VALUE or NAME~REGEX the silenced alerts must match (repeatable, at least one)")
	n := 0
	if op == "rm" {
		n = 1
	}
	pos, code, ok := parseArgs(fs, args[1:], n, stdout, stderr)
	if !ok {
		return code
	}
	db, err := store.Open(*statePath, store.Options{Logger: infoLogger(io.Discard)})
	if err != nil {
		fmt.Fprintf(stderr, "feedplan window: %v\n", err)
		return exitBadInput
	}
	defer db.Close()
	who := os.Getenv("USER")
	switch op {
	case "list":
		ws, err := db.AllWindows()
		if err != nil {
			fmt.Fprintf(stderr, "feedplan window: %v\n", err)
			return exitBadInput
		}
		if len(ws) == 0 {
			fmt.Fprintln(stdout, "No maintenance windows.")
			return exitOK
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTART\tEND\tMATCHES\tREASON")
		for _, w := range ws {
			var ms []string
			for _, m := range w.Matchers {
				op := "="
				if m.Regex {
					op = "~"
				}
				ms = append(ms, m.Name+op+m.Value)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", w.ID, w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339), strings.Join(ms, ","), w.Reason)
		}
		tw.Flush()
		return exitOK
	case "rm":
		if err := db.DeleteWindow(pos[0]); err != nil {
			fmt.Fprintf(stderr, "feedplan window rm %s: %v\n", pos[0], err)
			return exitBadInput
		}
		db.Audit(store.AuditEntry{At: time.Now(), Who: who, Action: "window-rm", Target: pos[0], Outcome: "ok"})
		fmt.Fprintf(stdout, "removed %s\n", pos[0])
		return exitOK
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan window add: --tz %q: %v\n", *tz, err)
		return exitBadInput
	}
	from, err1 := time.ParseInLocation("2006-01-02T15:04", *start, loc)
	to, err2 := time.ParseInLocation("2006-01-02T15:04", *end, loc)
	if err1 != nil || err2 != nil || !to.After(from) {
		fmt.Fprintln(stderr, "feedplan window add: --start and --end are YYYY-MM-DDTHH:MM, and the end comes after the start")
		return exitBadInput
	}
	if *reason == "" || len(matches) == 0 {
		fmt.Fprintln(stderr, "feedplan window add: give a --reason and at least one --match (a window that silences everything is refused)")
		return exitBadInput
	}
	w := store.Window{Start: from, End: to, Reason: *reason, CreatedBy: who}
	for _, m := range matches {
		name, value, regex := "", "", false
		if i := strings.IndexAny(m, "=~"); i > 0 {
			name, value, regex = m[:i], m[i+1:], m[i] == '~'
		}
		if name == "" || value == "" {
			fmt.Fprintf(stderr, "feedplan window add: --match %q: want NAME=VALUE or NAME~REGEX\n", m)
			return exitBadInput
		}
		w.Matchers = append(w.Matchers, store.Matcher{Name: name, Value: value, Regex: regex})
	}
	b := make([]byte, 3)
	rand.Read(b)
	w.ID = "w-" + hex.EncodeToString(b)
	if err := db.PutWindow(w); err != nil {
		fmt.Fprintf(stderr, "feedplan window add: %v\n", err)
		return exitBadInput
	}
	db.Audit(store.AuditEntry{At: time.Now(), Who: who, Action: "window-add", Target: w.ID, Outcome: "ok",
		Detail: fmt.Sprintf("%s – %s %s: %s", from.Format(time.RFC3339), to.Format(time.RFC3339), strings.Join(matches, ","), *reason)})
	fmt.Fprintf(stdout, "added %s: %s until %s silences alerts matching %s\n", w.ID, from.Format(time.RFC3339), to.Format(time.RFC3339), strings.Join(matches, ", "))
	return exitOK
}
