package runbook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"feedplan/inventory"
	"feedplan/planner"
)

// ErrVersion is the error of a plan written in another format version.
var ErrVersion = errors.New("plan format version")

// ErrSiteChanged is the error of an inventory that is not the one the
// plan was made from.
var ErrSiteChanged = errors.New("the inventory changed since the plan was made")

// LoadPlan reads a plan file and checks its version. It returns the
// plan's digest too, which ties a state file to it.
func LoadPlan(path string) (*planner.Plan, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	var p planner.Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&p); err != nil {
		return nil, "", fmt.Errorf("plan %s: %w", path, err)
	}
	if p.Version != planner.PlanVersion {
		return nil, "", fmt.Errorf("plan %s: %w %d; this feedplan runs version %d: make the plan again with this feedplan", path, ErrVersion, p.Version, planner.PlanVersion)
	}
	if len(p.Steps) == 0 {
		return nil, "", fmt.Errorf("plan %s: no steps", path)
	}
	seen := map[string]bool{}
	for i, st := range p.Steps {
		if st.ID == "" {
			return nil, "", fmt.Errorf("plan %s: step %d has no id", path, i+1)
		}
		if seen[st.ID] {
			return nil, "", fmt.Errorf("plan %s: step id %q appears twice", path, st.ID)
		}
		seen[st.ID] = true
	}
	return &p, digest(b), nil
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// SiteFile is the inventory a plan was made from: override when given,
// else the plan's site_file as recorded, else (for a relative path that
// is not there) the same path beside the plan file.
func SiteFile(p *planner.Plan, planFile, override string) (string, error) {
	if override != "" {
		return override, nil
	}
	if p.SiteFile == "" {
		return "", errors.New("the plan records no site_file: give the inventory with --site")
	}
	if _, err := os.Stat(p.SiteFile); err == nil || filepath.IsAbs(p.SiteFile) {
		return p.SiteFile, nil
	}
	beside := filepath.Join(filepath.Dir(planFile), p.SiteFile)
	if _, err := os.Stat(beside); err == nil {
		return beside, nil
	}
	return p.SiteFile, nil
}

// LoadSite reads and validates the inventory at path and checks that it
// is the one the plan was made from (its sha256), unless allowChanged.
// It returns the inventory's digest.
func LoadSite(p *planner.Plan, path string, allowChanged bool) (*inventory.Site, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	site, err := inventory.Parse(path, b)
	if err != nil {
		return nil, "", err
	}
	sum := digest(b)
	if p.SiteSHA == "" && !allowChanged {
		return nil, sum, fmt.Errorf("%s: the plan records no site_sha256 to check the inventory against: run it with --allow-changed-site if it is the right one", path)
	}
	if p.SiteSHA != "" && sum != p.SiteSHA && !allowChanged {
		return nil, sum, fmt.Errorf("%s: %w (sha256 %.12s…, the plan was made from %.12s…): make the plan again, or run it anyway with --allow-changed-site", path, ErrSiteChanged, sum, p.SiteSHA)
	}
	if p.Site != "" && site.Name != p.Site {
		return nil, sum, fmt.Errorf("%s: site %q; the plan is for site %q", path, site.Name, p.Site)
	}
	return site, sum, nil
}
