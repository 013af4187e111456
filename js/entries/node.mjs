// Node and Bun, ES modules: the CommonJS entry itself, so `import` and `require` in one
// process share one wasm instance and one set of error classes. scripts/assemble-pkg.mjs puts
// each error class in the list where the marker is.
import cjs from './node.cjs';

export const { getOutboundSyncConnections, getOutboundSyncMe, /* @classes */ } = cjs;
