package runbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// StateVersion is the version of the state file format.
const StateVersion = 1

// State is what a run of a plan has done so far, kept in a small JSON
// file next to the plan so that an interrupted run resumes where it
// stopped.
type State struct {
	Version int         `json:"version"`
	Plan    string      `json:"plan"`        // the plan file, as given
	PlanSHA string      `json:"plan_sha256"` // the plan file's digest: a state is only resumed for the same plan
	Site    string      `json:"site"`
	Updated time.Time   `json:"updated"`
	Steps   []StepState `json:"steps"`             // the steps done, in the order they were done
	Stopped *Stopped    `json:"stopped,omitempty"` // why the last run stopped before the end
	// Queues are the mail queues the run has held, by name. A state
	// written before this field loads with none.
	Queues map[string]*QueueState `json:"queues,omitempty"`
}

// QueueState is what a run knows of a mail queue it holds.
type QueueState struct {
	// PreHeld lists the queue IDs that were on hold before the window's
	// first hold (quarantined, held by an administrator): a release keeps
	// them on hold. Null when the adapter cannot tell (its hooks see to
	// it).
	PreHeld []string `json:"pre_held"`
	// RecordedBy is the hold step that recorded PreHeld, and when; empty
	// when none did (the first hold failed before it could tell): a
	// release then releases every held message.
	RecordedBy string    `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	// Held counts the messages held for the window, PreHeld not
	// included, at its last hold; -1 when the adapter does not tell. The
	// release's deadline is derived from it.
	Held int `json:"held"`
	// Released is when a release of the queue went to its end.
	Released time.Time `json:"released,omitzero"`
}

// recorded reports whether the queue's pre-window hold list is recorded.
func (q *QueueState) recorded() bool { return q != nil && q.RecordedBy != "" }

// heldQueues returns the records of the queues still held (not released
// to the end), for a state that starts over (--restart, or --from on a
// changed plan): what was on hold before the window is still true, and a
// new first hold would take the mail the last run held for mail held
// before the window. Nil-safe.
func (s *State) heldQueues() map[string]*QueueState {
	if s == nil {
		return nil
	}
	var out map[string]*QueueState
	for name, q := range s.Queues {
		if q != nil && q.Released.IsZero() {
			if out == nil {
				out = map[string]*QueueState{}
			}
			out[name] = q
		}
	}
	return out
}

// StepState is one step done.
type StepState struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Outcome string    `json:"outcome"` // done, confirmed, auto-confirmed, forced, warning
	At      time.Time `json:"at"`
	Detail  string    `json:"detail,omitempty"`
}

// Stopped says where and why a run stopped.
type Stopped struct {
	Step    string    `json:"step"`
	Outcome string    `json:"outcome"` // failed, refused, declined, interrupted
	At      time.Time `json:"at"`
	Detail  string    `json:"detail,omitempty"`
}

// DefaultStateFile is the state file of a plan: PLAN.state.json beside
// PLAN.json.
func DefaultStateFile(planFile string) string {
	return strings.TrimSuffix(planFile, ".json") + ".state.json"
}

// done returns the record of a step done, if any.
func (s *State) done(id string) (StepState, bool) {
	for _, st := range s.Steps {
		if st.ID == id {
			return st, true
		}
	}
	return StepState{}, false
}

// ReadState reads a state file; a missing file is a nil State and no
// error.
func ReadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if s.Version != StateVersion {
		return nil, fmt.Errorf("state file %s: version %d; this feedplan reads version %d", path, s.Version, StateVersion)
	}
	for name, q := range s.Queues {
		if q == nil {
			delete(s.Queues, name)
		}
	}
	return &s, nil
}

// WriteState replaces the state file atomically (see WriteFile): a crash
// leaves the old state or the new one, never half of one.
func WriteState(path string, s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err == nil {
		err = WriteFile(path, append(b, '\n'), 0o640)
	}
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	return nil
}

// WriteFile writes a file whole or not at all: a temporary file in the
// same directory, with perm, fsynced, renamed over path, and the directory
// fsynced so that the rename survives a power cut too.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary name means nothing to the reader
		}
		return fmt.Errorf("creating a file in %s: %w", dir, err)
	}
	tmp := f.Name()
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing its directory: %w", err)
	}
	return nil
}
