package inventory_test

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"feedplan/inventory"
)

const benchDevices = 50000

// site50k is a generated 50,000-device site, made once for all benchmarks.
var site50k = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	err := inventory.Generate(&buf, inventory.GenOptions{Devices: benchDevices, Seed: 1})
	return buf.Bytes(), err
})

func BenchmarkGenerate50k(b *testing.B) {
	data, err := site50k()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := inventory.Generate(io.Discard, inventory.GenOptions{Devices: benchDevices, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad50k parses and validates a 50,000-device site: the cost of
// starting feedplan on a large site.
func BenchmarkLoad50k(b *testing.B) {
	data, err := site50k()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	n := 0
	for b.Loop() {
		site, err := inventory.Parse("site50k.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(site.Devices) != benchDevices {
			b.Fatalf("Parse(50k site) = %d devices; want %d", len(site.Devices), benchDevices)
		}
		n++
	}
	b.ReportMetric(float64(n*benchDevices)/b.Elapsed().Seconds(), "devices/s")
}
