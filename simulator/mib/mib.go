package mib

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// OID is an object identifier as its arcs.
type OID []uint32

// ParseOID parses "1.3.6.1.2.1.1.1.0", with or without a leading dot.
func ParseOID(s string) (OID, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), ".")
	if s == "" {
		return nil, errors.New("empty OID")
	}
	parts := strings.Split(s, ".")
	o := make(OID, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("OID %q: arc %q is not a number from 0 to 4294967295", s, p)
		}
		o[i] = uint32(n)
	}
	return o, nil
}

// MustOID parses an OID known to be valid, for tables in code.
func MustOID(s string) OID {
	o, err := ParseOID(s)
	if err != nil {
		panic(err)
	}
	return o
}

// String writes the OID with a leading dot, as gosnmp and snmpwalk -On do.
func (o OID) String() string {
	b := make([]byte, 0, len(o)*4)
	for _, a := range o {
		b = append(b, '.')
		b = strconv.AppendUint(b, uint64(a), 10)
	}
	return string(b)
}

// Compare orders OIDs lexicographically, as SNMP does.
func Compare(a, b OID) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := cmp.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// HasPrefix reports whether o starts with p.
func (o OID) HasPrefix(p OID) bool {
	return len(o) >= len(p) && slices.Equal(o[:len(p)], p)
}

// Append returns o followed by arcs, in a new slice.
func (o OID) Append(arcs ...uint32) OID {
	out := make(OID, 0, len(o)+len(arcs))
	return append(append(out, o...), arcs...)
}

// Value is a typed SNMP value, in gosnmp's Go representation:
// Integer int, OctetString []byte, ObjectIdentifier string, IPAddress
// string, Counter32/Gauge32/TimeTicks uint32, Counter64 uint64, Opaque
// []byte, and nil for Null and the exceptions.
type Value struct {
	Type  gosnmp.Asn1BER
	Value any
}

// Constructors for the common types.
func Integer(v int) Value              { return Value{gosnmp.Integer, v} }
func String(s string) Value            { return Value{gosnmp.OctetString, []byte(s)} }
func Bytes(b []byte) Value             { return Value{gosnmp.OctetString, b} }
func ObjectID(o OID) Value             { return Value{gosnmp.ObjectIdentifier, o.String()} }
func Gauge32(v uint32) Value           { return Value{gosnmp.Gauge32, v} }
func Counter32(v uint32) Value         { return Value{gosnmp.Counter32, v} }
func Counter64(v uint64) Value         { return Value{gosnmp.Counter64, v} }
func TimeTicks(v uint32) Value         { return Value{gosnmp.TimeTicks, v} }
func IPAddress(s string) Value         { return Value{gosnmp.IPAddress, s} }
func Opaque(b []byte) Value            { return Value{gosnmp.Opaque, b} }
func Null() Value                      { return Value{gosnmp.Null, nil} }
func Exception(t gosnmp.Asn1BER) Value { return Value{t, nil} }

// Status is the outcome of a GET for one variable.
type Status uint8

const (
	Found Status = iota
	NoSuchObject
	NoSuchInstance
)

// SetError is why a SET of one variable is refused; its Status is the
// SNMP error-status to answer with.
type SetError struct {
	Status gosnmp.SNMPError // NotWritable, WrongType, WrongValue, NoCreation, …
	Reason string
}

func (e *SetError) Error() string { return fmt.Sprintf("%s: %s", e.Status, e.Reason) }

// View is what one simulated device serves. Implementations are safe for
// concurrent use.
type View interface {
	// Get returns the value at oid.
	Get(oid OID) (Value, Status)
	// Next returns the first variable strictly after oid; ok is false
	// at the end of the view.
	Next(oid OID) (next OID, v Value, ok bool)
	// Set checks and applies new values, all or none: on error nothing
	// changed, and index is the 0-based position of the failing variable.
	Set(vars []Var) (index int, err error)
}

// Var is one variable binding.
type Var struct {
	OID   OID
	Value Value
}

// Table is a sorted, read-mostly set of variables. The zero Table is empty.
// A Table is not safe for concurrent mutation; build it, then serve it
// (views that change swap whole Tables).
type Table struct {
	vars []Var
}

// NewTable sorts vars (the last of duplicate OIDs wins) into a Table.
func NewTable(vars []Var) *Table {
	cmpVar := func(a, b Var) int { return Compare(a.OID, b.OID) }
	if !slices.IsSortedFunc(vars, cmpVar) {
		slices.SortStableFunc(vars, cmpVar)
	}
	out := vars[:0]
	for i, v := range vars {
		if i+1 < len(vars) && Compare(v.OID, vars[i+1].OID) == 0 {
			continue
		}
		out = append(out, v)
	}
	return &Table{vars: out}
}

// Len returns the number of variables.
func (t *Table) Len() int { return len(t.vars) }

// Vars returns the variables in order. The caller must not modify them.
func (t *Table) Vars() []Var { return t.vars }

// search returns the position of the first variable ≥ oid.
func (t *Table) search(oid OID) (int, bool) {
	return slices.BinarySearchFunc(t.vars, oid, func(v Var, o OID) int { return Compare(v.OID, o) })
}

// Get answers a GET. A missing OID is noSuchInstance when a variable of
// the same object exists (an instance of its column or the scalar's .0),
// else noSuchObject.
func (t *Table) Get(oid OID) (Value, Status) {
	i, found := t.search(oid)
	if found {
		return t.vars[i].Value, Found
	}
	if len(oid) > 1 {
		parent := oid[:len(oid)-1]
		for _, j := range []int{i - 1, i} {
			if j >= 0 && j < len(t.vars) && t.vars[j].OID.HasPrefix(parent) && len(t.vars[j].OID) > len(parent) {
				return Value{}, NoSuchInstance
			}
		}
	}
	return Value{}, NoSuchObject
}

// Next answers a GETNEXT.
func (t *Table) Next(oid OID) (OID, Value, bool) {
	i, found := t.search(oid)
	if found {
		i++
	}
	if i >= len(t.vars) {
		return nil, Value{}, false
	}
	return t.vars[i].OID, t.vars[i].Value, true
}

// Set refuses every write: a plain Table is read-only.
func (t *Table) Set(vars []Var) (int, error) {
	for i, v := range vars {
		if _, st := t.Get(v.OID); st != Found {
			return i, &SetError{Status: gosnmp.NoCreation, Reason: "no such object " + v.OID.String()}
		}
		return i, &SetError{Status: gosnmp.NotWritable, Reason: v.OID.String() + " is read-only"}
	}
	return 0, nil
}

var _ View = (*Table)(nil)

// Orderer builds Tables from renders that list the same OIDs in the same
// (unsorted) order each time, as a device profile does: it remembers the
// sort order of the last render and reuses it while the OIDs are
// unchanged. The zero Orderer is ready; it is not safe for concurrent use.
type Orderer struct {
	prev []OID
	perm []int
}

// Table returns vars as a Table, like NewTable.
func (o *Orderer) Table(vars []Var) *Table {
	same := len(vars) == len(o.prev)
	for i := 0; same && i < len(vars); i++ {
		same = slices.Equal(vars[i].OID, o.prev[i])
	}
	if !same {
		o.prev = make([]OID, len(vars))
		o.perm = make([]int, len(vars))
		for i := range vars {
			o.prev[i], o.perm[i] = vars[i].OID, i
		}
		slices.SortStableFunc(o.perm, func(a, b int) int { return Compare(vars[a].OID, vars[b].OID) })
	}
	sorted := make([]Var, len(vars))
	for i, p := range o.perm {
		// The remembered OID, not the render's: one set of OIDs stays alive.
		sorted[i] = Var{OID: o.prev[p], Value: vars[p].Value}
	}
	return NewTable(sorted)
}
