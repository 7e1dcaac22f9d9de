package main

import (
	"strings"
	"testing"
	"time"

	"feedplan/monitor/alert/alerttest"
)

// TestMonitorOnceAlertsAlertmanager runs one monitor cycle against the
// simulated site and checks what it finds reaches a real Alertmanager.
func TestMonitorOnceAlertsAlertmanager(t *testing.T) {
	site, ctlFile := simSite(t)
	am := alerttest.StartAlertmanager(t)
	if code, _, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "psu-fail", "kvm-1:2"); code != exitOK {
		t.Fatalf("sim ctl psu-fail = %d: %s", code, errOut)
	}
	code, out, errOut := feedplan("monitor", site, "--once", "--alertmanager", am.URL)
	if code != exitHarm {
		t.Fatalf("feedplan monitor --once = %d; want 1 (critical conditions)\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"ats-test-failed", "failover-risk", "psu-unpowered", "kvm-1 psu2 draws 0 A"} {
		if !strings.Contains(out, want) {
			t.Errorf("monitor --once output lacks %q:\n%s", want, out)
		}
	}
	got := am.WaitAlerts(t, 10*time.Second, func(as []alerttest.Alert) bool {
		for _, a := range as {
			if a.Labels["alertname"] == "psu-unpowered" && a.Labels["key"] == "kvm-1:2" {
				return true
			}
		}
		return false
	})
	names := map[string]bool{}
	for _, a := range got {
		names[a.Labels["alertname"]] = true
	}
	for _, want := range []string{"ats-test-failed", "failover-risk", "psu-unpowered"} {
		if !names[want] {
			t.Errorf("Alertmanager has %v; want %s among them", names, want)
		}
	}
}
