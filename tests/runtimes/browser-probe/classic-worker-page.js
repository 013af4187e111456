// A page that makes the calls in a classic Worker built beside it (esbuild's iife worker.js).
import { inWorker } from './calls.js';

window.probe = (args) => inWorker(new Worker('./worker.js'), args);
