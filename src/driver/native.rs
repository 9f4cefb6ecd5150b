//! The native driver: DNS-over-HTTPS (RFC 8484, GET, wire format) with a blocking HTTP client,
//! queries sent in parallel on threads, answers handed to the analysis as they arrive; signature
//! verifications answered at once by [`crate::driver::verify::NativeVerifier`].

use crate::dns::verify::Verifier;
use crate::dns::{Answer, DnsError, Question, Resolver, wire};
use crate::driver::verify::NativeVerifier;
use crate::engine::lookups::Session;
use std::io::Read;
use std::sync::mpsc;
use std::time::Duration;

/// A DoH client.
#[derive(Debug, Clone)]
pub struct DohClient {
    endpoint: String,
    client: reqwest::blocking::Client,
}

impl DohClient {
    /// A client for a DoH endpoint URL (`https://.../dns-query`, or `http://` on loopback).
    pub fn new(endpoint: &str) -> Result<DohClient, String> {
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(format!(
                "the DoH endpoint must be an http(s) URL, not {:?}",
                crate::vocab::text::clip_ellipsis(endpoint, 80)
            ));
        }
        // A DoH server has no reason to redirect: follow at most three redirects, and only to
        // the same host (a redirect elsewhere would send the questions, and a DQS key in them,
        // to a server nobody chose).
        let client = reqwest::blocking::Client::builder()
            .user_agent(concat!("mailtrace/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same_host = attempt
                    .previous()
                    .first()
                    .is_some_and(|first| first.host_str() == attempt.url().host_str());
                if same_host && attempt.previous().len() <= 3 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {}", e.without_url()))?;
        Ok(DohClient {
            endpoint: endpoint.to_string(),
            client,
        })
    }
}

impl Resolver for DohClient {
    fn lookup(&self, question: &Question, timeout_ms: u32) -> Result<Answer, DnsError> {
        let url = wire::get_url(&self.endpoint, question)?;
        let response = self
            .client
            .get(url)
            .header("accept", wire::MEDIA_TYPE)
            .timeout(Duration::from_millis(u64::from(timeout_ms)))
            .send()
            .map_err(|e| {
                if e.is_timeout() {
                    DnsError::Timeout
                } else {
                    // Never the request URL: it carries the question (and a DQS key in it).
                    DnsError::Network(e.without_url().to_string())
                }
            })?;
        let status = response.status();
        if status.is_redirection() {
            return Err(DnsError::Network(
                "the DoH server redirected to another host; not followed".into(),
            ));
        }
        if !status.is_success() {
            return Err(DnsError::Http(status.as_u16()));
        }
        // Read at most one byte more than a DNS message can be, whatever the server sends.
        let mut body = Vec::new();
        response
            .take(wire::MAX_MESSAGE as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::TimedOut {
                    DnsError::Timeout
                } else {
                    DnsError::Network("the response could not be read".into())
                }
            })?;
        if body.len() > wire::MAX_MESSAGE {
            return Err(DnsError::Malformed("the response is too large".into()));
        }
        wire::decode_response(&body, question)
    }
}

/// Runs an analysis to the end, sending every ready query at once on its own thread and
/// handing each answer back as it arrives (so a slow lookup holds up only what depends on it).
pub fn run_parallel<S: Session, R: Resolver + Clone + Send + 'static>(
    mut analysis: S,
    resolver: &R,
) -> S::Output {
    let (sender, receiver) = mpsc::channel();
    let mut in_flight = 0usize;
    loop {
        // Verifications are answered at once; a verdict can make more work, so until none is left.
        loop {
            let requests = analysis.poll_verifications();
            if requests.is_empty() {
                break;
            }
            for request in requests {
                analysis.handle_verdict(request.id, NativeVerifier.verify(&request.check));
            }
        }
        for query in analysis.poll_queries() {
            let sender = sender.clone();
            let resolver = resolver.clone();
            in_flight += 1;
            std::thread::spawn(move || {
                let outcome = resolver.lookup(&query.question, query.timeout_ms);
                let _ = sender.send((query.id, outcome));
            });
        }
        if in_flight == 0 {
            break;
        }
        match receiver.recv() {
            Ok((id, outcome)) => {
                in_flight -= 1;
                analysis.handle_answer(id, outcome);
            }
            Err(_) => break,
        }
    }
    analysis.finish()
}
