// Loading and running the wasm core, shared by the page and the widget.
//
// The core runs in a Web Worker (www/worker.js), so the page never freezes, whatever the size of
// the paste. The wasm is fetched and compiled here once (WebAssembly.compileStreaming, off the
// main thread in the browser), when load() is first called: app.js calls it on the first focus
// of or input into the paste box, or when the page has loaded, whichever comes first. Every
// instance (worker) is made from that compiled module.
//
// A crash of the core (a Rust panic) must not kill the page: the instance that panicked is
// dropped and the next analysis gets a fresh one. Stopping an analysis whose offline part is
// still computing terminates its worker (the next analysis gets a fresh one); once the live
// lookups run, stopping ends them and the report marks the unanswered ones "could not check".
//
// load() resolves to the instance's API: analyzeOffline(input, options),
// analyze(input, options, onProgress, signal), checkDomain(domain, options, onProgress, signal),
// checkSpf(ip, sender, options, onProgress, signal) and crashForTest(), each returning a Promise, and version(). Reports are plain objects
// (docs/report.schema.json).
//
// Without a worker the core runs on the main thread as before (the same API; its functions then
// answer synchronously where the wasm does): where Worker is missing, where it cannot be started
// (a page that embeds the widget from another origin: a worker must come from the page's own
// origin), or in the single-file build when its Blob worker is refused. In the single-file
// build (dist/mailtrace.html) the bindings and the wasm bytes are inlined:
// globalThis.__mailtraceInline provides a factory that makes a fresh copy of the bindings module,
// the bytes, and the worker's source (worker.js bundled with the bindings), which runs from a
// Blob URL.

function stopped() {
  const error = new Error("the analysis was stopped");
  error.name = "AbortError";
  return error;
}

// The page's options as data a worker can receive (no functions), with the DoH endpoint made
// absolute: a worker resolves relative URLs against its own script, not the page.
function plainOptions(options) {
  const out = { ...(options || {}) };
  if (typeof out.doh === "string" && out.doh) {
    try { out.doh = new URL(out.doh, document.baseURI).href; } catch { /* the core reports it */ }
  }
  return out;
}

const parse = (value) => (typeof value === "string" ? JSON.parse(value) : value);

// Progress snapshots are drawn at most once per animation frame, the newest winning: a reader
// cannot see more, and parsing and drawing each of a live analysis's ~25 snapshots kept the
// final report waiting behind them. The first snapshot (the report before any answer: the
// offline part) is drawn at once.
const nextFrame = (f) => (typeof requestAnimationFrame === "function" ? requestAnimationFrame(f) : setTimeout(f, 16));
function coalesced(draw) {
  let latest;
  let waiting = false;
  let closed = false;
  let drawn = false;
  return {
    push(value) {
      if (closed) return;
      if (!drawn) { drawn = true; draw(value); return; }
      latest = value;
      if (waiting) return;
      waiting = true;
      nextFrame(() => {
        waiting = false;
        if (closed || latest === undefined) return;
        const value = latest;
        latest = undefined;
        draw(value);
      });
    },
    close() { closed = true; latest = undefined; },
  };
}

export class Core {
  constructor(pkgUrl) {
    this.pkgUrl = pkgUrl;
    this.wasmUrl = new URL("mailtrace_bg.wasm", pkgUrl).href;
    this.workerUrl = new URL("./worker.js", import.meta.url).href;
    this.generation = 0;
    this.compiled = null; // Promise of the WebAssembly.Module
    this.current = null; // Promise of the API of the instance in use
    this.mode = null; // "worker" or "main thread", once loaded
    this.failCurrent = null;
    this.onLoad = null;
  }

  // Starts loading on the first focus of, input into or pointer or drag over any of `nodes`, and
  // (unless whenLoaded is false, as in the widget) once the page has loaded, whichever comes
  // first: the wasm does not compete with the page's own files, and is ready by the time a paste
  // is.
  loadSoon(nodes, { whenLoaded = true } = {}) {
    const start = () => { this.load().catch(() => { /* reported by the analysis that needs it */ }); };
    for (const node of nodes) {
      for (const type of ["focus", "input", "dragenter", "pointerdown"]) node.addEventListener(type, start, { once: true, passive: true });
    }
    if (!whenLoaded) return;
    if (document.readyState === "complete") setTimeout(start, 0);
    else addEventListener("load", () => setTimeout(start, 0), { once: true });
  }

  compile() {
    if (!this.compiled) {
      const inline = globalThis.__mailtraceInline;
      this.compiled = inline
        ? WebAssembly.compile(inline.wasmBytes())
        : (typeof WebAssembly.compileStreaming === "function"
          ? WebAssembly.compileStreaming(fetch(this.wasmUrl))
          : fetch(this.wasmUrl).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)));
      this.compiled.catch(() => { this.compiled = null; });
    }
    return this.compiled;
  }

  // The API of the instance in use, made when there is none (the first call, or after a crash).
  load() {
    if (!this.current) {
      this.generation += 1;
      const made = this.makeInstance();
      this.current = made;
      made.then((api) => { if (this.current === made && this.onLoad) this.onLoad(api); },
        () => { if (this.current === made) this.current = null; });
    }
    return this.current;
  }

  drop(made) {
    if (this.current === made) this.current = null;
  }

  async makeInstance() {
    const module = await this.compile();
    const inline = globalThis.__mailtraceInline;
    if (typeof Worker === "function" && this.mode !== "main thread") {
      let worker = null;
      try {
        if (inline) {
          const url = URL.createObjectURL(new Blob([inline.workerSource], { type: "text/javascript" }));
          worker = new Worker(url);
          setTimeout(() => URL.revokeObjectURL(url), 10000);
        } else {
          worker = new Worker(this.workerUrl, { type: "module" });
        }
      } catch { worker = null; }
      if (worker) {
        try {
          const api = await this.workerInstance(worker, module);
          this.mode = "worker";
          return api;
        } catch (error) {
          // A worker that started but could not load the module has no better luck on the main
          // thread unless the worker itself was the problem (refused by a CSP, a file:// page).
          if (this.mode === "worker") throw error;
        }
      }
    }
    this.mode = "main thread";
    return this.mainThreadInstance(module);
  }

  // The core in the page itself (no worker): the bindings module (a fresh copy per instance).
  async mainThreadInstance(module) {
    const inline = globalThis.__mailtraceInline;
    const mod = inline
      ? inline.bindings()
      : await import(this.generation === 1 ? this.pkgUrl : `${this.pkgUrl}?instance=${this.generation}`);
    await mod.default({ module_or_path: module });
    const made = this.current;
    mod.setPanicHandler((message) => {
      this.drop(made);
      if (this.failCurrent) this.failCurrent(new Error(`the analyzer crashed: ${message}`));
    });
    return { ...mod, mainThread: true };
  }

  // The core in `worker`: resolves to its API once the module is instantiated there.
  workerInstance(worker, module) {
    const calls = new Map();
    let nextId = 0;
    let version = "";
    let dead = null;
    let made = null;
    return new Promise((resolveReady, rejectReady) => {
      const kill = (error) => {
        if (dead) return;
        dead = error;
        worker.terminate();
        this.drop(made);
        rejectReady(error);
        for (const c of calls.values()) {
          if (c.progress) c.progress.close();
          c.reject(error);
        }
        calls.clear();
      };
      worker.onmessage = ({ data }) => {
        if (data.type === "ready") {
          version = data.version;
          resolveReady(api);
          return;
        }
        if (data.type === "fail") { kill(new Error(`the analyzer could not be loaded: ${data.message}`)); return; }
        if (data.type === "panic") { kill(new Error(`the analyzer crashed: ${data.message}`)); return; }
        const c = calls.get(data.id);
        if (!c) return;
        if (data.type === "progress") {
          c.live = true;
          if (c.progress) c.progress.push(data.report);
        } else if (data.type === "done") {
          calls.delete(data.id);
          if (c.progress) c.progress.close();
          c.resolve(parse(data.value));
        } else if (data.type === "error") {
          calls.delete(data.id);
          if (c.progress) c.progress.close();
          c.reject(new Error(data.message));
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        kill(new Error(`the analyzer failed: ${event.message || "the worker could not start"}`));
      };
      const call = (fn, args, { onProgress, signal } = {}) => new Promise((resolve, reject) => {
        if (dead) { reject(dead); return; }
        nextId += 1;
        const id = nextId;
        const c = { resolve, reject, progress: onProgress ? coalesced((r) => onProgress(parse(r))) : null, live: false };
        calls.set(id, c);
        worker.postMessage({ type: "call", id, fn, args, progress: Boolean(onProgress) });
        if (signal && signal.aborted) worker.postMessage({ type: "abort", id });
        else if (signal) {
          signal.addEventListener("abort", () => {
            if (!calls.has(id)) return;
            if (c.live) {
              // The live lookups run: stop them; the report comes back with the rest marked.
              worker.postMessage({ type: "abort", id });
            } else {
              // Still computing: only ending the worker stops it. The next call gets a fresh one.
              calls.delete(id);
              reject(stopped());
              kill(stopped());
            }
          }, { once: true });
        }
      });
      const api = {
        version: () => version,
        analyzeOffline: (input, options, signal) => call("analyzeOffline", [String(input), plainOptions(options)], { signal }),
        analyze: (input, options, onProgress, signal) =>
          call("analyze", [String(input), plainOptions(options)], { onProgress, signal }),
        checkDomain: (domain, options, onProgress, signal) =>
          call("checkDomain", [String(domain), plainOptions(options)], { onProgress, signal }),
        checkSpf: (ip, sender, options, onProgress, signal) =>
          call("checkSpf", [String(ip), String(sender), plainOptions(options)], { onProgress, signal }),
        crashForTest: () => call("crashForTest", []),
        terminate: () => kill(new Error("the analyzer was closed")),
      };
      made = this.current;
      worker.postMessage({ type: "init", module });
    });
  }

  // Runs one analysis: the report without lookups first (onOffline), then, when live and there
  // is something to look up, the live analysis with progress snapshots (onProgress). Resolves to
  // the final report; rejects with an AbortError when stopped before any report was made.
  async run(input, options, { onOffline, onProgress, signal } = {}) {
    const api = await this.load();
    if (signal && signal.aborted) throw stopped();
    if (!api.mainThread) {
      // In the worker a live analysis is one pass: its first snapshot (made before any lookup
      // goes out) serves as the offline report and as the first progress.
      if (!options.live) {
        const report = await api.analyzeOffline(input, options, signal);
        if (onOffline) onOffline(report);
        return report;
      }
      let first = true;
      const report = await api.analyze(input, options, (r) => {
        if (first) { first = false; if (onOffline) onOffline(r); }
        if (onProgress) onProgress(r);
      }, signal);
      if (first && onOffline) onOffline(report);
      return report;
    }
    let progress = null;
    try {
      const offline = api.analyzeOffline(input, options);
      if (onOffline) onOffline(offline);
      if (!options.live) return offline;
      const crashed = new Promise((_, reject) => { this.failCurrent = reject; });
      progress = onProgress ? coalesced(onProgress) : null;
      const each = progress ? (r) => progress.push(r) : null;
      return await Promise.race([api.analyze(input, options, each, signal || null), crashed]);
    } catch (error) {
      this.current = null;
      throw error;
    } finally {
      this.failCurrent = null;
      if (progress) progress.close();
    }
  }
}
