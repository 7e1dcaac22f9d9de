package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// simSite writes the example site with every SNMP address given the port
// port, and runs 'feedplan sim --per-device' on it: each PDU and ATS
// answers at its own inventory address, so 'poll' and 'whatif --live'
// use the inventory unchanged.
func simSite(t *testing.T) (site, ctlFile string) { return simSiteWith(t, nil) }

// simSiteWith is simSite with the site's text edited first (edit gets the
// control file's path too, for actions that drive the simulator).
func simSiteWith(t *testing.T, edit func(text, ctlFile string) string) (site, ctlFile string) {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	b, err := os.ReadFile("../../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`address: (127\.0\.0\.\d+)`).ReplaceAllString(string(b), fmt.Sprintf("address: ${1}:%d", port))
	dir := t.TempDir()
	site, ctlFile = filepath.Join(dir, "site.yaml"), filepath.Join(dir, "sim.json")
	if edit != nil {
		text = edit(text, ctlFile)
	}
	if err := os.WriteFile(site, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	startSim(t, site, ctlFile, port)
	return site, ctlFile
}

// startSim runs 'feedplan sim --per-device' on site, every device on its
// inventory address at port, until the test ends.
func startSim(t *testing.T, site, ctlFile string, port int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, []string{"sim", site, "--per-device", "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--control-file", ctlFile}, &stdout, &stderr)
	}()
	t.Cleanup(func() { cancel(); <-done })
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), "Running"); {
		if time.Now().After(deadline) {
			t.Fatalf("feedplan sim --per-device did not start:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling the banner of a process that is starting
	}
}

func TestPollAndLiveWhatif(t *testing.T) {
	site, ctlFile := simSite(t)

	code, out, errOut := feedplan("poll", site)
	if code != exitOK {
		t.Fatalf("feedplan poll = %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"apc-rpdu", "raritan-px", "servertech-sentry4", "eaton-epdu", "apc-ats", "on A (prefers A)"} {
		if !strings.Contains(out, want) {
			t.Errorf("feedplan poll output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "\n") < 21 {
		t.Errorf("feedplan poll printed %d lines; want a header and the 20 PDUs and ATS units:\n%s", strings.Count(out, "\n"), out)
	}

	// kvm-1's B supply dies silently: the poll sees 0 A on r05-b:1 (a
	// Sentry4 meters outlets) while r05-a:1 carries kvm-1, and a live
	// what-if of cutting feed A shows kvm-1 going down.
	if code, _, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "psu-fail", "kvm-1:2"); code != exitOK {
		t.Fatalf("sim ctl psu-fail = %d: %s", code, errOut)
	}
	code, out, errOut = feedplan("whatif", site, "--cut", "source:A", "--live", "-o", "json")
	if code != exitHarm {
		t.Fatalf("whatif --live = %d; want 1\n%s", code, errOut)
	}
	var res struct {
		Measured int `json:"devices_measured"`
		Down     []struct {
			Device string `json:"device"`
		} `json:"down"`
		Findings []struct{ Kind, Where string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("whatif --live -o json: %v\n%s", err, out)
	}
	if res.Measured == 0 {
		t.Error("whatif --live measured no device")
	}
	down := false
	for _, d := range res.Down {
		down = down || d.Device == "kvm-1"
	}
	if !down {
		t.Errorf("whatif --live down = %+v; want kvm-1 (its B supply is dead)", res.Down)
	}
	silent := false
	for _, f := range res.Findings {
		silent = silent || f.Kind == "silent-psu" && f.Where == "kvm-1"
	}
	if !silent {
		t.Errorf("whatif --live findings = %+v; want a silent-psu finding for kvm-1", res.Findings)
	}

	// One device by address; then a dead one makes the poll fail (exit 1)
	// and say which.
	addr := regexp.MustCompile(`address: (127\.0\.0\.11:\d+)`).FindStringSubmatch(readFileT(t, site))[1]
	code, out, errOut = feedplan("poll", "--target", addr, "--community", "r01-a")
	if code != exitOK || !strings.Contains(out, "AP8959EU3") || !strings.Contains(out, "OUTLET") {
		t.Errorf("feedplan poll --target %s = %d\n%s\n%s", addr, code, out, errOut)
	}
	if code, _, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "dead", "r02-a"); code != exitOK {
		t.Fatalf("sim ctl dead = %d: %s", code, errOut)
	}
	code, out, _ = feedplan("poll", site, "--timeout", "200ms", "--retries", "0")
	if code != exitHarm || !regexp.MustCompile(`r02-a .*timed out`).MatchString(out) {
		t.Errorf("feedplan poll with r02-a dead = %d; want 1 and r02-a timed out:\n%s", code, out)
	}
}

func readFileT(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
