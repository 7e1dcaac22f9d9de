package alert

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strings"
	"time"

	"feedplan/inventory"
)

// EmailOptions configure e-mail over SMTP.
type EmailOptions struct {
	Addr string   // the MTA, "host:port" ("localhost:25", "smtp.example.org:587")
	From string   // "feedplan <feedplan@example.org>"
	To   []string // recipients

	// Username and Password, when set, log in with AUTH PLAIN — which Go
	// refuses to send unencrypted except to localhost, so a remote MTA
	// must offer STARTTLS. Password is a secret: it never prints.
	Username string
	Password inventory.Secret

	// TLS is the configuration for STARTTLS, which is used whenever the
	// MTA offers it (default: verify the certificate for Addr's host).
	TLS *tls.Config
	// RequireTLS refuses to send when the MTA does not offer STARTTLS.
	RequireTLS bool

	Hello    string // the EHLO name (default "localhost")
	Delivery Delivery
	Logger   *slog.Logger // required
}

// Email sends each batch of events as one plain-text message: the subject
// counts what fires and what resolved and names the first alert; the body
// gives each alert's summary, description and labels. Notify only queues;
// Run delivers. Firing alerts are not resent.
type Email struct {
	q    *queue
	o    EmailOptions
	host string
	from *mail.Address
	to   []*mail.Address
	now  func() time.Time
}

// NewEmail checks the options; call Run to deliver.
func NewEmail(o EmailOptions) (*Email, error) {
	var errs []error
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		errs = append(errs, fmt.Errorf("addr %q: %w", o.Addr, err))
	}
	from, err := mail.ParseAddress(o.From)
	if err != nil {
		errs = append(errs, fmt.Errorf("from %q: %w", o.From, err))
	}
	if len(o.To) == 0 {
		errs = append(errs, errors.New("no recipients"))
	}
	var to []*mail.Address
	for _, s := range o.To {
		a, err := mail.ParseAddress(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("to %q: %w", s, err))
			continue
		}
		to = append(to, a)
	}
	if o.Password != "" && o.Username == "" {
		errs = append(errs, errors.New("a password without a username"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	if o.Hello == "" {
		o.Hello = "localhost"
	}
	e := &Email{o: o, host: host, from: from, to: to, now: time.Now}
	e.q, err = newQueue("email via "+o.Addr, o.Delivery, 0, o.Logger, e.Send)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Notify queues the events; it never blocks. It returns an error when the
// queue was full and events were dropped.
func (e *Email) Notify(_ context.Context, events []Event) error { return e.q.notify(events) }

// Run delivers queued events until ctx is done, then tries once more to
// deliver what is queued.
func (e *Email) Run(ctx context.Context) error { return e.q.run(ctx) }

// Dropped counts the events given up on.
func (e *Email) Dropped() uint64 { _, d := e.q.stats(); return d }

// Format prints the notifier as its MTA whatever the verb, never the
// password: fmt prints unexported fields raw, without their methods.
func (e Email) Format(f fmt.State, _ rune) { fmt.Fprint(f, "email via "+e.o.Addr) }

// Send delivers the events as one message, now, within ctx's deadline:
// what Run does for each batch.
func (e *Email) Send(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	if err := e.send(ctx, e.message(events)); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		}
		return fmt.Errorf("email via %s: %w", e.o.Addr, err)
	}
	return nil
}

func (e *Email) send(ctx context.Context, msg []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.o.Addr)
	if err != nil {
		return err
	}
	// net/smtp knows no contexts: the deadline bounds every read and
	// write, and a cancelled context closes the connection.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(e.o.Hello); err != nil {
		return fmt.Errorf("ehlo: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := e.o.TLS.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		if cfg.ServerName == "" {
			cfg.ServerName = e.host
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	} else if e.o.RequireTLS {
		return permanent{errors.New("the server does not offer STARTTLS, and TLS is required")}
	}
	if e.o.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return permanent{errors.New("the server does not offer AUTH")}
		}
		if err := c.Auth(smtp.PlainAuth("", e.o.Username, e.o.Password.Reveal(), e.host)); err != nil {
			return fmt.Errorf("auth as %q: %w", e.o.Username, err)
		}
	}
	if err := c.Mail(e.from.Address); err != nil {
		return fmt.Errorf("mail from %s: %w", e.from.Address, err)
	}
	for _, to := range e.to {
		if err := c.Rcpt(to.Address); err != nil {
			return fmt.Errorf("rcpt to %s: %w", to.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	// The MTA has taken the message: a failed QUIT must not send it again.
	c.Quit() //nolint:errcheck
	return nil
}

// message renders the events as an RFC 5322 message with CRLF line ends.
func (e *Email) message(events []Event) []byte {
	var fired, resolved int
	for _, ev := range events {
		if ev.Kind == Fired {
			fired++
		} else {
			resolved++
		}
	}
	var counts []string
	if fired > 0 {
		counts = append(counts, fmt.Sprintf("FIRING %d", fired))
	}
	if resolved > 0 {
		counts = append(counts, fmt.Sprintf("RESOLVED %d", resolved))
	}
	subject := fmt.Sprintf("[feedplan] %s: %s", strings.Join(counts, ", "), events[0].Alert.Summary)
	if len(events) > 1 {
		subject += fmt.Sprintf(" (and %d more)", len(events)-1)
	}

	var body bytes.Buffer
	for i, ev := range events {
		if i > 0 {
			body.WriteString("\n")
		}
		a := ev.Alert
		fmt.Fprintf(&body, "%s [%s] %s\n", strings.ToUpper(ev.Kind.String()), a.Severity, a.Summary)
		if a.Description != "" {
			fmt.Fprintf(&body, "\n%s\n\n", a.Description)
		}
		fmt.Fprintf(&body, "  since:    %s\n", ev.StartsAt.UTC().Format(time.RFC3339))
		if ev.Kind == Resolved {
			fmt.Fprintf(&body, "  resolved: %s\n", ev.EndsAt.UTC().Format(time.RFC3339))
		}
		ls := a.labelSet()
		for _, k := range slices.Sorted(maps.Keys(ls)) {
			fmt.Fprintf(&body, "  %s = %s\n", k, ls[k])
		}
	}

	var m bytes.Buffer
	var id [12]byte
	rand.Read(id[:])
	to := make([]string, len(e.to))
	for i, a := range e.to {
		to[i] = a.String()
	}
	hdr := func(k, v string) { fmt.Fprintf(&m, "%s: %s\r\n", k, v) }
	hdr("From", e.from.String())
	hdr("To", strings.Join(to, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", subject))
	hdr("Date", e.now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(id[:])+"@feedplan>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	hdr("Auto-Submitted", "auto-generated")
	m.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&m)
	qp.Write(body.Bytes()) // it writes each "\n" as CRLF
	qp.Close()
	return m.Bytes()
}
