package inventory_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
)

// baseSections is a small valid site, one top-level key at a time: two
// feeds, an ATS, three PDUs in one rack, two devices, two services, a mail
// queue and a job. siteYAML renders it with items added to its sections.
var baseSections = []struct{ key, items string }{
	{"site", " lab\n"},
	{"sources", `
  - {name: A, kind: ups}
  - {name: B, kind: ups}
`},
	{"panels", `
  - {name: PA, source: A}
  - {name: PB, source: B}
`},
	{"circuits", `
  - {name: A-1, panel: PA, amps: 16}
  - {name: B-1, panel: PB, amps: 16}
  - {name: A-2, panel: PA, amps: 32}
  - {name: B-2, panel: PB, amps: 32}
`},
	{"ats", `
  - {name: ats1, inputs: [A-2, B-2], amps: 32}
`},
	{"racks", `
  - {name: r01, row: "1"}
`},
	{"pdus", `
  - {name: r01-a, rack: r01, inlet: A-1, outlets: 8}
  - {name: r01-b, rack: r01, inlet: B-1, outlets: 8}
  - {name: r01-s, rack: r01, inlet: ats1, outlets: 8}
`},
	{"devices", `
  - {name: web1, rack: r01, psus: [r01-a:3, r01-b:3], watts: 300, services: [web]}
  - {name: mx1, rack: r01, psus: [r01-s:1], watts: 200, services: [mail]}
`},
	{"services", `
  - {name: web}
  - {name: mail, depends_on: [web]}
`},
	{"mail_queues", `
  - {name: mx1-postfix, device: mx1}
`},
	{"jobs", `
  - {name: backup, cron: "0 2 * * *", device: web1}
`},
}

// siteYAML renders the base site, with add[key] written after the items of
// section key (after the site line for "site": more top-level keys).
func siteYAML(add map[string]string) string {
	var b strings.Builder
	for _, s := range baseSections {
		b.WriteString(s.key + ":" + s.items + strings.TrimPrefix(add[s.key], "\n"))
	}
	return b.String()
}

// marker ends the line on which a test wants its error.
const marker = "# ←"

// lineOf returns the 1-based number of the first line of text that
// contains sub, or 0 when none does.
func lineOf(text, sub string) int {
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, sub) {
			return i + 1
		}
	}
	return 0
}

// parseErrors parses text as site.yaml and returns its problems; it fails
// the test unless Parse returned a nil site and an *inventory.Errors.
func parseErrors(t *testing.T, text string) []*inventory.Error {
	t.Helper()
	site, err := inventory.Parse("site.yaml", []byte(text))
	if err == nil {
		t.Fatalf("Parse() error = nil; want problems in:\n%s", text)
	}
	if site != nil {
		t.Errorf("Parse() site = %p with error %q; want a nil site", site, err)
	}
	var errs *inventory.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse() error = %T %q; want an *inventory.Errors", err, err)
	}
	return errs.List
}

func TestParseValidBaseSite(t *testing.T) {
	text := siteYAML(nil)
	site, err := inventory.Parse("site.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse(base site) error = %q; want none in:\n%s", err, text)
	}
	if site == nil {
		t.Fatal("Parse(base site) = nil site and no error")
	}
	if got := len(site.Devices); got != 2 {
		t.Errorf("Parse(base site) has %d devices; want 2", got)
	}
}

// TestParseBadInput has one case per class of mistake. Every case is the
// base site plus one mistake: it yields exactly one error, on the line
// marked "# ←" (line 0, the file as a whole, when nothing is marked).
func TestParseBadInput(t *testing.T) {
	firstA1 := lineOf(siteYAML(nil), "{name: A-1,")
	tests := []struct {
		name   string
		yaml   string
		object string // `circuit "B-12"`; "" for the file as a whole
		msg    string // a key phrase of the message
	}{
		{
			name: "unknown key",
			yaml: siteYAML(map[string]string{"circuits": `
  - {name: A-3, panel: PA, amps: 16, comentt: spare}  # ←
`}),
			object: `circuit "A-3"`,
			msg:    `unknown key "comentt" (did you mean "comment"?)`,
		},
		{
			name: "unknown top-level key",
			yaml: siteYAML(map[string]string{"site": `
utilisaton: 0.5  # ←
`}),
			object: "",
			msg:    `unknown key "utilisaton" (did you mean "utilisation"?)`,
		},
		{
			name: "unknown key far from any",
			yaml: siteYAML(map[string]string{"racks": `
  - {name: r02, colour: blue}  # ←
`}),
			object: `rack "r02"`,
			msg:    `unknown key "colour" (known keys: comment, name, row)`,
		},
		{
			name: "string for a number",
			yaml: siteYAML(map[string]string{"circuits": `
  - {name: A-3, panel: PA, amps: sixteen}  # ←
`}),
			object: `circuit "A-3"`,
			msg:    `amps: "sixteen" is not a number`,
		},
		{
			name: "not a number tagged as a number",
			yaml: siteYAML(map[string]string{"site": `
utilisation: !!float nan  # ←
`}),
			object: "",
			msg:    `utilisation: "nan" is not a number`,
		},
		{
			name: "infinity",
			yaml: siteYAML(map[string]string{"devices": `
  - {name: db1, psus: [r01-a:4], watts: .inf}  # ←
`}),
			object: `device "db1"`,
			msg:    `watts: ".inf" is not a number`,
		},
		{
			name: "number out of range",
			yaml: siteYAML(map[string]string{"circuits": `
  - {name: A-3, panel: PA, amps: 1e400}  # ←
`}),
			object: `circuit "A-3"`,
			msg:    `amps: "1e400" is not a number`,
		},
		{
			name: "whole number out of range",
			yaml: siteYAML(map[string]string{"pdus": `
  - {name: r02-s, inlet: ats1, outlets: 99999999999999999999}  # ←
`}),
			object: `pdu "r02-s"`,
			msg:    `outlets: "99999999999999999999" is not a whole number`,
		},
		{
			name: "circuit on a phase a single-phase source lacks",
			yaml: siteYAML(map[string]string{"circuits": `
  - {name: A-9, panel: PA, amps: 16, phase: 2}  # ←
`}),
			object: `circuit "A-9"`,
			msg:    `phase 2: source "A" is single-phase`,
		},
		{
			name: "single-phase PDU on a three-phase circuit",
			yaml: siteYAML(map[string]string{"sources": `
  - {name: C, kind: ups, phases: 3}
`, "panels": `
  - {name: PC, source: C}
`, "circuits": `
  - {name: C-1, panel: PC, amps: 16, phases: 3}
`, "pdus": `
  - {name: r01-c, rack: r01, inlet: C-1, outlets: 8, phases: 1}  # ←
`}),
			object: `pdu "r01-c"`,
			msg:    `is single-phase but its inlet "C-1" is a three-phase circuit`,
		},
		{
			name: "negative outlets",
			yaml: siteYAML(map[string]string{"pdus": `
  - {name: r02-s, inlet: ats1, outlets: -8}  # ←
`}),
			object: `pdu "r02-s"`,
			msg:    `outlets -8: want at least 1`,
		},
		{
			name: "tagged as true or false but neither",
			yaml: siteYAML(map[string]string{"jobs": `
  - {name: vacuum, cron: "@daily", device: web1, deferrable: !!bool maybe}  # ←
`}),
			object: `job "vacuum"`,
			msg:    `deferrable: "maybe" is not true or false`,
		},
		{
			name: "decimal for a whole number",
			yaml: siteYAML(map[string]string{"pdus": `
  - {name: r02-s, inlet: ats1, outlets: 8.5}  # ←
`}),
			object: `pdu "r02-s"`,
			msg:    `outlets: "8.5" is not a whole number`,
		},
		{
			name: "list for a single value",
			yaml: siteYAML(map[string]string{"circuits": `
  - name: A-3
    panel: [PA, PB]  # ←
    amps: 16
`}),
			object: `circuit "A-3"`,
			msg:    `panel: want a single value, not a list`,
		},
		{
			name: "string for true or false",
			yaml: siteYAML(map[string]string{"jobs": `
  - {name: vacuum, cron: "@daily", device: web1, deferrable: yes}  # ←
`}),
			object: `job "vacuum"`,
			msg:    `deferrable: "yes" is not true or false`,
		},
		{
			name: "panel on undefined source",
			yaml: siteYAML(map[string]string{"panels": `
  - {name: PC, source: C}  # ←
`}),
			object: `panel "PC"`,
			msg:    `source "C" is not defined`,
		},
		{
			name: "circuit on undefined panel",
			yaml: siteYAML(map[string]string{"circuits": `
  - name: B-12
    panel: PB-3  # ←
    amps: 16
`}),
			object: `circuit "B-12"`,
			msg:    `panel "PB-3" is not defined`,
		},
		{
			name: "pdu on undefined inlet",
			yaml: siteYAML(map[string]string{"pdus": `
  - name: r02-a
    inlet: C-9  # ←
    outlets: 8
`}),
			object: `pdu "r02-a"`,
			msg:    `inlet "C-9" is neither a circuit nor an ATS`,
		},
		{
			name: "psu on undefined pdu",
			yaml: siteYAML(map[string]string{"devices": `
  - {name: db1, psus: [r09-a:1], watts: 100}  # ←
`}),
			object: `device "db1"`,
			msg:    `psu1 on r09-a:1: pdu "r09-a" is not defined`,
		},
		{
			name: "device provides undefined service",
			yaml: siteYAML(map[string]string{"devices": `
  - {name: db1, psus: [r01-a:4], watts: 100, services: [dns]}  # ←
`}),
			object: `device "db1"`,
			msg:    `service "dns" is not defined`,
		},
		{
			name: "service depends on undefined service",
			yaml: siteYAML(map[string]string{
				"devices": `
  - {name: cache1, psus: [r01-s:2], watts: 50, services: [cache]}
`,
				"services": `
  - {name: cache, depends_on: [dns]}  # ←
`}),
			object: `service "cache"`,
			msg:    `depends_on: service "dns" is not defined`,
		},
		{
			name: "job on undefined device",
			yaml: siteYAML(map[string]string{"jobs": `
  - {name: vacuum, cron: "@daily", device: db9}  # ←
`}),
			object: `job "vacuum"`,
			msg:    `device "db9" is not defined`,
		},
		{
			name: "job on undefined service",
			yaml: siteYAML(map[string]string{"jobs": `
  - {name: report, cron: "@weekly", service: dns}  # ←
`}),
			object: `job "report"`,
			msg:    `service "dns" is not defined`,
		},
		{
			name: "mail queue on undefined device",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - {name: mx9-postfix, device: mx9}  # ←
`}),
			object: `mail queue "mx9-postfix"`,
			msg:    `device "mx9" is not defined`,
		},
		{
			name: "mail queue of unknown kind",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - {name: mx1-exim, device: mx1, kind: exim}  # ←
`}),
			object: `mail queue "mx1-exim"`,
			msg:    `kind "exim": want postfix, command or http`,
		},
		{
			name: "mail queue with a negative rate",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-out
    device: mx1
    rate: -100  # ←
`}),
			object: `mail queue "mx1-out"`,
			msg:    `rate -100: want a positive number`,
		},
		{
			name: "mail queue with a bad lifetime",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-out
    device: mx1
    lifetime: 5 days  # ←
`}),
			object: `mail queue "mx1-out"`,
			msg:    `lifetime "5 days": want a duration such as 5d or 12h`,
		},
		{
			name: "mail queue with a negative release rate",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-out
    device: mx1
    release_rate: -600  # ←
`}),
			object: `mail queue "mx1-out"`,
			msg:    `release_rate -600: want a positive number`,
		},
		{
			name: "mail queue with a release rate that is not a number",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-out
    device: mx1
    release_rate: fast  # ←
`}),
			object: `mail queue "mx1-out"`,
			msg:    `release_rate`,
		},
		{
			name: "command mail queue without hold",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-exim  # ←
    device: mx1
    kind: command
    release: exim -qff
`}),
			object: `mail queue "mx1-exim"`,
			msg:    `kind command needs hold: a shell command`,
		},
		{
			name: "http mail queue without release",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - {name: mx1-api, device: mx1, kind: http, hold: "https://mx1.example.net/hold"}  # ←
`}),
			object: `mail queue "mx1-api"`,
			msg:    `kind http needs release: a URL`,
		},
		{
			name: "http mail queue with a hook that is not a URL",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-api
    device: mx1
    kind: http
    hold: https://mx1.example.net/hold
    release: ftp://mx1.example.net/release  # ←
`}),
			object: `mail queue "mx1-api"`,
			msg:    `release: want an http or https URL`,
		},
		{
			name: "http mail queue with ssh",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-api
    device: mx1
    kind: http
    ssh: mx1.example.net  # ←
    hold: https://mx1.example.net/hold
    release: https://mx1.example.net/release
`}),
			object: `mail queue "mx1-api"`,
			msg:    `ssh: only for kind postfix or command`,
		},
		{
			name: "http mail queue with a bad token_env",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-api
    device: mx1
    kind: http
    hold: https://mx1.example.net/hold
    release: https://mx1.example.net/release
    token_env: $MX_TOKEN  # ←
`}),
			object: `mail queue "mx1-api"`,
			msg:    `token_env "$MX_TOKEN": want the name of an environment variable`,
		},
		{
			name: "command mail queue with token_env",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-exim
    device: mx1
    kind: command
    hold: exim-hold
    release: exim-release
    token_env: MX_TOKEN  # ←
`}),
			object: `mail queue "mx1-exim"`,
			msg:    `token_env: only for kind http, not command`,
		},
		{
			name: "command mail queue with config_dir",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-exim
    device: mx1
    kind: command
    config_dir: /etc/exim4  # ←
    hold: exim-hold
    release: exim-release
`}),
			object: `mail queue "mx1-exim"`,
			msg:    `config_dir: only for kind postfix, not command`,
		},
		{
			name: "postfix mail queue with a hold command",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-out
    device: mx1
    hold: postsuper -h ALL  # ←
`}),
			object: `mail queue "mx1-out"`,
			msg:    `hold: only for kind command or http (postfix is held with postsuper), not postfix`,
		},
		{
			name: "postfix mail queue with an ssh option for a host",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-out
    device: mx1
    ssh: -oProxyCommand=x  # ←
`}),
			object: `mail queue "mx1-out"`,
			msg:    `ssh "-oProxyCommand=x": want a host`,
		},
		{
			name: "postfix mail queue with a relative config_dir",
			yaml: siteYAML(map[string]string{"mail_queues": `
  - name: mx1-out
    device: mx1
    config_dir: postfix-out  # ←
`}),
			object: `mail queue "mx1-out"`,
			msg:    `config_dir "postfix-out": want an absolute path`,
		},
		{
			name: "ats input undefined",
			yaml: siteYAML(map[string]string{"ats": `
  - {name: ats2, inputs: [A-2, C-9], amps: 32}  # ←
`}),
			object: `ats "ats2"`,
			msg:    `input circuit "C-9" is not defined`,
		},
		{
			name: "duplicate name",
			yaml: siteYAML(map[string]string{"circuits": `
  - {name: A-1, panel: PA, amps: 16}  # ←
`}),
			object: `circuit "A-1"`,
			msg:    fmt.Sprintf("defined twice (first at line %d)", firstA1),
		},
		{
			name: "outlet used twice",
			yaml: siteYAML(map[string]string{"devices": `
  - {name: db1, psus: [r01-a:3], watts: 100}  # ←
`}),
			object: `device "db1"`,
			msg:    `psu1 on r01-a:3: that outlet is already used by device "web1"`,
		},
		{
			name: "outlet beyond the pdu",
			yaml: siteYAML(map[string]string{"devices": `
  - {name: db1, psus: [r01-a:4, r01-b:9], watts: 100}  # ←
`}),
			object: `device "db1"`,
			msg:    `psu2 on r01-b:9: pdu "r01-b" has only 8 outlets`,
		},
		{
			name: "outlet zero",
			yaml: siteYAML(map[string]string{"devices": `
  - {name: db1, psus: [r01-a:0], watts: 100}  # ←
`}),
			object: `device "db1"`,
			msg:    `psus[0]: power supply "r01-a:0": outlet must be a number from 1`,
		},
		{
			name: "pdu with more outlets than any",
			yaml: siteYAML(map[string]string{"pdus": `
  - name: r02-s
    inlet: ats1
    outlets: 9000000000000000000  # ←
    banks: [{outlets: 1-8}]
`}),
			object: `pdu "r02-s"`,
			msg:    `outlets 9000000000000000000: want at most 1024`,
		},
		{
			name: "power chain loops",
			yaml: siteYAML(map[string]string{"panels": `
  - {name: P1, panel: P2}  # ←
  - {name: P2, panel: P1}
`}),
			object: `panel "P1"`,
			msg:    `the power chain loops: P1 ← P2 ← P1`,
		},
		{
			name: "power chain loops behind a tail",
			yaml: siteYAML(map[string]string{"panels": `
  - {name: P0, panel: P1}
  - {name: P1, panel: P2}  # ←
  - {name: P2, panel: P1}
  - {name: P3, panel: P0}
`}),
			object: `panel "P1"`,
			msg:    `the power chain loops: P0 ← P1 ← P2 ← P1`,
		},
		{
			name: "service dependencies loop",
			yaml: siteYAML(map[string]string{
				"devices": `
  - {name: app1, psus: [r01-s:2], watts: 50, services: [s1, s2]}
`,
				"services": `
  - {name: s1, depends_on: [s2]}
  - {name: s2, depends_on: [s1]}  # ←
`}),
			object: `service "s2"`,
			msg:    `depends_on loops: s1 → s2 → s1`,
		},
		{
			name: "long service dependency loop",
			yaml: siteYAML(map[string]string{
				"devices": `
  - {name: app1, psus: [r01-s:2], watts: 50, services: [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12]}
`,
				"services": `
  - {name: s1, depends_on: [s2]}
  - {name: s2, depends_on: [s3]}
  - {name: s3, depends_on: [s4]}
  - {name: s4, depends_on: [s5]}
  - {name: s5, depends_on: [s6]}
  - {name: s6, depends_on: [s7]}
  - {name: s7, depends_on: [s8]}
  - {name: s8, depends_on: [s9]}
  - {name: s9, depends_on: [s10]}
  - {name: s10, depends_on: [s11]}
  - {name: s11, depends_on: [s12]}
  - {name: s12, depends_on: [s1]}  # ←
`}),
			object: `service "s12"`,
			msg:    `depends_on loops: s1 → s2 → s3 → s4 → … 5 more … → s10 → s11 → s12 → s1`,
		},
		{
			name: "bad cron spec",
			yaml: siteYAML(map[string]string{"jobs": `
  - {name: vacuum, cron: "61 * * * *", device: web1}  # ←
`}),
			object: `job "vacuum"`,
			msg:    `cron "61 * * * *": `,
		},
		{
			name: "time zone in the cron spec",
			yaml: siteYAML(map[string]string{"jobs": `
  - {name: vacuum, cron: "CRON_TZ=Europe/Paris 0 3 * * *", device: web1}  # ←
`}),
			object: `job "vacuum"`,
			msg:    `put the time zone in tz, not in the spec`,
		},
		{
			name: "bad time zone",
			yaml: siteYAML(map[string]string{"jobs": `
  - name: vacuum
    cron: "0 3 * * *"
    tz: Mars/Olympus_Mons  # ←
    device: web1
`}),
			object: `job "vacuum"`,
			msg:    `tz "Mars/Olympus_Mons" is not a time zone`,
		},
		{
			name: "bad ats preferred input",
			yaml: siteYAML(map[string]string{"ats": `
  - name: ats2
    inputs: [A-2, B-2]
    preferred: C-9  # ←
    amps: 32
`}),
			object: `ats "ats2"`,
			msg:    `preferred "C-9" is not one of its inputs A-2, B-2`,
		},
		{
			name: "min_psus above psus",
			yaml: siteYAML(map[string]string{"devices": `
  - name: db1
    psus: [r01-a:4]
    min_psus: 2  # ←
    watts: 100
`}),
			object: `device "db1"`,
			msg:    `min_psus 2: it has only 1 power supply`,
		},
		{
			name: "banks overlap",
			yaml: siteYAML(map[string]string{"pdus": `
  - name: r02-s
    inlet: ats1
    outlets: 8
    banks:
      - {outlets: 1-4}
      - {outlets: 4-8}  # ←
`}),
			object: `pdu "r02-s" bank "2"`,
			msg:    `outlet 4 is also in bank "1"`,
		},
		{
			name: "banks leave a gap",
			yaml: siteYAML(map[string]string{"pdus": `
  - name: r02-s
    inlet: ats1
    outlets: 8
    banks:  # ←
      - {outlets: 1-4}
      - {outlets: 6-8}
`}),
			object: `pdu "r02-s"`,
			msg:    `outlet 5 is in no bank: banks must cover outlets 1-8`,
		},
		{
			name: "bank beyond the pdu",
			yaml: siteYAML(map[string]string{"pdus": `
  - name: r02-s
    inlet: ats1
    outlets: 8
    banks: [{name: L1, outlets: 1-8}, {name: L2, outlets: 9-16}]  # ←
`}),
			object: `pdu "r02-s" bank "L2"`,
			msg:    `outlets 9-16: the PDU has only 8`,
		},
		{
			name: "more banks than outlets",
			yaml: siteYAML(map[string]string{"pdus": `
  - name: r02-s
    inlet: ats1
    outlets: 2
    banks: [{outlets: 1}, {outlets: 2}, {outlets: 2}]  # ←
`}),
			object: `pdu "r02-s"`,
			msg:    `3 banks for 2 outlets`,
		},
		{
			name: "three-phase pdu on single-phase circuit",
			yaml: siteYAML(map[string]string{
				"circuits": `
  - {name: A-3, panel: PA, amps: 16}
`,
				"pdus": `
  - name: r02-a
    inlet: A-3
    outlets: 6
    phases: 3  # ←
    banks: [{outlets: 1-2}, {outlets: 3-4}, {outlets: 5-6}]
`}),
			object: `pdu "r02-a"`,
			msg:    `is three-phase but its inlet "A-3" is single-phase`,
		},
		{
			name: "snmp v3 without user",
			yaml: siteYAML(map[string]string{"pdus": `
  - name: r02-s
    inlet: ats1
    outlets: 8
    snmp:
      address: 192.0.2.10  # ←
      version: 3
`}),
			object: `pdu "r02-s"`,
			msg:    `snmp: version 3 needs a user`,
		},
		{
			name: "utilisation out of range",
			yaml: siteYAML(map[string]string{"site": `
utilisation: 1.5  # ←
`}),
			object: "",
			msg:    `utilisation 1.5: want a share of nameplate between 0 and 1`,
		},
		{
			name: "empty list item",
			yaml: siteYAML(map[string]string{"circuits": `
  -  # ←
`}),
			object: `circuit #5`,
			msg:    `empty item`,
		},
		{
			name: "merge key",
			yaml: siteYAML(map[string]string{"circuits": `
  - &c {name: A-3, panel: PA, amps: 16}
  - {<<: *c, name: A-4, panel: PA, amps: 16}  # ←
`}),
			object: `circuit "A-4"`,
			msg:    `merge keys (<<) are not supported`,
		},
		{
			name: "alias to a mapping as a single value",
			yaml: siteYAML(map[string]string{"circuits": `
  - &c {name: A-3, panel: PA, amps: 16}
  - {name: A-4, panel: *c, amps: 16}  # ←
`}),
			object: `circuit "A-4"`,
			msg:    `panel: want a single value, not a mapping`,
		},
		{
			name: "invalid yaml",
			yaml: siteYAML(map[string]string{"circuits": `
  - name: A-3
    panel: PA
   amps: 16  # ←
`}),
			object: "",
			msg:    `not valid YAML: `,
		},
		{
			name: "unclosed list",
			yaml: siteYAML(map[string]string{"circuits": `
  - {name: A-3, panel: PA, amps: [16}  # ←
`}),
			object: "",
			msg:    `not valid YAML: `,
		},
		{
			name: "tab in the indentation",
			yaml: siteYAML(map[string]string{"circuits": `
  - name: A-3
	panel: PA  # ←
`}),
			object: "",
			msg:    `not valid YAML: found a tab character`,
		},
		{
			name:   "empty file",
			yaml:   "",
			object: "",
			msg:    `the file is empty`,
		},
		{
			name:   "only comments",
			yaml:   "# site: lab\n\n",
			object: "",
			msg:    `the file is empty`,
		},
		{
			name:   "second document",
			yaml:   siteYAML(nil) + "---  # ←\nsite: other\n",
			object: "",
			msg:    `a second YAML document (---) follows`,
		},
		{
			name:   "second document not valid yaml",
			yaml:   siteYAML(nil) + "---\nsite: [other  # ←\n",
			object: "",
			msg:    `not valid YAML: `,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantLine := lineOf(tt.yaml, marker)
			errs := parseErrors(t, tt.yaml)
			if len(errs) != 1 {
				t.Fatalf("Parse(%s) = %d errors; want 1:\n%s", tt.name, len(errs), (&inventory.Errors{List: errs}).Error())
			}
			e := errs[0]
			if e.File != "site.yaml" || e.Line != wantLine {
				t.Errorf("Parse(%s) error at %s:%d; want site.yaml:%d (%q)", tt.name, e.File, e.Line, wantLine, e)
			}
			if e.Object != tt.object {
				t.Errorf("Parse(%s) error object = %q; want %q", tt.name, e.Object, tt.object)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Parse(%s) error = %q; want it to contain %q", tt.name, e.Msg, tt.msg)
			}
		})
	}
}

// TestParseLineBreaks checks that lines are counted alike whatever ends
// them: YAML takes CR, LF and CRLF as line breaks.
func TestParseLineBreaks(t *testing.T) {
	inputs := map[string]string{
		"undefined panel": siteYAML(map[string]string{"circuits": `
  - {name: B-12, panel: PB-3, amps: 16}  # ←
`}),
		"invalid yaml": siteYAML(map[string]string{"circuits": `
  - name: A-3
   panel: PA  # ←
`}),
	}
	for name, text := range inputs {
		want := lineOf(text, marker)
		for _, eol := range []string{"\n", "\r\n", "\r"} {
			errs := parseErrors(t, strings.ReplaceAll(text, "\n", eol))
			if len(errs) != 1 || errs[0].Line != want {
				t.Errorf("Parse(%s, lines ending in %q) = %q; want one error at line %d", name, eol, (&inventory.Errors{List: errs}).Error(), want)
			}
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *inventory.Error
		want string
	}{
		{"object", &inventory.Error{File: "site.yaml", Line: 41, Object: `circuit "B-12"`, Msg: `panel "PB-3" is not defined`},
			`site.yaml:41: circuit "B-12": panel "PB-3" is not defined`},
		{"whole file", &inventory.Error{File: "site.yaml", Msg: "the file is empty"},
			`site.yaml: the file is empty`},
		{"no object", &inventory.Error{File: "site.yaml", Line: 3, Msg: "not valid YAML: x"},
			`site.yaml:3: not valid YAML: x`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
	errs := &inventory.Errors{File: "site.yaml", List: []*inventory.Error{tests[1].err, tests[0].err}}
	if got, want := errs.Error(), tests[1].want+"\n"+tests[0].want; got != want {
		t.Errorf("Errors.Error() = %q; want %q", got, want)
	}
}

// TestParseReportsEveryError loads a file with five mistakes, on lines out
// of the order in which validation meets them.
func TestParseReportsEveryError(t *testing.T) {
	site, err := inventory.Load("testdata/five-problems.yaml")
	if site != nil {
		t.Errorf("Load(five-problems) site = %p; want nil", site)
	}
	var errs *inventory.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load(five-problems) error = %T %v; want an *inventory.Errors", err, err)
	}
	want := []struct {
		line   int
		object string
		msg    string
	}{
		{5, `job "nightly"`, `tz "Mars/Olympus_Mons" is not a time zone`},
		{18, `circuit "B-12"`, `panel "PB-3" is not defined`},
		{24, `pdu "r01-a"`, `unknown key "coment" (did you mean "comment"?)`},
		{35, `device "db1"`, `psu2 on r01-a:3: that outlet is already used by device "web1"`},
		{41, `service "web"`, `depends_on: service "dns" is not defined`},
	}
	if len(errs.List) != len(want) {
		t.Fatalf("Load(five-problems) = %d errors; want %d:\n%v", len(errs.List), len(want), err)
	}
	for i, w := range want {
		e := errs.List[i]
		if e.File != "testdata/five-problems.yaml" || e.Line != w.line || e.Object != w.object || !strings.Contains(e.Msg, w.msg) {
			t.Errorf("Load(five-problems) error %d = %q; want testdata/five-problems.yaml:%d: %s: …%s… (the path as given, so editors can jump to it)", i+1, e, w.line, w.object, w.msg)
		}
	}

	// errors.As reaches each *Error through Errors.Unwrap.
	var first *inventory.Error
	if !errors.As(err, &first) || first != errs.List[0] {
		t.Errorf("errors.As(Load(five-problems), *inventory.Error) = %v; want the first error %q", first, errs.List[0])
	}
	for i, e := range errs.List {
		if !errors.Is(err, e) {
			t.Errorf("errors.Is(Load(five-problems), error %d) = false; want true", i+1)
		}
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(want) || !strings.HasPrefix(lines[0], "testdata/five-problems.yaml:5: ") {
		t.Errorf("Load(five-problems).Error() = %q; want %d lines, the first at five-problems.yaml:5", err, len(want))
	}
}

func TestLoadMissingFile(t *testing.T) {
	site, err := inventory.Load("testdata/no-such-site.yaml")
	if site != nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing file) = %p, %v; want nil, an error wrapping fs.ErrNotExist", site, err)
	}
}

// TestParseAliasBomb checks that aliases cannot make a few kilobytes decode
// into millions of objects or gigabytes of text ("billion laughs").
func TestParseAliasBomb(t *testing.T) {
	const n = 1000
	head := "site: lab\n" +
		"sources: [{name: A}]\n" +
		"panels: [{name: P, source: A}]\n" +
		"circuits: [{name: C, panel: P, amps: 16}]\n"
	tests := []struct {
		name string
		yaml string
	}{
		{
			// Unbounded: a million banks, and as many errors.
			name: "1000 pdus of 1000 banks",
			yaml: head +
				"templates: [&b {outlets: 1-8}, &p {name: q, inlet: C, outlets: 8, banks: [" + strings.Repeat("*b, ", n-1) + "*b]}]\n" +
				"pdus: [" + strings.Repeat("*p, ", n-1) + "*p]  # ←\n",
		},
		{
			// Unbounded: 1000 errors quoting 100 kB each.
			name: "a long value 1000 times",
			yaml: head +
				"templates: [&long " + strings.Repeat("x", 100_000) + ":1]\n" +
				"devices: [{name: d, watts: 1, psus: [" + strings.Repeat("*long, ", n-1) + "*long]}]  # ←\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := parseErrors(t, tt.yaml)
			var found bool
			for _, e := range errs {
				if strings.Contains(e.Msg, "aliases expand to too many values") {
					found = true
					if want := lineOf(tt.yaml, marker); e.Line != want {
						t.Errorf("Parse(%s) error at line %d; want %d (the outermost alias): %q", tt.name, e.Line, want, e)
					}
				}
			}
			if !found {
				t.Errorf("Parse(%s) errors lack %q", tt.name, "aliases expand to too many values")
			}
			text := (&inventory.Errors{List: errs}).Error()
			if len(errs) > 10_000 || len(text) > 1<<20 {
				t.Errorf("Parse(%s) = %d errors, %d bytes of text; want the expansion cut short", tt.name, len(errs), len(text))
			}
		})
	}
}

// TestParseLongName checks that a long name, repeated in every error about
// its object, does not make the error text quadratic in the file.
func TestParseLongName(t *testing.T) {
	name := strings.Repeat("n", 100_000)
	text := siteYAML(map[string]string{"devices": `
  - {name: ` + name + `, watts: 1, psus: [` + strings.Repeat("r09-a:1, ", 999) + `r09-a:1]}
`})
	errs := parseErrors(t, text)
	if len(errs) != 1000 {
		t.Fatalf("Parse(device with a long name on 1000 undefined outlets) = %d errors; want 1000", len(errs))
	}
	for _, e := range errs {
		if !strings.HasPrefix(e.Object, `device "nnnn`) || len(e.Object) > 300 || !strings.Contains(e.Msg, `pdu "r09-a" is not defined`) {
			t.Fatalf("Parse(device with a long name) error = %.100q… (object of %d bytes); want device \"nnn…, shortened, and the missing pdu", e, len(e.Object))
		}
	}
}

func TestParseAliasesWithinBudget(t *testing.T) {
	text := siteYAML(map[string]string{"devices": `
  - {name: web2, psus: [r01-a:4, r01-b:4], watts: 300, services: &websvc [web]}
  - {name: web3, psus: [r01-a:5, r01-b:5], watts: 300, services: *websvc}
`})
	site, err := inventory.Parse("site.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse(site with an alias) error = %q; want none", err)
	}
	if got := len(site.Members("web")); got != 3 {
		t.Errorf("Parse(site with an alias): Members(web) = %d devices; want 3", got)
	}
}

const secretSite = `site: lab
sources: [{name: A}]
panels: [{name: PA, source: A}]
circuits:
  - {name: A-1, panel: PA, amps: 16}
  - {name: A-2, panel: PA, amps: 16}
pdus:
  - name: r01-a
    inlet: A-1
    outlets: 8
    snmp: {address: 192.0.2.10, community: s3cretCommunity}
  - name: r01-b
    inlet: A-2
    outlets: 8
    snmp:
      address: 192.0.2.11
      version: 3
      user: feedplan
      auth: SHA256
      auth_key: s3cretAuthKey
      priv: AES
      priv_key: s3cretPrivKey
`

var secrets = []string{"s3cretCommunity", "s3cretAuthKey", "s3cretPrivKey"}

// leaks returns the secrets that text contains, raw or hex-encoded.
func leaks(text string) []string {
	var found []string
	for _, s := range secrets {
		if strings.Contains(text, s) || strings.Contains(strings.ToLower(text), hex.EncodeToString([]byte(s))) {
			found = append(found, s)
		}
	}
	return found
}

func TestSecretsNeverPrint(t *testing.T) {
	site, err := inventory.Parse("site.yaml", []byte(secretSite))
	if err != nil {
		t.Fatalf("Parse(secret site) error = %q", err)
	}
	a, b := site.PDU("r01-a"), site.PDU("r01-b")
	if a == nil || b == nil || a.SNMP == nil || b.SNMP == nil {
		t.Fatalf("Parse(secret site): PDU(r01-a) = %v, PDU(r01-b) = %v; want both, with snmp", a, b)
	}
	if got := a.SNMP.Community.Reveal(); got != "s3cretCommunity" {
		t.Errorf("community.Reveal() = %q; want %q", got, "s3cretCommunity")
	}
	if got := b.SNMP.AuthKey.Reveal(); got != "s3cretAuthKey" {
		t.Errorf("auth_key.Reveal() = %q; want %q", got, "s3cretAuthKey")
	}
	if got := b.SNMP.PrivKey.Reveal(); got != "s3cretPrivKey" {
		t.Errorf("priv_key.Reveal() = %q; want %q", got, "s3cretPrivKey")
	}

	values := []struct {
		name string
		v    any
	}{
		{"site", site}, {"*site", *site},
		{"snmp a", a.SNMP}, {"*snmp a", *a.SNMP}, {"snmp b", b.SNMP}, {"*snmp b", *b.SNMP},
		{"pdu a", a}, {"*pdu a", *a}, {"pdu b", b}, {"*pdu b", *b},
		{"community", a.SNMP.Community}, {"auth_key", b.SNMP.AuthKey},
	}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			text := fmt.Sprintf(verb, v.v)
			if l := leaks(text); l != nil {
				t.Errorf("Sprintf(%q, %s) = %q; it shows %q", verb, v.name, text, l)
			}
		}
	}
	if got := fmt.Sprint(a.SNMP.Community); got != "<secret>" {
		t.Errorf("Sprint(community) = %q; want %q", got, "<secret>")
	}

	data, err := json.Marshal(site)
	if err != nil {
		t.Fatalf("json.Marshal(site) error = %v", err)
	}
	if l := leaks(string(data)); l != nil {
		t.Errorf("json.Marshal(site) shows %q:\n%s", l, data)
	}
	var back struct {
		PDUs []struct {
			SNMP struct{ Community, AuthKey, PrivKey string }
		}
	}
	if err := json.Unmarshal(data, &back); err != nil || len(back.PDUs) != 2 {
		t.Fatalf("json.Unmarshal(json.Marshal(site)) = %d PDUs, %v; want 2", len(back.PDUs), err)
	}
	if a, b := back.PDUs[0].SNMP, back.PDUs[1].SNMP; a.Community != "<secret>" || b.AuthKey != "<secret>" || b.PrivKey != "<secret>" {
		t.Errorf("json.Marshal(site) secrets = %q, %q, %q; want <secret> each", a.Community, b.AuthKey, b.PrivKey)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	// Each PDU sets its secrets where they do not belong.
	text := strings.NewReplacer(
		"snmp: {address: 192.0.2.10, community: s3cretCommunity}",
		"snmp: {address: 192.0.2.10, community: s3cretCommunity, auth_key: s3cretAuthKey, priv_key: [s3cretPrivKey]}",
		"      version: 3\n", "      version: 3\n      community: s3cretCommunity\n",
		"auth_key: s3cretAuthKey", "auth_key: s3cret",
	).Replace(secretSite)
	errs := parseErrors(t, text)
	wantObjects := map[string]int{`pdu "r01-a"`: 0, `pdu "r01-b"`: 0}
	for _, e := range errs {
		if l := leaks(e.Error()); l != nil || strings.Contains(e.Error(), "s3cret") {
			t.Errorf("Parse(misplaced secrets) error %q shows a secret", e)
		}
		if _, ok := wantObjects[e.Object]; ok {
			wantObjects[e.Object]++
		}
	}
	// r01-a: priv_key is not a single value; keys are for version 3.
	// r01-b: a community is not for version 3; auth_key is too short.
	for obj, n := range wantObjects {
		if n != 2 {
			t.Errorf("Parse(misplaced secrets) = %d errors about %s; want 2:\n%s", n, obj, (&inventory.Errors{List: errs}).Error())
		}
	}
}

// TestParseDefaults checks what a site leaves out.
func TestParseDefaults(t *testing.T) {
	const text = `site: lab
sources:
  - {name: A, phases: 3}
  - {name: B, volts: 240}
panels:
  - {name: PA, source: A}
  - {name: PB, source: B}
  - {name: PA-sub, panel: PA}
circuits:
  - {name: A-1, panel: PA, amps: 16}
  - {name: B-1, panel: PB, amps: 20}
  - {name: A-3P, panel: PA-sub, amps: 32, phases: 3}
  - {name: A-2, panel: PA, amps: 16}
  - {name: B-2, panel: PB, amps: 16}
  - {name: A-4, panel: PA, amps: 16}
  - {name: B-4, panel: PB, amps: 16}
ats:
  - {name: ats1, inputs: [A-2, B-2], amps: 16}
  - {name: ats2, inputs: [A-4, B-4], preferred: b, amps: 10}
pdus:
  - {name: r01-a, inlet: A-1, outlets: 8}
  - {name: r01-b, inlet: B-1, outlets: 8}
  - name: r02-a
    inlet: A-3P
    outlets: 6
    banks: [{outlets: 1-2}, {outlets: 3-4}, {outlets: 5-6}]
  - {name: r01-s, inlet: ats1, outlets: 8, snmp: {address: 192.0.2.10}}
devices:
  - {name: web1, psus: [r01-a:1, r01-b:1], watts: 300, services: [web]}
  - {name: web2, psus: [r02-a:3, unplugged], watts: 300, services: [web]}
  - {name: mx1, psus: [r01-s:1], watts: 200, pf: 0.9, min_psus: 1, services: [mail]}
services:
  - {name: web}
  - {name: mail, min: 50%, depends_on: [web]}
mail_queues:
  - {name: mx1-postfix, device: mx1}
jobs:
  - {name: backup, cron: "0 2 * * *", device: web1}
  - {name: report, cron: "0 2 * * *", tz: Europe/Amsterdam, service: web, deferrable: false}
`
	site, err := inventory.Parse("site.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse(defaults site) error = %q", err)
	}

	if site.Name != "lab" || site.File != "site.yaml" {
		t.Errorf("site = %q from %q; want lab from site.yaml", site.Name, site.File)
	}
	if site.Utilisation != 0.6 {
		t.Errorf("utilisation = %g; want 0.6", site.Utilisation)
	}
	if src := site.Source("B"); src.Kind != "utility" || src.Volts != 240 || src.Phases != 1 {
		t.Errorf("Source(B) = kind %q, %g V, %d phase(s); want utility, 240 V, 1", src.Kind, src.Volts, src.Phases)
	}
	if src := site.Source("A"); src.Volts != 230 || src.Phases != 3 {
		t.Errorf("Source(A) = %g V, %d phase(s); want 230 V, 3", src.Volts, src.Phases)
	}

	circuits := []struct {
		name          string
		volts         float64
		phases, phase int
	}{
		{"A-1", 230, 1, 1},  // the source's voltage, phase 1
		{"B-1", 240, 1, 1},  // source B is 240 V, single-phase: phase 1
		{"A-3P", 398, 3, 0}, // line to line: 230·√3, through PA-sub to A
	}
	for _, w := range circuits {
		c := site.Circuit(w.name)
		if c == nil {
			t.Fatalf("Circuit(%s) = nil", w.name)
		}
		if c.Volts != w.volts || c.Phases != w.phases || c.Phase != w.phase {
			t.Errorf("Circuit(%s) = %g V, %d phase(s), on phase %d; want %g V, %d, %d", w.name, c.Volts, c.Phases, c.Phase, w.volts, w.phases, w.phase)
		}
	}
	if got := math.Round(230 * math.Sqrt(3)); got != 398 {
		t.Fatalf("230·√3 rounds to %g", got)
	}

	pdus := []struct {
		name   string
		amps   float64
		phases int
		volts  float64
		banks  []string // name outlets phase
	}{
		{"r01-a", 16, 1, 230, []string{"1 1-8 1"}},                       // a single implicit bank
		{"r01-b", 20, 1, 240, []string{"1 1-8 1"}},                       // from B-1
		{"r02-a", 32, 3, 230, []string{"1 1-2 1", "2 3-4 2", "3 5-6 3"}}, // banks take the phases in turn
		{"r01-s", 16, 1, 230, []string{"1 1-8 1"}},                       // from the ATS and its first input
	}
	for _, w := range pdus {
		p := site.PDU(w.name)
		if p == nil {
			t.Fatalf("PDU(%s) = nil", w.name)
		}
		if p.Amps != w.amps || p.Phases != w.phases || p.Volts != w.volts {
			t.Errorf("PDU(%s) = %g A, %d phase(s), %g V; want %g A, %d, %g V", w.name, p.Amps, p.Phases, p.Volts, w.amps, w.phases, w.volts)
		}
		var banks []string
		for _, b := range p.Banks {
			banks = append(banks, fmt.Sprintf("%s %s %d", b.Name, b.Outlets, b.Phase))
		}
		if fmt.Sprint(banks) != fmt.Sprint(w.banks) {
			t.Errorf("PDU(%s) banks = %q; want %q", w.name, banks, w.banks)
		}
	}
	if b := site.PDU("r02-a").BankOf(4); b == nil || b.Name != "2" {
		t.Errorf("PDU(r02-a).BankOf(4) = %v; want bank 2", b)
	}
	if b := site.PDU("r02-a").BankOf(7); b != nil {
		t.Errorf("PDU(r02-a).BankOf(7) = %v; want nil", b)
	}
	if c := site.PDU("r01-s").SNMP; c.Version != "2c" {
		t.Errorf("PDU(r01-s) snmp version = %q; want 2c", c.Version)
	}

	if a := site.ATSUnit("ats1"); a.Preferred != "A-2" {
		t.Errorf("ATSUnit(ats1).Preferred = %q; want its first input A-2", a.Preferred)
	}
	if a := site.ATSUnit("ats2"); a.Preferred != "B-4" {
		t.Errorf("ATSUnit(ats2).Preferred = %q (preferred: b); want its second input B-4", a.Preferred)
	}
	if a := site.ATSUnit("ats1"); a.Test.Passed() {
		t.Errorf("ATSUnit(ats1).Test.Passed() = true; want false for a never-tested ATS")
	}

	devices := []struct {
		name    string
		pf      float64
		minPSUs int
	}{
		{"web1", 0.95, 1},
		{"mx1", 0.9, 1},
	}
	for _, w := range devices {
		if d := site.Device(w.name); d.PF != w.pf || d.MinPSUs != w.minPSUs {
			t.Errorf("Device(%s) = pf %g, min_psus %d; want %g, %d", w.name, d.PF, d.MinPSUs, w.pf, w.minPSUs)
		}
	}
	if d := site.Device("web2"); len(d.PSUs) != 2 || !d.PSUs[1].Unplugged() || d.PSUs[0] != (inventory.Plug{PDU: "r02-a", Outlet: 3}) {
		t.Errorf("Device(web2).PSUs = %v; want [r02-a:3 unplugged]", d.PSUs)
	}

	if svc := site.Service("web"); svc.MinAvailable != (inventory.Quantity{N: 1}) {
		t.Errorf("Service(web).MinAvailable = %v; want 1", svc.MinAvailable)
	}
	if svc := site.Service("mail"); svc.MinAvailable.String() != "50%" || svc.MinAvailable.Of(len(site.Members("mail"))) != 1 {
		t.Errorf("Service(mail).MinAvailable = %v; want 50%% (1 of 1)", svc.MinAvailable)
	}
	var members []string
	for _, d := range site.Members("web") {
		members = append(members, d.Name)
	}
	if fmt.Sprint(members) != "[web1 web2]" {
		t.Errorf("Members(web) = %v; want [web1 web2] in file order", members)
	}
	if got := site.Members("dns"); got != nil {
		t.Errorf("Members(dns) = %v; want nil", got)
	}

	q := site.MailQueue("mx1-postfix")
	if q.Lifetime != "5d" || q.Kind != "postfix" {
		t.Errorf("MailQueue(mx1-postfix) = %s lifetime %q; want postfix, 5d", q.Kind, q.Lifetime)
	}
	if d, err := inventory.ParseLifetime(q.Lifetime); d != 120*time.Hour || err != nil {
		t.Errorf("ParseLifetime(%q) = %v, %v; want 120h", q.Lifetime, d, err)
	}

	backup, report := site.Job("backup"), site.Job("report")
	if backup.TZ != "UTC" || !backup.CanDefer() {
		t.Errorf("Job(backup) = tz %q, CanDefer %v; want UTC, true", backup.TZ, backup.CanDefer())
	}
	if report.TZ != "Europe/Amsterdam" || report.CanDefer() {
		t.Errorf("Job(report) = tz %q, CanDefer %v; want Europe/Amsterdam, false", report.TZ, report.CanDefer())
	}
	// 02:00 in Amsterdam in winter is 01:00 UTC.
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	for _, w := range []struct {
		job  *inventory.Job
		want time.Time
	}{
		{backup, time.Date(2026, 1, 11, 2, 0, 0, 0, time.UTC)},
		{report, time.Date(2026, 1, 11, 1, 0, 0, 0, time.UTC)},
	} {
		sched, err := w.job.Schedule()
		if err != nil {
			t.Fatalf("Job(%s).Schedule() error = %v", w.job.Name, err)
		}
		if got := sched.Next(now); !got.Equal(w.want) {
			t.Errorf("Job(%s).Schedule().Next(%v) = %v; want %v", w.job.Name, now, got.UTC(), w.want)
		}
	}
}

// TestParseLongPanelChain feeds a circuit through 2000 panels, each fed
// by the one before: the source is found at the far end.
func TestParseLongPanelChain(t *testing.T) {
	const n = 2000
	var b strings.Builder
	b.WriteString("site: lab\nsources: [{name: A, volts: 240}]\npanels:\n  - {name: P0, source: A}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  - {name: P%d, panel: P%d}\n", i, i-1)
	}
	fmt.Fprintf(&b, "circuits: [{name: C, panel: P%d, amps: 16}]\n", n-1)
	site, err := inventory.Parse("site.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("Parse(chain of %d panels) error = %v", n, err)
	}
	if c := site.Circuit("C"); c.Volts != 240 {
		t.Errorf("Parse(chain of %d panels): circuit C = %g V; want 240 V from source A", n, c.Volts)
	}
	if src := site.SourceOf(site.Panel(fmt.Sprintf("P%d", n-1))); src == nil || src.Name != "A" {
		t.Errorf("SourceOf(P%d) = %v; want source A", n-1, src)
	}
}

func TestSiteLookups(t *testing.T) {
	site, err := inventory.Parse("site.yaml", []byte(siteYAML(nil)))
	if err != nil {
		t.Fatalf("Parse(base site) error = %q", err)
	}
	lookups := []struct {
		name  string
		found bool
		got   bool
	}{
		{"Source(A)", true, site.Source("A") == site.Sources[0]},
		{"Panel(PB)", true, site.Panel("PB") == site.Panels[1]},
		{"Circuit(B-2)", true, site.Circuit("B-2") == site.Circuits[3]},
		{"ATSUnit(ats1)", true, site.ATSUnit("ats1") == site.ATS[0]},
		{"PDU(r01-s)", true, site.PDU("r01-s") == site.PDUs[2]},
		{"Rack(r01)", true, site.Rack("r01") == site.Racks[0]},
		{"Device(mx1)", true, site.Device("mx1") == site.Devices[1]},
		{"Service(mail)", true, site.Service("mail") == site.Services[1]},
		{"MailQueue(mx1-postfix)", true, site.MailQueue("mx1-postfix") == site.MailQueues[0]},
		{"Job(backup)", true, site.Job("backup") == site.Jobs[0]},
		{"PDU(r99-a)", false, site.PDU("r99-a") != nil},
		{"Device(A)", false, site.Device("A") != nil}, // names are per kind
		{"Circuit(ats1)", false, site.Circuit("ats1") != nil},
	}
	for _, l := range lookups {
		if l.got != l.found {
			t.Errorf("site.%s found = %v; want %v", l.name, l.got, l.found)
		}
	}
	if src := site.SourceOf(site.Panel("PB")); src == nil || src.Name != "B" {
		t.Errorf("SourceOf(panel PB) = %v; want source B", src)
	}
	if got := site.Members("mail"); len(got) != 1 || got[0] != site.Device("mx1") {
		t.Errorf("Members(mail) = %v; want [mx1]", got)
	}
}

func TestQuantityOf(t *testing.T) {
	tests := []struct {
		q     string
		total int
		want  int
	}{
		{"2", 5, 2},
		{"2", 1, 2}, // a count is a count, even above the total
		{"0", 3, 0},
		{"50%", 3, 2}, // rounds up: half of 3 is 2 devices
		{"50%", 4, 2},
		{"100%", 3, 3},
		{"0%", 3, 0},
		{"34%", 3, 2},
		{"33%", 3, 1},
		{"10%", 10, 1},
		{"1%", 1000, 10},
		{"50%", 0, 0},
	}
	for _, tt := range tests {
		q, err := inventory.ParseQuantity(tt.q)
		if err != nil {
			t.Fatalf("ParseQuantity(%q) error = %v", tt.q, err)
		}
		if got := q.Of(tt.total); got != tt.want {
			t.Errorf("ParseQuantity(%q).Of(%d) = %d; want %d", tt.q, tt.total, got, tt.want)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in      string
		want    inventory.Quantity
		wantErr bool
	}{
		{in: "3", want: inventory.Quantity{N: 3}},
		{in: " 2 ", want: inventory.Quantity{N: 2}},
		{in: "0", want: inventory.Quantity{}},
		{in: "50%", want: inventory.Quantity{Percent: 50, IsPct: true}},
		{in: "12.5 %", want: inventory.Quantity{Percent: 12.5, IsPct: true}},
		{in: "100%", want: inventory.Quantity{Percent: 100, IsPct: true}},
		{in: "", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "1.5", wantErr: true},
		{in: "two", wantErr: true},
		{in: "150%", wantErr: true},
		{in: "-5%", wantErr: true},
		{in: "nan%", wantErr: true},
		{in: "inf%", wantErr: true},
		{in: "%", wantErr: true},
	}
	for _, tt := range tests {
		got, err := inventory.ParseQuantity(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseQuantity(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && strings.TrimSpace(strings.ReplaceAll(tt.in, " ", "")) != got.String() {
			t.Errorf("ParseQuantity(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in      string
		want    inventory.Range
		wantErr bool
	}{
		{in: "1-12", want: inventory.Range{From: 1, To: 12}},
		{in: "7", want: inventory.Range{From: 7, To: 7}},
		{in: " 3 - 5 ", want: inventory.Range{From: 3, To: 5}},
		{in: "4-4", want: inventory.Range{From: 4, To: 4}},
		{in: "", wantErr: true},
		{in: "0", wantErr: true},
		{in: "0-4", wantErr: true},
		{in: "5-3", wantErr: true},
		{in: "-3", wantErr: true},
		{in: "1-", wantErr: true},
		{in: "1-2-3", wantErr: true},
		{in: "a-b", wantErr: true},
		{in: "1-99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		got, err := inventory.ParseRange(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseRange(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	r := inventory.Range{From: 3, To: 5}
	if r.String() != "3-5" || (inventory.Range{From: 7, To: 7}).String() != "7" {
		t.Errorf("Range.String() = %q, %q; want 3-5, 7", r, inventory.Range{From: 7, To: 7})
	}
	for n, want := range map[int]bool{2: false, 3: true, 5: true, 6: false} {
		if got := r.Contains(n); got != want {
			t.Errorf("Range(3-5).Contains(%d) = %v; want %v", n, got, want)
		}
	}
}

func TestParsePlug(t *testing.T) {
	tests := []struct {
		in      string
		want    inventory.Plug
		wantErr bool
	}{
		{in: "r01-a:7", want: inventory.Plug{PDU: "r01-a", Outlet: 7}},
		{in: " r01-b:12 ", want: inventory.Plug{PDU: "r01-b", Outlet: 12}},
		{in: "unplugged"},
		{in: ""},
		{in: "-"},
		{in: "r01-a", wantErr: true},
		{in: ":3", wantErr: true},
		{in: "r01-a:", wantErr: true},
		{in: "r01-a:0", wantErr: true},
		{in: "r01-a:-1", wantErr: true},
		{in: "r01-a:x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := inventory.ParsePlug(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParsePlug(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if p := (inventory.Plug{PDU: "r01-a", Outlet: 7}); p.String() != "r01-a:7" || p.Unplugged() {
		t.Errorf("Plug(r01-a:7) = %q, unplugged %v", p, p.Unplugged())
	}
	if p := (inventory.Plug{}); p.String() != "unplugged" || !p.Unplugged() {
		t.Errorf("Plug{} = %q, unplugged %v; want unplugged", p, p.Unplugged())
	}
}

func TestParseLifetime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "5d", want: 5 * 24 * time.Hour},
		{in: "0.5d", want: 12 * time.Hour},
		{in: "1w", want: 7 * 24 * time.Hour},
		{in: "12h", want: 12 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "3600s", want: time.Hour},
		{in: " 2d ", want: 48 * time.Hour},
		{in: "", wantErr: true},
		{in: "5", wantErr: true},
		{in: "0d", wantErr: true},
		{in: "-1d", wantErr: true},
		{in: "0s", wantErr: true},
		{in: "5x", wantErr: true},
		{in: "5xd", wantErr: true},
		{in: "d", wantErr: true},
		{in: "infd", wantErr: true},
		{in: "nand", wantErr: true},
		{in: "1e300d", wantErr: true},
		{in: "1e10w", wantErr: true},
		{in: "9999999h", wantErr: true},
	}
	for _, tt := range tests {
		got, err := inventory.ParseLifetime(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLifetime(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestParseMailQueueKinds parses one queue of each kind with every key
// its kind takes.
func TestParseMailQueueKinds(t *testing.T) {
	text := siteYAML(map[string]string{"mail_queues": `
  - {name: mx1-out, device: mx1, kind: postfix, ssh: root@mx1.example.net, config_dir: /etc/postfix-out, release_rate: 120}
  - name: mx1-exim
    device: mx1
    kind: command
    ssh: mx1
    hold: "exim -bp | exiqgrep -i | xargs exim -Mg"
    release: /usr/local/sbin/release-paced
    status: /usr/local/sbin/queue-json
  - name: mx1-api
    device: mx1
    kind: http
    hold: https://mx1.example.net/queue/hold
    release: http://127.0.0.1:8025/release
    token_env: MX1_HOOK_TOKEN
`})
	site, err := inventory.Parse("site.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse(three kinds) error = %q", err)
	}
	base, out, exim, api := site.MailQueue("mx1-postfix"), site.MailQueue("mx1-out"), site.MailQueue("mx1-exim"), site.MailQueue("mx1-api")
	if base.ReleaseRate != 0 || base.SSH != "" || base.ConfigDir != "" {
		t.Errorf("MailQueue(mx1-postfix) release_rate %g, ssh %q, config_dir %q; want 0 (the plan's default), local, the default instance", base.ReleaseRate, base.SSH, base.ConfigDir)
	}
	if out.Kind != "postfix" || out.SSH != "root@mx1.example.net" || out.ConfigDir != "/etc/postfix-out" || out.ReleaseRate != 120 {
		t.Errorf("MailQueue(mx1-out) = %s, ssh %q, config_dir %q, release_rate %g; want postfix, root@mx1.example.net, /etc/postfix-out, 120", out.Kind, out.SSH, out.ConfigDir, out.ReleaseRate)
	}
	if exim.Kind != "command" || exim.Hold != "exim -bp | exiqgrep -i | xargs exim -Mg" || exim.Release != "/usr/local/sbin/release-paced" || exim.Status != "/usr/local/sbin/queue-json" {
		t.Errorf("MailQueue(mx1-exim) = %s, hold %q, release %q, status %q", exim.Kind, exim.Hold, exim.Release, exim.Status)
	}
	if api.Kind != "http" || api.Hold != "https://mx1.example.net/queue/hold" || api.TokenEnv != "MX1_HOOK_TOKEN" || api.Lifetime != "5d" {
		t.Errorf("MailQueue(mx1-api) = %s, hold %q, token_env %q, lifetime %q", api.Kind, api.Hold, api.TokenEnv, api.Lifetime)
	}
}
