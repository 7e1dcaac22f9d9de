package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ATSTestRecord is the result of one ATS switchover test.
type ATSTestRecord struct {
	ATS        string
	Started    time.Time
	Finished   time.Time
	Passed     bool
	Reason     string // why it failed or was refused; empty when it passed
	TransferMS int64  // time to switch to the other input
	BackMS     int64  // time to switch back
	DryRun     bool
}

// RecordATSTest appends r to the tests of r.ATS, keyed by r.Started.
func (s *Store) RecordATSTest(r ATSTestRecord) error {
	switch {
	case r.ATS == "":
		return errors.New("store: recording ATS test: ATS is empty")
	case r.Started.IsZero():
		return fmt.Errorf("store: recording ATS test of %q: Started is zero", r.ATS)
	}
	return s.update(fmt.Sprintf("recording ATS test of %q", r.ATS), func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketATSTests).CreateBucketIfNotExists([]byte(r.ATS))
		if err != nil {
			return err
		}
		_, err = putTimed(b, r.Started, r)
		return err
	})
}

// LastATSTest returns the latest test of ats (by Started); ok is false
// when it was never tested.
func (s *Store) LastATSTest(ats string) (r ATSTestRecord, ok bool, err error) {
	rs, err := s.ATSTests(ats, 1)
	if err != nil || len(rs) == 0 {
		return ATSTestRecord{}, false, err
	}
	return rs[0], true, nil
}

// ATSTests returns the tests of ats, newest first, at most limit (<= 0:
// all).
func (s *Store) ATSTests(ats string, limit int) ([]ATSTestRecord, error) {
	var out []ATSTestRecord
	err := s.view(fmt.Sprintf("reading ATS tests of %q", ats), func(tx *bolt.Tx) error {
		var err error
		out, err = latest[ATSTestRecord](tx.Bucket(bucketATSTests).Bucket([]byte(ats)), time.Time{}, limit)
		return err
	})
	return out, err
}
