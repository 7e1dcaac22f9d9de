package alert

import (
	"context"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"feedplan/monitor/alert/alerttest"
)

// testLogger writes to the test's log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// run starts a notifier's Run loop and stops it, waiting, when the test
// ends.
func run(t *testing.T, r interface{ Run(context.Context) error }) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func atsAlert() Alert {
	return Alert{
		Rule: "ats-redundancy-lost", Key: "ats-r07:A", Severity: Critical,
		Summary:     "ATS ats-r07 (rack R07) lost input A — its load rides on input B alone",
		Description: "Input A of ats-r07 reads no voltage. Check breaker PA-1/7 before any work on feed B.",
		Labels:      map[string]string{"site": "dc1", "equipment": "ats-r07", "feed": "A"},
	}
}

// The Alertmanager notifier against the real Alertmanager: a fired alert
// shows up with its labels and annotations, and is gone once resolved.
func TestAlertmanagerReal(t *testing.T) {
	am := alerttest.StartAlertmanager(t)
	n, err := NewAlertmanager(AlertmanagerOptions{URL: am.URL, GeneratorURL: "http://feedplan.test/alerts",
		Delivery: Delivery{Timeout: 5 * time.Second}, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	run(t, n)
	e := newTestEngine(t, nil)
	now := time.Now().UTC().Truncate(time.Second)

	if err := n.Notify(t.Context(), e.Observe(now, []Alert{atsAlert()})); err != nil {
		t.Fatalf("Notify(fired) = %v", err)
	}
	got := am.WaitAlerts(t, 10*time.Second, func(as []amAlert) bool { return len(as) == 1 })
	if len(got) != 1 {
		t.Fatalf("alertmanager holds %d alerts after the fired one; want 1. Its output:\n%s", len(got), am.Output())
	}
	g := got[0]
	wantLabels := map[string]string{"alertname": "ats-redundancy-lost", "key": "ats-r07:A", "severity": "critical",
		"site": "dc1", "equipment": "ats-r07", "feed": "A"}
	if !maps.Equal(g.Labels, wantLabels) {
		t.Errorf("labels in alertmanager = %v; want %v", g.Labels, wantLabels)
	}
	wantAnn := map[string]string{"summary": atsAlert().Summary, "description": atsAlert().Description}
	if !maps.Equal(g.Annotations, wantAnn) {
		t.Errorf("annotations in alertmanager = %v; want %v", g.Annotations, wantAnn)
	}
	if !g.StartsAt.Equal(now) {
		t.Errorf("startsAt in alertmanager = %v; want %v", g.StartsAt, now)
	}
	// As Prometheus: valid for 4 × the resend interval (1 min).
	if lo, hi := now.Add(3*time.Minute), time.Now().Add(4*time.Minute+time.Second); g.EndsAt.Before(lo) || g.EndsAt.After(hi) {
		t.Errorf("endsAt in alertmanager = %v; want about 4 minutes after %v", g.EndsAt, now)
	}
	if g.Status.State != "active" || g.GeneratorURL != "http://feedplan.test/alerts" {
		t.Errorf("state %q, generatorURL %q in alertmanager; want active, http://feedplan.test/alerts", g.Status.State, g.GeneratorURL)
	}

	// Observed again: nothing new is posted, it stays.
	if evs := e.Observe(now.Add(time.Second), []Alert{atsAlert()}); len(evs) != 0 {
		t.Fatalf("Observe again = %v; want no events", evs)
	}

	// Resolved: Alertmanager no longer lists it (endsAt has passed). The
	// engine's clock is ahead of the wall clock here (now + 2 s): the
	// notifier must still make Alertmanager see it end.
	if err := n.Notify(t.Context(), e.Observe(now.Add(2*time.Second), nil)); err != nil {
		t.Fatalf("Notify(resolved) = %v", err)
	}
	if left := am.WaitAlerts(t, 10*time.Second, func(as []amAlert) bool { return len(as) == 0 }); len(left) != 0 {
		t.Errorf("alertmanager still holds %+v after it resolved", left)
	}
	if d := n.Dropped(); d != 0 {
		t.Errorf("Dropped() = %d; want 0", d)
	}
}

// amAlert is alerttest's view of an alert in Alertmanager.
type amAlert = alerttest.Alert

func TestAlertmanagerPostable(t *testing.T) {
	n, err := NewAlertmanager(AlertmanagerOptions{URL: "http://127.0.0.1:9093/am/", Resend: 30 * time.Second, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	n.now = func() time.Time { return at(time.Hour) }
	a := atsAlert()
	a.Value = 1.297
	ps := n.postable([]Event{
		{Kind: Fired, Alert: a, StartsAt: at(0)},
		{Kind: Resolved, Alert: a, StartsAt: at(0), EndsAt: at(10 * time.Minute)},
		{Kind: Resolved, Alert: a, StartsAt: at(0), EndsAt: at(2 * time.Hour)}, // the engine's clock ahead
	})
	if !ps[0].EndsAt.Equal(at(time.Hour+2*time.Minute)) || !ps[1].EndsAt.Equal(at(10*time.Minute)) || !ps[2].EndsAt.Equal(at(time.Hour)) {
		t.Errorf("endsAt = %v, %v, %v; want %v (now + 4 × 30 s), %v (resolved), %v (now)", ps[0].EndsAt, ps[1].EndsAt, ps[2].EndsAt,
			at(time.Hour+2*time.Minute), at(10*time.Minute), at(time.Hour))
	}
	if v := ps[0].Annotations["value"]; v != "1.297" {
		t.Errorf("value annotation = %q; want 1.297", v)
	}
	if got := n.String(); got != "alertmanager http://127.0.0.1:9093/am/" {
		t.Errorf("String() = %q", got)
	}
}

func TestNotifierOptionsRejected(t *testing.T) {
	cases := []struct {
		name string
		new  func() error
		want string
	}{
		{"alertmanager without url", func() error { _, err := NewAlertmanager(AlertmanagerOptions{Logger: discard()}); return err }, "scheme is not http"},
		{"alertmanager ftp", func() error {
			_, err := NewAlertmanager(AlertmanagerOptions{URL: "ftp://x", Logger: discard()})
			return err
		}, `url "ftp://x": scheme is not http or https`},
		{"alertmanager without logger", func() error { _, err := NewAlertmanager(AlertmanagerOptions{URL: "http://x"}); return err }, "no logger"},
		{"alertmanager negative resend", func() error {
			_, err := NewAlertmanager(AlertmanagerOptions{URL: "http://x", Resend: -1, Logger: discard()})
			return err
		}, "negative resend"},
		{"webhook without host", func() error { _, err := NewWebhook(WebhookOptions{URL: "http:///x", Logger: discard()}); return err }, "no host"},
		{"email without recipients", func() error {
			_, err := NewEmail(EmailOptions{Addr: "localhost:25", From: "feedplan@example.org", Logger: discard()})
			return err
		}, "no recipients"},
		{"email bad address", func() error {
			_, err := NewEmail(EmailOptions{Addr: "localhost", From: "feedplan@example.org", To: []string{"ops"}, Logger: discard()})
			return err
		}, `addr "localhost"`},
		{"log without logger", func() error { _, err := NewLog(nil); return err }, "no logger"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.new(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s = %v; want an error containing %q", tc.name, err, tc.want)
			}
		})
	}
}
