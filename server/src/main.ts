import path from 'node:path';
import { ConfigError, parseConfig } from './config.js';
import { createApp } from './app.js';
import { openConnection } from './db/connection.js';
import { describeEngine } from './db/engine.js';
import { startDatabase } from './db/embedded.js';
import { seedDemo } from './demo/seed.js';
import { loadDirectoryAtStart } from './directory/startup.js';
import { createLogger } from './logger.js';

/** The entry point: the only place that reads the environment, listens and handles signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(
    config.logLevel,
    config.env === 'development' && process.stdout.isTTY,
  );

  const database = await startDatabase({
    uri: config.mongodbUri,
    dataDir: path.join(config.dataDir, 'mongo'),
    engine: config.embedded.engine,
    download: config.embedded.download,
    logger,
  });
  logger.info({ engine: database.engine, durable: database.durable }, 'database selected');
  const db = await openConnection(database.uri, {
    dbName: config.mongodbUri ? undefined : 'escap',
  });
  logger.info(describeEngine(db), 'database engine');

  const app = await createApp({ config, db, logger, engine: database.engine });
  // The directory first: the demo accounts are checked against it like any sign-up.
  await loadDirectoryAtStart(app.services.directoryModels, config.directory, logger);
  if (config.demoData) await seedDemo(db, app.services, logger);

  app.httpServer.listen(config.port, config.host, () => {
    logger.info(`ESCAP is listening on http://localhost:${config.port}`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void app
      .close()
      .then(() => database.stop())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
