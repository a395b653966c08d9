/** A table as printed on the terminal and written to docs/benchmarks.md. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

/** One goal of the benchmark issue, with what this run measured. */
export interface Goal {
  benchmark: string;
  goal: string;
  measured: string;
  met: boolean;
  /** What makes lifeline miss this goal, shown on the page when it does. */
  whyMissed?: string;
}

/** A chart: a vega-lite spec with its data inline, rendered to docs/img/<file>. */
export interface Chart {
  file: string;
  title: string;
  spec: Record<string, unknown>;
}

/** What one benchmark hands to the report. */
export interface BenchResult {
  name: string;
  title: string;
  /** What was measured and how, for the page. */
  method: string[];
  tables: Table[];
  goals: Goal[];
  charts: Chart[];
  /** Wall time of the benchmark, ms. */
  durationMs: number;
  /** Anything worth reading next to the tables. */
  findings?: string[];
}
