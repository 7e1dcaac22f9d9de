package mib

import (
	"testing"
)

func oidsOf(t *Table) []string {
	var out []string
	for _, v := range t.Vars() {
		out = append(out, v.OID.String())
	}
	return out
}

func TestTableGetNext(t *testing.T) {
	tab := NewTable([]Var{
		{MustOID("1.3.6.1.2.1.1.5.0"), String("b")},
		{MustOID("1.3.6.1.2.1.1.1.0"), String("a")},
		{MustOID("1.3.6.1.2.1.1.1.0"), String("dup")}, // the last of duplicates wins
		{MustOID("1.3.6.1.4.1.318.1.1.26.6.3.1.5.1"), Integer(49)},
	})
	if got := oidsOf(tab); len(got) != 3 || got[0] != ".1.3.6.1.2.1.1.1.0" {
		t.Fatalf("NewTable = %v; want 3 sorted OIDs", got)
	}
	tests := []struct {
		oid    string
		status Status
	}{
		{"1.3.6.1.2.1.1.1.0", Found},
		{"1.3.6.1.2.1.1.1", NoSuchInstance},   // the object exists, not this instance
		{"1.3.6.1.2.1.1.5.7", NoSuchInstance}, // another instance of sysName
		{"1.3.6.1.2.1.2.1.0", NoSuchObject},
		{"1.3.6.1.4.1.318.1.1.26.6.3.1.5.2", NoSuchInstance},
	}
	for _, tt := range tests {
		if _, st := tab.Get(MustOID(tt.oid)); st != tt.status {
			t.Errorf("Get(%s) status = %d; want %d", tt.oid, st, tt.status)
		}
	}
	if v, _ := tab.Get(MustOID("1.3.6.1.2.1.1.1.0")); string(v.Value.([]byte)) != "dup" {
		t.Errorf("Get(sysDescr) = %q; want the last duplicate", v.Value)
	}
	next, _, ok := tab.Next(MustOID("1.3.6.1.2.1.1.1.0"))
	if !ok || next.String() != ".1.3.6.1.2.1.1.5.0" {
		t.Errorf("Next(sysDescr) = %v, %v; want sysName", next, ok)
	}
	next, _, ok = tab.Next(MustOID("1.3"))
	if !ok || next.String() != ".1.3.6.1.2.1.1.1.0" {
		t.Errorf("Next(1.3) = %v; want the first variable", next)
	}
	if _, _, ok := tab.Next(MustOID("1.3.6.1.4.1.318.1.1.26.6.3.1.5.1")); ok {
		t.Error("Next(last) = ok; want the end of the view")
	}
}

func TestOrdererReusesAndNotices(t *testing.T) {
	var o Orderer
	render := func(vals ...int) []Var {
		return []Var{
			{MustOID("1.3.6.3"), Integer(vals[0])},
			{MustOID("1.3.6.1"), Integer(vals[1])},
			{MustOID("1.3.6.2"), Integer(vals[2])},
		}
	}
	for i, vals := range [][]int{{3, 1, 2}, {30, 10, 20}} {
		tab := o.Table(render(vals...))
		got := tab.Vars()
		for j, want := range []int{vals[1], vals[2], vals[0]} {
			if got[j].Value.Value.(int) != want {
				t.Errorf("render %d: var %d = %v; want %d", i, j, got[j].Value.Value, want)
			}
		}
	}
	// A render with other OIDs is sorted afresh.
	tab := o.Table([]Var{{MustOID("1.3.6.9"), Integer(9)}, {MustOID("1.3.6.0"), Integer(0)}})
	if got := oidsOf(tab); len(got) != 2 || got[0] != ".1.3.6.0" {
		t.Errorf("Table(other OIDs) = %v; want them sorted", got)
	}
}

func TestParseOID(t *testing.T) {
	for _, bad := range []string{"", ".", "1..3", "1.x", "1.4294967296"} {
		if _, err := ParseOID(bad); err == nil {
			t.Errorf("ParseOID(%q) = nil error; want one", bad)
		}
	}
	if o, err := ParseOID(".1.3.6"); err != nil || o.String() != ".1.3.6" {
		t.Errorf("ParseOID(.1.3.6) = %v, %v", o, err)
	}
}
