package inventory

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// GenOptions sizes a synthetic site.
type GenOptions struct {
	Devices int    // number of devices (default 1000)
	Seed    int64  // random seed; same seed, same site
	Name    string // site name (default "synthetic")
}

// Generate writes a synthetic site as inventory YAML to w.
//
// The site has two UPS feeds, A and B, each with a main panel and a
// sub-panel per row of 20 racks; every rack has an A and a B PDU on a
// circuit of its own, every 50th rack an ATS feeding a PDU of single-corded
// gear. Racks are filled until each side carries 30-45 % of its circuit at
// the default utilisation, so that losing a feed takes the other side to
// 60-90 %; about one rack in 250 is packed hotter and overloads. About
// 0.5 % of the devices are cabled wrong the way real ones are: both power
// supplies on the same side, a supply left unplugged, or both sides on PDUs
// fed from one panel. The same options always give the same bytes.
func Generate(w io.Writer, opt GenOptions) error {
	if opt.Devices < 0 {
		return fmt.Errorf("generate: devices %d: want a positive number", opt.Devices)
	}
	if opt.Devices == 0 {
		opt.Devices = 1000
	}
	if opt.Name == "" {
		opt.Name = "synthetic"
	}
	g := &gen{
		opt:     opt,
		rng:     rand.New(rand.NewPCG(uint64(opt.Seed), uint64(opt.Seed)^0x9e3779b97f4a7c15)),
		pending: -1,
		svcOf:   make(map[string]int, len(genServices)),
	}
	for i, s := range genServices {
		g.svcOf[s.name] = i
	}
	g.build()
	bw := bufio.NewWriterSize(w, 64<<10)
	g.write(bw)
	return bw.Flush()
}

// Shape of the site.
const (
	genRacksPerRow = 20
	genATSEvery    = 50    // racks per ATS
	genMistakeRate = 0.005 // share of devices cabled wrong
	genHotRackRate = 250   // one rack in this many is packed hot
	genVolts       = 230.0
	genUtilisation = DefaultUtilisation
	genATSAmps     = 16.0
	// Panels carry the whole load of both feeds when the other feed is
	// lost: row panels at up to 80 % of their frame, the main switchboards
	// at up to 91 % (tight, as they are in real life).
	genRowHeadroom  = 1.25
	genMainHeadroom = 1.1
)

// genPDUModel is a kind of rack PDU and the circuit that feeds it.
type genPDUModel struct {
	vendor, model string
	weight        int     // share of racks
	outlets       int     // 24 or 42
	phases        int     // 1 or 3
	amps          float64 // circuit breaker and inlet rating, per phase
	banks         int     // outlet banks with their own breaker; 0: none
	bankAmps      float64
}

// The AP8959EU3 is a 16 A, 24-outlet unit with no bank breakers (as in
// ../shared/snmp/recordings/apc_ap8959eu3.snmprec); it also serves the
// single-corded gear behind each ATS. The other models' outlet counts and
// ratings are plausible, not taken from their datasheets.
var (
	genAPC       = &genPDUModel{vendor: "apc", model: "AP8959EU3", weight: 10, outlets: 24, phases: 1, amps: 16}
	genPDUModels = []*genPDUModel{
		{vendor: "raritan", model: "PX3-5190R", weight: 45, outlets: 42, phases: 1, amps: 32, banks: 3, bankAmps: 16},
		{vendor: "servertech", model: "C2WG36MJ", weight: 35, outlets: 42, phases: 1, amps: 32, banks: 2, bankAmps: 16},
		{vendor: "eaton", model: "EMAB03", weight: 10, outlets: 42, phases: 3, amps: 16, banks: 3, bankAmps: 16},
		genAPC,
	}
)

func (m *genPDUModel) bankOf(outlet int) int {
	return (outlet - 1) / (m.outlets / max(m.banks, 1))
}

// genRole is a kind of device.
type genRole struct {
	prefix             string
	weight             int // relative share of the devices drawn; 0 for roles placed on purpose
	psus, minPSUs      int
	wattsMin, wattsMax int
	services           []string
}

var (
	genToR = &genRole{prefix: "tor", psus: 2, wattsMin: 150, wattsMax: 350, services: []string{"rack-network"}}
	genOOB = []*genRole{
		{prefix: "oob", psus: 1, wattsMin: 150, wattsMax: 250, services: []string{"oob-mgmt"}},
		{prefix: "kvm", psus: 1, wattsMin: 150, wattsMax: 200, services: []string{"oob-mgmt"}},
		{prefix: "con", psus: 1, wattsMin: 150, wattsMax: 180, services: []string{"oob-mgmt"}},
	}
	genRoles = []*genRole{
		{prefix: "web", weight: 240, psus: 2, wattsMin: 200, wattsMax: 400,
			services: []string{"shop-frontend", "api-gateway", "cms", "search-frontend", "static-cdn", "auth-portal"}},
		{prefix: "app", weight: 220, psus: 2, wattsMin: 250, wattsMax: 500,
			services: []string{"orders", "payments", "inventory-svc", "billing", "catalog", "recommendations", "notifications", "checkout", "user-profile", "reporting"}},
		{prefix: "cache", weight: 80, psus: 2, wattsMin: 200, wattsMax: 400,
			services: []string{"redis-sessions", "redis-catalog", "memcached-api", "kafka", "rabbitmq", "zookeeper", "etcd"}},
		{prefix: "db", weight: 100, psus: 2, wattsMin: 500, wattsMax: 850,
			services: []string{"orders-db", "payments-db", "catalog-db", "users-db", "billing-db", "analytics-db"}},
		{prefix: "stor", weight: 70, psus: 2, wattsMin: 600, wattsMax: 950,
			services: []string{"ceph-osd", "object-store", "backup-store", "nfs-home", "hdfs"}},
		{prefix: "infra", weight: 80, psus: 2, wattsMin: 150, wattsMax: 350,
			services: []string{"dns", "ntp", "ldap", "monitoring", "logging"}},
		{prefix: "edge", weight: 40, psus: 2, wattsMin: 150, wattsMax: 350,
			services: []string{"load-balancers", "firewalls", "vpn"}},
		{prefix: "gpu", weight: 25, psus: 2, wattsMin: 900, wattsMax: 1200,
			services: []string{"ml-training", "ml-inference", "video-transcode"}},
		{prefix: "chassis", weight: 25, psus: 4, minPSUs: 2, wattsMin: 800, wattsMax: 1200,
			services: []string{"vdi", "ci-runners", "hypervisors"}},
		{prefix: "mta", weight: 10, psus: 2, wattsMin: 250, wattsMax: 400,
			services: []string{"mail-outbound", "mail-inbound"}},
		{prefix: "tape", weight: 5, psus: 1, wattsMin: 150, wattsMax: 250,
			services: []string{"tape-library"}},
	}
	genRoleWeight = func() int {
		n := 0
		for _, r := range genRoles {
			n += r.weight
		}
		return n
	}()
)

// genServices lists every service a synthetic site may have, in file
// order; a service appears only if some device provides it. Dependencies
// point down the list's layers (frontends → apps → stores), so they never
// loop.
var genServices = func() []genService {
	deps := map[string][]string{
		"shop-frontend":   {"checkout", "catalog", "redis-sessions"},
		"api-gateway":     {"orders", "user-profile"},
		"checkout":        {"orders", "payments"},
		"orders":          {"orders-db", "kafka"},
		"payments":        {"payments-db"},
		"catalog":         {"catalog-db", "redis-catalog"},
		"user-profile":    {"users-db"},
		"billing":         {"billing-db"},
		"reporting":       {"analytics-db"},
		"notifications":   {"mail-outbound", "rabbitmq"},
		"kafka":           {"zookeeper"},
		"ml-inference":    {"object-store"},
		"search-frontend": {"catalog"},
	}
	var list []genService
	for _, r := range append(append([]*genRole{genToR}, genRoles...), genOOB[0]) {
		for _, s := range r.services {
			list = append(list, genService{name: s, deps: deps[s]})
		}
	}
	return list
}()

type genService struct {
	name string
	deps []string
}

// genJobs are the scheduled jobs of a synthetic site; a job whose service
// is absent is left out.
var genJobs = []struct {
	name, cron, tz, service, command string
	deferrable                       bool
}{
	{"nightly-backup", "0 1 * * *", "Europe/Amsterdam", "backup-store", "/usr/local/bin/backup --all", true},
	{"orders-db-vacuum", "30 3 * * 0", "America/New_York", "orders-db", "vacuumdb --all --analyze", true},
	{"weekly-report", "0 6 * * 1", "Europe/London", "reporting", "report weekly", true},
	{"log-rotate", "15 0 * * *", "Asia/Tokyo", "logging", "logrotate /etc/logrotate.conf", true},
	{"search-reindex", "0 */6 * * *", "Europe/Berlin", "search-frontend", "reindex --incremental", true},
	{"billing-run", "0 2 1 * *", "Europe/Amsterdam", "billing", "billing close-month", false},
	{"ml-retrain", "0 22 * * 5", "America/Los_Angeles", "ml-training", "train --nightly", true},
	{"switch-config-backup", "@daily", "UTC", "rack-network", "rancid-run", true},
}

var genFailedTests = []string{
	"did not transfer: output dropped for 40 ms",
	"did not return to the preferred input",
	"transferred in 180 ms; downstream PDUs rebooted",
}

// Standard breaker frames, in A.
var genFrames = []float64{63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3200, 4000, 5000, 6300}

type gen struct {
	opt GenOptions
	rng *rand.Rand

	racks    []genRack
	pdus     []genPDU
	circuits []genCircuit
	ats      []genATS
	devices  []genDevice
	placed   []int      // devices in the order they went into racks
	panels   []genPanel // 0: A-MAIN, 1: B-MAIN, then A-R001, B-R001, A-R002, …

	pending   int // a device drawn that did not fit the last rack, or -1
	remaining int // devices still to place
	seq       map[*genRole]int
	mistakes  int
	agents    int // SNMP addresses handed out
	svcOf     map[string]int
	members   []int // per service
}

type genRack struct {
	row   int
	model *genPDUModel
	pdu   [2]int     // A and B PDU
	used  int        // outlets taken (the same numbers on both PDUs)
	load  [2]float64 // normal load of each side, in A
	// Per bank, on both PDUs together: outlets taken and load, so that
	// each device goes on the lightest bank (and phase) with room left.
	bankUsed [3]int
	bankLoad [3]float64
}

type genPDU struct {
	rack  int
	side  byte // 'a', 'b', or 's' behind an ATS
	model *genPDUModel
	inlet int // circuit, or ATS for side 's'
	addr  int
	bank  [3]float64 // normal load per bank, in A
}

type genCircuit struct {
	panel  int
	num    int
	amps   float64
	phases int
	phase  int // for single phase: 1-3
	pdu    int // the PDU it feeds, or -1 for an ATS input
	ats    int // the ATS it feeds, or -1
}

type genPanel struct {
	row      int // -1 for a main panel
	side     int // 0: A, 1: B
	circuits int // circuits so far
	single   int // single-phase circuits so far, to spread them over the phases
	failover [3]float64
}

type genATS struct {
	rack     int
	in       [2]int // circuits
	pdu      int
	addr     int
	preferB  bool
	test     byte // 0 none, 'p' passed, 'f' failed
	testDate int  // days into 2025
	note     int
}

type genDevice struct {
	role    *genRole
	seq     int
	rack    int
	plugs   [4]genPlug
	nplugs  int
	watts   int
	pf      int // hundredths
	service int // index into genServices
	mistake int // -1, or which mistake to make
}

type genPlug struct{ pdu, outlet int } // pdu -1: unplugged

func (d *genDevice) amps() float64 {
	return float64(d.watts) * genUtilisation / (genVolts * float64(d.pf) / 100)
}

func (g *gen) build() {
	g.remaining = g.opt.Devices
	g.devices = make([]genDevice, 0, g.opt.Devices+g.opt.Devices/16+1) // + the ones drawn that wait for the next rack
	g.placed = make([]int, 0, g.opt.Devices)
	g.seq = map[*genRole]int{}
	g.members = make([]int, len(genServices))
	g.panels = []genPanel{{row: -1, side: 0}, {row: -1, side: 1}}
	for r := 0; g.remaining > 0; r++ {
		row := r / genRacksPerRow
		if r%genRacksPerRow == 0 {
			g.panels = append(g.panels, genPanel{row: row, side: 0}, genPanel{row: row, side: 1})
		}
		g.buildRack(r, row)
	}
	g.sizePanels()
}

func (g *gen) panelOf(row, side int) int { return 2 + 2*row + side }

func (g *gen) addCircuit(row, side int, amps float64, phases, pdu, ats int) int {
	p := &g.panels[g.panelOf(row, side)]
	p.circuits++
	c := genCircuit{panel: g.panelOf(row, side), num: p.circuits, amps: amps, phases: phases, pdu: pdu, ats: ats}
	if phases == 1 {
		c.phase = p.single%3 + 1
		p.single++
	}
	g.circuits = append(g.circuits, c)
	return len(g.circuits) - 1
}

func (g *gen) pickModel() *genPDUModel {
	n := g.rng.IntN(100)
	for _, m := range genPDUModels {
		if n < m.weight {
			return m
		}
		n -= m.weight
	}
	return genPDUModels[0]
}

func (g *gen) buildRack(r, row int) {
	rk := genRack{row: row, model: g.pickModel()}
	hot := r == 7 || g.rng.IntN(genHotRackRate) == 0 // rack 7: even a small site has one
	g.racks = append(g.racks, rk)
	rack := &g.racks[r]

	if r%genATSEvery == 0 {
		g.buildATS(r, row)
	}
	for side := range 2 {
		p := len(g.pdus)
		c := g.addCircuit(row, side, rack.model.amps, rack.model.phases, p, -1)
		g.pdus = append(g.pdus, genPDU{rack: r, side: "ab"[side], model: rack.model, inlet: c, addr: g.agent()})
		rack.pdu[side] = p
	}

	// Fill to a per-side target: 30-45 % of the circuit, hotter now and then.
	f := 0.30 + 0.15*g.rng.Float64()
	if hot {
		f = 0.52 + 0.06*g.rng.Float64()
	}
	target := f * rack.model.amps * float64(rack.model.phases)
	g.place(r, g.newDevice(genToR, r), target, true)
	for g.remaining > 0 {
		if g.pending < 0 {
			g.pending = g.newDevice(g.pickRole(), r)
		}
		if !g.place(r, g.pending, target, false) {
			break
		}
		g.pending = -1
	}
}

func (g *gen) agent() int {
	g.agents++
	return g.agents - 1
}

// buildATS puts an ATS in rack r, on a circuit from each feed's row
// panel, with a PDU of single-corded management gear behind it.
func (g *gen) buildATS(r, row int) {
	a := len(g.ats)
	p := len(g.pdus)
	at := genATS{rack: r, pdu: p, addr: g.agent(), preferB: a%2 == 1}
	at.in[0] = g.addCircuit(row, 0, genATSAmps, 1, -1, a)
	at.in[1] = g.addCircuit(row, 1, genATSAmps, 1, -1, a)
	switch x := g.rng.IntN(100); {
	case x < 85:
		at.test = 'p'
	case x < 95:
		at.test = 'f'
		at.note = g.rng.IntN(len(genFailedTests))
	}
	at.testDate = g.rng.IntN(365)
	g.ats = append(g.ats, at)
	g.pdus = append(g.pdus, genPDU{rack: r, side: 's', model: genAPC, inlet: a, addr: g.agent()})

	n := min(6+g.rng.IntN(5), g.remaining/4)
	for i := range n {
		role := genOOB[g.rng.IntN(len(genOOB))]
		if i < len(genOOB) {
			role = genOOB[i] // at least a switch, a KVM and a console server
		}
		d := g.newDevice(role, r)
		g.cord(d, p, i+1, g.devices[d].amps())
		g.members[g.devices[d].service]++
		g.placed = append(g.placed, d)
		g.remaining--
	}
}

func (g *gen) pickRole() *genRole {
	n := g.rng.IntN(genRoleWeight)
	for _, r := range genRoles {
		if n < r.weight {
			return r
		}
		n -= r.weight
	}
	return genRoles[0]
}

// newDevice draws a device of a role; it is placed later.
func (g *gen) newDevice(role *genRole, rack int) int {
	g.seq[role]++
	d := genDevice{
		role:    role,
		seq:     g.seq[role],
		rack:    rack,
		watts:   role.wattsMin + 5*g.rng.IntN((role.wattsMax-role.wattsMin)/5+1),
		pf:      90 + g.rng.IntN(10),
		service: g.svcOf[role.services[g.rng.IntN(len(role.services))]],
		mistake: -1,
	}
	if role.psus == 2 && role != genToR && g.rng.Float64() < genMistakeRate {
		d.mistake = g.mistakes % 3
		g.mistakes++
	}
	g.devices = append(g.devices, d)
	return len(g.devices) - 1
}

// take returns a free outlet of rack r on its lightest bank with room,
// the way a careful technician spreads load over breakers and phases.
func (g *gen) take(r int) int {
	rack := &g.racks[r]
	nb := max(rack.model.banks, 1)
	per := rack.model.outlets / nb
	best := -1
	for b := range nb {
		if rack.bankUsed[b] < per && (best < 0 || rack.bankLoad[b] < rack.bankLoad[best]) {
			best = b
		}
	}
	rack.bankUsed[best]++
	rack.used++
	return best*per + rack.bankUsed[best]
}

// cord plugs the next power supply of device d into outlet of PDU p
// (p < 0: it stays unplugged) and adds the amps it draws there.
func (g *gen) cord(d, p, outlet int, amps float64) {
	dev := &g.devices[d]
	if p < 0 {
		dev.plugs[dev.nplugs] = genPlug{pdu: -1}
		dev.nplugs++
		return
	}
	dev.plugs[dev.nplugs] = genPlug{pdu: p, outlet: outlet}
	dev.nplugs++
	pdu := &g.pdus[p]
	b := pdu.model.bankOf(outlet)
	pdu.bank[b] += amps
	if pdu.side != 's' {
		g.racks[pdu.rack].bankLoad[b] += amps
	}
}

// place puts device d in rack r if it fits the outlets left and keeps
// each side under target amps (or always, when force is set).
func (g *gen) place(r, d int, target float64, force bool) bool {
	rack := &g.racks[r]
	dev := &g.devices[d]
	amps := dev.amps()
	a, b := rack.pdu[0], rack.pdu[1]

	// What it needs: outlets here, and amps on each side.
	need, onA, onB := 1, amps/2, amps/2
	prev := -1 // the rack before in the row, for a cross-rack mistake
	mistake := dev.mistake
	if mistake == 2 {
		if q := r - 1; r%genRacksPerRow != 0 && g.racks[q].used < g.racks[q].model.outlets {
			prev = q
		} else {
			mistake = 0
		}
	}
	switch {
	case dev.role.psus == 4:
		need = 2
	case dev.role.psus == 1:
		// A single-corded box goes on whichever side is lighter.
		if rack.load[0] <= rack.load[1] {
			onA, onB = amps, 0
		} else {
			onA, onB = 0, amps
		}
	case mistake == 0:
		need, onA, onB = 2, amps, 0
	case mistake == 1:
		onA, onB = amps, 0
	}
	if rack.used+need > rack.model.outlets {
		return false
	}
	if !force && (rack.load[0]+onA > target || rack.load[1]+onB > target) {
		return false
	}
	dev.rack = r
	dev.mistake = mistake
	rack.load[0] += onA
	rack.load[1] += onB
	switch {
	case dev.role.psus == 4:
		for range 2 {
			o := g.take(r)
			g.cord(d, a, o, amps/4)
			g.cord(d, b, o, amps/4)
		}
	case dev.role.psus == 1:
		side := a
		if onB > 0 {
			side = b
		}
		g.cord(d, side, g.take(r), amps)
	case mistake == 0: // both supplies on the A PDU
		g.cord(d, a, g.take(r), amps/2)
		g.cord(d, a, g.take(r), amps/2)
	case mistake == 1: // the B supply never got its cord
		g.cord(d, a, g.take(r), amps)
		g.cord(d, -1, 0, 0)
	case mistake == 2: // both on B PDUs, the one of the rack before: one panel feeds both
		g.racks[prev].load[1] += amps / 2
		g.cord(d, g.racks[prev].pdu[1], g.take(prev), amps/2)
		g.cord(d, b, g.take(r), amps/2)
	default:
		o := g.take(r)
		g.cord(d, a, o, amps/2)
		g.cord(d, b, o, amps/2)
	}
	g.members[dev.service]++
	g.placed = append(g.placed, d)
	g.remaining--
	return true
}

// pduPhaseLoad returns a PDU's normal load on each phase of its feed.
func (g *gen) pduPhaseLoad(p int, phase int) [3]float64 {
	pdu := &g.pdus[p]
	var out [3]float64
	if pdu.model.phases == 3 {
		return pdu.bank
	}
	out[phase-1] = pdu.bank[0] + pdu.bank[1] + pdu.bank[2]
	return out
}

// sizePanels adds up, per panel and phase, the load it carries when the
// other feed is lost (both PDUs of each rack on one side), from which
// panelFrame picks its rating.
func (g *gen) sizePanels() {
	for i := range g.circuits {
		c := &g.circuits[i]
		var load [3]float64
		switch {
		case c.ats >= 0:
			load = g.pduPhaseLoad(g.ats[c.ats].pdu, c.phase)
		default:
			rack := &g.racks[g.pdus[c.pdu].rack]
			for _, p := range rack.pdu {
				l := g.pduPhaseLoad(p, c.phase)
				for ph := range 3 {
					load[ph] += l[ph]
				}
			}
		}
		p := &g.panels[c.panel]
		m := &g.panels[p.side]
		for ph := range 3 {
			p.failover[ph] += load[ph]
			m.failover[ph] += load[ph]
		}
	}
}

// genFrame returns the smallest standard frame that carries amps with
// the headroom asked for.
func genFrame(amps, headroom float64) float64 {
	amps *= headroom
	for _, f := range genFrames {
		if f >= amps {
			return f
		}
	}
	return math.Ceil(amps/100) * 100
}

func (g *gen) panelFrame(p *genPanel) float64 {
	if p.row < 0 {
		return genFrame(slices.Max(p.failover[:]), genMainHeadroom)
	}
	return genFrame(slices.Max(p.failover[:]), genRowHeadroom)
}

// The writer: one object per line, flow style, appended by hand.

type genWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (w *genWriter) line(b []byte) {
	w.w.Write(append(b, '\n'))
	w.buf = b[:0]
}

func appendPad(b []byte, n, width int) []byte {
	for d, x := 1, 10; d < width; d, x = d+1, x*10 {
		if n < x {
			b = append(b, '0')
		}
	}
	return strconv.AppendInt(b, int64(n), 10)
}

func appendAmps(b []byte, a float64) []byte {
	return strconv.AppendFloat(b, a, 'f', -1, 64)
}

func appendRack(b []byte, r int) []byte {
	return appendPad(append(b, 'r'), r+1, 4)
}

func appendRow(b []byte, row int) []byte {
	return appendPad(append(b, 'R'), row+1, 3)
}

func (g *gen) appendPanel(b []byte, p int) []byte {
	pn := &g.panels[p]
	b = append(b, "AB"[pn.side], '-')
	if pn.row < 0 {
		return append(b, "MAIN"...)
	}
	return appendRow(b, pn.row)
}

func (g *gen) appendCircuit(b []byte, c int) []byte {
	b = g.appendPanel(b, g.circuits[c].panel)
	return appendPad(append(b, '-'), g.circuits[c].num, 2)
}

func (g *gen) appendPDU(b []byte, p int) []byte {
	b = appendRack(b, g.pdus[p].rack)
	return append(b, '-', g.pdus[p].side)
}

func appendATS(b []byte, at *genATS) []byte {
	return appendRack(append(b, "ats-"...), at.rack)
}

func (d *genDevice) appendName(b []byte) []byte {
	b = append(b, d.role.prefix...)
	return appendPad(append(b, '-'), d.seq, 5)
}

// appendSNMP writes the n-th agent's loopback address: 127.0.0.1, …,
// 127.0.0.250, 127.0.1.1, …
func appendSNMP(b []byte, n int) []byte {
	b = append(b, "snmp: {address: 127."...)
	b = strconv.AppendInt(b, int64(n/250/256), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(n/250%256), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(n%250+1), 10)
	return append(b, ", community: public}"...)
}

func (g *gen) write(bw *bufio.Writer) {
	w := &genWriter{w: bw, buf: make([]byte, 0, 512)}
	fmt.Fprintf(bw, "# A synthetic site: %d devices, seed %d. Generated by feedplan; not a real datacenter.\n", g.opt.Devices, g.opt.Seed)
	fmt.Fprintf(bw, "site: %s\nutilisation: %g\n", strconv.Quote(g.opt.Name), genUtilisation)

	bw.WriteString("\nsources:\n")
	for _, s := range []string{"A", "B"} {
		fmt.Fprintf(bw, "  - {name: %s, kind: ups, volts: 230, phases: 3, comment: UPS system %s}\n", s, s)
	}

	bw.WriteString("\npanels:\n")
	for i := range g.panels {
		p := &g.panels[i]
		b := g.appendPanel(append(w.buf, "  - {name: "...), i)
		if p.row < 0 {
			b = append(b, ", source: "...)
			b = append(b, "AB"[p.side])
		} else {
			b = g.appendPanel(append(b, ", panel: "...), p.side)
		}
		b = appendAmps(append(b, ", amps: "...), g.panelFrame(p))
		if p.row < 0 {
			b = append(b, ", comment: main switchboard"...)
		} else {
			b = appendRow(append(b, ", comment: row "...), p.row)
		}
		w.line(append(b, '}'))
	}

	bw.WriteString("\ncircuits:\n")
	// Grouped by panel, in the order each panel got them.
	byPanel := make([][]int, len(g.panels))
	for i := range g.circuits {
		byPanel[g.circuits[i].panel] = append(byPanel[g.circuits[i].panel], i)
	}
	for _, list := range byPanel {
		for _, i := range list {
			c := &g.circuits[i]
			b := g.appendCircuit(append(w.buf, "  - {name: "...), i)
			b = g.appendPanel(append(b, ", panel: "...), c.panel)
			b = appendAmps(append(b, ", amps: "...), c.amps)
			if c.phases == 3 {
				b = append(b, ", phases: 3"...)
			} else {
				b = strconv.AppendInt(append(b, ", phase: "...), int64(c.phase), 10)
			}
			if c.ats >= 0 {
				b = appendATS(append(b, ", comment: input of "...), &g.ats[c.ats])
			}
			w.line(append(b, '}'))
		}
	}

	if len(g.ats) > 0 {
		bw.WriteString("\nats:\n")
	}
	for i := range g.ats {
		at := &g.ats[i]
		b := appendATS(append(w.buf, "  - {name: "...), at)
		b = appendRack(append(b, ", rack: "...), at.rack)
		b = g.appendCircuit(append(b, ", inputs: ["...), at.in[0])
		b = g.appendCircuit(append(b, ", "...), at.in[1])
		b = append(b, ']')
		if at.preferB {
			b = g.appendCircuit(append(b, ", preferred: "...), at.in[1])
		}
		b = appendAmps(append(b, ", amps: "...), genATSAmps)
		b = append(b, ", vendor: apc, model: AP4423, "...)
		b = appendSNMP(b, at.addr)
		if at.test != 0 {
			date := time.Date(2025, time.January, 1+at.testDate, 0, 0, 0, 0, time.UTC)
			b = date.AppendFormat(append(b, ", test: {date: "...), time.DateOnly)
			if at.test == 'p' {
				b = append(b, ", result: passed}"...)
			} else {
				b = append(b, ", result: failed, note: "...)
				b = strconv.AppendQuote(b, genFailedTests[at.note])
				b = append(b, '}')
			}
		}
		w.line(append(b, '}'))
	}

	bw.WriteString("\npdus:\n")
	for i := range g.pdus {
		p := &g.pdus[i]
		m := p.model
		b := g.appendPDU(append(w.buf, "  - {name: "...), i)
		b = appendRack(append(b, ", rack: "...), p.rack)
		if p.side == 's' {
			b = appendATS(append(b, ", inlet: "...), &g.ats[p.inlet])
		} else {
			b = g.appendCircuit(append(b, ", inlet: "...), p.inlet)
		}
		if m.phases == 3 {
			b = append(b, ", phases: 3"...)
		}
		b = strconv.AppendInt(append(b, ", outlets: "...), int64(m.outlets), 10)
		if m.banks > 0 {
			b = append(b, ", banks: ["...)
			per := m.outlets / m.banks
			for k := range m.banks {
				if k > 0 {
					b = append(b, ", "...)
				}
				b = strconv.AppendInt(append(b, "{outlets: "...), int64(k*per+1), 10)
				b = strconv.AppendInt(append(b, '-'), int64((k+1)*per), 10)
				b = appendAmps(append(b, ", amps: "...), m.bankAmps)
				if m.phases == 3 {
					b = strconv.AppendInt(append(b, ", phase: "...), int64(k+1), 10)
				}
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(append(b, ", vendor: "...), m.vendor...)
		b = append(append(b, ", model: "...), m.model...)
		b = appendSNMP(append(b, ", "...), p.addr)
		w.line(append(b, '}'))
	}

	bw.WriteString("\nracks:\n")
	for i := range g.racks {
		b := appendRack(append(w.buf, "  - {name: "...), i)
		b = appendRow(append(b, ", row: "...), g.racks[i].row)
		w.line(append(b, '}'))
	}

	bw.WriteString("\ndevices:\n")
	for _, i := range g.placed {
		d := &g.devices[i]
		b := d.appendName(append(w.buf, "  - {name: "...))
		b = appendRack(append(b, ", rack: "...), d.rack)
		b = append(b, ", psus: ["...)
		for k, p := range d.plugs[:d.nplugs] {
			if k > 0 {
				b = append(b, ", "...)
			}
			if p.pdu < 0 {
				b = append(b, "unplugged"...)
				continue
			}
			b = strconv.AppendInt(append(g.appendPDU(b, p.pdu), ':'), int64(p.outlet), 10)
		}
		b = append(b, ']')
		if d.role.minPSUs > 1 {
			b = strconv.AppendInt(append(b, ", min_psus: "...), int64(d.role.minPSUs), 10)
		}
		b = strconv.AppendInt(append(b, ", watts: "...), int64(d.watts), 10)
		b = strconv.AppendInt(append(b, ", pf: 0."...), int64(d.pf), 10)
		b = append(append(b, ", services: ["...), genServices[d.service].name...)
		w.line(append(b, "]}"...))
	}

	g.writeServices(w)
	g.writeQueues(w)
	g.writeJobs(w)
}

func (g *gen) writeServices(w *genWriter) {
	w.w.WriteString("\nservices:\n")
	for i, s := range genServices {
		n := g.members[i]
		if n == 0 {
			continue
		}
		b := append(append(w.buf, "  - {name: "...), s.name...)
		// Every third service asks for a share, the others for a count.
		switch {
		case i%3 == 0 && n > 1:
			b = append(b, ", min: "...)
			b = strconv.AppendInt(b, int64([]int{50, 60, 66, 75}[i/3%4]), 10)
			b = append(b, '%')
		default:
			b = strconv.AppendInt(append(b, ", min: "...), int64(max(1, n*(50+5*(i%4))/100)), 10)
		}
		first := true
		for _, dep := range s.deps {
			if g.members[g.svcOf[dep]] == 0 {
				continue
			}
			if first {
				b = append(b, ", depends_on: ["...)
				first = false
			} else {
				b = append(b, ", "...)
			}
			b = append(b, dep...)
		}
		if !first {
			b = append(b, ']')
		}
		w.line(append(b, '}'))
	}
}

func (g *gen) writeQueues(w *genWriter) {
	mta := 0
	for _, i := range g.placed {
		d := &g.devices[i]
		if d.role.prefix != "mta" || mta == 4 {
			continue
		}
		if mta == 0 {
			w.w.WriteString("\nmail_queues:\n")
		}
		b := d.appendName(append(w.buf, "  - {name: mq-"...))
		b = d.appendName(append(b, ", device: "...))
		b = strconv.AppendInt(append(b, ", kind: postfix, rate: "...), int64(1200+600*mta), 10)
		b = append(b, ", lifetime: "...)
		b = append(b, []string{"5d", "3d", "5d", "2d"}[mta]...)
		w.line(append(b, '}'))
		mta++
	}
}

func (g *gen) writeJobs(w *genWriter) {
	w.w.WriteString("\njobs:\n")
	for _, j := range genJobs {
		if g.members[g.svcOf[j.service]] == 0 {
			continue
		}
		b := append(append(w.buf, "  - {name: "...), j.name...)
		b = strconv.AppendQuote(append(b, ", cron: "...), j.cron)
		b = append(append(b, ", tz: "...), j.tz...)
		b = append(append(b, ", service: "...), j.service...)
		if !j.deferrable {
			b = append(b, ", deferrable: false"...)
		}
		b = strconv.AppendQuote(append(b, ", command: "...), j.command)
		w.line(append(b, '}'))
	}
}
