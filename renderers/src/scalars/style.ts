// The dashboard's stylesheet (inserted once per document by ensureKindStyles); colours come from the theme variables.
export const SCALARS_CSS = `
.mv-Scalars { --mv-scalars-side: 176px; }
.mv-Scalars [hidden] { display: none !important; }
.mv-Scalars[data-mv-theme="dark"] .mv-Toolbar button[aria-pressed="true"] { color: #111; }
.mv-ScalarsStatus { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 14px; margin: 0 0 6px;
  color: var(--mv-muted); }
.mv-ScalarsStatus-title { color: var(--mv-fg); font-weight: 600; }
.mv-ScalarsStatus-live::before { content: ''; display: inline-block; width: 8px; height: 8px; border-radius: 50%;
  margin-right: 5px; background: var(--mv-muted); vertical-align: 0; }
.mv-ScalarsStatus-live[data-live="true"] { color: var(--mv-fg); }
.mv-ScalarsStatus-live[data-live="true"]::before { background: #2e7d32; box-shadow: 0 0 0 2px rgba(46,125,50,.25); }
.mv-ScalarsStatus-corrupt { color: #e65100; }
.mv-ScalarsStatus-logdir { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.mv-ScalarsEmpty { border: 1px dashed var(--mv-border); padding: 14px 12px; color: var(--mv-muted); border-radius: 4px; }
.mv-ScalarsTabs { display: flex; flex-wrap: wrap; gap: 0; border-bottom: 1px solid var(--mv-border); margin-bottom: 8px; }
.mv-ScalarsTabs button { font: inherit; color: var(--mv-muted); background: transparent; border: 0;
  border-bottom: 2px solid transparent; padding: 4px 12px; cursor: pointer; margin-bottom: -1px; }
.mv-ScalarsTabs button[aria-selected="true"] { color: var(--mv-fg); border-bottom-color: var(--mv-accent); font-weight: 600; }
.mv-ScalarsBody { display: flex; gap: 12px; align-items: flex-start; }
.mv-ScalarsSide { flex: 0 0 var(--mv-scalars-side); width: var(--mv-scalars-side); display: flex; flex-direction: column;
  gap: 4px; font-size: 0.95em; }
.mv-ScalarsMain { flex: 1 1 auto; min-width: 0; }
.mv-ScalarsSide-title { font-weight: 600; margin-top: 6px; }
.mv-ScalarsRuns-count { font-weight: normal; color: var(--mv-muted); }
.mv-Scalars input[type="search"], .mv-Scalars input[type="number"] { font: inherit; color: var(--mv-fg);
  background: var(--mv-bg); border: 1px solid var(--mv-border); border-radius: 3px; padding: 2px 6px; width: 100%; }
.mv-Scalars input.mv-invalid { border-color: var(--mv-error); }
.mv-ScalarsRuns-buttons { display: flex; gap: 4px; }
.mv-ScalarsRuns-buttons button, .mv-ScalarsChart-action, .mv-ScalarsChart-idle { font: inherit; font-size: 0.9em;
  color: var(--mv-fg); background: transparent; border: 1px solid var(--mv-border); border-radius: 3px; padding: 0 8px;
  cursor: pointer; }
.mv-ScalarsRuns-list { max-height: 260px; overflow-y: auto; display: flex; flex-direction: column; }
.mv-ScalarsRun { display: flex; align-items: center; gap: 5px; padding: 1px 0; cursor: pointer; white-space: nowrap;
  overflow: hidden; }
.mv-ScalarsRun input { margin: 0; flex: none; }
.mv-ScalarsRun-name { overflow: hidden; text-overflow: ellipsis; }
.mv-ScalarsRun-swatch { flex: none; display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 4px; vertical-align: -1px; }
.mv-ScalarsSettings { display: flex; flex-direction: column; gap: 4px; }
.mv-ScalarsSettings-smoothing { display: flex; align-items: center; gap: 6px; }
.mv-ScalarsSettings-slider { flex: 1 1 auto; min-width: 0; accent-color: var(--mv-accent); }
.mv-Scalars input.mv-ScalarsSettings-number { width: 62px; flex: none; padding: 1px 3px; }
.mv-ScalarsSettings-axis { margin-left: 0; }
.mv-ScalarsSettings-log { display: flex; align-items: center; gap: 4px; cursor: pointer; }
.mv-ScalarsTags-filter { margin-bottom: 6px; }
.mv-ScalarsNote { color: var(--mv-muted); padding: 4px 0; }
.mv-ScalarsSection { margin: 2px 0 8px; }
.mv-ScalarsSection > summary { cursor: pointer; font-weight: 600; padding: 3px 0; border-bottom: 1px solid var(--mv-border);
  margin-bottom: 6px; }
.mv-ScalarsSection-count { margin-left: 8px; font-weight: normal; color: var(--mv-muted); font-size: 0.9em; }
.mv-ScalarsGrid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 10px; }
.mv-ScalarsChart, .mv-ScalarsCard { border: 1px solid var(--mv-border); border-radius: 4px; padding: 4px 6px 2px;
  min-width: 0; }
.mv-ScalarsChart[hidden], .mv-ScalarsSection[hidden], .mv-ScalarsPanel[hidden] { display: none; }
.mv-ScalarsChart-head, .mv-ScalarsCard-head { display: flex; align-items: center; gap: 6px; margin-bottom: 2px; }
.mv-ScalarsChart-title, .mv-ScalarsCard-title { font-weight: 600; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; flex: 1 1 auto; min-width: 0; }
.mv-ScalarsCard-sub { color: var(--mv-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.mv-ScalarsChart-plot { position: relative; width: 100%; }
.mv-ScalarsChart-idle { position: absolute; inset: 0; width: 100%; border-style: dashed; color: var(--mv-muted); }
.mv-Scalars-histograms, .mv-Scalars-distributions, .mv-Scalars-images, .mv-Scalars-text, .mv-Scalars-pr {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 10px; }
.mv-Scalars-histograms[hidden], .mv-Scalars-distributions[hidden], .mv-Scalars-images[hidden], .mv-Scalars-text[hidden],
.mv-Scalars-pr[hidden] { display: none; }
.mv-ScalarsImage-img { display: block; max-width: 100%; max-height: 320px; margin: 4px auto; image-rendering: pixelated;
  background: repeating-conic-gradient(rgba(128,128,128,.15) 0 25%, transparent 0 50%) 0 0 / 12px 12px; }
.mv-ScalarsImage-caption { color: var(--mv-muted); font-size: 0.9em; text-align: center; }
.mv-ScalarsStep { display: flex; align-items: center; gap: 8px; }
.mv-ScalarsStep input { flex: 1 1 auto; min-width: 0; accent-color: var(--mv-accent); }
.mv-ScalarsStep-label { color: var(--mv-muted); font-size: 0.9em; white-space: nowrap; }
.mv-ScalarsText-row { border-top: 1px solid var(--mv-border); padding: 3px 0; }
.mv-ScalarsText-row:first-child { border-top: 0; }
.mv-ScalarsText-step { color: var(--mv-muted); font-size: 0.9em; }
.mv-ScalarsText-text { margin: 2px 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 240px; overflow: auto;
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.95em; }
.mv-Scalars-hparams { overflow-x: auto; }
.mv-ScalarsHParams { border-collapse: collapse; font-size: 0.95em; }
.mv-ScalarsHParams th, .mv-ScalarsHParams td { border-bottom: 1px solid var(--mv-border); padding: 3px 10px; text-align: left;
  white-space: nowrap; }
.mv-ScalarsHParams td.mv-num { text-align: right; font-variant-numeric: tabular-nums; }
.mv-ScalarsHParams thead th button { font: inherit; font-weight: 600; color: var(--mv-fg); background: none; border: 0;
  padding: 0; cursor: pointer; }
.mv-ScalarsHParams thead th[data-kind="metric"] button { color: var(--mv-accent); }
.mv-ScalarsHParams tbody th { font-weight: normal; }
@media (max-width: 560px) { .mv-ScalarsBody { flex-direction: column; } .mv-ScalarsSide { width: 100%; flex-basis: auto; } }
`;
