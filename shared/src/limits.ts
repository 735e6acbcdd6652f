/** Limits shared by server validation and client forms. */
export const LIMITS = {
  nameMax: 100,
  emailMax: 254,
  passwordMin: 12,
  // argon2 cost grows with input; a bound keeps hashing from being a denial-of-service lever.
  passwordMax: 256,
  /** JSON body size accepted by the HTTP API. */
  jsonBodyBytes: 100 * 1024,
} as const;
