package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"feedplan/inventory"
	"feedplan/monitor"
	"feedplan/monitor/alert"
	"feedplan/monitor/atstest"
	"feedplan/monitor/influx"
	"feedplan/monitor/store"
)

const monitorExamples = `  feedplan monitor examples/site.yaml
  feedplan monitor examples/site.yaml --once             # one cycle, print what is wrong, exit
  feedplan monitor site.yaml --alertmanager http://127.0.0.1:9093
  FEEDPLAN_WEBHOOK_TOKEN=… feedplan monitor site.yaml --webhook https://chat.example/hooks/feedplan
  feedplan monitor site.yaml --smtp localhost:25 --mail-to noc@example.org
  feedplan monitor site.yaml --influx http://127.0.0.1:8086 --traps 127.0.0.1:1162

Every cycle polls every PDU and ATS, evaluates the site on the measured
loads (what a feed loss would do now), and fires or resolves alerts once:
ATS off its preferred input or with a failed input, over-current, failed or
overdue switchover tests, silent supplies, loads above 80 %, failover risk,
devices not answering, inventory drift.

Exit codes with --once: 0 nothing critical, 1 something critical, 2 bad input.
`

func cmdMonitor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("monitor", "SITE.yaml [flags]", monitorExamples, stderr)
	schedule := fs.String("schedule", "@every 30s", "when to poll: a cron spec (5 fields, or 6 with seconds) or @every DURATION")
	tz := fs.String("tz", "UTC", "time zone of the schedule")
	once := fs.Bool("once", false, "run one cycle, print the conditions, and exit")
	amURL := fs.String("alertmanager", "", "post alerts to this Alertmanager (its base URL)")
	webhook := fs.String("webhook", "", "post alerts as JSON to this URL (bearer token from FEEDPLAN_WEBHOOK_TOKEN)")
	smtpAddr := fs.String("smtp", "", "e-mail alerts through this MTA, `HOST:PORT` (STARTTLS when offered; login from FEEDPLAN_SMTP_USER / FEEDPLAN_SMTP_PASSWORD)")
	mailFrom := fs.String("mail-from", "feedplan <feedplan@localhost>", "with --smtp: the sender")
	smtpCA := fs.String("smtp-ca", "", "with --smtp: verify the MTA's STARTTLS certificate against the CA certificates in this PEM `file` (default: the system's)")
	var mailTo listFlag
	fs.Var(&mailTo, "mail-to", "with --smtp: a recipient (repeatable)")
	influxURL := fs.String("influx", "", "write every reading to this InfluxDB (1.8+ or 2.x; token from FEEDPLAN_INFLUX_TOKEN)")
	influxBucket := fs.String("influx-bucket", "feedplan/autogen", "InfluxDB bucket (1.8: database/retention-policy)")
	influxOrg := fs.String("influx-org", "", "InfluxDB organisation (2.x only)")
	spoolDir := fs.String("spool", "feedplan-spool", "directory for readings InfluxDB has not taken yet (kept across restarts)")
	trapListen := fs.String("traps", "", "receive the devices' SNMP traps on `HOST:PORT` (loopback unless told) and poll at once when one arrives; community from FEEDPLAN_TRAP_COMMUNITY (default public)")
	atsTests := fs.String("ats-tests", "", "test every ATS on this cron `SPEC` (e.g. \"0 3 * * 1\"): a dry run of the preconditions unless --ats-tests-execute")
	atsExecute := fs.Bool("ats-tests-execute", false, "with --ats-tests: really transfer each ATS and back (refused where the planner sees devices at risk and the last test failed)")
	statePath := fs.String("state", "feedplan.db", "the embedded store: alert history, maintenance windows, ATS tests, audit log")
	var pf pollFlags
	pf.register(fs)
	pos, code, ok := parseArgs(fs, args, 1, stdout, stderr)
	if !ok {
		return code
	}
	site, ok := loadSite(pos[0], stderr)
	if !ok {
		return exitBadInput
	}
	log := pf.logger(stderr)
	if !pf.verbose {
		log = infoLogger(stderr)
	}

	engine, err := alert.NewEngine(alert.Options{Rules: alert.DefaultRules(), Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "feedplan monitor: %v\n", err)
		return exitBadInput
	}
	db, err := store.Open(*statePath, store.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "feedplan monitor: --state: %v\n", err)
		return exitBadInput
	}
	defer db.Close()
	// Planned maintenance windows silence the alerts they expect; windows
	// added while the monitor runs ('feedplan window add') are picked up
	// at the next cycle.
	known := map[string]bool{}
	loadWindows := func(now time.Time) error {
		windows, err := db.AllWindows()
		if err != nil {
			return err
		}
		for _, w := range windows {
			if known[w.ID] || !w.End.After(now) {
				continue
			}
			aw := alert.Window{ID: w.ID, Start: w.Start, End: w.End, Reason: w.Reason}
			for _, m := range w.Matchers {
				aw.Matchers = append(aw.Matchers, alert.Matcher{Name: m.Name, Value: m.Value, Regex: m.Regex})
			}
			if _, err := engine.Silence(aw); err != nil {
				return fmt.Errorf("maintenance window %s: %w", w.ID, err)
			}
			known[w.ID] = true
			log.Info("maintenance window", "id", w.ID, "start", w.Start, "end", w.End, "reason", w.Reason)
		}
		return nil
	}
	if err := loadWindows(time.Now()); err != nil {
		fmt.Fprintf(stderr, "feedplan monitor: %v\n", err)
		return exitBadInput
	}
	logN, _ := alert.NewLog(log.With("component", "alerts"))
	notifiers := []alert.Notifier{logN}
	var runners []func(context.Context) error
	if *amURL != "" {
		am, err := alert.NewAlertmanager(alert.AlertmanagerOptions{URL: *amURL, Logger: log.With("component", "alertmanager")})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan monitor: --alertmanager: %v\n", err)
			return exitBadInput
		}
		notifiers, runners = append(notifiers, am), append(runners, am.Run)
	}
	if *webhook != "" {
		wh, err := alert.NewWebhook(alert.WebhookOptions{URL: *webhook, Token: inventory.Secret(os.Getenv("FEEDPLAN_WEBHOOK_TOKEN")), Logger: log.With("component", "webhook")})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan monitor: --webhook: %v\n", err)
			return exitBadInput
		}
		notifiers, runners = append(notifiers, wh), append(runners, wh.Run)
	}
	if *smtpAddr != "" {
		opts := alert.EmailOptions{Addr: *smtpAddr, From: *mailFrom, To: mailTo,
			Username: os.Getenv("FEEDPLAN_SMTP_USER"), Password: inventory.Secret(os.Getenv("FEEDPLAN_SMTP_PASSWORD")), Logger: log.With("component", "email")}
		if *smtpCA != "" {
			pem, err := os.ReadFile(*smtpCA)
			if err != nil {
				fmt.Fprintf(stderr, "feedplan monitor: --smtp-ca: %v\n", err)
				return exitBadInput
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				fmt.Fprintf(stderr, "feedplan monitor: --smtp-ca %s: no PEM certificate in it\n", *smtpCA)
				return exitBadInput
			}
			host, _, _ := net.SplitHostPort(*smtpAddr)
			opts.TLS = &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}
			opts.RequireTLS = true // a CA given is a TLS expected: no silent downgrade
		}
		em, err := alert.NewEmail(opts)
		if err != nil {
			fmt.Fprintf(stderr, "feedplan monitor: --smtp: %v\n", err)
			return exitBadInput
		}
		notifiers, runners = append(notifiers, em), append(runners, em.Run)
	}
	notify := alert.Multi(notifiers...)

	var sink *influx.Sink
	if *influxURL != "" {
		var err error
		sink, err = influx.New(influx.Options{URL: *influxURL, Token: inventory.Secret(os.Getenv("FEEDPLAN_INFLUX_TOKEN")), Org: *influxOrg, Bucket: *influxBucket,
			Site: site.Name, Labels: influx.LabelsOf(site), SpoolDir: *spoolDir, Logger: log.With("component", "influx")})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan monitor: --influx: %v\n", err)
			return exitBadInput
		}
		runners = append(runners, sink.Run)
		defer sink.Close()
	}

	mon, err := monitor.New(monitor.Options{
		Site: site, Schedule: *schedule, TZ: *tz, Logger: log,
		Concurrency: pf.concurrency, Timeout: pf.timeout, Retries: retriesFlag(pf.retries),
		LastATSTest: func(ats string) (time.Time, bool, bool) {
			rec, ok, err := db.LastATSTest(ats)
			if err != nil || !ok {
				return time.Time{}, false, false
			}
			return rec.Finished, rec.Passed, true
		},
		OnCycle: func(ctx context.Context, st *monitor.State) {
			if err := loadWindows(st.Time); err != nil {
				log.Warn("maintenance windows", "err", err)
			}
			conds := st.Conditions
			if sink == nil {
				// No InfluxDB: recent history (a day at 30 s) stays in the store.
				if err := db.RecordReadings(snapshotOf(st), 2880); err != nil {
					log.Warn("recording readings", "err", err)
				}
			}
			if sink != nil {
				if err := sink.Write(ctx, st.Results); err != nil {
					log.Warn("history", "err", err)
				}
				if err := sink.Healthy(); err != nil || sink.Stats().Dropped > 0 {
					conds = append(conds, monitor.Condition{Rule: "history-spool-dropping", Key: "influx", Severity: alert.Warning,
						Summary:     "readings are not reaching InfluxDB",
						Description: fmt.Sprintf("%v; %d readings dropped so far, %d waiting in the spool. Check InfluxDB; polling and alerting go on.", err, sink.Stats().Dropped, sink.Stats().InSpool),
						Labels:      map[string]string{"site": site.Name, "rule": "history-spool-dropping"}})
				}
			}
			events := engine.Observe(st.Time, toAlerts(conds))
			for _, ev := range events {
				kind, at := store.Fired, ev.StartsAt
				if ev.Kind == alert.Resolved {
					kind, at = store.Resolved, ev.EndsAt
				}
				a := ev.Alert
				if err := db.RecordAlert(store.AlertEvent{Rule: a.Rule, Key: a.Key, Severity: a.Severity, Summary: a.Summary, Kind: kind, At: at, Labels: a.Labels}); err != nil {
					log.Warn("recording an alert", "err", err)
				}
			}
			if len(events) > 0 {
				if err := notify.Notify(ctx, events); err != nil {
					log.Warn("delivering alerts", "err", err)
				}
			}
			unreachable := 0
			for _, r := range st.Results {
				if r.Err != nil {
					unreachable++
				}
			}
			if !*once && len(events) > 0 {
				fmt.Fprintf(stdout, "\n%s — %d alerts changed; now:\n", st.Time.Format(time.RFC3339), len(events))
				writeConditions(stdout, slices.Clone(conds))
			}
			log.Info("cycle", "devices", len(st.Results), "unreachable", unreachable, "conditions", len(st.Conditions), "alerts_changed", len(events), "took", st.Took.Round(time.Millisecond))
		},
	})
	if err != nil {
		fmt.Fprintf(stderr, "feedplan monitor: %v\n", err)
		return exitBadInput
	}

	if *once {
		// The receivers deliver what the one cycle fires, and flush when
		// they stop.
		rctx, stop := context.WithCancel(ctx)
		done := make(chan struct{}, len(runners))
		for _, run := range runners {
			go func() { run(rctx); done <- struct{}{} }()
		}
		st, err := mon.Cycle(ctx)
		if sink != nil {
			sink.Close() // hands InfluxDB what the cycle wrote while its writer still runs
		}
		stop()
		for range runners {
			<-done
		}
		if err != nil {
			fmt.Fprintf(stderr, "feedplan monitor: %v\n", err)
			return exitBadInput
		}
		writeConditions(stdout, st.Conditions)
		for _, c := range st.Conditions {
			if c.Severity == alert.Critical {
				return exitHarm
			}
		}
		return exitOK
	}

	if *atsTests != "" {
		sched, err := monitor.NewScheduler(monitor.ScheduleOptions{Spec: *atsTests, TZ: *tz, Name: "ats-tests", Logger: log,
			Job: func(ctx context.Context) error { return runATSTests(ctx, site, db, *atsExecute, log) }})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan monitor: --ats-tests: %v\n", err)
			return exitBadInput
		}
		runners = append(runners, sched.Run)
	}
	if *trapListen != "" {
		tr, err := monitor.NewTrapReceiver(monitor.TrapOptions{Listen: *trapListen, Community: inventory.Secret(os.Getenv("FEEDPLAN_TRAP_COMMUNITY")),
			Site: site, Cycle: mon.Cycle, Logger: log.With("component", "traps"),
			OnTrap: func(device, trapOID string) { log.Info("trap", "device", device, "trap", trapOID) }})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan monitor: --traps: %v\n", err)
			return exitBadInput
		}
		runners = append(runners, tr.Run)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(runners)+1)
	for _, run := range runners {
		go func() { errc <- run(ctx) }()
	}
	go func() { errc <- mon.Run(ctx) }()
	fmt.Fprintf(stdout, "feedplan monitor: site %q, polling on %q (%s); Ctrl-C stops.\n", site.Name, *schedule, *tz)
	var firstErr error
	for range len(runners) + 1 {
		if err := <-errc; err != nil && !errors.Is(err, context.Canceled) && firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	if firstErr != nil {
		fmt.Fprintf(stderr, "feedplan monitor: %v\n", firstErr)
		return exitBadInput
	}
	return exitOK
}

// retriesFlag maps the poll flag (0 = none) to monitor.Options (0 = default).
func retriesFlag(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

func toAlerts(cs []monitor.Condition) []alert.Alert {
	out := make([]alert.Alert, len(cs))
	for i, c := range cs {
		out[i] = alert.Alert(c)
	}
	return out
}

func writeConditions(w io.Writer, cs []monitor.Condition) {
	if len(cs) == 0 {
		fmt.Fprintln(w, "Nothing is wrong.")
		return
	}
	order := map[string]int{alert.Critical: 0, alert.Warning: 1, alert.Info: 2}
	sort.SliceStable(cs, func(i, j int) bool { return order[cs[i].Severity] < order[cs[j].Severity] })
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tRULE\tWHAT")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(c.Severity), c.Rule, c.Summary)
	}
	tw.Flush()
}

// runATSTests tests every ATS of the site in turn; what they find reaches
// the alerts through the store at the next cycle.
func runATSTests(ctx context.Context, site *inventory.Site, db *store.Store, execute bool, log *slog.Logger) error {
	var errs []error
	for _, a := range site.ATS {
		if a.SNMP == nil {
			continue
		}
		started := time.Now()
		res, err := atstest.Run(ctx, atstest.Options{Site: site, ATS: a.Name, Execute: execute, Operator: "feedplan monitor", Logger: log,
			Audit: func(e atstest.Entry) error {
				_, err := db.Audit(store.AuditEntry{At: e.Time, Who: e.Operator, Action: "ats-test " + e.Step, Target: e.ATS, Outcome: e.Outcome, Detail: e.Detail})
				return err
			}})
		if err != nil {
			errs = append(errs, fmt.Errorf("ats %s: %w", a.Name, err))
			continue
		}
		log.Info("ats test", "ats", a.Name, "executed", execute, "passed", res.Passed, "refused", res.Refused, "reason", res.Reason)
		if execute && !res.Refused {
			if err := db.RecordATSTest(store.ATSTestRecord{ATS: a.Name, Started: started, Finished: time.Now(), Passed: res.Passed, Reason: res.Reason,
				TransferMS: res.TransferTook.Milliseconds(), BackMS: res.BackTook.Milliseconds()}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// snapshotOf is a cycle's readings in the store's compact form.
func snapshotOf(st *monitor.State) store.Snapshot {
	snap := store.Snapshot{At: st.Time}
	for _, r := range st.Results {
		d := store.DeviceReading{Device: r.Target.Name, OK: r.Err == nil}
		if rd := r.Reading; rd != nil {
			for _, p := range rd.Phases {
				if p.Amps != nil {
					d.PhaseAmps = append(d.PhaseAmps, *p.Amps)
				}
			}
			d.Watts = rd.Watts
			if rd.ATS != nil && rd.ATS.Selected >= 0 {
				d.ATSOn = string(rune('A' + rd.ATS.Selected))
			}
		}
		snap.Devices = append(snap.Devices, d)
	}
	return snap
}
