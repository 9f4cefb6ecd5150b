// Loading and running the wasm core, shared by the page and the widget.
//
// A crash of the core (a Rust panic) must not kill the page: the instance that panicked is
// dropped and the next analysis loads a fresh one. In the single-file build (dist/mailtrace.html)
// the bindings and the wasm bytes are inlined: globalThis.__mailtraceInline provides a factory
// that makes a fresh copy of the bindings module and the bytes to instantiate it from.

export class Core {
  constructor(pkgUrl) {
    this.pkgUrl = pkgUrl;
    this.generation = 0;
    this.mod = null;
    this.failCurrent = null;
  }

  async load() {
    if (this.mod) return this.mod;
    this.generation += 1;
    const inline = globalThis.__mailtraceInline;
    let mod;
    if (inline) {
      mod = inline.bindings();
      await mod.default({ module_or_path: inline.wasmBytes() });
    } else {
      // The first instance is the preloaded module; later ones (after a crash) are new copies.
      mod = await import(this.generation === 1 ? this.pkgUrl : `${this.pkgUrl}?instance=${this.generation}`);
      await mod.default();
    }
    mod.setPanicHandler((message) => {
      this.mod = null;
      if (this.failCurrent) this.failCurrent(new Error(`the analyzer crashed: ${message}`));
    });
    this.mod = mod;
    if (this.onLoad) this.onLoad(mod);
    return mod;
  }

  // Runs one analysis: the offline report at once (onOffline), then, when live and there is
  // something to look up, the live analysis with progress snapshots (onProgress). Resolves to
  // the final report.
  async run(input, options, { onOffline, onProgress, signal } = {}) {
    const mod = await this.load();
    try {
      const offline = mod.analyzeOffline(input, options);
      if (onOffline) onOffline(offline);
      if (!options.live) return offline;
      const crashed = new Promise((_, reject) => { this.failCurrent = reject; });
      return await Promise.race([mod.analyze(input, options, onProgress || null, signal || null), crashed]);
    } catch (error) {
      this.mod = null;
      throw error;
    } finally {
      this.failCurrent = null;
    }
  }
}
