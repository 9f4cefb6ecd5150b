//! Prints the bounce report of each file given (development aid).
fn main() {
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).expect("readable file");
        let r = mailtrace::bounce::analyze(&bytes);
        println!("== {p}: {:?} {:?} original line {:?}", r.kind, r.format, r.original.as_ref().map(|o| o.line));
        for x in &r.recipients {
            println!("  {} {:?} {:?} {:?} hard={} diag={:?}", x.address, x.reason, x.status, x.reply_code, x.hard, x.diagnostic.as_deref().map(|d| &d[..d.len().min(300)]));
        }
    }
}
