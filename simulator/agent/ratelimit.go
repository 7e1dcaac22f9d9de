package agent

import (
	"net/netip"
	"time"
)

// limiter is a token bucket per source address. Only the goroutine that
// reads the socket uses it.
type limiter struct {
	rate, burst float64
	buckets     map[netip.Addr]*bucket
	sweepAt     int // map size that triggers forgetting full buckets
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets is the map size from which full buckets are forgotten.
const maxBuckets = 4096

func newLimiter(rate float64) *limiter {
	return &limiter{rate: rate, burst: max(2*rate, 1), buckets: map[netip.Addr]*bucket{}, sweepAt: maxBuckets}
}

// allow takes a token from addr's bucket at now, if it has one.
func (l *limiter) allow(addr netip.Addr, now time.Time) bool {
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= l.sweepAt {
			l.forget(now)
			l.sweepAt = max(maxBuckets, 2*len(l.buckets))
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[addr] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forget drops the buckets that have refilled: a new one would be the same.
func (l *limiter) forget(now time.Time) {
	for a, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, a)
		}
	}
}
