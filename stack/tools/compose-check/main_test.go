package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A small stack with the same shape as the real docker-compose.yml; each case below breaks one rule.
const baseCompose = `
name: t
services:
  otel-collector:
    image: otel/opentelemetry-collector-contrib:0.161.0
    volumes:
      - ./otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro
    ports:
      - "127.0.0.1:4318:4318"
    networks: [telemetry, edge]
  loki:
    image: grafana/loki:3.7.8
    volumes:
      - ./loki.yaml:/etc/loki/config.yaml:ro
      - loki-data:/loki
    networks: [telemetry]
  grafana:
    image: grafana/grafana:12.4.3
    environment:
      GF_SECURITY_ADMIN_PASSWORD: ${GF_SECURITY_ADMIN_PASSWORD:?set it}
      GF_AUTH_ANONYMOUS_ENABLED: "false"
      TOKEN: ${METRICS_TOKEN:?set it}
    ports:
      - "127.0.0.1:3030:3000"
    networks: [telemetry, edge]
  prometheus:
    image: prom/prometheus:v3.13.5
    networks: [telemetry]
  alertmanager:
    image: prom/alertmanager:v0.35.0
    networks: [telemetry]
  app:
    build:
      context: .
      dockerfile: app.Dockerfile
    labels:
      org.oauth-otel.workspace: examples/app
    ports:
      - "127.0.0.1:3000:3000"
    networks: [telemetry, edge]
volumes:
  loki-data: {}
networks:
  telemetry:
    internal: true
  edge: {}
`

const manifest = `
dist:
  version: 0.161.0-x
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.161.0
processors:
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor v0.161.0
`

const pins = `
# Pinned versions
PROMETHEUS3_VERSION="3.13.5"
ALERTMANAGER_VERSION="0.35.0"
`

func fixture(t *testing.T, compose string, extra map[string]string) config {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"docker-compose.yml":            compose,
		"otel-collector.yaml":           "receivers: {}\n",
		"loki.yaml":                     "auth_enabled: true\n",
		"app.Dockerfile":                "FROM scratch\n",
		"app.Dockerfile.dockerignore":   "**/node_modules\n",
		"examples/app/package.json":     "{}\n",
		"stack/collector/manifest.yaml": manifest,
		"scripts/backends/lib.sh":       pins,
	}
	for k, v := range extra {
		files[k] = v
	}
	for name, content := range files {
		if content == "<delete>" {
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	return config{
		root:           root,
		composeFile:    filepath.Join(root, "docker-compose.yml"),
		env:            map[string]string{"GF_SECURITY_ADMIN_PASSWORD": "s3cret-for-tests", "METRICS_TOKEN": "tok-for-tests"},
		required:       []string{"GF_SECURITY_ADMIN_PASSWORD", "METRICS_TOKEN"},
		neverPublished: []string{"loki"},
		internalOnly:   []string{"loki"},
		loopbackOnly:   "127.0.0.1",
		collectorSvc:   "otel-collector",
		collectorImage: "otel/opentelemetry-collector-contrib",
		manifest:       "stack/collector/manifest.yaml",
		backendPins:    "scripts/backends/lib.sh",
		grafanaSvc:     "grafana",
		workspaceLabel: "org.oauth-otel.workspace",
	}
}

func problems(rep *report) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		b.WriteString("[" + p.Check + " " + p.Service + "] " + p.Message + "\n")
	}
	return b.String()
}

func TestBaseIsClean(t *testing.T) {
	rep := run(fixture(t, baseCompose, nil))
	if len(rep.Problems) != 0 {
		t.Fatalf("unexpected problems:\n%s", problems(rep))
	}
}

func TestEachRuleFails(t *testing.T) {
	cases := []struct {
		name    string
		replace [2]string
		extra   map[string]string
		want    string // substring of one problem line
	}{
		{"version key", [2]string{"name: t\n", "version: \"3.9\"\nname: t\n"}, nil, "[spec ] top-level `version:`"},
		{"schema", [2]string{"    image: grafana/loki:3.7.8\n", "    image: grafana/loki:3.7.8\n    no_such_key: 1\n"}, nil, "[load ] compose-go loader"},
		{"all interfaces", [2]string{`"127.0.0.1:3030:3000"`, `"3030:3000"`}, nil, "[ports grafana] port"},
		{"0.0.0.0", [2]string{`"127.0.0.1:3030:3000"`, `"0.0.0.0:3030:3000"`}, nil, "is not bound to 127.0.0.1"},
		{"duplicate host port", [2]string{`"127.0.0.1:3030:3000"`, `"127.0.0.1:3000:3000"`}, nil, "is also published by"},
		{"loki published", [2]string{"    networks: [telemetry]\n", "    ports: [\"127.0.0.1:3100:3100\"]\n    networks: [telemetry]\n"}, nil, "[ports loki] must not publish"},
		{"loki on edge", [2]string{"    networks: [telemetry]\n", "    networks: [telemetry, edge]\n"}, nil, "[networks loki] joins network edge"},
		{"host network", [2]string{"    networks: [telemetry]\n", "    network_mode: host\n"}, nil, "network_mode: host"},
		{"missing bind source", nil2(), map[string]string{"loki.yaml": "<delete>"}, "[mount loki] bind source loki.yaml"},
		{"writable bind", [2]string{"config.yaml:ro", "config.yaml"}, nil, "is writable"},
		{"bind outside repo", [2]string{"./loki.yaml:/etc", "/etc/hostname:/etc"}, nil, "outside the repository"},
		{"missing dockerfile", nil2(), map[string]string{"app.Dockerfile": "<delete>", "app.Dockerfile.dockerignore": "<delete>"}, "Dockerfile app.Dockerfile does not exist"},
		{"no dockerignore", nil2(), map[string]string{"app.Dockerfile.dockerignore": "<delete>"}, "dockerignore"},
		{"missing workspace", nil2(), map[string]string{"examples/app/package.json": "<delete>"}, "[workspace app]"},
		{"latest tag", [2]string{"grafana/grafana:12.4.3", "grafana/grafana:latest"}, nil, "floating tag latest"},
		{"no tag", [2]string{"grafana/grafana:12.4.3", "grafana/grafana"}, nil, "has no explicit tag"},
		{"moving line tag", [2]string{"grafana/grafana:12.4.3", "grafana/grafana:12.4"}, nil, "has a moving tag"},
		{"moving variant tag", [2]string{"grafana/grafana:12.4.3", "grafana/grafana:12.4-ubuntu"}, nil, "has a moving tag"},
		{"literal admin password", [2]string{"${GF_SECURITY_ADMIN_PASSWORD:?set it}", "admin"}, nil, "still loads with GF_SECURITY_ADMIN_PASSWORD unset"},
		{"defaulted password", [2]string{"${GF_SECURITY_ADMIN_PASSWORD:?set it}", "${GF_SECURITY_ADMIN_PASSWORD:-admin}"}, nil, "still loads with GF_SECURITY_ADMIN_PASSWORD"},
		{"required only when unset", [2]string{"${METRICS_TOKEN:?set it}", "${METRICS_TOKEN?set it}"}, nil, "still loads with METRICS_TOKEN empty"},
		{"no admin password", [2]string{"      GF_SECURITY_ADMIN_PASSWORD: ${GF_SECURITY_ADMIN_PASSWORD:?set it}\n", ""}, nil, "admin/admin"},
		{"anonymous", [2]string{`GF_AUTH_ANONYMOUS_ENABLED: "false"`, `GF_AUTH_ANONYMOUS_ENABLED: "true"`}, nil, "anonymous access"},
		{"collector version", [2]string{"opentelemetry-collector-contrib:0.161.0", "opentelemetry-collector-contrib:0.165.1"}, nil, "differs from stack/collector/manifest.yaml (0.161.0)"},
		{"prometheus version", [2]string{"prom/prometheus:v3.13.5", "prom/prometheus:v3.13.0"}, nil, "[pins prometheus] image tag v3.13.0 differs from PROMETHEUS3_VERSION=3.13.5"},
		{"alertmanager version", [2]string{"prom/alertmanager:v0.35.0", "prom/alertmanager:v0.34.0"}, nil, "[pins alertmanager] image tag v0.34.0 differs from ALERTMANAGER_VERSION=0.35.0"},
		{"pinned but not run", [2]string{"prom/alertmanager:v0.35.0", "quay.io/prometheus/alertmanager:v0.35.0"}, nil, "but no service runs image prom/alertmanager"},
		{"pin missing", nil2(), map[string]string{"scripts/backends/lib.sh": "PROMETHEUS3_VERSION=3.13.5\n"}, "sets no ALERTMANAGER_VERSION"},
		{"mixed manifest", nil2(), map[string]string{"stack/collector/manifest.yaml": manifest + "  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor v0.165.1\n"}, "mixes contrib versions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			compose := baseCompose
			if tc.replace[0] != "" {
				if !strings.Contains(compose, tc.replace[0]) {
					t.Fatalf("fixture has no %q", tc.replace[0])
				}
				compose = strings.Replace(compose, tc.replace[0], tc.replace[1], 1)
			}
			rep := run(fixture(t, compose, tc.extra))
			got := problems(rep)
			if !strings.Contains(got, tc.want) {
				t.Fatalf("want a problem containing %q, got:\n%s", tc.want, got)
			}
		})
	}
}

func nil2() [2]string { return [2]string{} }

func TestManifestMissingIsANote(t *testing.T) {
	rep := run(fixture(t, baseCompose, map[string]string{"stack/collector/manifest.yaml": "<delete>"}))
	if len(rep.Problems) != 0 {
		t.Fatalf("unexpected problems:\n%s", problems(rep))
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "does not exist yet") {
		t.Fatalf("no note about the missing manifest: %v", rep.Notes)
	}
}
