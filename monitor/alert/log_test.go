package alert

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLog(t *testing.T) {
	var buf bytes.Buffer
	n, err := NewLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})))
	if err != nil {
		t.Fatal(err)
	}
	warn := al("load-high", "circuit:B-04", "site", "dc1")
	warn.Summary = "circuit B-04 carries 26.1 A of 32 A (82 %)"
	events := []Event{
		{Kind: Fired, Alert: atsAlert(), StartsAt: at(0)},
		{Kind: Fired, Alert: warn, StartsAt: at(0)},
		{Kind: Resolved, Alert: atsAlert(), StartsAt: at(0), EndsAt: at(time.Minute)},
	}
	if err := n.Notify(t.Context(), events); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		`level=ERROR msg="alert firing" rule=ats-redundancy-lost key=ats-r07:A severity=critical summary="ATS ats-r07 (rack R07) lost input A — its load rides on input B alone" since=2026-03-07T22:00:00.000Z description="Input A of ats-r07 reads no voltage. Check breaker PA-1/7 before any work on feed B." labels.equipment=ats-r07 labels.feed=A labels.site=dc1`,
		`level=WARN msg="alert firing" rule=load-high key=circuit:B-04 severity=warning summary="circuit B-04 carries 26.1 A of 32 A (82 %)" since=2026-03-07T22:00:00.000Z labels.site=dc1`,
		`level=INFO msg="alert resolved" rule=ats-redundancy-lost key=ats-r07:A severity=critical summary="ATS ats-r07 (rack R07) lost input A — its load rides on input B alone" since=2026-03-07T22:00:00.000Z resolved=2026-03-07T22:01:00.000Z labels.equipment=ats-r07 labels.feed=A labels.site=dc1`,
	}
	if len(lines) != len(want) {
		t.Fatalf("Notify logged %d lines; want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want[i])
		}
	}
}

func TestMulti(t *testing.T) {
	var buf bytes.Buffer
	l, _ := NewLog(slog.New(slog.NewTextHandler(&buf, nil)))
	full, err := NewWebhook(WebhookOptions{URL: "http://127.0.0.1:1/", Delivery: Delivery{QueueSize: 1}, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	ev := []Event{{Kind: Fired, Alert: atsAlert()}, {Kind: Fired, Alert: al("psu-unpowered", "db-1:1")}}
	err = Multi(full, l).Notify(t.Context(), ev)
	if err == nil || !strings.Contains(err.Error(), "queue full") {
		t.Errorf("Multi.Notify with a full queue = %v; want queue full", err)
	}
	if strings.Count(buf.String(), "alert firing") != 2 {
		t.Errorf("the log after a failing notifier got:\n%s\nwant both events", buf.String())
	}
}
