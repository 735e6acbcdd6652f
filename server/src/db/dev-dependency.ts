/**
 * Loads an embedded engine's package. Both are development dependencies: the production image
 * (`npm ci --omit=dev`) has neither and must be given MONGODB_URI, so their absence is
 * reported as that, not as a bare "module not found".
 */
export async function loadDevDependency<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(
        `${name} is not installed: the embedded databases are development dependencies ` +
          '(`npm ci`, not `npm ci --omit=dev`). Set MONGODB_URI to a real MongoDB instead.',
        { cause: err },
      );
    }
    throw err;
  }
}
