// A page that makes the calls in a Vite-built worker, module or classic: Vite bundles a worker
// written as `new Worker(new URL(...), ...)` on the spot.
import { inWorker } from './calls.js';

const workers = {
  module: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
  classic: () => new Worker(new URL('./worker.js', import.meta.url)),
};
window.probe = ({ worker, ...args }) => inWorker(workers[worker](), args);
