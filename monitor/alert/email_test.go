package alert

import (
	"bytes"
	"crypto/tls"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"feedplan/monitor/alert/alerttest"
)

// readMessage parses a delivered message: its headers, the decoded
// subject and the decoded body.
func readMessage(t *testing.T, raw []byte) (*mail.Message, string, string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("reading the delivered message: %v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decoding the subject %q: %v", m.Header.Get("Subject"), err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatalf("decoding the body: %v", err)
	}
	return m, subject, string(body)
}

// E-mail through a real Postfix: STARTTLS (required, and verified against
// its certificate), one message per batch with the summary, description
// and labels of each alert, delivered to a mailbox.
func TestEmailPostfix(t *testing.T) {
	pf := alerttest.StartPostfix(t)
	n, err := NewEmail(EmailOptions{
		Addr: pf.Addr, From: "feedplan <feedplan@example.org>", To: []string{"Ops <ops@" + alerttest.Domain + ">"},
		TLS: &tls.Config{RootCAs: pf.RootCAs}, RequireTLS: true,
		Delivery: Delivery{Timeout: 10 * time.Second}, Logger: testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, nil)
	psu := al("psu-unpowered", "db-1:2", "site", "dc1", "equipment", "db-1")
	psu.Severity = Critical
	psu.Summary = "db-1 PSU 2 (r01-b:7) is unpowered: PSU 1 carries all 412 W"
	psu.Description = "Check outlet r01-b:7 and its cord.\nUntil then, feed A maintenance takes db-1 down."

	// Sent directly: the first batch, two alerts firing.
	if err := n.Send(t.Context(), e.Observe(at(0), []Alert{atsAlert(), psu})); err != nil {
		t.Fatalf("Send = %v\npostfix log:\n%s", err, pf.Log())
	}
	// Through the queue: one resolved.
	run(t, n)
	if err := n.Notify(t.Context(), e.Observe(at(time.Minute), []Alert{atsAlert()})); err != nil {
		t.Fatal(err)
	}
	msgs := pf.WaitMessages(t, 2, 15*time.Second)
	// Postfix may deliver the second before the first: find them by
	// subject.
	if _, subject, _ := readMessage(t, msgs[0]); strings.Contains(subject, "RESOLVED") {
		msgs[0], msgs[1] = msgs[1], msgs[0]
	}

	m, subject, body := readMessage(t, msgs[0])
	if want := "[feedplan] FIRING 2: " + atsAlert().Summary + " (and 1 more)"; subject != want {
		t.Errorf("subject = %q; want %q", subject, want)
	}
	if got := m.Header.Get("From"); got != `"feedplan" <feedplan@example.org>` {
		t.Errorf("From = %q", got)
	}
	if got := m.Header.Get("To"); got != `"Ops" <ops@example.test>` {
		t.Errorf("To = %q", got)
	}
	if got := m.Header.Get("Received"); !strings.Contains(got, "using TLS") {
		t.Errorf("Received = %q; want the message to have come over TLS", got)
	}
	for _, want := range []string{
		"FIRING [critical] " + atsAlert().Summary,
		atsAlert().Description,
		"FIRING [critical] " + psu.Summary,
		psu.Description,
		"  since:    2026-03-07T22:00:00Z\n",
		"  alertname = psu-unpowered\n",
		"  equipment = ats-r07\n",
		"  feed = A\n",
		"  key = db-1:2\n",
		"  site = dc1\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}

	_, subject, body = readMessage(t, msgs[1])
	if want := "[feedplan] RESOLVED 1: " + psu.Summary; subject != want {
		t.Errorf("second subject = %q; want %q", subject, want)
	}
	if want := "  resolved: 2026-03-07T22:01:00Z\n"; !strings.Contains(body, want) {
		t.Errorf("second body lacks %q:\n%s", want, body)
	}
}

// An MTA whose certificate does not verify gets nothing.
func TestEmailPostfixUntrusted(t *testing.T) {
	pf := alerttest.StartPostfix(t)
	n, err := NewEmail(EmailOptions{Addr: pf.Addr, From: "feedplan@example.org", To: []string{"ops@" + alerttest.Domain}, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	err = n.Send(t.Context(), []Event{{Kind: Fired, Alert: atsAlert(), StartsAt: at(0)}})
	if err == nil || !strings.Contains(err.Error(), "starttls: tls: failed to verify certificate") {
		t.Errorf("Send to an MTA with an unknown certificate = %v; want starttls: tls: failed to verify certificate", err)
	}
}
