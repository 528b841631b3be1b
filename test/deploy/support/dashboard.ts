// The PromQL of the Grafana dashboard, with Grafana's variables replaced the way Grafana would, so that Prometheus
// (or promtool) can run each query.
import { readFileSync } from "node:fs";

export const DASHBOARD_PATH = "monitoring/grafana/tabula-dashboard.json";

type Panel = { title: string; type: string; targets?: { expr: string; refId: string }[]; panels?: Panel[] };

export type DashboardQuery = { panel: string; refId: string; expr: string };

export function dashboardQueries(variables: {
  job: string;
  instance: string;
  rateInterval: string;
}): DashboardQuery[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, "utf8")) as { panels: Panel[] };
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      panel: panel.title,
      refId: target.refId,
      expr: target.expr
        .replaceAll("$__rate_interval", variables.rateInterval)
        .replaceAll("$job", variables.job)
        .replaceAll("$instance", variables.instance),
    })),
  );
}
