package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feedplan/monitor/alert/alerttest"
	"feedplan/monitor/influx/influxtest"
	"feedplan/monitor/store"
)

// TestMonitorOnceAlertsAlertmanager runs one monitor cycle against the
// simulated site and checks what it finds reaches a real Alertmanager.
func TestMonitorOnceAlertsAlertmanager(t *testing.T) {
	site, ctlFile := simSite(t)
	am := alerttest.StartAlertmanager(t)
	if code, _, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "psu-fail", "kvm-1:2"); code != exitOK {
		t.Fatalf("sim ctl psu-fail = %d: %s", code, errOut)
	}
	state := filepath.Join(t.TempDir(), "feedplan.db")
	// A maintenance window silences what it expects (ats-test-failed)
	// and nothing else.
	if code, out, errOut := feedplan("window", "add", "--state", state, "--start", "2020-01-01T00:00", "--end", "2099-01-01T00:00",
		"--reason", "ats-r07 replacement, CHG-42", "--match", "rule=ats-test-failed"); code != exitOK {
		t.Fatalf("feedplan window add = %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := feedplan("monitor", site, "--once", "--alertmanager", am.URL, "--state", state)
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
	for _, want := range []string{"failover-risk", "psu-unpowered"} {
		if !names[want] {
			t.Errorf("Alertmanager has %v; want %s among them", names, want)
		}
	}
	if names["ats-test-failed"] {
		t.Errorf("Alertmanager has ats-test-failed although a maintenance window silences it: %v", names)
	}
	if code, out, _ := feedplan("window", "list", "--state", state); code != exitOK || !strings.Contains(out, "CHG-42") {
		t.Errorf("feedplan window list = %d\n%s", code, out)
	}
	// Without InfluxDB the cycle's readings stay in the store.
	db, err := store.Open(state, store.Options{Logger: infoLogger(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snaps, err := db.Readings(time.Time{}, 0)
	if err != nil || len(snaps) != 1 || len(snaps[0].Devices) != 20 {
		t.Fatalf("store readings = %d snapshots, %v; want one cycle of 20 devices", len(snaps), err)
	}
	active, err := db.ActiveAlerts()
	if err != nil || len(active) == 0 {
		t.Errorf("store active alerts = %v, %v; want the alerts that fired", active, err)
	}
}

// TestMonitorOnceWritesInfluxDB runs one monitor cycle with a real
// InfluxDB and finds every PDU's phase readings there.
func TestMonitorOnceWritesInfluxDB(t *testing.T) {
	site, _ := simSite(t)
	db := influxtest.StartOptions(t, influxtest.Options{NoFlux: true})
	spool := t.TempDir()
	code, out, errOut := feedplan("monitor", site, "--once", "--influx", db.URL, "--spool", spool, "--state", filepath.Join(spool, "state.db"))
	if code != exitHarm {
		t.Fatalf("feedplan monitor --once --influx = %d\n%s\n%s", code, out, errOut)
	}
	series, err := db.Query(`SELECT count("amps") FROM "pdu_phase" GROUP BY "pdu"`)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 18 {
		t.Errorf("pdu_phase in InfluxDB has %d PDUs; want the site's 18", len(series))
	}
	series, err = db.Query(`SELECT last("selected") FROM "ats" WHERE "ats" = 'ats-r07'`)
	if err != nil || len(series) != 1 || len(series[0].Values) != 1 || series[0].Values[0][1] != "A" {
		t.Errorf("ats-r07 selected input in InfluxDB = %+v, %v; want A", series, err)
	}
}

// TestMonitorUsesRecordedATSTests: a passed 'feedplan ats-test' of
// ats-r07 clears the failed test the inventory records.
func TestMonitorUsesRecordedATSTests(t *testing.T) {
	site, _ := simSite(t)
	state := filepath.Join(t.TempDir(), "feedplan.db")
	_, out, _ := feedplan("monitor", site, "--once", "--state", state)
	if !strings.Contains(out, "ats-r07 failed its last switchover test (2026-02-14)") {
		t.Fatalf("monitor --once before the test lacks ats-r07's failed test:\n%s", out)
	}
	if code, out, errOut := feedplan("ats-test", site, "ats-r07", "--execute", "--force", "--reason", "relay replaced, CHG-77",
		"--state", state, "--audit", filepath.Join(t.TempDir(), "audit.jsonl"), "--poll", "50ms"); code != exitOK {
		t.Fatalf("ats-test ats-r07 = %d\n%s\n%s", code, out, errOut)
	}
	_, out, _ = feedplan("monitor", site, "--once", "--state", state)
	if strings.Contains(out, "ats-r07 failed") || strings.Contains(out, "ats-test-overdue") && strings.Contains(out, "ats-r07") {
		t.Errorf("monitor --once after a passed test still reports ats-r07's test:\n%s", out)
	}
}

// TestMonitorOnceEmails runs one monitor cycle with e-mail alerts through
// a real Postfix on loopback, its STARTTLS certificate verified against
// the CA given with --smtp-ca.
func TestMonitorOnceEmails(t *testing.T) {
	site, ctlFile := simSite(t)
	pf := alerttest.StartPostfix(t)
	if code, _, errOut := feedplan("sim", "ctl", "--control-file", ctlFile, "psu-fail", "kvm-1:2"); code != exitOK {
		t.Fatalf("sim ctl psu-fail = %d: %s", code, errOut)
	}
	state := filepath.Join(t.TempDir(), "feedplan.db")
	ca := filepath.Join(pf.ConfigDir(), "cert.pem")
	code, out, errOut := feedplan("monitor", site, "--once", "--state", state,
		"--smtp", pf.Addr, "--smtp-ca", ca, "--mail-from", "feedplan <feedplan@ops.test>", "--mail-to", "noc@"+alerttest.Domain)
	if code != exitHarm {
		t.Fatalf("feedplan monitor --once --smtp = %d; want 1\n%s\n%s", code, out, errOut)
	}
	msgs := pf.WaitMessages(t, 1, 20*time.Second)
	body := string(msgs[0])
	for _, want := range []string{"psu-unpowered", "kvm-1"} {
		if !strings.Contains(body, want) {
			t.Errorf("the alert mail lacks %q:\n%s", want, body)
		}
	}
	if log := pf.Log(); !strings.Contains(log, "starttls=1 mail=1") || !strings.Contains(body, "(using TLS") {
		t.Errorf("the mail did not come over STARTTLS; Postfix log:\n%s", log)
	}
	// A CA file that is not one is bad input.
	if code, _, errOut := feedplan("monitor", site, "--once", "--state", state, "--smtp", pf.Addr, "--smtp-ca", site, "--mail-to", "noc@"+alerttest.Domain); code != exitBadInput || !strings.Contains(errOut, "no PEM certificate") {
		t.Errorf("--smtp-ca with a YAML file = %d, %q; want exit 2", code, errOut)
	}
}
