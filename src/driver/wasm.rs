//! The JavaScript boundary: glue only. Input and options come in, [`Report`] values go out
//! (serialized with serde-wasm-bindgen), and DNS questions go to a DoH endpoint with the
//! browser's `fetch` (RFC 8484 GET, wire format), in parallel, each with its own timeout; a
//! redirect is an error, and a body longer than a DNS message (`wire::MAX_MESSAGE`) is refused
//! by its Content-Length or, streamed, as soon as it passes the limit.
//! Signature verifications the core asks for ([`crate::dns::verify`]: ed25519) go to WebCrypto
//! (`crypto.subtle.importKey` + `verify`, "Ed25519"); a browser without Ed25519 gets "not
//! verified in this browser", never a failure.
//!
//! Nothing here decides anything about the message; that is all in the core.

use crate::dns::verify::{SignatureAlgorithm, SignatureCheck, Verdict, VerifyId, VerifyRequest};
use crate::dns::{Answer, DnsError, Query, QueryId, RecordType, wire};
use crate::{Analysis, Options};
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ReadableStreamDefaultReader, Request, RequestInit, RequestMode, RequestRedirect,
    Response,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Options of an analysis. */
export interface AnalyzeOptions {
  /** Whether to make live DNS lookups (default true). */
  live?: boolean;
  /** The DNS-over-HTTPS endpoint (RFC 8484), e.g. "/dns-query". Required when live. */
  doh?: string;
  /** Per-lookup timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Analyze as of this time (ms since 1970); default: now. */
  now?: number;
  /** Most DNS questions one analysis may ask (default 100). */
  maxQueries?: number;
  /** The blocklist zones to ask (default: ZEN, SpamCop and DBL; Barracuda, which answers only
   *  registered resolvers, when named). Built-in lists left out are not asked; multi.surbl.org
   *  and multi.uribl.com are domain lists, others IP lists. */
  blocklists?: string[];
  /** A Spamhaus Data Query Service key: Spamhaus is then asked through KEY.zen.dq.spamhaus.net. */
  dqsKey?: string;
  /** Whether the domains of links in the body (at most 20) are asked at the domain blocklists
   *  (default true). */
  bodyLinks?: boolean;
  /** DKIM selectors to look up in a domain check. */
  selectors?: string[];
  /** Reports (the result and each progress snapshot) as JSON text (a string) instead of
   *  objects: what www/worker.js asks for, since a string crosses to the page as one copy and
   *  the page parses it once, where an object would be built in the worker and cloned. */
  text?: boolean;
}
/* Report, DomainCheckReport and the types they use: generated from their JSON Schemas
   (docs/report.schema.json, docs/domain-report.schema.json) by scripts/schema-to-ts.mjs. */
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &Request) -> js_sys::Promise;
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JsOptions {
    live: Option<bool>,
    doh: Option<String>,
    timeout_ms: Option<u32>,
    now: Option<f64>,
    max_queries: Option<usize>,
    blocklists: Option<Vec<String>>,
    dqs_key: Option<String>,
    body_links: Option<bool>,
    selectors: Option<Vec<String>>,
    text: Option<bool>,
}

/// The lists the page ticked (the core's defaults when it sent none), and the DQS key.
fn blocklist_config(js: &JsOptions) -> crate::checks::reputation::BlocklistConfig {
    let mut config = crate::checks::reputation::BlocklistConfig {
        spamhaus_dqs_key: js.dqs_key.clone().filter(|k| !k.trim().is_empty()),
        ..Default::default()
    };
    if let Some(ticked) = &js.blocklists {
        config.choose(ticked);
    }
    config
}

/// Reports cross as JSON text, parsed by the browser unless `text` asks for the text itself:
/// serde_json's one serializer per type is smaller than serde-wasm-bindgen's object building,
/// and faster (measured: see ARCHITECTURE.md).
fn to_js<T: Serialize>(value: &T, text: bool) -> Result<JsValue, JsError> {
    // Room for a typical report at once (17 KB for the 3.4 KB sample): serde_json::to_string
    // starts at 128 bytes and grows by doubling, copying the text each time.
    let mut bytes = Vec::with_capacity(32 * 1024);
    serde_json::to_writer(&mut bytes, value)
        .map_err(|e| JsError::new(&format!("cannot convert the report: {e}")))?;
    let json = String::from_utf8(bytes)
        .map_err(|e| JsError::new(&format!("cannot convert the report: {e}")))?;
    if text {
        return Ok(JsValue::from_str(&json));
    }
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("cannot convert the report"))
}

/// The DoH endpoint of a check that cannot run without live lookups (`what` names it).
fn live_endpoint(js: &JsOptions, core: &Options, what: &str) -> Result<String, JsError> {
    match &js.doh {
        Some(url) if !url.is_empty() && core.live => Ok(url.clone()),
        _ => Err(JsError::new(&format!(
            "{what} needs live lookups and a DoH endpoint (options.doh)"
        ))),
    }
}

fn read_options(options: JsValue) -> Result<(JsOptions, Options, i64), JsError> {
    let js: JsOptions = if options.is_undefined() || options.is_null() {
        JsOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options)
            .map_err(|e| JsError::new(&format!("invalid options: {e}")))?
    };
    let defaults = Options::default();
    let core = Options {
        live: js.live.unwrap_or(true),
        query_timeout_ms: js.timeout_ms.unwrap_or(defaults.query_timeout_ms),
        max_queries: js.max_queries.unwrap_or(defaults.max_queries).min(1000),
        charset_decoder: Some(text_decoder),
        blocklists: blocklist_config(&js),
        body_links: js.body_links.unwrap_or(true),
    };
    let now = js.now.unwrap_or_else(js_sys::Date::now) as i64;
    Ok((js, core, now))
}

/// Decodes text in any WHATWG charset with the browser's TextDecoder (the wasm build leaves out
/// mail-parser's multi-byte tables). Invalid sequences become U+FFFD; an unknown label is None.
fn text_decoder(label: &str, bytes: &[u8]) -> Option<String> {
    let options = web_sys::TextDecoderOptions::new();
    options.set_fatal(false);
    let decoder = web_sys::TextDecoder::new_with_label_and_options(label, &options).ok()?;
    decoder.decode_with_u8_array(bytes).ok()
}

/// Analyzes without any lookup; returns the report at once.
#[wasm_bindgen(js_name = analyzeOffline, unchecked_return_type = "Report")]
pub fn analyze_offline(input: &str, options: JsValue) -> Result<JsValue, JsError> {
    let (js, mut core, now) = read_options(options)?;
    core.live = false;
    to_js(
        &Analysis::new(input.as_bytes(), now, core).finish(),
        js.text.unwrap_or(false),
    )
}

/// Analyzes with live lookups through the DoH endpoint in `options.doh`. Calls `onProgress`
/// with a snapshot report when the lookups start and after each answer; an aborted `signal`
/// stops the lookups still running (they are reported as "could not check").
#[wasm_bindgen(js_name = analyze, unchecked_return_type = "Report")]
pub async fn analyze(
    input: String,
    #[wasm_bindgen(unchecked_param_type = "AnalyzeOptions | undefined")] options: JsValue,
    on_progress: Option<js_sys::Function>,
    signal: Option<AbortSignal>,
) -> Result<JsValue, JsError> {
    let (js, core, now) = read_options(options)?;
    let endpoint = match (&js.doh, core.live) {
        (Some(url), true) if !url.is_empty() => url.clone(),
        (_, true) => {
            return Err(JsError::new(
                "live lookups need a DoH endpoint (options.doh)",
            ));
        }
        _ => String::new(),
    };
    let text = js.text.unwrap_or(false);
    let analysis = Analysis::new(input.as_bytes(), now, core);
    drive(analysis, endpoint, on_progress, signal, text).await
}

/// Checks a domain's mail set-up (no message): SPF, DMARC, DKIM keys at `options.selectors`,
/// MX, MTA-STS, TLS-RPT, BIMI and the blocklists, through the DoH endpoint in `options.doh`.
/// Progress and stopping as for `analyze`.
#[wasm_bindgen(js_name = checkDomain, unchecked_return_type = "DomainCheckReport")]
pub async fn check_domain(
    domain: String,
    #[wasm_bindgen(unchecked_param_type = "AnalyzeOptions | undefined")] options: JsValue,
    on_progress: Option<js_sys::Function>,
    signal: Option<AbortSignal>,
) -> Result<JsValue, JsError> {
    let (js, core, now) = read_options(options)?;
    let endpoint = live_endpoint(&js, &core, "a domain check")?;
    let selectors = js.selectors.clone().unwrap_or_default();
    let run = crate::engine::domain_run::DomainAnalysis::new(&domain, &selectors, now, &core);
    drive(run, endpoint, on_progress, signal, js.text.unwrap_or(false)).await
}

/// "Would this IP pass SPF for this sender?": SPF evaluated now (RFC 7208) for `ip` and
/// `sender` (an address, or a domain: then postmaster@ the domain), through the DoH endpoint
/// in `options.doh`; the result with its trace, the record's problems and what receivers
/// would do. Progress and stopping as for `analyze`.
#[wasm_bindgen(js_name = checkSpf)]
pub async fn check_spf(
    ip: String,
    sender: String,
    options: JsValue,
    on_progress: Option<js_sys::Function>,
    signal: Option<AbortSignal>,
) -> Result<JsValue, JsError> {
    let (js, core, now) = read_options(options)?;
    let endpoint = live_endpoint(&js, &core, "an SPF check")?;
    let ip: core::net::IpAddr = ip
        .trim()
        .trim_matches(|c| c == '[' || c == ']')
        .parse()
        .map_err(|_| JsError::new("not an IPv4 or IPv6 address"))?;
    let mail_from = crate::engine::spf_run::mail_from_of(&sender)
        .ok_or_else(|| JsError::new("not an e-mail address or domain"))?;
    let run = crate::engine::spf_run::SpfRun::new(ip, &mail_from, now, &core);
    drive(run, endpoint, on_progress, signal, js.text.unwrap_or(false)).await
}

/// Runs any sans-IO session to the end with fetch: every ready query at once, progress after
/// each answer, stopped lookups reported as "could not check".
async fn drive<S: crate::engine::lookups::Session>(
    mut session: S,
    endpoint: String,
    on_progress: Option<js_sys::Function>,
    signal: Option<AbortSignal>,
    text: bool,
) -> Result<JsValue, JsError>
where
    S::Output: Serialize,
{
    let progress = |report: &S::Output| {
        if let Some(callback) = &on_progress
            && let Ok(value) = to_js(report, text)
        {
            let _ = callback.call1(&JsValue::NULL, &value);
        }
    };
    let mut pending = FuturesUnordered::new();
    let mut answered = false;
    loop {
        // Verifications take WebCrypto a moment, so they are awaited here, between answers
        // (the lookups in flight go on meanwhile); a verdict can make new work: look again.
        let requests = session.poll_verifications();
        if !requests.is_empty() {
            for (id, verdict) in verify_all(requests).await {
                session.handle_verdict(id, verdict);
            }
            progress(&session.snapshot());
            continue;
        }
        // New questions go out before the snapshot is made: a snapshot takes a moment. A future
        // does nothing until it is polled, so the new lookups are polled once here, which calls
        // fetch for each of them; an answer ready at once is taken as any other.
        let mut queries = session.poll_queries();
        // fetch is called once per question, a millisecond or two apart in a worker; questions
        // whose answer can ask more (a PTR's names, an MX's hosts, an SPF record's includes, a
        // DMARC walk) go out before the ones whose answer ends there (addresses), so that the
        // next round starts sooner. The core's order is kept within each group.
        queries.sort_by_key(|q| match q.question.rtype {
            RecordType::Ptr | RecordType::Mx | RecordType::Cname | RecordType::Ns => 0,
            RecordType::Txt => 1,
            _ => 2,
        });
        let sent = !queries.is_empty();
        for query in queries {
            pending.push(lookup(endpoint.clone(), query, signal.clone()));
        }
        if sent {
            let mut ready = false;
            while let Some(Some((id, outcome))) = pending.next().now_or_never() {
                session.handle_answer(id, outcome);
                ready = true;
            }
            if ready {
                // Answers can make new questions: look again before waiting.
                answered = true;
                continue;
            }
        }
        if sent || answered {
            progress(&session.snapshot());
        }
        match pending.next().await {
            Some((id, outcome)) => {
                session.handle_answer(id, outcome);
                // Answers that arrived meanwhile are taken too: one snapshot per batch.
                while let Some(Some((id, outcome))) = pending.next().now_or_never() {
                    session.handle_answer(id, outcome);
                }
                answered = true;
            }
            None => break,
        }
    }
    to_js(&session.finish(), text)
}

/// The version of the core.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

async fn lookup(
    endpoint: String,
    query: Query,
    signal: Option<AbortSignal>,
) -> (QueryId, Result<Answer, DnsError>) {
    let outcome = fetch_answer(&endpoint, &query, signal.as_ref()).await;
    (query.id, outcome)
}

/// The verdicts on a session's verification requests, one after the other (not generic, so
/// each session type's driver shares it).
async fn verify_all(requests: Vec<VerifyRequest>) -> Vec<(VerifyId, Verdict)> {
    let mut out = Vec::with_capacity(requests.len());
    for request in requests {
        out.push((request.id, webcrypto_verify(&request.check).await));
    }
    out
}

#[wasm_bindgen]
extern "C" {
    // WebCrypto, in a window or a worker. Without `crypto.subtle` (an insecure context) the
    // call throws, which `catch` turns into an error.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = importKey, catch)]
    fn import_key(
        format: &str,
        key: &[u8],
        algorithm: &str,
        extractable: bool,
        usages: &js_sys::Array,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = verify, catch)]
    fn subtle_verify(
        algorithm: &str,
        key: &JsValue,
        signature: &[u8],
        data: &[u8],
    ) -> Result<js_sys::Promise, JsValue>;
}

/// Verifies a signature with WebCrypto (`crypto.subtle.importKey` + `verify`; the byte views
/// are copied by WebCrypto when called). A browser without the algorithm (importKey rejects
/// with NotSupportedError) or without `crypto.subtle` gives [`Verdict::Unsupported`]; a key
/// WebCrypto refuses as data (not a valid point) makes the signature invalid, as natively.
pub async fn webcrypto_verify(check: &SignatureCheck) -> Verdict {
    let algorithm = match check.algorithm {
        SignatureAlgorithm::Ed25519 => "Ed25519",
    };
    let usages = js_sys::Array::of1(&"verify".into());
    let key = match import_key("raw", &check.key, algorithm, false, &usages) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    let key = match key {
        Ok(key) => key,
        Err(e) => {
            let name = js_sys::Reflect::get(&e, &"name".into()).ok();
            return match name.and_then(|n| n.as_string()).as_deref() {
                Some("DataError") => Verdict::Invalid,
                _ => Verdict::Unsupported,
            };
        }
    };
    let verified = match subtle_verify(algorithm, &key, &check.signature, &check.message) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    match verified.map(|v| v.as_bool()) {
        Ok(Some(true)) => Verdict::Valid,
        Ok(Some(false)) => Verdict::Invalid,
        _ => Verdict::Unsupported,
    }
}

async fn fetch_answer(
    endpoint: &str,
    query: &Query,
    stop: Option<&AbortSignal>,
) -> Result<Answer, DnsError> {
    if stop.is_some_and(AbortSignal::aborted) {
        return Err(DnsError::Stopped);
    }
    let url = wire::get_url(endpoint, &query.question)?;
    let timeout = AbortSignal::timeout_with_u32(query.timeout_ms);
    let signal = match stop {
        Some(stop) => AbortSignal::any(&js_sys::Array::of2(stop, &timeout)),
        None => timeout.clone(),
    };
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    // A redirect is an error: the question goes to the endpoint chosen, and nowhere else.
    init.set_redirect(RequestRedirect::Error);
    init.set_signal(Some(&signal));
    let request =
        Request::new_with_str_and_init(&url, &init).map_err(|e| DnsError::Network(describe(&e)))?;
    let _ = request.headers().set("accept", wire::MEDIA_TYPE);
    let failed = |e: JsValue| {
        if stop.is_some_and(AbortSignal::aborted) {
            DnsError::Stopped
        } else if timeout.aborted() {
            DnsError::Timeout
        } else {
            DnsError::Network(describe(&e))
        }
    };
    let response: Response = JsFuture::from(global_fetch(&request))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| DnsError::Network("fetch did not return a response".into()))?;
    if !response.ok() {
        return Err(DnsError::Http(response.status()));
    }
    let too_large = || DnsError::Malformed("the response is too large".into());
    // A declared length over the limit is refused before a byte of the body is read.
    if let Ok(Some(length)) = response.headers().get("content-length")
        && length
            .trim()
            .parse::<u64>()
            .map_or(true, |n| n > wire::MAX_MESSAGE as u64)
    {
        return Err(too_large());
    }
    // The body is read chunk by chunk and given up (the stream cancelled) as soon as it is
    // longer than a DNS message can be, whatever the header said.
    let Some(body) = response.body() else {
        return Err(DnsError::Malformed("the response has no body".into()));
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(failed)?;
        if js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .is_some_and(|d| d.is_truthy())
        {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &JsValue::from_str("value")).unwrap_or_default();
        let Some(part) = value.dyn_ref::<js_sys::Uint8Array>() else {
            let _ = reader.cancel();
            return Err(DnsError::Malformed("the response body is not bytes".into()));
        };
        if bytes.len() + part.length() as usize > wire::MAX_MESSAGE {
            let _ = reader.cancel();
            return Err(too_large());
        }
        let start = bytes.len();
        bytes.resize(start + part.length() as usize, 0);
        part.copy_to(&mut bytes[start..]);
    }
    wire::decode_response(&bytes, &query.question)
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "request failed".into())
}

thread_local! {
    static PANIC_HANDLER: std::cell::RefCell<Option<js_sys::Function>> =
        const { std::cell::RefCell::new(None) };
}

/// Registers a function called with the message when the core panics (after which this
/// instance of the module must not be used again; load a fresh one).
#[wasm_bindgen(js_name = setPanicHandler)]
pub fn set_panic_handler(handler: js_sys::Function) {
    PANIC_HANDLER.with(|h| *h.borrow_mut() = Some(handler));
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info.to_string();
        PANIC_HANDLER.with(|h| {
            if let Ok(guard) = h.try_borrow()
                && let Some(handler) = guard.as_ref()
            {
                let _ = handler.call1(&JsValue::NULL, &JsValue::from_str(&message));
            }
        });
    }));
}

/// Panics on purpose. It exists so that tests can check that a crash of the core leaves the
/// page working; nothing in the product calls it.
#[wasm_bindgen(js_name = crashForTest)]
pub fn crash_for_test() {
    panic!("crash requested by crashForTest");
}

/// `Report`, `DomainCheckReport` and every type they use, generated from
/// docs/report.schema.json and docs/domain-report.schema.json by scripts/schema-to-ts.mjs (a
/// test keeps the file current). Like the section at the top, it reaches only
/// pkg/mailtrace.d.ts: wasm-bindgen takes it out of the .wasm.
#[wasm_bindgen(typescript_custom_section)]
const TS_REPORT_TYPES: &str = include_str!("wasm_types.d.ts");
