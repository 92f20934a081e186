// dashboard-check validates Grafana dashboard JSON files without a Grafana server.
//
// For each file it:
//  1. strictly unmarshals the dashboard with grafana-foundation-sdk (unknown fields, wrong types and
//     missing required fields fail), with the default panel and data-query plugins registered so that
//     panel options, field-config customs and query targets are decoded strictly too;
//  2. runs the SDK's Validate();
//  3. checks what the schema cannot: every panel type and every target's datasource type is a known
//     plugin (so nothing fell back to an untyped bag), and every datasource reference and every
//     `$var` / `${var}` / `${var:fmt}` / `[[var]]` used in queries, titles and legends resolves to a
//     template variable of the dashboard (datasource references must be datasource variables of the
//     same plugin type).
//
// Usage: dashboard-check FILE.json...   (exit status 1 when any file has a problem)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/barchart"
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/logs"
	"github.com/grafana/grafana-foundation-sdk/go/loki"
	"github.com/grafana/grafana-foundation-sdk/go/piechart"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/text"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Grafana's global variables (https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#global-variables).
var builtinVariables = map[string]bool{
	"__interval": true, "__interval_ms": true, "__rate_interval": true, "__rate_interval_ms": true,
	"__range": true, "__range_s": true, "__range_ms": true, "__auto": true,
	"__from": true, "__to": true, "__timeFilter": true, "__dashboard": true, "__org": true,
	"__user": true, "__name": true, "__timezone": true, "__all": true, "__value": true,
	"__field": true, "__series": true, "__data": true, "__url": true, "__url_time_range": true,
	"timeFilter": true,
}

// The built-in annotation datasource is the only datasource reference that is not a variable.
const grafanaBuiltinDatasourceUID = "-- Grafana --"

var varRef = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?::[A-Za-z0-9_]+)?\}|\[\[([A-Za-z0-9_]+)(?::[A-Za-z0-9_]+)?\]\]|\$([A-Za-z_][A-Za-z0-9_]*)`)

type checker struct {
	file      string
	problems  []string
	variables map[string]string // name -> type
	dsPlugin  map[string]string // datasource variable name -> plugin type (its `query`)
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-check FILE.json...")
		os.Exit(2)
	}
	plugins.RegisterDefaultPlugins()
	fixStrictDecoders()

	failed := false
	for _, file := range os.Args[1:] {
		problems := checkFile(file)
		if len(problems) == 0 {
			fmt.Printf("ok   %s\n", file)
			continue
		}
		failed = true
		fmt.Printf("FAIL %s\n", file)
		for _, p := range problems {
			fmt.Printf("     - %s\n", p)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func checkFile(file string) []string {
	c := &checker{file: file, variables: map[string]string{}, dsPlugin: map[string]string{}}
	raw, err := os.ReadFile(file)
	if err != nil {
		return []string{err.Error()}
	}

	// 1. Strict decoding.
	var syntax any
	if err := json.Unmarshal(raw, &syntax); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	// Decoding goes on after a field error, so the reference checks below still run on the rest.
	var dash dashboard.Dashboard
	if err := realError(dash.UnmarshalJSONStrict(raw)); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			// panels are decoded again below (see redecodeTopLevelPanels)
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "panels[") {
				c.fail("strict unmarshal: %s", line)
			}
		}
	}
	// The SDK's PanelOrRowPanel.UnmarshalJSONStrict treats the empty error list its Panel decoder
	// returns as a failure and drops every top-level panel (v0.0.22), so decode those again here.
	if err := c.redecodeTopLevelPanels(raw, &dash); err != nil {
		c.fail("panels: %s", err)
		return c.problems
	}
	// 2. Schema constraints.
	if err := realError(dash.Validate()); err != nil {
		c.fail("validate: %s", err)
	}
	if dash.Uid == nil || *dash.Uid == "" {
		c.fail("dashboard has no uid")
	}
	if dash.Title == nil || *dash.Title == "" {
		c.fail("dashboard has no title")
	}

	// 3. Cross-references.
	for _, v := range dash.Templating.List {
		if _, dup := c.variables[v.Name]; dup {
			c.fail("variable %q defined twice", v.Name)
		}
		c.variables[v.Name] = string(v.Type)
		if v.Type == dashboard.VariableTypeDatasource {
			if v.Query == nil || v.Query.String == nil || *v.Query.String == "" {
				c.fail("datasource variable %q has no plugin type in `query`", v.Name)
			} else {
				c.dsPlugin[v.Name] = *v.Query.String
			}
		}
	}
	for _, v := range dash.Templating.List {
		where := fmt.Sprintf("variable %q", v.Name)
		if v.Type == dashboard.VariableTypeQuery {
			if v.Datasource == nil {
				c.fail("%s: query variable without datasource", where)
			} else {
				c.checkDatasourceRef(where, v.Datasource.Type, v.Datasource.Uid)
			}
			if v.Query != nil && v.Query.String != nil {
				c.checkText(where+" query", *v.Query.String)
			}
		}
	}
	for i, a := range dash.Annotations.List {
		where := fmt.Sprintf("annotation[%d] %q", i, a.Name)
		if a.Datasource == nil {
			c.fail("%s: no datasource", where)
			continue
		}
		c.checkDatasourceRef(where, a.Datasource.Type, a.Datasource.Uid)
		if a.Expr != nil {
			c.checkText(where+" expr", *a.Expr)
		}
	}

	ids := map[uint32]bool{}
	var panels []*dashboard.Panel
	for _, p := range dash.Panels {
		if p.Panel != nil {
			panels = append(panels, p.Panel)
		}
		if p.RowPanel != nil {
			if p.RowPanel.Id != 0 {
				if ids[p.RowPanel.Id] {
					c.fail("duplicate panel id %d", p.RowPanel.Id)
				}
				ids[p.RowPanel.Id] = true
			}
			for i := range p.RowPanel.Panels {
				panels = append(panels, &p.RowPanel.Panels[i])
			}
		}
	}
	if len(panels) == 0 {
		c.fail("dashboard has no panels")
	}
	for _, p := range panels {
		c.checkPanel(p, ids)
	}
	c.checkRawFieldConfigs(raw)

	sort.Strings(c.problems)
	return c.problems
}

func (c *checker) checkPanel(p *dashboard.Panel, ids map[uint32]bool) {
	title := ""
	if p.Title != nil {
		title = *p.Title
	}
	where := fmt.Sprintf("panel %q", title)
	if title == "" {
		c.fail("panel of type %s has no title", p.Type)
	}
	c.checkText(where+" title", title)
	if p.Id == nil {
		c.fail("%s: no id", where)
	} else {
		if ids[*p.Id] {
			c.fail("%s: duplicate panel id %d", where, *p.Id)
		}
		ids[*p.Id] = true
	}
	if p.GridPos == nil {
		c.fail("%s: no gridPos", where)
	}
	if _, known := panelDecoders[p.Type]; !known {
		c.fail("%s: panel type %q is not one the checker decodes strictly", where, p.Type)
	}
	if p.Type == "text" || p.Type == "row" {
		return
	}
	if p.Datasource == nil {
		c.fail("%s: no panel datasource", where)
	} else {
		c.checkDatasourceRef(where, p.Datasource.Type, p.Datasource.Uid)
	}
	if len(p.Targets) == 0 {
		c.fail("%s: no targets", where)
	}
	for i, t := range p.Targets {
		tw := fmt.Sprintf("%s target[%d]", where, i)
		switch t.(type) {
		case *prometheus.Dataquery, *loki.Dataquery:
		default:
			c.fail("%s: target is not a prometheus or loki query (set datasource.type), so it was not checked", tw)
			continue
		}
		// Re-decode generically to reach the common fields.
		b, _ := json.Marshal(t)
		var common struct {
			Expr         string `json:"expr"`
			LegendFormat string `json:"legendFormat"`
			RefID        string `json:"refId"`
			Datasource   *struct {
				Type *string `json:"type"`
				UID  *string `json:"uid"`
			} `json:"datasource"`
		}
		_ = json.Unmarshal(b, &common)
		if common.RefID == "" {
			c.fail("%s: no refId", tw)
		}
		if strings.TrimSpace(common.Expr) == "" {
			c.fail("%s: empty expr", tw)
		}
		if common.Datasource == nil {
			c.fail("%s: no datasource", tw)
		} else {
			c.checkDatasourceRef(tw, common.Datasource.Type, common.Datasource.UID)
			if p.Datasource != nil && p.Datasource.Type != nil && common.Datasource.Type != nil &&
				*p.Datasource.Type != *common.Datasource.Type {
				c.fail("%s: datasource type %q differs from the panel's %q", tw, *common.Datasource.Type, *p.Datasource.Type)
			}
		}
		c.checkText(tw+" expr", common.Expr)
		c.checkText(tw+" legendFormat", common.LegendFormat)
	}
}

// checkDatasourceRef: the reference must name a datasource variable of the same plugin type.
func (c *checker) checkDatasourceRef(where string, typ, uid *string) {
	if uid == nil || *uid == "" {
		c.fail("%s: datasource without uid", where)
		return
	}
	if *uid == grafanaBuiltinDatasourceUID {
		if typ == nil || *typ != "grafana" {
			c.fail("%s: %q datasource must have type \"grafana\"", where, grafanaBuiltinDatasourceUID)
		}
		return
	}
	m := varRef.FindStringSubmatch(*uid)
	if m == nil || m[0] != *uid {
		c.fail("%s: datasource uid %q is not a variable reference (use ${datasource} or ${loki_datasource})", where, *uid)
		return
	}
	name := firstNonEmpty(m[1:]...)
	plugin, ok := c.dsPlugin[name]
	if !ok {
		if _, exists := c.variables[name]; exists {
			c.fail("%s: datasource uid references variable %q which is not a datasource variable", where, name)
		} else {
			c.fail("%s: datasource uid references undefined variable %q", where, name)
		}
		return
	}
	if typ == nil || *typ == "" {
		c.fail("%s: datasource reference to $%s has no type", where, name)
	} else if *typ != plugin {
		c.fail("%s: datasource type %q but variable $%s selects %q datasources", where, *typ, name, plugin)
	}
}

// checkText: every variable reference in s resolves.
func (c *checker) checkText(where, s string) {
	for _, m := range varRef.FindAllStringSubmatch(s, -1) {
		name := firstNonEmpty(m[1:]...)
		if builtinVariables[name] {
			continue
		}
		if _, ok := c.variables[name]; !ok {
			c.fail("%s: references undefined variable $%s", where, name)
		}
	}
}

// checkRawFieldConfigs decodes every panel's fieldConfig strictly: the SDK decodes it leniently
// (only `defaults.custom` is strict), so unknown keys there would otherwise pass.
func (c *checker) checkRawFieldConfigs(raw []byte) {
	var doc struct {
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return
	}
	var visit func(list []json.RawMessage)
	visit = func(list []json.RawMessage) {
		for _, rp := range list {
			var p struct {
				Title       string            `json:"title"`
				FieldConfig json.RawMessage   `json:"fieldConfig"`
				Panels      []json.RawMessage `json:"panels"`
			}
			if err := json.Unmarshal(rp, &p); err != nil {
				continue
			}
			if len(p.FieldConfig) > 0 && string(p.FieldConfig) != "null" {
				var fc dashboard.FieldConfigSource
				if err := realError(fc.UnmarshalJSONStrict(p.FieldConfig)); err != nil {
					c.fail("panel %q fieldConfig: %s", p.Title, strings.ReplaceAll(err.Error(), "\n", "; "))
				} else if err := realError(fc.Validate()); err != nil {
					c.fail("panel %q fieldConfig: %s", p.Title, err)
				}
			}
			visit(p.Panels)
		}
	}
	visit(doc.Panels)
}

func (c *checker) redecodeTopLevelPanels(raw []byte, dash *dashboard.Dashboard) error {
	var doc struct {
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	dash.Panels = nil
	for i, rp := range doc.Panels {
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(rp, &head); err != nil {
			return err
		}
		var entry dashboard.PanelOrRowPanel
		var err error
		if head.Type == "row" {
			entry.RowPanel = &dashboard.RowPanel{}
			err = realError(entry.RowPanel.UnmarshalJSONStrict(rp))
		} else {
			entry.Panel = &dashboard.Panel{}
			err = realError(entry.Panel.UnmarshalJSONStrict(rp))
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.TrimSpace(line) != "" {
					c.fail("strict unmarshal: panels[%d]: %s", i, line)
				}
			}
		}
		dash.Panels = append(dash.Panels, entry)
	}
	return nil
}

type strictDecoder interface {
	UnmarshalJSONStrict(raw []byte) error
}

// decodeStrict returns a decoder that builds a fresh T and decodes raw into it strictly.
func decodeStrict[T any, PT interface {
	*T
	strictDecoder
}]() func(raw []byte) (any, error) {
	return func(raw []byte) (any, error) {
		v := PT(new(T))
		if err := realError(v.UnmarshalJSONStrict(raw)); err != nil {
			return nil, err
		}
		return v, nil
	}
}

// The panel types the checker knows fully (options and field-config custom decoded strictly).
// Anything else is reported: add it here, with its SDK package, when a dashboard needs it.
var panelDecoders = map[string][2]func(raw []byte) (any, error){
	"stat":       {decodeStrict[stat.Options](), nil},
	"gauge":      {decodeStrict[gauge.Options](), nil},
	"bargauge":   {decodeStrict[bargauge.Options](), nil},
	"timeseries": {decodeStrict[timeseries.Options](), decodeStrict[timeseries.FieldConfig]()},
	"barchart":   {decodeStrict[barchart.Options](), decodeStrict[barchart.FieldConfig]()},
	"piechart":   {decodeStrict[piechart.Options](), decodeStrict[piechart.FieldConfig]()},
	"table":      {decodeStrict[table.Options](), decodeStrict[table.FieldConfig]()},
	"logs":       {decodeStrict[logs.Options](), nil},
	"text":       {decodeStrict[text.Options](), nil},
}

// fixStrictDecoders re-registers the strict decoders of the panel and query plugins the dashboards
// use. In v0.0.22 each plugin's strict decoder returns its empty cog.BuildErrors as a non-nil
// `error` and the caller then drops the decoded value: targets silently disappear and options are
// not kept. Without this, a wrong target would pass because it was never looked at.
func fixStrictDecoders() {
	rt := cog.NewRuntime()
	for id, dec := range panelDecoders {
		cfg, ok := rt.ConfigForPanelcfgVariant(id)
		if !ok {
			panic("panel plugin not registered: " + id)
		}
		cfg.StrictOptionsUnmarshaler = dec[0]
		cfg.StrictFieldConfigUnmarshaler = dec[1]
		rt.RegisterPanelcfgVariant(cfg)
	}
	promCfg := prometheus.VariantConfig()
	promCfg.StrictDataqueryUnmarshaler = func(raw []byte) (variants.Dataquery, error) {
		q := &prometheus.Dataquery{}
		if err := realError(q.UnmarshalJSONStrict(raw)); err != nil {
			return nil, err
		}
		return q, nil
	}
	rt.RegisterDataqueryVariant(promCfg)
	lokiCfg := loki.VariantConfig()
	lokiCfg.StrictDataqueryUnmarshaler = func(raw []byte) (variants.Dataquery, error) {
		q := &loki.Dataquery{}
		if err := realError(q.UnmarshalJSONStrict(raw)); err != nil {
			return nil, err
		}
		return q, nil
	}
	rt.RegisterDataqueryVariant(lokiCfg)
}

// realError: the SDK's strict decoders return their error list as `error` even when it is empty
// (a nil cog.BuildErrors in a non-nil interface), so only a non-empty list is an error.
func realError(err error) error {
	if errs, ok := err.(cog.BuildErrors); ok && len(errs) == 0 {
		return nil
	}
	return err
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}
