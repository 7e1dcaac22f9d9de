package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Window is a planned maintenance window: the alerts its Matchers match
// are silenced from Start (inclusive) to End (exclusive).
type Window struct {
	ID        string
	Start     time.Time
	End       time.Time
	Reason    string
	Matchers  []Matcher // all must match
	CreatedBy string
}

// Matcher matches one attribute of an alert by Name: equal to Value, or
// matching it as a regular expression when Regex.
type Matcher struct {
	Name  string
	Value string
	Regex bool
}

// PutWindow stores w, replacing the window with the same ID.
func (s *Store) PutWindow(w Window) error {
	switch {
	case w.ID == "":
		return errors.New("store: putting window: ID is empty")
	case w.Start.IsZero() || w.End.IsZero():
		return fmt.Errorf("store: putting window %q: Start or End is zero", w.ID)
	case !w.End.After(w.Start):
		return fmt.Errorf("store: putting window %q: End %s is not after Start %s", w.ID, w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339))
	}
	data, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("store: putting window %q: %w", w.ID, err)
	}
	return s.update(fmt.Sprintf("putting window %q", w.ID), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWindows).Put([]byte(w.ID), data)
	})
}

// DeleteWindow removes window id; ErrNotFound when there is none.
func (s *Store) DeleteWindow(id string) error {
	return s.update(fmt.Sprintf("deleting window %q", id), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWindows)
		if b.Get([]byte(id)) == nil {
			return ErrNotFound
		}
		return b.Delete([]byte(id))
	})
}

// Windows returns the windows active at t (Start <= t < End), by Start
// then ID.
func (s *Store) Windows(at time.Time) ([]Window, error) {
	all, err := s.AllWindows()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(w Window) bool {
		return at.Before(w.Start) || !at.Before(w.End)
	}), nil
}

// AllWindows returns every stored window, past, active and future, by
// Start then ID.
func (s *Store) AllWindows() ([]Window, error) {
	var out []Window
	err := s.view("reading windows", func(tx *bolt.Tx) error {
		var err error
		out, err = all[Window](tx.Bucket(bucketWindows))
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Window) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}
