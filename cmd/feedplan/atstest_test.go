package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"feedplan/monitor/alert/alerttest"
	"feedplan/monitor/atstest"
	"feedplan/monitor/store"
)

// simFaults is the running simulator's fault state, as 'sim ctl status'
// prints it.
func simFaults(t *testing.T, ctlFile string) map[string]any {
	t.Helper()
	code, out, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "status")
	if code != exitOK {
		t.Fatalf("sim ctl status = %d: %s", code, errOut)
	}
	var f map[string]any
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("sim ctl status: %v in %s", err, out)
	}
	return f
}

func simCtl(t *testing.T, ctlFile string, args ...string) {
	t.Helper()
	if code, _, errOut := feedplan(append([]string{"sim", "ctl", "--control-file", ctlFile}, args...)...); code != exitOK {
		t.Fatalf("sim ctl %v = %d: %s", args, code, errOut)
	}
}

// auditSteps reads an audit file as "step input outcome" lines.
func auditSteps(t *testing.T, path string) []string {
	t.Helper()
	es, err := atstest.ReadAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, strings.Join(strings.Fields(strings.Join([]string{e.ATS, e.Step, e.Input, e.Outcome}, " ")), " "))
	}
	return out
}

func TestATSTestExecutePasses(t *testing.T) {
	site, ctlFile := simSite(t)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	state := filepath.Join(t.TempDir(), "feedplan.db")
	code, out, errOut := feedplan("ats-test", site, "ats-r03", "--execute", "--audit", audit, "--state", state, "--poll", "50ms", "--operator", "alice@ops-1")
	if code != exitOK {
		t.Fatalf("ats-test ats-r03 --execute = %d; want 0\n%s\n%s", code, out, errOut)
	}
	db, err := store.Open(state, store.Options{Logger: infoLogger(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	// The simulator transfers within a millisecond: TransferMS, whole
	// milliseconds, may be 0; the reason carries the measured time.
	if rec, ok, err := db.LastATSTest("ats-r03"); err != nil || !ok || !rec.Passed || rec.TransferMS < 0 || !strings.Contains(rec.Reason, "transferred A-05 → B-05 in ") {
		t.Errorf("store's last ats-r03 test = %+v, %v, %v; want a passed test with its transfer time", rec, ok, err)
	}
	db.Close()
	for _, want := range []string{"(executed)", "set the preferred input of ats-r03 to B-05", "ats-r03 selected B-05 after", "ats-r03 back on A-05 after",
		"PASSED: transferred A-05 → B-05", "r03-c never lost power"} {
		if !strings.Contains(out, want) {
			t.Errorf("ats-test output lacks %q:\n%s", want, out)
		}
	}
	// The simulator saw the SETs: the preferred input was set over SNMP,
	// and is A again.
	if p, ok := simFaults(t, ctlFile)["preferred"].(map[string]any); !ok || p["ats-r03"] != 0.0 {
		t.Errorf("simulator preferred = %v; want ats-r03 set back to A (0)", simFaults(t, ctlFile)["preferred"])
	}
	want := []string{"ats-r03 start B-05 ok", "ats-r03 set-preferred B-05 ok", "ats-r03 transferred B-05 ok", "ats-r03 set-preferred A-05 ok", "ats-r03 back A-05 ok", "ats-r03 done passed"}
	if got := auditSteps(t, audit); !reflect.DeepEqual(got, want) {
		t.Errorf("audit file = %q; want %q", got, want)
	}
	if es, _ := atstest.ReadAudit(audit); len(es) > 0 && es[0].Operator != "alice@ops-1" {
		t.Errorf("audit operator = %q; want alice@ops-1", es[0].Operator)
	}
}

func TestATSTestFailureAlertsAlertmanager(t *testing.T) {
	site, ctlFile := simSite(t)
	am := alerttest.StartAlertmanager(t)
	simCtl(t, ctlFile, "ats-fail", "ats-r07")
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	code, out, errOut := feedplan("ats-test", site, "ats-r07", "--execute", "--state", filepath.Join(t.TempDir(), "s.db"), "--force", "--reason", "APC case 0412-877: relay replaced",
		"--deadline", "1s", "--poll", "50ms", "--audit", audit, "--alertmanager", am.URL)
	if code != exitHarm {
		t.Fatalf("ats-test ats-r07 (set to fail) = %d; want 1\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"FAILED: ats-r07 did not transfer to B-15 within 1s: it still runs on A-15", "Alert ats-test-failed sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("ats-test output lacks %q:\n%s", want, out)
		}
	}
	got := am.WaitAlerts(t, 10*time.Second, func(as []alerttest.Alert) bool {
		for _, a := range as {
			if a.Labels["alertname"] == "ats-test-failed" && a.Labels["key"] == "ats-r07" {
				return true
			}
		}
		return false
	})
	for _, a := range got {
		if a.Labels["alertname"] == "ats-test-failed" {
			if a.Labels["severity"] != "critical" || !strings.Contains(a.Annotations["summary"], "did not transfer") || !strings.Contains(a.Annotations["description"], "tor-r05") {
				t.Errorf("ats-test-failed alert = %+v; want critical, saying it did not transfer and naming tor-r05", a)
			}
		}
	}
	want := []string{"ats-r07 start B-15 ok", "ats-r07 set-preferred B-15 ok", "ats-r07 no-transfer B-15 failed", "ats-r07 set-preferred A-15 ok", "ats-r07 back A-15 ok", "ats-r07 done failed"}
	if got := auditSteps(t, audit); !reflect.DeepEqual(got, want) {
		t.Errorf("audit file = %q; want %q", got, want)
	}
	if es, _ := atstest.ReadAudit(audit); len(es) == 0 || !es[0].Forced || es[0].Reason != "APC case 0412-877: relay replaced" {
		t.Errorf("audit start = %+v; want it forced, with the reason", es)
	}
}

func TestATSTestDryRunChangesNothing(t *testing.T) {
	site, ctlFile := simSite(t)
	before := simFaults(t, ctlFile)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	code, out, errOut := feedplan("ats-test", site, "ats-r03", "--audit", audit)
	if code != exitOK {
		t.Fatalf("ats-test ats-r03 (dry run) = %d; want 0\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"(dry run)", "preconditions hold", "dry run: would set ats-r03's preferred input to B-05", "watching r03-c", "DRY RUN OK"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if after := simFaults(t, ctlFile); !reflect.DeepEqual(before, after) {
		t.Errorf("a dry run changed the simulator's faults: %v → %v", before, after)
	}
	if _, err := os.Stat(audit); err == nil {
		t.Error("a dry run wrote the audit file; it does nothing to record")
	}
}

func TestATSTestRefusals(t *testing.T) {
	site, ctlFile := simSite(t)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")

	// ats-r07 failed its last test and carries row 2's single-corded
	// switches: refused without --force, tested with it.
	code, out, _ := feedplan("ats-test", site, "ats-r07", "--execute", "--state", filepath.Join(t.TempDir(), "s.db"), "--audit", audit)
	if code != exitHarm || !strings.Contains(out, "REFUSED") || !strings.Contains(out, "7 running devices go down: tor-r05, tor-r06") || !strings.Contains(out, "--force --reason") {
		t.Errorf("ats-test ats-r07 without --force = %d; want 1, refused, naming the switches that would go down:\n%s", code, out)
	}
	if _, ok := simFaults(t, ctlFile)["preferred"]; ok {
		t.Error("a refused test set a preferred input")
	}
	code, out, errOut := feedplan("ats-test", site, "ats-r07", "--execute", "--state", filepath.Join(t.TempDir(), "s.db"), "--force", "--reason", "CHG-1234", "--poll", "50ms", "--audit", audit)
	if code != exitOK || !strings.Contains(out, "forced (CHG-1234) past") || !strings.Contains(out, "PASSED") {
		t.Errorf("ats-test ats-r07 --force --reason = %d; want 0, forced and passed:\n%s\n%s", code, out, errOut)
	}

	// An input down: refused, forced or not.
	simCtl(t, ctlFile, "cut", "circuit:A-05")
	for _, extra := range [][]string{nil, {"--force", "--reason", "CHG-1234"}} {
		args := append([]string{"ats-test", site, "ats-r03", "--execute", "--audit", audit}, extra...)
		code, out, _ := feedplan(args...)
		if code != exitHarm || !strings.Contains(out, "REFUSED: input A-05 of ats-r03 is down") {
			t.Errorf("ats-test ats-r03 %v with A-05 cut = %d; want 1, refused because A-05 is down:\n%s", extra, code, out)
		}
	}
	if p, _ := simFaults(t, ctlFile)["preferred"].(map[string]any); p["ats-r03"] != nil {
		t.Errorf("a refused test set ats-r03's preferred input: %v", p)
	}
	got := auditSteps(t, audit)
	want := []string{"ats-r07 refused refused", "ats-r07 start B-15 ok", "ats-r07 set-preferred B-15 ok", "ats-r07 transferred B-15 ok",
		"ats-r07 set-preferred A-15 ok", "ats-r07 back A-15 ok", "ats-r07 done passed", "ats-r03 refused refused", "ats-r03 refused refused"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit file = %q; want %q", got, want)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{site}, "want 2 arguments"},
		{[]string{site, "ats-r99"}, `ats "ats-r99" is not in site`},
		{[]string{site, "ats-r03", "--force"}, "--force needs --reason"},
		{[]string{site, "r01-a"}, "is not in site"},
	} {
		code, _, errOut := feedplan(append([]string{"ats-test"}, tc.args...)...)
		if code != exitBadInput || !strings.Contains(errOut, tc.want) {
			t.Errorf("ats-test %v = %d, %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}
