// Package agenttest provides a fake device for tests of the SNMP agent
// and of code that polls it: a writable mib.View that records the SETs
// it receives and can be made slow or dead.
//
// It imports only simulator/mib (not the agent, so the agent's own tests
// can use it).
package agenttest

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

// View is an in-memory device. Variables under one of its writable
// prefixes accept SETs of their own type; others refuse them as a real
// agent does (notWritable, noCreation, wrongType). It is safe for
// concurrent use, and implements the agent's DeviceBehaviour.
type View struct {
	mu       sync.RWMutex
	table    *mib.Table
	writable []mib.OID
	delay    time.Duration
	drop     bool
	sets     [][]mib.Var
}

var _ mib.View = (*View)(nil)

// NewView serves vars; those under a writable prefix can be set.
func NewView(vars []mib.Var, writable ...mib.OID) *View {
	return &View{table: mib.NewTable(slices.Clone(vars)), writable: writable}
}

// Get implements mib.View.
func (v *View) Get(oid mib.OID) (mib.Value, mib.Status) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.table.Get(oid)
}

// Next implements mib.View.
func (v *View) Next(oid mib.OID) (mib.OID, mib.Value, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.table.Next(oid)
}

// Set implements mib.View: all variables or none.
func (v *View) Set(vars []mib.Var) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.sets = append(v.sets, slices.Clone(vars))
	for i, nv := range vars {
		old, st := v.table.Get(nv.OID)
		switch {
		case st != mib.Found:
			return i, &mib.SetError{Status: gosnmp.NoCreation, Reason: fmt.Sprintf("%s does not exist", nv.OID)}
		case !v.isWritable(nv.OID):
			return i, &mib.SetError{Status: gosnmp.NotWritable, Reason: fmt.Sprintf("%s is read-only", nv.OID)}
		case old.Type != nv.Value.Type:
			return i, &mib.SetError{Status: gosnmp.WrongType, Reason: fmt.Sprintf("%s is %v, not %v", nv.OID, old.Type, nv.Value.Type)}
		}
	}
	all := slices.Clone(v.table.Vars())
	all = append(all, vars...) // NewTable keeps the last of duplicates
	v.table = mib.NewTable(all)
	return 0, nil
}

func (v *View) isWritable(oid mib.OID) bool {
	for _, p := range v.writable {
		if oid.HasPrefix(p) {
			return true
		}
	}
	return false
}

// Sets returns the variables of every Set call, in order.
func (v *View) Sets() [][]mib.Var {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return slices.Clone(v.sets)
}

// SetBehaviour makes the device answer after delay, or not at all.
func (v *View) SetBehaviour(delay time.Duration, drop bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.delay, v.drop = delay, drop
}

// Behaviour implements the agent's DeviceBehaviour.
func (v *View) Behaviour() (time.Duration, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.delay, v.drop
}
