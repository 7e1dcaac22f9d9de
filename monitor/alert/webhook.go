package alert

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"time"

	"feedplan/inventory"
)

// WebhookOptions configure a generic JSON webhook.
type WebhookOptions struct {
	URL string // where to POST

	// Token, when set, is sent as "Authorization: Bearer <token>". It is
	// a secret: it prints as <secret>, and no error or log line shows it.
	Token inventory.Secret

	Receiver    string       // the payload's "receiver" (default "feedplan")
	ExternalURL string       // the payload's "externalURL": a link back to feedplan
	Client      *http.Client // default: a new client; timeouts come from Delivery
	Delivery    Delivery
	Logger      *slog.Logger // required
}

// Webhook posts each batch of events as one JSON message in the shape of
// Alertmanager's webhook payload (version 4), so receivers written for
// Alertmanager read it as is. Notify only queues; Run delivers. Firing
// alerts are not resent: a webhook hears of each alert once firing and
// once resolved.
type Webhook struct {
	q    *queue
	url  string // safe to print
	post func(context.Context, []Event) error
}

// NewWebhook checks the options; call Run to deliver.
func NewWebhook(o WebhookOptions) (*Webhook, error) {
	u, safe, err := parseHTTPURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	if o.Receiver == "" {
		o.Receiver = "feedplan"
	}
	c := o.Client
	if c == nil {
		c = &http.Client{}
	}
	var h http.Header
	if o.Token != "" {
		h = http.Header{"Authorization": {"Bearer " + o.Token.Reveal()}}
	}
	w := &Webhook{url: safe}
	w.post = func(ctx context.Context, events []Event) error {
		if err := postJSON(ctx, c, u, webhookPayload(o.Receiver, o.ExternalURL, events), h); err != nil {
			return fmt.Errorf("webhook %s: posting %d events: %w", safe, len(events), err)
		}
		return nil
	}
	w.q, err = newQueue("webhook "+safe, o.Delivery, 0, o.Logger, w.post)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// WebhookMessage is the JSON body a webhook receives: Alertmanager's
// webhook payload.
type WebhookMessage struct {
	Version           string            `json:"version"` // "4"
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"` // "firing" when any alert fires, else "resolved"
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []WebhookAlert    `json:"alerts"`
}

// WebhookAlert is one alert of a WebhookMessage.
type WebhookAlert struct {
	Status       string            `json:"status"` // "firing" or "resolved"
	Labels       map[string]string `json:"labels"` // alertname (the rule), key, severity and the alert's labels
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"` // the zero time while firing
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

func webhookPayload(receiver, external string, events []Event) WebhookMessage {
	m := WebhookMessage{Version: "4", GroupKey: "{}:{}", Status: Resolved.String(), Receiver: receiver,
		GroupLabels: map[string]string{}, ExternalURL: external, Alerts: make([]WebhookAlert, len(events))}
	for i, ev := range events {
		ls := ev.Alert.labelSet()
		an := ev.Alert.annotations()
		m.Alerts[i] = WebhookAlert{Status: ev.Kind.String(), Labels: ls, Annotations: an,
			StartsAt: ev.StartsAt.UTC(), EndsAt: ev.EndsAt.UTC(), GeneratorURL: external, Fingerprint: fingerprint(ls)}
		if ev.Kind == Fired {
			m.Status = Fired.String()
		}
		if i == 0 {
			m.CommonLabels, m.CommonAnnotations = maps.Clone(ls), maps.Clone(an)
			continue
		}
		maps.DeleteFunc(m.CommonLabels, func(k, v string) bool { return ls[k] != v })
		maps.DeleteFunc(m.CommonAnnotations, func(k, v string) bool { return an[k] != v })
	}
	return m
}

// Notify queues the events; it never blocks. It returns an error when the
// queue was full and events were dropped.
func (w *Webhook) Notify(_ context.Context, events []Event) error { return w.q.notify(events) }

// Send posts the events once, now, with ctx's deadline: what Run does for
// each batch.
func (w *Webhook) Send(ctx context.Context, events []Event) error { return w.post(ctx, events) }

// Run delivers queued events until ctx is done, then tries once more to
// deliver what is queued.
func (w *Webhook) Run(ctx context.Context) error { return w.q.run(ctx) }

// Dropped counts the events given up on.
func (w *Webhook) Dropped() uint64 { _, d := w.q.stats(); return d }

// Format prints the webhook as its URL whatever the verb: the token is
// held in a closure, and this keeps it that way should fields change.
func (w Webhook) Format(f fmt.State, _ rune) { fmt.Fprint(f, "webhook "+w.url) }
