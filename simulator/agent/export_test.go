package agent

import (
	"net/netip"
	"time"
)

// HandlePacket exposes the socket-free packet handler to the black-box
// tests, the fuzz test and the benchmarks.
func (a *Agent) HandlePacket(pkt []byte, src netip.AddrPort) ([]byte, time.Duration) {
	return a.handle(pkt, src)
}

// SetClock pins the agent's clock and restarts snmpEngineTime from it.
func (a *Agent) SetClock(now func() time.Time) {
	a.now = now
	a.engine.mu.Lock()
	a.engine.start = now()
	a.engine.mu.Unlock()
}
