package planner_test

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/planner"
)

// The benchmark site: 50,000 devices (≈100k supplies, 5,000 PDUs, 200k
// outlets), generated once per process.
var (
	benchOnce sync.Once
	benchSite *inventory.Site
)

func bigSite(b *testing.B) *inventory.Site {
	benchOnce.Do(func() { benchSite = generated(b, 50000, 1) })
	return benchSite
}

func bigEvaluator(b *testing.B) *planner.Evaluator {
	site := bigSite(b)
	g := planner.NewGraph(site)
	return planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
}

// BenchmarkWhatIf50k is one what-if (cut feed A) with its full report.
func BenchmarkWhatIf50k(b *testing.B) {
	ev := bigEvaluator(b)
	sc := cut("source:A")
	b.ResetTimer()
	for b.Loop() {
		if _, err := ev.Evaluate(sc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWhatIfPDU50k is one what-if that fails a single PDU.
func BenchmarkWhatIfPDU50k(b *testing.B) {
	ev := bigEvaluator(b)
	sc := cut("pdu:r0100-a")
	b.ResetTimer()
	for b.Loop() {
		if _, err := ev.Evaluate(sc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweep50k is the whole N-1 sweep (sources, panels, circuits,
// ATS, PDUs and banks), incremental and in parallel.
func BenchmarkSweep50k(b *testing.B) {
	ev := bigEvaluator(b)
	b.ResetTimer()
	for b.Loop() {
		im := ev.Sweep(planner.Scenario{}, planner.SweepOptions{})
		b.ReportMetric(float64(len(im)), "elements")
	}
}

// BenchmarkSweepNaive50k is the peer to beat: a full re-evaluation per
// element. It evaluates every 25th element and reports the time the whole
// sweep would take as est-s/sweep.
func BenchmarkSweepNaive50k(b *testing.B) {
	ev := bigEvaluator(b)
	elems := ev.Graph().Elements(false)
	const every = 25
	b.ResetTimer()
	for b.Loop() {
		for i := 0; i < len(elems); i += every {
			if _, err := ev.ImpactOf(elems[i], planner.Scenario{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	perSample := b.Elapsed().Seconds() / float64(b.N) / float64((len(elems)+every-1)/every)
	b.ReportMetric(perSample*float64(len(elems)), "est-s/sweep")
}

// BenchmarkGraph50k compiles the graph and the baseline, and reports the
// heap the evaluator holds.
func BenchmarkGraph50k(b *testing.B) {
	site := bigSite(b)
	b.ResetTimer()
	var ev *planner.Evaluator
	for b.Loop() {
		g := planner.NewGraph(site)
		ev = planner.NewEvaluator(g, g.NewLoads(nil, site.Utilisation))
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	runtime.KeepAlive(ev)
}

// BenchmarkFlow50k is the evaluation of cutting feed A (cascade
// included) without the report: what the simulator pays per change.
func BenchmarkFlow50k(b *testing.B) {
	ev := bigEvaluator(b)
	sc := cut("source:A")
	b.ResetTimer()
	for b.Loop() {
		if _, err := ev.Flow(sc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan50k is a maintenance plan for cutting feed A on the 50k
// site, planned ahead (no poll): the window evaluated with its
// power-down, shed proposals, jobs, the runbook.
func BenchmarkPlan50k(b *testing.B) {
	ev := bigEvaluator(b)
	start := time.Date(2026, 11, 27, 20, 30, 0, 0, time.UTC)
	req := planner.PlanRequest{Scenario: cut("source:A"), Start: start, End: start.Add(10 * time.Hour), SkipPreflight: true, Now: start.Add(-24 * time.Hour)}
	b.ResetTimer()
	for b.Loop() {
		p, err := ev.Plan(req)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(p.Steps)), "steps")
	}
}
