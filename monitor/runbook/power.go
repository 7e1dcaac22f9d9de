package runbook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
)

// Power reads and switches a site's PDUs and ATS units, by inventory
// name. SNMP is the implementation; tests pass fakes.
type Power interface {
	Read(ctx context.Context, device string) (*pdu.Reading, error)
	SwitchOutlet(ctx context.Context, device string, outlet int, cmd pdu.OutletCommand) error
}

// SNMPOptions configure SNMP power control.
type SNMPOptions struct {
	Site    *inventory.Site // required
	Timeout time.Duration   // per request (default 2 s)
	Retries int             // per request
	// Dial opens a session; pdu.Dial when nil (tests pass fakes).
	Dial   func(pdu.Target, *slog.Logger) (pdu.Client, error)
	Logger *slog.Logger     // required
	Now    func() time.Time // time.Now when nil
}

// SNMP is Power over SNMP: one session per call, closed after it, so
// that calls from several goroutines never share one.
type SNMP struct{ opt SNMPOptions }

var _ Power = (*SNMP)(nil)

// NewSNMP checks the options.
func NewSNMP(opt SNMPOptions) (*SNMP, error) {
	if opt.Site == nil {
		return nil, errors.New("runbook: SNMP power needs a site")
	}
	if opt.Logger == nil {
		return nil, errors.New("runbook: SNMP power needs a logger")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Second
	}
	if opt.Dial == nil {
		opt.Dial = pdu.Dial
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &SNMP{opt: opt}, nil
}

// Target is the SNMP target of a PDU or ATS of the site.
func (s *SNMP) Target(name string) (pdu.Target, error) {
	return targetOf(s.opt.Site, name, s.opt.Timeout, s.opt.Retries)
}

func targetOf(site *inventory.Site, name string, timeout time.Duration, retries int) (pdu.Target, error) {
	var snmp *inventory.SNMP
	switch {
	case site.PDU(name) != nil:
		snmp = site.PDU(name).SNMP
	case site.ATSUnit(name) != nil:
		snmp = site.ATSUnit(name).SNMP
	default:
		return pdu.Target{}, fmt.Errorf("%q is neither a PDU nor an ATS of site %q", name, site.Name)
	}
	if snmp == nil || snmp.Address == "" {
		return pdu.Target{}, fmt.Errorf("%s has no SNMP address in the inventory", name)
	}
	t := pdu.TargetOf(name, snmp)
	t.Timeout, t.Retries = timeout, retries
	return t, nil
}

// Read reads a PDU or ATS.
func (s *SNMP) Read(ctx context.Context, name string) (*pdu.Reading, error) {
	t, err := s.Target(name)
	if err != nil {
		return nil, err
	}
	c, err := s.opt.Dial(t, s.opt.Logger)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return pdu.Read(ctx, c, t, s.opt.Now())
}

// SwitchOutlet switches one outlet with the PDU's driver: the one the
// inventory names, else the one its sysObjectID says.
func (s *SNMP) SwitchOutlet(ctx context.Context, name string, outlet int, cmd pdu.OutletCommand) error {
	t, err := s.Target(name)
	if err != nil {
		return err
	}
	c, err := s.opt.Dial(t, s.opt.Logger)
	if err != nil {
		return err
	}
	defer c.Close()
	var d pdu.Driver
	if t.Driver == "" || t.Driver == "auto" {
		d, _, err = pdu.Detect(ctx, c)
	} else {
		d, err = pdu.DriverNamed(t.Driver)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", t, err)
	}
	sw, ok := d.(pdu.OutletSwitcher)
	if !ok {
		return fmt.Errorf("%s: driver %s cannot switch outlets", t, d.Name())
	}
	if err := sw.SwitchOutlet(ctx, c, outlet, cmd); err != nil {
		return fmt.Errorf("%s: %w", t, err)
	}
	return nil
}

// setObject names what a driver sets to switch an outlet, for the dry
// run's "would" lines.
func setObject(driver string) string {
	switch driver {
	case "apc-rpdu":
		return "rPDU2OutletSwitchedControlCommand (PowerNet-MIB)"
	case "raritan-px":
		return "switchingOperation (PDU2-MIB)"
	case "servertech-sentry4":
		return "st4OutletControlAction (Sentry4-MIB)"
	case "eaton-epdu":
		return "outletControlOffCmd/outletControlOnCmd (EATON-EPDU-MIB)"
	}
	return "the outlet control object of the driver its sysObjectID selects"
}
