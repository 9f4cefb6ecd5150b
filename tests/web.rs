//! The real wasm module in headless Chromium (wasm-bindgen-test), with DNS through the loopback
//! DoH server over the browser's fetch. `scripts/test.sh` builds these with MAILTRACE_TEST_DOH
//! set to that server's endpoint.
#![cfg(target_arch = "wasm32")]

use mailtrace::Report;
use mailtrace::driver::wasm::{analyze, analyze_offline};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &str = include_str!("samples/postfix-inbound.eml");

fn doh() -> String {
    match option_env!("MAILTRACE_TEST_DOH") {
        Some(url) => url.to_string(),
        None => panic!(
            "MAILTRACE_TEST_DOH was not set when these tests were built; run scripts/test.sh"
        ),
    }
}

fn options(doh: &str, timeout_ms: u32) -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"doh".into(), &doh.into()).unwrap();
    js_sys::Reflect::set(&o, &"timeoutMs".into(), &timeout_ms.into()).unwrap();
    js_sys::Reflect::set(&o, &"now".into(), &1_704_189_600_000f64.into()).unwrap();
    o.into()
}

fn report(value: JsValue) -> Report {
    serde_wasm_bindgen::from_value(value).expect("a report")
}

#[wasm_bindgen_test]
async fn ptr_comes_from_the_loopback_doh_server_through_fetch() {
    let progress = js_sys::Array::new();
    let sink = progress.clone();
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(move |r: JsValue| {
        sink.push(&r);
    });
    let value = analyze(
        SAMPLE.to_string(),
        options(&doh(), 5000),
        Some(callback.as_ref().clone().into()),
        None,
    )
    .await
    .expect("analysis");
    let report = report(value);
    let rdns = report.reverse_dns.expect("reverse DNS");
    assert_eq!(rdns.names, vec!["mail.sender.example".to_string()]);
    let mut questions: Vec<_> = report.dns.iter().map(|d| d.question.clone()).collect();
    let asked = questions.len();
    questions.sort();
    questions.dedup();
    assert_eq!(questions.len(), asked, "no question asked twice");
    assert!(
        report
            .dns
            .iter()
            .all(|d| d.status == mailtrace::dns::ExchangeStatus::Answered),
        "every lookup answered by the loopback server"
    );
    let auth = report.auth.expect("live authentication");
    assert_eq!(auth.dmarc.state, mailtrace::report::live::CheckState::Done);
    assert!(report.complete);
    // Progress: first a snapshot with the lookup pending, then one with its answer.
    assert!(progress.length() >= 2);
    let first = report_of(progress.get(0));
    assert!(!first.complete);
    assert_eq!(
        first.reverse_dns.unwrap().status,
        mailtrace::report::LookupStatus::Pending
    );
}

fn report_of(value: JsValue) -> Report {
    report(value)
}

#[wasm_bindgen_test]
async fn a_missing_ptr_and_an_unreachable_server_are_told_apart() {
    let noptr = SAMPLE.replace("203.0.113.5", "198.51.100.99");
    let none = report(
        analyze(noptr, options(&doh(), 5000), None, None)
            .await
            .unwrap(),
    );
    assert_eq!(
        none.reverse_dns.unwrap().status,
        mailtrace::report::LookupStatus::None
    );
    // Port 9 on loopback: nothing listens, the fetch fails: could not check, not "none".
    let down = report(
        analyze(
            SAMPLE.to_string(),
            options("http://127.0.0.1:9/dns-query", 2000),
            None,
            None,
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        down.reverse_dns.unwrap().status,
        mailtrace::report::LookupStatus::Temperror
    );
}

#[wasm_bindgen_test]
async fn an_aborted_signal_stops_the_lookups() {
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let stopped = report(
        analyze(
            SAMPLE.to_string(),
            options(&doh(), 5000),
            None,
            Some(controller.signal()),
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        stopped.dns[0].error,
        Some(mailtrace::dns::DnsError::Stopped)
    );
}

#[wasm_bindgen_test]
fn offline_analysis() {
    let value = analyze_offline(SAMPLE, options("", 0)).unwrap();
    let report = report(value);
    assert!(!report.live);
    assert_eq!(report.hops.len(), 3);
    assert_eq!(report.delivery_ms, Some(7_000));
    assert_eq!(
        report.message.subject.as_deref(),
        Some("Quarterly report – Q4")
    );
    assert_eq!(report.sending_ip.unwrap().ip.to_string(), "203.0.113.5");
}

#[wasm_bindgen_test]
fn bad_input_gives_a_report_in_wasm_too() {
    let garbage: String = (0..20_000u32)
        .map(|i| char::from_u32(i % 0x2FF + 1).unwrap_or('x'))
        .collect();
    for input in ["", "no colon here", garbage.as_str()] {
        let report = report(analyze_offline(input, JsValue::UNDEFINED).unwrap());
        assert!(report.complete);
    }
}

#[wasm_bindgen_test]
fn multi_byte_charsets_decode_through_the_browser() {
    // EUC-KR and ISO-2022-JP: charsets whose tables the wasm build leaves to TextDecoder.
    let input = "Subject: =?EUC-KR?B?sNTAuLinKGxhemluZXNzKQ==?=\nFrom: =?ISO-2022-JP?B?GyRCO244MxsoQg==?= <a@example.jp>\n";
    let report = report(analyze_offline(input, JsValue::UNDEFINED).unwrap());
    assert_eq!(report.message.subject.as_deref(), Some("게으름(laziness)"));
    assert_eq!(report.message.from.unwrap().name.as_deref(), Some("試験"));
    let subject = &report.headers[0];
    assert_eq!(subject.decoded.as_deref(), Some("게으름(laziness)"));
}

/// RFC 8032 section 7.1 TEST 1 (the empty message), and one changed byte.
#[wasm_bindgen_test]
async fn webcrypto_verifies_ed25519() {
    use mailtrace::dns::verify::{SignatureAlgorithm, SignatureCheck, Verdict};
    use mailtrace::driver::wasm::webcrypto_verify;
    let hex = |t: &str| -> Vec<u8> {
        (0..t.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&t[i..i + 2], 16).unwrap())
            .collect()
    };
    let check = SignatureCheck {
        algorithm: SignatureAlgorithm::Ed25519,
        key: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
        message: Vec::new(),
        signature: hex(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
    };
    assert_eq!(webcrypto_verify(&check).await, Verdict::Valid);
    let mut tampered = check.clone();
    tampered.message = b"x".to_vec();
    assert_eq!(webcrypto_verify(&tampered).await, Verdict::Invalid);
}

const ED25519: &str = include_str!("dkim/ed25519.eml");
const ED25519_TAMPERED: &str = include_str!("dkim/ed25519-tampered.eml");

/// An ed25519-sha256 DKIM signature (RFC 8463; signed by dkimpy with tests/keys'
/// ed25519-mt2026.key, its key served by the loopback DoH server from tests/zones/dkim.zone)
/// verified in the browser through the core's verification request and WebCrypto; the same
/// message with its Subject changed fails.
#[wasm_bindgen_test]
async fn an_ed25519_dkim_signature_is_verified_with_webcrypto() {
    use mailtrace::checks::dkim::{Check, DkimResult};
    let at = |input: &str| {
        let o = options(&doh(), 5000);
        // 11 March 2026, the day after signing.
        js_sys::Reflect::set(&o, &"now".into(), &1_773_224_400_000f64.into()).unwrap();
        analyze(input.to_string(), o, None, None)
    };
    let signature = |r: Report| {
        let dkim = r.auth.expect("live authentication").dkim;
        assert_eq!(dkim.state, mailtrace::report::live::CheckState::Done);
        dkim.signatures.into_iter().next().expect("one signature")
    };
    let good = signature(report(at(ED25519).await.unwrap()));
    assert_eq!(good.algorithm, "ed25519-sha256");
    assert_eq!(good.header_signature, Check::Verified, "{}", good.summary);
    assert_eq!(good.body, Check::Verified);
    assert_eq!(good.result, DkimResult::Pass, "{}", good.summary);
    let bad = signature(report(at(ED25519_TAMPERED).await.unwrap()));
    assert_eq!(bad.header_signature, Check::Failed, "{}", bad.summary);
    assert_eq!(bad.result, DkimResult::Fail);
}
