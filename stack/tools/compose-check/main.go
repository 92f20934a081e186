// compose-check validates docker-compose.yml without a Docker engine.
//
// It loads the file with the official Compose Specification loader
// (github.com/compose-spec/compose-go/v2: JSON-schema validation, interpolation, normalization and
// the consistency checks that `docker compose config` runs), with an environment taken only from
// the env files and -env flags given (never from the process environment), then checks what the
// specification cannot:
//
//   - every bind-mounted file or directory and every build context / Dockerfile exists inside the
//     repository, bind mounts are read-only, each Dockerfile has a .dockerignore, and a service's
//     `org.oauth-otel.workspace` label names a directory with a package.json;
//   - every published port is bound to 127.0.0.1 with an explicit host port, no two services
//     publish the same host port, no service uses the host network, the -never-published services
//     (Loki) publish nothing and the -internal-only services join only internal networks;
//   - every image has an explicit tag naming one release, MAJOR.MINOR.PATCH with an optional
//     variant (`3.7.8`, `v3.13.0`, `2.4.68-alpine`): never `latest` nor a moving line tag such as
//     `2.4-alpine`, which pulls a different server whenever upstream releases;
//   - each -required variable is really required: the file does not load when it is unset or
//     empty, and Grafana's admin password is the value from the environment (never admin);
//   - the collector image tag equals the contrib version of stack/collector/manifest.yaml, the
//     collector that CI builds and tests (skipped, with a note, while that file does not exist);
//   - the prom/prometheus and prom/alertmanager image tags equal PROMETHEUS3_VERSION and
//     ALERTMANAGER_VERSION of scripts/backends/lib.sh, the releases CI builds and tests.
//
// Usage:
//
//	compose-check [-C DIR] [-f docker-compose.yml] [-env-file FILE]... [-env K=V]... [-json OUT]
//
// -json writes {"problems": [...], "notes": [...], "project": <the resolved project>} to OUT so
// that other checks (stack/test/compose.test.ts) can use the mounts exactly as loaded.
// Exit status: 0 when there is no problem, 1 when there are problems, 2 on usage errors.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// Problem is one failed check.
type Problem struct {
	Check   string `json:"check"`
	Service string `json:"service,omitempty"`
	Message string `json:"message"`
}

type report struct {
	Problems []Problem      `json:"problems"`
	Notes    []string       `json:"notes"`
	Project  *types.Project `json:"project,omitempty"`
}

func (r *report) fail(check, service, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Check: check, Service: service, Message: fmt.Sprintf(format, args...)})
}

func (r *report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

type config struct {
	root            string
	composeFile     string
	env             map[string]string
	required        []string
	neverPublished  []string
	internalOnly    []string
	loopbackOnly    string
	collectorSvc    string
	collectorImage  string
	manifest        string
	backendPins     string
	grafanaSvc      string
	workspaceLabel  string
	grafanaPassword string
}

func main() {
	var (
		root, file, jsonOut, required, neverPublished, internalOnly, manifest, pins string
		envFiles, envs                                                       listFlag
	)
	flag.StringVar(&root, "C", "", "repository root (default: the compose file's directory)")
	flag.StringVar(&file, "f", "docker-compose.yml", "compose file, relative to -C")
	flag.Var(&envFiles, "env-file", "env file for interpolation (repeatable, loaded in order)")
	flag.Var(&envs, "env", "KEY=VALUE for interpolation, applied after the env files (repeatable)")
	flag.StringVar(&required, "required", "GF_SECURITY_ADMIN_PASSWORD,PROMETHEUS_WEB_PASSWORD,METRICS_TOKEN,ALERT_PAGE_WEBHOOK_URL,ALERT_TICKET_WEBHOOK_URL,OAUTH_RUNBOOK_URL",
		"variables the compose file must refuse to load without (comma-separated)")
	flag.StringVar(&neverPublished, "never-published", "loki", "services that must publish no port (comma-separated)")
	flag.StringVar(&internalOnly, "internal-only", "loki", "services that may join only internal networks (comma-separated)")
	flag.StringVar(&manifest, "collector-manifest", "stack/collector/manifest.yaml", "ocb manifest, relative to -C")
	flag.StringVar(&pins, "backend-pins", "scripts/backends/lib.sh", "shell file pinning the CI builds of Prometheus and Alertmanager, relative to -C")
	flag.StringVar(&jsonOut, "json", "", "write the report and the resolved project as JSON to this file")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "compose-check: unexpected arguments:", flag.Args())
		os.Exit(2)
	}

	if root == "" {
		root = filepath.Dir(file)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		fatal(err)
	}
	if absRoot, err = filepath.EvalSymlinks(absRoot); err != nil {
		fatal(err)
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(absRoot, file)
	}

	env := map[string]string{}
	for _, f := range envFiles {
		if !filepath.IsAbs(f) {
			f = filepath.Join(absRoot, f)
		}
		m, err := dotenv.GetEnvFromFile(env, []string{f})
		if err != nil {
			fatal(fmt.Errorf("env file %s: %w", f, err))
		}
		for k, v := range m {
			env[k] = v
		}
	}
	for _, kv := range envs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			fmt.Fprintf(os.Stderr, "compose-check: -env wants KEY=VALUE, got %q\n", kv)
			os.Exit(2)
		}
		env[k] = v
	}

	cfg := config{
		root:           absRoot,
		composeFile:    file,
		env:            env,
		required:       splitList(required),
		neverPublished: splitList(neverPublished),
		internalOnly:   splitList(internalOnly),
		loopbackOnly:   "127.0.0.1",
		collectorSvc:   "otel-collector",
		collectorImage: "otel/opentelemetry-collector-contrib",
		manifest:       manifest,
		backendPins:    pins,
		grafanaSvc:     "grafana",
		workspaceLabel: "org.oauth-otel.workspace",
	}
	rep := run(cfg)

	if jsonOut != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			fatal(err)
		}
		if err := os.WriteFile(jsonOut, append(data, '\n'), 0o644); err != nil {
			fatal(err)
		}
	}
	for _, n := range rep.Notes {
		fmt.Printf("note %s\n", n)
	}
	if len(rep.Problems) == 0 {
		fmt.Printf("ok   %s: %d services, all checks passed\n", rel(absRoot, file), serviceCount(rep.Project))
		return
	}
	fmt.Printf("FAIL %s: %d problem(s)\n", rel(absRoot, file), len(rep.Problems))
	for _, p := range rep.Problems {
		where := p.Check
		if p.Service != "" {
			where += " " + p.Service
		}
		fmt.Printf("     - [%s] %s\n", where, p.Message)
	}
	os.Exit(1)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "compose-check:", err)
	os.Exit(2)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func serviceCount(p *types.Project) int {
	if p == nil {
		return 0
	}
	return len(p.Services)
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// load runs the Compose Specification loader: schema validation, interpolation with env only,
// normalization, path resolution and the consistency checks.
func load(cfg config, env map[string]string) (*types.Project, error) {
	kv := make([]string, 0, len(env))
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{cfg.composeFile},
		cli.WithWorkingDirectory(cfg.root),
		cli.WithEnv(kv),
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

func run(cfg config) *report {
	rep := &report{Problems: []Problem{}, Notes: []string{}}

	raw, err := os.ReadFile(cfg.composeFile)
	if err != nil {
		rep.fail("load", "", "%v", err)
		return rep
	}
	var top map[string]any
	if err := yaml.Unmarshal(raw, &top); err != nil {
		rep.fail("load", "", "YAML: %v", err)
		return rep
	}
	if _, ok := top["version"]; ok {
		rep.fail("spec", "", "top-level `version:` is obsolete in the Compose Specification; remove it")
	}

	project, err := load(cfg, cfg.env)
	if err != nil {
		rep.fail("load", "", "compose-go loader: %v", err)
		return rep
	}
	rep.Project = project
	rep.note("loaded with compose-go: schema, interpolation, normalization and consistency checks passed")

	names := make([]string, 0, len(project.Services))
	for name := range project.Services {
		names = append(names, name)
	}
	sort.Strings(names)

	checkRequiredVariables(cfg, rep)
	checkImages(project, names, rep)
	checkMounts(cfg, project, names, rep)
	checkBuilds(cfg, project, names, rep)
	checkPorts(cfg, project, names, rep)
	checkNetworks(cfg, project, names, rep)
	checkGrafana(cfg, project, rep)
	checkCollectorVersion(cfg, project, rep)
	checkBackendPins(cfg, project, rep)
	return rep
}

// checkRequiredVariables proves that each required variable is enforced by the file itself
// (`${VAR:?message}`): loading fails when the variable is unset and when it is empty.
func checkRequiredVariables(cfg config, rep *report) {
	for _, name := range cfg.required {
		if _, ok := cfg.env[name]; !ok {
			rep.fail("required-env", "", "%s is not in the test environment (give it with -env or an env file)", name)
			continue
		}
		for _, variant := range []struct {
			label string
			set   bool
		}{{"unset", false}, {"empty", true}} {
			env := map[string]string{}
			for k, v := range cfg.env {
				if k != name {
					env[k] = v
				}
			}
			if variant.set {
				env[name] = ""
			}
			_, err := load(cfg, env)
			if err == nil {
				rep.fail("required-env", "", "the file still loads with %s %s: use ${%s:?message}", name, variant.label, name)
			} else if !strings.Contains(err.Error(), name) {
				rep.fail("required-env", "", "with %s %s the load failed for another reason: %v", name, variant.label, err)
			}
		}
	}
}

var tagged = regexp.MustCompile(`^[^@]+:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$`)

// One release: MAJOR.MINOR.PATCH (optional v), then an optional -variant (alpine, security-01).
var releaseTag = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[A-Za-z0-9][A-Za-z0-9_.-]*)?$`)

func checkImages(p *types.Project, names []string, rep *report) {
	for _, name := range names {
		s := p.Services[name]
		if s.Image == "" {
			if s.Build == nil {
				rep.fail("image", name, "neither image nor build")
			}
			continue
		}
		if strings.Contains(s.Image, "@sha256:") {
			continue
		}
		// The last path segment carries the tag (a registry host may have a port).
		last := s.Image[strings.LastIndex(s.Image, "/")+1:]
		m := tagged.FindStringSubmatch(last)
		if m == nil {
			rep.fail("image", name, "image %q has no explicit tag", s.Image)
		} else if m[1] == "latest" {
			rep.fail("image", name, "image %q uses the floating tag latest", s.Image)
		} else if !releaseTag.MatchString(m[1]) {
			rep.fail("image", name, "image %q has a moving tag: pin one release (MAJOR.MINOR.PATCH[-variant])", s.Image)
		}
	}
}

// inside reports whether path (absolute) is root or below it, after resolving symlinks.
func inside(root, path string) bool {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	r, err := filepath.Rel(root, path)
	return err == nil && r != ".." && !strings.HasPrefix(r, "../")
}

func checkMounts(cfg config, p *types.Project, names []string, rep *report) {
	for _, name := range names {
		s := p.Services[name]
		for _, v := range s.Volumes {
			switch v.Type {
			case types.VolumeTypeBind:
				if !filepath.IsAbs(v.Source) {
					rep.fail("mount", name, "bind source %q is not a path", v.Source)
					continue
				}
				if !inside(cfg.root, v.Source) {
					rep.fail("mount", name, "bind source %s is outside the repository", v.Source)
					continue
				}
				if _, err := os.Stat(v.Source); err != nil {
					rep.fail("mount", name, "bind source %s (-> %s) does not exist", rel(cfg.root, v.Source), v.Target)
				}
				if !v.ReadOnly {
					rep.fail("mount", name, "bind mount %s -> %s is writable; mount repository files read_only", rel(cfg.root, v.Source), v.Target)
				}
				if v.Bind != nil && v.Bind.CreateHostPath {
					// Docker would create a missing source as an empty directory instead of failing.
					rep.note("%s: bind %s has create_host_path", name, rel(cfg.root, v.Source))
				}
			case types.VolumeTypeVolume:
				if v.Source == "" {
					rep.fail("mount", name, "anonymous volume at %s: use a named volume", v.Target)
				}
			}
		}
		for _, sec := range s.Secrets {
			def, ok := p.Secrets[sec.Source]
			if !ok {
				continue // the loader's consistency check reports it
			}
			if def.File != "" {
				if _, err := os.Stat(def.File); err != nil {
					rep.fail("secret", name, "secret %s file %s does not exist", sec.Source, def.File)
				}
			}
		}
	}
}

func checkBuilds(cfg config, p *types.Project, names []string, rep *report) {
	for _, name := range names {
		s := p.Services[name]
		if s.Build != nil {
			ctx := s.Build.Context
			if !filepath.IsAbs(ctx) || !inside(cfg.root, ctx) {
				rep.fail("build", name, "build context %q is not inside the repository", ctx)
			} else if st, err := os.Stat(ctx); err != nil || !st.IsDir() {
				rep.fail("build", name, "build context %s does not exist", rel(cfg.root, ctx))
			}
			if s.Build.DockerfileInline == "" {
				df := s.Build.Dockerfile
				if df == "" {
					df = "Dockerfile"
				}
				if !filepath.IsAbs(df) {
					df = filepath.Join(ctx, df)
				}
				if _, err := os.Stat(df); err != nil {
					rep.fail("build", name, "Dockerfile %s does not exist", rel(cfg.root, df))
				} else {
					_, e1 := os.Stat(df + ".dockerignore")
					_, e2 := os.Stat(filepath.Join(ctx, ".dockerignore"))
					if e1 != nil && e2 != nil {
						rep.fail("build", name, "no %s.dockerignore and no .dockerignore in the context: node_modules and .git would be sent", rel(cfg.root, df))
					}
				}
			}
		}
		if ws, ok := s.Labels[cfg.workspaceLabel]; ok {
			dir := filepath.Join(cfg.root, ws)
			if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
				rep.fail("workspace", name, "label %s=%s: %s/package.json does not exist", cfg.workspaceLabel, ws, ws)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func checkPorts(cfg config, p *types.Project, names []string, rep *report) {
	seen := map[string]string{} // "published/protocol" -> service
	for _, name := range names {
		s := p.Services[name]
		if s.NetworkMode == "host" {
			rep.fail("ports", name, "network_mode: host publishes every port on every interface")
		}
		if contains(cfg.neverPublished, name) && len(s.Ports) > 0 {
			rep.fail("ports", name, "must not publish any port, publishes %d", len(s.Ports))
		}
		for _, port := range s.Ports {
			desc := fmt.Sprintf("%s:%s->%d/%s", port.HostIP, port.Published, port.Target, port.Protocol)
			if port.HostIP != cfg.loopbackOnly {
				rep.fail("ports", name, "port %s is not bound to %s", desc, cfg.loopbackOnly)
			}
			if port.Published == "" {
				rep.fail("ports", name, "port %s has no explicit host port", desc)
				continue
			}
			if strings.Contains(port.Published, "-") {
				rep.fail("ports", name, "port %s publishes a range", desc)
			}
			key := port.Published + "/" + port.Protocol
			if other, dup := seen[key]; dup {
				rep.fail("ports", name, "host port %s is also published by %s", key, other)
			} else {
				seen[key] = name
			}
		}
	}
}

func checkNetworks(cfg config, p *types.Project, names []string, rep *report) {
	for _, name := range cfg.internalOnly {
		s, ok := p.Services[name]
		if !ok {
			rep.fail("networks", name, "service does not exist")
			continue
		}
		if len(s.Networks) == 0 {
			rep.fail("networks", name, "joins the default network, which is not internal")
		}
		for net := range s.Networks {
			def, ok := p.Networks[net]
			if !ok || !def.Internal {
				rep.fail("networks", name, "joins network %s, which is not internal", net)
			}
		}
	}
}

func checkGrafana(cfg config, p *types.Project, rep *report) {
	s, ok := p.Services[cfg.grafanaSvc]
	if !ok {
		rep.fail("grafana", cfg.grafanaSvc, "service does not exist")
		return
	}
	get := func(k string) (string, bool) {
		v, ok := s.Environment[k]
		if !ok || v == nil {
			return "", false
		}
		return *v, true
	}
	pw, ok := get("GF_SECURITY_ADMIN_PASSWORD")
	want, given := cfg.env["GF_SECURITY_ADMIN_PASSWORD"]
	switch {
	case !ok:
		rep.fail("grafana", cfg.grafanaSvc, "GF_SECURITY_ADMIN_PASSWORD is not set: Grafana would start with admin/admin")
	case !given:
		rep.fail("grafana", cfg.grafanaSvc, "GF_SECURITY_ADMIN_PASSWORD is not in the test environment")
	case pw != want:
		rep.fail("grafana", cfg.grafanaSvc, "GF_SECURITY_ADMIN_PASSWORD is not taken from the environment")
	case strings.EqualFold(pw, "admin"):
		rep.fail("grafana", cfg.grafanaSvc, "admin password is admin")
	}
	if v, _ := get("GF_AUTH_ANONYMOUS_ENABLED"); strings.EqualFold(v, "true") {
		rep.fail("grafana", cfg.grafanaSvc, "anonymous access is enabled")
	}
	if len(s.EnvFiles) > 0 {
		rep.note("grafana: env_file entries are not checked")
	}
}

// collectorVersion returns the contrib version the manifest pins (all contrib modules must agree),
// else the core (v0.x) version of go.opentelemetry.io/collector modules.
func collectorVersion(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return "", err
	}
	contrib, core := map[string]bool{}, map[string]bool{}
	for _, section := range []string{"receivers", "processors", "exporters", "extensions", "connectors"} {
		list, _ := m[section].([]any)
		for _, item := range list {
			entry, _ := item.(map[string]any)
			gomod, _ := entry["gomod"].(string)
			fields := strings.Fields(gomod)
			if len(fields) != 2 {
				continue
			}
			mod, ver := fields[0], strings.TrimPrefix(fields[1], "v")
			switch {
			case strings.HasPrefix(mod, "github.com/open-telemetry/opentelemetry-collector-contrib/"):
				contrib[ver] = true
			case strings.HasPrefix(mod, "go.opentelemetry.io/collector/") && strings.HasPrefix(ver, "0."):
				core[ver] = true
			}
		}
	}
	pick := func(set map[string]bool, what string) (string, error) {
		if len(set) > 1 {
			vs := make([]string, 0, len(set))
			for v := range set {
				vs = append(vs, v)
			}
			sort.Strings(vs)
			return "", fmt.Errorf("the manifest mixes %s versions %v", what, vs)
		}
		for v := range set {
			return v, nil
		}
		return "", nil
	}
	if v, err := pick(contrib, "contrib"); err != nil || v != "" {
		return v, err
	}
	v, err := pick(core, "core")
	if err == nil && v == "" {
		err = fmt.Errorf("no collector component versions found")
	}
	return v, err
}

func checkCollectorVersion(cfg config, p *types.Project, rep *report) {
	s, ok := p.Services[cfg.collectorSvc]
	if !ok {
		rep.fail("collector", cfg.collectorSvc, "service does not exist")
		return
	}
	repo, tag, _ := strings.Cut(s.Image, ":")
	if repo != cfg.collectorImage {
		rep.fail("collector", cfg.collectorSvc, "image %q is not %s", s.Image, cfg.collectorImage)
	}
	path := filepath.Join(cfg.root, cfg.manifest)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		rep.note("collector: %s does not exist yet; image tag %s not compared", cfg.manifest, tag)
		return
	}
	want, err := collectorVersion(path)
	if err != nil {
		rep.fail("collector", cfg.collectorSvc, "%s: %v", cfg.manifest, err)
		return
	}
	if tag != want {
		rep.fail("collector", cfg.collectorSvc, "image tag %s differs from %s (%s)", tag, cfg.manifest, want)
		return
	}
	rep.note("collector: image tag %s equals the version in %s", tag, cfg.manifest)
}

// pinnedImages: image repository -> the variable of cfg.backendPins that holds the release CI builds
// (the tag is "v" + that version).
var pinnedImages = map[string]string{
	"prom/prometheus":   "PROMETHEUS3_VERSION",
	"prom/alertmanager": "ALERTMANAGER_VERSION",
}

// checkBackendPins fails when a prom/* image of the compose file is not the release CI builds from
// source (scripts/backends/lib.sh), or when a release is pinned there but no service runs it.
func checkBackendPins(cfg config, p *types.Project, rep *report) {
	path := filepath.Join(cfg.root, cfg.backendPins)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		rep.note("backend pins: %s does not exist; prom/* image tags not compared", cfg.backendPins)
		return
	} else if err != nil {
		rep.fail("pins", "", "%s: %v", cfg.backendPins, err)
		return
	}
	pinned := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Z0-9_]+)="?([0-9A-Za-z.+-]+)"?\s*$`).FindAllStringSubmatch(string(data), -1) {
		pinned[m[1]] = m[2]
	}
	names := make([]string, 0, len(p.Services))
	for name := range p.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for _, name := range names {
		repo, tag, _ := strings.Cut(p.Services[name].Image, ":")
		variable, ok := pinnedImages[repo]
		if !ok {
			continue
		}
		seen[repo] = true
		want, ok := pinned[variable]
		if !ok {
			rep.fail("pins", name, "%s sets no %s for image %s", cfg.backendPins, variable, repo)
			continue
		}
		if tag != "v"+want {
			rep.fail("pins", name, "image tag %s differs from %s=%s in %s (the release CI builds and tests)", tag, variable, want, cfg.backendPins)
			continue
		}
		rep.note("pins: %s tag %s equals %s in %s", repo, tag, variable, cfg.backendPins)
	}
	repos := make([]string, 0, len(pinnedImages))
	for repo := range pinnedImages {
		repos = append(repos, repo)
	}
	sort.Strings(repos)
	for _, repo := range repos {
		if v, ok := pinned[pinnedImages[repo]]; ok && !seen[repo] {
			rep.fail("pins", "", "%s pins %s=%s but no service runs image %s", cfg.backendPins, pinnedImages[repo], v, repo)
		}
	}
}
