package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AuditEntry is one action taken by a person or by the monitor itself.
type AuditEntry struct {
	Seq     uint64 // set by Audit: strictly increasing, never reused once acknowledged
	At      time.Time
	Who     string // "alice", "cron", ...
	Action  string // "ats-test", "window-put", ...
	Target  string // the equipment or object acted on
	DryRun  bool
	Outcome string // "ok", "refused", "failed", ...
	Detail  string
}

// Audit appends e and returns its sequence number once the entry is
// committed to disk. e.Seq is ignored.
func (s *Store) Audit(e AuditEntry) (uint64, error) {
	switch {
	case e.At.IsZero():
		return 0, fmt.Errorf("store: auditing %q on %q: At is zero", e.Action, e.Target)
	case e.Action == "":
		return 0, errors.New("store: auditing: Action is empty")
	}
	var seq uint64
	err := s.update(fmt.Sprintf("auditing %q on %q", e.Action, e.Target), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		var err error
		if seq, err = b.NextSequence(); err != nil {
			return err
		}
		e.Seq = seq
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(timeKey(e.At, seq), data)
	})
	if err != nil {
		return 0, err
	}
	return seq, nil
}

// AuditLog returns the entries at or after since (zero: from the start),
// newest first, at most limit (<= 0: all).
func (s *Store) AuditLog(since time.Time, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.view("reading audit log", func(tx *bolt.Tx) error {
		var err error
		out, err = latest[AuditEntry](tx.Bucket(bucketAudit), since, limit)
		return err
	})
	return out, err
}
