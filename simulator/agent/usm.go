package agent

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"
)

// The SNMPv3 side: the engine (ID, boots, time) and the User-based
// Security Model of RFC 3414, in the order of its §3.2 checks. gosnmp
// does the cryptography; the agent decides what to check and in which
// order, because gosnmp's decoders are written for a manager receiving
// traps: SnmpDecodePacket decrypts without checking the HMAC, and
// UnmarshalTrap accepts whatever engine ID a packet names.

// OIDs of the counters Reports carry.
const (
	oidUnsupportedSecLevels = ".1.3.6.1.6.3.15.1.1.1.0" // usmStatsUnsupportedSecLevels
	oidNotInTimeWindows     = ".1.3.6.1.6.3.15.1.1.2.0" // usmStatsNotInTimeWindows
	oidUnknownUserNames     = ".1.3.6.1.6.3.15.1.1.3.0" // usmStatsUnknownUserNames
	oidUnknownEngineIDs     = ".1.3.6.1.6.3.15.1.1.4.0" // usmStatsUnknownEngineIDs
	oidWrongDigests         = ".1.3.6.1.6.3.15.1.1.5.0" // usmStatsWrongDigests
	oidDecryptionErrors     = ".1.3.6.1.6.3.15.1.1.6.0" // usmStatsDecryptionErrors
	oidUnknownPDUHandlers   = ".1.3.6.1.6.3.11.2.1.3.0" // snmpUnknownPDUHandlers (SNMP-MPD-MIB)
	oidUnknownContexts      = ".1.3.6.1.6.3.12.1.5.0"   // snmpUnknownContexts (SNMP-TARGET-MIB)
)

// privWithoutAuth is the msgFlags combination RFC 3412 §7.2 step 5 calls
// invalid.
const privWithoutAuth gosnmp.SnmpV3MsgFlags = 0x02

// timeWindow is RFC 3414's 150 seconds.
const timeWindow = 150

// engine is the snmpEngineID with snmpEngineBoots and snmpEngineTime.
type engine struct {
	id   []byte
	file string

	mu    sync.Mutex
	boots uint32
	start time.Time // when snmpEngineTime was 0
}

// newEngine counts one more boot, in file if there is one.
func newEngine(id []byte, file string, now time.Time) (*engine, error) {
	e := &engine{id: id, file: file, boots: 1, start: now}
	if file == "" {
		return e, nil
	}
	b, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("boots file: %w", err)
	default:
		n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
		if err != nil || n > math.MaxInt32 {
			return nil, fmt.Errorf("boots file %q: %q is not a number of boots", file, bytes.TrimSpace(b))
		}
		e.boots = uint32(min(n+1, math.MaxInt32))
	}
	if err := e.save(); err != nil {
		return nil, err
	}
	return e, nil
}

// save writes the boots to the file, atomically. e.mu is held or e is
// not shared yet.
func (e *engine) save() error {
	if e.file == "" {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(e.file), filepath.Base(e.file)+".*")
	if err != nil {
		return fmt.Errorf("boots file: %w", err)
	}
	_, err = fmt.Fprintf(tmp, "%d\n", e.boots)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), e.file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("boots file: %w", err)
	}
	return nil
}

// clock returns snmpEngineBoots and snmpEngineTime at now.
func (e *engine) clock(now time.Time) (boots, engineTime uint32) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := max(now.Sub(e.start)/time.Second, 0)
	return e.boots, uint32(min(s, math.MaxInt32))
}

func (e *engine) bootCount() uint32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.boots
}

// reboot counts a boot (RFC 3414 stops at 2^31-1) and restarts the time.
func (e *engine) reboot(now time.Time) (uint32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.boots < math.MaxInt32 {
		e.boots++
	}
	e.start = now
	return e.boots, e.save()
}

var (
	authProtocols = map[string]gosnmp.SnmpV3AuthProtocol{
		"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA224": gosnmp.SHA224,
		"SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512,
	}
	// macLens are the truncated HMAC lengths (RFC 3414, RFC 7860).
	macLens = map[gosnmp.SnmpV3AuthProtocol]int{
		gosnmp.MD5: 12, gosnmp.SHA: 12, gosnmp.SHA224: 16,
		gosnmp.SHA256: 24, gosnmp.SHA384: 32, gosnmp.SHA512: 48,
	}
	privProtocols = map[string]gosnmp.SnmpV3PrivProtocol{
		"DES": gosnmp.DES, "AES": gosnmp.AES, "AES192": gosnmp.AES192, "AES256": gosnmp.AES256,
	}
)

// usmUser is a User with keys localized to the engine ID.
type usmUser struct {
	name    string
	level   gosnmp.SnmpV3MsgFlags // NoAuthNoPriv, AuthNoPriv or AuthPriv
	auth    gosnmp.SnmpV3AuthProtocol
	priv    gosnmp.SnmpV3PrivProtocol
	hash    crypto.Hash
	macLen  int
	authKey []byte
	privKey []byte
	sp      *gosnmp.UsmSecurityParameters // copied for each decoder
}

// checkUsers validates users without deriving keys.
func checkUsers(users []User) error {
	var errs []error
	seen := map[string]bool{}
	for i, u := range users {
		if err := checkUser(u); err != nil {
			errs = append(errs, fmt.Errorf("user %d (%q): %w", i+1, u.Name, err))
		}
		if seen[u.Name] {
			errs = append(errs, fmt.Errorf("user %d (%q): defined twice", i+1, u.Name))
		}
		seen[u.Name] = true
	}
	return errors.Join(errs...)
}

func checkUser(u User) error {
	if u.Name == "" || len(u.Name) > 32 {
		return fmt.Errorf("name of %d octets, want 1 to 32", len(u.Name))
	}
	if signingConfuses([]byte(u.Name)) {
		return errors.New("name looks like an empty HMAC to gosnmp's message signing")
	}
	if u.Auth == "" {
		if u.AuthKey != "" || u.Priv != "" || u.PrivKey != "" {
			return errors.New("keys or privacy without an authentication protocol")
		}
		return nil
	}
	if _, ok := authProtocols[strings.ToUpper(u.Auth)]; !ok {
		return fmt.Errorf("authentication protocol %q: want MD5, SHA, SHA224, SHA256, SHA384 or SHA512", u.Auth)
	}
	if len(u.AuthKey) < 8 {
		return errors.New("authentication passphrase shorter than 8 characters")
	}
	if u.Priv == "" {
		if u.PrivKey != "" {
			return errors.New("privacy passphrase without a privacy protocol")
		}
		return nil
	}
	if _, ok := privProtocols[strings.ToUpper(u.Priv)]; !ok {
		return fmt.Errorf("privacy protocol %q: want DES, AES, AES192 or AES256", u.Priv)
	}
	if len(u.PrivKey) < 8 {
		return errors.New("privacy passphrase shorter than 8 characters")
	}
	return nil
}

// signingConfuses reports whether the BER encoding of an octet string s
// looks like the zeroed HMAC field gosnmp searches for when it signs a
// message (the first OCTET STRING of the MAC's length holding only
// zeros): the engine ID and the user name come before that field.
func signingConfuses(s []byte) bool {
	enc := append([]byte{tagOctetString, byte(len(s))}, s...)
	for _, n := range macLens {
		if bytes.Contains(enc, append([]byte{tagOctetString, byte(n)}, make([]byte, n)...)) {
			return true
		}
	}
	return false
}

// localizeUsers derives each user's keys for engineID (RFC 3414 §2.6;
// gosnmp caches the expensive passphrase hashing).
func localizeUsers(users []User, engineID []byte) (map[string]*usmUser, error) {
	if len(users) > 0 && signingConfuses(engineID) {
		return nil, errors.New("engine ID looks like an empty HMAC to gosnmp's message signing")
	}
	out := make(map[string]*usmUser, len(users))
	for _, u := range users {
		uu := &usmUser{name: u.Name, level: gosnmp.NoAuthNoPriv, auth: gosnmp.NoAuth, priv: gosnmp.NoPriv}
		if u.Auth != "" {
			uu.level = gosnmp.AuthNoPriv
			uu.auth = authProtocols[strings.ToUpper(u.Auth)]
			uu.hash = uu.auth.HashType()
			uu.macLen = macLens[uu.auth]
		}
		if u.Priv != "" {
			uu.level = gosnmp.AuthPriv
			uu.priv = privProtocols[strings.ToUpper(u.Priv)]
		}
		sp := &gosnmp.UsmSecurityParameters{
			AuthoritativeEngineID:    string(engineID),
			UserName:                 u.Name,
			AuthenticationProtocol:   uu.auth,
			AuthenticationPassphrase: u.AuthKey,
			PrivacyProtocol:          uu.priv,
			PrivacyPassphrase:        u.PrivKey,
		}
		if err := sp.InitSecurityKeys(); err != nil {
			return nil, fmt.Errorf("user %q: localizing keys: %w", u.Name, err)
		}
		uu.authKey, uu.privKey, uu.sp = sp.SecretKey, sp.PrivacyKey, sp
		out[u.Name] = uu
	}
	return out, nil
}

// authentic checks the message's HMAC (RFC 3414 §6.3.2, §7.3.2, RFC 7860
// §4.2.2), in constant time.
func (u *usmUser) authentic(pkt []byte, m *message) bool {
	p := m.authParams
	// gosnmp's decoder blanks the field assuming a two-octet header.
	if len(p.val) != u.macLen || p.off-p.start != 2 {
		return false
	}
	var zeros [48]byte
	mac := hmac.New(u.hash.New, u.authKey)
	mac.Write(pkt[:p.off])
	mac.Write(zeros[:u.macLen])
	mac.Write(pkt[p.off+u.macLen:])
	return hmac.Equal(mac.Sum(nil)[:u.macLen], p.val)
}

// decode authenticates (again), decrypts and decodes an SNMPv3 message
// of this user, whose engine ID has been checked.
func (u *usmUser) decode(pkt []byte) (*gosnmp.SnmpPacket, error) {
	d := &gosnmp.GoSNMP{
		Version:            gosnmp.Version3,
		SecurityModel:      gosnmp.UserSecurityModel,
		SecurityParameters: u.sp.Copy(),
	}
	// UnmarshalTrap blanks the MAC and decrypts in place.
	return d.UnmarshalTrap(bytes.Clone(pkt), true)
}

// v3Reply is what an SNMPv3 Response or Report is built from.
type v3Reply struct {
	m       *message
	user    *usmUser              // nil for noAuthNoPriv Reports to unknown users
	level   gosnmp.SnmpV3MsgFlags // security level of the reply
	reqID   uint32
	ctxName string
}

// marshal builds and encodes the reply.
func (a *Agent) marshalV3(r v3Reply, pduType gosnmp.PDUType, status gosnmp.SNMPError, index uint8, vars []gosnmp.SnmpPDU) ([]byte, error) {
	boots, now := a.engine.clock(a.now())
	sp := &gosnmp.UsmSecurityParameters{
		AuthoritativeEngineID:    string(a.engine.id),
		AuthoritativeEngineBoots: boots,
		AuthoritativeEngineTime:  now,
		UserName:                 string(r.m.userName),
		AuthenticationProtocol:   gosnmp.NoAuth,
		PrivacyProtocol:          gosnmp.NoPriv,
	}
	if r.level&gosnmp.AuthNoPriv != 0 {
		sp.AuthenticationProtocol, sp.SecretKey = r.user.auth, r.user.authKey
	}
	if r.level == gosnmp.AuthPriv {
		sp.PrivacyProtocol, sp.PrivacyKey = r.user.priv, r.user.privKey
		sp.PrivacyParameters = a.newSalt(r.user.priv, boots)
	}
	p := &gosnmp.SnmpPacket{
		Version:            gosnmp.Version3,
		MsgFlags:           r.level, // never Reportable: RFC 3412 §6.4
		SecurityModel:      gosnmp.UserSecurityModel,
		SecurityParameters: sp,
		MsgID:              uint32(r.m.msgID),
		MsgMaxSize:         maxMsgSize,
		ContextEngineID:    string(a.engine.id),
		ContextName:        r.ctxName,
		PDUType:            pduType,
		RequestID:          r.reqID,
		Error:              status,
		ErrorIndex:         index,
		Variables:          vars,
	}
	return p.MarshalMsg()
}

// newSalt returns fresh privacy parameters: a 64-bit counter for AES (RFC
// 3826 §3.1.2.1), boots and a 32-bit counter for DES (RFC 3414 §8.1.1.1).
func (a *Agent) newSalt(p gosnmp.SnmpV3PrivProtocol, boots uint32) []byte {
	n := a.salt.Add(1)
	if p == gosnmp.DES {
		n = uint64(boots)<<32 | n&0xffffffff
	}
	return binary.BigEndian.AppendUint64(nil, n)
}

// handleV3 runs an SNMPv3 message through RFC 3412 §7.2 and RFC 3414 §3.2.
func (a *Agent) handleV3(pkt []byte, m *message) ([]byte, time.Duration) {
	if m.secModel != int64(gosnmp.UserSecurityModel) {
		a.c.unknownSecurityModels.Add(1)
		a.c.dropped.Add(1)
		return nil, 0
	}
	flags := gosnmp.SnmpV3MsgFlags(m.flags[0])
	level := flags & gosnmp.AuthPriv
	if level == privWithoutAuth {
		a.c.invalidMsgs.Add(1)
		a.c.dropped.Add(1)
		return nil, 0
	}
	// Reports before decryption: the request-id and context are only
	// known from a plaintext scopedPDU.
	r := v3Reply{m: m, level: gosnmp.NoAuthNoPriv}
	if m.hasPDU {
		r.reqID = uint32(max(m.pdu.requestID, 0))
		r.ctxName = string(m.ctxName)
	}
	if !bytes.Equal(m.engineID, a.engine.id) { // includes discovery (RFC 3414 §4)
		return a.report(r, &a.c.unknownEngineIDs, oidUnknownEngineIDs)
	}
	u := a.users[string(m.userName)]
	if u == nil {
		return a.report(r, &a.c.unknownUserNames, oidUnknownUserNames)
	}
	if level != u.level {
		return a.report(r, &a.c.unsupportedSecLevels, oidUnsupportedSecLevels)
	}
	if level&gosnmp.AuthNoPriv != 0 {
		if !u.authentic(pkt, m) {
			return a.report(r, &a.c.wrongDigests, oidWrongDigests)
		}
		boots, now := a.engine.clock(a.now())
		if boots == math.MaxInt32 || m.boots != int64(boots) || m.engineTime < int64(now)-timeWindow || m.engineTime > int64(now)+timeWindow {
			// Signed, so the manager can trust the boots and time in it.
			r.user, r.level = u, gosnmp.AuthNoPriv
			return a.report(r, &a.c.notInTimeWindows, oidNotInTimeWindows)
		}
	}
	if level == gosnmp.AuthPriv && (!m.encrypted || len(m.privParams) != 8) {
		return a.report(r, &a.c.decryptionErrors, oidDecryptionErrors)
	}
	if level != gosnmp.AuthPriv && m.encrypted {
		a.c.malformed.Add(1)
		return nil, 0
	}
	p, err := u.decode(pkt)
	if err != nil {
		if level == gosnmp.AuthPriv { // authentic, so the key or the cipher is wrong
			return a.report(r, &a.c.decryptionErrors, oidDecryptionErrors)
		}
		a.c.malformed.Add(1)
		a.debug("snmp agent: undecodable v3 message", "user", u.name, "err", err)
		return nil, 0
	}

	// From here on the message is authentic and readable: answers go
	// at its security level.
	r.user, r.level, r.ctxName = u, level, p.ContextName
	if !isRequest(p.PDUType) {
		a.c.unsupportedPDUs.Add(1)
		a.c.dropped.Add(1)
		return nil, 0
	}
	req := &request{version: gosnmp.Version3, pduType: p.PDUType, vars: p.Variables}
	if m.hasPDU {
		req.requestID, req.nonRepeaters, req.maxRepetitions = m.pdu.requestID, m.pdu.a, m.pdu.b
	} else {
		// gosnmp read these: it keeps 8 bits of non-repeaters and turns
		// a negative request-id into one above 2^31-1.
		req.requestID, req.nonRepeaters, req.maxRepetitions = int64(p.RequestID), int64(p.NonRepeaters), int64(p.MaxRepetitions)
	}
	if req.requestID < 0 || req.requestID > math.MaxInt32 {
		a.c.dropped.Add(1)
		return nil, 0 // gosnmp can only encode request-ids 0..2^32-1
	}
	r.reqID = uint32(req.requestID)
	if p.ContextEngineID != "" && p.ContextEngineID != string(a.engine.id) {
		return a.report(r, &a.c.unknownPDUHandlers, oidUnknownPDUHandlers)
	}
	view, ok := a.resolve("", p.ContextName)
	if !ok {
		return a.report(r, &a.c.unknownContexts, oidUnknownContexts)
	}
	if err := req.parseOIDs(); err != nil {
		a.c.malformed.Add(1)
		return nil, 0
	}
	maxSize := int(min(m.maxSize, maxMsgSize))
	return a.serveView(view, req, maxSize, func(status gosnmp.SNMPError, index uint8, vars []gosnmp.SnmpPDU) ([]byte, error) {
		return a.marshalV3(r, gosnmp.GetResponse, status, index, vars)
	})
}

// report counts a Report's reason and, when the request asked for one
// (the reportable flag), builds it.
func (a *Agent) report(r v3Reply, ctr *atomic.Uint64, oid string) ([]byte, time.Duration) {
	n := ctr.Add(1)
	if r.m.flags[0]&byte(gosnmp.Reportable) == 0 {
		a.c.dropped.Add(1)
		return nil, 0
	}
	// A dead or slow device is dead or slow for engine discovery too.
	var delay time.Duration
	if v, ok := a.resolve("", r.ctxName); ok {
		var drop bool
		if delay, drop = behaviour(v); drop {
			a.c.deviceDrops.Add(1)
			a.c.dropped.Add(1)
			return nil, 0
		}
	}
	vars := []gosnmp.SnmpPDU{{Name: oid, Type: gosnmp.Counter32, Value: uint32(n)}}
	out, err := a.marshalV3(r, gosnmp.Report, gosnmp.NoError, 0, vars)
	if err != nil {
		a.c.dropped.Add(1)
		a.log.Warn("snmp agent: encoding a report", "oid", oid, "err", err)
		return nil, 0
	}
	return out, delay
}
