#![no_main]
// See rtcspec_harness::fuzz::TARGETS for what this target feeds where.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let target = rtcspec_harness::fuzz::by_name("stun").expect("a library target").run;
    target(data)
});
