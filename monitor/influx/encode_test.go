package influx

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
)

func TestEncode(t *testing.T) {
	ts := time.Unix(1700000000, 0)
	up := pdu.Seconds(3600)
	labels := Labels{
		Devices: map[inventory.Plug]string{{PDU: "r01-a", Outlet: 1}: "web,1"},
		Feeds:   map[string]string{"r01-a": "A"},
		Racks:   map[string]string{"ats-1": "R 1"},
	}
	tests := []struct {
		name   string
		result pdu.Result
		want   []string
	}{
		{
			name: "pdu with absent values",
			result: pdu.Result{
				Target: pdu.Target{Name: "r01-a"}, Took: 120 * time.Millisecond,
				Reading: &pdu.Reading{Device: "r01-a", Driver: "apc-rpdu", Model: "AP8959 EU3", Time: ts, Uptime: &up, Watts: pdu.F(1234.5), EnergyKWh: pdu.F(42),
					Phases:  []pdu.Phase{{Number: 1, Amps: pdu.F(5.5), Volts: pdu.F(230), PF: pdu.F(math.NaN()), RatedAmps: pdu.F(32), LoadState: "normal"}},
					Banks:   []pdu.Bank{{Number: 1, Phase: 1, Amps: pdu.F(2.5), RatedAmps: pdu.F(16), Tripped: pdu.B(false)}},
					Outlets: []pdu.Outlet{{Number: 1, On: pdu.B(true), Amps: pdu.F(0.4)}, {Number: 2, On: pdu.B(false)}, {Number: 3}},
				},
			},
			want: []string{
				`pdu,driver=apc-rpdu,feed=A,model=AP8959\ EU3,pdu=r01-a,site=dc\ 1 watts=1234.5,energy_kwh=42,uptime_s=3600 1700000000000000000`,
				`pdu_phase,feed=A,pdu=r01-a,phase=L1,site=dc\ 1 amps=5.5,volts=230,rated_amps=32,load_state="normal" 1700000000000000000`,
				`pdu_bank,bank=1,feed=A,pdu=r01-a,phase=L1,site=dc\ 1 amps=2.5,rated_amps=16,tripped=false 1700000000000000000`,
				`pdu_outlet,device=web\,1,feed=A,outlet=1,pdu=r01-a,site=dc\ 1 amps=0.4,on=true 1700000000000000000`,
				`pdu_outlet,feed=A,outlet=2,pdu=r01-a,site=dc\ 1 on=false 1700000000000000000`,
				`poll,pdu=r01-a,site=dc\ 1 ok=true,took_s=0.12 1700000000000000000`,
			},
		},
		{
			name:   "unreachable device: a poll point at the time of the write, the error on one line",
			result: pdu.Result{Target: pdu.Target{Name: "r02-a", Address: "10.0.0.2"}, Err: errors.New("pdu \"r02-a\": timed out\nafter 2 s \\")},
			want:   []string{`poll,pdu=r02-a,site=dc\ 1 ok=false,error="pdu \"r02-a\": timed out after 2 s \\" 1700000060000000000`},
		},
		{
			name: "ats on its other input",
			result: pdu.Result{Target: pdu.Target{Name: "ats-1"}, Reading: &pdu.Reading{Device: "ats-1", Driver: "apc-ats", Time: ts, Partial: true,
				ATS: &pdu.ATS{Selected: 1, Preferred: 0, InputOK: [2]*bool{pdu.B(false), pdu.B(true)}, Redundant: pdu.B(false), OverCurrent: pdu.B(false),
					InputVolts: [2]*float64{nil, pdu.F(231)}, OutputAmps: []float64{3, 4}, RatedAmps: pdu.F(16)}}},
			want: []string{
				`ats,ats=ats-1,driver=apc-ats,rack=R\ 1,site=dc\ 1 selected="B",preferred="A",on_preferred=false,redundant=false,input_a_ok=false,input_b_ok=true,over_current=false,input_b_volts=231,output_amps=4,rated_amps=16 1700000000000000000`,
				`poll,pdu=ats-1,site=dc\ 1 ok=true,partial=true 1700000000000000000`,
			},
		},
		{
			name:   "ats with unknown inputs: no letters, no on_preferred",
			result: pdu.Result{Target: pdu.Target{Name: "ats-2"}, Reading: &pdu.Reading{Device: "ats-2", Time: ts, ATS: &pdu.ATS{Selected: -1, Preferred: -1}}},
			want:   []string{`poll,pdu=ats-2,site=dc\ 1 ok=true 1700000000000000000`},
		},
		{
			name:   "ad hoc target without a name",
			result: pdu.Result{Target: pdu.Target{Address: "127.0.0.1:161"}, Reading: &pdu.Reading{Time: ts, Watts: pdu.F(-0.5)}},
			want: []string{
				`pdu,pdu=127.0.0.1:161,site=dc\ 1 watts=-0.5 1700000000000000000`,
				`poll,pdu=127.0.0.1:161,site=dc\ 1 ok=true 1700000000000000000`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := encoder{site: "dc 1", labels: labels}
			got := e.encode(nil, []pdu.Result{tt.result}, ts.Add(time.Minute))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("encode =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestAppendEscaped(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a b,c=d", `a\ b\,c\=d`},
		{"line\nbreak", `line\ break`},
		{`trailing\\`, "trailing"},
	}
	for _, tt := range tests {
		if got := string(appendEscaped(nil, tt.in)); got != tt.want {
			t.Errorf("appendEscaped(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestLabelsOf(t *testing.T) {
	site, err := inventory.Load("../../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l := LabelsOf(site)
	if len(l.Devices) == 0 || len(l.Feeds) == 0 || len(l.Racks) == 0 {
		t.Fatalf("LabelsOf(example site) = %d devices, %d feeds, %d racks; want some of each", len(l.Devices), len(l.Feeds), len(l.Racks))
	}
	for _, p := range site.PDUs {
		_, behindATS := l.Feeds[p.Name]
		if site.ATSUnit(p.Inlet) != nil && behindATS {
			t.Errorf("PDU %q behind ATS %q has feed %q; want none", p.Name, p.Inlet, l.Feeds[p.Name])
		}
	}
	for _, d := range site.Devices {
		for _, plug := range d.PSUs {
			if !plug.Unplugged() && l.Devices[plug] != d.Name {
				t.Errorf("Devices[%s] = %q; want %q", plug, l.Devices[plug], d.Name)
			}
		}
	}
}
