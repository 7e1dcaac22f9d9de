package planner_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"feedplan/inventory"
	"feedplan/planner"
)

func generated(t testing.TB, devices int, seed int64) *inventory.Site {
	t.Helper()
	var buf bytes.Buffer
	if err := inventory.Generate(&buf, inventory.GenOptions{Devices: devices, Seed: seed}); err != nil {
		t.Fatalf("Generate(%d): %v", devices, err)
	}
	site, err := inventory.Parse("generated.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("Parse(generated %d): %v", devices, err)
	}
	return site
}

// TestSweepMatchesFullEvaluation checks the incremental sweep against a
// full evaluation of every single failure, outlets included, on generated
// sites (with their deliberate mistakes) and on the example site.
func TestSweepMatchesFullEvaluation(t *testing.T) {
	sites := map[string]*inventory.Site{}
	for _, n := range []int{60, 700} {
		sites[fmt.Sprintf("generated-%d", n)] = generated(t, n, int64(n))
	}
	example, err := inventory.Load("../examples/site.yaml")
	if err != nil {
		t.Fatalf("Load(example): %v", err)
	}
	sites["example"] = example
	for name, site := range sites {
		for _, mode := range []planner.ATSMode{planner.Works, planner.Fails, planner.AsTested} {
			t.Run(name+"/"+mode.String(), func(t *testing.T) {
				g := planner.NewGraph(site)
				ev := planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
				tmpl := planner.Scenario{ATS: mode}
				sweep := ev.Sweep(tmpl, planner.SweepOptions{Outlets: true, Workers: 2})
				if len(sweep) != g.Size() {
					t.Fatalf("Sweep swept %d elements; want %d", len(sweep), g.Size())
				}
				harmful := 0
				for _, got := range sweep {
					want, err := ev.ImpactOf(got.Element, tmpl)
					if err != nil {
						t.Fatal(err)
					}
					if got.Harmful() {
						harmful++
					}
					if msg := diffImpact(got, want); msg != "" {
						t.Errorf("Sweep(%s) differs from Evaluate: %s", got.Element, msg)
					}
				}
				if harmful == 0 {
					t.Errorf("Sweep found no harmful single failure; the sites have single-corded gear, so want some")
				}
			})
		}
	}
}

func diffImpact(got, want planner.Impact) string {
	switch {
	case !slices.Equal(got.Down, want.Down):
		return fmt.Sprintf("down %v; want %v", got.Down, want.Down)
	case got.RedundancyLost != want.RedundancyLost:
		return fmt.Sprintf("redundancy lost %d; want %d", got.RedundancyLost, want.RedundancyLost)
	case !slices.Equal(got.ServicesBelow, want.ServicesBelow):
		return fmt.Sprintf("services below min %v; want %v", got.ServicesBelow, want.ServicesBelow)
	case got.Trips != want.Trips:
		return fmt.Sprintf("trips %d; want %d", got.Trips, want.Trips)
	case !slices.Equal(got.Relied, want.Relied):
		return fmt.Sprintf("ATS relied on %v; want %v", got.Relied, want.Relied)
	case !slices.Equal(got.NoTransfer, want.NoTransfer):
		return fmt.Sprintf("ATS not transferring %v; want %v", got.NoTransfer, want.NoTransfer)
	case (got.Worst == nil) != (want.Worst == nil):
		return fmt.Sprintf("worst %+v; want %+v", got.Worst, want.Worst)
	case got.Worst != nil && (got.Worst.After != want.Worst.After || got.Worst.Share() != want.Worst.Share()):
		return fmt.Sprintf("worst %+v; want %+v", *got.Worst, *want.Worst)
	}
	return ""
}
