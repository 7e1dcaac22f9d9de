// Package simtest serves a simulated site for tests, as 'feedplan sim
// --per-device' does: every PDU and ATS on its own inventory loopback
// address, at one free port, answering its inventory community and SNMPv3
// user. Pollers under test reach a device at its inventory address and
// that port.
package simtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"

	"feedplan/simulator"
	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

// ServePerDevice starts one SNMP agent per device of m and returns the
// port they share; they stop when the test ends.
func ServePerDevice(tb testing.TB, m *simulator.Model) int {
	tb.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	eps, err := m.Endpoints(port)
	if err != nil {
		tb.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	var done []chan struct{}
	tb.Cleanup(func() {
		cancel()
		for _, d := range done {
			<-d
		}
	})
	for _, ep := range eps {
		v, _ := m.Device(ep.Device)
		ag, err := agent.New(agent.Options{Listen: ep.Addr, Users: ep.Users(nil), Logger: quiet,
			Resolve: func(string, string) (mib.View, bool) { return v, true }})
		if err != nil {
			tb.Fatalf("serving %s at %s: %v", ep.Device, ep.Addr, err)
		}
		d := make(chan struct{})
		done = append(done, d)
		go func() { ag.Run(ctx); close(d) }()
	}
	return port
}
