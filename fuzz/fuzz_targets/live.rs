//! The live checks (SPF, DKIM, DMARC, blocklists, reverse DNS, HELO, MX) with hostile DNS
//! answers: the message is one of the project's samples, and every answer is built from the
//! fuzz input: its response code, and records of the asked type (TXT strings such as SPF,
//! DMARC and DKIM key records, addresses, names) taken from the input's bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mailtrace::dns::{Answer, RData, Rcode, Record, RecordType};
use mailtrace::{Analysis, Options};

const SAMPLES: [&str; 4] = [
    include_str!("../../tests/samples/dkim-signed.eml"),
    include_str!("../../tests/samples/listed-spamhaus.eml"),
    include_str!("../../tests/samples/gmail-inbound.eml"),
    include_str!("../../tests/bounces/dmarc-rejection.eml"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let input = SAMPLES[usize::from(pick) % SAMPLES.len()];
    // The rest is a list of chunks separated by 0xff; each answer takes the next chunk.
    let chunks: Vec<&[u8]> = rest.split(|&b| b == 0xff).collect();
    let mut next = 0usize;
    let mut analysis = Analysis::new(input.as_bytes(), 1_704_189_600_000, Options::default());
    for _ in 0..200 {
        let queries = analysis.poll_queries();
        if queries.is_empty() {
            break;
        }
        for query in queries {
            let chunk = chunks.get(next % chunks.len().max(1)).copied().unwrap_or_default();
            next += 1;
            let (&kind, body) = chunk.split_first().unwrap_or((&0, &[]));
            let text = String::from_utf8_lossy(body).into_owned();
            let rcode = match kind % 8 {
                0 => Rcode::NxDomain,
                1 => Rcode::ServFail,
                _ => Rcode::NoError,
            };
            let data = match (kind / 8) % 4 {
                0 => None,
                1 => Some(RData::Cname(text.chars().take(80).collect())),
                _ => Some(match query.question.rtype {
                    RecordType::Txt => RData::Txt(text.split('\u{1}').map(str::to_string).collect()),
                    RecordType::A => RData::A(std::net::Ipv4Addr::new(127, 0, body.first().copied().unwrap_or(0), body.get(1).copied().unwrap_or(2))),
                    RecordType::Aaaa => RData::Aaaa(std::net::Ipv6Addr::LOCALHOST),
                    RecordType::Mx => RData::Mx { preference: u16::from(kind), exchange: text.chars().take(80).collect() },
                    RecordType::Ptr => RData::Ptr(text.chars().take(80).collect()),
                    _ => RData::Txt(vec![text.clone()]),
                }),
            };
            let records = data
                .into_iter()
                .map(|data| Record { name: query.question.name.clone(), ttl: 60, data })
                .collect();
            analysis.handle_answer(query.id, Ok(Answer { rcode, records }));
        }
    }
    let report = analysis.finish();
    let _ = mailtrace::present::render::text(&report);
    let _ = report.to_json();
});
