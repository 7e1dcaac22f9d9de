package pdu

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
)

// apcPDU reads APC rack PDUs (PowerNet-MIB): the rPDU2 tables that the
// rpdu2g firmware serves (AP7900B, AP88xx, AP89xx, APDU99xx), falling back
// table by table to the legacy rPDU tree (AP78xx "rpdu" firmware) and to
// the MasterSwitch sPDU outlet table (AP9606 cards) where rPDU2 has
// nothing. APC's -1 ("not supported") reads as absent.
//
// Daisy-chained units (NPS host and guests, LibreNMS #2735) share one
// rPDU2 table per kind, with flat indices 1..N and a Module column. A
// Reading is one unit, so the driver reads the unit with Module 1 (the
// host, or a stand-alone unit) and skips the rows of the others; when no
// row has Module 1 it reads the module of the first device row. Guests
// would need a module in Target (see apcModule).
//
// An NMC answers a request in about 300 ms, so the driver counts
// requests: one GET for the identity, the whole-unit figures and every
// table's size; then one batched GET of the needed columns of every table
// whose size is known (rows 1..size); it walks a table, column by column
// and starting with the column it cannot do without, only when its size
// did not answer or rows are missing (partial recordings, odd indices).
// A switched 24-outlet unit reads in three requests after detection.
type apcPDU struct{}

// apcModule is the daisy-chain module a Reading describes.
const apcModule = 1

// apcUnknown is the size of a table whose size object did not answer.
const apcUnknown = -1

func (apcPDU) Name() string { return "apc-rpdu" }

var apcPDUObjectIDs = []string{
	oids.SysObjectIDAPCrPDU, oids.SysObjectIDAPCrPDU2, oids.SysObjectIDAPCrPDUB,
	oids.SysObjectIDAPCePDU, oids.SysObjectIDAPCMasterSwitchV2,
}

func (apcPDU) Matches(sysObjectID string) bool {
	return slices.Contains(apcPDUObjectIDs, strings.TrimPrefix(sysObjectID, "."))
}

// Probe asks for the model number in each of the three trees.
func (apcPDU) Probe(ctx context.Context, c Client) bool {
	v, err := apcGet(ctx, c, []string{
		apcAt(oids.RPDU2IdentModelNumber, 1), apcAt(oids.RPDUIdentModelNumber, 0), apcAt(oids.SPDUIdentModelNumber, 0),
	})
	if err != nil {
		return false
	}
	return apcFirst(v.str(oids.RPDU2IdentModelNumber, 1), v.str(oids.RPDUIdentModelNumber, 0), v.str(oids.SPDUIdentModelNumber, 0)) != ""
}

// apcPDUScalars is the first request: identity, whole-unit figures of
// device row 1 and the size of every table, in all three trees.
var apcPDUScalars = []string{
	apcAt(oids.RPDU2DeviceTableSize, 0),
	apcAt(oids.RPDU2PhaseTableSize, 0),
	apcAt(oids.RPDU2BankTableSize, 0),
	apcAt(oids.RPDU2OutletSwitchedTableSize, 0),
	apcAt(oids.RPDU2OutletMeteredTableSize, 0),
	apcAt(oids.RPDU2IdentModule, 1),
	apcAt(oids.RPDU2IdentFirmwareRev, 1),
	apcAt(oids.RPDU2IdentModelNumber, 1),
	apcAt(oids.RPDU2IdentSerialNumber, 1),
	apcAt(oids.RPDU2DeviceStatusModule, 1),
	apcAt(oids.RPDU2DeviceStatusLoadState, 1),
	apcAt(oids.RPDU2DeviceStatusPower, 1),
	apcAt(oids.RPDU2DeviceStatusEnergy, 1),
	apcAt(oids.RPDU2DevicePropertiesModule, 1),
	apcAt(oids.RPDU2DevicePropertiesMaxCurrentRating, 1),
	apcAt(oids.RPDU2DevicePropertiesMaxPhaseCurrentRating, 1),
	apcAt(oids.RPDUIdentFirmwareRev, 0),
	apcAt(oids.RPDUIdentModelNumber, 0),
	apcAt(oids.RPDUIdentSerialNumber, 0),
	apcAt(oids.RPDUIdentDeviceRating, 0),
	apcAt(oids.RPDUIdentDeviceNumPhases, 0),
	apcAt(oids.RPDUIdentDeviceBreakerRating, 0),
	apcAt(oids.RPDUIdentDevicePowerWatts, 0),
	apcAt(oids.RPDULoadDevNumPhases, 0),
	apcAt(oids.RPDULoadDevNumBanks, 0),
	apcAt(oids.RPDUOutletDevNumTotalOutlets, 0),
	apcAt(oids.SPDUIdentFirmwareRev, 0),
	apcAt(oids.SPDUIdentModelNumber, 0),
	apcAt(oids.SPDUIdentSerialNumber, 0),
	apcAt(oids.SPDUOutletControlTableSize, 0),
	apcAt(oids.APCModuleFirmwareRev, 2), // the application firmware
}

func (apcPDU) Read(ctx context.Context, c Client, r *Reading) error {
	s, err := apcGet(ctx, c, apcPDUScalars)
	if err != nil {
		return fmt.Errorf("reading identity and table sizes: %w", err)
	}
	rd := &apcReader{ctx: ctx, c: c, r: r}

	// The device tables: row 1 came with the scalars; a chain has more.
	devSize := s.size(oids.RPDU2DeviceTableSize)
	ident := &apcTable{what: "rPDU2 ident", entry: oids.RPDU2IdentEntry, cols: []int{8, 2, 6, 9}}
	status := &apcTable{what: "rPDU2 device status", entry: oids.RPDU2DeviceStatusEntry, cols: []int{4, 2, 5, 9}}
	props := &apcTable{what: "rPDU2 device properties", entry: oids.RPDU2DevicePropertiesEntry, cols: []int{9, 2, 12}}
	if devSize > 1 {
		ident.size, status.size, props.size = devSize, devSize, devSize
		rd.read(ident, status, props)
	} else {
		for _, t := range []*apcTable{ident, status, props} {
			t.fill(s, 1)
		}
	}
	module := apcPickModule(status, ident, props)
	identRow, statusRow, propsRow := ident.module(module), status.module(module), props.module(module)

	r.Model = apcFirst(apcStr(identRow[8]), s.str(oids.RPDUIdentModelNumber, 0), s.str(oids.SPDUIdentModelNumber, 0))
	r.Serial = apcFirst(apcStr(identRow[9]), s.str(oids.RPDUIdentSerialNumber, 0), s.str(oids.SPDUIdentSerialNumber, 0))
	r.Firmware = apcFirst(apcStr(identRow[6]), s.str(oids.RPDUIdentFirmwareRev, 0), s.str(oids.SPDUIdentFirmwareRev, 0),
		s.str(oids.APCModuleFirmwareRev, 2))
	if statusRow != nil {
		r.Watts = apcMul(statusRow[5], 10)       // 0.01 kW
		r.EnergyKWh = apcDiv(statusRow[9], 10)   // 0.1 kWh
		r.LoadState = apcRPDU2Load(statusRow[4]) // notsupported(5) reads as ""
	} else {
		r.Watts = apcMul(s.at(oids.RPDUIdentDevicePowerWatts, 0), 1)
	}
	phaseRating := apcRating(propsRow[12], propsRow[9], s.at(oids.RPDUIdentDeviceRating, 0))

	// rPDU2 tables. Without any rPDU2 object the tree is not there (rpdu
	// or MasterSwitch firmware): skip it rather than walk five empty tables.
	phaseSize, bankSize := s.size(oids.RPDU2PhaseTableSize), s.size(oids.RPDU2BankTableSize)
	switchedSize, meteredSize := s.size(oids.RPDU2OutletSwitchedTableSize), s.size(oids.RPDU2OutletMeteredTableSize)
	hasRPDU2 := identRow != nil || statusRow != nil || propsRow != nil || devSize > 0 ||
		max(phaseSize, bankSize, switchedSize, meteredSize) != apcUnknown
	phases := &apcTable{what: "rPDU2 phase status", entry: oids.RPDU2PhaseStatusEntry, size: phaseSize, cols: []int{5, 2, 3, 4, 6, 7, 9}}
	banks := &apcTable{what: "rPDU2 bank status", entry: oids.RPDU2BankStatusEntry, size: bankSize, cols: []int{5, 2, 3, 4}}
	bankProps := &apcTable{what: "rPDU2 bank properties", entry: oids.RPDU2BankPropertiesEntry, size: bankSize, cols: []int{5, 2, 3, 4}}
	switched := &apcTable{what: "rPDU2 switched outlet status", entry: oids.RPDU2OutletSwitchedStatusEntry, size: switchedSize, cols: []int{5, 2, 3, 4}}
	metered := &apcTable{what: "rPDU2 metered outlet status", entry: oids.RPDU2OutletMeteredStatusEntry, size: meteredSize, cols: []int{6, 2, 3, 4, 7, 11}}
	if hasRPDU2 {
		rd.read(phases, banks, bankProps, switched, metered)
	}
	r.Phases = apcRPDU2Phases(phases, module, phaseRating)
	r.Banks = apcRPDU2Banks(banks, bankProps, module)
	r.Outlets = apcRPDU2Outlets(switched, metered, module)

	// Legacy rPDU load status: phase rows first, then bank rows.
	if len(r.Phases) == 0 || len(r.Banks) == 0 && (!hasRPDU2 || bankSize != 0) {
		nPhases, nBanks := s.size(oids.RPDULoadDevNumPhases), s.size(oids.RPDULoadDevNumBanks)
		if nPhases == apcUnknown {
			nPhases = s.size(oids.RPDUIdentDeviceNumPhases)
		}
		load := &apcTable{what: "rPDU load status", entry: oids.RPDULoadStatusEntry, size: apcUnknown, cols: []int{2, 3, 4, 5}}
		if nPhases != apcUnknown && nBanks != apcUnknown {
			load.size = nPhases + nBanks
		}
		rd.read(load)
		ph, bk := apcRPDULoad(load, nPhases, phaseRating, apcRating(s.at(oids.RPDUIdentDeviceBreakerRating, 0)))
		if len(r.Phases) == 0 {
			r.Phases = ph
		}
		if len(r.Banks) == 0 {
			r.Banks = bk
		}
	}

	// Legacy outlets: rPDU outlet status, else the sPDU outlet table. A
	// unit whose rPDU2 says it has neither switched nor metered outlets
	// has none to read.
	if len(r.Outlets) == 0 && (!hasRPDU2 || switchedSize != 0 || meteredSize != 0) {
		st := &apcTable{what: "rPDU outlet status", entry: oids.RPDUOutletStatusEntry, size: s.size(oids.RPDUOutletDevNumTotalOutlets), cols: []int{4, 2, 7}}
		rd.read(st)
		r.Outlets = apcRPDUOutlets(st)
		if len(r.Outlets) == 0 {
			sp := &apcTable{what: "sPDU outlet control", entry: oids.SPDUOutletControlEntry, size: s.size(oids.SPDUOutletControlTableSize), cols: []int{3, 4}}
			rd.read(sp)
			r.Outlets = apcSPDUOutlets(sp)
		}
	}

	if r.Model == "" && r.Serial == "" && r.Watts == nil && len(r.Phases)+len(r.Banks)+len(r.Outlets) == 0 {
		if rd.dead != nil {
			return rd.dead
		}
		return errors.New("no rPDU2, rPDU or sPDU object answers")
	}
	return nil
}

// apcPickModule is Module 1 when a device row has it, else the module of
// the first device row, else 1.
func apcPickModule(tables ...*apcTable) int {
	first := 0
	for _, t := range tables {
		for _, idx := range t.indices() {
			m, ok := apcInt(t.rows[idx][2])
			if !ok {
				continue
			}
			if m == apcModule {
				return apcModule
			}
			if first == 0 {
				first = int(m)
			}
		}
	}
	if first == 0 {
		return apcModule
	}
	return first
}

func apcRPDU2Phases(t *apcTable, module int, rated *float64) []Phase {
	var out []Phase
	for _, mr := range t.moduleRows(module) {
		row := mr.cells
		out = append(out, Phase{
			Number:    apcNumber(row[3], len(out)+1),
			Amps:      apcDiv(row[5], 10), // 0.1 A
			Volts:     apcDiv(row[6], 1),
			Watts:     apcMul(row[7], 10),  // 0.01 kW
			PF:        apcDiv(row[9], 100), // 0.01
			RatedAmps: apcCopy(rated),
			LoadState: apcRPDU2Load(row[4]),
		})
	}
	slices.SortStableFunc(out, func(a, b Phase) int { return a.Number - b.Number })
	return out
}

func apcRPDU2Banks(status, props *apcTable, module int) []Bank {
	byNumber := map[int]map[int]gosnmp.SnmpPDU{}
	for i, row := range props.moduleRows(module) {
		byNumber[apcNumber(row.cells[3], i+1)] = row.cells
	}
	var out []Bank
	for _, mr := range status.moduleRows(module) {
		row := mr.cells
		n := apcNumber(row[3], len(out)+1)
		p := byNumber[n]
		out = append(out, Bank{
			Number:    n,
			Phase:     apcLayoutPhase(p[4]),
			Amps:      apcDiv(row[5], 10), // 0.1 A
			RatedAmps: apcRating(p[5]),
			LoadState: apcRPDU2Load(row[4]),
		})
	}
	slices.SortStableFunc(out, func(a, b Bank) int { return a.Number - b.Number })
	return out
}

// apcRPDU2Outlets joins the switched and metered status tables on the
// outlet Number column (the index is not the outlet number on a chain).
func apcRPDU2Outlets(switched, metered *apcTable, module int) []Outlet {
	byNumber := map[int]*Outlet{}
	get := func(n int) *Outlet {
		if o := byNumber[n]; o != nil {
			return o
		}
		o := &Outlet{Number: n}
		byNumber[n] = o
		return o
	}
	for i, mr := range switched.moduleRows(module) {
		row := mr.cells
		o := get(apcNumber(row[4], i+1))
		o.Name = apcStr(row[3])
		switch v, _ := apcInt(row[5]); oids.RPDU2OutletState(v) {
		case oids.RPDU2OutletOn:
			o.On = B(true)
		case oids.RPDU2OutletOff:
			o.On = B(false)
		}
	}
	for i, mr := range metered.moduleRows(module) {
		row := mr.cells
		o := get(apcNumber(row[4], i+1))
		if o.Name == "" {
			o.Name = apcStr(row[3])
		}
		o.Amps = apcDiv(row[6], 10)       // 0.1 A
		o.Watts = apcDiv(row[7], 1)       // W (the MIB gives no unit)
		o.EnergyKWh = apcDiv(row[11], 10) // 0.1 kWh
	}
	return apcSortedOutlets(byNumber)
}

// apcRPDULoad decodes rPDULoadStatus: each row is a phase (bank number
// 0) or a bank (phase number 0 on the AP8853). Without those columns the
// rows are the phases first, then the banks.
func apcRPDULoad(t *apcTable, nPhases int, phaseRating, bankRating *float64) ([]Phase, []Bank) {
	if nPhases == apcUnknown {
		nPhases = 1
	}
	var phases []Phase
	var banks []Bank
	for pos, idx := range t.indices() {
		row := t.rows[idx]
		phase, hasPhase := apcInt(row[4])
		bank, hasBank := apcInt(row[5])
		amps, state := apcDiv(row[2], 10), apcRPDULoadState(row[3]) // Gauge32, 0.1 A
		switch {
		case hasBank && bank > 0:
			banks = append(banks, Bank{Number: int(bank), Phase: int(max(phase, 0)), Amps: amps, RatedAmps: apcCopy(bankRating), LoadState: state})
		case hasPhase && phase > 0:
			phases = append(phases, Phase{Number: int(phase), Amps: amps, RatedAmps: apcCopy(phaseRating), LoadState: state})
		case !hasPhase && !hasBank && pos < nPhases:
			phases = append(phases, Phase{Number: pos + 1, Amps: amps, RatedAmps: apcCopy(phaseRating), LoadState: state})
		case !hasPhase && !hasBank:
			banks = append(banks, Bank{Number: pos - nPhases + 1, Amps: amps, RatedAmps: apcCopy(bankRating), LoadState: state})
		}
	}
	return phases, banks
}

// apcRPDUOutlets decodes rPDUOutletStatus, indexed by outlet number.
func apcRPDUOutlets(t *apcTable) []Outlet {
	byNumber := map[int]*Outlet{}
	for _, idx := range t.indices() {
		row := t.rows[idx]
		n, err := strconv.Atoi(idx)
		if err != nil {
			continue
		}
		o := &Outlet{Number: n, Name: apcStr(row[2]), Amps: apcDiv(row[7], 10)}
		switch v, _ := apcInt(row[4]); oids.RPDUOutletState(v) {
		case oids.RPDUOutletStatusOn:
			o.On = B(true)
		case oids.RPDUOutletStatusOff:
			o.On = B(false)
		}
		byNumber[n] = o
	}
	return apcSortedOutlets(byNumber)
}

// apcSPDUOutlets decodes the sPDU outlet control table, indexed by outlet
// number: a GET of sPDUOutletCtl reads outletOn(1), outletOff(2) or
// outletUnknown(4).
func apcSPDUOutlets(t *apcTable) []Outlet {
	byNumber := map[int]*Outlet{}
	for _, idx := range t.indices() {
		row := t.rows[idx]
		n, err := strconv.Atoi(idx)
		if err != nil {
			continue
		}
		o := &Outlet{Number: n, Name: apcStr(row[4])}
		switch v, _ := apcInt(row[3]); oids.SPDUOutletCommand(v) {
		case oids.SPDUOutletOn:
			o.On = B(true)
		case oids.SPDUOutletOff:
			o.On = B(false)
		}
		byNumber[n] = o
	}
	return apcSortedOutlets(byNumber)
}

func apcSortedOutlets(byNumber map[int]*Outlet) []Outlet {
	if len(byNumber) == 0 {
		return nil
	}
	out := make([]Outlet, 0, len(byNumber))
	for _, o := range byNumber {
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b Outlet) int { return a.Number - b.Number })
	return out
}

// SwitchOutlet sends an immediate on, off or reboot to the outlet
// numbered outlet (as printed on the unit) of module 1:
// rPDU2OutletSwitchedControlCommand at the row whose Number column is the
// outlet; on units without rPDU2 outlet control, rPDUOutletControlOutletCommand
// or sPDUOutletCtl, which the legacy trees index by outlet number.
func (apcPDU) SwitchOutlet(ctx context.Context, c Client, outlet int, cmd OutletCommand) error {
	var v2 oids.RPDU2OutletCommand
	var v1 oids.RPDUOutletCommand
	var sp oids.SPDUOutletCommand
	switch cmd {
	case On:
		v2, v1, sp = oids.RPDU2ImmediateOn, oids.RPDUImmediateOn, oids.SPDUOutletOn
	case Off:
		v2, v1, sp = oids.RPDU2ImmediateOff, oids.RPDUImmediateOff, oids.SPDUOutletOff
	case Reboot:
		v2, v1, sp = oids.RPDU2ImmediateReboot, oids.RPDUImmediateReboot, oids.SPDUOutletReboot
	default:
		return fmt.Errorf("outlet %d: command %q: want on, off or reboot", outlet, cmd)
	}
	if outlet < 1 {
		return fmt.Errorf("outlet %d: outlets are numbered from 1", outlet)
	}
	fail := func(err error) error { return fmt.Errorf("switching outlet %d %s: %w", outlet, cmd, err) }

	// One GET answers for a stand-alone unit, whose index is the outlet
	// number (checked on the Number column), and for the legacy trees.
	s, err := apcGet(ctx, c, []string{
		apcAt(oids.RPDU2OutletSwitchedTableSize, 0),
		apcAt(oids.RPDU2OutletSwitchedControlModule, outlet),
		apcAt(oids.RPDU2OutletSwitchedControlNumber, outlet),
		apcAt(oids.RPDUOutletControlOutletCommand, outlet),
		apcAt(oids.SPDUOutletCtl, outlet),
	})
	if err != nil {
		return fail(err)
	}
	module, hasModule := apcInt(s.at(oids.RPDU2OutletSwitchedControlModule, outlet))
	if n, ok := apcInt(s.at(oids.RPDU2OutletSwitchedControlNumber, outlet)); ok && n == int64(outlet) && (!hasModule || module == apcModule) {
		return apcSet(ctx, c, fail, apcAt(oids.RPDU2OutletSwitchedControlCommand, outlet), int(v2))
	}
	// A daisy chain, or odd indices: find the row by its Number column.
	// Without the table's size, only when no legacy control answers.
	_, rpduCtl := apcInt(s.at(oids.RPDUOutletControlOutletCommand, outlet))
	_, spduCtl := apcInt(s.at(oids.SPDUOutletCtl, outlet))
	if size := s.size(oids.RPDU2OutletSwitchedTableSize); size > 0 || size == apcUnknown && !rpduCtl && !spduCtl {
		var scratch Reading
		rd := &apcReader{ctx: ctx, c: c, r: &scratch}
		ctl := &apcTable{what: "rPDU2 outlet control", entry: oids.RPDU2OutletSwitchedControlEntry, size: size, cols: []int{4, 2}}
		rd.read(ctl)
		if rd.dead != nil {
			return fail(rd.dead)
		}
		if len(ctl.rows) > 0 {
			module := apcPickModule(ctl)
			rows := ctl.moduleRows(module)
			for i, row := range rows {
				if apcNumber(row.cells[4], i+1) == outlet {
					return apcSet(ctx, c, fail, oids.RPDU2OutletSwitchedControlCommand+"."+row.index, int(v2))
				}
			}
			return fail(fmt.Errorf("no such switched outlet (module %d has %d)", module, len(rows)))
		}
	}
	switch {
	case rpduCtl:
		return apcSet(ctx, c, fail, apcAt(oids.RPDUOutletControlOutletCommand, outlet), int(v1))
	case spduCtl:
		return apcSet(ctx, c, fail, apcAt(oids.SPDUOutletCtl, outlet), int(sp))
	}
	return fail(errors.New("no rPDU2, rPDU or sPDU control object answers for it (a metered unit, or no such outlet)"))
}

func apcSet(ctx context.Context, c Client, fail func(error) error, oid string, v int) error {
	if err := c.Set(ctx, gosnmp.SnmpPDU{Name: oid, Type: gosnmp.Integer, Value: v}); err != nil {
		return fail(err)
	}
	return nil
}

// --- reading APC tables with few requests ---

// apcTable is the part of an APC table a driver needs: some columns of
// an entry whose rows are indexed 1..size (the flat indices of PowerNet
// tables). cols[0] is the column the driver cannot do without: a walk
// starts there and stops when it is empty.
type apcTable struct {
	what  string // for problems: "rPDU2 phase status"
	entry string
	size  int // rows; apcUnknown when its size object did not answer
	cols  []int
	rows  map[string]map[int]gosnmp.SnmpPDU // index → column → value; no absent cells
}

// fill takes row index from the values of a GET.
func (t *apcTable) fill(v apcVals, index int) {
	for _, col := range t.cols {
		t.put(v.at(t.entry+"."+strconv.Itoa(col), index))
	}
}

// put files a varbind by its index and column, unless it is absent.
func (t *apcTable) put(p gosnmp.SnmpPDU) bool {
	if Absent(p) {
		return false
	}
	rest, ok := strings.CutPrefix(strings.TrimPrefix(p.Name, "."), t.entry+".")
	if !ok {
		return false
	}
	colStr, idx, ok := strings.Cut(rest, ".")
	col, err := strconv.Atoi(colStr)
	if !ok || err != nil {
		return false
	}
	if t.rows == nil {
		t.rows = map[string]map[int]gosnmp.SnmpPDU{}
	}
	if t.rows[idx] == nil {
		t.rows[idx] = map[int]gosnmp.SnmpPDU{}
	}
	t.rows[idx][col] = p
	return true
}

// indices lists the row indices in numeric order.
func (t *apcTable) indices() []string {
	out := make([]string, 0, len(t.rows))
	for idx := range t.rows {
		out = append(out, idx)
	}
	slices.SortFunc(out, apcCompareIndex)
	return out
}

// apcRow is one row of a table: its index and its cells by column.
type apcRow struct {
	index string
	cells map[int]gosnmp.SnmpPDU
}

// moduleRows are the rows of one daisy-chain module, in index order; a
// row without a Module column (.2 in every rPDU2 table) belongs to
// module 1.
func (t *apcTable) moduleRows(module int) []apcRow {
	var out []apcRow
	for _, idx := range t.indices() {
		row := t.rows[idx]
		m, ok := apcInt(row[2])
		if !ok {
			m = apcModule
		}
		if int(m) == module {
			out = append(out, apcRow{idx, row})
		}
	}
	return out
}

// module is the first row of a module, or nil.
func (t *apcTable) module(module int) map[int]gosnmp.SnmpPDU {
	if rows := t.moduleRows(module); len(rows) > 0 {
		return rows[0].cells
	}
	return nil
}

func apcCompareIndex(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.ParseUint(as[i], 10, 64)
		y, _ := strconv.ParseUint(bs[i], 10, 64)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return len(as) - len(bs)
}

// apcReader reads tables for one reading and remembers a device that
// stopped answering, so that one timeout does not cost one per table.
type apcReader struct {
	ctx  context.Context
	c    Client
	r    *Reading
	dead error // set on a timeout or a cancelled context: no more requests
}

func (rd *apcReader) fail(what string, err error) {
	if rd.dead != nil {
		return
	}
	rd.r.problem("%s: %v", what, err)
	if apcFatal(rd.ctx, err) {
		rd.dead = err
	}
}

// read fills tables: one batched GET of rows 1..size of every table whose
// size is known, then a walk of each table whose size is unknown or that
// lacks rows. A table with fewer rows than its size is a problem.
func (rd *apcReader) read(tables ...*apcTable) {
	if rd.dead != nil {
		return
	}
	var names []string
	var what []string
	for _, t := range tables {
		if t.size <= 0 {
			continue
		}
		what = append(what, t.what)
		for i := 1; i <= t.size; i++ {
			for _, col := range t.cols {
				names = append(names, apcAt(t.entry+"."+strconv.Itoa(col), i))
			}
		}
	}
	if len(names) > 0 {
		v, err := apcGet(rd.ctx, rd.c, names)
		if err != nil {
			rd.fail("reading "+strings.Join(what, ", "), err)
			if rd.dead != nil {
				return
			}
		}
		for _, t := range tables {
			if t.size <= 0 {
				continue
			}
			for i := 1; i <= t.size; i++ {
				t.fill(v, i)
			}
		}
	}
	for _, t := range tables {
		if t.size == 0 || t.size > 0 && len(t.rows) >= t.size {
			continue // none, or all read
		}
		if rd.walk(t); rd.dead != nil {
			return
		}
		// No row at all is a table the unit does not serve; some rows
		// are a table that could not be read whole.
		if t.size > 0 && len(t.rows) > 0 && len(t.rows) < t.size {
			rd.r.problem("%s: %d of %d rows", t.what, len(t.rows), t.size)
		}
	}
}

// walk reads a table column by column. An empty first column ends it,
// and so does an error: the rows read so far stay, with a problem.
func (rd *apcReader) walk(t *apcTable) {
	t.rows = nil
	for i, col := range t.cols {
		vars, err := rd.c.Walk(rd.ctx, t.entry+"."+strconv.Itoa(col))
		n := 0
		for _, v := range vars {
			if t.put(v) {
				n++
			}
		}
		if err != nil {
			rd.fail("walking "+t.what, err)
			return
		}
		if i == 0 && n == 0 {
			return
		}
	}
}

// apcFatal reports whether an error means the device is gone for this
// reading: it did not answer, or the context ended.
func apcFatal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, ErrTimeout) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// apcRefused reports whether an agent refused a whole GET because of
// some of its variables: SNMPv1 noSuchName for one missing object, or a
// response too big for it.
func apcRefused(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Status == gosnmp.NoSuchName || se.Status == gosnmp.TooBig)
}

// apcVals are the values of a GET by OID (no leading dot).
type apcVals map[string]gosnmp.SnmpPDU

// apcGet reads names in as few requests as the agent allows. When the
// agent refuses a request because of some of its objects (apcRefused) it
// asks again in halves, down to single objects, which then read as
// absent. Any other error ends it.
func apcGet(ctx context.Context, c Client, names []string) (apcVals, error) {
	out := apcVals{}
	var get func(names []string) error
	get = func(names []string) error {
		vars, err := c.Get(ctx, names...)
		if err != nil {
			if apcFatal(ctx, err) || !apcRefused(err) {
				return err
			}
			if len(names) == 1 {
				return nil // absent
			}
			if err := get(names[:len(names)/2]); err != nil {
				return err
			}
			return get(names[len(names)/2:])
		}
		for _, v := range vars {
			out[strings.TrimPrefix(v.Name, ".")] = v
		}
		return nil
	}
	if err := get(names); err != nil {
		return nil, err
	}
	return out, nil
}

// at is the value of obj at index, or a noSuchObject varbind.
func (v apcVals) at(obj string, index ...int) gosnmp.SnmpPDU {
	name := apcAt(obj, index...)
	if p, ok := v[name]; ok {
		return p
	}
	return gosnmp.SnmpPDU{Name: "." + name, Type: gosnmp.NoSuchObject}
}

func (v apcVals) str(obj string, index ...int) string { return apcStr(v.at(obj, index...)) }

// size is a table-size scalar (obj.0), or apcUnknown.
func (v apcVals) size(obj string) int {
	n, ok := apcInt(v.at(obj, 0))
	if !ok || n < 0 {
		return apcUnknown
	}
	return int(n)
}

// apcAt is the OID of obj at index.
func apcAt(obj string, index ...int) string {
	var b strings.Builder
	b.WriteString(obj)
	for _, i := range index {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

// --- APC values ---

// apcInt is an integer value; APC's -1 ("not supported") is absent.
func apcInt(v gosnmp.SnmpPDU) (int64, bool) {
	n, ok := Int(v)
	if !ok || n == -1 {
		return 0, false
	}
	return n, true
}

// apcDiv is an integer value divided by div (10 for tenths), or nil.
func apcDiv(v gosnmp.SnmpPDU, div float64) *float64 {
	n, ok := apcInt(v)
	if !ok {
		return nil
	}
	return F(float64(n) / div)
}

// apcMul is an integer value times mul (10 for 0.01 kW in W), or nil.
func apcMul(v gosnmp.SnmpPDU, mul float64) *float64 {
	n, ok := apcInt(v)
	if !ok {
		return nil
	}
	return F(float64(n) * mul)
}

// apcRating is the first positive whole-amp rating among vs.
func apcRating(vs ...gosnmp.SnmpPDU) *float64 {
	for _, v := range vs {
		if n, ok := apcInt(v); ok && n > 0 {
			return F(float64(n))
		}
	}
	return nil
}

func apcCopy(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return F(*p)
}

func apcStr(v gosnmp.SnmpPDU) string {
	s, _ := Str(v)
	return strings.TrimSpace(strings.TrimRight(s, "\x00"))
}

func apcFirst(vs ...string) string {
	for _, s := range vs {
		if s != "" {
			return s
		}
	}
	return ""
}

// apcNumber is a Number column, or fallback when it is absent.
func apcNumber(v gosnmp.SnmpPDU, fallback int) int {
	if n, ok := apcInt(v); ok && n > 0 {
		return int(n)
	}
	return fallback
}

// apcRPDU2Load decodes rPDU2's load states (normal is 2).
func apcRPDU2Load(v gosnmp.SnmpPDU) string {
	n, _ := apcInt(v)
	switch oids.RPDU2LoadState(n) {
	case oids.RPDU2LowLoad:
		return "low"
	case oids.RPDU2Normal:
		return "normal"
	case oids.RPDU2NearOverload:
		return "near-overload"
	case oids.RPDU2Overload:
		return "overload"
	}
	return ""
}

// apcRPDULoadState decodes rPDU's load states (normal is 1); the ATS's
// atsOutputPhaseState numbers them alike.
func apcRPDULoadState(v gosnmp.SnmpPDU) string {
	n, _ := apcInt(v)
	switch oids.RPDULoadState(n) {
	case oids.RPDUPhaseLoadNormal:
		return "normal"
	case oids.RPDUPhaseLoadLow:
		return "low"
	case oids.RPDUPhaseLoadNearOverload:
		return "near-overload"
	case oids.RPDUPhaseLoadOverload:
		return "overload"
	}
	return ""
}

// apcLayoutPhase is the phase of a bank wired phase to neutral; 0 for a
// bank across two phases.
func apcLayoutPhase(v gosnmp.SnmpPDU) int {
	n, _ := apcInt(v)
	switch oids.RPDU2PhaseLayout(n) {
	case oids.RPDU2SeqPhase1ToNeutral:
		return 1
	case oids.RPDU2SeqPhase2ToNeutral:
		return 2
	case oids.RPDU2SeqPhase3ToNeutral:
		return 3
	}
	return 0
}
