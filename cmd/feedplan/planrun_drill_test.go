package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"feedplan/monitor/atstest"
	"feedplan/planner"
)

// drillScript is the drill's hook and every device's shutdown action: it
// hands the step to the test (a request file in dir) and waits until the
// test has played it — no process of its own to start. "$1 $2", when
// given, is "shutdown DEVICE" (a shutdown action); else the step is the
// manual one 'plan run' names in its environment.
const drillScript = `d=$(dirname "$0"); id=$$.$(date +%s%N)
kind=${1:-$FEEDPLAN_STEP_KIND}; dev=${2:-$FEEDPLAN_DEVICE}
printf '%s|%s|%s\n' "$kind" "$FEEDPLAN_STEP_ID" "$dev" > "$d/req.$id.tmp" && mv "$d/req.$id.tmp" "$d/req.$id"
while [ ! -e "$d/done.$id" ]; do sleep 0.01; done
`

// drill plays every device and the technician of the example window
// against the simulator, serving the requests drillScript writes in dir:
// a device shut down (by its action or by hand) stops drawing; the cut and
// the restore switch feed A; starting a wave brings every device shut
// down back. It logs the manual steps and keeps the devices shut down.
type drill struct {
	dir, ctl string
	mu       sync.Mutex
	steps    []string // the manual steps, in order
	stopped  []string // devices shut down, in order
}

func (d *drill) serve(t *testing.T, ctx context.Context) {
	simctl := func(args ...string) {
		var out, errOut bytes.Buffer
		if code := run(append([]string{"sim", "ctl", "--control-file", d.ctl}, args...), &out, &errOut); code != exitOK {
			t.Errorf("sim ctl %v: %s", args, errOut.String())
		}
	}
	for ctx.Err() == nil {
		reqs, _ := filepath.Glob(filepath.Join(d.dir, "req.*"))
		for _, r := range reqs {
			if strings.HasSuffix(r, ".tmp") {
				continue
			}
			b, err := os.ReadFile(r)
			if err != nil {
				continue
			}
			f := strings.Split(strings.TrimSpace(string(b)), "|")
			if len(f) != 3 {
				t.Errorf("drill request %q: want KIND|STEP|DEVICE", b)
				f = []string{"", "", ""}
			}
			kind, step, dev := f[0], f[1], f[2]
			d.mu.Lock()
			if step != "" {
				d.steps = append(d.steps, step)
			}
			switch kind {
			case "shutdown":
				simctl("overdraw", dev, "0")
				d.stopped = append(d.stopped, dev)
			case "cut":
				simctl("cut", "source:A")
			case "restore":
				simctl("restore", "source:A")
			case "power-on":
				for _, dev := range d.stopped {
					simctl("overdraw", dev, "1")
				}
			}
			d.mu.Unlock()
			os.Remove(r)
			os.WriteFile(filepath.Join(d.dir, "done."+strings.TrimPrefix(filepath.Base(r), "req.")), nil, 0o644)
		}
		time.Sleep(5 * time.Millisecond) // polling for the next request
	}
}

// The example site's Friday window, end to end against the simulator: the
// plan from live readings (a go, with the shedding it proposes and the
// newsletter's outage accepted), its dry run, and its execution — every
// shutdown, the outlets switched off over SNMP, feed A cut and restored,
// the wave-by-wave power-up, the post-checks — with a drill hook in the
// technician's place.
func TestPlanRunExampleDrill(t *testing.T) {
	hookDir := t.TempDir()
	script := filepath.Join(hookDir, "drill.sh")
	if err := os.WriteFile(script, []byte(drillScript), 0o755); err != nil {
		t.Fatal(err)
	}
	// Every device's shutdown action becomes the drill's.
	site, ctl := simSiteWith(t, func(text, _ string) string {
		edited := regexp.MustCompile(`shutdown: "ssh (\S+) sudo systemctl poweroff"`).ReplaceAllString(text, `shutdown: "sh '`+script+`' shutdown ${1}"`)
		if edited == text {
			t.Fatal("no shutdown action of the example site was replaced")
		}
		return edited
	})
	d := &drill{dir: hookDir, ctl: ctl}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { d.serve(t, ctx); close(served) }()
	defer func() { stop(); <-served }()
	dir := filepath.Dir(site)
	// ats-r07 failed its last test: in the drill it fails to transfer, as
	// the plan assumes (as-tested).
	if code, _, errOut := feedplan("sim", "ctl", "--control-file", ctl, "ats-fail", "ats-r07"); code != exitOK {
		t.Fatalf("sim ctl ats-fail: %s", errOut)
	}
	plan := filepath.Join(dir, "plan.json")
	args := append(append([]string{"plan", site, "--cut", "source:A"}, planWindow...), planShed...)
	args = append(args, "--switch-outlets", "--stagger", "50ms", "--shutdown-timeout", "5s", "--out", plan)
	if code, out, errOut := feedplan(args...); code != exitOK {
		t.Fatalf("feedplan plan against the simulator = %d; want a go\n%s\n%s", code, out, errOut)
	}
	var p planner.Plan
	if err := json.Unmarshal([]byte(readFileT(t, plan)), &p); err != nil {
		t.Fatal(err)
	}
	if p.Verdict != planner.VerdictGo || len(p.PowerDown) < 10 {
		t.Fatalf("plan verdict %q with %d devices to shut down; want a go shutting down the ATS row and the shed devices", p.Verdict, len(p.PowerDown))
	}

	audit := filepath.Join(dir, "audit.jsonl")
	hook := "sh '" + script + "'"
	common := []string{plan, "--audit", audit, "--poll", "50ms", "--timeout", "500ms", "--retries", "0", "--power-wait", "10s", "--operator", "drill@ci", "--yes", "--on-manual", hook}

	var out, errOut bytes.Buffer
	if code := cmdPlanRun(context.Background(), slices.Clone(common), &out, &errOut); code != exitOK {
		t.Fatalf("dry run = %d\n%s\n%s", code, out.String(), errOut.String())
	}
	if code, status, _ := feedplan("sim", "ctl", "--control-file", ctl, "status"); code != exitOK || strings.Contains(status, "outlet_off") || strings.Contains(status, `"cut"`) {
		t.Fatalf("the dry run changed the simulator: %s", status)
	}

	out.Reset()
	errOut.Reset()
	code := cmdPlanRun(context.Background(), append(slices.Clone(common), "--execute"), &out, &errOut)
	if code != exitOK || !strings.Contains(out.String(), fmt.Sprintf("DONE: all %d steps of the plan are done", len(p.Steps))) {
		t.Fatalf("executed drill = %d\n%s\n%s", code, out.String(), errOut.String())
	}
	// Everything is back: feed A restored, no outlet left off, no device
	// left stopped.
	_, status, _ := feedplan("sim", "ctl", "--control-file", ctl, "status")
	var st struct {
		Cut       []string           `json:"cut"`
		OutletOff []string           `json:"outlet_off"`
		Overdraw  map[string]float64 `json:"overdraw"`
	}
	if err := json.Unmarshal([]byte(status), &st); err != nil {
		t.Fatalf("sim status %q: %v", status, err)
	}
	if len(st.Cut) != 0 || len(st.OutletOff) != 0 {
		t.Errorf("after the drill the simulator still has %v cut and %v off", st.Cut, st.OutletOff)
	}
	for d, f := range st.Overdraw {
		if f != 1 {
			t.Errorf("after the drill %s draws ×%g", d, f)
		}
	}
	// Every device shut down was shut down by its action or by hand, once.
	d.mu.Lock()
	got := slices.Clone(d.stopped)
	steps := strings.Join(d.steps, "\n") + "\n"
	d.mu.Unlock()
	slices.Sort(got)
	var want []string
	for _, pd := range p.PowerDown {
		want = append(want, pd.Device)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("devices shut down %v; want %v", got, want)
	}
	// The audit log has every outlet switched off and on again.
	entries, err := atstest.ReadAudit(audit)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range entries {
		if e.Outcome == "ok" || e.Outcome == "done" {
			count[e.Step]++
		}
	}
	var outlets int
	for _, pd := range p.PowerDown {
		outlets += len(pd.Outlets)
	}
	if count["outlet-off"] < len(p.PowerDown) || count["outlet-on"] < len(p.PowerDown) {
		t.Errorf("audit: %d outlet-off and %d outlet-on entries for %d devices (%d outlets); counts %v", count["outlet-off"], count["outlet-on"], len(p.PowerDown), outlets, count)
	}
	if !strings.Contains(steps, "cut\n") || !strings.Contains(steps, "restore\n") {
		t.Errorf("the technician was not asked to cut and restore: %q", steps)
	}
}
