//! Prints the bounce report of each file given (development aid).
use mailtrace::checks::bounce::{Reason, reason};

fn main() {
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).expect("readable file");
        let r = mailtrace::checks::bounce::analyze(&bytes);
        println!(
            "== {p}: {:?} {:?} original line {:?}",
            r.kind,
            r.format,
            r.original.as_ref().map(|o| o.line)
        );
        for x in &r.recipients {
            let set = reason::phrases(&x.diagnostic.clone().unwrap_or_default().to_lowercase());
            let names: Vec<&str> = Reason::ALL
                .iter()
                .filter(|r| set & (1u64 << (**r as u8)) != 0)
                .map(|r| r.name())
                .collect();
            println!(
                "  {} {:?} {:?} {:?} hard={} remote={:?} phrases={names:?} diag={:?}",
                x.address,
                x.reason,
                x.status,
                x.reply_code,
                x.hard,
                x.remote_mta,
                x.diagnostic
                    .as_deref()
                    .map(|d| d.chars().take(300).collect::<String>())
            );
        }
    }
}
