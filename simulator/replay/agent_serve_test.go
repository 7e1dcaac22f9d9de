package replay

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

// serveAgent serves tables with the real simulator/agent (v2c by
// community). serve switches to it by calling it instead of standInAgent.
func serveAgent(t testing.TB, tables map[string]*mib.Table) string {
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
