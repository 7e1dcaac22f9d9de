package influx_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"feedplan/monitor/influx"
	"feedplan/monitor/influx/influxtest"
)

// TestDashboardQueries runs every query of the Grafana dashboard
// (dashboards/feedplan.json) against a real InfluxDB holding what the
// Sink writes: each must parse and find data.
func TestDashboardQueries(t *testing.T) {
	b, err := os.ReadFile("../../dashboards/feedplan.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Query string `json:"query"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query string `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboards/feedplan.json: %v", err)
	}

	srv := influxtest.StartOptions(t, influxtest.Options{NoFlux: true})
	c := &clock{}
	opt, _ := options(t, srv.URL, t.TempDir(), c)
	s, err := influx.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	closeSink := run(t, s)
	for i := range 20 {
		c.i.Store(int64(i))
		if err := s.Write(context.Background(), cycle(i)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the points to be written", 10*time.Second, drained(s))
	closeSink()

	// What Grafana substitutes, for a time range that holds the readings.
	grafana := strings.NewReplacer(
		"$timeFilter", "time >= now() - 2h",
		"$__interval", "10s",
		"$site", ".*", "$pdu", ".*", "$ats", ".*",
	)
	queries := map[string]string{}
	for _, v := range dash.Templating.List {
		if v.Type == "query" {
			queries["variable "+v.Name] = v.Query
		}
	}
	for _, p := range dash.Panels {
		for i, tg := range p.Targets {
			queries[p.Title+" #"+string(rune('A'+i))] = tg.Query
		}
	}
	if len(queries) < 15 {
		t.Fatalf("the dashboard has %d queries; want the panels' and the variables'", len(queries))
	}
	t.Logf("%d queries", len(queries))
	for name, q := range queries {
		series, err := srv.Query(grafana.Replace(q))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(series) == 0 {
			t.Errorf("%s: %s found nothing", name, q)
		}
	}
}
