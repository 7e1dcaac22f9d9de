package influx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// spool is an on-disk FIFO of lines of line protocol: segment files named
// by a growing sequence number (00000000000000000042.lp), appended to and
// fsynced, read oldest first, and deleted once every line in them has
// been acknowledged. The read position in the oldest segment is kept in
// the file "cursor", so that a restart does not send again what InfluxDB
// acknowledged; a crash that loses an update of it only makes some points
// be sent twice, which InfluxDB stores once (a point is its series and
// its timestamp).
//
// A line counts once its newline is on disk: a crash while appending
// leaves at most a torn last line, which openSpool cuts off.
//
// The files together hold at most maxBytes: an append beyond that deletes
// the oldest segments, and the lines in them that were not yet sent are
// counted as dropped.
//
// A spool is used by one goroutine at a time.
type spool struct {
	dir      string
	maxBytes int64 // all segment files together
	segBytes int64 // a segment takes no new group of lines past this size

	segs     []*segment // oldest first; the last one is appended to
	tail     *os.File   // the last segment, open for appending; nil until the first append after open
	readOff  int64      // bytes of segs[0] acknowledged
	bytes    int64      // the sizes of all segments
	lines    int64      // lines not yet acknowledged
	inflight *chunk     // handed out by next, not yet acked or released
	nextSeq  uint64
}

type segment struct {
	seq       uint64
	size      int64
	lines     int64 // every line in the file
	readLines int64 // lines before readOff, in segs[0]
}

// chunk is a run of lines of one segment, handed out to be sent.
type chunk struct {
	seq      uint64
	off, end int64
	lines    int64
	// void is set when the spool dropped the chunk's segment while the
	// chunk was in flight: its lines are counted as dropped, and
	// acknowledging it moves nothing.
	void bool
}

const (
	segmentExt = ".lp"
	cursorFile = "cursor"
)

func segmentName(seq uint64) string { return fmt.Sprintf("%020d%s", seq, segmentExt) }

func (s *spool) path(seq uint64) string { return filepath.Join(s.dir, segmentName(seq)) }

// openSpool opens the spool in dir, creating dir if needed, and finds the
// lines a previous run left unsent.
func openSpool(dir string, maxBytes, segBytes int64) (*spool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	s := &spool{dir: dir, maxBytes: maxBytes, segBytes: segBytes, nextSeq: 1}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), segmentExt)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		seq, err := strconv.ParseUint(name, 10, 64)
		if err != nil || seq == 0 {
			continue
		}
		s.segs = append(s.segs, &segment{seq: seq})
	}
	slices.SortFunc(s.segs, func(a, b *segment) int { return cmpUint(a.seq, b.seq) })

	curSeq, curOff := s.readCursor()
	kept := s.segs[:0]
	for _, g := range s.segs {
		s.nextSeq = max(s.nextSeq, g.seq+1)
		if g.seq < curSeq { // acknowledged whole; the crash came before its removal
			if err := os.Remove(s.path(g.seq)); err != nil {
				return nil, fmt.Errorf("spool: %w", err)
			}
			continue
		}
		off := int64(0)
		if g.seq == curSeq {
			off = curOff
		}
		lines, before, size, err := scanSegment(s.path(g.seq), off)
		if err != nil {
			return nil, fmt.Errorf("spool: %w", err)
		}
		if before < 0 { // the cursor is not at a line boundary: trust the lines, not the cursor
			off, before = 0, 0
		}
		if size == 0 || before == lines {
			if err := os.Remove(s.path(g.seq)); err != nil {
				return nil, fmt.Errorf("spool: %w", err)
			}
			continue
		}
		g.size, g.lines = size, lines
		if len(kept) == 0 {
			g.readLines, s.readOff = before, off
		}
		kept = append(kept, g)
	}
	s.segs = kept
	s.nextSeq = max(s.nextSeq, curSeq+1)
	for _, g := range s.segs {
		s.bytes += g.size
		s.lines += g.lines - g.readLines
	}
	return s, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scanSegment counts the complete lines of a segment file, cuts off a
// torn last line, and counts the lines before offset off (-1 when off is
// not at the start of a line).
func scanSegment(path string, off int64) (lines, before, size int64, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, 0, 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var pos, lastNL int64 = 0, -1
	before = -1
	if off == 0 {
		before = 0
	}
	for {
		n, rerr := f.Read(buf)
		b := buf[:n]
		for len(b) > 0 {
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				pos += int64(len(b))
				break
			}
			pos += int64(i) + 1
			b = b[i+1:]
			lastNL = pos - 1
			lines++
			if pos == off {
				before = lines
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return 0, 0, 0, rerr
		}
	}
	size = lastNL + 1
	if size < pos { // a torn last line: written, never finished
		if err := f.Truncate(size); err != nil {
			return 0, 0, 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, 0, 0, err
		}
	}
	if off > size {
		before = -1
	}
	return lines, before, size, nil
}

func (s *spool) readCursor() (seq uint64, off int64) {
	b, err := os.ReadFile(filepath.Join(s.dir, cursorFile))
	if err != nil {
		return 0, 0
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, 0
	}
	seq, err1 := strconv.ParseUint(f[0], 10, 64)
	off, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || off < 0 {
		return 0, 0
	}
	return seq, off
}

// writeCursor records the read position. It is not fsynced: losing it
// in a crash only sends some points again.
func (s *spool) writeCursor() error {
	seq, off := s.nextSeq, int64(0)
	if len(s.segs) > 0 {
		seq, off = s.segs[0].seq, s.readOff
	}
	tmp := filepath.Join(s.dir, cursorFile+".tmp")
	if err := os.WriteFile(tmp, fmt.Appendf(nil, "%d %d\n", seq, off), 0o640); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, cursorFile)); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

// append writes lines after the last one and fsyncs them. The first
// inflight of them are the chunk being sent (lines that were waiting in
// memory while the spool was empty): they go into one segment and become
// the spool's chunk in flight, which append returns. It also returns the
// number of lines dropped to keep the spool within its bound.
func (s *spool) append(lines []string, inflight int) (*chunk, int64, error) {
	var first *chunk
	if inflight > 0 {
		if s.lines != 0 || s.inflight != nil {
			return nil, 0, errors.New("spool: a chunk in flight can only start an empty spool")
		}
		for len(s.segs) > 0 { // left empty by a failed write
			if err := s.remove(); err != nil {
				return nil, 0, err
			}
		}
		if err := s.write(lines[:inflight]); err != nil {
			return nil, 0, err
		}
		g := s.segs[0]
		first = &chunk{seq: g.seq, off: 0, end: g.size, lines: g.lines}
		s.inflight = first
		lines = lines[inflight:]
	}
	// The rest a line at a time, so that segments keep their size.
	for len(lines) > 0 {
		n, size := 0, int64(0)
		room := int64(0)
		if s.tail != nil {
			room = s.segBytes - s.segs[len(s.segs)-1].size
		}
		for n < len(lines) && (n == 0 || size+int64(len(lines[n]))+1 <= room) {
			size += int64(len(lines[n])) + 1
			n++
		}
		if err := s.write(lines[:n]); err != nil {
			return first, 0, err
		}
		lines = lines[n:]
	}
	if s.tail != nil {
		if err := s.tail.Sync(); err != nil {
			return first, 0, fmt.Errorf("spool: %w", err)
		}
	}
	var dropped int64
	for s.bytes > s.maxBytes && len(s.segs) > 0 {
		n, err := s.dropOldest()
		dropped += n
		if err != nil {
			return first, dropped, err
		}
	}
	return first, dropped, nil
}

// write appends lines to the last segment, or to a new one when they do
// not fit in it.
func (s *spool) write(lines []string) error {
	var buf []byte
	for _, l := range lines {
		buf = append(buf, l...)
		buf = append(buf, '\n')
	}
	size := int64(len(buf))
	if s.tail == nil || s.segs[len(s.segs)-1].size > 0 && s.segs[len(s.segs)-1].size+size > s.segBytes {
		if err := s.roll(); err != nil {
			return err
		}
	}
	last := s.segs[len(s.segs)-1]
	if _, err := s.tail.Write(buf); err != nil {
		// A part of them may be on disk: cut it off, so that the file
		// ends with a whole line.
		_ = s.tail.Truncate(last.size)
		return fmt.Errorf("spool: %w", err)
	}
	last.size += size
	last.lines += int64(len(lines))
	s.bytes += size
	s.lines += int64(len(lines))
	return nil
}

// roll closes the last segment and starts a new one.
func (s *spool) roll() error {
	if s.tail != nil {
		if err := s.tail.Sync(); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		if err := s.tail.Close(); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		s.tail = nil
	}
	seq := s.nextSeq
	f, err := os.OpenFile(s.path(seq), os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.nextSeq++
	if err := syncDir(s.dir); err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	s.tail = f
	if len(s.segs) == 0 {
		s.readOff = 0
	}
	s.segs = append(s.segs, &segment{seq: seq})
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// dropOldest deletes the oldest segment and returns how many of its lines
// were never acknowledged. A chunk of it in flight becomes void.
func (s *spool) dropOldest() (int64, error) {
	g := s.segs[0]
	unread := g.lines - g.readLines
	if s.inflight != nil && s.inflight.seq == g.seq {
		s.inflight.void = true
		s.inflight = nil
	}
	if err := s.remove(); err != nil {
		return unread, err
	}
	s.lines -= unread
	return unread, s.writeCursor()
}

// remove deletes segs[0].
func (s *spool) remove() error {
	g := s.segs[0]
	if len(s.segs) == 1 && s.tail != nil {
		if err := s.tail.Close(); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		s.tail = nil
	}
	s.segs = s.segs[1:]
	s.bytes -= g.size
	s.readOff = 0
	if err := os.Remove(s.path(g.seq)); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

// next reads up to max lines from the read position, within the oldest
// segment, and hands them out as the chunk in flight. It returns no lines
// when the spool is empty.
func (s *spool) next(max int) ([]string, *chunk, error) {
	if s.inflight != nil {
		return nil, nil, errors.New("spool: a chunk is already in flight")
	}
	if len(s.segs) == 0 {
		return nil, nil, nil
	}
	g := s.segs[0]
	f, err := os.Open(s.path(g.seq))
	if err != nil {
		return nil, nil, fmt.Errorf("spool: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(io.NewSectionReader(f, s.readOff, g.size-s.readOff), 1<<16)
	var lines []string
	end := s.readOff
	for len(lines) < max {
		l, err := r.ReadString('\n')
		if err == io.EOF {
			break // only whole lines count: size ends at a newline
		}
		if err != nil {
			return nil, nil, fmt.Errorf("spool: %w", err)
		}
		end += int64(len(l))
		lines = append(lines, l[:len(l)-1])
	}
	if len(lines) == 0 {
		return nil, nil, fmt.Errorf("spool: segment %s has no line at offset %d of %d", segmentName(g.seq), s.readOff, g.size)
	}
	c := &chunk{seq: g.seq, off: s.readOff, end: end, lines: int64(len(lines))}
	s.inflight = c
	return lines, c, nil
}

// ack marks the chunk in flight as written: the read position moves past
// it, and a segment read to its end is deleted.
func (s *spool) ack(c *chunk) error {
	if s.inflight == c {
		s.inflight = nil
	}
	if c.void {
		return nil
	}
	if len(s.segs) == 0 || s.segs[0].seq != c.seq || s.readOff != c.off {
		return fmt.Errorf("spool: acknowledged chunk %d@%d is not at the read position", c.seq, c.off)
	}
	g := s.segs[0]
	s.readOff = c.end
	g.readLines += c.lines
	s.lines -= c.lines
	if s.readOff >= g.size {
		if err := s.remove(); err != nil {
			return err
		}
	}
	return s.writeCursor()
}

// release gives back the chunk in flight unsent: it is read again next.
func (s *spool) release(c *chunk) {
	if s.inflight == c {
		s.inflight = nil
	}
}

// close closes the open segment; everything in it is already on disk.
func (s *spool) close() error {
	if s.tail == nil {
		return nil
	}
	err := s.tail.Close()
	s.tail = nil
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}
