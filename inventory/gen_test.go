package inventory_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"feedplan/inventory"
)

// generated caches parsed sites by size, so that the tests that look at
// the same 20,000-device site generate and parse it once.
var generated sync.Map // devices → func() (*inventory.Site, error)

func generate(t testing.TB, devices int) *inventory.Site {
	t.Helper()
	f, _ := generated.LoadOrStore(devices, sync.OnceValues(func() (*inventory.Site, error) {
		var buf bytes.Buffer
		if err := inventory.Generate(&buf, inventory.GenOptions{Devices: devices, Seed: 1}); err != nil {
			return nil, fmt.Errorf("Generate(%d): %v", devices, err)
		}
		site, err := inventory.Parse("gen.yaml", buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("Parse(Generate(%d)): %v", devices, firstLines(err.Error(), 10))
		}
		return site, nil
	}))
	site, err := f.(func() (*inventory.Site, error))()
	if err != nil {
		t.Fatal(err)
	}
	return site
}

// firstLines keeps a long error list readable.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines[n] = "…"
	}
	return strings.Join(lines, "\n")
}

var pduName = regexp.MustCompile(`^r[0-9]{4,}-[abs]$`)

func TestGenerate(t *testing.T) {
	for _, n := range []int{1, 7, 1000, 20000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			site := generate(t, n)
			if got := len(site.Devices); got != n {
				t.Errorf("Generate(%d) = %d devices; want %d", n, got, n)
			}
			if len(site.Sources) != 2 || len(site.PDUs) < 2 || len(site.Circuits) < 2 || len(site.Services) == 0 || len(site.Jobs) == 0 {
				t.Errorf("Generate(%d) = %d sources, %d PDUs, %d circuits, %d services, %d jobs; want 2 sources and some of each",
					n, len(site.Sources), len(site.PDUs), len(site.Circuits), len(site.Services), len(site.Jobs))
			}
			for _, p := range site.PDUs {
				if !pduName.MatchString(p.Name) {
					t.Errorf("Generate(%d): pdu %q; want a name like r0001-a", n, p.Name)
				}
				if p.Outlets != 24 && p.Outlets != 42 {
					t.Errorf("Generate(%d): pdu %q has %d outlets; want 24 or 42", n, p.Name, p.Outlets)
				}
				if !strings.HasPrefix(p.Name, p.Rack+"-") {
					t.Errorf("Generate(%d): pdu %q is in rack %q; want the rack of its name", n, p.Name, p.Rack)
				}
				for _, b := range p.Banks {
					if b.Outlets.From < 1 || b.Outlets.To > p.Outlets {
						t.Errorf("Generate(%d): pdu %q bank %q has outlets %s; want within 1-%d", n, p.Name, b.Name, b.Outlets, p.Outlets)
					}
				}
			}
			for _, d := range site.Devices {
				for i, pl := range d.PSUs {
					if pl.Unplugged() {
						continue
					}
					if p := site.PDU(pl.PDU); p == nil || pl.Outlet < 1 || pl.Outlet > p.Outlets {
						t.Errorf("Generate(%d): device %q psu%d on %s; want an outlet of a defined PDU", n, d.Name, i+1, pl)
					}
				}
			}
			for _, a := range site.ATS {
				feed := func(circuit string) string { return site.SourceOf(site.Panel(site.Circuit(circuit).Panel)).Name }
				if feed(a.Inputs[0]) != "A" || feed(a.Inputs[1]) != "B" {
					t.Errorf("Generate(%d): ats %q has inputs %v; want one A-side and one B-side circuit", n, a.Name, a.Inputs)
				}
			}
		})
	}
}

// TestGenerateSmallSizes loads every small site: the first rack's ATS,
// the first row's panels and the hot rack 7 come and go at these sizes.
func TestGenerateSmallSizes(t *testing.T) {
	for n := 1; n <= 200; n++ {
		var buf bytes.Buffer
		if err := inventory.Generate(&buf, inventory.GenOptions{Devices: n, Seed: int64(n)}); err != nil {
			t.Fatalf("Generate(%d): %v", n, err)
		}
		site, err := inventory.Parse("gen.yaml", buf.Bytes())
		if err != nil {
			t.Fatalf("Parse(Generate(%d)): %v", n, firstLines(err.Error(), 10))
		}
		if got := len(site.Devices); got != n {
			t.Errorf("Generate(%d) = %d devices; want %d", n, got, n)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	gen := func(seed int64) []byte {
		var buf bytes.Buffer
		if err := inventory.Generate(&buf, inventory.GenOptions{Devices: 1000, Seed: seed}); err != nil {
			t.Fatalf("Generate(1000, seed %d): %v", seed, err)
		}
		return buf.Bytes()
	}
	a, b, c := gen(1), gen(1), gen(2)
	if !bytes.Equal(a, b) {
		t.Errorf("Generate(1000, seed 1) twice gives different bytes; want the same")
	}
	if bytes.Equal(a, c) {
		t.Errorf("Generate(1000, seed 1) and Generate(1000, seed 2) are the same; want different sites")
	}
}

func TestGenerateOptions(t *testing.T) {
	var buf bytes.Buffer
	if err := inventory.Generate(&buf, inventory.GenOptions{}); err != nil {
		t.Fatalf("Generate(GenOptions{}): %v", err)
	}
	site, err := inventory.Parse("gen.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("Parse(Generate(GenOptions{})): %v", firstLines(err.Error(), 10))
	}
	if len(site.Devices) != 1000 || site.Name != "synthetic" {
		t.Errorf("Generate(GenOptions{}) = %d devices, site %q; want 1000, \"synthetic\"", len(site.Devices), site.Name)
	}

	buf.Reset()
	if err := inventory.Generate(&buf, inventory.GenOptions{Devices: 3, Name: `hall 2: "north"`}); err != nil {
		t.Fatalf("Generate(3, quoted name): %v", err)
	}
	if site, err := inventory.Parse("gen.yaml", buf.Bytes()); err != nil || site.Name != `hall 2: "north"` {
		t.Errorf("Parse(Generate(name %q)) = %v; want the name back", `hall 2: "north"`, err)
	}

	if err := inventory.Generate(&buf, inventory.GenOptions{Devices: -1}); err == nil {
		t.Errorf("Generate(-1) = nil error; want an error")
	}
	want := errors.New("disk full")
	if err := inventory.Generate(failingWriter{want}, inventory.GenOptions{Devices: 5000}); !errors.Is(err, want) {
		t.Errorf("Generate(to a failing writer) = %v; want %v", err, want)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestGenerateMistakes checks that the real-world cabling mistakes are in.
func TestGenerateMistakes(t *testing.T) {
	site := generate(t, 20000)
	feedOf := func(pdu string) string {
		if c := site.Circuit(site.PDU(pdu).Inlet); c != nil {
			return site.SourceOf(site.Panel(c.Panel)).Name
		}
		return "ATS"
	}
	panelOf := func(pdu string) string {
		if c := site.Circuit(site.PDU(pdu).Inlet); c != nil {
			return c.Panel
		}
		return ""
	}
	var bothA, unplugged, samePanel, singleCorded int
	for _, d := range site.Devices {
		switch {
		case len(d.PSUs) == 1:
			singleCorded++
		case len(d.PSUs) == 2 && (d.PSUs[0].Unplugged() || d.PSUs[1].Unplugged()):
			unplugged++
		case len(d.PSUs) == 2 && feedOf(d.PSUs[0].PDU) == "A" && feedOf(d.PSUs[1].PDU) == "A":
			bothA++
		}
		if len(d.PSUs) == 2 && !d.PSUs[0].Unplugged() && !d.PSUs[1].Unplugged() &&
			d.PSUs[0].PDU != d.PSUs[1].PDU && panelOf(d.PSUs[0].PDU) != "" && panelOf(d.PSUs[0].PDU) == panelOf(d.PSUs[1].PDU) {
			samePanel++
		}
	}
	t.Logf("20000 devices: %d with both PSUs on feed A, %d with an unplugged PSU, %d on two PDUs of one panel, %d single-corded",
		bothA, unplugged, samePanel, singleCorded)
	for _, c := range []struct {
		what string
		n    int
	}{
		{"devices with both PSUs on A-side PDUs", bothA},
		{"devices with an unplugged PSU", unplugged},
		{"devices on two PDUs fed from one panel", samePanel},
	} {
		if c.n == 0 || c.n > 200 {
			t.Errorf("Generate(20000) has %d %s; want a few (1-200)", c.n, c.what)
		}
	}
}

// TestGenerateLoads checks that the site is loaded like a real one: each
// side of a circuit carries 30-45 % normally, losing feed A takes the B
// side to 60-90 %, and a handful of circuits go over.
func TestGenerateLoads(t *testing.T) {
	site := generate(t, 20000)
	normal := circuitLoads(site, "")
	failover := circuitLoads(site, "A")

	atsInput := map[string]bool{}
	for _, a := range site.ATS {
		atsInput[a.Inputs[0]], atsInput[a.Inputs[1]] = true, true
	}
	var normalPct, failPct []float64
	over := 0
	for _, c := range site.Circuits {
		if site.SourceOf(site.Panel(c.Panel)).Name != "B" || atsInput[c.Name] {
			continue
		}
		n, f := normal[c.Name]/c.Amps, failover[c.Name]/c.Amps
		normalPct = append(normalPct, n)
		failPct = append(failPct, f)
		if f > 1 {
			over++
		}
	}
	slices.Sort(normalPct)
	slices.Sort(failPct)
	pct := func(s []float64, q float64) float64 { return 100 * s[int(q*float64(len(s)-1))] }
	t.Logf("B-side circuits, %% of rating (min/p10/median/p90/max): normal %.0f/%.0f/%.0f/%.0f/%.0f, A lost %.0f/%.0f/%.0f/%.0f/%.0f; %d of %d over 100 %%",
		pct(normalPct, 0), pct(normalPct, .1), pct(normalPct, .5), pct(normalPct, .9), pct(normalPct, 1),
		pct(failPct, 0), pct(failPct, .1), pct(failPct, .5), pct(failPct, .9), pct(failPct, 1), over, len(failPct))
	if p10, p90 := pct(normalPct, .1), pct(normalPct, .9); p10 < 25 || p90 > 48 {
		t.Errorf("Generate(20000): B-side circuits at %.0f-%.0f %% (p10-p90) normally; want within 25-48 %%", p10, p90)
	}
	if p10, p90 := pct(failPct, .1), pct(failPct, .9); p10 < 55 || p90 > 95 {
		t.Errorf("Generate(20000): B-side circuits at %.0f-%.0f %% (p10-p90) with feed A lost; want within 55-95 %%", p10, p90)
	}
	if limit := len(failPct) / 20; over == 0 || over > limit {
		t.Errorf("Generate(20000): %d B-side circuits over 100 %% with feed A lost; want 1-%d", over, limit)
	}
}

// circuitLoads returns the highest phase current of each circuit, in A,
// with feed cut lost (none when cut is ""): the planner's physics in
// miniature — nameplate × utilisation split over the live supplies, ATS
// units transferring.
func circuitLoads(site *inventory.Site, cut string) map[string]float64 {
	live := func(c *inventory.Circuit) bool { return site.SourceOf(site.Panel(c.Panel)).Name != cut }
	// feed returns the circuit a PDU draws from now, or nil when it is dark.
	feed := func(p *inventory.PDU) *inventory.Circuit {
		if c := site.Circuit(p.Inlet); c != nil {
			if live(c) {
				return c
			}
			return nil
		}
		a := site.ATSUnit(p.Inlet)
		pref, other := site.Circuit(a.Preferred), site.Circuit(a.Inputs[0])
		if other == pref {
			other = site.Circuit(a.Inputs[1])
		}
		switch {
		case live(pref):
			return pref
		case live(other):
			return other
		}
		return nil
	}
	phase := make(map[string]*[3]float64)
	for _, d := range site.Devices {
		var on []inventory.Plug
		for _, pl := range d.PSUs {
			if !pl.Unplugged() && feed(site.PDU(pl.PDU)) != nil {
				on = append(on, pl)
			}
		}
		if len(on) < d.MinPSUs || len(on) == 0 {
			continue
		}
		for _, pl := range on {
			p := site.PDU(pl.PDU)
			c := feed(p)
			ph := c.Phase
			if c.Phases == 3 {
				ph = p.BankOf(pl.Outlet).Phase
			}
			if phase[c.Name] == nil {
				phase[c.Name] = new([3]float64)
			}
			phase[c.Name][ph-1] += d.Watts * site.Utilisation / (p.Volts * d.PF) / float64(len(on))
		}
	}
	out := make(map[string]float64, len(phase))
	for name, l := range phase {
		out[name] = slices.Max(l[:])
	}
	return out
}
