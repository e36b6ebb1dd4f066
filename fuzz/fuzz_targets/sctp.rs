#![no_main]
// See rtcspec_harness::fuzz::TARGETS for what this target feeds where.
libfuzzer_sys::fuzz_target!(|data: &[u8]| (rtcspec_harness::fuzz::by_name("sctp").expect("a library target").run)(data));
