/**
 * What the registry has done since it started, in Prometheus's text format at `/metrics`:
 * requests by method, kind of path and status, bytes sent, and how long answers took.
 */
export interface RegistryMetrics {
  record(method: string, path: string, status: number, bytes: number, seconds: number): void;
  /** The text a scraper reads. */
  render(): string;
}

const BUCKETS = [0.005, 0.025, 0.1, 0.5, 2.5, 10, 60];

/** The kind of API path, so that metrics stay few (not one series per repository). */
export function pathKind(path: string): string {
  if (path === "/v2/" || path === "/v2") return "ping";
  if (path === "/v2/_catalog") return "catalog";
  if (/\/blobs\/uploads(\/|$)/.test(path)) return "upload";
  if (/\/manifests\/[^/]+$/.test(path)) return "manifest";
  if (/\/blobs\/[^/]+$/.test(path)) return "blob";
  if (/\/tags\/list$/.test(path)) return "tags";
  return "other";
}

export function createRegistryMetrics(): RegistryMetrics {
  const requests = new Map<string, number>();
  const bytes = new Map<string, number>();
  const durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const started = Date.now() / 1000;
  return {
    record(method, path, status, sent, seconds) {
      const kind = pathKind(path);
      const key = `method="${method}",kind="${kind}",status="${status}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      bytes.set(`kind="${kind}"`, (bytes.get(`kind="${kind}"`) ?? 0) + sent);
      const duration = durations.get(`kind="${kind}"`) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      BUCKETS.forEach((limit, index) => {
        if (seconds <= limit) duration.buckets[index]! += 1;
      });
      duration.sum += seconds;
      duration.count += 1;
      durations.set(`kind="${kind}"`, duration);
    },
    render() {
      const lines = [
        "# HELP lade_registry_requests_total Requests answered, by method, kind of path and status.",
        "# TYPE lade_registry_requests_total counter",
        ...[...requests].sort().map(([labels, count]) => `lade_registry_requests_total{${labels}} ${count}`),
        "# HELP lade_registry_sent_bytes_total Bytes of response bodies sent, by kind of path.",
        "# TYPE lade_registry_sent_bytes_total counter",
        ...[...bytes].sort().map(([labels, count]) => `lade_registry_sent_bytes_total{${labels}} ${count}`),
        "# HELP lade_registry_request_seconds How long answers took, by kind of path.",
        "# TYPE lade_registry_request_seconds histogram",
        ...[...durations].sort().flatMap(([labels, duration]) => [
          ...BUCKETS.map((limit, index) => `lade_registry_request_seconds_bucket{${labels},le="${limit}"} ${duration.buckets[index]}`),
          `lade_registry_request_seconds_bucket{${labels},le="+Inf"} ${duration.count}`,
          `lade_registry_request_seconds_sum{${labels}} ${duration.sum.toFixed(6)}`,
          `lade_registry_request_seconds_count{${labels}} ${duration.count}`,
        ]),
        "# HELP lade_registry_start_time_seconds When the registry started (Unix time).",
        "# TYPE lade_registry_start_time_seconds gauge",
        `lade_registry_start_time_seconds ${started.toFixed(3)}`,
      ];
      return `${lines.join("\n")}\n`;
    },
  };
}
