// Unit tests of the renderers and both host adapters, under JSDOM (no browser, no JupyterLab, no VS Code).
// Real drawing is tested in real browsers (tests/e2e); here Plotly is replaced by a recorder.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/tests/unit'],
  setupFiles: ['<rootDir>/tests/unit/setup.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        diagnostics: { warnOnly: false },
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node',
          target: 'ES2021',
          lib: ['ES2021', 'DOM', 'DOM.Iterable'],
          strict: true,
          esModuleInterop: true,
          allowJs: true,
          skipLibCheck: true,
          resolveJsonModule: true,
          types: ['jest', 'node', 'vscode-notebook-renderer'],
        },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@modelviz/renderers$': '<rootDir>/renderers/src/index.ts',
    '^plotly\\.js-dist-min$': '<rootDir>/tests/unit/fake-plotly.ts',
  },
};
