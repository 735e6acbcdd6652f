/** MongoDB's duplicate-key error (E11000): a unique index refused a second row. */
export const isDuplicateKey = (err: unknown): boolean =>
  (err as { code?: number } | null)?.code === 11000;
