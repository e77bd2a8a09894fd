declare module 'plotly.js-dist-min' {
  const Plotly: typeof import('plotly.js');
  export default Plotly;
}
