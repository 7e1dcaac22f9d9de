package store

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feedplan.db")
	s, err := Open(path, Options{Logger: discard()})
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenRejects(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts Options
	}{
		{"nil logger", filepath.Join(dir, "a.db"), Options{}},
		{"empty path", "", Options{Logger: discard()}},
		{"missing directory", filepath.Join(dir, "nope", "a.db"), Options{Logger: discard()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(tt.path, tt.opts)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) = nil error; want one", tt.path)
			}
		})
	}
}

func TestTimeKeyOrder(t *testing.T) {
	tests := []struct {
		name   string
		a, b   time.Time
		sa, sb uint64
	}{
		{"later time", t0, t0.Add(time.Nanosecond), 9, 1},
		{"same time, later seq", t0, t0, 1, 2},
		{"before 1970", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), time.Unix(0, 0), 1, 1},
		{"far past", time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), t0, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if bytes.Compare(timeKey(tt.a, tt.sa), timeKey(tt.b, tt.sb)) >= 0 {
				t.Errorf("timeKey(%s, %d) >= timeKey(%s, %d); want <", tt.a, tt.sa, tt.b, tt.sb)
			}
		})
	}
}

func ids(evs []AlertEvent) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, fmt.Sprintf("%s %s@%d", ev.ID, ev.Kind, int(ev.At.Sub(t0)/time.Minute)))
	}
	return out
}

func fired(rule, key string, min int) AlertEvent {
	return AlertEvent{Rule: rule, Key: key, Severity: "critical", Summary: rule + " on " + key, Kind: Fired, At: at(min), Labels: map[string]string{"site": "dc1"}}
}

func resolved(rule, key string, min int) AlertEvent {
	ev := fired(rule, key, min)
	ev.Kind = Resolved
	return ev
}

func TestActiveAlerts(t *testing.T) {
	tests := []struct {
		name   string
		events []AlertEvent
		want   []string
	}{
		{"none", nil, nil},
		{"fired", []AlertEvent{fired("ats-redundancy", "ats-1", 1)}, []string{"ats-redundancy/ats-1 fired@1"}},
		{"fired then resolved", []AlertEvent{fired("ats-redundancy", "ats-1", 1), resolved("ats-redundancy", "ats-1", 2)}, nil},
		{"refired", []AlertEvent{fired("load-high", "PB-1/4", 1), resolved("load-high", "PB-1/4", 2), fired("load-high", "PB-1/4", 3)}, []string{"load-high/PB-1/4 fired@3"}},
		{"stale resolution ignored", []AlertEvent{fired("load-high", "PB-1/4", 5), resolved("load-high", "PB-1/4", 4)}, []string{"load-high/PB-1/4 fired@5"}},
		{"resolved never fired", []AlertEvent{resolved("pdu-down", "pdu-a", 1)}, nil},
		{"oldest first", []AlertEvent{fired("pdu-down", "pdu-b", 7), fired("pdu-down", "pdu-a", 3), fired("ats-input", "ats-1", 7)}, []string{"pdu-down/pdu-a fired@3", "ats-input/ats-1 fired@7", "pdu-down/pdu-b fired@7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTemp(t)
			for _, ev := range tt.events {
				if err := s.RecordAlert(ev); err != nil {
					t.Fatalf("RecordAlert(%s) = %v", ev.Rule, err)
				}
			}
			got, err := s.ActiveAlerts()
			if err != nil {
				t.Fatalf("ActiveAlerts() = %v", err)
			}
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("ActiveAlerts() = %q; want %q", ids(got), tt.want)
			}
		})
	}
}

func TestRecordAlertRejects(t *testing.T) {
	tests := []struct {
		name string
		ev   AlertEvent
	}{
		{"no id or rule", AlertEvent{Kind: Fired, At: t0}},
		{"bad kind", AlertEvent{ID: "a/b", Kind: "firing", At: t0}},
		{"zero time", AlertEvent{ID: "a/b", Kind: Fired}},
	}
	s, _ := openTemp(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.RecordAlert(tt.ev); err == nil {
				t.Errorf("RecordAlert(%+v) = nil; want an error", tt.ev)
			}
		})
	}
}

func TestAlertHistoryAndRecent(t *testing.T) {
	s, _ := openTemp(t)
	for _, ev := range []AlertEvent{
		fired("load-high", "PB-1/4", 1),
		fired("pdu-down", "pdu-a", 2),
		resolved("load-high", "PB-1/4", 3),
		fired("load-high", "PB-1/4", 4),
		resolved("pdu-down", "pdu-a", 4), // same instant: recorded order breaks the tie
	} {
		if err := s.RecordAlert(ev); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.AlertHistory("load-high/PB-1/4", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Labels["site"] != "dc1" || got[0].Summary != "load-high on PB-1/4" || !got[0].At.Equal(at(4)) {
		t.Errorf("AlertHistory()[0] = %+v; want the fields as recorded", got[0])
	}
	tests := []struct {
		name string
		read func() ([]AlertEvent, error)
		want []string
	}{
		{"history all", func() ([]AlertEvent, error) { return s.AlertHistory("load-high/PB-1/4", 0) },
			[]string{"load-high/PB-1/4 fired@4", "load-high/PB-1/4 resolved@3", "load-high/PB-1/4 fired@1"}},
		{"history limit 2", func() ([]AlertEvent, error) { return s.AlertHistory("load-high/PB-1/4", 2) },
			[]string{"load-high/PB-1/4 fired@4", "load-high/PB-1/4 resolved@3"}},
		{"history unknown", func() ([]AlertEvent, error) { return s.AlertHistory("nope/x", 0) }, nil},
		{"recent all", func() ([]AlertEvent, error) { return s.RecentAlerts(time.Time{}, 0) },
			[]string{"pdu-down/pdu-a resolved@4", "load-high/PB-1/4 fired@4", "load-high/PB-1/4 resolved@3", "pdu-down/pdu-a fired@2", "load-high/PB-1/4 fired@1"}},
		{"recent since 3 inclusive", func() ([]AlertEvent, error) { return s.RecentAlerts(at(3), 0) },
			[]string{"pdu-down/pdu-a resolved@4", "load-high/PB-1/4 fired@4", "load-high/PB-1/4 resolved@3"}},
		{"recent since 2 limit 1", func() ([]AlertEvent, error) { return s.RecentAlerts(at(2), 1) },
			[]string{"pdu-down/pdu-a resolved@4"}},
		{"recent since after all", func() ([]AlertEvent, error) { return s.RecentAlerts(at(5), 0) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.read()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("got %q; want %q", ids(got), tt.want)
			}
		})
	}
}

func TestATSTests(t *testing.T) {
	s, _ := openTemp(t)
	if _, ok, err := s.LastATSTest("ats-1"); ok || err != nil {
		t.Fatalf("LastATSTest(never tested) = ok %v, %v; want false, nil", ok, err)
	}
	recs := []ATSTestRecord{
		{ATS: "ats-1", Started: at(10), Finished: at(11), Passed: true, TransferMS: 12, BackMS: 14, DryRun: true},
		{ATS: "ats-2", Started: at(15), Finished: at(16), Passed: false, Reason: "input B unhealthy"},
		{ATS: "ats-1", Started: at(20), Finished: at(21), Passed: false, Reason: "did not transfer within 5s", TransferMS: 5000},
		{ATS: "ats-1", Started: at(5), Finished: at(6), Passed: true}, // recorded late, sorts by Started
	}
	for _, r := range recs {
		if err := s.RecordATSTest(r); err != nil {
			t.Fatal(err)
		}
	}
	last, ok, err := s.LastATSTest("ats-1")
	if err != nil || !ok || last != recs[2] {
		t.Errorf("LastATSTest(ats-1) = %+v, %v, %v; want %+v", last, ok, err, recs[2])
	}
	tests := []struct {
		name  string
		ats   string
		limit int
		want  []int // minutes of Started
	}{
		{"all", "ats-1", 0, []int{20, 10, 5}},
		{"limit 2", "ats-1", 2, []int{20, 10}},
		{"limit beyond", "ats-2", 9, []int{15}},
		{"unknown", "ats-9", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ATSTests(tt.ats, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var mins []int
			for _, r := range got {
				mins = append(mins, int(r.Started.Sub(t0)/time.Minute))
			}
			if !slices.Equal(mins, tt.want) {
				t.Errorf("ATSTests(%q, %d) started at %v; want %v", tt.ats, tt.limit, mins, tt.want)
			}
		})
	}
	for _, bad := range []ATSTestRecord{{Started: t0}, {ATS: "ats-1"}} {
		if err := s.RecordATSTest(bad); err == nil {
			t.Errorf("RecordATSTest(%+v) = nil; want an error", bad)
		}
	}
}

func TestWindows(t *testing.T) {
	s, _ := openTemp(t)
	feedA := Window{ID: "w-a", Start: at(0), End: at(60), Reason: "feed A maintenance, CHG-1234", CreatedBy: "alice",
		Matchers: []Matcher{{Name: "feed", Value: "A"}, {Name: "rule", Value: "ats-.*", Regex: true}}}
	later := Window{ID: "w-b", Start: at(30), End: at(90), Reason: "UPS swap"}
	for _, w := range []Window{feedA, later} {
		if err := s.PutWindow(w); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.AllWindows()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != "w-a" || !slices.Equal(all[0].Matchers, feedA.Matchers) || all[0].CreatedBy != "alice" {
		t.Fatalf("AllWindows() = %+v; want w-a as put, then w-b", all)
	}
	tests := []struct {
		name string
		at   time.Time
		want []string
	}{
		{"before", at(-1), nil},
		{"start is inclusive", at(0), []string{"w-a"}},
		{"overlap", at(45), []string{"w-a", "w-b"}},
		{"end is exclusive", at(60), []string{"w-b"}},
		{"after", at(90), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Windows(tt.at)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, w := range got {
				names = append(names, w.ID)
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("Windows(%s) = %q; want %q", tt.at.Format(time.Kitchen), names, tt.want)
			}
		})
	}

	// Put replaces by ID.
	later.End = at(40)
	if err := s.PutWindow(later); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Windows(at(45)); len(got) != 1 || got[0].ID != "w-a" {
		t.Errorf("Windows(45) after shortening w-b = %+v; want only w-a", got)
	}
	if err := s.DeleteWindow("w-a"); err != nil {
		t.Fatalf("DeleteWindow(w-a) = %v", err)
	}
	if err := s.DeleteWindow("w-a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteWindow(w-a) again = %v; want ErrNotFound", err)
	}
	if all, _ := s.AllWindows(); len(all) != 1 || all[0].ID != "w-b" {
		t.Errorf("AllWindows() after delete = %+v; want only w-b", all)
	}

	for _, bad := range []Window{
		{Start: at(0), End: at(1)},
		{ID: "x", End: at(1)},
		{ID: "x", Start: at(1), End: at(1)},
	} {
		if err := s.PutWindow(bad); err == nil {
			t.Errorf("PutWindow(%+v) = nil; want an error", bad)
		}
	}
}

func TestAuditLog(t *testing.T) {
	s, path := openTemp(t)
	entries := []AuditEntry{
		{At: at(1), Who: "cron", Action: "ats-test", Target: "ats-1", DryRun: true, Outcome: "ok"},
		{At: at(2), Who: "alice", Action: "window-put", Target: "w-a", Outcome: "ok", Detail: "feed A maintenance"},
		{At: at(3), Who: "alice", Action: "ats-test", Target: "ats-2", Outcome: "refused", Detail: "input B unhealthy"},
	}
	for i, e := range entries {
		seq, err := s.Audit(e)
		if err != nil {
			t.Fatal(err)
		}
		if want := uint64(i + 1); seq != want {
			t.Errorf("Audit(entry %d) = seq %d; want %d", i, seq, want)
		}
	}
	tests := []struct {
		name  string
		since time.Time
		limit int
		want  []uint64
	}{
		{"all", time.Time{}, 0, []uint64{3, 2, 1}},
		{"limit", time.Time{}, 2, []uint64{3, 2}},
		{"since inclusive", at(2), 0, []uint64{3, 2}},
		{"since and limit", at(1), 1, []uint64{3}},
		{"since after all", at(4), 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.AuditLog(tt.since, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []uint64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
			}
			if !slices.Equal(seqs, tt.want) {
				t.Errorf("AuditLog(%v, %d) = seqs %v; want %v", tt.since, tt.limit, seqs, tt.want)
			}
		})
	}
	got, _ := s.AuditLog(at(3), 1)
	want := entries[2]
	want.Seq = 3
	if len(got) != 1 || got[0] != want {
		t.Errorf("AuditLog(3, 1) = %+v; want %+v", got, want)
	}

	// The sequence survives a reopen.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if seq, err := s2.Audit(AuditEntry{At: at(4), Action: "reopen"}); err != nil || seq != 4 {
		t.Errorf("Audit after reopen = %d, %v; want 4, nil", seq, err)
	}
	for _, bad := range []AuditEntry{{Action: "x"}, {At: t0}} {
		if _, err := s2.Audit(bad); err == nil {
			t.Errorf("Audit(%+v) = nil; want an error", bad)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s, _ := openTemp(t)
	const writers, each = 4, 25
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seqs []uint64
	)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				seq, err := s.Audit(AuditEntry{At: at(i), Who: fmt.Sprint("writer-", w), Action: "poke"})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seqs = append(seqs, seq)
				mu.Unlock()
				if err := s.RecordAlert(fired("pdu-down", fmt.Sprint("pdu-", w), i)); err != nil {
					t.Error(err)
				}
			}
		})
		wg.Go(func() {
			for range each {
				if _, err := s.AuditLog(time.Time{}, 10); err != nil {
					t.Error(err)
				}
				if _, err := s.ActiveAlerts(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	slices.Sort(seqs)
	if n := len(slices.Compact(seqs)); n != writers*each {
		t.Errorf("%d distinct audit sequences; want %d", n, writers*each)
	}
	if got, _ := s.AuditLog(time.Time{}, 0); len(got) != writers*each {
		t.Errorf("AuditLog() has %d entries; want %d", len(got), writers*each)
	}
	if got, _ := s.ActiveAlerts(); len(got) != writers {
		t.Errorf("ActiveAlerts() = %d; want %d", len(got), writers)
	}
}
