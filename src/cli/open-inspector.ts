import type { RunningInspector } from '../inspect/index.js';
import type { CliOptions } from './cli-options.js';
import type { StatusOutput } from './status-output.js';

/** Starts the inspector --inspect asked for, and says where to watch it. */
export async function openInspector(
  inspect: NonNullable<CliOptions['inspect']>,
  output: StatusOutput,
): Promise<RunningInspector> {
  // Loaded only when asked for: a run without --inspect has no use for it.
  const { startInspector } = await import('../inspect/index.js');
  const inspector = await startInspector({
    ...(inspect.url === undefined ? {} : { url: inspect.url }),
    ...(inspect.port === undefined ? {} : { port: inspect.port }),
  });
  output.record({ type: 'inspector', endpoint: inspector.endpoint, page: inspector.page ?? null });
  output.line(
    inspector.page
      ? `inspector: open ${inspector.page} in a browser (it embeds https://stately.ai/inspect)`
      : `inspector: streaming to ${inspector.endpoint}`,
  );
  return inspector;
}
