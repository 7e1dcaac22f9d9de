package agent

import (
	"net/netip"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := newLimiter(2) // 2/s, bursts of 4
	a, b := netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		addr netip.Addr
		want bool
	}{
		{0, a, true}, {0, a, true}, {0, a, true}, {0, a, true}, // the burst
		{0, a, false},
		{0, b, true}, // its own bucket
		{499 * time.Millisecond, a, false},
		{500 * time.Millisecond, a, true}, // one token per half second
		{500 * time.Millisecond, a, false},
		{time.Hour, a, true}, {time.Hour, a, true}, {time.Hour, a, true}, {time.Hour, a, true}, // full again, not more
		{time.Hour, a, false},
	}
	for i, s := range steps {
		if got := l.allow(s.addr, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: allow(%v, +%v) = %v; want %v", i+1, s.addr, s.at, got, s.want)
		}
	}

	slow := newLimiter(0.1) // a burst below one request still lets one through
	if !slow.allow(a, t0) || slow.allow(a, t0) || !slow.allow(a, t0.Add(10*time.Second)) {
		t.Error("a limiter of 0.1/s does not allow one request every 10 s")
	}
}

func TestLimiterForgetsFullBuckets(t *testing.T) {
	l := newLimiter(1)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range maxBuckets + 10 {
		addr := netip.AddrFrom4([4]byte{127, 1, byte(i >> 8), byte(i)})
		l.allow(addr, t0.Add(time.Duration(i)*time.Second))
	}
	if n := len(l.buckets); n > maxBuckets {
		t.Errorf("%d buckets after %d sources, most of them idle; want at most %d", n, maxBuckets+10, maxBuckets)
	}
}
