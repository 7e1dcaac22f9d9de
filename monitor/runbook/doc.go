// Package runbook executes a maintenance plan's runbook step by step: the
// engine behind 'feedplan plan run'.
//
// It walks planner.Plan.Steps in order. Without Options.Execute it is a
// dry run: it prints what each step would do (the command, the URL, the
// SNMP SET, the poll) and changes nothing; only the pre-flight check
// steps read the PDUs (SNMP GET). With Execute it runs the automatable
// steps itself (shutdown actions, outlet switching, mail-queue hold and
// release, verification polls) and stops at every manual one (the cut,
// the restore, power-on, jobs) for a confirmation.
//
// Power is dangerous, so: nothing is switched without Execute; an outlet
// is never switched off when it carries a running device's last live
// supply, unless forced with a reason; every action, refusal,
// confirmation and failure goes to an audit sink (atstest.AuditLog, an
// fsynced JSON-lines file) before the next step; and a state file next
// to the plan (written atomically) records the steps done, so that an
// interrupted or failed run resumes where it stopped.
//
// runbook imports inventory, pdu, planner and monitor/atstest; never web,
// simulator or a mail-queue adapter (it declares the small Queues
// interface it needs).
package runbook
