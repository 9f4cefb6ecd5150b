#![no_main]
use libfuzzer_sys::fuzz_target;
use mailtrace::dns::{Question, RecordType, wire};

fuzz_target!(|data: &[u8]| {
    for rtype in [RecordType::Ptr, RecordType::Txt, RecordType::Mx, RecordType::A] {
        let _ = wire::decode_response(data, &Question::new("5.113.0.203.in-addr.arpa", rtype));
    }
});
