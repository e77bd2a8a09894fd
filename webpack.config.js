// Bundles what JupyterLab's own builder does not:
//  - the VS Code notebook renderer, as an ES module (VS Code imports the entrypoint; chunks load relative to it);
//  - the test harness page used by the browser tests and benchmarks (classic script, so it also runs from file://).
const path = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');

const common = (mode) => ({
  mode,
  devtool: mode === 'production' ? false : 'source-map',
  resolve: {
    extensions: ['.ts', '.js'],
    extensionAlias: { '.js': ['.ts', '.js'] },
    alias: { '@modelviz/renderers': path.resolve(__dirname, 'renderers/src/index.ts') },
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        options: {
          transpileOnly: true,
          configFile: path.resolve(__dirname, 'tsconfig.json'),
          compilerOptions: { composite: false, declaration: false },
        },
      },
    ],
  },
  performance: { hints: false },
});

module.exports = (_env, argv) => {
  const mode = argv.mode || 'production';
  // plotly.min.js is already minified: re-minifying it costs a minute and saves nothing.
  const TerserPlugin = require('terser-webpack-plugin');
  const minimizer = [new TerserPlugin({ exclude: /plotly/ })];
  return [
    {
      ...common(mode),
      name: 'vscode',
      entry: { renderer: './vscode/src/renderer.ts' },
      experiments: { outputModule: true },
      optimization: { minimize: mode === 'production', minimizer },
      output: {
        path: path.resolve(__dirname, 'vscode/dist'),
        filename: '[name].js',
        chunkFilename: '[name].[contenthash:8].js',
        library: { type: 'module' },
        chunkFormat: 'module',
        chunkLoading: 'import',
        publicPath: 'auto',
        clean: true,
      },
    },
    {
      ...common(mode),
      name: 'harness',
      entry: { harness: './tests/harness/harness.ts' },
      optimization: { minimize: mode === 'production', minimizer },
      output: {
        // MV_HARNESS_OUT lets parallel work build its own harness without wiping another's.
        path: path.resolve(__dirname, process.env.MV_HARNESS_OUT || 'build/harness'),
        filename: '[name].js',
        chunkFilename: '[name].[contenthash:8].js',
        publicPath: 'auto',
        clean: true,
      },
      plugins: [new HtmlWebpackPlugin({ title: 'modelviz renderer harness', scriptLoading: 'defer' })],
    },
  ];
};
