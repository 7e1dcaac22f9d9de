package replay

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

// serve serves tables with the real simulator/agent, each under its
// community (v2c), on a free loopback port, and returns its address; it
// stops when the test ends.
func serve(t testing.TB, tables map[string]*mib.Table) string {
	t.Helper()
	a, err := agent.New(agent.Options{
		Resolve: func(community, context string) (mib.View, bool) {
			tab, ok := tables[community]
			return tab, ok && context == ""
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent: %v", err)
		}
	})
	return a.Addr().String()
}
