package store

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"
)

func TestReadingsAreBounded(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "s.db"), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)
	for i := range 12 {
		w := float64(100 * i)
		snap := Snapshot{At: t0.Add(time.Duration(i) * 30 * time.Second), Devices: []DeviceReading{{Device: "r01-a", OK: true, PhaseAmps: []float64{float64(i)}, Watts: &w}}}
		if err := s.RecordReadings(snap, 5); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Readings(time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[0].Devices[0].PhaseAmps[0] != 11 || got[4].Devices[0].PhaseAmps[0] != 7 {
		t.Errorf("Readings after 12 cycles kept 5 = %d snapshots, newest %v, oldest %v; want 5, cycles 11 down to 7", len(got), got[0].Devices, got[len(got)-1].Devices)
	}
	since, err := s.Readings(t0.Add(10*30*time.Second), 0)
	if err != nil || len(since) != 2 {
		t.Errorf("Readings since cycle 10 = %d, %v; want 2", len(since), err)
	}
}
