package alert

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// AlertmanagerOptions configure an Alertmanager notifier.
type AlertmanagerOptions struct {
	// URL is Alertmanager's base URL, with its --web.route-prefix if it
	// has one: "http://127.0.0.1:9093". Alerts go to URL/api/v2/alerts.
	URL string

	// Resend is how often the alerts still firing are posted again
	// (default 1 minute, as Prometheus's --rules.alert.resend-delay).
	// Each post of a firing alert says it ends 4 × Resend later, as
	// Prometheus does: Alertmanager keeps it while feedplan keeps posting
	// and resolves it by itself within 4 minutes if feedplan stops.
	Resend time.Duration

	GeneratorURL string       // optional: a link back to feedplan, shown by Alertmanager
	Client       *http.Client // default: a new client; timeouts come from Delivery
	Delivery     Delivery
	Logger       *slog.Logger // required
}

// Alertmanager posts alerts to Alertmanager's v2 API as Prometheus does.
// Notify only queues; Run delivers and resends.
type Alertmanager struct {
	q      *queue
	url    string // safe to print
	gen    string
	post   func(context.Context, []Event) error
	resend time.Duration
	now    func() time.Time
}

// NewAlertmanager checks the options; call Run to deliver.
func NewAlertmanager(o AlertmanagerOptions) (*Alertmanager, error) {
	u, safe, err := parseHTTPURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("alertmanager: %w", err)
	}
	u = u.JoinPath("api/v2/alerts")
	if o.Resend < 0 {
		return nil, fmt.Errorf("alertmanager %s: negative resend interval %v", safe, o.Resend)
	}
	if o.Resend == 0 {
		o.Resend = time.Minute
	}
	c := o.Client
	if c == nil {
		c = &http.Client{}
	}
	a := &Alertmanager{url: safe, gen: o.GeneratorURL, resend: o.Resend, now: time.Now}
	a.post = func(ctx context.Context, events []Event) error {
		if err := postJSON(ctx, c, u, a.postable(events), nil); err != nil {
			return fmt.Errorf("alertmanager %s: posting %d alerts: %w", safe, len(events), err)
		}
		return nil
	}
	a.q, err = newQueue("alertmanager "+safe, o.Delivery, o.Resend, o.Logger, a.post)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// postableAlert is one element of Alertmanager's PostableAlerts.
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

func (a *Alertmanager) postable(events []Event) []postableAlert {
	now := a.now()
	validUntil := now.Add(4 * a.resend)
	out := make([]postableAlert, len(events))
	for i, ev := range events {
		end := ev.EndsAt
		switch {
		case ev.Kind == Fired:
			end = validUntil
		case end.After(now):
			// Alertmanager takes an end still to come for an update, and
			// keeps the later end it was given while firing: the alert
			// would stay for minutes. Whatever the clocks say, it is over.
			end = now
		}
		out[i] = postableAlert{Labels: ev.Alert.labelSet(), Annotations: ev.Alert.annotations(),
			StartsAt: ev.StartsAt.UTC(), EndsAt: end.UTC(), GeneratorURL: a.gen}
	}
	return out
}

// Notify queues the events; it never blocks. It returns an error when the
// queue was full and events were dropped.
func (a *Alertmanager) Notify(_ context.Context, events []Event) error { return a.q.notify(events) }

// Send posts the events once, now, with ctx's deadline: what Run does for
// each batch.
func (a *Alertmanager) Send(ctx context.Context, events []Event) error { return a.post(ctx, events) }

// Run delivers queued events and reposts the firing ones every Resend
// until ctx is done, then tries once more to deliver what is queued.
func (a *Alertmanager) Run(ctx context.Context) error { return a.q.run(ctx) }

// Dropped counts the events given up on: dropped from a full queue, or
// after every attempt failed.
func (a *Alertmanager) Dropped() uint64 { _, d := a.q.stats(); return d }

func (a *Alertmanager) String() string { return "alertmanager " + a.url }
