#!/usr/bin/env bash
# Checks mailtap's ops files; CI runs it. Needs promtool (Debian: prometheus), amtool (Debian:
# prometheus-alertmanager) and jq. Runs every check, prints each, exits 1 if any failed.
#   prometheus/mailtap-rules.yml        promtool check rules
#   prometheus/mailtap-rules.test.yml   promtool test rules (every alert firing and not firing)
#   prometheus/prometheus.example.yml   promtool check config (also loads the rule file)
#   alertmanager/example.yml            amtool check-config, and routing: critical -> pager, warning -> chat,
#                                       grouping and inhibition within a site (a real Alertmanager:
#                                       SiteInhibitionTest, mvn test)
#   grafana/mailtap-dashboard.json      well-formed JSON, dashboard structure, every expr parses as PromQL
# Metric names against METRICS-CONTRACT.md: OpsFilesTest (mvn test).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

failed=0
checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # check "what" command...
    local what=$1
    shift
    checks=$((checks + 1))
    echo "--- $what"
    if "$@" >"$tmp/out" 2>&1; then
        sed 's/^/    /' "$tmp/out"
        echo "    ok"
    else
        sed 's/^/    /' "$tmp/out"
        echo "    FAILED: $what"
        failed=$((failed + 1))
    fi
}

for tool in promtool amtool jq; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "FAILED: $tool not found (apt-get install prometheus prometheus-alertmanager jq)"
        exit 1
    fi
done
echo "promtool: $(promtool --version 2>&1 | head -n 1)"
echo "amtool:   $(amtool --version 2>&1 | head -n 1)"

check "promtool check rules prometheus/mailtap-rules.yml" \
    promtool check rules prometheus/mailtap-rules.yml
check "promtool test rules prometheus/mailtap-rules.test.yml" \
    promtool test rules prometheus/mailtap-rules.test.yml
check "promtool check config prometheus/prometheus.example.yml" \
    promtool check config prometheus/prometheus.example.yml

check "amtool check-config alertmanager/example.yml" \
    amtool check-config alertmanager/example.yml
route() { # route RECEIVER LABEL=VALUE...
    local want=$1
    shift
    amtool config routes test --config.file=alertmanager/example.yml --verify.receivers="$want" "$@"
}
check "alertmanager route: severity=critical -> pager" \
    route pager alertname=MailtapDetectEgressPolicy severity=critical src_ip=198.18.10.5
check "alertmanager route: severity=warning -> chat" \
    route chat alertname=MailtapCaptureDrops severity=warning instance=127.0.0.1:9725
check "alertmanager route: a sensor's own alert at a site -> pager" \
    route pager alertname=MailtapDetectEgressPolicy severity=critical sensor=edge-1 site=fra1 src_ip=10.0.0.5
check "alertmanager groups and inhibits within a site (group_by and every inhibit rule's equal have site)" \
    bash -c 'grep -q "^  group_by: \[site," alertmanager/example.yml \
        && [ "$(grep -c "equal: \[site," alertmanager/example.yml)" = "$(grep -c "equal:" alertmanager/example.yml)" ]'

dash=grafana/mailtap-dashboard.json
check "$dash is well-formed JSON" jq empty "$dash"
check "$dash structure: schemaVersion, \${DS_PROMETHEUS} input and variable, every panel queries it, unique ids" \
    jq -e '
      (.schemaVersion >= 36)
      and ([.__inputs[]? | select(.name == "DS_PROMETHEUS" and .type == "datasource")] | length == 1)
      and ([.templating.list[] | select(.name == "DS_PROMETHEUS" and .type == "datasource")] | length == 1)
      and ([.panels[] | select(.type != "row")] | length > 0)
      and all(.panels[] | select(.type != "row");
              .datasource.uid == "${DS_PROMETHEUS}" and (.targets | length > 0)
              and all(.targets[]; .datasource.uid == "${DS_PROMETHEUS}" and (.expr | length > 0)))
      and ([.panels[].id] | length == (unique | length))
    ' "$dash"
# promtool parses PromQL in rule files: wrap every panel expr as a recording rule (Grafana's
# $__rate_interval / $__interval / $instance replaced by plain values). JSON is valid YAML.
dashboard_exprs() {
    jq -e '{groups: [{name: "dashboard-exprs", rules: ([.. | objects | select(has("expr")) | .expr
          | gsub("\\$__rate_interval"; "5m") | gsub("\\$__interval"; "1m") | gsub("\\$instance"; ".*")]
          | to_entries | map({record: "dashboard:expr_\(.key)", expr: .value}))}]}
          | if (.groups[0].rules | length) > 0 then . else error("no expr in the dashboard") end' \
        "$dash" >"$tmp/dashboard-exprs.yml" || return 1
    echo "$(jq '.groups[0].rules | length' "$tmp/dashboard-exprs.yml") panel exprs"
    promtool check rules "$tmp/dashboard-exprs.yml"
}
check "$dash: every expr parses as PromQL" dashboard_exprs

echo
if [ "$failed" -ne 0 ]; then
    echo "ops/check.sh: $failed of $checks checks FAILED"
    exit 1
fi
echo "ops/check.sh: all $checks checks passed"
