//! Unit tests of the analysis: the chain and sending IP, lookups that fail, offline runs,
//! snapshots, stray answers, bad input, which recorded results are trusted, decoded names.

use super::*;
use crate::dns::zone::MemoryResolver;
use crate::dns::{RecordType, Resolver};

const SAMPLE: &str = "Received: from mx.example.net (mx.example.net [10.0.0.5])\n by inbox.example.net with LMTP id abc; Tue, 2 Jan 2024 10:00:05 +0000\nReceived: from mail.sender.example (mail.sender.example [203.0.113.5])\n by mx.example.net (Postfix) with ESMTPS id 4XYZ for <u@example.net>; Tue, 2 Jan 2024 10:00:02 +0000\nReceived: from [192.168.1.20] (unknown [198.51.100.77])\n by mail.sender.example with ESMTPSA id q1; Tue, 2 Jan 2024 09:59:58 +0000\nFrom: Ann <ann@sender.example>\nTo: u@example.net\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nDate: Tue, 2 Jan 2024 09:59:57 +0000\nMessage-ID: <1@sender.example>\n\nbody\n";

/// Options with live lookups off.
fn offline() -> Options {
    Options {
        live: false,
        ..Options::default()
    }
}

fn run(input: &str, resolver: &MemoryResolver, options: Options) -> (Report, usize) {
    let mut analysis = Analysis::new(input.as_bytes(), 1_704_189_600_000, options);
    let mut asked = 0;
    for _ in 0..100 {
        let queries = analysis.poll_queries();
        if queries.is_empty() {
            break;
        }
        for q in queries {
            asked += 1;
            let outcome = resolver.lookup(&q.question, q.timeout_ms);
            analysis.handle_answer(q.id, outcome);
        }
    }
    assert!(analysis.is_finished());
    (analysis.finish(), asked)
}

#[test]
fn chain_summary_and_sending_ip() {
    let zone =
        MemoryResolver::from_zone("5.113.0.203.in-addr.arpa. PTR mail.sender.example.").unwrap();
    let (report, asked) = run(SAMPLE, &zone, Options::default());
    assert_eq!(asked, report.dns.len(), "each question asked once");
    assert!(
        report
            .dns
            .iter()
            .any(|d| d.question.name == "5.113.0.203.in-addr.arpa")
    );
    assert_eq!(report.hops.len(), 3);
    assert_eq!(report.hops[0].ip, Some("198.51.100.77".parse().unwrap()));
    assert_eq!(report.hops[1].delay_ms, Some(4_000));
    assert_eq!(report.delivery_ms, Some(7_000));
    let sending = report.sending_ip.unwrap();
    assert_eq!(
        (sending.ip.to_string().as_str(), sending.hop),
        ("203.0.113.5", 2)
    );
    assert!(report.hops[2].internal && !report.hops[1].internal);
    let rdns = report.reverse_dns.unwrap();
    assert_eq!(
        (rdns.status, rdns.names),
        (LookupStatus::Found, vec!["mail.sender.example".to_string()])
    );
    assert_eq!(report.message.subject.as_deref(), Some("Grüße"));
    assert_eq!(
        report.message.from.unwrap().address.as_deref(),
        Some("ann@sender.example")
    );
    assert_eq!(
        report.message.date.unwrap().epoch_ms,
        Some(1_704_189_597_000)
    );
    assert!(
        report
            .dns
            .iter()
            .all(|d| d.status == crate::dns::ExchangeStatus::Answered)
    );
}

#[test]
fn failures_are_could_not_check_never_fail() {
    let mut zone = MemoryResolver::new();
    zone.set(
        Question::new("5.113.0.203.in-addr.arpa", RecordType::Ptr),
        Err(DnsError::Timeout),
    );
    let (report, _) = run(SAMPLE, &zone, Options::default());
    let rdns = report.reverse_dns.unwrap();
    assert_eq!(rdns.status, LookupStatus::Temperror);
    assert!(report.findings.iter().any(|f| f.code == "rdns.temperror"));
    assert!(!report.findings.iter().any(|f| f.code == "rdns.missing"));

    let mut servfail = MemoryResolver::new();
    servfail.set(
        Question::new("5.113.0.203.in-addr.arpa", RecordType::Ptr),
        Ok(Answer {
            rcode: Rcode::ServFail,
            records: vec![],
        }),
    );
    let (report, _) = run(SAMPLE, &servfail, Options::default());
    assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::Temperror);
}

#[test]
fn missing_ptr_is_a_finding() {
    let (report, _) = run(SAMPLE, &MemoryResolver::new(), Options::default());
    assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::None);
    assert!(report.findings.iter().any(|f| f.code == "rdns.missing"));
}

#[test]
fn offline_asks_nothing_and_says_skipped() {
    let options = Options {
        live: false,
        ..Options::default()
    };
    let (report, asked) = run(SAMPLE, &MemoryResolver::new(), options);
    assert_eq!(asked, 0);
    assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::Skipped);
    assert!(report.dns.is_empty());
}

#[test]
fn snapshots_show_pending_and_unanswered_becomes_stopped() {
    let mut analysis = Analysis::new(SAMPLE.as_bytes(), 0, Options::default());
    let queries = analysis.poll_queries();
    assert!(
        queries
            .iter()
            .any(|q| q.question == Question::reverse("203.0.113.5".parse().unwrap()))
    );
    assert!(
        analysis.poll_queries().is_empty(),
        "a query is handed out once"
    );
    let snap = analysis.snapshot();
    assert!(!snap.complete);
    assert_eq!(snap.reverse_dns.unwrap().status, LookupStatus::Pending);
    let report = analysis.finish();
    assert!(report.complete);
    assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::Temperror);
    assert_eq!(report.dns[0].error, Some(DnsError::Stopped));
}

#[test]
fn stray_answers_are_ignored() {
    let mut analysis = Analysis::new(SAMPLE.as_bytes(), 0, Options::default());
    analysis.handle_answer(QueryId(99), Err(DnsError::Timeout));
    let q = analysis.poll_query().unwrap();
    analysis.handle_answer(q.id, Ok(Answer::nxdomain()));
    analysis.handle_answer(q.id, Err(DnsError::Timeout));
    let report = analysis.finish();
    assert_eq!(report.reverse_dns.unwrap().status, LookupStatus::None);
}

#[test]
fn bad_input_gives_a_report() {
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0xff; 1000],
        b"no colon anywhere".to_vec(),
        format!("Received: {}\n", "x".repeat(100_000)).into_bytes(),
        "Received: from a (b [192.0.2.1]) by c; Tue, 2 Jan 2024 10:00:00 +0000\n"
            .repeat(10_000)
            .into_bytes(),
    ];
    for input in inputs {
        let report = Analysis::new(&input, 0, Options::default()).finish();
        assert!(report.hops.len() <= MAX_HOPS);
        assert!(!report.findings.is_empty() || !report.hops.is_empty());
    }
    let empty = Analysis::new(b"", 0, Options::default()).finish();
    assert!(empty.findings.iter().any(|f| f.code == "input.no-headers"));
}

#[test]
fn only_the_receivers_own_authentication_results_are_trusted() {
    let input = "Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=ann@sender.example\n\
Authentication-Results: evil.example; dkim=pass header.d=sender.example\n\
Received: from mail.sender.example (mail.sender.example [203.0.113.5]) by mx.example.net with ESMTPS id 1; Tue, 2 Jan 2024 10:00:02 +0000\n\
Authentication-Results: mx.example.net; dmarc=pass header.from=sender.example\n\
Received: from [192.168.1.20] (unknown [198.51.100.77]) by mail.sender.example with ESMTPSA id 2; Tue, 2 Jan 2024 10:00:00 +0000\n\
Authentication-Results: mx.example.net; dkim=fail header.d=sender.example\n\
ARC-Authentication-Results: i=1; mx.example.net; spf=fail smtp.mailfrom=ann@sender.example\n";
    let report = Analysis::new(
        input.as_bytes(),
        0,
        Options {
            live: false,
            ..Options::default()
        },
    )
    .finish();
    let trust: Vec<(bool, Option<u32>)> = report
        .recorded_auth
        .iter()
        .map(|r| (r.trusted, r.arc_instance))
        .collect();
    // Above the sender's own Received: the receiver's (even just below its Received, as
    // Gmail writes it); a foreign authserv-id, or anything below that line: not trusted.
    assert_eq!(
        trust,
        [
            (true, None),
            (false, None),
            (true, None),
            (false, None),
            (false, Some(1))
        ]
    );
    assert_eq!(report.recorded_auth[0].parsed.results[0].result, "fail");
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"recorded.spf-fail"));
    assert!(
        !codes.contains(&"recorded.dkim-fail"),
        "a field the sender could have written makes no finding"
    );
}

#[test]
fn received_spf_provider_results_and_arc_are_read() {
    let input = "X-HE-DKIM-Result: fail (body hash mismatch)\n\
Received-SPF: softfail (mx.example.net: 203.0.113.5 is not permitted) client-ip=203.0.113.5; envelope-from=ann@sender.example\n\
Received: from mail.sender.example (mail.sender.example [203.0.113.5]) by mx.example.net with ESMTPS id 1; Tue, 2 Jan 2024 10:00:02 +0000\n\
Received-SPF: pass (forged) client-ip=203.0.113.5\n\
Received: from [192.168.1.20] (unknown [198.51.100.77]) by mail.sender.example with ESMTPSA id 2; Tue, 2 Jan 2024 10:00:00 +0000\n\
ARC-Seal: i=1; a=rsa-sha256; cv=pass; d=sender.example; s=k; b=x\n";
    let report = Analysis::new(
        input.as_bytes(),
        0,
        Options {
            live: false,
            ..Options::default()
        },
    )
    .finish();
    let spf: Vec<(&str, bool)> = report
        .recorded_spf
        .iter()
        .map(|s| (s.result.as_str(), s.trusted))
        .collect();
    assert_eq!(
        spf,
        [("softfail", true), ("pass", true)],
        "both stand above the sender's own Received"
    );
    assert_eq!(report.recorded_spf[0].key("client-ip"), Some("203.0.113.5"));
    let he = &report.recorded_auth[0];
    assert_eq!(
        (
            he.field.as_str(),
            he.parsed.results[0].method.as_str(),
            he.parsed.results[0].result.as_str()
        ),
        ("X-HE-DKIM-Result", "dkim", "fail")
    );
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"recorded.received-spf-softfail"));
    assert!(
        codes.contains(&"arc.broken"),
        "cv=pass at i=1, no AMS, no AAR: {codes:?}"
    );
}

#[test]
fn encoded_display_names_and_subjects_are_decoded() {
    let input = "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@example.be>\nTo: \"=?utf-8?Q?A=C3=B1a?=\" <ana@example.net>\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?Q?_aus?= Wien\n";
    let report = Analysis::new(input.as_bytes(), 0, Options::default()).finish();
    assert_eq!(
        report.message.from.unwrap().name.as_deref(),
        Some("André Pirard")
    );
    assert_eq!(report.message.subject.as_deref(), Some("Grüße aus Wien"));
    assert_eq!(
        report.headers[0].decoded.as_deref(),
        Some("André Pirard <pirard@example.be>")
    );
    assert_eq!(
        report.headers[0].value,
        "=?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@example.be>"
    );
}

/// RFC 5322 3.6.1: a long gap between Date and the first server, with every hop quick, is a
/// wait on the sender's device; a gap of a whole number of half hours is a clock or time-zone
/// error and is not said; the customer's sentence has its placeholders filled.
#[test]
fn a_wait_before_the_first_server_is_late_unless_it_is_a_time_zone() {
    let offline = offline();
    let with_date = |date: &str| SAMPLE.replace("Tue, 2 Jan 2024 09:59:57 +0000", date);
    let causes = |r: &Report| {
        r.diagnosis
            .as_ref()
            .map(|d| d.causes.iter().map(|c| c.code.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    // The first Received is 09:59:58; Date 3 h 6 min earlier.
    let (late, _) = run(
        &with_date("Tue, 2 Jan 2024 06:53:58 +0000"),
        &MemoryResolver::new(),
        offline.clone(),
    );
    assert!(
        causes(&late).contains(&"received.late-before-sending".to_string()),
        "{:?}",
        causes(&late)
    );
    let d = late.diagnosis.as_ref().unwrap();
    assert!(!d.summary.contains('{'), "{}", d.summary);
    assert!(d.summary.contains("3 h 6 min"), "{}", d.summary);
    // Exactly 3 h (a device clock in the wrong time zone) and 4 min (not late): nothing said.
    for date in [
        "Tue, 2 Jan 2024 06:59:58 +0000",
        "Tue, 2 Jan 2024 09:55:58 +0000",
    ] {
        let (r, _) = run(&with_date(date), &MemoryResolver::new(), offline.clone());
        assert!(
            !causes(&r).iter().any(|c| c.starts_with("received.late")),
            "{date}: {:?}",
            causes(&r)
        );
    }
}

/// iCloud's receiving hosts are named under me.com and its results under icloud.com: one
/// operator (data/received/families.tsv), so its Authentication-Results are the receiver's.
#[test]
fn an_operators_other_domain_wrote_the_recorded_results() {
    let message = |by: &str| {
        format!(
            "Authentication-Results: dmarc.icloud.com; dmarc=fail header.from=a.example\nReceived: from mail.a.example (mail.a.example [203.0.113.5])\n by {by} (Postfix) with ESMTPS id 1 for <u@icloud.com>; Tue, 2 Jan 2024 10:00:05 +0000\nFrom: Ann <ann@a.example>\nTo: u@icloud.com\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@a.example>\n\nbody\n"
        )
    };
    let offline = offline();
    let trusted = |by: &str| {
        let (r, _) = run(&message(by), &MemoryResolver::new(), offline.clone());
        r.recorded_auth.first().map(|a| a.trusted)
    };
    assert_eq!(trusted("ms31p00im-smtpin008.me.com"), Some(true));
    assert_eq!(trusted("mx.other-provider.example"), Some(false));
}

/// Yahoo and AOL name their receiving host by its address only ("by 10.217.150.12 with
/// SMTP"): an Authentication-Results field above that hop is the receiver's by where it stands.
/// Yahoo writes its own just below that hop, with Received-SPF and X-Apparently-To (a "View raw
/// message" pasted from Return-Path down has no web-view hop above naming yahoo.com): believed
/// there too, unless its writer names the sending side's servers or it stands below the next
/// hop. Above a hop whose receiving host is named, the usual rules hold.
#[test]
fn results_at_an_entry_named_only_by_address_are_the_receivers() {
    let yahoo = "Authentication-Results: atlas-production.v2-mail-prod1-gq1.omega.yahoo.com;\n dkim=none;\n spf=pass smtp.mailfrom=host.example;\n dmarc=fail(p=QUARANTINE) header.from=a.example;\n";
    let own =
        "Authentication-Results: relay.host.example;\n spf=pass smtp.mailfrom=host.example;\n";
    let message = |order: &str, by: &str, ar: &str| {
        let rcvd = format!(
            "Received: from 203.0.113.5 (EHLO relay.host.example)\n by {by} with SMTP; Tue, 2 Jan 2024 10:00:05 +0000\n"
        );
        let older = "Received: from app.host.example (app.host.example [10.0.0.5])\n by relay.host.example with ESMTP; Tue, 2 Jan 2024 10:00:02 +0000\n";
        let head = match order {
            "above" => format!("{ar}{rcvd}"),
            "below" => format!("{rcvd}{ar}"),
            "below-older" => format!("{rcvd}{ar}{older}"),
            _ => format!("{rcvd}{older}{ar}"),
        };
        format!(
            "{head}From: Ann <shop@a.example>\nTo: u@aol.example\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@host.example>\n\nbody\n"
        )
    };
    let offline = offline();
    let trusted = |order: &str, by: &str, ar: &str| {
        let (r, _) = run(
            &message(order, by, ar),
            &MemoryResolver::new(),
            offline.clone(),
        );
        r.recorded_auth.first().map(|a| a.trusted)
    };
    assert_eq!(trusted("above", "10.217.150.12", yahoo), Some(true));
    assert_eq!(trusted("below", "10.217.150.12", yahoo), Some(true));
    assert_eq!(trusted("below-older", "10.217.150.12", yahoo), Some(true));
    // Below the next hop: the sending side's part of the header.
    assert_eq!(trusted("under-older", "10.217.150.12", yahoo), Some(false));
    // Written by the sending server itself.
    assert_eq!(trusted("below", "10.217.150.12", own), Some(false));
    assert_eq!(trusted("below-older", "10.217.150.12", own), Some(false));
    assert_eq!(
        trusted("above", "mx.other-provider.example", yahoo),
        Some(false)
    );
}

/// Barracuda's MX hosts (ess.barracudanetworks.com) and the hosts that hand its filtered mail on
/// (outbound-ip*.ess.barracuda.com) are one gateway (data/received/families.tsv).
#[test]
fn a_gateways_other_domain_is_the_gateway_too() {
    let message = "Received: from outbound-ip103b.ess.barracuda.com (198.51.100.103)\n by mail.acme.example with ESMTPS id 1; Tue, 2 Jan 2024 10:00:05 +0000\nReceived: from mail.sender.example (mail.sender.example [203.0.113.5])\n by mx-inbound41-77.eu-west-2b.ess.aws.cudaops.com with ESMTPS id 2 for <u@acme.example>; Tue, 2 Jan 2024 10:00:02 +0000\nFrom: Ann <ann@sender.example>\nTo: u@acme.example\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@sender.example>\n\nbody\n";
    let ip = |report: &Report| report.sending_ip.as_ref().map(|s| s.ip.to_string());
    let with_mx = MemoryResolver::from_zone(
        "acme.example. MX 10 d418502a.ess.barracudanetworks.com.\nd418502a.ess.barracudanetworks.com. A 198.51.100.101",
    )
    .unwrap();
    let (report, _) = run(message, &with_mx, Options::default());
    assert_eq!(ip(&report).as_deref(), Some("203.0.113.5"));
    let elsewhere = MemoryResolver::from_zone(
        "acme.example. MX 10 in-1.filtercloud.example.\nin-1.filtercloud.example. A 198.51.100.1",
    )
    .unwrap();
    let (report, _) = run(message, &elsewhere, Options::default());
    assert_eq!(ip(&report).as_deref(), Some("198.51.100.103"));
}

/// A message through the recipient's inbound gateway (a host of the MX's organization) to the
/// company's own server: once the recipient domain's MX is known, the sending IP is the host
/// that handed the message to the gateway; not when the To domain's MX forwarded it elsewhere.
#[test]
fn an_inbound_gateway_of_the_recipient_domain_is_inside_the_boundary() {
    let message = |extra: &str| {
        format!(
            "{extra}Received: from out-7.filtercloud.example (out-7.filtercloud.example [198.51.100.7])\n by mail.acme.example with ESMTPS id 1; Tue, 2 Jan 2024 10:00:05 +0000\nReceived: from mail.sender.example (mail.sender.example [203.0.113.5])\n by in-3.filtercloud.example with ESMTPS id 2 for <u@acme.example>; Tue, 2 Jan 2024 10:00:02 +0000\nFrom: Ann <ann@sender.example>\nTo: u@acme.example\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@sender.example>\n\nbody\n"
        )
    };
    let ip = |report: &Report| report.sending_ip.as_ref().map(|s| s.ip.to_string());
    let without_mx = MemoryResolver::from_zone("acme.example. A 192.0.2.9").unwrap();
    let (report, _) = run(&message(""), &without_mx, Options::default());
    assert_eq!(ip(&report).as_deref(), Some("198.51.100.7"));
    let with_mx = MemoryResolver::from_zone(
        "acme.example. MX 10 in-1.filtercloud.example.\nin-1.filtercloud.example. A 198.51.100.1",
    )
    .unwrap();
    let (report, _) = run(&message(""), &with_mx, Options::default());
    assert_eq!(ip(&report).as_deref(), Some("203.0.113.5"));
    assert_eq!(report.hops.iter().filter(|h| h.internal).count(), 1);
    let (report, _) = run(
        &message("Delivered-To: someone@elsewhere.example\n"),
        &with_mx,
        Options::default(),
    );
    assert_eq!(ip(&report).as_deref(), Some("198.51.100.7"));
}

#[test]
fn a_masked_hop_from_outside_is_the_crossing() {
    // The recipient's server names the sender's gateway but its address is masked; below it the
    // sender's gateway received the message from a private address. The gateway's own hop is
    // the sender's, not the recipient's, and no address is the sending IP.
    let masked = "Received: from gw.sender.example (sender IP) by mail.recipient.example (192.168.x.x) with Microsoft SMTP Server id 8.3.444.0; Wed, 4 May 2016 13:10:14 -0600\nReceived: from gw.sender.example (plunger [192.168.1.7]) by gw.sender.example with ESMTP id x1; Wed, 4 May 2016 10:36:07 -0600\n";
    let (report, _) = run(
        masked,
        &MemoryResolver::new(),
        Options {
            live: false,
            ..Options::default()
        },
    );
    assert_eq!(report.hops.len(), 2);
    assert!(report.hops.iter().all(|h| !h.internal), "{:?}", report.hops);
    assert!(report.sending_ip.is_none());
    // The same chain with the address shown: the gateway is the sending server.
    let shown = masked.replace("(sender IP)", "(gw.sender.example [203.0.113.9])");
    let (report, _) = run(
        &shown,
        &MemoryResolver::new(),
        Options {
            live: false,
            ..Options::default()
        },
    );
    assert_eq!(
        report.sending_ip.map(|s| s.ip.to_string()),
        Some("203.0.113.9".to_string())
    );
    assert!(!report.hops[0].internal);
}

/// A forward without ARC: an SRS envelope sender at the domain the message was addressed to,
/// the author's signature recorded as not verifying and DMARC as failed. The forward is the
/// first cause (the recipient's side); the same envelope from a domain the message was never
/// addressed to (a gateway that rewrites the envelope) is not a forward, and the signature's
/// failure stays the cause.
#[test]
fn an_srs_forward_that_broke_the_signature_is_the_cause() {
    let offline = offline();
    let message = |to: &str| {
        format!(
            "Authentication-Results: mx.google.com;\n dkim=neutral (body hash did not verify) header.i=@author.example header.s=s1;\n spf=pass smtp.mailfrom=\"SRS0=k3vQ=TQ=author.example=jan@fwd.example\";\n dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=author.example\nX-Gmail-Labels: Spam\nReturn-Path: <SRS0=k3vQ=TQ=author.example=jan@fwd.example>\nReceived: from mx1.fwd.example (mx1.fwd.example [203.0.113.150])\n by mx.google.com with ESMTPS id 1 for <p@gmail.com>; Tue, 2 Jan 2024 10:00:05 +0000\nDKIM-Signature: v=1; a=rsa-sha256; d=author.example; s=s1; h=from; bh=x; b=y\nFrom: Jan <jan@author.example>\nTo: {to}\nSubject: Re: plans\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@author.example>\n\nbody\n"
        )
    };
    let first = |r: &Report| {
        r.diagnosis
            .as_ref()
            .and_then(|d| d.causes.first())
            .map(|c| (c.code.clone(), c.topic.clone()))
    };
    let (fwd, _) = run(
        &message("p@fwd.example"),
        &MemoryResolver::new(),
        offline.clone(),
    );
    assert_eq!(
        first(&fwd),
        Some(("forward.srs".to_string(), "forwarding".to_string()))
    );
    let (other, _) = run(&message("p@gmail.com"), &MemoryResolver::new(), offline);
    assert_ne!(first(&other).map(|c| c.1), Some("forwarding".to_string()));
}

/// A notice quoted twice inside a reply (the customer's words, a colleague's reply at "> ", the
/// notice at "> > "): read with its quote levels off, also when its quote marks arrived as HTML
/// entities; quoted once, the paste is read as before.
#[test]
fn a_notice_quoted_twice_in_a_reply_is_read_as_the_notice() {
    let notice = "The attached message had PERMANENT fatal delivery errors!\n\nAfter one or more unsuccessful delivery attempts the attached message has\nbeen removed from the mail queue on this server.\n\n--- Session Transcript ---\n Tue 2026-04-14 10:21:07.058: *  Connection established (203.0.113.45:58231 -> 192.0.2.112:25)\n Tue 2026-04-14 10:21:07.378: --> RCPT To:<r@b.example>\n Tue 2026-04-14 10:21:07.441: <-- 250 2.1.5 Recipient OK\n Tue 2026-04-14 10:21:07.442: --> DATA\n Tue 2026-04-14 10:21:09.519: <-- 554 5.2.2 mailbox full\n--- End Transcript ---\n";
    let quoted: String = notice.lines().map(|l| format!("> > {l}\n")).collect();
    let paste =
        format!("See below.\n\nOn 14/04/2026 11:02, Tom wrote:\n> It bounced again:\n>\n{quoted}");
    let offline = offline();
    for text in [
        paste.clone(),
        paste.replace('<', "&lt;").replace('>', "&gt;"),
    ] {
        let (r, _) = run(&text, &MemoryResolver::new(), offline.clone());
        let b = r.bounce.as_ref().expect("a bounce");
        assert_eq!(b.recipients.len(), 1, "{text}");
        assert_eq!(
            b.recipients[0].reason,
            crate::checks::bounce::Reason::Mailboxfull
        );
        assert_eq!(
            r.sending_ip.as_ref().map(|s| s.ip.to_string()).as_deref(),
            Some("203.0.113.45")
        );
    }
}

/// A first server whose clock is three hours slow: it dates the message before its Date field,
/// and the next server's stamp is three hours after it. The clock is named; no wait is.
#[test]
fn a_first_hop_dated_before_the_date_field_is_a_clock() {
    let message = |submitted: &str| {
        format!(
            "Received: from mail.sender.example (mail.sender.example [203.0.113.5])\n by mx.example.net (Postfix) with ESMTPS id 2 for <u@example.net>; Tue, 2 Jan 2024 10:00:10 +0000\nReceived: from [192.168.1.21] (unknown [192.168.1.21])\n (Authenticated sender: ann@sender.example)\n by mail.sender.example (Postfix) with ESMTPSA id 1; Tue, 2 Jan 2024 {submitted} +0000\nFrom: Ann <ann@sender.example>\nTo: u@example.net\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@sender.example>\n\nbody\n"
        )
    };
    let offline = offline();
    let read = |submitted: &str| {
        let (r, _) = run(&message(submitted), &MemoryResolver::new(), offline.clone());
        let skew = r.findings.iter().any(|f| f.code == "received.clock-skew");
        let late = r
            .diagnosis
            .as_ref()
            .is_some_and(|d| d.causes.iter().any(|c| c.topic == "late"));
        (skew, late)
    };
    // Three hours slow: a clock, not a wait.
    assert_eq!(read("07:00:05"), (true, false));
    // Seconds after the Date: nothing to say.
    assert_eq!(read("10:00:05"), (false, false));
    // A device clock's drift of a few minutes is no finding.
    assert_eq!(read("09:55:05"), (false, false));
}

/// MDaemon's Received field names no client address; its X-MDRemoteIP field below it does.
#[test]
fn mdaemons_remote_ip_field_gives_its_hop_the_address() {
    let message = |extra: &str| {
        format!(
            "Received: from mail.sender.example by mail.example.net (MDaemon PRO v24.5.2)\n\twith ESMTPS id md5001000893214.msg\n\tfor <u@example.net>; Tue, 2 Jan 2024 10:00:05 +0000\nAuthentication-Results: mail.example.net;\n\tspf=pass smtp.mailfrom=ann@sender.example\n{extra}X-MDHelo: mail.sender.example\nReceived: from [192.168.1.20] (unknown [198.51.100.77])\n (Authenticated sender: ann@sender.example)\n by mail.sender.example (Postfix) with ESMTPSA id q1; Tue, 2 Jan 2024 10:00:02 +0000\nFrom: Ann <ann@sender.example>\nTo: u@example.net\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@sender.example>\n\nbody\n"
        )
    };
    let offline = offline();
    let sending = |extra: &str| {
        let (r, _) = run(&message(extra), &MemoryResolver::new(), offline.clone());
        r.sending_ip.map(|s| s.ip.to_string())
    };
    assert_eq!(
        sending("X-MDRemoteIP: 203.0.113.12\n").as_deref(),
        Some("203.0.113.12")
    );
    // Two such fields: which is the hop's cannot be told.
    assert_eq!(
        sending("X-MDRemoteIP: 203.0.113.12\nX-MDRemoteIP: 192.0.2.1\n"),
        None
    );
    assert_eq!(sending(""), None);
}

/// Yahoo's web-view hop names, as its client, the address its entry hop names as the receiving
/// host: the receiver passing the message on, inside whatever that address looks like.
#[test]
fn a_hop_from_the_address_that_received_below_is_inside() {
    let message = "Received: from 192.0.2.118\n by atlas214.free.mail.ir2.yahoo.com with HTTP; Mon, 30 Mar 2026 07:12:45 +0000\nReceived: from 198.51.100.23 (EHLO srv23.host.example)\n by 192.0.2.118 with SMTPs; Mon, 30 Mar 2026 07:12:44 +0000\nReceived: from [192.168.1.5] (unknown [203.0.113.9])\n\tby srv23.host.example (Postfix) with ESMTPSA id 3B; Mon, 30 Mar 2026 09:12:42 +0200\nFrom: Ann <ann@sender.example>\nTo: u@yahoo.example\nSubject: Hello\nDate: Mon, 30 Mar 2026 09:12:40 +0200\nMessage-ID: <1@sender.example>\n\nbody\n";
    let offline = offline();
    let (r, _) = run(message, &MemoryResolver::new(), offline);
    assert_eq!(
        r.sending_ip.map(|s| s.ip.to_string()).as_deref(),
        Some("198.51.100.23")
    );
}

/// The customer quotes Exchange's attachment filter's replacement text: an attachment removed by
/// the receiving side's rule, not nothing; a mention of removal in other words is not that.
#[test]
fn the_attachment_filters_replacement_text_quoted_by_the_customer() {
    let message = |prose: &str| {
        format!(
            "{prose}\n\nReceived: from mail.sender.example (mail.sender.example [203.0.113.5])\n by mx.example.net (Postfix) with ESMTPS id 2 for <u@example.net>; Tue, 2 Jan 2024 10:00:10 +0000\nFrom: Ann <ann@sender.example>\nTo: u@example.net\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:05 +0000\nMessage-ID: <1@sender.example>\n"
        )
    };
    let offline = offline();
    let topic = |prose: &str| {
        let (r, _) = run(&message(prose), &MemoryResolver::new(), offline.clone());
        r.diagnosis
            .and_then(|d| d.causes.first().map(|c| c.topic.clone()))
            .unwrap_or_default()
    };
    assert_eq!(
        topic(
            "The file came as tool.exe.txt and it only says \"This attachment was removed.\" Why?"
        ),
        "policy"
    );
    assert_eq!(
        topic("We removed the attachment ourselves before sending it."),
        ""
    );
}

/// A message from the recipient's own domain, from a server that domain's SPF does not allow
/// (recorded by the receiver's SpamAssassin report, cPanel's X-Ham-Report), is a forged sender;
/// the same message whose SPF passed is not.
#[test]
fn the_recipients_own_domain_from_elsewhere_with_spf_failing_is_forged() {
    let paste = |rule: &str| {
        format!(
            "Received: from vps.elsewhere.example ([198.51.100.213]) by mx.firm.example with esmtps id 1; Tue, 2 Jan 2024 10:00:00 +0000\nFrom: Boss <boss@firm.example>\nTo: accounts@firm.example\nReply-To: boss.private@gmail.com\nSubject: Urgent transfer\nDate: Tue, 2 Jan 2024 09:59:59 +0000\nMessage-ID: <1@firm.example>\nX-Spam-Status: No, score=3.6\nX-Ham-Report: Spam detection software, running on the system \"mx.firm.example\",\n has NOT identified this incoming email as spam.\n Content analysis details:   (3.6 points, 5.0 required)\n  pts rule name              description\n ---- ---------------------- --------------------------------------------------\n  0.7 {rule}           SPF: sender does not match SPF record\n  2.1 FREEMAIL_FORGED_REPLYTO Freemail in Reply-To, but not From\n\nPlease pay.\n"
        )
    };
    let first = |rule: &str| {
        let (r, _) = run(&paste(rule), &MemoryResolver::default(), offline());
        r.diagnosis
            .and_then(|d| d.causes.first().map(|c| c.topic.clone()))
            .unwrap_or_default()
    };
    assert_eq!(first("SPF_SOFTFAIL"), "spoofing");
    assert_ne!(first("SPF_PASS    "), "spoofing");
}

/// Impersonation that authentication cannot show: the recipient organization's own name over a
/// free mail address (not when the recipient shares that name), and replies diverted to a free
/// mail mailbox in the sender's own name (not a website form's Reply-To, which is the
/// visitor's, and not a newsletter's).
#[test]
fn a_company_name_over_free_mail_and_replies_diverted_in_the_senders_name_are_impersonation() {
    let paste = |from: &str, to: &str, extra: &str| {
        format!(
            "Received: from mail-ed1.google.example (mail-ed1.google.example [192.0.2.40]) by mx.firm.example with esmtps id 1; Tue, 2 Jan 2024 10:00:00 +0000\nAuthentication-Results: mx.firm.example; spf=pass smtp.mailfrom=sender.example; dkim=pass header.d=sender.example; dmarc=pass header.from=sender.example\nFrom: {from}\nTo: {to}\n{extra}Subject: Hello\nDate: Tue, 2 Jan 2024 09:59:59 +0000\nMessage-ID: <1@sender.example>\n\nHello.\n"
        )
    };
    let first = |text: &str| {
        let (r, _) = run(text, &MemoryResolver::default(), offline());
        r.diagnosis
            .and_then(|d| d.causes.first().map(|c| c.code.clone()))
            .unwrap_or_default()
    };
    let boss = "Thomas Weber <thomas.weber.office26@gmail.com>";
    assert_eq!(
        first(&paste(boss, "buchhaltung@weber-logistik.example", "")),
        "sender.internal-name-free-mail"
    );
    assert_eq!(
        first(&paste(boss, "Lena Weber <lena@weber-logistik.example>", "")),
        ""
    );
    assert_eq!(
        first(&paste(boss, "buchhaltung@mueller-bau.example", "")),
        ""
    );
    let supplier = "\"Cabinet Moreau\" <facturation@cabinet-moreau-expertise.example>";
    let to = "client@atelier.example";
    assert_eq!(
        first(&paste(
            supplier,
            to,
            "Reply-To: cabinet.moreau.compta@gmail.com\n"
        )),
        "sender.reply-to-free-mail"
    );
    assert_eq!(
        first(&paste(supplier, to, "Reply-To: jana.kralova@seznam.cz\n")),
        ""
    );
    assert_eq!(
        first(&paste(
            supplier,
            to,
            "Reply-To: cabinet.moreau.compta@gmail.com\nList-Unsubscribe: <https://sender.example/u>\n"
        )),
        ""
    );
}

/// The customer says junk, the provider recorded the Inbox: delivered, with the mail program
/// named as where the Junk filing happened.
#[test]
fn a_recorded_inbox_outranks_the_customers_word_junk() {
    let paste = "It always ends up in junk on her phone:\n\nReceived: from relay.sender.example (relay.sender.example [198.51.100.200]) by mx.icloud.example with ESMTPS id 5; Tue, 2 Jan 2024 10:00:00 +0000\nX-Apple-MoveToFolder: INBOX\nX-Apple-Action: MOVE_TO_FOLDER/INBOX\nFrom: Clinic <reminders@sender.example>\nTo: k@icloud.com\nSubject: Reminder\nDate: Tue, 2 Jan 2024 09:59:59 +0000\nMessage-ID: <2@sender.example>\n\nSee you.\n";
    let (r, _) = run(paste, &MemoryResolver::default(), offline());
    let d = r.diagnosis.unwrap();
    assert_eq!(d.outcome, crate::report::diagnosis::Outcome::Delivered);
    assert!(
        d.summary.contains("filed the message in the Inbox"),
        "{}",
        d.summary
    );
    let without = paste.replace(
        "X-Apple-MoveToFolder: INBOX\nX-Apple-Action: MOVE_TO_FOLDER/INBOX\n",
        "",
    );
    let (r, _) = run(&without, &MemoryResolver::default(), offline());
    assert_eq!(
        r.diagnosis.unwrap().outcome,
        crate::report::diagnosis::Outcome::Spam
    );
}

/// A mailing list's post whose author's signature the list's changes broke (RFC 7960 3.2.3) is
/// told as the list's doing; the same failure without the list's fields is the author's DKIM.
#[test]
fn a_lists_changes_that_broke_dkim_are_the_lists() {
    let paste = |list: &str| {
        format!(
            "Delivered-To: m@gmail.example\nReceived: from list.lists.example (list.lists.example [198.51.100.25]) by mx.gmail.example with ESMTPS id x1; Tue, 2 Jan 2024 10:00:00 +0000\nAuthentication-Results: mx.gmail.example;\n dkim=neutral (body hash did not verify) header.i=@author.example header.s=s1;\n spf=pass smtp.mailfrom=kor-bounces@lists.example;\n dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=author.example\nReturn-Path: <kor-bounces@lists.example>\nFrom: Henrik <henrik@author.example>\nTo: kor@lists.example\nSubject: [Kor] Practice moved\nDate: Tue, 2 Jan 2024 09:59:58 +0000\nMessage-ID: <3@author.example>\n{list}\nPractice moves to 19:00.\n"
        )
    };
    let first = |list: &str| {
        let (r, _) = run(&paste(list), &MemoryResolver::default(), offline());
        r.diagnosis
            .and_then(|d| d.causes.first().map(|c| c.topic.clone()))
            .unwrap_or_default()
    };
    assert_eq!(first("List-Id: Kor <kor.lists.example>\n"), "forwarding");
    assert_eq!(first("X-BeenThere: kor@lists.example\n"), "forwarding");
    assert_ne!(first(""), "forwarding");
    // Yahoo records the failed signature as "perm_fail": the list's doing too.
    let yahoo = |list: &str| {
        let p = paste(list).replace(
            "dkim=neutral (body hash did not verify) header.i=@author.example header.s=s1;",
            "dkim=perm_fail header.i=@author.example header.s=s1;",
        );
        let (r, _) = run(&p, &MemoryResolver::default(), offline());
        r.diagnosis
            .and_then(|d| d.causes.first().map(|c| c.topic.clone()))
            .unwrap_or_default()
    };
    assert_eq!(yahoo("List-Id: Kor <kor.lists.example>\n"), "forwarding");
    assert_ne!(yahoo(""), "forwarding");
}

/// The mailbox service behind the recipient's inbound gateway recorded SPF fail for the
/// gateway's own address: the first cause is that hop on the recipient's side, not the sender's
/// SPF record; with the failure recorded for the sender's own server it stays the sender's.
#[test]
fn spf_recorded_for_the_recipients_own_gateway_is_the_receivers() {
    let message = |ip: &str| {
        format!(
            "Authentication-Results: spf=fail (sender IP is {ip}) smtp.mailfrom=sender.example; dkim=none (message not signed) header.d=none; dmarc=fail action=quarantine header.from=sender.example; compauth=fail reason=001\nX-Forefront-Antispam-Report: CIP:{ip};CTRY:;SFV:SPM;SCL:5;\nReceived: from in-3.filtercloud.example (198.51.100.7)\n by mail.protection.outlook.com with ESMTPS id 1; Tue, 2 Jan 2024 10:00:05 +0000\nReceived: from mail.sender.example (mail.sender.example [203.0.113.5])\n by in-3.filtercloud.example with ESMTPS id 2 for <u@acme.example>; Tue, 2 Jan 2024 10:00:02 +0000\nFrom: Ann <ann@sender.example>\nTo: u@acme.example\nSubject: Hello\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@sender.example>\n\nbody\n"
        )
    };
    let zone = MemoryResolver::from_zone(
        "acme.example. MX 10 in-1.filtercloud.example.\nin-1.filtercloud.example. A 198.51.100.1\nsender.example. TXT \"v=spf1 ip4:203.0.113.5 -all\"\n_dmarc.sender.example. TXT \"v=DMARC1; p=quarantine\"",
    )
    .unwrap();
    let first = |r: &Report| {
        r.diagnosis
            .as_ref()
            .and_then(|d| d.causes.first())
            .map(|c| (c.code.clone(), c.topic.clone()))
    };
    let (report, _) = run(&message("198.51.100.7"), &zone, Options::default());
    assert_eq!(
        first(&report),
        Some(("forward.gateway-spf".to_string(), "forwarding".to_string()))
    );
    let (report, _) = run(&message("203.0.113.5"), &zone, Options::default());
    assert_ne!(first(&report).map(|c| c.1), Some("forwarding".to_string()));
}

/// A forward without SRS and without a Received `for` clause: the forwarder's servers took the
/// message in as the MX hosts of the To address's domain, so that address is the one it was
/// forwarded for; without that MX, nothing shows a forward.
#[test]
fn a_forward_is_found_by_the_to_domains_mx_hosts() {
    let message = "Authentication-Results: mx.google.com;\n spf=softfail (google.com: domain of a@sender.example does not designate 198.51.100.189 as permitted sender) smtp.mailfrom=a@sender.example;\n dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=sender.example\nX-Gmail-Labels: Spam\nReturn-Path: <a@sender.example>\nReceived: from relay.isp-ops.example (relay.isp-ops.example. [198.51.100.189])\n by mx.google.com with ESMTPS id 1 for <p@gmail.com>; Tue, 2 Jan 2024 10:00:05 +0000\nReceived: from mx1.isp-ops.example ([10.18.204.41])\n by relay.isp-ops.example with SMTP id 2; Tue, 2 Jan 2024 10:00:04 +0000\nReceived: from mail.sender.example ([203.0.113.20])\n by mx1.isp-ops.example with SMTP id 3; Tue, 2 Jan 2024 10:00:03 +0000\nFrom: Ann <a@sender.example>\nTo: <p@isp.example>\nSubject: Reminder\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <1@sender.example>\n\nbody\n";
    let first = |r: &Report| {
        r.diagnosis
            .as_ref()
            .and_then(|d| d.causes.first())
            .map(|c| (c.code.clone(), c.topic.clone()))
    };
    let with_mx = MemoryResolver::from_zone(
        "isp.example. MX 10 mx1.isp-ops.example.\nmx1.isp-ops.example. A 192.0.2.61\nsender.example. TXT \"v=spf1 ip4:203.0.113.20 ~all\"\n_dmarc.sender.example. TXT \"v=DMARC1; p=quarantine\"",
    )
    .unwrap();
    let (report, _) = run(message, &with_mx, Options::default());
    assert_eq!(
        first(&report),
        Some(("forward.plain".to_string(), "forwarding".to_string()))
    );
    let without_mx = MemoryResolver::from_zone(
        "isp.example. MX 10 mx.elsewhere.example.\nmx.elsewhere.example. A 192.0.2.61\nsender.example. TXT \"v=spf1 ip4:203.0.113.20 ~all\"\n_dmarc.sender.example. TXT \"v=DMARC1; p=quarantine\"",
    )
    .unwrap();
    let (report, _) = run(message, &without_mx, Options::default());
    assert_ne!(first(&report).map(|c| c.1), Some("forwarding".to_string()));
}

/// A mail program's own error quoting its outgoing server's refusal of an unencrypted or
/// unauthenticated session is a submission the server would not relay; the same server's
/// refusal of what the message carries stays a policy, and a server's bounce that quotes a
/// remote MX requiring TLS stays the receiving side's policy.
#[test]
fn a_mail_programs_session_refusal_is_a_refused_relay() {
    let first = |paste: &str| {
        let (r, _) = run(paste, &MemoryResolver::new(), offline());
        r.diagnosis
            .and_then(|d| d.causes.first().map(|c| c.topic.clone()))
            .unwrap_or_default()
    };
    let outlook = |reply: &str| {
        format!(
            "Outlook will not send since yesterday:\n\nTask 'office@shop.example - Sending' reported error (0x800CCC78) : 'Cannot send the message. Verify the email address in your account properties.  The server responded: {reply}'\n"
        )
    };
    assert_eq!(
        first(&outlook("530 5.7.0 Must issue a STARTTLS command first")),
        "relay-denied"
    );
    assert_eq!(
        first(&outlook(
            "553 5.7.1 <office@shop.example>: Sender address rejected: not owned by user info@shop.example"
        )),
        "relay-denied"
    );
    assert_eq!(
        first(&outlook(
            "550 5.7.1 Attachments of type .exe are not accepted here"
        )),
        "policy"
    );
    assert_eq!(
        first(&outlook(
            "550 5.7.1 Message rejected, see https://tlsreport.example/help"
        )),
        "policy"
    );
    assert_eq!(
        first(&outlook(
            "554 5.7.1 <pc.home.example[203.0.113.9]>: Client host rejected: Access denied"
        )),
        "relay-denied"
    );
    let qmail = "Hi. This is the qmail-send program at mail.shop.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<u@partner.example>:\n192.0.2.44 does not like recipient.\nRemote host said: 530 5.7.0 Must issue a STARTTLS command first\nGiving up on 192.0.2.44.\n";
    assert_eq!(first(qmail), "policy");
}

#[test]
fn a_notice_forwarded_under_a_localized_summary_is_read_as_a_bounce() {
    // Apple Mail's French forward: its banner ("Début du message réexpédié :"), a blank line,
    // then the summary under French labels only (De, Date, À, Objet), none a field's own name
    // but Date's.
    let notice = "Bonjour, c'est votre serveur qui bloque ?\n\nEnvoyé de mon iPhone\n\nDébut du message réexpédié :\n\nDe: Mail Delivery System <MAILER-DAEMON@smtp.host.example>\nDate: 3 mars 2026 à 16:41:07 UTC+1\nÀ: claire@shop.example\nObjet: Undelivered Mail Returned to Sender\n\nThis is the mail system at host smtp.host.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n<m.durand@partner.example>: host mx.partner.example[192.0.2.97] said: 550 5.1.1\n<m.durand@partner.example>: Invalid recipient (in reply to RCPT TO command)\n";
    let (r, _) = run(notice, &MemoryResolver::new(), offline());
    let b = r.bounce.as_ref().expect("read as a bounce");
    assert!(
        b.recipients
            .iter()
            .any(|x| x.address == "m.durand@partner.example"
                && x.reason == crate::checks::bounce::Reason::Userunknown)
    );
    let d = r.diagnosis.expect("a diagnosis");
    assert_eq!(
        d.causes.first().map(|c| c.topic.as_str()),
        Some("user-unknown")
    );
    // The same summary above a person's message is no report.
    let letter = notice
        .replace(
            "Mail Delivery System <MAILER-DAEMON@smtp.host.example>",
            "Marc Durand <m.durand@partner.example>",
        )
        .replace("Undelivered Mail Returned to Sender", "Devis")
        .replace("550 5.1.1", "merci");
    let (r, _) = run(&letter, &MemoryResolver::new(), offline());
    assert!(r.bounce.is_none());
}

/// A spam placement only the customer's words tell, on a header cut off before anything the
/// receiver recorded: the paste cannot say why, so no content verdict is made up; with the
/// filter's verdict in it, the verdict is the cause.
#[test]
fn a_junk_placement_told_only_by_the_customer_on_a_cut_header_is_no_content_verdict() {
    let first = |paste: &str| {
        let (r, _) = run(paste, &MemoryResolver::new(), offline());
        r.diagnosis
            .and_then(|d| d.causes.first().map(|c| c.topic.clone()))
            .unwrap_or_default()
    };
    let cut = "Hi, my client says my invoice ended up in his junk folder again. He sent me this:\n\nReceived: from PA4PR08MB7554.eurprd08.prod.outlook.com (2001:db8:20a:5e1::14)\n by AS2PR08MB9368.eurprd08.prod.outlook.com with HTTPS; Wed, 4 Mar 2026\n 08:12:55 +0000\nReceived: from AM0PR02CA0157.eurprd02.prod.outlook.com (2001:db8:20a:11::2f)\n by PA4PR08MB7554.eurprd08.prod.outlook.com (2001:db8:20a:5e1::14) with\n Microsoft SMTP Server id 15.20.8632.13; Wed, 4 Mar 2026 08:12:53 +0000\n";
    assert_eq!(first(cut), "paste-damaged");
    let with_verdict = cut.replace(
        "Received: from AM0PR02CA0157",
        "X-Forefront-Antispam-Report: CIP:203.0.113.45;CTRY:DE;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.shop.example;CAT:SPM;\nReceived: from AM0PR02CA0157",
    );
    assert_eq!(first(&with_verdict), "content");
}
