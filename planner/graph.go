package planner

import (
	"fmt"
	"strconv"
	"strings"

	"feedplan/inventory"
)

// Kind is the kind of an element of the power graph.
type Kind uint8

const (
	Source Kind = iota
	Panel
	Circuit
	ATS
	PDU
	Bank
	Outlet
)

var kindNames = [...]string{"source", "panel", "circuit", "ats", "pdu", "bank", "outlet"}

func (k Kind) String() string { return kindNames[k] }

// Element names one element of the power graph: "source:A",
// "circuit:PA-1", "bank:r01-a/1", "outlet:r01-a:7".
type Element struct {
	Kind Kind
	Name string // for a bank "pdu/bank", for an outlet "pdu:outlet"
}

func (e Element) String() string { return e.Kind.String() + ":" + e.Name }

// ParseElement parses "kind:name". "feed" is accepted for "source".
func ParseElement(s string) (Element, error) {
	k, name, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || name == "" {
		return Element{}, fmt.Errorf("element %q: want KIND:NAME, e.g. source:A, panel:PA-1, circuit:B-04, pdu:r01-a, bank:r01-a/1, outlet:r01-a:7", s)
	}
	switch k {
	case "feed":
		k = "source"
	case "breaker":
		k = "circuit"
	}
	for i, n := range kindNames {
		if n == k {
			return Element{Kind(i), name}, nil
		}
	}
	return Element{}, fmt.Errorf("element %q: unknown kind %q (want source, panel, circuit, ats, pdu, bank or outlet)", s, k)
}

// Graph is a site's power chain compiled for fast, repeated evaluation.
// Nodes are numbered in topological order: every node's feeders have
// smaller numbers than the node, so one forward pass energises the graph
// and one backward pass sums the loads. A Graph is read-only once built
// and safe for concurrent use.
type Graph struct {
	Site *inventory.Site

	n      int
	kind   []Kind
	name   []string  // element name (see Element)
	parent []int32   // feeder; -1 for sources and ATS units
	shift  []uint8   // phase k of a node is phase (k+shift)%3 of its parent
	rating []float64 // amps per phase; 0 = not modelled
	phases []uint8
	atsOf  []int32 // node → index into ats, or -1

	ats []atsNode

	// children in CSR form: ATS units appear under both input circuits.
	childStart []int32
	child      []int32

	devices []devNode
	psuOut  []int32   // per PSU (flat): outlet node, or -1 if unplugged
	psuVolt []float64 // per PSU: outlet voltage
	psuDev  []int32   // per PSU: device index
	outDev  []int32   // per node: for an outlet, the flat PSU index plugged in, else -1

	services []svcNode
	devSvc   [][]int32 // per device: service indexes

	byName map[Element]int32
	pdus   map[string]pduNodes
}

// pduNodes locates a PDU's nodes: its banks and outlets are contiguous.
type pduNodes struct {
	pdu, bank0, nbank, outlet0, noutlet int32
}

type atsNode struct {
	node      int32
	in        [2]int32 // input circuit nodes
	preferred uint8
	unit      *inventory.ATS
}

type devNode struct {
	dev      *inventory.Device
	psu0     int32 // first flat PSU index
	npsu     int32
	min      int32
	pf       float64
	nameplat float64
}

type svcNode struct {
	svc     *inventory.Service
	members []int32
	min     int
	deps    []int32
}

// NewGraph compiles a validated site.
func NewGraph(site *inventory.Site) *Graph {
	g := &Graph{Site: site, byName: make(map[Element]int32)}
	add := func(k Kind, name string, parent int32, shift int, rating float64, phases int) int32 {
		i := int32(g.n)
		g.n++
		g.kind = append(g.kind, k)
		g.name = append(g.name, name)
		g.parent = append(g.parent, parent)
		g.shift = append(g.shift, uint8(shift))
		g.rating = append(g.rating, rating)
		g.phases = append(g.phases, uint8(phases))
		g.atsOf = append(g.atsOf, -1)
		g.byName[Element{k, name}] = i
		return i
	}
	for _, s := range site.Sources {
		add(Source, s.Name, -1, 0, s.Amps, s.Phases)
	}
	// Panels by depth, so a panel comes after the panel feeding it.
	placed := map[string]bool{}
	for len(placed) < len(site.Panels) {
		progress := false
		for _, p := range site.Panels {
			if placed[p.Name] {
				continue
			}
			var parent int32
			switch {
			case p.Source != "":
				parent = g.byName[Element{Source, p.Source}]
			case placed[p.Panel]:
				parent = g.byName[Element{Panel, p.Panel}]
			default:
				continue
			}
			src := site.SourceOf(p)
			add(Panel, p.Name, parent, 0, p.Amps, src.Phases)
			placed[p.Name] = true
			progress = true
		}
		if !progress {
			panic("planner: panel cycle in a validated site")
		}
	}
	for _, c := range site.Circuits {
		shift := 0
		if c.Phases == 1 {
			shift = c.Phase - 1
		}
		add(Circuit, c.Name, g.byName[Element{Panel, c.Panel}], shift, c.Amps, c.Phases)
	}
	for _, a := range site.ATS {
		in0 := site.Circuit(a.Inputs[0])
		i := add(ATS, a.Name, -1, 0, a.Amps, in0.Phases)
		an := atsNode{node: i, unit: a}
		an.in[0] = g.byName[Element{Circuit, a.Inputs[0]}]
		an.in[1] = g.byName[Element{Circuit, a.Inputs[1]}]
		if a.Preferred == a.Inputs[1] {
			an.preferred = 1
		}
		g.atsOf[i] = int32(len(g.ats))
		g.ats = append(g.ats, an)
	}
	pdus := make(map[string]pduNodes, len(site.PDUs))
	for _, p := range site.PDUs {
		parent, ok := g.byName[Element{Circuit, p.Inlet}]
		if !ok {
			parent = g.byName[Element{ATS, p.Inlet}]
		}
		pn := pduNodes{pdu: add(PDU, p.Name, parent, 0, p.Amps, p.Phases)}
		pn.bank0 = int32(g.n)
		for _, b := range p.Banks {
			add(Bank, p.Name+"/"+b.Name, pn.pdu, b.Phase-1, b.Amps, 1)
		}
		pn.nbank = int32(len(p.Banks))
		pdus[p.Name] = pn
	}
	outlet0 := make(map[string]int32, len(site.PDUs))
	for _, p := range site.PDUs {
		outlet0[p.Name] = int32(g.n)
		pn := pdus[p.Name]
		pn.outlet0, pn.noutlet = int32(g.n), int32(p.Outlets)
		pdus[p.Name] = pn
		for o := 1; o <= p.Outlets; o++ {
			bank := pn.bank0
			for bi, b := range p.Banks {
				if b.Outlets.Contains(o) {
					bank = pn.bank0 + int32(bi)
					break
				}
			}
			add(Outlet, p.Name+":"+strconv.Itoa(o), bank, 0, 0, 1)
		}
	}

	g.pdus = pdus
	g.outDev = make([]int32, g.n)
	for i := range g.outDev {
		g.outDev[i] = -1
	}
	for _, d := range site.Devices {
		dn := devNode{dev: d, psu0: int32(len(g.psuOut)), npsu: int32(len(d.PSUs)), min: int32(d.MinPSUs), pf: d.PF, nameplat: d.Watts}
		for _, plug := range d.PSUs {
			g.psuDev = append(g.psuDev, int32(len(g.devices)))
			if plug.Unplugged() {
				g.psuOut = append(g.psuOut, -1)
				g.psuVolt = append(g.psuVolt, 0)
				continue
			}
			o := outlet0[plug.PDU] + int32(plug.Outlet-1)
			g.outDev[o] = int32(len(g.psuOut))
			g.psuOut = append(g.psuOut, o)
			g.psuVolt = append(g.psuVolt, site.PDU(plug.PDU).Volts)
		}
		g.devices = append(g.devices, dn)
	}

	svcIdx := make(map[string]int32, len(site.Services))
	for i, s := range site.Services {
		svcIdx[s.Name] = int32(i)
	}
	g.devSvc = make([][]int32, len(g.devices))
	devIdx := make(map[string]int32, len(site.Devices))
	for i, d := range site.Devices {
		devIdx[d.Name] = int32(i)
		for _, s := range d.Services {
			g.devSvc[i] = append(g.devSvc[i], svcIdx[s])
		}
	}
	for _, s := range site.Services {
		sn := svcNode{svc: s}
		for _, d := range site.Members(s.Name) {
			sn.members = append(sn.members, devIdx[d.Name])
		}
		sn.min = s.MinAvailable.Of(len(sn.members))
		for _, dep := range s.DependsOn {
			sn.deps = append(sn.deps, svcIdx[dep])
		}
		g.services = append(g.services, sn)
	}

	// Children, CSR.
	count := make([]int32, g.n+1)
	for i := 0; i < g.n; i++ {
		if p := g.parent[i]; p >= 0 {
			count[p]++
		}
	}
	for _, a := range g.ats {
		count[a.in[0]]++
		count[a.in[1]]++
	}
	g.childStart = make([]int32, g.n+1)
	for i := 0; i < g.n; i++ {
		g.childStart[i+1] = g.childStart[i] + count[i]
	}
	g.child = make([]int32, g.childStart[g.n])
	fill := make([]int32, g.n)
	copy(fill, g.childStart[:g.n])
	put := func(p, c int32) { g.child[fill[p]] = c; fill[p]++ }
	for i := 0; i < g.n; i++ {
		if p := g.parent[i]; p >= 0 {
			put(p, int32(i))
		}
		if a := g.atsOf[i]; a >= 0 {
			put(g.ats[a].in[0], int32(i))
			put(g.ats[a].in[1], int32(i))
		}
	}
	return g
}

// Lookup returns the node of an element, checking that it exists.
func (g *Graph) Lookup(e Element) (int32, error) {
	if i, ok := g.byName[e]; ok {
		return i, nil
	}
	for k := range kindNames {
		if _, ok := g.byName[Element{Kind(k), e.Name}]; ok {
			return -1, fmt.Errorf("%s is not in site %q: %s is a %s (%s:%s)", e, g.Site.Name, e.Name, Kind(k), Kind(k), e.Name)
		}
	}
	if e.Kind == Outlet || e.Kind == Bank {
		sep := ":"
		if e.Kind == Bank {
			sep = "/"
		}
		if pdu, _, ok := strings.Cut(e.Name, sep); ok && g.Site.PDU(pdu) != nil {
			p := g.Site.PDU(pdu)
			var banks []string
			for _, b := range p.Banks {
				banks = append(banks, b.Name)
			}
			return -1, fmt.Errorf("%s is not in site %q: pdu %s has outlets 1-%d and banks %s", e, g.Site.Name, pdu, p.Outlets, strings.Join(banks, ", "))
		}
	}
	same := func(yield func(string) bool) {
		for el := range g.byName {
			if el.Kind == e.Kind && !yield(el.Name) {
				return
			}
		}
	}
	if best := inventory.Closest(e.Name, same); best != "" {
		return -1, fmt.Errorf("%s is not in site %q (did you mean %s:%s?)", e, g.Site.Name, e.Kind, best)
	}
	return -1, fmt.Errorf("%s is not in site %q", e, g.Site.Name)
}

// Size returns the number of nodes (sources through outlets).
func (g *Graph) Size() int { return g.n }

// Element returns the element of node i.
func (g *Graph) element(i int32) Element { return Element{g.kind[i], g.name[i]} }

// label names a node for people: "circuit PA-1", "outlet r01-a:7".
func (g *Graph) label(i int32) string { return g.kind[i].String() + " " + g.name[i] }

// Elements lists the elements a sweep fails in turn: every source, panel,
// circuit, ATS, PDU and bank (and outlet, when outlets is true).
func (g *Graph) Elements(outlets bool) []Element {
	var out []Element
	for i := 0; i < g.n; i++ {
		if g.kind[i] == Outlet && !outlets {
			continue
		}
		out = append(out, g.element(int32(i)))
	}
	return out
}
