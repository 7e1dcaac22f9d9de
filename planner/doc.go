// Package planner is feedplan's pure computation: it energises a site's
// power graph for a failure scenario, moves each device's draw to its
// live supplies, sums the current up the tree per phase, trips what goes
// over its rating and repeats until nothing changes (the cascade). On top
// of that evaluation it runs N-1 sweeps and redundancy audits.
//
// planner does no I/O of its own and reads no clock: callers pass in the
// site, the measured loads and, where it matters, the time. It imports
// inventory, and pdu for reading types only; never monitor, web or
// simulator.
package planner
