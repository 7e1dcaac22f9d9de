package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/atstest"
	"feedplan/monitor/runbook"
	"feedplan/pdu"
)

// TestPlanRunHelper is not a test: it is the program that the plan run
// tests give 'feedplan plan run' as a shutdown action and as its
// --on-manual hook (FEEDPLAN_HELPER set). It plays the device and the
// technician against the simulator's control API, as 'feedplan sim ctl'.
func TestPlanRunHelper(t *testing.T) {
	mode := os.Getenv("FEEDPLAN_HELPER")
	if mode == "" {
		return
	}
	ctl := os.Getenv("FEEDPLAN_SIM_CTL")
	simctl := func(args ...string) {
		var out, errOut bytes.Buffer
		if code := run(append([]string{"sim", "ctl", "--control-file", ctl}, args...), &out, &errOut); code != exitOK {
			fmt.Fprintf(os.Stderr, "sim ctl %v: %s", args, errOut.String())
			os.Exit(1)
		}
	}
	logf := func(line string) {
		f, err := os.OpenFile(os.Getenv("FEEDPLAN_HOOK_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
	switch mode {
	case "shutdown": // a device's shutdown command: it stops drawing
		simctl("overdraw", os.Getenv("FEEDPLAN_SHUT"), "0")
		fmt.Println(os.Getenv("FEEDPLAN_SHUT"), "is shutting down")
	case "hook": // the technician at a manual step
		step := os.Getenv("FEEDPLAN_STEP_ID")
		logf(step)
		switch os.Getenv("FEEDPLAN_STEP_KIND") {
		case "cut":
			// What the simulator holds switched off when the technician
			// arrives: the outlets 'plan run' switched over SNMP.
			var out, errOut bytes.Buffer
			run([]string{"sim", "ctl", "--control-file", ctl, "status"}, &out, &errOut)
			var f struct {
				OutletOff []string `json:"outlet_off"`
			}
			json.Unmarshal(out.Bytes(), &f)
			logf("outlets off at the cut: " + strings.Join(f.OutletOff, ","))
			if dir := os.Getenv("FEEDPLAN_HOLD_AT_CUT"); dir != "" {
				// Let the test interrupt the run now, and wait for its go.
				os.WriteFile(filepath.Join(dir, "at-cut"), nil, 0o644)
				for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
						break
					}
				}
			}
			simctl("cut", "circuit:A-11")
		case "restore":
			simctl("restore", "circuit:A-11")
		case "power-on":
			simctl("overdraw", "kvm-4", "1")
			simctl("overdraw", "app-5", "1")
		}
	}
	os.Exit(0)
}

// planRunSite writes the example site for the simulator as simSite does,
// with kvm-4 shut down by a URL (an httptest server that makes the
// simulated kvm-4 stop drawing) and app-5 by a command (this test binary
// as a helper that does the same for app-5), starts 'feedplan sim
// --per-device' on it and makes a plan with 'feedplan plan': cut circuit
// A-01 (the r05-a strip), shut down kvm-4 and app-5, switch their outlets.
func planRunSite(t *testing.T) (site, ctl, plan, hookLog string) {
	t.Helper()
	site, ctl = simSiteWith(t, func(text, ctl string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var out, errOut bytes.Buffer
			if r.Method != http.MethodPost || run([]string{"sim", "ctl", "--control-file", ctl, "overdraw", "kvm-4", "0"}, &out, &errOut) != exitOK {
				http.Error(w, "no: "+errOut.String(), http.StatusBadRequest)
				return
			}
			io.WriteString(w, "kvm-4 is shutting down")
		}))
		t.Cleanup(srv.Close)
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		helper := fmt.Sprintf("FEEDPLAN_HELPER=shutdown FEEDPLAN_SHUT=app-5 FEEDPLAN_SIM_CTL='%s' '%s' -test.run=^TestPlanRunHelper$", ctl, exe)
		for dev, action := range map[string]string{"kvm-4": srv.URL + "/shutdown/kvm-4?token=not-for-the-log", "app-5": helper} {
			old := fmt.Sprintf(`shutdown: "ssh %s sudo systemctl poweroff"`, dev)
			if !strings.Contains(text, old) {
				t.Fatalf("examples/site.yaml has no %s", old)
			}
			text = strings.Replace(text, old, fmt.Sprintf("shutdown: %q", action), 1)
		}
		return text
	})
	dir := filepath.Dir(site)
	plan, hookLog = filepath.Join(dir, "plan.json"), filepath.Join(dir, "hook.log")
	code, out, errOut := feedplan("plan", site, "--cut", "circuit:A-11", "--shutdown", "kvm-4", "--shutdown", "app-5", "--switch-outlets",
		"--start", "2026-12-01T21:00", "--end", "2026-12-01T23:30", "--tz", "Europe/Amsterdam", "--stagger", "100ms", "--shutdown-timeout", "10s",
		"--skip-preflight", "--out", plan)
	if code != exitOK {
		t.Fatalf("feedplan plan = %d\n%s\n%s", code, out, errOut)
	}
	return site, ctl, plan, hookLog
}

// outletsOn reads a PDU over SNMP, as the technician's poll would, and
// returns the relay state of some outlets.
func outletsOn(t *testing.T, site *inventory.Site, name string, outlets ...int) []bool {
	t.Helper()
	tg := pdu.TargetOf(name, site.PDU(name).SNMP)
	tg.Timeout = time.Second
	c, err := pdu.Dial(tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := pdu.Read(context.Background(), c, tg, time.Now())
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	var out []bool
	for _, n := range outlets {
		for _, o := range r.Outlets {
			if o.Number == n {
				out = append(out, o.On != nil && *o.On)
			}
		}
	}
	return out
}

func TestPlanRunAgainstSimulator(t *testing.T) {
	sitePath, ctl, plan, hookLog := planRunSite(t)
	site, err := inventory.Load(sitePath)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(plan)
	auditPath := filepath.Join(dir, "audit.jsonl")
	statePath := runbook.DefaultStateFile(plan)
	exe, _ := os.Executable()
	hold := t.TempDir()
	hook := fmt.Sprintf("FEEDPLAN_HELPER=hook FEEDPLAN_SIM_CTL='%s' FEEDPLAN_HOOK_LOG='%s' FEEDPLAN_HOLD_AT_CUT='%s' '%s' -test.run=^TestPlanRunHelper$",
		ctl, hookLog, hold, exe)
	common := []string{plan, "--audit", auditPath, "--poll", "50ms", "--timeout", "500ms", "--retries", "0", "--power-wait", "10s", "--operator", "drill@ci"}

	// 1. The dry run says what it would do and changes nothing.
	var out, errOut bytes.Buffer
	code := cmdPlanRun(context.Background(), append(slices.Clone(common), "--yes", "--on-manual", hook), &out, &errOut)
	if code != exitOK {
		t.Fatalf("dry run = %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		"DRY RUN",
		"would POST http://127.0.0.1:",
		"/shutdown/kvm-4?token=REDACTED",
		`would run: sh -c "FEEDPLAN_HELPER=shutdown FEEDPLAN_SHUT=app-5`,
		"would SNMP SET r05-a (127.0.0.51:",
		"outlet r05-a:2 → off",
		"would stop and ask: Cut circuit:A-11 — type yes when done",
		"ok: survivor-draws surviving supplies: 4 devices that keep running on fewer supplies draw current on them now",
		"ok: surviving-load surviving side: every rating stays below 80 % (measured loads of 64 devices)",
		"DRY RUN done: nothing was changed",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "not-for-the-log") {
		t.Error("the dry run printed the shutdown URL's token")
	}
	for _, p := range []string{statePath, auditPath, hookLog} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("the dry run wrote %s (%v)", filepath.Base(p), err)
		}
	}
	if got := outletsOn(t, site, "r05-a", 2, 10); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("after the dry run r05-a outlets 2, 10 on = %v; want both on", got)
	}
	if code, status, _ := feedplan("sim", "ctl", "--control-file", ctl, "status"); code != exitOK || strings.Contains(status, "outlet_off") || strings.Contains(status, "overdraw") {
		t.Errorf("after the dry run the simulator's state = %s; want nothing switched, nothing shut down", status)
	}

	// 2. Executed, and interrupted (as by Ctrl-C) while the technician
	// cuts: the run stops after the cut, recorded, exit 1.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(hold, "at-cut")); err == nil {
				cancel()
				os.WriteFile(filepath.Join(hold, "go"), nil, 0o644)
				return
			}
		}
	}()
	out.Reset()
	errOut.Reset()
	began := time.Now()
	code = cmdPlanRun(ctx, append(slices.Clone(common), "--execute", "--yes", "--on-manual", hook), &out, &errOut)
	first := out.String()
	if code != exitHarm || !strings.Contains(first, "STOPPED at verify-cut: INTERRUPTED: interrupted after cut") {
		t.Fatalf("interrupted run = %d; want 1, stopped after the cut\n%s\n%s", code, first, errOut.String())
	}
	t.Logf("first run, to the cut: %v", time.Since(began).Round(time.Millisecond))
	st, err := runbook.ReadState(statePath)
	if err != nil || st == nil || st.Stopped == nil || st.Stopped.Step != "verify-cut" {
		t.Fatalf("state after the interruption = %+v, %v; want stopped at verify-cut", st, err)
	}
	if st.Steps[len(st.Steps)-1].ID != "cut" {
		t.Errorf("last step done = %+v; want cut", st.Steps[len(st.Steps)-1])
	}
	// The outlets went off over SNMP before the cut: r05-b still answers
	// and says so; the simulator held all four off when the cut came.
	if got := outletsOn(t, site, "r05-b", 2, 10); !slices.Equal(got, []bool{false, false}) {
		t.Errorf("during the window r05-b outlets 2, 10 on = %v; want off", got)
	}
	if log := readFileT(t, hookLog); !strings.Contains(log, "outlets off at the cut: r05-a:10,r05-a:2,r05-b:10,r05-b:2") {
		t.Errorf("hook log = %q; want the four outlets off at the cut", log)
	}

	// 3. Resumed: the steps done are skipped, the rest runs to the end.
	out.Reset()
	errOut.Reset()
	began = time.Now()
	code = cmdPlanRun(context.Background(), append(slices.Clone(common), "--execute", "--yes", "--on-manual", hook), &out, &errOut)
	second := out.String()
	if code != exitOK {
		t.Fatalf("resumed run = %d\n%s\n%s", code, second, errOut.String())
	}
	t.Logf("resumed run, to the end: %v", time.Since(began).Round(time.Millisecond))
	for _, want := range []string{fmt.Sprintf("Resuming: %d of", len(st.Steps)), "cut: done at", "shutdown/kvm-4: done at", "ok: PDU r05-a does not answer: counted as dark",
		"ok: PDU r05-a is live", "on: r05-a:2", "DONE: all"} {
		if !strings.Contains(second, want) {
			t.Errorf("resumed run output lacks %q:\n%s", want, second)
		}
	}
	if got := outletsOn(t, site, "r05-a", 2, 10); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("after the window r05-a outlets 2, 10 on = %v; want on", got)
	}
	if got := outletsOn(t, site, "r05-b", 2, 10); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("after the window r05-b outlets 2, 10 on = %v; want on", got)
	}
	if log := readFileT(t, hookLog); strings.Count(log, "cut\n") != 1 || !strings.Contains(log, "restore\n") || !strings.Contains(log, "power-on/wave-1\n") {
		t.Errorf("hook log = %q; want the cut once (not again on resume), the restore, the power-ons", log)
	}

	// The audit log has every action, by the operator, for this plan.
	es, err := atstest.ReadAudit(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range es {
		if e.Action != "plan-run" || e.Operator != "drill@ci" || e.Plan != plan || e.Site != "ams2-suite14" {
			t.Errorf("audit entry %+v: want plan-run by drill@ci for %s", e, plan)
		}
		if strings.Contains(e.Target+e.Detail, "not-for-the-log") {
			t.Errorf("audit entry holds the URL's token: %+v", e)
		}
		count[e.Step+" "+e.Outcome]++
	}
	for what, n := range map[string]int{
		"start ok": 2, "shutdown ok": 2, "verify-off ok": 2, "outlet-off ok": 4, "outlet-on ok": 4, "on-manual ok": 4,
		"confirm auto-confirmed": 4, "verify-cut ok": 1, "verify-power ok": 1, "verify-on ok": 2, "post-check ok": 1,
		"end interrupted": 1, "end ok": 1,
	} {
		if count[what] != n {
			t.Errorf("audit: %d × %q; want %d (all: %v)", count[what], what, n, count)
		}
	}
}

func TestPlanRunRefusals(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	site := filepath.Join(dir, "site.yaml")
	b, _ := os.ReadFile("../../examples/site.yaml")
	os.WriteFile(site, b, 0o644)
	if code, out, errOut := feedplan("plan", site, "--cut", "circuit:A-11", "--start", "2026-12-01T21:00", "--end", "2026-12-01T23:30",
		"--tz", "UTC", "--skip-preflight", "--out", plan); code != exitOK {
		t.Fatalf("feedplan plan = %d\n%s\n%s", code, out, errOut)
	}
	runPlan := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := cmdPlanRun(context.Background(), args, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	// The inventory changed since the plan was made.
	os.WriteFile(site, append(b, []byte("\n# a comment\n")...), 0o644)
	if code, out := runPlan(plan); code != exitBadInput || !strings.Contains(out, "the inventory changed since the plan was made") {
		t.Errorf("plan run on a changed inventory = %d\n%s", code, out)
	}
	if code, out := runPlan(plan, "--allow-changed-site", "--timeout", "100ms", "--retries", "0"); code == exitBadInput || !strings.Contains(out, "--allow-changed-site") {
		t.Errorf("plan run --allow-changed-site = %d; want it to run\n%s", code, out)
	}
	// Another format version.
	pb, _ := os.ReadFile(plan)
	other := filepath.Join(dir, "v2.json")
	os.WriteFile(other, bytes.Replace(pb, []byte(`"version": 1`), []byte(`"version": 2`), 1), 0o644)
	if code, out := runPlan(other); code != exitBadInput || !strings.Contains(out, "plan format version 2") {
		t.Errorf("plan run on a version 2 plan = %d\n%s", code, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{plan, "--force"}, "--force needs --reason"},
		{[]string{plan, "--from", "cut", "--restart"}, "choose one"},
		{[]string{}, "want one plan file"},
	} {
		if code, out := runPlan(tc.args...); code != exitBadInput || !strings.Contains(out, tc.want) {
			t.Errorf("plan run %v = %d, %q; want 2, %q", tc.args, code, out, tc.want)
		}
	}
	if code, out := runPlan("-h"); code != exitOK || !strings.Contains(out, "feedplan plan run PLAN.json") || !strings.Contains(out, "--on-manual") {
		t.Errorf("plan run -h = %d\n%s", code, out)
	}
}
