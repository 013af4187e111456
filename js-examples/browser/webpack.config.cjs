// `npx webpack --config webpack.config.cjs` bundles main.js into dist/, with the package's .wasm
// emitted beside it as an asset; serve dist/ with index.html copied in.
const path = require('node:path');

module.exports = {
  mode: 'production',
  context: __dirname,
  entry: './main.js',
  output: { path: path.join(__dirname, 'dist'), filename: 'main.js', clean: true },
};
