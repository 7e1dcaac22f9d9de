// Package atstest runs ATS switchover tests: it checks an ATS's
// preconditions (both inputs healthy, no over-current, redundancy full,
// and what the planner says a failed transfer would take down), asks the
// ATS to transfer to its other input by setting its preferred input,
// polls fast until it selects that input or a deadline passes, watches
// the PDUs behind it for any loss of power, transfers back, and records
// the result with timings.
//
// Power is dangerous: Run is a dry run unless Options.Execute is set; it
// refuses what would drop a running device's last live supply unless
// forced with a reason; and every executed step goes to an audit sink
// (AuditLog: an fsynced JSON-lines file) before and after it is taken.
//
// The name reads "ATS test", not "test helpers for a package ats".
//
// atstest imports inventory, pdu and planner; never web or simulator.
package atstest
