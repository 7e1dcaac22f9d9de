package alerttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const (
	// readyWithin is how long one start attempt waits for the program to
	// answer.
	readyWithin = 20 * time.Second
	// attempts is how many fresh ports Start tries.
	attempts = 3
)

// alertmanagerConfig routes everything to a receiver that sends nothing:
// the tests look at what Alertmanager holds, through its API.
const alertmanagerConfig = `route:
  receiver: "null"
  group_wait: 1h
receivers:
  - name: "null"
`

// Alertmanager is a running Alertmanager started by a test.
type Alertmanager struct {
	// URL is its base URL, "http://127.0.0.1:port"; alerts are posted to
	// URL/api/v2/alerts.
	URL string

	p *process
}

// StartAlertmanager starts Alertmanager (prometheus-alertmanager, or
// alertmanager from upstream) on a free 127.0.0.1 port, with gossip off
// (an empty --cluster.listen-address), a configuration whose root route
// goes to a receiver named "null" that sends nothing, and its storage in
// a temporary directory. It waits until /-/ready answers 200 within 20 s,
// trying 3 fresh ports, and stops it by its PID when the test ends. A
// missing binary fails the test: "prometheus-alertmanager not found:
// apt-get install prometheus-alertmanager".
func StartAlertmanager(tb testing.TB) *Alertmanager {
	tb.Helper()
	bin, ok := lookPath("prometheus-alertmanager", "alertmanager")
	if !ok {
		tb.Fatal("prometheus-alertmanager not found: apt-get install prometheus-alertmanager")
	}
	dir := tb.TempDir()
	conf := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(conf, []byte(alertmanagerConfig), 0o644); err != nil {
		tb.Fatal(err)
	}
	var lastOut string
	for attempt := range attempts {
		addr := freeTCPAddr(tb)
		data := filepath.Join(dir, fmt.Sprintf("data-%d", attempt))
		p := start(tb, "alertmanager", exec.Command(bin,
			"--config.file="+conf,
			"--storage.path="+data,
			"--web.listen-address="+addr,
			"--cluster.listen-address=",
			"--log.level=warn",
		))
		a := &Alertmanager{URL: "http://" + addr, p: p}
		if a.waitReady() {
			return a
		}
		p.stop()
		lastOut = p.out.String()
		tb.Logf("alertmanager on %s was not ready (attempt %d of %d); its output:\n%s", addr, attempt+1, attempts, lastOut)
	}
	tb.Fatalf("alertmanager was not ready within %v (%d attempts); its output:\n%s", readyWithin, attempts, lastOut)
	return nil
}

func (a *Alertmanager) waitReady() bool {
	c := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(readyWithin); time.Now().Before(deadline); {
		next := time.After(50 * time.Millisecond)
		if resp, err := c.Get(a.URL + "/-/ready"); err == nil {
			io.Copy(io.Discard, resp.Body) //nolint:errcheck
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		select {
		case <-a.p.exited:
			return false
		case <-next:
		}
	}
	return false
}

// Output is what Alertmanager printed (warnings and errors).
func (a *Alertmanager) Output() string { return a.p.out.String() }

// Alert is an alert as Alertmanager's API lists it (GettableAlert).
type Alert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
	Status       struct {
		State       string   `json:"state"` // "active", "suppressed" or "unprocessed"
		SilencedBy  []string `json:"silencedBy"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

// Alerts lists the alerts Alertmanager holds and has not seen end:
// GET /api/v2/alerts, which leaves out an alert whose endsAt has passed.
func (a *Alertmanager) Alerts(tb testing.TB) []Alert {
	tb.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(a.URL + "/api/v2/alerts")
	if err != nil {
		tb.Fatalf("alertmanager: listing alerts: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("alertmanager: listing alerts: %s: %s", resp.Status, body)
	}
	var out []Alert
	if err := json.Unmarshal(body, &out); err != nil {
		tb.Fatalf("alertmanager: listing alerts: %v in %s", err, body)
	}
	return out
}

// WaitAlerts polls Alerts until ok accepts them or within passes, and
// returns the last list; the test fails if ok never accepted it.
func (a *Alertmanager) WaitAlerts(tb testing.TB, within time.Duration, ok func([]Alert) bool) []Alert {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		as := a.Alerts(tb)
		if ok(as) {
			return as
		}
		if time.Now().After(deadline) {
			tb.Errorf("alertmanager: the alerts were not as expected within %v: %+v", within, as)
			return as
		}
		time.Sleep(50 * time.Millisecond) // polling a real server
	}
}
