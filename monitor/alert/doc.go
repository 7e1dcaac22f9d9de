// Package alert turns the monitor's conditions into alerts that fire once
// and resolve once, and delivers them.
//
// The monitor evaluates its rules every cycle and calls
// Engine.Observe(now, alerts) with every condition that holds now. The
// Engine deduplicates: an alert fires once (after holding for its rule's
// For), stays active silently, and resolves once (after being missed for
// its rule's KeepFiringFor). A threshold rule (load-high) holds by its
// Value with hysteresis — it fires above 80 % of a rating and resolves
// only below 75 % — so a value hovering at the threshold does not flap.
// A maintenance Window silences the alerts it matches and nothing else;
// what it silenced is still tracked, and notified when the window ends if
// it still fires. The engine reads no clock: time is the now passed in.
//
// Observe returns Events; a Notifier delivers them: Alertmanager (its v2
// API, as Prometheus posts, with firing alerts resent every minute), a
// generic JSON Webhook (Alertmanager's webhook payload, optional bearer
// token), Email over SMTP (STARTTLS when offered) and Log (slog). The
// network notifiers' Notify only queues, in a bounded queue, and their
// Run loop delivers with a timeout per attempt and retries with backoff,
// so a slow receiver never stalls the monitor; Multi fans out. Each also
// has Send, one synchronous attempt.
//
// Package alerttest starts the real Alertmanager and a real Postfix for
// tests; the tests here run against both.
//
// alert imports only inventory (for its Secret type) and the standard
// library: never monitor, pdu, planner, web or simulator — the monitor
// computes the rules' inputs and imports this package, not the reverse.
package alert
