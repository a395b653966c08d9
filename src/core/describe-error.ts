/**
 * Text for anything that was thrown. Must never throw itself: a thrown value
 * may be an object without a prototype, or one whose toString throws.
 */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    const nested = (error as { error?: unknown } | null)?.error;
    if (nested instanceof Error) return nested.message;
    const message = (error as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message;
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
