// Loopback ports for servers a test starts itself.
import net from 'node:net';

/** A port nothing listens on at 127.0.0.1 right now (the OS's pick). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
