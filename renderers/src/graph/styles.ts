// The graph view's own stylesheet (inserted once per document through ensureKindStyles).
export const GRAPH_CSS = `
.mv-GraphView { position: relative; }
.mv-GraphView .mv-GraphNotice { border-left: 3px solid #f9a825; padding: 2px 8px; margin: 0 0 6px; white-space: pre-wrap; }
.mv-GraphBar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; margin: 0 0 6px; }
.mv-GraphBar input, .mv-GraphBar select, .mv-GraphBar button { font: inherit; color: var(--mv-fg); background: var(--mv-bg);
  border: 1px solid var(--mv-border); border-radius: 3px; padding: 1px 6px; }
.mv-GraphBar button { cursor: pointer; }
.mv-GraphBar input[type="search"] { width: 190px; }
.mv-GraphCount { color: var(--mv-muted); min-width: 5em; }
.mv-GraphStage { position: relative; overflow: hidden; border: 1px solid var(--mv-border); border-radius: 4px;
  background: var(--mv-bg); outline: none; touch-action: none; user-select: none; }
.mv-GraphStage:focus-visible { border-color: var(--mv-accent); }
.mv-GraphStage canvas { position: absolute; left: 0; top: 0; display: block; }
.mv-GraphStage canvas.mv-GraphLabels { pointer-events: none; }
.mv-GraphStage canvas[hidden] { display: none; }
.mv-GraphMinimap { position: absolute; right: 6px; bottom: 6px; border: 1px solid var(--mv-border); border-radius: 3px;
  background: var(--mv-bg); opacity: 0.92; cursor: crosshair; }
.mv-GraphStage canvas.mv-GraphMinimap { left: auto; top: auto; }
.mv-GraphTooltip { position: absolute; pointer-events: none; background: var(--mv-bg); color: var(--mv-fg);
  border: 1px solid var(--mv-border); border-radius: 3px; padding: 2px 6px; font-size: 12px; white-space: pre;
  box-shadow: 0 1px 4px rgba(0,0,0,0.2); z-index: 3; max-width: 420px; overflow: hidden; text-overflow: ellipsis; }
.mv-GraphStatus { position: absolute; left: 6px; bottom: 6px; color: var(--mv-muted); font-size: 12px; pointer-events: none;
  background: var(--mv-bg); padding: 0 4px; border-radius: 3px; max-width: 70%; white-space: pre-wrap; }
.mv-GraphStatus:empty { display: none; }
.mv-GraphStatus[data-level="error"] { color: var(--mv-error); border: 1px solid var(--mv-error); pointer-events: auto; }
.mv-GraphLegend { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 10px; font-size: 11px; margin: 0 0 4px;
  max-height: 3.2em; overflow: hidden; }
.mv-GraphLegend:empty { display: none; }
.mv-GraphLegend-title { font-weight: 600; }
.mv-GraphLegend-row { display: flex; align-items: center; gap: 4px; white-space: nowrap; overflow: hidden; }
.mv-GraphLegend-swatch { width: 10px; height: 10px; border-radius: 2px; flex: none; }
.mv-GraphLegend-ramp { width: 120px; height: 8px; border-radius: 2px;
  background: linear-gradient(to right, #440154, #3b528b, #21918c, #5ec962, #fde725); }
.mv-GraphPanel { position: absolute; right: 6px; top: 6px; width: 270px; max-height: calc(100% - 12px); overflow: auto;
  background: var(--mv-bg); border: 1px solid var(--mv-border); border-radius: 4px; padding: 6px 8px; font-size: 12px;
  box-shadow: 0 1px 6px rgba(0,0,0,0.18); z-index: 2; }
.mv-GraphPanel[hidden] { display: none; }
.mv-GraphPanel-close { float: right; cursor: pointer; border: none; background: transparent; color: var(--mv-muted); font: inherit; }
.mv-GraphPanel-title { font-weight: 600; word-break: break-all; margin-right: 18px; }
.mv-GraphPanel-section { font-weight: 600; margin-top: 6px; color: var(--mv-muted); text-transform: uppercase; font-size: 10.5px; }
.mv-GraphPanel-table { border-collapse: collapse; width: 100%; }
.mv-GraphPanel-table th { width: 1%; text-align: left; font-weight: normal; color: var(--mv-muted); padding: 0 6px 0 0; vertical-align: top; white-space: nowrap; }
.mv-GraphPanel-table td { word-break: break-all; padding: 0; }
.mv-GraphPanel-list { margin: 0; padding-left: 16px; word-break: break-all; }
.mv-GraphPanel-param { border-top: 1px solid var(--mv-border); margin-top: 4px; padding-top: 3px; }
.mv-GraphPanel-foldedName { font-weight: 600; margin-top: 5px; word-break: break-all; }
.mv-GraphPanel-paramName { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.mv-GraphHistogram { display: block; margin-top: 3px; color: var(--mv-muted); }
`;
