package inventory_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"feedplan/inventory"
)

// FuzzParse checks that Parse never panics and keeps its contract: either a
// site and no error, or no site and an *Errors whose every entry names the
// file and a line of it. Crashers found so far are kept as seeds in
// testdata/fuzz/FuzzParse, which go test replays.
func FuzzParse(f *testing.F) {
	f.Add([]byte(siteYAML(nil)))
	f.Add([]byte(secretSite))
	f.Add([]byte(siteYAML(map[string]string{"pdus": `
  - name: r02-s
    inlet: ats1
    outlets: 6
    banks: [{name: L1, outlets: 1-3, amps: 16, phase: 1}, {outlets: 4-6}]
    snmp: {address: 192.0.2.10, version: 3, user: u, auth: SHA, auth_key: 12345678}
`, "ats": `
  - {name: ats2, inputs: [A-2, B-2], preferred: b, amps: 32, test: {date: 2026-01-31, result: passed}}
`})))
	f.Add([]byte(siteYAML(map[string]string{"panels": `
  - {name: P1, panel: P2}
  - {name: P2, panel: P1}
`, "services": `
  - {name: s1, min: 50%, depends_on: [s2]}
  - {name: s2, depends_on: [s1]}
`})))
	f.Add([]byte(siteYAML(map[string]string{"jobs": `
  - {name: j, cron: "61 * * * *", tz: Mars/Base, device: db9, deferrable: yes}
`, "mail_queues": `
  - {name: q, device: mx1, lifetime: 1e300d, rate: -1}
`})))
	f.Add([]byte("site: lab\nsources: [&a {name: A}]\npanels: [{name: P, source: *a}]\nx: [*a, *a]\n"))
	f.Add([]byte("site: lab\nsources:\n  - name: A\n    volts: .nan\n    amps: 1e400\n  -\n"))
	f.Add([]byte("site: lab\nutilisation: !!float nan\nsources: [{name: A, amps: !!float inf}]\njobs: [{deferrable: !!bool maybe}]\n"))
	f.Add([]byte("site: [lab\n"))
	f.Add([]byte("site: lab\n---\nsite: other\n"))
	f.Add([]byte(""))

	f.Fuzz(func(t *testing.T, data []byte) {
		site, err := inventory.Parse("fuzz.yaml", data)
		if err == nil {
			if site == nil {
				t.Fatal("Parse() = nil site and nil error")
			}
			checkSite(t, site)
			return
		}
		if site != nil {
			t.Fatalf("Parse() = a site and error %q; want one or the other", err)
		}
		var errs *inventory.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("Parse() error = %T %q; want an *inventory.Errors", err, err)
		}
		if len(errs.List) == 0 {
			t.Fatal("Parse() error is an empty *inventory.Errors")
		}
		lines := yamlLines(data)
		for i, e := range errs.List {
			if e.File != "fuzz.yaml" || e.Line < 0 || e.Line > lines || e.Msg == "" {
				t.Errorf("Parse() error %d = %q (line %d of %d); want fuzz.yaml, a line of the file and a message", i, e, e.Line, lines)
			}
			if i > 0 && e.Line < errs.List[i-1].Line {
				t.Errorf("Parse() errors out of line order: %d before %d", errs.List[i-1].Line, e.Line)
			}
			if !strings.HasPrefix(e.Error(), "fuzz.yaml") {
				t.Errorf("Parse() error %d = %q; want it to start with the file name", i, e)
			}
		}
	})
}

// yamlLines counts the lines of data as YAML does: LF, CR, CRLF, NEL, LS
// and PS each end one. For UTF-16 (which starts with a byte order mark) it
// returns the byte count, a bound that is enough.
func yamlLines(data []byte) int {
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return len(data)
	}
	lf := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n").Replace(string(data))
	return strings.Count(lf, "\n") + 1
}

// checkSite checks what validation promises of a site it accepted.
func checkSite(t *testing.T, site *inventory.Site) {
	t.Helper()
	if !(site.Utilisation > 0 && site.Utilisation <= 1) { // NaN too
		t.Errorf("accepted utilisation %g", site.Utilisation)
	}
	for _, c := range site.Circuits {
		if !(c.Amps >= 0) || !(c.Volts >= 0) || math.IsInf(c.Amps+c.Volts, 0) {
			t.Errorf("accepted circuit %q of %g A, %g V", c.Name, c.Amps, c.Volts)
		}
	}
	for _, p := range site.PDUs {
		if !(p.Amps >= 0) || !(p.Volts >= 0) || math.IsInf(p.Amps+p.Volts, 0) {
			t.Errorf("accepted pdu %q of %g A, %g V", p.Name, p.Amps, p.Volts)
		}
		if site.PDU(p.Name) != p {
			t.Errorf("PDU(%q) is not the PDU of that name", p.Name)
		}
		if p.Phases != 1 && p.Phases != 3 || len(p.Banks) == 0 || p.Outlets < 1 {
			t.Errorf("accepted pdu %q with %d phase(s), %d banks, %d outlets", p.Name, p.Phases, len(p.Banks), p.Outlets)
		}
		for n := 1; n <= p.Outlets; n++ {
			if p.BankOf(n) == nil {
				t.Errorf("accepted pdu %q whose outlet %d is in no bank", p.Name, n)
			}
		}
	}
	for _, d := range site.Devices {
		if d.MinPSUs < 1 || !(d.PF >= 0.3 && d.PF <= 1) || !(d.Watts >= 0) {
			t.Errorf("accepted device %q with min_psus %d, pf %g", d.Name, d.MinPSUs, d.PF)
		}
		for _, plug := range d.PSUs {
			if p := site.PDU(plug.PDU); !plug.Unplugged() && (p == nil || plug.Outlet < 1 || plug.Outlet > p.Outlets) {
				t.Errorf("accepted device %q on %s", d.Name, plug)
			}
		}
	}
	for _, j := range site.Jobs {
		if _, err := j.Schedule(); err != nil {
			t.Errorf("accepted job %q whose schedule fails: %v", j.Name, err)
		}
	}
	for _, q := range site.MailQueues {
		if d, err := inventory.ParseLifetime(q.Lifetime); err != nil || d <= 0 {
			t.Errorf("accepted mail queue %q with lifetime %q = %v, %v", q.Name, q.Lifetime, d, err)
		}
	}
}
