package pdutest

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gosnmp/gosnmp"
)

// Call is one request the fake received.
type Call struct {
	Op   string   // "get", "walk" or "set"
	OIDs []string // the OIDs asked for (get), the root (walk), the names set (set); no leading dot
}

// WalkFault makes walks under a root end early: after After variables
// the walk returns what it read with Err (nil Err: it ends silently, as
// an agent that ends a table early with a normal end of data does).
type WalkFault struct {
	After int
	Err   error
}

// Client is a fake pdu.Client. The zero value is not usable: call New.
type Client struct {
	mu    sync.Mutex
	vars  map[string]gosnmp.SnmpPDU // by OID without the leading dot
	calls []Call
	sets  []gosnmp.SnmpPDU

	// GetErr, when set, decides the error of a GET of oids (nil: answer).
	GetErr func(oids []string) error
	// WalkFaults are keyed by a prefix of the walked root (no leading dot).
	WalkFaults map[string]WalkFault
	// SetErr, when set, decides the error of a SET (nil: store the values).
	SetErr func(vars []gosnmp.SnmpPDU) error
	// OnSet, when set, runs after a successful SET, with the fake's lock
	// released: a test makes the device react (an outlet switching).
	OnSet func(c *Client, vars []gosnmp.SnmpPDU)
}

// New returns an empty fake agent.
func New() *Client { return &Client{vars: map[string]gosnmp.SnmpPDU{}} }

func trim(oid string) string { return strings.TrimPrefix(oid, ".") }

// Add serves a variable of any type; value is what gosnmp would decode
// (int for Integer, uint for Gauge32/Counter32, string for OctetString
// and ObjectIdentifier).
func (c *Client) Add(oid string, typ gosnmp.Asn1BER, value any) *Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	oid = trim(oid)
	if typ == gosnmp.OctetString {
		if s, ok := value.(string); ok {
			value = []byte(s)
		}
	}
	c.vars[oid] = gosnmp.SnmpPDU{Name: "." + oid, Type: typ, Value: value}
	return c
}

// Int serves an INTEGER.
func (c *Client) Int(oid string, v int) *Client { return c.Add(oid, gosnmp.Integer, v) }

// Gauge serves a Gauge32.
func (c *Client) Gauge(oid string, v uint) *Client { return c.Add(oid, gosnmp.Gauge32, v) }

// Str serves an OCTET STRING.
func (c *Client) Str(oid, v string) *Client { return c.Add(oid, gosnmp.OctetString, v) }

// OID serves an OBJECT IDENTIFIER (as gosnmp decodes it: with a leading dot).
func (c *Client) OID(oid, v string) *Client {
	return c.Add(oid, gosnmp.ObjectIdentifier, "."+trim(v))
}

// Delete stops serving every variable under prefix (itself included).
func (c *Client) Delete(prefix string) *Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	prefix = trim(prefix)
	for k := range c.vars {
		if k == prefix || strings.HasPrefix(k, prefix+".") {
			delete(c.vars, k)
		}
	}
	return c
}

// Value returns a served variable.
func (c *Client) Value(oid string) (gosnmp.SnmpPDU, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.vars[trim(oid)]
	return v, ok
}

// Calls returns the requests received so far.
func (c *Client) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// Requests counts the requests received, by operation ("get", "walk", "set").
func (c *Client) Requests(op string) int {
	n := 0
	for _, call := range c.Calls() {
		if call.Op == op {
			n++
		}
	}
	return n
}

// Sets returns every variable set so far, in order.
func (c *Client) Sets() []gosnmp.SnmpPDU {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sets)
}

// Get answers each OID with its value, or noSuchInstance when something
// is served beside it (a known column, a missing row), else noSuchObject,
// as an SNMPv2c agent does (RFC 3416 §4.2.1).
func (c *Client) Get(ctx context.Context, oids ...string) ([]gosnmp.SnmpPDU, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	names := make([]string, len(oids))
	for i, o := range oids {
		names[i] = trim(o)
	}
	c.mu.Lock()
	c.calls = append(c.calls, Call{Op: "get", OIDs: names})
	fail := c.GetErr
	c.mu.Unlock()
	if fail != nil {
		if err := fail(names); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]gosnmp.SnmpPDU, len(names))
	for i, o := range names {
		if v, ok := c.vars[o]; ok {
			out[i] = v
			continue
		}
		typ := gosnmp.NoSuchObject
		if parent, _, ok := cutLast(o); ok && c.hasUnderLocked(parent) {
			typ = gosnmp.NoSuchInstance
		}
		out[i] = gosnmp.SnmpPDU{Name: "." + o, Type: typ}
	}
	return out, nil
}

func cutLast(oid string) (string, string, bool) {
	i := strings.LastIndexByte(oid, '.')
	if i < 0 {
		return "", "", false
	}
	return oid[:i], oid[i+1:], true
}

func (c *Client) hasUnderLocked(prefix string) bool {
	for k := range c.vars {
		if strings.HasPrefix(k, prefix+".") {
			return true
		}
	}
	return false
}

// Walk returns the variables under root in OID order, ending early as
// WalkFaults say.
func (c *Client) Walk(ctx context.Context, root string) ([]gosnmp.SnmpPDU, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	root = trim(root)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, Call{Op: "walk", OIDs: []string{root}})
	var keys []string
	for k := range c.vars {
		if strings.HasPrefix(k, root+".") {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, Compare)
	fault, faulty := WalkFault{}, false
	for prefix, f := range c.WalkFaults {
		if root == trim(prefix) || strings.HasPrefix(root, trim(prefix)+".") {
			fault, faulty = f, true
		}
	}
	out := make([]gosnmp.SnmpPDU, 0, len(keys))
	for i, k := range keys {
		if faulty && i >= fault.After {
			return out, fault.Err
		}
		out = append(out, c.vars[k])
	}
	return out, nil
}

// Set records the variables and, unless SetErr refuses them, serves the
// new values.
func (c *Client) Set(ctx context.Context, vars ...gosnmp.SnmpPDU) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = trim(v.Name)
	}
	c.mu.Lock()
	c.calls = append(c.calls, Call{Op: "set", OIDs: names})
	fail, onSet := c.SetErr, c.OnSet
	c.mu.Unlock()
	if fail != nil {
		if err := fail(vars); err != nil {
			return err
		}
	}
	c.mu.Lock()
	for _, v := range vars {
		c.sets = append(c.sets, v)
		v.Name = "." + trim(v.Name)
		c.vars[trim(v.Name)] = v
	}
	c.mu.Unlock()
	if onSet != nil {
		onSet(c, vars)
	}
	return nil
}

// Close does nothing.
func (c *Client) Close() error { return nil }

// Compare orders two dotted OIDs numerically, arc by arc.
func Compare(a, b string) int {
	as, bs := strings.Split(trim(a), "."), strings.Split(trim(b), ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.ParseUint(as[i], 10, 64)
		y, erry := strconv.ParseUint(bs[i], 10, 64)
		if errx != nil || erry != nil {
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
			continue
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return len(as) - len(bs)
}
