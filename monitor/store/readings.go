package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketReadings keeps recent history when no InfluxDB is configured:
// timeKey -> Snapshot, the oldest pruned past a bound.
var bucketReadings = []byte("readings")

// Snapshot is one poll cycle's readings, compact: per device its phase
// currents (A) and total power (W), and whether it answered.
type Snapshot struct {
	At      time.Time         `json:"at"`
	Devices []DeviceReading   `json:"devices"`
	Extra   map[string]string `json:"extra,omitempty"`
}

// DeviceReading is one device in a Snapshot.
type DeviceReading struct {
	Device    string    `json:"device"`
	OK        bool      `json:"ok"`
	PhaseAmps []float64 `json:"phase_amps,omitempty"`
	Watts     *float64  `json:"watts,omitempty"`
	ATSOn     string    `json:"ats_on,omitempty"` // for an ATS: "A" or "B"
}

// RecordReadings appends a cycle's readings and keeps at most keep of them
// (the oldest go first); keep <= 0 keeps 1,000.
func (s *Store) RecordReadings(snap Snapshot, keep int) error {
	if keep <= 0 {
		keep = 1000
	}
	return s.update("recording readings", func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketReadings)
		if err != nil {
			return err
		}
		if _, err := putTimed(b, snap.At, snap); err != nil {
			return err
		}
		n := 0
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		for ; n > keep; n-- {
			k, _ := b.Cursor().First()
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// Readings returns the recorded cycles at or after since, newest first, at
// most limit (<= 0: all).
func (s *Store) Readings(since time.Time, limit int) ([]Snapshot, error) {
	var out []Snapshot
	err := s.view("reading readings", func(tx *bolt.Tx) error {
		var err error
		out, err = latest[Snapshot](tx.Bucket(bucketReadings), since, limit)
		return err
	})
	return out, err
}
