package influx

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func lines(prefix string, from, to int) []string {
	var l []string
	for i := from; i < to; i++ {
		l = append(l, fmt.Sprintf("%s v=%d %d", prefix, i, i))
	}
	return l
}

// drain reads and acknowledges everything, max lines a chunk.
func drain(t *testing.T, s *spool, max int) []string {
	t.Helper()
	var got []string
	for s.lines > 0 {
		l, c, err := s.next(max)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l...)
		if err := s.ack(c); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+segmentExt))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSpoolOrderAcrossSegmentsAndRestarts(t *testing.T) {
	dir := t.TempDir()
	s, err := openSpool(dir, 1<<20, 256) // small segments: many files
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if _, dropped, err := s.append(lines("m", i*10, i*10+10), 0); err != nil || dropped != 0 {
			t.Fatalf("append = %d dropped, %v", dropped, err)
		}
	}
	if n := len(segmentFiles(t, dir)); n < 3 {
		t.Fatalf("%d segment files; want several (segments of 256 bytes)", n)
	}
	// Read a third, acknowledge all but the last chunk, and "crash".
	var got []string
	for len(got) < 33 {
		l, c, err := s.next(7)
		if err != nil {
			t.Fatal(err)
		}
		if len(got)+len(l) >= 33 {
			s.release(c) // in flight when the process died: sent again
			break
		}
		got = append(got, l...)
		if err := s.ack(c); err != nil {
			t.Fatal(err)
		}
	}
	s.close()

	s, err = openSpool(dir, 1<<20, 256)
	if err != nil {
		t.Fatal(err)
	}
	if s.lines != int64(100-len(got)) {
		t.Errorf("after a restart the spool holds %d lines; want %d", s.lines, 100-len(got))
	}
	if _, _, err := s.append(lines("m", 100, 110), 0); err != nil {
		t.Fatal(err)
	}
	got = append(got, drain(t, s, 6)...)
	if want := lines("m", 0, 110); !slices.Equal(got, want) {
		t.Errorf("read back\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(segmentFiles(t, dir)); n != 0 || s.bytes != 0 {
		t.Errorf("a drained spool keeps %d segment files, %d bytes; want none", n, s.bytes)
	}
}

func TestSpoolTornLastLine(t *testing.T) {
	dir := t.TempDir()
	// A crash in the middle of an append: the last line has no newline.
	if err := os.WriteFile(filepath.Join(dir, segmentName(7)), []byte("m v=1 1\nm v=2 2\nm v=3 3\nm v=4"), 0o640); err != nil {
		t.Fatal(err)
	}
	s, err := openSpool(dir, 1<<20, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	if s.lines != 3 {
		t.Errorf("spool with a torn last line holds %d lines; want 3", s.lines)
	}
	if _, _, err := s.append([]string{"m v=5 5"}, 0); err != nil {
		t.Fatal(err)
	}
	got := drain(t, s, 100)
	if want := []string{"m v=1 1", "m v=2 2", "m v=3 3", "m v=5 5"}; !slices.Equal(got, want) {
		t.Errorf("read back %q; want %q (the torn line ignored)", got, want)
	}
}

func TestSpoolCursorNotAtALine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, segmentName(1)), []byte("m v=1 1\nm v=2 2\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, cursorFile), []byte("1 3\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	s, err := openSpool(dir, 1<<20, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, s, 100); len(got) != 2 {
		t.Errorf("with a cursor inside a line, read back %q; want both lines", got)
	}
}

func TestSpoolCursorPastDeletedSegments(t *testing.T) {
	// The cursor moved to segment 3 but the process died before deleting
	// segments 1 and 2: they were acknowledged, and are not sent again.
	dir := t.TempDir()
	for seq := uint64(1); seq <= 3; seq++ {
		if err := os.WriteFile(filepath.Join(dir, segmentName(seq)), fmt.Appendf(nil, "m v=%d %d\n", seq, seq), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, cursorFile), []byte("3 0\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	s, err := openSpool(dir, 1<<20, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, s, 100); !slices.Equal(got, []string{"m v=3 3"}) {
		t.Errorf("read back %q; want only segment 3", got)
	}
	if _, _, err := s.append([]string{"m v=4 4"}, 0); err != nil {
		t.Fatal(err)
	}
	if s.segs[0].seq <= 3 {
		t.Errorf("new segment %d; want a number after 3", s.segs[0].seq)
	}
}

func TestSpoolFullDropsOldest(t *testing.T) {
	dir := t.TempDir()
	s, err := openSpool(dir, 1000, 200)
	if err != nil {
		t.Fatal(err)
	}
	var dropped int64
	for i := 0; i < 50; i++ {
		_, d, err := s.append(lines("m", i*4, i*4+4), 0)
		if err != nil {
			t.Fatal(err)
		}
		dropped += d
		if s.bytes > 1000 {
			t.Fatalf("spool holds %d bytes; want at most 1000", s.bytes)
		}
	}
	got := drain(t, s, 1000)
	if dropped == 0 || dropped+int64(len(got)) != 200 {
		t.Fatalf("dropped %d, kept %d; want some dropped and 200 in all", dropped, len(got))
	}
	if want := lines("m", 200-len(got), 200); !slices.Equal(got, want) {
		t.Errorf("kept %q; want the newest, %q", got, want)
	}
}

func TestSpoolDropVoidsChunkInFlight(t *testing.T) {
	s, err := openSpool(t.TempDir(), 600, 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.append(lines("a_rather_long_measurement_name", 0, 4), 0); err != nil {
		t.Fatal(err)
	}
	_, c, err := s.next(2)
	if err != nil {
		t.Fatal(err)
	}
	_, dropped, err := s.append(lines("a_rather_long_measurement_name", 4, 28), 0)
	if err != nil {
		t.Fatal(err)
	}
	if dropped < 4 || !c.void {
		t.Fatalf("dropped %d, chunk in flight void %v; want the first segment (4 lines) dropped and the chunk void", dropped, c.void)
	}
	if err := s.ack(c); err != nil {
		t.Fatalf("ack of a void chunk: %v", err)
	}
	got := drain(t, s, 100)
	if int64(len(got))+dropped != 28 || got[len(got)-1] != lines("a_rather_long_measurement_name", 27, 28)[0] {
		t.Errorf("kept %d lines after dropping %d; want 28 in all, the newest kept", len(got), dropped)
	}
}

func TestSpoolChunkInFlightMovesToSpool(t *testing.T) {
	s, err := openSpool(t.TempDir(), 1<<20, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := s.append(lines("m", 0, 6), 3)
	if err != nil {
		t.Fatal(err)
	}
	if c == nil || c.lines != 3 || s.inflight != c {
		t.Fatalf("append(first in flight) chunk = %+v; want the first 3 lines in flight", c)
	}
	if _, _, err := s.next(10); err == nil {
		t.Error("next with a chunk in flight succeeded; want an error")
	}
	if err := s.ack(c); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, s, 10); !slices.Equal(got, lines("m", 3, 6)) {
		t.Errorf("after acknowledging the chunk in flight, read back %q; want the 3 after it", got)
	}
}
