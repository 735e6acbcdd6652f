// @hocuspocus/server with library defaults (no persistence extension, debounce 2000/10000,
// flushDelay 0 = coalesce broadcasts per event-loop turn). Only port/address/quiet are set.
import { Server } from '@hocuspocus/server';

const server = new Server({
  port: Number(process.env.PORT || 1234),
  address: process.env.HOST || '127.0.0.1',
  quiet: true,
  // Optional override for experiments only: HP_FLUSH_DELAY=false|<ms> (library default is 0).
  ...(process.env.HP_FLUSH_DELAY !== undefined
    ? {
        flushDelay:
          process.env.HP_FLUSH_DELAY === 'false' ? false : Number(process.env.HP_FLUSH_DELAY),
      }
    : {}),
});
await server.listen();
console.log('READY');
