package atstest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Entry is one audit record: who did what to which ATS, when, and how it
// went.
type Entry struct {
	Time     time.Time `json:"time"`
	Operator string    `json:"operator"`          // who: "alice@ops-1"
	Action   string    `json:"action"`            // "ats-test"
	Step     string    `json:"step"`              // refused, start, set-preferred, transferred, no-transfer, back, not-back, done
	Site     string    `json:"site"`              //
	ATS      string    `json:"ats"`               //
	Input    string    `json:"input,omitempty"`   // set-preferred, transferred, back: the input circuit
	Forced   bool      `json:"forced,omitempty"`  // preconditions overridden with --force
	Reason   string    `json:"reason,omitempty"`  // the operator's reason for forcing
	Outcome  string    `json:"outcome"`           // ok, error, passed, failed, refused
	Detail   string    `json:"detail,omitempty"`  // what happened, for people
	TookMS   float64   `json:"took_ms,omitempty"` // transferred, back: time to transfer

	// 'feedplan plan run' (Action "plan-run") fills these too.
	Plan   string `json:"plan,omitempty"`    // the plan file
	StepID string `json:"step_id,omitempty"` // the runbook step: "outlet-off/web-3"
	Device string `json:"device,omitempty"`  // the device the step is about
	Outlet string `json:"outlet,omitempty"`  // "pdu:outlet" switched or refused
	Target string `json:"target,omitempty"`  // what was acted on: a command, a URL (credentials hidden), an SNMP agent, a queue
}

// AuditLog appends entries to a JSON-lines file, one line each, and
// fsyncs every entry before Write returns: an entry Write acknowledged
// survives a kill -9 or a power cut. A line torn by a crash in the middle
// of a write is never acknowledged; NewAuditLog cuts it off before it
// appends, and ReadAudit ignores it.
type AuditLog struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// NewAuditLog opens (or creates) the audit file at path for appending.
func NewAuditLog(path string) (*AuditLog, error) {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	if err := cutTornTail(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		// A new file is durable once its directory entry is.
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit log %s: %w", path, err)
		}
	}
	return &AuditLog{f: f, path: path}, nil
}

// cutTornTail truncates the file after its last newline: what follows it
// is a line a crash tore, which was never acknowledged. Appending after it
// would glue the next entry onto it.
func cutTornTail(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	end := fi.Size()
	const chunk = 4096
	buf := make([]byte, chunk)
	for pos := end; pos > 0; {
		n := int64(chunk)
		if pos < n {
			n = pos
		}
		pos -= n
		if _, err := f.ReadAt(buf[:n], pos); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := pos + int64(i) + 1
			if keep == end {
				return nil
			}
			return truncate(f, keep)
		}
	}
	if end == 0 {
		return nil
	}
	return truncate(f, 0)
}

func truncate(f *os.File, size int64) error {
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("cutting off a torn last line: %w", err)
	}
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Write appends one entry and fsyncs it.
func (l *AuditLog) Write(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fmt.Errorf("audit log %s: closed", l.path)
	}
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	return nil
}

// Close closes the file.
func (l *AuditLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// ReadAudit reads every entry of an audit file. A last line without its
// newline is one a crash tore, and is ignored; any other line that does
// not decode is an error naming it.
func ReadAudit(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	var out []Entry
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return out, nil // a torn last line, or nothing
		}
		if err != nil {
			return out, fmt.Errorf("audit log %s: %w", path, err)
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			return out, fmt.Errorf("audit log %s:%d: %w", path, n, err)
		}
		out = append(out, e)
	}
}
