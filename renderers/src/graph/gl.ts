// Drawing the scene: WebGL2 with instanced rounded rectangles (signed-distance fill + border) and instanced segment
// quads; a Canvas 2D fallback draws the same scene when WebGL is not available.
import type { RGBA } from './colors.js';
import { KIND_CONTAINER, type Scene } from './scene.js';
import { NODE_H } from './layout.js';

/** Below this zoom edges are drawn as one straight segment each. */
export const COARSE_BELOW = 0.3;

export interface ViewTransform {
  scale: number;
  tx: number;
  ty: number;
}

export interface Surface {
  readonly kind: 'webgl2' | 'canvas2d' | 'none';
  readonly lost: boolean;
  /** Size in CSS pixels; the canvas gets `dpr` times as many device pixels. */
  draw(scene: Scene | undefined, view: ViewTransform, width: number, height: number, dpr: number, bg: RGBA): void;
  /** Waits until the GPU has finished the frame (for honest timings). */
  finish(): void;
  dispose(): void;
}

/** Items per texture row of the per-item data textures (rects, colours, segments). */
const TEX_W = 2048;

// Per-item data live in textures read with texelFetch by gl_VertexID / 6, and each item is two plain triangles:
// SwiftShader (software WebGL) pays a fixed ~20 us per instance of an instanced draw, so 7k edge segments cost
// ~150 ms a frame instanced.
const FETCH = `
ivec2 at(int i) { return ivec2(i % ${TEX_W}, i / ${TEX_W}); }
vec2 quadCorner(int v) {
  return vec2(v == 1 || v == 4 || v == 5 ? 1.0 : 0.0, v == 2 || v == 3 || v == 5 ? 1.0 : 0.0);
}`;

const RECT_VS = `#version 300 es
uniform highp sampler2D u_rect;
uniform highp sampler2D u_fill;
uniform highp sampler2D u_stroke;
uniform highp sampler2D u_style;
uniform int u_first;
uniform vec3 u_view;
uniform vec2 u_size;
out vec2 v_local;
out vec2 v_half;
out vec4 v_fill;
out vec4 v_stroke;
out vec2 v_style;
${FETCH}
void main() {
  int item = u_first + gl_VertexID / 6;
  vec2 a_corner = quadCorner(gl_VertexID % 6);
  vec4 a_rect = texelFetch(u_rect, at(item), 0);
  vec2 a_style = texelFetch(u_style, at(item), 0).xy;
  vec2 halfPx = a_rect.zw * u_view.x * 0.5;
  vec2 center = (a_rect.xy + a_rect.zw * 0.5) * u_view.x + u_view.yz;
  vec2 grow = halfPx + vec2(1.5);
  vec2 c = a_corner * 2.0 - 1.0;
  vec2 p = center + c * grow;
  v_local = c * grow;
  v_half = halfPx;
  v_fill = texelFetch(u_fill, at(item), 0);
  v_stroke = texelFetch(u_stroke, at(item), 0);
  v_style = vec2(a_style.x * u_view.x, a_style.y);
  vec2 clip = p / u_size * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
}`;

const RECT_FS = `#version 300 es
precision highp float;
in vec2 v_local;
in vec2 v_half;
in vec4 v_fill;
in vec4 v_stroke;
in vec2 v_style;
out vec4 outColor;
void main() {
  float r = min(v_style.x, min(v_half.x, v_half.y));
  vec2 q = abs(v_local) - v_half + r;
  float d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - r;
  float aa = 0.7;
  float inside = 1.0 - smoothstep(-aa, aa, d);
  float bw = min(v_style.y, 0.5 * min(v_half.x, v_half.y));
  float border = smoothstep(-bw - aa, -bw + aa, d);
  vec4 col = mix(v_fill, v_stroke, border);
  float a = col.a * inside;
  outColor = vec4(col.rgb * a, a);
}`;

const SEG_VS = `#version 300 es
uniform highp sampler2D u_seg;
uniform highp sampler2D u_color;
uniform vec3 u_view;
uniform vec2 u_size;
uniform float u_width;
out float v_across;
out vec4 v_color;
${FETCH}
void main() {
  int item = gl_VertexID / 6;
  vec2 a_corner = quadCorner(gl_VertexID % 6);
  vec4 a_seg = texelFetch(u_seg, at(item), 0);
  vec2 a = a_seg.xy * u_view.x + u_view.yz;
  vec2 b = a_seg.zw * u_view.x + u_view.yz;
  vec2 d = b - a;
  float len = length(d);
  vec2 dir = len > 0.0 ? d / len : vec2(1.0, 0.0);
  vec2 nrm = vec2(-dir.y, dir.x);
  float hw = u_width * 0.5 + 1.0;
  float across = a_corner.y * 2.0 - 1.0;
  vec2 p = mix(a, b, a_corner.x) + dir * (a_corner.x * 2.0 - 1.0) * 0.5 * u_width + nrm * across * hw;
  v_across = across * hw;
  v_color = texelFetch(u_color, at(item), 0);
  vec2 clip = p / u_size * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
}`;

const SEG_FS = `#version 300 es
precision highp float;
in float v_across;
in vec4 v_color;
uniform float u_width;
out vec4 outColor;
void main() {
  float a = v_color.a * clamp(u_width * 0.5 + 0.5 - abs(v_across), 0.0, 1.0);
  outColor = vec4(v_color.rgb * a, a);
}`;

function compile(gl: WebGL2RenderingContext, vs: string, fs: string): WebGLProgram {
  const prog = gl.createProgram();
  for (const [type, src] of [
    [gl.VERTEX_SHADER, vs],
    [gl.FRAGMENT_SHADER, fs],
  ] as const) {
    const sh = gl.createShader(type)!;
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS) && !gl.isContextLost())
      throw new Error(`shader: ${gl.getShaderInfoLog(sh) ?? ''}`);
    gl.attachShader(prog, sh);
    gl.deleteShader(sh);
  }
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS) && !gl.isContextLost())
    throw new Error(`program: ${gl.getProgramInfoLog(prog) ?? ''}`);
  return prog;
}

type TexName = 'rect' | 'fill' | 'stroke' | 'style' | 'seg' | 'segColor' | 'coarse' | 'coarseColor';

interface GLState {
  rect: WebGLProgram;
  seg: WebGLProgram;
  tex: Record<TexName, WebGLTexture>;
  vao: WebGLVertexArrayObject;
  uploaded: Scene | undefined;
}

/** Uploads `count` items of `comps` values each into a TEX_W-wide texture (float RGBA / RG, or RGBA8). */
function uploadTexture(
  gl: WebGL2RenderingContext,
  tex: WebGLTexture,
  data: Float32Array | Uint8Array,
  comps: 2 | 4,
  count: number,
): void {
  const rows = Math.max(1, Math.ceil(count / TEX_W));
  const width = rows > 1 ? TEX_W : Math.max(1, count);
  const size = width * rows * comps;
  let src = data.length === size ? data : data.subarray(0, Math.min(data.length, size));
  if (src.length !== size) {
    const padded = data instanceof Float32Array ? new Float32Array(size) : new Uint8Array(size);
    padded.set(src);
    src = padded;
  }
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  if (src instanceof Float32Array) {
    const four = comps === 4;
    gl.texImage2D(
      gl.TEXTURE_2D,
      0,
      four ? gl.RGBA32F : gl.RG32F,
      width,
      rows,
      0,
      four ? gl.RGBA : gl.RG,
      gl.FLOAT,
      src,
    );
  } else gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, width, rows, 0, gl.RGBA, gl.UNSIGNED_BYTE, src);
}

class WebGLSurface implements Surface {
  readonly kind = 'webgl2' as const;
  lost = false;
  private state: GLState | undefined;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly gl: WebGL2RenderingContext,
    private readonly onLost: () => void,
    private readonly onRestored: () => void,
  ) {
    canvas.addEventListener('webglcontextlost', this.lostHandler);
    canvas.addEventListener('webglcontextrestored', this.restoredHandler);
    this.state = this.init();
  }

  private readonly lostHandler = (ev: Event): void => {
    ev.preventDefault();
    this.lost = true;
    this.state = undefined;
    this.onLost();
  };

  private readonly restoredHandler = (): void => {
    this.lost = false;
    this.state = this.init();
    this.onRestored();
  };

  private init(): GLState {
    const gl = this.gl;
    const t = (): WebGLTexture => gl.createTexture();
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    return {
      rect: compile(gl, RECT_VS, RECT_FS),
      seg: compile(gl, SEG_VS, SEG_FS),
      tex: {
        rect: t(),
        fill: t(),
        stroke: t(),
        style: t(),
        seg: t(),
        segColor: t(),
        coarse: t(),
        coarseColor: t(),
      },
      vao: gl.createVertexArray(),
      uploaded: undefined,
    };
  }

  /** Binds textures to units 0.. and points the program's samplers at them. */
  private bindTextures(prog: WebGLProgram, bindings: [string, WebGLTexture][]): void {
    const gl = this.gl;
    bindings.forEach(([name, tex], unit) => {
      gl.activeTexture(gl.TEXTURE0 + unit);
      gl.bindTexture(gl.TEXTURE_2D, tex);
      gl.uniform1i(gl.getUniformLocation(prog, name), unit);
    });
  }

  draw(scene: Scene | undefined, view: ViewTransform, width: number, height: number, dpr: number, bg: RGBA): void {
    const gl = this.gl;
    const st = this.state;
    const W = Math.max(1, Math.round(width * dpr));
    const H = Math.max(1, Math.round(height * dpr));
    if (this.canvas.width !== W) this.canvas.width = W;
    if (this.canvas.height !== H) this.canvas.height = H;
    if (!st || this.lost || gl.isContextLost()) return;
    gl.viewport(0, 0, W, H);
    gl.clearColor(bg[0] / 255, bg[1] / 255, bg[2] / 255, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!scene) return;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    if (st.uploaded !== scene) {
      const n = scene.nRects;
      uploadTexture(gl, st.tex.rect, scene.rect, 4, n);
      uploadTexture(gl, st.tex.fill, scene.fill, 4, n);
      uploadTexture(gl, st.tex.stroke, scene.stroke, 4, n);
      uploadTexture(gl, st.tex.style, scene.style, 2, n);
      uploadTexture(gl, st.tex.seg, scene.seg, 4, scene.nSegs);
      uploadTexture(gl, st.tex.segColor, scene.segColor, 4, scene.nSegs);
      uploadTexture(gl, st.tex.coarse, scene.coarseSeg, 4, scene.coarseSeg.length / 4);
      uploadTexture(gl, st.tex.coarseColor, scene.coarseColor, 4, scene.coarseSeg.length / 4);
      st.uploaded = scene;
    }
    gl.bindVertexArray(st.vao);
    let containers = 0;
    while (containers < scene.nRects && scene.kind[containers] === KIND_CONTAINER) containers++;
    const rects = (from: number, to: number): void => {
      if (to <= from) return;
      gl.useProgram(st.rect);
      this.bindTextures(st.rect, [
        ['u_rect', st.tex.rect],
        ['u_fill', st.tex.fill],
        ['u_stroke', st.tex.stroke],
        ['u_style', st.tex.style],
      ]);
      gl.uniform1i(gl.getUniformLocation(st.rect, 'u_first'), from);
      gl.uniform3f(gl.getUniformLocation(st.rect, 'u_view'), view.scale, view.tx, view.ty);
      gl.uniform2f(gl.getUniformLocation(st.rect, 'u_size'), width, height);
      gl.drawArrays(gl.TRIANGLES, 0, 6 * (to - from));
    };
    rects(0, containers);
    // Far out, a curve is a few pixels tall: draw each edge as one segment (fewer triangles to set up).
    const coarse = view.scale < COARSE_BELOW;
    const segCount = coarse ? scene.coarseSeg.length / 4 : scene.nSegs;
    if (segCount) {
      gl.useProgram(st.seg);
      this.bindTextures(st.seg, [
        ['u_seg', coarse ? st.tex.coarse : st.tex.seg],
        ['u_color', coarse ? st.tex.coarseColor : st.tex.segColor],
      ]);
      gl.uniform3f(gl.getUniformLocation(st.seg, 'u_view'), view.scale, view.tx, view.ty);
      gl.uniform2f(gl.getUniformLocation(st.seg, 'u_size'), width, height);
      gl.uniform1f(gl.getUniformLocation(st.seg, 'u_width'), Math.max(1, Math.min(2.2, 1.4 * Math.sqrt(view.scale))));
      gl.drawArrays(gl.TRIANGLES, 0, 6 * segCount);
    }
    // Nodes under a tenth of a pixel tall are invisible specks: skip them (edges still show the structure).
    rects(containers, scene.rect.length && view.scale * NODE_H < 0.1 ? scene.firstNode : scene.nRects);
    gl.bindVertexArray(null);
  }

  finish(): void {
    if (this.lost || this.gl.isContextLost()) return;
    // readPixels cannot return before every queued draw has been rasterised.
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, new Uint8Array(4));
  }

  dispose(): void {
    this.canvas.removeEventListener('webglcontextlost', this.lostHandler);
    this.canvas.removeEventListener('webglcontextrestored', this.restoredHandler);
    const gl = this.gl;
    const st = this.state;
    if (st && !gl.isContextLost()) {
      gl.deleteProgram(st.rect);
      gl.deleteProgram(st.seg);
      for (const t of Object.values(st.tex)) gl.deleteTexture(t);
      gl.deleteVertexArray(st.vao);
    }
    this.state = undefined;
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    this.canvas.width = 1;
    this.canvas.height = 1;
  }
}

const css = (c: ArrayLike<number>, k: number): string =>
  `rgba(${c[4 * k]},${c[4 * k + 1]},${c[4 * k + 2]},${(c[4 * k + 3] / 255).toFixed(3)})`;

/** Draws a scene with Canvas 2D (the WebGL fallback; also used for PNG export composition). */
export function drawScene2d(
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  view: ViewTransform,
  width: number,
  height: number,
): void {
  const { scale, tx, ty } = view;
  const visible = (x: number, y: number, w: number, h: number): boolean =>
    x * scale + tx < width && (x + w) * scale + tx > 0 && y * scale + ty < height && (y + h) * scale + ty > 0;
  let containers = 0;
  while (containers < scene.nRects && scene.kind[containers] === KIND_CONTAINER) containers++;
  const rects = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      const [x, y, w, h] = scene.rect.subarray(4 * k, 4 * k + 4);
      if (!visible(x, y, w, h)) continue;
      const sx = x * scale + tx;
      const sy = y * scale + ty;
      const sw = w * scale;
      const sh = h * scale;
      const r = Math.min(scene.style[2 * k] * scale, sw / 2, sh / 2);
      ctx.beginPath();
      if (typeof ctx.roundRect === 'function') ctx.roundRect(sx, sy, sw, sh, r);
      else ctx.rect(sx, sy, sw, sh);
      ctx.fillStyle = css(scene.fill, k);
      ctx.fill();
      const bw = Math.min(scene.style[2 * k + 1], Math.min(sw, sh) / 2);
      if (bw > 0.2) {
        ctx.lineWidth = bw;
        ctx.strokeStyle = css(scene.stroke, k);
        ctx.stroke();
      }
    }
  };
  rects(0, containers);
  ctx.lineWidth = Math.max(1, Math.min(2.2, 1.4 * Math.sqrt(scale)));
  ctx.lineCap = 'round';
  for (let k = 0; k < scene.nSegs; k++) {
    const s = scene.seg;
    ctx.strokeStyle = css(scene.segColor, k);
    ctx.beginPath();
    ctx.moveTo(s[4 * k] * scale + tx, s[4 * k + 1] * scale + ty);
    ctx.lineTo(s[4 * k + 2] * scale + tx, s[4 * k + 3] * scale + ty);
    ctx.stroke();
  }
  rects(containers, scene.nRects);
}

class Canvas2DSurface implements Surface {
  readonly kind = 'canvas2d' as const;
  readonly lost = false;
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly ctx: CanvasRenderingContext2D,
  ) {}
  draw(scene: Scene | undefined, view: ViewTransform, width: number, height: number, dpr: number, bg: RGBA): void {
    const W = Math.max(1, Math.round(width * dpr));
    const H = Math.max(1, Math.round(height * dpr));
    if (this.canvas.width !== W) this.canvas.width = W;
    if (this.canvas.height !== H) this.canvas.height = H;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = `rgb(${bg[0]},${bg[1]},${bg[2]})`;
    ctx.fillRect(0, 0, width, height);
    if (scene) drawScene2d(ctx, scene, view, width, height);
  }
  finish(): void {
    this.ctx.getImageData(0, 0, 1, 1);
  }
  dispose(): void {
    this.canvas.width = 1;
    this.canvas.height = 1;
  }
}

const noSurface: Surface = {
  kind: 'none',
  lost: false,
  draw: () => undefined,
  finish: () => undefined,
  dispose: () => undefined,
};

/** WebGL2 if the browser gives a context, else Canvas 2D, else nothing (the view then says so). */
export function createSurface(
  canvas: HTMLCanvasElement,
  onLost: () => void,
  onRestored: () => void,
  preferWebGL = true,
): Surface {
  let gl: WebGL2RenderingContext | null = null;
  try {
    if (preferWebGL) gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: true, alpha: false });
  } catch {
    gl = null;
  }
  if (gl) {
    try {
      return new WebGLSurface(canvas, gl, onLost, onRestored);
    } catch {
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      return noSurface;
    }
  }
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    ctx = null;
  }
  return ctx ? new Canvas2DSurface(canvas, ctx) : noSurface;
}
