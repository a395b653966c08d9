/** The 64-byte message of the overhead benchmark. */
export const payload = 'x'.repeat(64);
