/** A chart that cannot be loaded: Chart.yaml missing, a broken archive, a bad subchart. */
export class ChartLoadError extends Error {
  override name = "ChartLoadError";
}
