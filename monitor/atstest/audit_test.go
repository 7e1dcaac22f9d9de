package atstest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feedplan/monitor/atstest"
)

func TestAuditLogSurvivesATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := atstest.NewAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	for _, step := range []string{"start", "set-preferred"} {
		if err := l.Write(atstest.Entry{Time: at, Operator: "alice", Action: "ats-test", Step: step, ATS: "ats-r03", Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	// A kill -9 in the middle of the third write.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-11-28T20:00:01Z","operator":"ali`)
	f.Close()

	es, err := atstest.ReadAudit(path)
	if err != nil || len(es) != 2 || es[1].Step != "set-preferred" || !es[0].Time.Equal(at) {
		t.Fatalf("ReadAudit with a torn last line = %+v, %v; want the two whole entries", es, err)
	}
	// Reopening cuts the torn line off, so the next entry is whole.
	l, err = atstest.NewAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Write(atstest.Entry{Time: at, Operator: "alice", Action: "ats-test", Step: "done", ATS: "ats-r03", Outcome: "passed"}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	es, err = atstest.ReadAudit(path)
	if err != nil || len(es) != 3 || es[2].Step != "done" {
		t.Fatalf("ReadAudit after reopening = %+v, %v; want three entries ending with done", es, err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), `"ali`+"{") || strings.Count(string(b), "\n") != 3 {
		t.Errorf("audit file after reopening:\n%s\nwant three whole lines", b)
	}
	if err := l.Write(atstest.Entry{Step: "late"}); err == nil {
		t.Error("Write after Close succeeded; want an error")
	}
}

func TestReadAuditNamesABadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	os.WriteFile(path, []byte("{\"step\":\"start\"}\nnot json\n{\"step\":\"done\"}\n"), 0o600)
	_, err := atstest.ReadAudit(path)
	if err == nil || !strings.Contains(err.Error(), "audit.jsonl:2") {
		t.Errorf("ReadAudit with a bad second line: %v; want an error naming line 2", err)
	}
}
