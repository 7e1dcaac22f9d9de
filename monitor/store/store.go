package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrNotFound is returned by DeleteWindow for an ID that is not stored.
var ErrNotFound = errors.New("not found")

// lockTimeout bounds how long Open waits for another process holding the
// file (bbolt takes an exclusive flock); the kernel drops the lock of a
// killed process, so only a live second monitor can hold it.
const lockTimeout = 5 * time.Second

// Bucket names. Alert history and ATS tests have one nested bucket per
// alert ID / ATS name under their top-level bucket.
var (
	bucketAlertLog     = []byte("alert_log")     // timeKey -> AlertEvent, every event
	bucketAlertHistory = []byte("alert_history") // ID / timeKey -> AlertEvent
	bucketAlertActive  = []byte("alert_active")  // ID -> AlertEvent (last fired)
	bucketATSTests     = []byte("ats_tests")     // ATS / timeKey -> ATSTestRecord
	bucketWindows      = []byte("windows")       // ID -> Window
	bucketAudit        = []byte("audit")         // timeKey -> AuditEntry
)

// Options configures Open.
type Options struct {
	Logger *slog.Logger // required
}

// Store is an open embedded database. It is safe for concurrent use.
type Store struct {
	db  *bolt.DB
	log *slog.Logger
}

// Open opens the database at path, creating the file (mode 0600) and its
// buckets if needed. The parent directory must exist.
func Open(path string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		return nil, errors.New("store: Options.Logger is nil")
	}
	if path == "" {
		return nil, errors.New("store: path is empty")
	}
	start := time.Now()
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: lockTimeout,
		NoSync:  false, // the default, spelled out: commit fsyncs, that is the acknowledgement
	})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("store %q: another process holds the file (waited %s): %w", path, lockTimeout, err)
		}
		return nil, fmt.Errorf("store %q: opening: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketAlertLog, bucketAlertHistory, bucketAlertActive, bucketATSTests, bucketWindows, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating bucket %q: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store %q: %w", path, err)
	}
	log := opts.Logger.With("store", path)
	log.Debug("store opened", "duration", time.Since(start))
	return &Store{db: db, log: log}, nil
}

// Close closes the database; it waits for running transactions.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store %q: closing: %w", s.db.Path(), err)
	}
	return nil
}

// timeKey orders by t, then by seq: 8 big-endian bytes of t.UnixNano()
// with the sign bit flipped (so instants before 1970 sort first), then 8
// big-endian bytes of seq.
func timeKey(t time.Time, seq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k[:8], uint64(t.UnixNano())^(1<<63))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// putTimed appends v to b under timeKey(t, next sequence of b) and returns
// the sequence.
func putTimed(b *bolt.Bucket, t time.Time, v any) (uint64, error) {
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	return seq, b.Put(timeKey(t, seq), data)
}

// all decodes every value of b, in key order.
func all[T any](b *bolt.Bucket) ([]T, error) {
	var out []T
	err := b.ForEach(func(k, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return fmt.Errorf("decoding %q: %w", k, err)
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// latest decodes the values of b newest first, stopping at keys before
// since (zero: no bound) and after limit values (<= 0: no limit).
func latest[T any](b *bolt.Bucket, since time.Time, limit int) ([]T, error) {
	var out []T
	if b == nil {
		return out, nil
	}
	var floor []byte
	if !since.IsZero() {
		floor = timeKey(since, 0)
	}
	c := b.Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if limit > 0 && len(out) >= limit {
			break
		}
		if floor != nil && string(k) < string(floor) {
			break
		}
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, fmt.Errorf("decoding key %x: %w", k, err)
		}
		out = append(out, x)
	}
	return out, nil
}

// update runs fn in one read-write transaction; it returns after the
// commit is fsync'd.
func (s *Store) update(what string, fn func(tx *bolt.Tx) error) error {
	if err := s.db.Update(fn); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

func (s *Store) view(what string, fn func(tx *bolt.Tx) error) error {
	if err := s.db.View(fn); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}
