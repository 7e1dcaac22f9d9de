package alert

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"feedplan/inventory"
)

const token = "s3cret-t0ken"

// hook is a webhook receiver: it records what it was sent, and answers
// with status (200 when zero).
type hook struct {
	mu     sync.Mutex
	msgs   []WebhookMessage
	auth   []string
	status int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/hooks/feedplan" || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, fmt.Sprintf("unexpected %s %s (%s)", r.Method, r.URL.Path, r.Header.Get("Content-Type")), http.StatusTeapot)
		return
	}
	if h.status != 0 {
		http.Error(w, "not today", h.status)
		return
	}
	var m WebhookMessage
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.msgs = append(h.msgs, m)
	h.auth = append(h.auth, r.Header.Get("Authorization"))
}

func (h *hook) received() ([]WebhookMessage, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.msgs, h.auth
}

func TestWebhook(t *testing.T) {
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	n, err := NewWebhook(WebhookOptions{URL: srv.URL + "/hooks/feedplan", Token: token, ExternalURL: "http://feedplan.test",
		Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	run(t, n)

	e := newTestEngine(t, nil)
	other := al("psu-unpowered", "db-1:1", "site", "dc1", "feed", "A")
	other.Severity = Critical
	fired := e.Observe(at(0), []Alert{atsAlert(), other})
	resolved := e.Observe(at(time.Minute), []Alert{other})
	var msgs []WebhookMessage
	var auth []string
	for i, evs := range [][]Event{fired, resolved} {
		if err := n.Notify(t.Context(), evs); err != nil {
			t.Fatal(err)
		}
		// One message each: events queued together go in one message.
		for deadline := time.Now().Add(10 * time.Second); len(msgs) <= i && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			msgs, auth = h.received()
		}
	}
	if len(msgs) != 2 {
		t.Fatalf("the webhook received %d messages; want 2", len(msgs))
	}
	for i, a := range auth {
		if a != "Bearer "+token {
			t.Errorf("message %d: Authorization %q; want the bearer token", i+1, a)
		}
	}

	m := msgs[0]
	if m.Version != "4" || m.Status != "firing" || m.Receiver != "feedplan" || m.ExternalURL != "http://feedplan.test" || len(m.Alerts) != 2 {
		t.Fatalf("first message: version %q, status %q, receiver %q, externalURL %q, %d alerts; want 4, firing, feedplan, http://feedplan.test, 2",
			m.Version, m.Status, m.Receiver, m.ExternalURL, len(m.Alerts))
	}
	a := m.Alerts[0]
	want := map[string]string{"alertname": "ats-redundancy-lost", "key": "ats-r07:A", "severity": "critical", "site": "dc1", "equipment": "ats-r07", "feed": "A"}
	if a.Status != "firing" || !maps.Equal(a.Labels, want) || a.Annotations["summary"] != atsAlert().Summary ||
		a.Annotations["description"] != atsAlert().Description || !a.StartsAt.Equal(at(0)) || !a.EndsAt.IsZero() || a.Fingerprint == "" {
		t.Errorf("first alert = %+v; want firing with labels %v, the summary and description, since %v", a, want, at(0))
	}
	if want := map[string]string{"site": "dc1", "feed": "A", "severity": "critical"}; !maps.Equal(m.CommonLabels, want) {
		t.Errorf("commonLabels = %v; want %v", m.CommonLabels, want)
	}

	m = msgs[1]
	if m.Status != "resolved" || len(m.Alerts) != 1 || m.Alerts[0].Status != "resolved" || m.Alerts[0].Labels["key"] != "ats-r07:A" ||
		!m.Alerts[0].EndsAt.Equal(at(time.Minute)) || m.Alerts[0].Fingerprint != a.Fingerprint {
		t.Errorf("second message = %+v; want ats-r07:A resolved at %v, with the same fingerprint", m, at(time.Minute))
	}
}

// A 4xx answer is not retried; a 5xx is. Neither error shows the token,
// nor the password of a URL.
func TestWebhookErrors(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{http.StatusBadRequest, true}, {http.StatusTooManyRequests, false}, {http.StatusBadGateway, false}} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			srv := httptest.NewServer(&hook{status: tc.status})
			defer srv.Close()
			u := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1) + "/hooks/feedplan"
			n, err := NewWebhook(WebhookOptions{URL: u, Token: token, Logger: discard()})
			if err != nil {
				t.Fatal(err)
			}
			err = n.Send(t.Context(), []Event{{Kind: Fired, Alert: atsAlert(), StartsAt: at(0)}})
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("answered %d", tc.status)) {
				t.Fatalf("Send to a webhook answering %d = %v; want answered %d", tc.status, err, tc.status)
			}
			if isPermanent(err) != tc.permanent {
				t.Errorf("Send to a webhook answering %d: permanent = %v; want %v", tc.status, isPermanent(err), tc.permanent)
			}
			if s := err.Error(); strings.Contains(s, token) || strings.Contains(s, "hunter2") {
				t.Errorf("error shows a secret: %s", s)
			}
		})
	}
}

// Secrets never print: not the webhook's token, not the SMTP password,
// whatever the verb, in the options or the notifiers.
func TestSecretsNeverPrint(t *testing.T) {
	wo := WebhookOptions{URL: "http://127.0.0.1:1/hook", Token: token, Logger: discard()}
	eo := EmailOptions{Addr: "127.0.0.1:25", From: "feedplan@example.org", To: []string{"ops@example.test"},
		Username: "feedplan", Password: inventory.Secret(token), Logger: discard()}
	w, err := NewWebhook(wo)
	if err != nil {
		t.Fatal(err)
	}
	em, err := NewEmail(eo)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{wo, &wo, w, *w, eo, &eo, em, *em} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, token) || strings.Contains(out, hex.EncodeToString([]byte(token))) {
				t.Errorf("Sprintf(%q, %T) shows the secret: %s", verb, v, out)
			}
		}
	}
	if got := fmt.Sprint(wo.Token); got != "<secret>" {
		t.Errorf("the token prints as %q; want <secret>", got)
	}
}
