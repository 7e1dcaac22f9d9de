package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"feedplan/monitor/runbook"
	"feedplan/simulator"
	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
	"feedplan/simulator/replay"
)

const simExamples = `  feedplan sim examples/site.yaml
  feedplan sim examples/site.yaml --listen 127.0.0.1:10161 --v3-user sim --v3-auth SHA --v3-priv AES
  feedplan sim --replay recordings/
  feedplan sim ctl cut source:A
  feedplan sim ctl ats-fail ats-r07
  feedplan sim ctl slow r01-a 300ms
  feedplan sim ctl status

While it runs, each PDU and ATS answers SNMP v1/v2c with its name as the
community, and v3 with its name as the context. Faults are injected with
'feedplan sim ctl' (run 'feedplan sim ctl -h' for the list).

v3 keys come from the environment (FEEDPLAN_SIM_AUTH_KEY,
FEEDPLAN_SIM_PRIV_KEY) so that they do not show in the process list.
`

// defaultControlFile is where a running simulator leaves its control
// address and token (mode 0600) for 'feedplan sim ctl'.
func defaultControlFile() string {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, fmt.Sprintf("feedplan-sim-%d.json", os.Getuid()))
}

type controlFile struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

func cmdSim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "ctl" {
		return cmdSimCtl(ctx, args[1:], stdout, stderr)
	}
	fs := newFlags("sim", "SITE.yaml [flags] | --replay DIR [flags] | ctl OP [TARGET] [VALUE]", simExamples, stderr)
	listen := fs.String("listen", "127.0.0.1:1161", "UDP address the agent answers on (loopback)")
	replayDir := fs.String("replay", "", "serve the .snmprec recordings in `DIR` instead of a site (community = file name)")
	control := fs.String("control", "127.0.0.1:0", "address of the fault-injection API (loopback)")
	ctlFile := fs.String("control-file", defaultControlFile(), "where to write the control API's address and token (mode 0600)")
	stateDir := fs.String("state-dir", "", "keep the agent's SNMPv3 engine boots here across restarts")
	seed := fs.Int64("seed", 1, "noise seed: the same seed gives the same readings")
	user := fs.String("v3-user", "", "an SNMPv3 user to accept (keys from FEEDPLAN_SIM_AUTH_KEY / FEEDPLAN_SIM_PRIV_KEY)")
	auth := fs.String("v3-auth", "SHA", "v3 authentication: SHA, SHA256, SHA512, MD5, or none")
	priv := fs.String("v3-priv", "AES", "v3 privacy: AES, AES256, DES, or none")
	verbose := fs.Bool("v", false, "log every request")
	rateLimit := fs.Float64("rate-limit", 5000, "requests per second accepted from one source address (0: no limit)")
	trapTarget := fs.String("traps", "", "send the vendors' SNMP traps (ATS transfers, outlet switching, reboots) to `HOST:PORT` (loopback)")
	trapInform := fs.Bool("informs", false, "with --traps: send acknowledged informs instead of traps")
	trapCommunity := fs.String("trap-community", "public", "with --traps: the v2c community")
	perDevice := fs.Bool("per-device", false, "give every device an address of its own: its inventory SNMP address when on loopback, else 127.0.1.x, at --listen's port unless the inventory names one")
	var pos []string
	var code int
	var ok bool
	if pos, code, ok = parseArgs(fs, args, -1, stdout, stderr); !ok {
		return code
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	var users []agent.User
	if *user != "" {
		u := agent.User{Name: *user}
		if *auth != "none" {
			u.Auth, u.AuthKey = strings.ToUpper(*auth), os.Getenv("FEEDPLAN_SIM_AUTH_KEY")
			if len(u.AuthKey) < 8 {
				fmt.Fprintln(stderr, "feedplan sim: --v3-user with authentication needs FEEDPLAN_SIM_AUTH_KEY (8 characters or more)")
				return exitBadInput
			}
		}
		if *priv != "none" && *auth != "none" {
			u.Priv, u.PrivKey = strings.ToUpper(*priv), os.Getenv("FEEDPLAN_SIM_PRIV_KEY")
			if len(u.PrivKey) < 8 {
				fmt.Fprintln(stderr, "feedplan sim: --v3-priv needs FEEDPLAN_SIM_PRIV_KEY (8 characters or more), or --v3-priv none")
				return exitBadInput
			}
		}
		users = append(users, u)
	}
	bootsFile := ""
	if *stateDir != "" {
		if err := os.MkdirAll(*stateDir, 0o700); err != nil {
			fmt.Fprintf(stderr, "feedplan sim: %v\n", err)
			return exitBadInput
		}
		bootsFile = filepath.Join(*stateDir, "engine-boots")
	}

	var views map[string]mib.View
	var model *simulator.Model
	switch {
	case *replayDir != "" && len(pos) == 0:
		tables, err := replay.LoadDir(*replayDir)
		if err != nil {
			fmt.Fprintf(stderr, "feedplan sim: %v\n", err)
			return exitBadInput
		}
		if len(tables) == 0 {
			fmt.Fprintf(stderr, "feedplan sim: no .snmprec files in %s\n", *replayDir)
			return exitBadInput
		}
		views = make(map[string]mib.View, len(tables))
		for name, t := range tables {
			views[name] = t
		}
	case *replayDir == "" && len(pos) == 1:
		site, ok := loadSite(pos[0], stderr)
		if !ok {
			return exitBadInput
		}
		var err error
		model, err = simulator.New(simulator.Options{Site: site, Seed: *seed})
		if err != nil {
			fmt.Fprintf(stderr, "feedplan sim: %v\n", err)
			return exitBadInput
		}
		views = make(map[string]mib.View)
		for _, name := range model.Devices() {
			v, _ := model.Device(name)
			views[name] = v
		}
	case *replayDir != "" && len(pos) > 0:
		fmt.Fprintln(stderr, "feedplan sim: give a site file or --replay DIR, not both")
		fs.Usage()
		return exitBadInput
	default:
		fmt.Fprintln(stderr, "feedplan sim: give a site file (SITE.yaml) to simulate, or --replay DIR to serve recordings")
		fs.Usage()
		return exitBadInput
	}

	// One agent on one port for every device (community or context picks
	// the device), or, with --per-device, one agent per device.
	type served struct {
		ag   *agent.Agent
		name string
	}
	var agents []served
	closeAll := func() {
		for _, a := range agents {
			a.ag.Close()
		}
	}
	newAgent := func(listen string, resolve func(community, context string) (mib.View, bool), boots string, name string, users []agent.User) error {
		ag, err := agent.New(agent.Options{Listen: listen, Resolve: resolve, Users: users, BootsFile: boots, RateLimit: *rateLimit, Logger: log.With("component", "agent")})
		if err != nil {
			return err
		}
		agents = append(agents, served{ag, name})
		return nil
	}
	if *perDevice {
		if model == nil {
			fmt.Fprintln(stderr, "feedplan sim: --per-device needs a site, not --replay")
			return exitBadInput
		}
		_, portStr, err := net.SplitHostPort(*listen)
		port, perr := strconv.Atoi(portStr)
		if err != nil || perr != nil {
			fmt.Fprintf(stderr, "feedplan sim: --listen %q: want HOST:PORT\n", *listen)
			return exitBadInput
		}
		eps, err := model.Endpoints(port)
		if err != nil {
			fmt.Fprintf(stderr, "feedplan sim: %v\n", err)
			return exitBadInput
		}
		for _, ep := range eps {
			v := views[ep.Device]
			communities := ep.Communities
			boots := ""
			if bootsFile != "" {
				boots = bootsFile + "." + ep.Device
			}
			err := newAgent(ep.Addr, func(community, context string) (mib.View, bool) {
				if context == ep.Device || context == "" && community == "" || slices.Contains(communities, community) {
					return v, true
				}
				return nil, false
			}, boots, ep.Device, ep.Users(users))
			if err != nil {
				closeAll()
				fmt.Fprintf(stderr, "feedplan sim: %s at %s: %v\n", ep.Device, ep.Addr, err)
				return exitBadInput
			}
		}
		// A simulated reboot of a device restarts its own SNMP engine
		// (snmpEngineBoots + 1, engine time from 0), as a real card's does.
		byName := make(map[string]*agent.Agent, len(agents))
		for _, a := range agents {
			byName[a.name] = a.ag
		}
		model.Subscribe(func(ev simulator.Event) {
			if ev.Kind == "reboot" {
				if ag := byName[ev.Device]; ag != nil {
					ag.Reboot()
				}
			}
		})
		printPerDeviceBanner(stdout, agents[0].ag, eps, model, users)
	} else {
		err := newAgent(*listen, func(community, context string) (mib.View, bool) {
			name := community
			if context != "" {
				name = context
			}
			v, ok := views[name]
			return v, ok
		}, bootsFile, "", users)
		if err != nil {
			fmt.Fprintf(stderr, "feedplan sim: %v\n", err)
			return exitBadInput
		}
		printSimBanner(stdout, agents[0].ag.Addr().String(), views, model, users)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(agents)+1)
	for _, a := range agents {
		go func() { errc <- a.ag.Run(ctx) }()
	}
	running := len(agents)
	// fail stops what runs and reports a start-up error.
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "feedplan sim: "+format+"\n", args...)
		cancel()
		for range running {
			<-errc
		}
		return exitBadInput
	}
	if model != nil {
		ctl, err := simulator.NewControl(model, simulator.ControlOptions{Listen: *control, Logger: log.With("component", "control")})
		if err != nil {
			return fail("%v", err)
		}
		if err := claimControlFile(ctx, *ctlFile, controlFile{URL: "http://" + ctl.Addr(), Token: ctl.Token()}); err != nil {
			return fail("%v", err)
		}
		defer releaseControlFile(*ctlFile, ctl.Token())
		// Every change of the simulated hardware goes to the log: faults
		// through the control API, and SETs from SNMP managers.
		model.Subscribe(func(ev simulator.Event) {
			log.Info("device changed", "device", ev.Device, "what", ev.Kind, "outlet", ev.Outlet, "on", ev.On, "source", ev.Source)
		})
		if *trapTarget != "" {
			from := map[string]string{}
			if *perDevice {
				for _, a := range agents {
					from[a.name] = a.ag.Addr().IP.String()
				}
			}
			ts, err := simulator.NewTrapSender(simulator.TrapOptions{Target: *trapTarget, Community: *trapCommunity, Inform: *trapInform, From: from, Logger: log.With("component", "traps")})
			if err != nil {
				return fail("--traps: %v", err)
			}
			ts.Attach(model)
			go func() { errc <- ts.Run(ctx) }()
			running++
			fmt.Fprintf(stdout, "Traps: to udp %s\n", *trapTarget)
		}
		fmt.Fprintf(stdout, "Faults: feedplan sim ctl OP … (control API on http://%s; its token is in %s)\n", ctl.Addr(), *ctlFile)
		go func() { errc <- ctl.Run(ctx) }()
		running++
	}
	fmt.Fprintln(stdout, "Running; Ctrl-C stops.")
	var firstErr error
	for i := 0; i < running; i++ {
		if err := <-errc; err != nil && firstErr == nil && !errors.Is(err, context.Canceled) {
			firstErr = err
			cancel()
		}
	}
	if firstErr != nil {
		fmt.Fprintf(stderr, "feedplan sim: %v\n", firstErr)
		return exitBadInput
	}
	return exitOK
}

func printSimBanner(w io.Writer, addr string, views map[string]mib.View, model *simulator.Model, users []agent.User) {
	names := make([]string, 0, len(views))
	if model != nil {
		names = model.Devices()
	} else {
		for n := range views {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	fmt.Fprintf(w, "feedplan sim: %d devices answer SNMP on udp %s (v1/v2c: community = device name", len(names), addr)
	if len(users) > 0 {
		fmt.Fprintf(w, "; v3: user %s, context = device name", users[0].Name)
	}
	fmt.Fprintln(w, ")")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  DEVICE\tPROFILE\tCOMMUNITY")
	for _, n := range names {
		prof := "recording"
		if model != nil {
			v, _ := model.Device(n)
			prof = v.Profile()
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", n, prof, n)
	}
	tw.Flush()
	if len(names) > 0 {
		host, port := addr, ""
		if i := strings.LastIndexByte(addr, ':'); i >= 0 {
			host, port = addr[:i], addr[i+1:]
		}
		fmt.Fprintf(w, "Walk one:\n  snmpwalk -v2c -c %s -On %s:%s .1.3.6.1\n", names[0], host, port)
		if len(users) > 0 {
			u := users[0]
			fmt.Fprintf(w, "  snmpwalk -v3 -l %s -u %s -a %s -A \"$FEEDPLAN_SIM_AUTH_KEY\" -x %s -X \"$FEEDPLAN_SIM_PRIV_KEY\" -n %s -On %s:%s .1.3.6.1\n",
				secLevel(u), u.Name, netSNMPAuth(u.Auth), u.Priv, names[0], host, port)
		}
	}
}

func printPerDeviceBanner(w io.Writer, first *agent.Agent, eps []simulator.Endpoint, model *simulator.Model, users []agent.User) {
	fmt.Fprintf(w, "feedplan sim: %d devices, each on an address of its own (v1/v2c community: its name or its inventory community", len(eps))
	if len(users) > 0 {
		fmt.Fprintf(w, "; v3: user %s", users[0].Name)
	}
	fmt.Fprintln(w, ")")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  DEVICE\tPROFILE\tADDRESS")
	for _, ep := range eps {
		v, _ := model.Device(ep.Device)
		fmt.Fprintf(tw, "  %s\t%s\tudp %s\n", ep.Device, v.Profile(), ep.Addr)
	}
	tw.Flush()
	fmt.Fprintf(w, "Walk one:\n  snmpwalk -v2c -c %s -On %s .1.3.6.1\n", eps[0].Device, eps[0].Addr)
}

func secLevel(u agent.User) string {
	switch {
	case u.Priv != "":
		return "authPriv"
	case u.Auth != "":
		return "authNoPriv"
	}
	return "noAuthNoPriv"
}

// netSNMPAuth spells an auth protocol as net-snmp's -a wants it.
func netSNMPAuth(a string) string {
	if strings.HasPrefix(a, "SHA") && len(a) > 3 {
		return "SHA-" + a[3:]
	}
	return a
}

// claimControlFile writes the control file (mode 0600, atomically),
// unless it belongs to a simulator that still answers.
func claimControlFile(ctx context.Context, path string, cf controlFile) error {
	if b, err := os.ReadFile(path); err == nil {
		var old controlFile
		if json.Unmarshal(b, &old) == nil && old.URL != "" {
			ctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, old.URL+"/v1/faults", nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
				return fmt.Errorf("another simulator is running (control API %s, control file %s): stop it, or give this one --control-file", old.URL, path)
			}
		}
	}
	b, err := json.Marshal(cf)
	if err != nil {
		return err
	}
	if err := runbook.WriteFile(path, b, 0o600); err != nil { // 0600: it holds the token
		return fmt.Errorf("writing the control file: %w", err)
	}
	return nil
}

// releaseControlFile removes the control file if it is still ours.
func releaseControlFile(path, token string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var cf controlFile
	if json.Unmarshal(b, &cf) == nil && cf.Token == token {
		os.Remove(path)
	}
}

const simCtlExamples = `  feedplan sim ctl cut source:A
  feedplan sim ctl restore source:A
  feedplan sim ctl ats-fail ats-r07
  feedplan sim ctl psu-fail db-1:2
  feedplan sim ctl overdraw st-1 1.4
  feedplan sim ctl slow r01-a 300ms
  feedplan sim ctl status
`

func cmdSimCtl(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var ops strings.Builder
	for _, o := range simulator.Ops {
		fmt.Fprintf(&ops, "  %-9s %-14s %s\n", o.Op, o.Args, o.Does)
	}
	fs := newFlags("sim ctl", "OP [TARGET] [VALUE]", simCtlExamples+"\nOps:\n  status                   show the fault state\n"+ops.String(), stderr)
	ctlFile := fs.String("control-file", defaultControlFile(), "the control file a running 'feedplan sim' wrote")
	pos, code, ok := parseArgs(fs, args, -1, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) == 0 || len(pos) > 3 {
		fs.Usage()
		return exitBadInput
	}
	b, err := os.ReadFile(*ctlFile)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan sim ctl: no running simulator found (%v); start one with 'feedplan sim SITE.yaml' (a --replay simulator has no faults to inject)\n", err)
		return exitBadInput
	}
	var cf controlFile
	if err := json.Unmarshal(b, &cf); err != nil {
		fmt.Fprintf(stderr, "feedplan sim ctl: %s: %v\n", *ctlFile, err)
		return exitBadInput
	}
	method, body := http.MethodGet, []byte(nil)
	if pos[0] != "status" {
		cmd := simulator.Command{Op: pos[0]}
		if len(pos) > 1 {
			cmd.Target = pos[1]
		}
		if len(pos) > 2 {
			cmd.Value = pos[2]
		}
		method, body = http.MethodPost, mustJSON(cmd)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, cf.URL+"/v1/faults", bytes.NewReader(body))
	if err != nil {
		fmt.Fprintf(stderr, "feedplan sim ctl: %v\n", err)
		return exitBadInput
	}
	req.Header.Set("Authorization", "Bearer "+cf.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "feedplan sim ctl: the simulator does not answer at %s: %v\n", cf.URL, err)
		return exitBadInput
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(out, &e) == nil && e.Error != "" {
			fmt.Fprintf(stderr, "feedplan sim ctl: %s\n", e.Error)
		} else {
			fmt.Fprintf(stderr, "feedplan sim ctl: %s: %s\n", resp.Status, strings.TrimSpace(string(out)))
		}
		return exitBadInput
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") == nil {
		out = pretty.Bytes()
	}
	stdout.Write(out)
	fmt.Fprintln(stdout)
	return exitOK
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
