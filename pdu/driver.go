package pdu

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
)

// Driver reads one family of devices.
type Driver interface {
	Name() string // "apc-rpdu", "apc-ats", "raritan-px", "servertech-sentry4", "eaton-epdu"
	// Matches reports whether sysObjectID (with a leading dot or without)
	// names a device of this family.
	Matches(sysObjectID string) bool
	// Probe reads the family's own identity objects, for devices whose
	// sysObjectID is wrong or empty.
	Probe(ctx context.Context, c Client) bool
	// Read fills r with the device's state. When some tables cannot be
	// read it fills what it can, sets r.Partial and says why in
	// r.Problems; it returns an error only when nothing useful was read.
	Read(ctx context.Context, c Client, r *Reading) error
}

// OutletSwitcher is a driver that can switch outlets. Drivers only
// execute: refusing to cut a device's last supply, dry runs and the audit
// log belong to their callers.
type OutletSwitcher interface {
	SwitchOutlet(ctx context.Context, c Client, outlet int, cmd OutletCommand) error
}

// PreferredSetter is a driver that can set an ATS's preferred input (0 A,
// 1 B), which makes it transfer when that input is healthy.
type PreferredSetter interface {
	SetPreferred(ctx context.Context, c Client, input int) error
}

// Drivers lists every driver, in detection order.
func Drivers() []Driver {
	return []Driver{apcPDU{}, apcATS{}, raritanPX{}, sentry4{}, eatonEPDU{}}
}

// DriverNamed returns a driver by name.
func DriverNamed(name string) (Driver, error) {
	var names []string
	for _, d := range Drivers() {
		if d.Name() == name {
			return d, nil
		}
		names = append(names, d.Name())
	}
	return nil, fmt.Errorf("driver %q: want auto or one of %s", name, strings.Join(names, ", "))
}

// Detect finds the driver for a device: by sysObjectID, else by probing
// each family's identity objects (some units report a wrong or empty
// sysObjectID).
func Detect(ctx context.Context, c Client) (Driver, string, error) {
	var r Reading
	if err := readSystem(ctx, c, &r); err != nil {
		return nil, "", err
	}
	d, err := detect(ctx, c, r.SysObjectID)
	return d, r.SysObjectID, err
}

func detect(ctx context.Context, c Client, sysOID string) (Driver, error) {
	for _, d := range Drivers() {
		if sysOID != "" && d.Matches(sysOID) {
			return d, nil
		}
	}
	for _, d := range Drivers() {
		if d.Probe(ctx, c) {
			return d, nil
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("no driver knows sysObjectID %q and no family's identity objects answer", sysOID)
}

// Read detects (unless t.Driver names one) and reads a device.
func Read(ctx context.Context, c Client, t Target, now time.Time) (*Reading, error) {
	r := &Reading{Device: t.Name, Target: t.Address, Time: now}
	if err := readSystem(ctx, c, r); err != nil {
		return nil, fmt.Errorf("%s: %w", t, err)
	}
	var d Driver
	var err error
	if t.Driver == "" || t.Driver == "auto" {
		d, err = detect(ctx, c, r.SysObjectID)
	} else {
		d, err = DriverNamed(t.Driver)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t, err)
	}
	r.Driver = d.Name()
	if err := d.Read(ctx, c, r); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", t, d.Name(), err)
	}
	return r, nil
}

// readSystem reads the system group.
func readSystem(ctx context.Context, c Client, r *Reading) error {
	vars, err := c.Get(ctx, oids.SysObjectID+".0", oids.SysUpTime+".0", oids.SysName+".0")
	if err != nil {
		return fmt.Errorf("reading the system group: %w", err)
	}
	for _, v := range vars {
		switch strings.TrimPrefix(v.Name, ".") {
		case oids.SysObjectID + ".0":
			if s, ok := v.Value.(string); ok {
				r.SysObjectID = strings.TrimPrefix(s, ".")
			}
		case oids.SysUpTime + ".0":
			if n, ok := Int(v); ok {
				s := Seconds(float64(n) / 100)
				r.Uptime = &s
			}
		case oids.SysName + ".0":
			r.SysName, _ = Str(v)
		}
	}
	return nil
}

// Absent reports whether a varbind carries no value.
func Absent(v gosnmp.SnmpPDU) bool {
	switch v.Type {
	case gosnmp.NoSuchObject, gosnmp.NoSuchInstance, gosnmp.EndOfMibView, gosnmp.Null:
		return true
	}
	return false
}

// Int returns an integer varbind's value.
func Int(v gosnmp.SnmpPDU) (int64, bool) {
	if Absent(v) {
		return 0, false
	}
	switch x := v.Value.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case uint:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	}
	return 0, false
}

// Str returns a string varbind's value.
func Str(v gosnmp.SnmpPDU) (string, bool) {
	if Absent(v) {
		return "", false
	}
	switch x := v.Value.(type) {
	case []byte:
		return string(x), true
	case string:
		return x, true
	}
	return "", false
}

// Scaled returns an integer varbind times scale, or nil when absent or
// when it is one of the values the vendor uses for "not supported".
func Scaled(v gosnmp.SnmpPDU, scale float64, unsupported ...int64) *float64 {
	n, ok := Int(v)
	if !ok {
		return nil
	}
	for _, u := range unsupported {
		if n == u {
			return nil
		}
	}
	f := float64(n) * scale
	return &f
}

// Rows groups the varbinds of a walked table entry by row index: entry is
// the table entry's OID (e.g. rPDU2PhaseStatusEntry), the result maps
// "index" (which may have several arcs, "1.1.1") to column number →
// varbind.
func Rows(vars []gosnmp.SnmpPDU, entry string) map[string]map[int]gosnmp.SnmpPDU {
	prefix := "." + strings.TrimPrefix(entry, ".") + "."
	rows := map[string]map[int]gosnmp.SnmpPDU{}
	for _, v := range vars {
		name := v.Name
		if !strings.HasPrefix(name, ".") {
			name = "." + name
		}
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		colStr, index, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		col, err := strconv.Atoi(colStr)
		if err != nil {
			continue
		}
		if rows[index] == nil {
			rows[index] = map[int]gosnmp.SnmpPDU{}
		}
		rows[index][col] = v
	}
	return rows
}

// problem records a table that could not be read completely.
func (r *Reading) problem(format string, args ...any) {
	r.Partial = true
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}
