package runbook

import (
	"encoding/json"
	"errors"
	"fmt"
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
	return &s, nil
}

// WriteState replaces the state file atomically: a temporary file in the
// same directory, fsynced, renamed over the old one, and the directory
// fsynced. A crash leaves the old state or the new one, never half of
// one.
func WriteState(path string, s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("state file %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o640); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("state file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("state file %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("state file %s: syncing its directory: %w", path, err)
	}
	return nil
}
