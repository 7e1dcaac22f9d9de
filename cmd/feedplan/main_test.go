package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

const (
	testSite    = "testdata/site.yaml"
	brokenSite  = "testdata/broken.yaml"
	exampleSite = "../../examples/site.yaml"
)

// The SNMP communities in testdata/*.yaml: secrets no command may print.
var secrets = []string{"pdu-community-Xk42", "ats-community-Zq81"}

// feedplan runs the command line in-process.
func feedplan(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    int
		wantErr string // in stderr
	}{
		{"whatif safe: pdu cut, srv-1 keeps its B supply", []string{"whatif", testSite, "--cut", "pdu:r01-a"}, exitOK, ""},
		{"whatif safe: ats transfers", []string{"whatif", testSite, "--cut", "source:A"}, exitOK, ""},
		{"whatif safe: ats as-tested, test passed", []string{"whatif", testSite, "--cut", "source:A", "--ats", "as-tested"}, exitOK, ""},
		{"whatif harmful: ats fails", []string{"whatif", testSite, "--cut", "source:A", "--ats", "fails"}, exitHarm, ""},
		{"whatif harmful: both feeds", []string{"whatif", testSite, "--cut", "source:A,source:B"}, exitHarm, ""},
		{"whatif harmful: outlet of a single-corded switch", []string{"whatif", testSite, "--cut", "outlet:r01-c:1"}, exitHarm, ""},
		{"validate ok", []string{"validate", testSite}, exitOK, ""},
		{"validate broken inventory", []string{"validate", brokenSite}, exitBadInput, "7 problem(s)"},
		{"whatif broken inventory", []string{"whatif", brokenSite, "--cut", "source:A"}, exitBadInput, "nothing was evaluated"},
		{"audit broken inventory", []string{"audit", brokenSite}, exitBadInput, "nothing was evaluated"},
		{"unknown element name", []string{"whatif", testSite, "--cut", "source:Z"}, exitBadInput, `source:Z is not in site "cli-test"`},
		{"unknown element kind", []string{"whatif", testSite, "--cut", "fuse:A-1"}, exitBadInput, `unknown kind "fuse"`},
		{"element without a kind", []string{"whatif", testSite, "--cut", "A"}, exitBadInput, "want KIND:NAME"},
		{"unknown bank", []string{"whatif", testSite, "--cut", "bank:r01-a/9"}, exitBadInput, "bank:r01-a/9 is not in site"},
		{"unknown flag", []string{"whatif", testSite, "--cut", "source:A", "--bogus"}, exitBadInput, "flag provided but not defined: -bogus"},
		{"unknown flag on validate", []string{"validate", "--strict", testSite}, exitBadInput, "flag provided but not defined: -strict"},
		{"missing file", []string{"whatif", "testdata/no-such-site.yaml", "--cut", "source:A"}, exitBadInput, "no-such-site.yaml"},
		{"missing file on validate", []string{"validate", "testdata/no-such-site.yaml"}, exitBadInput, "no-such-site.yaml"},
		{"no --cut", []string{"whatif", testSite}, exitBadInput, "say what to cut"},
		{"no site", []string{"whatif", "--cut", "source:A"}, exitBadInput, "want one inventory file"},
		{"two sites", []string{"whatif", testSite, testSite, "--cut", "source:A"}, exitBadInput, "got 2 arguments"},
		{"bad output format", []string{"whatif", testSite, "--cut", "source:A", "-o", "xml"}, exitBadInput, `output "xml"`},
		{"bad utilisation", []string{"whatif", testSite, "--cut", "source:A", "--utilisation", "1.5"}, exitBadInput, "--utilisation 1.5"},
		{"unknown command", []string{"frobnicate"}, exitBadInput, `unknown command "frobnicate"`},
		{"no command", nil, exitBadInput, "Usage:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := feedplan(tc.args...)
			if code != tc.want {
				t.Errorf("feedplan %s = exit %d; want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tc.args, " "), code, tc.want, stdout, stderr)
			}
			if tc.wantErr != "" && !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("feedplan %s: stderr does not say %q:\n%s", strings.Join(tc.args, " "), tc.wantErr, stderr)
			}
			if code == exitBadInput && tc.args != nil && stdout != "" {
				t.Errorf("feedplan %s: exit 2 but wrote a report to stdout:\n%s", strings.Join(tc.args, " "), stdout)
			}
		})
	}
}

// validate lists every problem of a broken inventory, each as
// FILE:LINE: OBJECT: PROBLEM, and nothing on stdout.
func TestValidateBrokenInventory(t *testing.T) {
	code, stdout, stderr := feedplan("validate", brokenSite)
	if code != exitBadInput {
		t.Errorf("feedplan validate %s = exit %d; want %d", brokenSite, code, exitBadInput)
	}
	if stdout != "" {
		t.Errorf("feedplan validate %s wrote to stdout:\n%s", brokenSite, stdout)
	}
	want := []string{
		`testdata/broken.yaml:11: panel "PB": source "C" is not defined`,
		`testdata/broken.yaml:14: circuit "A-1": phase 4: want 1, 2 or 3`,
		`testdata/broken.yaml:18: pdu "r01-a": snmp: community is for versions 1 and 2c, not 3`,
		`testdata/broken.yaml:19: pdu "r01-b": unknown key "comunity" (did you mean "community"?)`,
		`testdata/broken.yaml:22: device "srv-1": unknown key "watt" (did you mean "watts"?)`,
		`testdata/broken.yaml:22: device "srv-1": psu2 on r01-b:9: pdu "r01-b" has only 8 outlets`,
		`testdata/broken.yaml:22: device "srv-1": watts (the nameplate or typical draw) is required`,
	}
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("feedplan validate %s: missing line\n  %s\nstderr:\n%s", brokenSite, w, stderr)
		}
	}
	// Every problem line has a file and a line number, in line order.
	prev := 0
	problems := 0
	for _, l := range lines {
		if strings.Contains(l, "problem(s)") {
			continue
		}
		problems++
		var n int
		if _, err := fmt.Sscanf(l, "testdata/broken.yaml:%d:", &n); err != nil || n <= 0 {
			t.Errorf("problem line %q does not start with testdata/broken.yaml:LINE:", l)
			continue
		}
		if n < prev {
			t.Errorf("problem line %q comes after line %d: want them sorted by line", l, prev)
		}
		prev = n
	}
	if problems != len(want) {
		t.Errorf("feedplan validate %s printed %d problems; want %d:\n%s", brokenSite, problems, len(want), stderr)
	}
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, fmt.Sprintf("%d problem(s); nothing was evaluated", len(want))) {
		t.Errorf("last line = %q; want the count of problems", last)
	}
}

// A technician types the file first and the flags after it.
func TestFlagsAfterPositional(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []string
	}{
		{"whatif", []string{"whatif", testSite, "--cut", "source:A", "--ats", "fails"}, []string{"whatif", "--cut", "source:A", "--ats", "fails", testSite}},
		{"whatif flags on both sides", []string{"whatif", "--ats", "fails", testSite, "-o", "json", "--cut", "source:A"}, []string{"whatif", "--cut=source:A", "--ats=fails", "-o=json", testSite}},
		{"audit", []string{"audit", exampleSite, "-o", "json"}, []string{"audit", "-o", "json", exampleSite}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			codeA, outA, errA := feedplan(tc.a...)
			codeB, outB, errB := feedplan(tc.b...)
			if codeA != codeB || outA != outB {
				t.Errorf("feedplan %s = exit %d, %d bytes; feedplan %s = exit %d, %d bytes; want the same\nstderr: %s\n%s",
					strings.Join(tc.a, " "), codeA, len(outA), strings.Join(tc.b, " "), codeB, len(outB), errA, errB)
			}
			if codeA == exitBadInput {
				t.Errorf("feedplan %s = exit 2:\n%s", strings.Join(tc.a, " "), errA)
			}
		})
	}
}

// whatifJSON is the part of `whatif -o json` the tests read.
type whatifJSON struct {
	Site     string `json:"site"`
	Scenario struct {
		Cut     []string          `json:"cut"`
		ATS     string            `json:"ats"`
		ATSUnit map[string]string `json:"ats_unit"`
	} `json:"scenario"`
	// Each device down, kept raw: the tests read its name and look for
	// the cause of its dark supplies anywhere in the entry, whatever shape
	// the entry takes.
	Down       []json.RawMessage `json:"down"`
	Redundancy []struct {
		Device string `json:"device"`
	} `json:"redundancy_lost"`
	Transfers []struct {
		ATS    string `json:"ats"`
		To     string `json:"to"`
		Relied bool   `json:"relied_on"`
	} `json:"ats_transfers"`
}

func whatif(t *testing.T, args ...string) (int, whatifJSON) {
	t.Helper()
	args = append([]string{"whatif", testSite, "-o", "json"}, args...)
	code, stdout, stderr := feedplan(args...)
	var r whatifJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("feedplan %s: output is not JSON: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout, stderr)
	}
	return code, r
}

func downNames(t *testing.T, r whatifJSON) []string {
	t.Helper()
	var out []string
	for _, raw := range r.Down {
		var d struct {
			Device string `json:"device"`
		}
		if err := json.Unmarshal(raw, &d); err != nil || d.Device == "" {
			t.Fatalf("down entry %s: want an object with a device name (%v)", raw, err)
		}
		out = append(out, d.Device)
	}
	return out
}

func TestWhatifJSON(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		wantCode   int
		wantDown   []string
		wantReason string // in the first device's reasons
		wantRelied bool   // ats-1 listed as relied on
	}{
		{"ats works", []string{"--cut", "source:A"}, exitOK, nil, "", true},
		{"ats fails", []string{"--cut", "source:A", "--ats", "fails"}, exitHarm, []string{"sw-1", "sw-2"}, "ats ats-1 did not transfer (assumed to fail)", false},
		{"ats-1 fails per unit", []string{"--cut", "source:A", "--ats", "works", "--ats", "ats-1=fails"}, exitHarm, []string{"sw-1", "sw-2"}, "ats ats-1 did not transfer (assumed to fail)", false},
		{"per unit overrides the default", []string{"--cut", "source:A", "--ats", "fails", "--ats", "ats-1=works"}, exitOK, nil, "", true},
		{"both feeds", []string{"--cut", "source:A", "--cut", "source:B"}, exitHarm, []string{"srv-1", "sw-1", "sw-2"}, "source A cut", false},
		{"pdu and outlet", []string{"--cut", "pdu:r01-b,outlet:r01-a:1"}, exitHarm, []string{"srv-1"}, "outlet r01-a:1 cut", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r := whatif(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("whatif %s = exit %d; want %d", strings.Join(tc.args, " "), code, tc.wantCode)
			}
			if got := downNames(t, r); !slices.Equal(got, tc.wantDown) {
				t.Errorf("whatif %s: down = %v; want %v", strings.Join(tc.args, " "), got, tc.wantDown)
			}
			if tc.wantReason != "" && len(r.Down) > 0 && !strings.Contains(string(r.Down[0]), tc.wantReason) {
				t.Errorf("whatif %s: first device down is %s; want a cause that says %q", strings.Join(tc.args, " "), r.Down[0], tc.wantReason)
			}
			relied := slices.ContainsFunc(r.Transfers, func(x struct {
				ATS    string `json:"ats"`
				To     string `json:"to"`
				Relied bool   `json:"relied_on"`
			}) bool {
				return x.ATS == "ats-1" && x.Relied && x.To == "B-2"
			})
			if relied != tc.wantRelied {
				t.Errorf("whatif %s: ats-1 relied on (A-2 → B-2) = %v; want %v; transfers %+v", strings.Join(tc.args, " "), relied, tc.wantRelied, r.Transfers)
			}
		})
	}

	// The scenario is echoed back so that a saved report says what it answers.
	_, r := whatif(t, "--cut", "source:A", "--ats", "as-tested", "--ats", "ats-1=fails")
	if r.Site != "cli-test" || !slices.Equal(r.Scenario.Cut, []string{"source:A"}) || r.Scenario.ATS != "as-tested" || r.Scenario.ATSUnit["ats-1"] != "fails" {
		t.Errorf("whatif -o json: site %q, scenario %+v; want cli-test, cut [source:A], ats as-tested, ats-1 fails", r.Site, r.Scenario)
	}
}

func TestWhatifATSFlag(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ats     string
		want    int
		wantErr []string
	}{
		{"bogus mode", "bogus", exitBadInput, []string{"--ats bogus", `"bogus"`, "works, fails or as-tested"}},
		{"bogus unit mode", "ats-1=sometimes", exitBadInput, []string{"--ats ats-1=sometimes", `"sometimes"`, "works, fails or as-tested"}},
		{"unknown unit", "ats-9=fails", exitBadInput, []string{"--ats ats-9=fails", `ats "ats-9" is not in the site`}},
		{"mode names are exact", "Works", exitBadInput, []string{`"Works"`}},
		{"unit fails", "ats-1=fails", exitHarm, nil},
		{"as-tested", "as-tested", exitOK, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := feedplan("whatif", testSite, "--cut", "source:A", "--ats", tc.ats)
			if code != tc.want {
				t.Errorf("whatif --ats %s = exit %d; want %d\nstderr:\n%s", tc.ats, code, tc.want, stderr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("whatif --ats %s: stderr does not say %q:\n%s", tc.ats, w, stderr)
				}
			}
			if tc.want == exitBadInput && stdout != "" {
				t.Errorf("whatif --ats %s: rejected, yet wrote to stdout:\n%s", tc.ats, stdout)
			}
		})
	}
}

func TestWhatifFormats(t *testing.T) {
	for _, tc := range []struct {
		format string
		prefix string
		has    []string
	}{
		{"text", "What if: cut source:A on site cli-test\n", []string{"DEVICES DOWN: 2", "VERDICT", "NOT SAFE"}},
		{"markdown", "# What if: cut source:A on site cli-test\n", []string{"## Devices down: 2", "| DEVICE | RACK | WHY |", "## Verdict"}},
		{"md", "# What if", nil},
		{"json", "{", []string{`"down"`}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			code, stdout, stderr := feedplan("whatif", testSite, "--cut", "source:A", "--ats", "fails", "-o", tc.format)
			if code != exitHarm {
				t.Errorf("whatif -o %s = exit %d; want %d\n%s", tc.format, code, exitHarm, stderr)
			}
			if !strings.HasPrefix(stdout, tc.prefix) {
				t.Errorf("whatif -o %s starts with %.60q; want %q", tc.format, stdout, tc.prefix)
			}
			for _, h := range tc.has {
				if !strings.Contains(stdout, h) {
					t.Errorf("whatif -o %s does not contain %q:\n%s", tc.format, h, stdout)
				}
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		has  []string
	}{
		{[]string{"help"}, []string{"Usage:", "Commands:", "whatif", "audit", "validate", "Examples:", "feedplan whatif examples/site.yaml --cut source:A", "Exit codes"}},
		{[]string{"-h"}, []string{"Usage:", "Examples:"}},
		{[]string{"--help"}, []string{"Usage:", "Examples:"}},
		{[]string{"whatif", "-h"}, []string{"Usage: feedplan whatif", "-cut", "-ats", "Examples:", "--cut source:A", "bank:PDU/BANK"}},
		{[]string{"whatif", "--help"}, []string{"Usage: feedplan whatif", "Examples:"}},
		{[]string{"audit", "-h"}, []string{"Usage: feedplan audit", "-outlets", "Examples:"}},
		{[]string{"validate", "-h"}, []string{"Usage: feedplan validate", "Examples:"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := feedplan(tc.args...)
			if code != exitOK {
				t.Errorf("feedplan %s = exit %d; want 0", strings.Join(tc.args, " "), code)
			}
			// `feedplan help` writes to stdout; a command's -h goes where
			// the flag package writes (stderr). Either way it is shown.
			all := stdout + stderr
			for _, h := range tc.has {
				if !strings.Contains(all, h) {
					t.Errorf("feedplan %s does not show %q:\n%s", strings.Join(tc.args, " "), h, all)
				}
			}
		})
	}
	if _, stdout, _ := feedplan("help"); !strings.Contains(stdout, "Usage:") {
		t.Errorf("feedplan help: usage not on stdout, so `feedplan help | less` shows nothing")
	}
}

// auditJSON is the part of `audit -o json` the tests read.
type auditJSON struct {
	Site         string `json:"site"`
	ATSNotProven []struct {
		ATS     string   `json:"ats"`
		Test    string   `json:"test"`
		Devices []string `json:"devices"`
	} `json:"ats_not_proven"`
	Harmful []struct {
		Element string `json:"element"`
	} `json:"harmful"`
}

func TestAuditExampleSite(t *testing.T) {
	code, stdout, stderr := feedplan("audit", exampleSite, "-o", "json")
	if code != exitHarm {
		t.Errorf("audit %s = exit %d; want %d (the example has false redundancy and an untested ATS)\n%s", exampleSite, code, exitHarm, stderr)
	}
	var a auditJSON
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatalf("audit -o json: not JSON: %v\n%s", err, stdout)
	}
	if len(a.ATSNotProven) != 1 {
		t.Fatalf("audit %s: ats_not_proven = %+v; want ats-r07 alone (ats-r03 passed its test)", exampleSite, a.ATSNotProven)
	}
	f := a.ATSNotProven[0]
	if f.ATS != "ats-r07" || !strings.Contains(f.Test, "failed") || !strings.Contains(f.Test, "2026-02-14") {
		t.Errorf("audit: ats_not_proven[0] = %s (%s); want ats-r07 (last test failed on 2026-02-14)", f.ATS, f.Test)
	}
	wantDevices := []string{"mgmt-2", "news-1", "oob-2", "tor-r05", "tor-r06", "tor-r07", "tor-r08"}
	if got := slices.Sorted(slices.Values(f.Devices)); !slices.Equal(got, wantDevices) {
		t.Errorf("audit: ats-r07 devices = %v; want %v", got, wantDevices)
	}
	if !slices.ContainsFunc(a.Harmful, func(h struct {
		Element string `json:"element"`
	}) bool {
		return h.Element == "source:A"
	}) {
		t.Errorf("audit: harmful single failures %v do not include source:A", a.Harmful)
	}

	// The text report says the same.
	code, stdout, _ = feedplan("audit", exampleSite)
	if code != exitHarm || !strings.Contains(stdout, "ATS UNITS RELIED ON WITHOUT A PASSED TEST: 1") || !strings.Contains(stdout, "ats-r07") {
		t.Errorf("audit %s (text) = exit %d; want 1 and ats-r07 under the untested ATS units:\n%s", exampleSite, code, stdout)
	}
}

// No command prints an SNMP community, whatever the output and whether the
// inventory is valid or not.
func TestSecretsNeverPrinted(t *testing.T) {
	for _, args := range [][]string{
		{"validate", testSite},
		{"validate", brokenSite},
		{"whatif", testSite, "--cut", "source:A", "-o", "json"},
		{"whatif", testSite, "--cut", "source:A", "--ats", "fails", "-o", "json"},
		{"whatif", testSite, "--cut", "source:A", "--ats", "fails", "-o", "markdown"},
		{"whatif", testSite, "--cut", "ats:ats-1"},
		{"whatif", brokenSite, "--cut", "source:A", "-o", "json"},
		{"audit", testSite, "-o", "json"},
		{"audit", testSite},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, stdout, stderr := feedplan(args...)
			for _, s := range secrets {
				if strings.Contains(stdout, s) || strings.Contains(stderr, s) {
					t.Errorf("feedplan %s printed the community %q:\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), s, stdout, stderr)
				}
			}
		})
	}
}
