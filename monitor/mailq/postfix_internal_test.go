package mailq

import (
	"testing"
	"time"
)

func TestPace(t *testing.T) {
	tests := []struct {
		rate  float64
		size  int
		every time.Duration
	}{
		{600, 10, time.Second},
		{60, 1, time.Second},
		{90, 2, 1333333333},
		{6, 1, 10 * time.Second},
		{0.5, 1, 2 * time.Minute},
		{0, maxBatch, 0},
		{1e9, maxBatch, 30 * time.Microsecond},
	}
	for _, tt := range tests {
		size, every := pace(tt.rate)
		if size != tt.size || every != tt.every {
			t.Errorf("pace(%g) = %d every %v; want %d every %v", tt.rate, size, every, tt.size, tt.every)
		}
		// Never faster than the rate: size messages per every.
		if tt.rate > 0 && float64(size)/every.Minutes() > tt.rate*1.000001 {
			t.Errorf("pace(%g) = %d every %v: %g a minute", tt.rate, size, every, float64(size)/every.Minutes())
		}
	}
}

// FuzzParsePostqueue feeds parsePostqueue anything: it never panics, and
// what it accepts counts each listed queue ID once, each a valid ID.
func FuzzParsePostqueue(f *testing.F) {
	f.Add([]byte(`{"queue_name": "hold", "queue_id": "4A1F2B3C", "arrival_time": 1700000000, "recipients": [{"address": "a@b"}]}` + "\n"))
	f.Add([]byte(`{"queue_name": "deferred", "queue_id": "X1"}` + "\n" + `{"queue_name": "active", "queue_id": "X1"}` + "\n"))
	f.Add([]byte("\n\n{\"queue_name\": \"incoming\", \"queue_id\": \"Z\", \"arrival_time\": -1e400}\r\n"))
	f.Add([]byte(`{"queue_name": "hold", "queue_id": "ALL"}`))
	f.Add([]byte("{\"queue_name\": \"hold\", \"queue_id\": \"\xff\xfe\"}"))
	f.Add([]byte("null\n[]\n\"x\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, err := parsePostqueue(data)
		if err != nil {
			if msgs != nil {
				t.Errorf("parsePostqueue() = %d messages and error %v; want none with an error", len(msgs), err)
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range msgs {
			if !isQueueID(m.id) || seen[m.id] || m.arrival < 0 {
				t.Errorf("parsePostqueue() accepted %+v (seen before: %v)", m, seen[m.id])
			}
			seen[m.id] = true
		}
		st := count(msgs)
		if st.Total() != len(msgs) {
			t.Errorf("count() total %d; want %d", st.Total(), len(msgs))
		}
	})
}
