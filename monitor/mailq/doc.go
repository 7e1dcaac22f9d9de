// Package mailq holds and releases the mail queues of MTAs during a
// maintenance window, so that mail queued on a host that is powered down
// is neither lost nor bounced, and goes out at a bounded rate afterwards
// instead of in one flood.
//
// Open picks an adapter from an inventory.MailQueue's kind: postfix
// (postsuper and postqueue, on this machine or over ssh, for the default
// instance or one named by its configuration directory), command (shell
// commands) or http (URLs called with POST). The runbook executor calls
// Hold before the MTA goes down and Release after it is back; Status
// reads the queue at any time. Mail on hold before the window
// (quarantined by a HOLD action, held by an administrator) stays on hold:
// the first Hold says which it is, and Release keeps what it is told to
// keep. Only the Postfix adapter can tell; command and http hooks must
// see to it themselves.
//
// It imports only inventory and the standard library. It runs commands
// through a Runner, so that tests record them (mailqtest.Runner) instead
// of running them; its own tests also run it against a real Postfix.
package mailq
