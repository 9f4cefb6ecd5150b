// The analysis in a Web Worker (started by www/core.js): the wasm core runs here, so the page
// never freezes, whatever the size of the paste, and stopping an analysis that is still
// computing is terminating this worker. One worker holds one instance of the module; after a
// panic (or a stop mid-computation) core.js drops it and starts a fresh one.
//
// Messages from the page:
//   { type: "init", module }                   a compiled WebAssembly.Module to instantiate
//   { type: "call", id, fn, args, progress }   fn: analyze | analyzeOffline | checkDomain |
//                                              checkSpf | crashForTest; the live ones get a
//                                              progress callback and an abort signal added
//   { type: "abort", id }                      stop the live lookups of call `id`
// Messages to the page:
//   { type: "ready", version }   { type: "fail", message }   { type: "panic", message }
//   { type: "progress", id, report }   { type: "done", id, value }   { type: "error", id, message }
// Reports travel as JSON text (options.text): the core writes it, the page parses it; the
// snapshot of a live analysis goes out only when it differs from the one before.
//
// In the single-file build (scripts/build-single.mjs) this file is bundled with the bindings
// into a classic script and started from a Blob URL.
import init, * as wasm from "./pkg/mailtrace.js";

// A small header that takes the analysis through its main paths once (Received, the trust
// boundary, Authentication-Results, DKIM-Signature, the sender checks, a spam verdict), so that
// the first real analysis does not pay for compiling the module's functions (V8 compiles wasm
// lazily, on a function's first call).
const WARM_UP = [
  "Received: from mx.example.net (mx.example.net [10.0.0.5]) by inbox.example.net with LMTP id a1; Tue, 2 Jan 2024 10:00:05 +0000",
  "Received: from mail.sender.example (mail.sender.example [203.0.113.5]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by mx.example.net (Postfix) with ESMTPS id 4XYZ for <user@example.net>; Tue, 2 Jan 2024 10:00:02 +0000",
  "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=sender.example; dkim=pass header.d=sender.example header.s=s1; dmarc=pass header.from=sender.example",
  "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.example; s=s1; h=from:to:subject:date; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA",
  "X-Spam-Status: No, score=-0.1 required=5.0 tests=DKIM_SIGNED,DKIM_VALID autolearn=ham",
  "Return-Path: <bounce@sender.example>",
  "From: =?UTF-8?Q?Ann_=C3=89xample?= <ann@sender.example>",
  "To: user@example.net",
  "Subject: Quarterly report",
  "Date: Tue, 2 Jan 2024 09:59:57 +0000",
  "Message-ID: <20240102095957.1@sender.example>",
  "",
].join("\r\n");

let loaded = null;
const running = new Map(); // id → the AbortController of the call's live lookups
const post = (message) => self.postMessage(message);
const text = (options) => ({ ...(options || {}), text: true });

function load(module) {
  loaded ??= init({ module_or_path: module }).then(async () => {
    wasm.setPanicHandler((message) => post({ type: "panic", message }));
    for (let i = 0; i < 3; i += 1) wasm.analyzeOffline(WARM_UP, { live: false, now: 1704189600000, text: true });
    // The live path too (its questions, answers, snapshots and final report), with a signal
    // stopped before it starts: the core answers every question "stopped" without calling fetch
    // (src/driver/wasm.rs, fetch_answer), so nothing leaves the page. Without it the first live
    // analysis after load spent 15-45 ms (cold code) before its first question went out.
    const stop = new AbortController();
    stop.abort();
    // The endpoint is a name that never resolves (RFC 6761 .invalid), and is never asked.
    await wasm.analyze(WARM_UP, { live: true, now: 1704189600000, text: true, doh: "https://warm-up.invalid/dns-query" }, null, stop.signal);
    return wasm.version();
  });
  return loaded;
}

async function call({ id, fn, args, progress }) {
  const controller = new AbortController();
  running.set(id, controller);
  let last = null;
  const onProgress = progress ? (report) => {
    if (report === last) return;
    last = report;
    post({ type: "progress", id, report });
  } : null;
  try {
    let value;
    if (fn === "analyze") value = await wasm.analyze(args[0], text(args[1]), onProgress, controller.signal);
    else if (fn === "checkDomain") value = await wasm.checkDomain(args[0], text(args[1]), onProgress, controller.signal);
    else if (fn === "checkSpf") value = await wasm.checkSpf(args[0], args[1], text(args[2]), onProgress, controller.signal);
    else if (fn === "analyzeOffline") value = wasm.analyzeOffline(args[0], text(args[1]));
    else if (fn === "crashForTest") value = wasm.crashForTest();
    else throw new Error(`unknown function ${fn}`);
    post({ type: "done", id, value });
  } catch (error) {
    post({ type: "error", id, message: String(error && error.message ? error.message : error) });
  } finally {
    running.delete(id);
  }
}

self.onmessage = async ({ data }) => {
  if (data.type === "init") {
    try {
      post({ type: "ready", version: await load(data.module) });
    } catch (error) {
      post({ type: "fail", message: String(error && error.message ? error.message : error) });
    }
  } else if (data.type === "abort") {
    running.get(data.id)?.abort();
  } else if (data.type === "call") {
    await loaded;
    await call(data);
  }
};
