import net from 'node:net';

/**
 * A load balancer's failover, at its simplest: each TCP connection goes to the first backend
 * that accepts it, in order. While the first instance lives every client talks to it; once it
 * is gone, reconnecting clients land on the next. (The nginx configuration of the deployment is
 * tested for real elsewhere; this one only has to move connections.)
 */
export class FailoverProxy {
  private readonly server = net.createServer((client) => this.route(client, 0));
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly backends: number[]) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(client: net.Socket, index: number): void {
    const port = this.backends[index];
    if (port === undefined) {
      client.destroy();
      return;
    }
    client.pause();
    const upstream = net.connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.track(client);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.once('error', () => {
      // Refused: that instance is gone, try the next. Broken later: the client reconnects.
      if (connected) client.destroy();
      else this.route(client, index + 1);
    });
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => {
      if (connected) client.destroy();
    });
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }
}
