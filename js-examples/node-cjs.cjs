// Node, CommonJS: `node node-cjs.cjs` with OUTBOUNDSYNC_API_KEY set.
const { getOutboundSyncConnections, OutboundSyncAuthenticationError } = require('outboundsync');

getOutboundSyncConnections().then(
  (connections) => console.log(JSON.stringify(connections)),
  (err) => {
    console.error(err instanceof OutboundSyncAuthenticationError ? `The key was rejected: ${err.message}` : err.message);
    process.exitCode = 1;
  },
);
