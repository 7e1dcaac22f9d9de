// Package monitor is the running service: it polls every PDU and ATS of a
// site on a cron schedule with bounded concurrency, keeps the latest
// state, re-runs the planner on live loads each cycle (failover risk),
// turns what it finds into alerts (monitor/alert) and history
// (monitor/influx).
//
// monitor imports inventory, pdu and planner; never web or simulator.
package monitor
