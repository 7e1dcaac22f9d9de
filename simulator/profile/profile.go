package profile

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/mib"
)

// Profile renders one model of device.
type Profile interface {
	Name() string        // "apc-rpdu2", "apc-ats", "raritan-px", "servertech-sentry4", "eaton-epdu"
	SysObjectID() string // what the model answers for sysObjectID.0
}

// PDUProfile renders a rack PDU and decodes SETs on it.
type PDUProfile interface {
	Profile
	// Vars returns every variable the real device serves for the parts
	// we model, in no particular order. A dark PDU is not reachable (its
	// network card is dead), so s.Powered is not consulted.
	Vars(s *PDUState) []mib.Var
	// Set checks a SET as the real device would and returns what it asks
	// the model to do; it does not change s. On error, the int is the
	// 0-based position of the failing variable and the error a
	// *mib.SetError.
	Set(s *PDUState, vars []mib.Var) ([]Action, int, error)
}

// ATSProfile renders an automatic transfer switch and decodes SETs on it.
type ATSProfile interface {
	Profile
	Vars(s *ATSState) []mib.Var
	Set(s *ATSState, vars []mib.Var) ([]Action, int, error)
}

// Commands an outlet Action carries. An Action with an empty Command and
// Preferred -1 renames outlet Outlet to Name.
const (
	CommandOn     = "on"
	CommandOff    = "off"
	CommandReboot = "reboot"
)

// ForPDU picks the profile for an inventory vendor and model. The vendor
// is matched case-insensitively; a model the profile does not know gets
// the vendor's most common family (see each profile's doc).
func ForPDU(vendor, model string) (PDUProfile, error) {
	switch normVendor(vendor) {
	case "apc":
		return newAPCPDU(model), nil
	case "raritan":
		return newRaritan(model), nil
	case "servertech":
		return newSentry4(model), nil
	case "eaton":
		return newEaton(model), nil
	}
	return nil, fmt.Errorf("PDU vendor %q is not simulated (known: apc, eaton, raritan, servertech)", vendor)
}

// ForATS picks the profile for an inventory ATS vendor and model.
func ForATS(vendor, model string) (ATSProfile, error) {
	if normVendor(vendor) == "apc" {
		return newAPCATS(model), nil
	}
	return nil, fmt.Errorf("ATS vendor %q is not simulated (known: apc)", vendor)
}

func normVendor(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "apc", "schneider", "schneider electric", "apc by schneider electric":
		return "apc"
	case "raritan", "legrand":
		return "raritan"
	case "servertech", "server technology", "sentry":
		return "servertech"
	}
	return v
}

// --- rendering ---

// oidCache holds parsed column OIDs: profiles render thousands of
// variables per device from a few hundred column strings.
var oidCache sync.Map // string → mib.OID

func parseOID(s string) mib.OID {
	if o, ok := oidCache.Load(s); ok {
		return o.(mib.OID)
	}
	o := mib.MustOID(s)
	oidCache.Store(s, o)
	return o
}

// at is the instance of object or column obj at index.
func at(obj string, index ...uint32) mib.OID { return parseOID(obj).Append(index...) }

// out collects the variables of one rendering.
type out struct{ vars []mib.Var }

// scalar adds obj.0.
func (o *out) scalar(obj string, v mib.Value) {
	o.vars = append(o.vars, mib.Var{OID: at(obj, 0), Value: v})
}

// cell adds column col at index.
func (o *out) cell(col string, v mib.Value, index ...uint32) {
	o.vars = append(o.vars, mib.Var{OID: at(col, index...), Value: v})
}

// column adds column number n of a table entry at index.
func (o *out) column(entry string, n uint32, v mib.Value, index ...uint32) {
	e := parseOID(entry)
	oid := make(mib.OID, 0, len(e)+1+len(index))
	oid = append(append(append(oid, e...), n), index...)
	o.vars = append(o.vars, mib.Var{OID: oid, Value: v})
}

func integer(i int) mib.Value     { return mib.Integer(clampInt32(i)) }
func gauge(u uint32) mib.Value    { return mib.Gauge32(u) }
func str(s string) mib.Value      { return mib.String(s) }
func oidValue(s string) mib.Value { return mib.ObjectID(parseOID(s)) }
func truth(b bool) mib.Value {
	if b {
		return mib.Integer(1)
	}
	return mib.Integer(2)
}

func clampInt32(i int) int { return max(math.MinInt32, min(math.MaxInt32, i)) }

// scale rounds x·per to an integer: scale(4.9, 10) is 49, APC's tenths.
func scale(x, per float64) int { return int(math.Round(x * per)) }

// uscale is scale for unsigned values (negative becomes 0, above 2^32-1
// saturates).
func uscale(x, per float64) uint32 {
	v := math.Round(x * per)
	if v <= 0 || math.IsNaN(v) {
		return 0
	}
	return uint32(min(v, math.MaxUint32))
}

// bits encodes a BITS value in n octets: bit 0 is the most significant
// bit of the first octet (RFC 2578 §7.1.4).
func bits(n int, set ...int) mib.Value {
	b := make([]byte, n)
	for _, i := range set {
		if i/8 < n {
			b[i/8] |= 0x80 >> (i % 8)
		}
	}
	return mib.Bytes(b)
}

// clock is the wall clock of a reading: now, or a fixed date plus uptime
// when the model gave none, so that renderings stay deterministic.
func clock(now time.Time, uptime time.Duration) time.Time {
	if now.IsZero() {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(uptime)
	}
	return now
}

func unixSeconds(t time.Time) uint32 {
	if t.Unix() <= 0 {
		return 0
	}
	return uint32(min(t.Unix(), math.MaxUint32))
}

func timeTicks(d time.Duration) mib.Value {
	return mib.TimeTicks(uint32(max(0, d.Milliseconds()/10) % (1 << 32)))
}

// pdu accessors that tolerate short slices in a state.

func (s *PDUState) phases() int {
	if s.Phases == 3 {
		return 3
	}
	return 1
}

func at64(v []float64, i int) float64 {
	if i < 0 || i >= len(v) {
		return 0
	}
	return v[i]
}

func (s *PDUState) outletName(n int) string {
	if n-1 < len(s.OutletNames) {
		return s.OutletNames[n-1]
	}
	return fmt.Sprintf("Outlet %d", n)
}

// outletOn reports the relay state of outlet n; a state without relays
// has every outlet on.
func (s *PDUState) outletOn(n int) bool {
	if n-1 < len(s.OutletOn) {
		return s.OutletOn[n-1]
	}
	return true
}

// outletAmps is the current through outlet n: 0 when it is switched off.
func (s *PDUState) outletAmps(n int) float64 {
	if !s.outletOn(n) {
		return 0
	}
	return at64(s.OutletAmps, n-1)
}

func (s *PDUState) outletWatts(n int) float64 {
	if !s.outletOn(n) {
		return 0
	}
	return at64(s.OutletWatts, n-1)
}

// phaseVolts is the measured voltage of phase p (1-based), or the nominal
// when the state has no measurement.
func (s *PDUState) phaseVolts(p int) float64 {
	if p-1 < len(s.PhaseVolts) {
		return s.PhaseVolts[p-1]
	}
	return s.Volts
}

func (s *PDUState) phaseWatts(p int) float64 {
	if p-1 < len(s.PhaseWatts) {
		return s.PhaseWatts[p-1]
	}
	return at64(s.PhaseAmps, p-1) * s.phaseVolts(p) * s.pf()
}

func (s *PDUState) pf() float64 {
	if s.PowerFactor <= 0 || s.PowerFactor > 1 {
		return 1
	}
	return s.PowerFactor
}

// phaseVA is the apparent power of phase p.
func (s *PDUState) phaseVA(p int) float64 { return at64(s.PhaseAmps, p-1) * s.phaseVolts(p) }

func (s *PDUState) totalWatts() (w float64) {
	for p := 1; p <= s.phases(); p++ {
		w += s.phaseWatts(p)
	}
	return w
}

func (s *PDUState) totalVA() (va float64) {
	for p := 1; p <= s.phases(); p++ {
		va += s.phaseVA(p)
	}
	return va
}

// ratedVA is the nameplate apparent power of the inlet.
func (s *PDUState) ratedVA() float64 { return s.RatedAmps * s.Volts * float64(s.phases()) }

// outletVA is the apparent power through outlet n at its phase's voltage.
func (s *PDUState) outletVA(n int) float64 { return s.outletAmps(n) * s.phaseVolts(s.outletPhase(n)) }

// bankOf returns the 0-based bank holding outlet n, or -1.
func (s *PDUState) bankOf(n int) int {
	for i, b := range s.Banks {
		if n >= b.From && n <= b.To {
			return i
		}
	}
	return -1
}

// outletPhase is the phase (1-3) outlet n is on: its bank's, else spread
// over the phases in turn.
func (s *PDUState) outletPhase(n int) int {
	if b := s.bankOf(n); b >= 0 && s.Banks[b].Phase >= 1 && s.Banks[b].Phase <= s.phases() {
		return s.Banks[b].Phase
	}
	if s.phases() == 1 {
		return 1
	}
	return (n-1)%s.phases() + 1
}

func (b BankState) phase() int { return max(1, b.Phase) }

// loadLevel places x against warning thresholds: 0 low, 1 normal, 2 near
// overload, 3 overload.
func loadLevel(x, low, near, over float64) int {
	switch {
	case over > 0 && x >= over:
		return 3
	case near > 0 && x >= near:
		return 2
	case low > 0 && x < low:
		return 0
	}
	return 1
}

// --- SET ---

// setErr builds the error Set returns for variable i.
func setErr(status gosnmp.SNMPError, format string, args ...any) *mib.SetError {
	return &mib.SetError{Status: status, Reason: fmt.Sprintf(format, args...)}
}

// handler decodes a SET of one writable column at index.
type handler struct {
	col    string
	string bool // the column is an OCTET STRING (else an INTEGER)
	// do returns the actions for the value: i for INTEGER columns, s
	// for strings.
	do func(index []uint32, i int, s string) ([]Action, *mib.SetError)
}

// setter checks SETs against what a device serves.
type setter struct {
	served   []mib.Var
	handlers []handler
	// writable lists read-write objects the real device accepts that the
	// simulator does not model: a SET of one is refused with genErr.
	writable []string
}

// run checks every variable (existence, access, type, length, value, in
// that order, as RFC 3416 §4.2.5 does) and collects the actions; on the
// first failure it returns no actions, the variable's position and why.
func (st setter) run(vars []mib.Var) ([]Action, int, error) {
	served := make(map[string]mib.Value, len(st.served))
	for _, v := range st.served {
		served[v.OID.String()] = v.Value
	}
	var acts []Action
	for i, v := range vars {
		cur, ok := served[v.OID.String()]
		if !ok {
			return nil, i, setErr(gosnmp.NoCreation, "%s: no such object or instance", v.OID)
		}
		h, index := st.handler(v.OID)
		if h == nil {
			if !st.isWritable(v.OID) {
				return nil, i, setErr(gosnmp.NotWritable, "%s is read-only", v.OID)
			}
			if v.Value.Type != cur.Type {
				return nil, i, setErr(gosnmp.WrongType, "%s: want %v, got %v", v.OID, cur.Type, v.Value.Type)
			}
			return nil, i, setErr(gosnmp.GenErr, "%s is writable on the real device but not modelled by the simulator", v.OID)
		}
		var n int
		var s string
		if h.string {
			b, ok := octets(v.Value)
			if !ok {
				return nil, i, setErr(gosnmp.WrongType, "%s: want OCTET STRING, got %v", v.OID, v.Value.Type)
			}
			s = b
		} else {
			x, ok := asInt(v.Value)
			if !ok {
				return nil, i, setErr(gosnmp.WrongType, "%s: want INTEGER, got %v", v.OID, v.Value.Type)
			}
			n = x
		}
		a, err := h.do(index, n, s)
		if err != nil {
			err.Reason = v.OID.String() + ": " + err.Reason
			return nil, i, err
		}
		acts = append(acts, a...)
	}
	return acts, 0, nil
}

func (st setter) handler(o mib.OID) (*handler, []uint32) {
	for i := range st.handlers {
		col := parseOID(st.handlers[i].col)
		if o.HasPrefix(col) && len(o) > len(col) {
			return &st.handlers[i], o[len(col):]
		}
	}
	return nil, nil
}

func (st setter) isWritable(o mib.OID) bool {
	return slices.ContainsFunc(st.writable, func(c string) bool {
		col := parseOID(c)
		return o.HasPrefix(col) && len(o) > len(col)
	})
}

func asInt(v mib.Value) (int, bool) {
	if v.Type != gosnmp.Integer {
		return 0, false
	}
	switch x := v.Value.(type) {
	case int:
		return x, true
	case int32:
		return int(x), true
	case int64:
		return int(x), true
	}
	return 0, false
}

func octets(v mib.Value) (string, bool) {
	if v.Type != gosnmp.OctetString {
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

// outletAction is an action on one outlet (0: all of them).
func outletAction(outlet int, command string) []Action {
	return []Action{{Outlet: outlet, Command: command, Preferred: -1}}
}

func rename(outlet int, name string) []Action {
	return []Action{{Outlet: outlet, Name: name, Preferred: -1}}
}

// nameLength checks a new name against the device's limits.
func nameLength(s string, minLen, maxLen int) *mib.SetError {
	if len(s) < minLen || len(s) > maxLen {
		return setErr(gosnmp.WrongLength, "a name of %d octets; the device takes %d to %d", len(s), minLen, maxLen)
	}
	return nil
}

func wrongValue(v int, what string) *mib.SetError {
	return setErr(gosnmp.WrongValue, "%d is not %s", v, what)
}

// lastArc is the last sub-identifier of an index (the outlet of
// pduId.outletId and the like).
func lastArc(index []uint32) int {
	if len(index) == 0 {
		return 0
	}
	return int(index[len(index)-1])
}
