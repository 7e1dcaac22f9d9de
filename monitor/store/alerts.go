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

// Alert event kinds.
const (
	Fired    = "fired"
	Resolved = "resolved"
)

// AlertEvent is one transition of an alert: it fired or it resolved.
type AlertEvent struct {
	ID       string // rule/key; RecordAlert sets it from Rule and Key when empty
	Rule     string
	Key      string
	Severity string
	Summary  string
	Kind     string    // Fired or Resolved
	At       time.Time // when it fired or resolved
	Labels   map[string]string
}

// RecordAlert appends ev to the alert history and updates the active set:
// a fired event makes (or keeps) the alert active, carrying its latest
// fields; a resolved one removes it unless the stored firing is newer.
func (s *Store) RecordAlert(ev AlertEvent) error {
	if ev.ID == "" && ev.Rule != "" {
		ev.ID = ev.Rule + "/" + ev.Key
	}
	if err := ev.validate(); err != nil {
		return fmt.Errorf("store: recording alert %q: %w", ev.ID, err)
	}
	return s.update(fmt.Sprintf("recording alert %q %s", ev.ID, ev.Kind), func(tx *bolt.Tx) error {
		if _, err := putTimed(tx.Bucket(bucketAlertLog), ev.At, ev); err != nil {
			return err
		}
		h, err := tx.Bucket(bucketAlertHistory).CreateBucketIfNotExists([]byte(ev.ID))
		if err != nil {
			return err
		}
		if _, err := putTimed(h, ev.At, ev); err != nil {
			return err
		}
		active := tx.Bucket(bucketAlertActive)
		if ev.Kind == Fired {
			data, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			return active.Put([]byte(ev.ID), data)
		}
		if v := active.Get([]byte(ev.ID)); v != nil {
			var cur AlertEvent
			if err := json.Unmarshal(v, &cur); err != nil {
				return fmt.Errorf("decoding active alert: %w", err)
			}
			if cur.At.After(ev.At) {
				return nil // a resolution older than the firing it would clear
			}
		}
		return active.Delete([]byte(ev.ID))
	})
}

func (ev AlertEvent) validate() error {
	switch {
	case ev.ID == "":
		return errors.New("ID and Rule are empty")
	case ev.Kind != Fired && ev.Kind != Resolved:
		return fmt.Errorf("kind %q is neither %q nor %q", ev.Kind, Fired, Resolved)
	case ev.At.IsZero():
		return errors.New("At is zero")
	}
	return nil
}

// ActiveAlerts returns the alerts fired and not yet resolved, as their
// latest fired event, oldest first (ties by ID).
func (s *Store) ActiveAlerts() ([]AlertEvent, error) {
	var out []AlertEvent
	err := s.view("reading active alerts", func(tx *bolt.Tx) error {
		var err error
		out, err = all[AlertEvent](tx.Bucket(bucketAlertActive))
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b AlertEvent) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// AlertHistory returns the events of alert id, newest first, at most
// limit (<= 0: all).
func (s *Store) AlertHistory(id string, limit int) ([]AlertEvent, error) {
	var out []AlertEvent
	err := s.view(fmt.Sprintf("reading history of alert %q", id), func(tx *bolt.Tx) error {
		var err error
		out, err = latest[AlertEvent](tx.Bucket(bucketAlertHistory).Bucket([]byte(id)), time.Time{}, limit)
		return err
	})
	return out, err
}

// RecentAlerts returns the events of every alert at or after since (zero:
// from the start), newest first, at most limit (<= 0: all).
func (s *Store) RecentAlerts(since time.Time, limit int) ([]AlertEvent, error) {
	var out []AlertEvent
	err := s.view("reading recent alerts", func(tx *bolt.Tx) error {
		var err error
		out, err = latest[AlertEvent](tx.Bucket(bucketAlertLog), since, limit)
		return err
	})
	return out, err
}
